"""Live tables: a window that polls itself, or a plain page deep in the history.

A table shows a window (see isacc.activity_log) and asks for it again every few seconds with
the fingerprint of what it shows; when nothing changed the answer is an empty 204, which
htmx leaves on screen. Following a cursor (`?cursor=`) leaves the live window for a fixed
page of older rows, which is also how paging works without JavaScript.
"""

from flask import request

from isacc.activity_log import Filters, Page, read_page, read_window
from isacc.web.pages import is_htmx


def read_table(model, *, store_id: int | None, filters: Filters, zone: str) -> tuple[Page, bool]:
    """The rows the request asks for, and whether they form a live window."""
    if request.args.get("cursor"):
        return read_page(model, store_id=store_id, filters=filters, zone=zone,
                         cursor=request.args["cursor"]), False
    return read_window(model, store_id=store_id, filters=filters, zone=zone,
                       through=request.args.get("through"),
                       more=bool(request.args.get("more"))), True


def unchanged(rows: Page) -> bool:
    """A poll whose table already shows exactly these rows."""
    return is_htmx() and request.args.get("v") == rows.fingerprint
