"""iSeller outlets and how each maps onto Accurate (branch, warehouse, accounts)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.extensions import db
from isacc.models.base import UTCDateTime, created_at, updated_at


class Outlet(db.Model):
    __tablename__ = "outlet"
    __table_args__ = (UniqueConstraint("store_id", "iseller_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    iseller_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(255))
    # Payment methods the outlet takes ("cash", "qris", "isellerpay", or a name the shop made
    # up), from iSeller's outlet and every method its sales used: the mapping form asks for
    # an account for each.
    payment_methods: Mapped[list] = mapped_column(db.JSON, default=list)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    store = relationship("Store", back_populates="outlets")
    mapping = relationship("OutletMapping", back_populates="outlet", uselist=False)

    @property
    def is_active(self) -> bool:
        return self.mapping is not None and self.mapping.active


class OutletMapping(db.Model):
    """Where an outlet's documents go in Accurate. Active once every field is chosen."""

    __tablename__ = "outlet_mapping"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), unique=True)
    branch_id: Mapped[int | None] = mapped_column(Integer)
    branch_name: Mapped[str | None] = mapped_column(String(120))
    warehouse_id: Mapped[int | None] = mapped_column(Integer)
    warehouse_name: Mapped[str | None] = mapped_column(String(120))
    # Accurate GL account numbers ("1-10200").
    adjustment_account_no: Mapped[str | None] = mapped_column(String(40))
    # Register cash: the cash account of the outlet's registers (cash sales land there unless
    # the cash method says otherwise), and the other end of each register cash movement. None
    # of them is ever a revenue account: moving cash is not a sale.
    register_cash_account_no: Mapped[str | None] = mapped_column(String(40))
    # Cash taken to the bank goes to this bank account; cash added comes from this one (a
    # bank, or the owner's capital); cash paid out of the till is booked to this expense.
    cash_drop_account_no: Mapped[str | None] = mapped_column(String(40))
    cash_top_up_account_no: Mapped[str | None] = mapped_column(String(40))
    cash_expense_account_no: Mapped[str | None] = mapped_column(String(40))
    # The bank account iSeller pays the outlet's iSeller Pay takings out to.
    payout_account_no: Mapped[str | None] = mapped_column(String(40))
    # Order-level charges: service charge income, the till's rounding (and Accurate's own
    # tax rounding), tips owed to the staff. Asked for only once an order has one.
    service_charge_account_no: Mapped[str | None] = mapped_column(String(40))
    rounding_account_no: Mapped[str | None] = mapped_column(String(40))
    tips_account_no: Mapped[str | None] = mapped_column(String(40))
    # Sales without a customer are invoiced to this Accurate customer.
    walk_in_customer_no: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    # The first active outlet of a store is free; each further one is billed.
    billable: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    outlet = relationship("Outlet", back_populates="mapping")
    payment_accounts = relationship(
        "OutletPaymentAccount",
        back_populates="mapping",
        cascade="all, delete-orphan",
        order_by="OutletPaymentAccount.payment_method",
    )


class OutletPaymentAccount(db.Model):
    """One payment method at one outlet: the Accurate cash/bank account its money lands in,
    Accurate's paymentMethod type for its receipts, and the expense account of its fees."""

    __tablename__ = "outlet_payment_account"
    __table_args__ = (UniqueConstraint("mapping_id", "payment_method"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mapping_id: Mapped[int] = mapped_column(ForeignKey("outlet_mapping.id"), index=True)
    payment_method: Mapped[str] = mapped_column(String(40))
    account_no: Mapped[str] = mapped_column(String(40))
    # One of the sales-receipt schema's paymentMethod enum (isacc.payment_methods.TYPES).
    accurate_type: Mapped[str] = mapped_column(String(24), default="OTHERS")
    fee_account_no: Mapped[str | None] = mapped_column(String(40))

    mapping = relationship("OutletMapping", back_populates="payment_accounts")
