"""Stock movements recorded in iSeller: transfers, stock opnames, adjustments, and deposits."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.extensions import db
from isacc.models.base import ZERO, Money, Quantity, UTCDateTime, created_at, str_enum


class Transfer(db.Model):
    """Goods sent from an outlet to another outlet, or to a warehouse that is not an outlet."""

    __tablename__ = "transfer"
    __table_args__ = (
        UniqueConstraint("store_id", "iseller_id"),
        UniqueConstraint("store_id", "number"),
        CheckConstraint(
            "(to_outlet_id IS NULL) <> (to_warehouse_name IS NULL)", name="one_destination"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    iseller_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(40))
    from_outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    to_outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    to_warehouse_name: Mapped[str | None] = mapped_column(String(120))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    from_outlet = relationship("Outlet", foreign_keys=[from_outlet_id])
    to_outlet = relationship("Outlet", foreign_keys=[to_outlet_id])
    lines = relationship("TransferLine", cascade="all, delete-orphan", order_by="TransferLine.id")


class TransferLine(db.Model):
    __tablename__ = "transfer_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfer.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    sku: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Quantity)


class StockOpname(db.Model):
    """A stock count at an outlet; Accurate gets adjustments for the counted differences."""

    __tablename__ = "stock_opname"
    __table_args__ = (
        UniqueConstraint("store_id", "iseller_id"),
        UniqueConstraint("store_id", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(40))
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    outlet = relationship("Outlet")
    lines = relationship(
        "StockOpnameLine", cascade="all, delete-orphan", order_by="StockOpnameLine.id"
    )


class StockOpnameLine(db.Model):
    __tablename__ = "stock_opname_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opname_id: Mapped[int] = mapped_column(ForeignKey("stock_opname.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    sku: Mapped[str | None] = mapped_column(String(64))
    system_quantity: Mapped[Decimal] = mapped_column(Quantity)
    counted_quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)

    @property
    def difference(self) -> Decimal:
        return self.counted_quantity - self.system_quantity


class StockAdjustment(db.Model):
    __tablename__ = "stock_adjustment"
    __table_args__ = (
        UniqueConstraint("store_id", "iseller_id"),
        UniqueConstraint("store_id", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(200))
    adjusted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    outlet = relationship("Outlet")
    lines = relationship(
        "StockAdjustmentLine", cascade="all, delete-orphan", order_by="StockAdjustmentLine.id"
    )


class StockAdjustmentLine(db.Model):
    __tablename__ = "stock_adjustment_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    adjustment_id: Mapped[int] = mapped_column(ForeignKey("stock_adjustment.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    sku: Mapped[str | None] = mapped_column(String(64))
    # Signed: positive adds stock, negative removes it.
    quantity_change: Mapped[Decimal] = mapped_column(Quantity)
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)


class Payout(db.Model):
    """iSeller paying out what its payment service (iSeller Pay) collected, net of its fees:
    the money moves from the method's clearing account to the outlet's payout bank account,
    so each bank deposit is one Accurate document (iseller-api.md f4, f8)."""

    __tablename__ = "payout"
    __table_args__ = (UniqueConstraint("store_id", "iseller_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)  # what reached the bank
    fees: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # already booked per receipt
    paid_out_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    outlet = relationship("Outlet")


class DepositDirection(enum.StrEnum):
    IN = "in"  # cash put into the register
    OUT = "out"  # cash taken out of it


class DepositPurpose(enum.StrEnum):
    """What a register cash movement is for, which decides its Accurate document."""

    BANK = "bank"  # cash taken to the bank: a bank transfer, register cash -> bank
    EXPENSE = "expense"  # cash paid out for an expense: an other payment
    TOP_UP = "top_up"  # cash added to the register (change, float): an other deposit


class Deposit(db.Model):
    __tablename__ = "deposit"
    __table_args__ = (UniqueConstraint("store_id", "iseller_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("register_shift.id"))
    iseller_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[DepositDirection] = mapped_column(str_enum(DepositDirection, 4))
    purpose: Mapped[DepositPurpose] = mapped_column(str_enum(DepositPurpose, 8))
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str | None] = mapped_column(String(200))
    deposited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    outlet = relationship("Outlet")
    shift = relationship("RegisterShift")
