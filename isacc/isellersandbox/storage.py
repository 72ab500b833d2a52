"""The iSeller sandbox's memory, in SQLite files under its data folder: one for the OAuth host
(registered callbacks, codes, tokens) and one for the store (catalogue and stock per outlet,
orders, transactions, register shifts, webhooks and their deliveries), so a restarted sandbox
keeps its grants and its trade. Times are UTC epoch seconds; records are JSON."""

import json
import uuid
from pathlib import Path

from isacc.isellersandbox import settings
from isacc.sandbox.storage import Store


class Accounts(Store):
    schema = """
    CREATE TABLE IF NOT EXISTS redirect_uri (client_id TEXT NOT NULL, uri TEXT NOT NULL,
        PRIMARY KEY (client_id, uri));
    CREATE TABLE IF NOT EXISTS code (code TEXT PRIMARY KEY, client_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL, expires REAL NOT NULL, used INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS token (access TEXT PRIMARY KEY, refresh TEXT UNIQUE NOT NULL,
        client_id TEXT NOT NULL, expires REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
    """

    def register_redirect_uri(self, client_id: str, uri: str) -> None:
        self.run("INSERT OR IGNORE INTO redirect_uri (client_id, uri) VALUES (?, ?)",
                 client_id, uri)

    def redirect_uri_registered(self, client_id: str, uri: str) -> bool:
        return bool(self.query("SELECT 1 FROM redirect_uri WHERE client_id = ? AND uri = ?",
                               client_id, uri))

    def redirect_uris(self, client_id: str) -> list[str]:
        return [row["uri"] for row in self.query(
            "SELECT uri FROM redirect_uri WHERE client_id = ? ORDER BY uri", client_id)]


class Shop(Store):
    """The demo store's trade. `n` columns keep the order rows were made in, for stable sorts."""

    schema = """
    CREATE TABLE IF NOT EXISTS product (n INTEGER PRIMARY KEY AUTOINCREMENT,
        product_id TEXT UNIQUE NOT NULL, sku TEXT UNIQUE NOT NULL, data TEXT NOT NULL,
        modified INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS stock (product_id TEXT NOT NULL, outlet_code TEXT NOT NULL,
        quantity REAL NOT NULL, PRIMARY KEY (product_id, outlet_code));
    CREATE TABLE IF NOT EXISTS store_order (n INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id TEXT UNIQUE NOT NULL, outlet_id TEXT NOT NULL, customer_id TEXT,
        register_shift_id TEXT, payment_status TEXT NOT NULL, fulfillment_status TEXT NOT NULL,
        created INTEGER NOT NULL, modified INTEGER NOT NULL, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS store_transaction (n INTEGER PRIMARY KEY AUTOINCREMENT,
        transaction_id TEXT UNIQUE NOT NULL, order_id TEXT NOT NULL, outlet_id TEXT NOT NULL,
        created INTEGER NOT NULL, modified INTEGER NOT NULL, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS register_shift (n INTEGER PRIMARY KEY AUTOINCREMENT,
        register_shift_id TEXT UNIQUE NOT NULL, register_id TEXT NOT NULL,
        register_name TEXT NOT NULL, outlet_id TEXT NOT NULL, opened INTEGER NOT NULL,
        closed INTEGER, modified INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS customer (key TEXT PRIMARY KEY, customer_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS webhook (event_type TEXT PRIMARY KEY, url TEXT NOT NULL,
        api_key TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS flag (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS delivery (id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_type TEXT NOT NULL, url TEXT NOT NULL, timestamp TEXT NOT NULL,
        signature TEXT NOT NULL, body TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL);
    CREATE TABLE IF NOT EXISTS attempt (delivery_id INTEGER NOT NULL, at REAL NOT NULL,
        status INTEGER, error TEXT);
    """

    def next_number(self, name: str, first: int) -> int:
        self.run("INSERT INTO counter (name, n) VALUES (?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET n = n + 1", name, first)
        return self.query("SELECT n FROM counter WHERE name = ?", name)[0]["n"]

    def replace_catalogue(self, products: list[dict], now: int) -> None:
        """The catalogue is `products` now (product dicts as settings.PRODUCTS), stock too."""
        with self.transaction():
            self.run("DELETE FROM stock")
            self.run("DELETE FROM product")
            for product in products:
                stock = product.get("stock") or {}
                record = {k: v for k, v in product.items() if k != "stock"}
                record.setdefault("product_id", str(uuid.uuid4()))
                self.run("INSERT INTO product (product_id, sku, data, modified) "
                         "VALUES (?, ?, ?, ?)", record["product_id"], record["sku"],
                         json.dumps(record), now)
                for outlet in settings.OUTLETS:
                    self.run("INSERT INTO stock (product_id, outlet_code, quantity) "
                             "VALUES (?, ?, ?)", record["product_id"], outlet["outlet_code"],
                             stock.get(outlet["outlet_code"], 0))

    def products(self) -> list[dict]:
        """Every product with its `modified` time and `stock` per outlet_code, in catalogue
        order."""
        stock: dict[str, dict[str, float]] = {}
        for row in self.query("SELECT * FROM stock"):
            stock.setdefault(row["product_id"], {})[row["outlet_code"]] = row["quantity"]
        return [{**json.loads(row["data"]), "modified": row["modified"],
                 "stock": stock.get(row["product_id"], {})}
                for row in self.query("SELECT data, modified, product_id FROM product "
                                      "ORDER BY n")]

    def product_by_sku(self, sku: str) -> dict | None:
        rows = self.query("SELECT data FROM product WHERE sku = ?", sku)
        return json.loads(rows[0]["data"]) if rows else None

    def flag(self, name: str, default: bool) -> bool:
        rows = self.query("SELECT value FROM flag WHERE name = ?", name)
        return bool(rows[0]["value"]) if rows else default

    def set_flag(self, name: str, value: bool) -> None:
        self.run("INSERT OR REPLACE INTO flag (name, value) VALUES (?, ?)", name, int(value))


def open_accounts(data_dir: Path) -> Accounts:
    data_dir.mkdir(parents=True, exist_ok=True)
    return Accounts(data_dir / "iseller-accounts.sqlite3")


def open_shop(data_dir: Path, now: int, seed: list[dict] | None = None) -> Shop:
    """The store's file; a new one starts with `seed` (make run: the demo store's products)
    or settings.PRODUCTS."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shop = Shop(data_dir / "iseller-shop.sqlite3")
    if not shop.query("SELECT 1 FROM product LIMIT 1") and not shop.flag("catalogue", False):
        shop.replace_catalogue([dict(p) for p in seed or settings.PRODUCTS], now)
        shop.set_flag("catalogue", True)
    return shop
