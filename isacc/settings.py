"""A store's sync settings: checked, saved, and applied to what is already pending."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from isacc.field_errors import FieldErrors
from isacc.models import Store, SyncMode
from isacc.models.base import utcnow
from isacc.sync.release import renumber_pending_customers, replan_pending

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_TIMES = 24


class SettingsError(FieldErrors):
    """Settings that cannot be saved."""


@dataclass
class SyncSettings:
    sync_mode: SyncMode
    sync_times: list[str]
    transfer_sync_scheduled: bool
    transfer_sync_times: list[str]
    customer_id_mapping: bool


def parse_times(text: str) -> list[str]:
    """ "21:00, 9:30 12:00" -> ["09:30", "12:00", "21:00"]; ValueError names a bad one."""
    times = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        if re.fullmatch(r"\d:\d\d", part):
            part = "0" + part
        if not TIME.match(part):
            raise ValueError(_("%(time)s is not a time of day (HH:MM, 24-hour)", time=repr(part)))
        times.append(part)
    times = sorted(set(times))
    if len(times) > MAX_TIMES:
        raise ValueError(_("at most %(count)s times a day", count=MAX_TIMES))
    return times


def read_form(form: dict) -> SyncSettings:
    """The settings a submitted form asks for, or SettingsError listing every problem."""
    errors = {}
    try:
        mode = SyncMode(form.get("sync_mode", ""))
    except ValueError:
        errors["sync_mode"] = _("Choose when sales are sent.")
        mode = SyncMode.REALTIME
    times, transfer_times = [], []
    try:
        times = parse_times(form.get("sync_times", ""))
    except ValueError as error:
        errors["sync_times"] = str(error)
    try:
        transfer_times = parse_times(form.get("transfer_sync_times", ""))
    except ValueError as error:
        errors["transfer_sync_times"] = str(error)
    transfers_scheduled = form.get("transfer_sync_scheduled") in ("on", "true", "1")
    if mode == SyncMode.SCHEDULED and not times and "sync_times" not in errors:
        errors["sync_times"] = _("Give at least one time for scheduled sync.")
    if transfers_scheduled and not transfer_times and "transfer_sync_times" not in errors:
        errors["transfer_sync_times"] = _("Give at least one time for transfers.")
    if errors:
        raise SettingsError(errors)
    return SyncSettings(mode, times, transfers_scheduled, transfer_times,
                        form.get("customer_id_mapping") in ("on", "true", "1"))


def apply(store: Store, settings: SyncSettings) -> int:
    """Save the settings and re-plan pending activities; returns how many moved."""
    store.sync_mode = settings.sync_mode
    store.sync_times = settings.sync_times
    store.transfer_sync_scheduled = settings.transfer_sync_scheduled
    store.transfer_sync_times = settings.transfer_sync_times
    if store.customer_id_mapping != settings.customer_id_mapping:
        store.customer_id_mapping = settings.customer_id_mapping
        renumber_pending_customers(store)
    store.settings_confirmed_at = utcnow()
    return replan_pending(store)
