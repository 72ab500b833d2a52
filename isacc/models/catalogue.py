"""The iSeller catalogue isacc keeps: products with stock per outlet, and customers."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.extensions import db
from isacc.models.base import Money, Quantity, UTCDateTime, created_at, updated_at


class Product(db.Model):
    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("store_id", "iseller_id"),
        # Not unique: a duplicated SKU is a problem we show the owner, not one we refuse.
        Index("ix_product_store_sku", "store_id", "sku"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    # The SKU is the Accurate item number ("no"); products without one cannot sync.
    sku: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(120), default="Umum")
    unit: Mapped[str] = mapped_column(String(40), default="PCS")
    # INV (inventory), NON (non-inventory) or SVC (service), as Accurate's import names them.
    item_type: Mapped[str] = mapped_column(String(3), default="INV")
    price: Mapped[Decimal] = mapped_column(Money, default=0)
    cost: Mapped[Decimal] = mapped_column(Money, default=0)
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    stock = relationship("ProductStock", back_populates="product", cascade="all, delete-orphan")


class ProductStock(db.Model):
    __tablename__ = "product_stock"
    __table_args__ = (UniqueConstraint("product_id", "outlet_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=0)
    # Ordered from suppliers in Accurate (purchase orders) and not received yet: not on hand.
    incoming: Mapped[Decimal] = mapped_column(Quantity, default=0, server_default="0")
    updated_at: Mapped[datetime] = updated_at()

    product = relationship("Product", back_populates="stock")
    outlet = relationship("Outlet")


class Customer(db.Model):
    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("store_id", "iseller_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    # The shop's own customer ID, when it keeps one; with the ID-mapping toggle on it
    # becomes the Accurate customerNo.
    customer_code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # The customerNo the customer has in Accurate, once synced.
    accurate_customer_no: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
