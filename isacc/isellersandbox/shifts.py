"""Register shifts [C b.8]: a register opens a shift and closes it. An order rung up while its
register's shift is open belongs to that shift (kept inside the sandbox: iSeller shows no
link on the order)."""

import time
import uuid

from isacc.isellersandbox.orders import TillError, outlet_by_code, register_of
from isacc.isellersandbox.storage import Shop


def open_shift_id(shop: Shop, register_id: str) -> str | None:
    rows = shop.query("SELECT register_shift_id FROM register_shift "
                      "WHERE register_id = ? AND closed IS NULL", register_id)
    return rows[0]["register_shift_id"] if rows else None


def open_shift(shop: Shop, outlet_code, register_name=None) -> dict:
    outlet = outlet_by_code(outlet_code)
    register = register_of(outlet, register_name)
    with shop.transaction():
        if open_shift_id(shop, register["register_id"]):
            raise TillError(f"{register['register_name']} already has an open shift: close it "
                            f"first.")
        shift_id, now = str(uuid.uuid4()), int(time.time())
        shop.run("INSERT INTO register_shift (register_shift_id, register_id, register_name, "
                 "outlet_id, opened, modified) VALUES (?, ?, ?, ?, ?, ?)", shift_id,
                 register["register_id"], register["register_name"], outlet["outlet_id"], now,
                 now)
    return shift(shop, shift_id)


def close_shift(shop: Shop, register_shift_id) -> dict:
    with shop.transaction():
        found = shift(shop, str(register_shift_id or ""))
        if found is None:
            raise TillError(f"Unknown register_shift_id: {register_shift_id!r}.")
        if found["closed_date"] is not None:
            raise TillError("That shift is closed already.")
        now = int(time.time())
        shop.run("UPDATE register_shift SET closed = ?, modified = ? "
                 "WHERE register_shift_id = ?", now, now, register_shift_id)
    return shift(shop, register_shift_id)


def shift(shop: Shop, register_shift_id: str) -> dict | None:
    rows = shop.query("SELECT * FROM register_shift WHERE register_shift_id = ?",
                      register_shift_id)
    return record(rows[0]) if rows else None


def record(row) -> dict:
    """[C b.8] a shift's fields (times as stored, UTC epoch seconds)."""
    return {"register_name": row["register_name"], "register_id": row["register_id"],
            "register_shift_id": row["register_shift_id"], "open_date": row["opened"],
            "closed_date": row["closed"]}


def open_shifts(shop: Shop) -> list[dict]:
    """The open shifts, each with the number of orders rung up in it so far (`orders`)."""
    return [{**record(row), "orders": row["orders"]} for row in shop.query(
        "SELECT register_shift.*, (SELECT count(*) FROM store_order WHERE "
        "store_order.register_shift_id = register_shift.register_shift_id) AS orders "
        "FROM register_shift WHERE closed IS NULL ORDER BY n")]
