"""Register shifts and the sales orders taken in them."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.extensions import db
from isacc.models.base import ZERO, Money, Quantity, UTCDateTime, created_at, str_enum


class ShiftStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class RegisterShift(db.Model):
    __tablename__ = "register_shift"
    __table_args__ = (UniqueConstraint("store_id", "iseller_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    register_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[ShiftStatus] = mapped_column(str_enum(ShiftStatus, 8), default=ShiftStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    outlet = relationship("Outlet")


class SalesOrder(db.Model):
    __tablename__ = "sales_order"
    __table_args__ = (
        UniqueConstraint("store_id", "iseller_id"),
        # The iSeller order number becomes the Accurate invoice number: unique per store.
        UniqueConstraint("store_id", "order_number"),
        Index("ix_sales_order_outlet_time", "outlet_id", "ordered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("register_shift.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    order_number: Mapped[str] = mapped_column(String(40))
    # When the sale happened at the till: the Accurate transDate, never the sync date.
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subtotal: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    discount_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    tax_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    # The till's prices already hold their tax (lines' tax is a part of them, not added).
    tax_inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where it was sold: "pos" (the till), or another channel's key (isacc.channels.key).
    channel: Mapped[str] = mapped_column(String(40), default="pos")
    # Order-level charges beside the lines: each is its own line of the Accurate invoice.
    service_charge: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    service_charge_tax: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    rounding: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # up (+) or down (-)
    tip: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    created_at: Mapped[datetime] = created_at()

    outlet = relationship("Outlet")
    shift = relationship("RegisterShift")
    customer = relationship("Customer")
    lines = relationship(
        "SalesOrderLine", back_populates="order", cascade="all, delete-orphan",
        order_by="SalesOrderLine.id",
    )
    payments = relationship(
        "SalesPayment", back_populates="order", cascade="all, delete-orphan",
        order_by="SalesPayment.id",
    )


class SalesOrderLine(db.Model):
    __tablename__ = "sales_order_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    # Copied from the product at sale time: what was sold, even if the product changes.
    sku: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    tax: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    line_total: Mapped[Decimal] = mapped_column(Money)

    order = relationship("SalesOrder", back_populates="lines")


class SalesPayment(db.Model):
    __tablename__ = "sales_payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    # iSeller's payment method name ("cash", "card", "qris", "isellerpay"...).
    method: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)
    # iSellerPay's merchant discount rate fee, booked to the outlet's MDR account.
    mdr_fee: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    reference: Mapped[str | None] = mapped_column(String(80))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime())

    order = relationship("SalesOrder", back_populates="payments")
