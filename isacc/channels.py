"""Sales channels besides the till: iSeller's web store, marketplaces and food-delivery apps
(its order `channel` and `channel_detail`). The till's sales always reach Accurate; another
channel's only once the owner picks it, each invoiced to the Accurate customer chosen for it
(the marketplace that owes the money), or the outlet's walk-in customer. Its fees (a
marketplace's commission and admin fee) are the fees of its payment method, booked with each
receipt to that method's fee account like any other (isacc.payment_methods).

Accurate's invoice lines take no revenue account (the item's decides), so a channel's own
sales account is not something isacc can send; its customer keeps its sales apart instead.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from isacc.extensions import db
from isacc.models import SalesOrder, Store, SyncActivity

TILL = "pos"
KINDS = {"web": _l("Online store"), "marketplace": _l("Marketplace"),
         "food_delivery": _l("Food delivery")}
# The channel details iSeller names (iseller-api.md b.9), offered before a sale has used them.
KNOWN = ("web", "marketplace:tokopedia", "marketplace:shopee", "marketplace:lazada",
         "marketplace:tiktok", "food_delivery:grabfood", "food_delivery:gofood",
         "food_delivery:shopeefood")


def key(channel: str, detail: str | None) -> str:
    """"pos", "web", or "marketplace:tokopedia"."""
    return f"{channel}:{detail}" if detail and channel != TILL else channel


def label(channel_key: str) -> str:
    kind, _sep, detail = channel_key.partition(":")
    name = str(KINDS.get(kind, kind))
    return f"{name}: {detail.capitalize()}" if detail else name


def books(store: Store, channel_key: str) -> bool:
    return channel_key == TILL or channel_key in (store.sales_channels or {})


def customer_no(store: Store, channel_key: str) -> str | None:
    return ((store.sales_channels or {}).get(channel_key) or {}).get("customer_no") or None


def offered(store: Store) -> list[str]:
    """The channels the settings offer: iSeller's known ones, those sales came from, and
    those chosen."""
    seen = db.session.scalars(db.select(SalesOrder.channel).distinct().where(
        SalesOrder.store_id == store.id, SalesOrder.channel != TILL)).all()
    return list(dict.fromkeys([*KNOWN, *sorted(seen), *(store.sales_channels or {})]))


def choose(store: Store, form) -> tuple[dict[str, str], list[str]]:
    """Save the channels ticked in `form` (`channel` values, `customer_<key>` numbers);
    returns (field -> problem, the channels newly booked)."""
    chosen = {}
    problems = {}
    for channel_key in form.getlist("channel"):
        if channel_key not in offered(store):
            problems["channel"] = _("Channel %(channel)s is not one iSeller sends.",
                                    channel=channel_key)
            continue
        number = (form.get(f"customer_{channel_key}") or "").strip()
        if len(number) > 40:
            problems[f"customer_{channel_key}"] = _("At most %(max)d characters.", max=40)
        chosen[channel_key] = {"customer_no": number or None}
    if problems:
        return problems, []
    added = [channel_key for channel_key in chosen if channel_key not in
             (store.sales_channels or {})]
    store.sales_channels = chosen
    return {}, added


def unplanned_orders(store: Store, channel_key: str) -> list[SalesOrder]:
    """The channel's orders kept out of the books while it was not picked."""
    planned = db.select(SyncActivity.source_id).where(
        SyncActivity.store_id == store.id, SyncActivity.source_kind == "sales_order")
    return db.session.scalars(db.select(SalesOrder).where(
        SalesOrder.store_id == store.id, SalesOrder.channel == channel_key,
        SalesOrder.id.not_in(planned)).order_by(SalesOrder.ordered_at)).all()
