"""The shape of every iSeller event, validated before anything is stored.

These models are also the source of the OpenAPI document served at /api/openapi.json. Every
value a schema-valid event carries fits where isacc keeps it, and so does every number isacc
derives from one (`DEP-<deposit id>`, `<transfer>-OUT`...): a valid event is stored or
refused with its reasons, never a database error.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from isacc import payment_methods

# Accurate keeps amounts up to 999 billion (accurate-api.md, "Numbers"); isacc's columns hold
# more, so this is the bound, for each amount and for the sums isacc works out of them.
MAX_AMOUNT = Decimal("999999999999")
# Accurate document numbers isacc derives live in String(64) columns.
DOCUMENT_NUMBER_LENGTH = 64
BOOKED_CURRENCY = "IDR"
DEPOSIT_NUMBER_PREFIX = "DEP-"  # sync/plan.py plan_deposit: "DEP-<deposit id>"
PAYOUT_NUMBER_PREFIX = "PAYOUT-"  # sync/plan.py plan_payout
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)

Id = Annotated[str, Field(min_length=1, max_length=64, description="iSeller's id")]
Number = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$",
                              description="the number people know the record by")]
Sku = Annotated[str | None, Field(default=None, max_length=64)]
Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=18, decimal_places=2)]
# The till rounds a total to a coin at most: a few thousand rupiah either way.
SignedMoney = Annotated[Decimal, Field(ge=-100_000, le=100_000, max_digits=18,
                                       decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, max_digits=18, decimal_places=2)]
SignedQuantity = Annotated[Decimal, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, max_digits=18,
                                          decimal_places=4)]
Quantity = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=18, decimal_places=4)]
PositiveQuantity = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, max_digits=18,
                                            decimal_places=4)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Moment = Annotated[AwareDatetime, Field(
    ge=EARLIEST, le=LATEST,
    description="ISO 8601 with its UTC offset, between 2000-01-01 and 2100-01-01 (UTC)")]


def _at_most(amount: Decimal, what: str) -> None:
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"{what} comes to {amount}, more than Accurate keeps ({MAX_AMOUNT})")


class Strict(BaseModel):
    # An unknown field is an error: a typo in a field name must not silently drop data.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Event(Strict):
    event_id: Annotated[str, Field(min_length=1, max_length=100,
                                   description="unique per store; a repeat is ignored")]


# ---- catalogue -------------------------------------------------------------------------------

class OutletData(Strict):
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=120)]
    address: Annotated[str | None, Field(default=None, max_length=255)]
    payment_methods: Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]],
                               Field(default_factory=list, max_length=20)]


class OutletEvent(Event):
    outlet: OutletData


class StockLevel(Strict):
    outlet_id: Id
    quantity: SignedQuantity


class ProductData(Strict):
    id: Id
    name: Name
    sku: Sku
    category: Annotated[str, Field(default="Umum", min_length=1, max_length=120)]
    unit: Annotated[str, Field(default="PCS", min_length=1, max_length=40)]
    item_type: Literal["INV", "NON", "SVC"] = "INV"
    price: Money = Decimal(0)
    cost: Money = Decimal(0)
    stock: Annotated[list[StockLevel], Field(default_factory=list, max_length=500)]


# Stock levels in one products event: 1,000 products in 50 outlets, a body of about 2.5 MB
# stored in seconds (bench/products_event.py); more are sent as several events.
STOCK_LEVELS_AN_EVENT = 50_000


class ProductEvent(Event):
    products: Annotated[list[ProductData], Field(
        min_length=1, max_length=1000,
        description=f"at most {STOCK_LEVELS_AN_EVENT:,} stock levels in all")]

    @model_validator(mode="after")
    def stock_levels_in_one_event(self):
        levels = sum(len(product.stock) for product in self.products)
        if levels > STOCK_LEVELS_AN_EVENT:
            raise ValueError(f"{levels} stock levels in one event: send at most "
                             f"{STOCK_LEVELS_AN_EVENT} an event (several events are fine)")
        return self


class CustomerData(Strict):
    id: Id
    name: Name
    customer_code: Annotated[str | None, Field(default=None, max_length=40,
                                               description="the shop's own customer ID")]
    email: Annotated[str | None, Field(default=None, max_length=254)]
    phone: Annotated[str | None, Field(default=None, max_length=40)]


class CustomerEvent(Event):
    customer: CustomerData


# ---- sales -----------------------------------------------------------------------------------

class ShiftData(Strict):
    id: Id
    outlet_id: Id
    register_name: Annotated[str, Field(default="Kasir", min_length=1, max_length=80)]
    opened_at: Moment
    closed_at: Moment | None = None


class ShiftEvent(Event):
    shift: ShiftData


class OrderLine(Strict):
    product_id: Id | None = None
    sku: Sku
    name: Name
    quantity: PositiveQuantity
    unit_price: Money
    discount: Money = Decimal(0)
    tax: Money = Decimal(0)

    @model_validator(mode="after")
    def amounts_accurate_keeps(self):
        _at_most(self.quantity * self.unit_price, "quantity times unit price")
        _at_most(self.total, "the line's total")
        return self

    @property
    def total(self) -> Decimal:
        """What the line comes to when its tax is added to its price (tax-exclusive)."""
        return self.quantity * self.unit_price - self.discount + self.tax

    def total_in(self, tax_inclusive: bool) -> Decimal:
        return self.total - self.tax if tax_inclusive else self.total


class Payment(Strict):
    method: Annotated[str, Field(min_length=1, max_length=40,
                                 description=payment_methods.description(),
                                 examples=sorted(payment_methods.KNOWN))]
    amount: PositiveMoney
    mdr_fee: Money = Decimal(0)
    reference: Annotated[str | None, Field(default=None, max_length=80)]
    paid_at: Moment | None = None


class OrderData(Strict):
    id: Id
    number: Number
    outlet_id: Id
    shift_id: Id | None = None
    customer_id: Id | None = None
    ordered_at: Moment
    lines: Annotated[list[OrderLine], Field(min_length=1, max_length=500)]
    payments: Annotated[list[Payment], Field(default_factory=list, max_length=20)]
    discount_total: Money = Decimal(0)
    tax_inclusive: Annotated[bool, Field(
        description="the lines' prices already hold their tax (each line's "
                                   "`tax` is the part of it that is tax), as iSeller's "
                                   "`tax_inclusive`")] = False
    service_charge: Annotated[Money, Field(description="the order's service charge, before "
                                                       "its tax")] = Decimal(0)
    service_charge_tax: Annotated[Money, Field(description="the tax the till charged on the "
                                                           "service charge")] = Decimal(0)
    rounding: Annotated[SignedMoney, Field(description="the till's rounding of the total: "
                                                       "up (+) or down (-)")] = Decimal(0)
    tip: Annotated[Money, Field(description="a tip the customer added, owed to the staff")] \
        = Decimal(0)
    on_account: Annotated[Money, Field(description="what the customer owes and pays later "
                                                   "(iSeller's on_account): the invoice's "
                                                   "receivable stays open by as much")] \
        = Decimal(0)
    channel: Annotated[Literal["pos", "web", "marketplace", "food_delivery"], Field(
        description="where it was sold, as iSeller's `channel`: orders of a channel other "
                    "than the till reach Accurate only once the owner picks that channel")] \
        = "pos"
    channel_detail: Annotated[str | None, Field(
        default=None, min_length=1, max_length=30, pattern=r"^[a-z0-9_]+$",
        description="the marketplace or food app (`tokopedia`, `shopee`, `grabfood`, ...), "
                    "as iSeller's `channel_detail`")]
    currency: Annotated[str, Field(
        default=BOOKED_CURRENCY, pattern=r"^[A-Z]{3}$",
        description="ISO 4217; isacc books rupiah only, so anything but IDR is refused")]

    @model_validator(mode="after")
    def in_rupiah(self):
        # Booking USD 8 as Rp 8 would be wrong by four orders of magnitude, and silently.
        if self.currency != BOOKED_CURRENCY:
            raise ValueError(f"currency {self.currency}: isacc books sales in rupiah (IDR) "
                             f"only, and the store's Accurate database in rupiah; record the "
                             f"sale in IDR")
        return self

    @model_validator(mode="after")
    def payments_cover_the_total(self):
        _at_most(sum((line.quantity * line.unit_price for line in self.lines), Decimal(0)),
                 "the order's subtotal")
        _at_most(self.total, "the order's total")
        total = self.total
        paid = sum((p.amount for p in self.payments), Decimal(0))
        if (self.payments or self.on_account) and paid + self.on_account != total:
            raise ValueError(f"payments add up to {paid} and {self.on_account} is on account, "
                             f"but the order total is {total}")
        for payment in self.payments:
            if payment.mdr_fee > payment.amount:
                raise ValueError("an MDR fee cannot exceed its payment")
        return self

    @property
    def total(self) -> Decimal:
        """What the customer pays: the lines less the order discount, plus the charges."""
        lines = sum((line.total_in(self.tax_inclusive) for line in self.lines), Decimal(0))
        return (lines - self.discount_total + self.service_charge + self.service_charge_tax
                + self.rounding + self.tip)


class OrderEvent(Event):
    order: OrderData


# ---- stock -----------------------------------------------------------------------------------

class TransferLine(Strict):
    product_id: Id | None = None
    sku: Sku
    quantity: PositiveQuantity


class TransferData(Strict):
    id: Id
    number: Number
    from_outlet_id: Id
    to_outlet_id: Id | None = None
    to_warehouse_name: Annotated[str | None, Field(default=None, min_length=1, max_length=120)]
    sent_at: Moment
    received_at: Moment | None = None
    lines: Annotated[list[TransferLine], Field(min_length=1, max_length=500)]

    @model_validator(mode="after")
    def one_destination(self):
        if (self.to_outlet_id is None) == (self.to_warehouse_name is None):
            raise ValueError("give exactly one of to_outlet_id and to_warehouse_name")
        if self.to_outlet_id == self.from_outlet_id:
            raise ValueError("a transfer goes to another outlet")
        return self


class TransferEvent(Event):
    transfer: TransferData


class OpnameLine(Strict):
    product_id: Id | None = None
    sku: Sku
    system_quantity: SignedQuantity
    counted_quantity: Quantity
    unit_cost: Money = Decimal(0)


class OpnameData(Strict):
    id: Id
    number: Number
    outlet_id: Id
    counted_at: Moment
    lines: Annotated[list[OpnameLine], Field(min_length=1, max_length=2000)]


class OpnameEvent(Event):
    stock_opname: OpnameData


class AdjustmentLine(Strict):
    product_id: Id | None = None
    sku: Sku
    quantity_change: SignedQuantity
    unit_cost: Money = Decimal(0)


class AdjustmentData(Strict):
    id: Id
    number: Number
    outlet_id: Id
    adjusted_at: Moment
    reason: Annotated[str | None, Field(default=None, max_length=200)]
    lines: Annotated[list[AdjustmentLine], Field(min_length=1, max_length=2000)]


class AdjustmentEvent(Event):
    stock_adjustment: AdjustmentData


class DepositData(Strict):
    # Its Accurate number is "DEP-<id>", which must fit too.
    id: Annotated[str, Field(min_length=1,
                             max_length=DOCUMENT_NUMBER_LENGTH - len(DEPOSIT_NUMBER_PREFIX),
                             description="iSeller's id")]
    outlet_id: Id
    shift_id: Id | None = None
    direction: Literal["in", "out"]
    purpose: Annotated[Literal["bank", "expense", "top_up"] | None, Field(
        default=None,
        description="out: `bank` (cash taken to the bank, the default) or `expense` (paid "
                    "from the register); in: `top_up` (cash added, the default)")]
    amount: PositiveMoney
    description: Annotated[str | None, Field(default=None, max_length=200)]
    deposited_at: Moment


    @model_validator(mode="after")
    def purpose_of_its_direction(self):
        if self.purpose is None:
            self.purpose = "top_up" if self.direction == "in" else "bank"
        elif (self.purpose == "top_up") != (self.direction == "in"):
            raise ValueError(f"cash {self.direction} cannot be for {self.purpose}: in is "
                             f"top_up; out is bank or expense")
        return self


class DepositEvent(Event):
    deposit: DepositData


class PayoutData(Strict):
    # Its Accurate number is "PAYOUT-<id>", which must fit too.
    id: Annotated[str, Field(min_length=1,
                             max_length=DOCUMENT_NUMBER_LENGTH - len(PAYOUT_NUMBER_PREFIX),
                             description="iSeller's id (the payout report's Reference ID)")]
    outlet_id: Id
    method: Annotated[str, Field(default=payment_methods.ISELLERPAY, min_length=1,
                                 max_length=40, description="whose takings are paid out")]
    amount: Annotated[PositiveMoney, Field(description="what reached the bank (the payout "
                                                       "report's Total Deposit)")]
    fees: Annotated[Money, Field(description="the fees kept back (Total Fees), already "
                                             "booked with each receipt")] = Decimal(0)
    paid_out_at: Moment


class PayoutEvent(Event):
    payout: PayoutData


# The inbound API's routes: path -> (event type, model).
EVENTS: dict[str, tuple[str, type[Event]]] = {
    "outlets": ("outlet", OutletEvent),
    "products": ("products", ProductEvent),
    "customers": ("customer", CustomerEvent),
    "shifts/open": ("shift_open", ShiftEvent),
    "shifts/close": ("shift_close", ShiftEvent),
    "sales-orders": ("sales_order", OrderEvent),
    "transfers": ("transfer", TransferEvent),
    "stock-opnames": ("stock_opname", OpnameEvent),
    "stock-adjustments": ("stock_adjustment", AdjustmentEvent),
    "deposits": ("deposit", DepositEvent),
    "payouts": ("payout", PayoutEvent),
}
