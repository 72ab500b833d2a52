"""How money and times read on screen: rupiah with Indonesian grouping, the store's zone."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from flask import has_request_context
from flask_babel import get_locale


def rupiah(amount) -> str:
    """Rp 1.250.000 (dots group thousands, comma before decimals, none for whole rupiah)."""
    if amount is None:
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = divmod(abs(value), 1)
    text = f"{int(whole):,}".replace(",", ".")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return f"{sign}Rp {text}"


def label_case(text) -> str:
    """A label's first letter upper case, the rest as written: Jinja's `capitalize` would
    turn "akun MDR iSellerPay" into "Akun mdr isellerpay". Brand names written with a small
    first letter (iSellerPay) stay so."""
    text = str(text)
    if text[:1].islower() and text[1:2].isupper():
        return text
    return text[:1].upper() + text[1:]


def local_time(moment: datetime | None, zone: str, fmt: str = "%d %b %Y %H:%M") -> str:
    """A UTC time shown in the store's time zone, the month named in the reader's language
    ("25 Des 2026" in Bahasa Indonesia)."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(zone))
    if "%b" in fmt:
        language = str(get_locale()) if has_request_context() else "en"
        month = get_month_names("abbreviated", locale=language)[local.month].rstrip(".")
        fmt = fmt.replace("%b", month.replace("%", "%%"))
    return local.strftime(fmt)


# Indonesia's zones as people there name them (and as they write them after a time in both
# languages): nobody says "Asia/Makassar".
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}


def zone_name(zone: str) -> str:
    """WIB, WITA or WIT for an Indonesian zone; any other zone by its own name."""
    return ZONE_NAMES.get(zone, zone)
