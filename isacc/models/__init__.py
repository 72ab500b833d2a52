"""Every model, importable from one place (Alembic and the app read this module)."""

from isacc.models.accurate import AccurateConnection, ConnectionStatus
from isacc.models.activity import (
    ActivityKind,
    AppliedDocument,
    InboundEvent,
    Status,
    SyncActivity,
    WebhookLog,
)
from isacc.models.catalogue import Customer, Product, ProductStock
from isacc.models.inventory import (
    Deposit,
    DepositDirection,
    DepositPurpose,
    Payout,
    StockAdjustment,
    StockAdjustmentLine,
    StockOpname,
    StockOpnameLine,
    Transfer,
    TransferLine,
)
from isacc.models.iseller import IsellerConnection, IsellerNotice
from isacc.models.outlet import Outlet, OutletMapping, OutletPaymentAccount
from isacc.models.sales import RegisterShift, SalesOrder, SalesOrderLine, SalesPayment, ShiftStatus
from isacc.models.store import Role, Store, SyncMode, TaxMode, User

__all__ = [
    "AccurateConnection", "ActivityKind", "AppliedDocument", "ConnectionStatus", "Customer",
    "Deposit", "DepositDirection", "DepositPurpose", "InboundEvent", "IsellerConnection",
    "IsellerNotice", "Outlet", "OutletMapping", "OutletPaymentAccount", "Payout", "Product",
    "ProductStock", "RegisterShift", "Role", "SalesOrder",
    "SalesOrderLine", "SalesPayment", "ShiftStatus", "Status", "StockAdjustment",
    "StockAdjustmentLine", "StockOpname", "StockOpnameLine", "Store", "SyncActivity", "SyncMode",
    "TaxMode",
    "Transfer", "TransferLine", "User", "WebhookLog",
]
