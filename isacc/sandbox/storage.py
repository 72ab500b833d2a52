"""The sandbox's memory, in SQLite files under its data folder: one file per Accurate
database (its documents), one for the account host (grants, tokens, sessions). A restarted
sandbox finds everything where it was."""

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from isacc.sandbox import settings
from isacc.sandbox.clock import Clock


class Store:
    """A SQLite file shared by the sandbox's threads; every use holds the lock."""

    schema = ""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        # Survives a killed sandbox (what tests do), not a power cut: no fsync per document.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.lock = threading.RLock()
        self.conn.executescript(self.schema)

    @contextmanager
    def transaction(self):
        """All or nothing: a document and its effects (stock, what is owed) together."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, *args) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    def run(self, sql: str, *args) -> int:
        with self.lock:
            return self.conn.execute(sql, args).lastrowid


class Database(Store):
    """One Accurate database: documents of every module, as JSON."""

    schema = """
    CREATE TABLE IF NOT EXISTS doc (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        module TEXT NOT NULL, number TEXT, data TEXT NOT NULL, created REAL NOT NULL,
        UNIQUE (module, number));
    CREATE TABLE IF NOT EXISTS counter (module TEXT PRIMARY KEY, n INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS stat (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
    """

    def __init__(self, path: Path, database_id: int, alias: str, clock: Clock | None = None):
        super().__init__(path)
        self.id, self.alias = database_id, alias
        self.clock = clock or Clock()  # dates `lastUpdate`

    def insert(self, module: str, number: str | None, record: dict) -> dict:
        doc_id = self.run("INSERT INTO doc (module, number, data, created) VALUES (?, ?, ?, ?)",
                          module, number, "{}", time.time())
        record = dict(record, id=doc_id)
        self.save(module, record)
        return record

    def save(self, module: str, record: dict, number: str | None = None) -> None:
        """Store the record again; `number` renumbers it (an edit may change its number)."""
        if number is None:
            self.run("UPDATE doc SET data = ? WHERE id = ? AND module = ?",
                     json.dumps(record), record["id"], module)
        else:
            self.run("UPDATE doc SET data = ?, number = ? WHERE id = ? AND module = ?",
                     json.dumps(record), number, record["id"], module)

    def get(self, module: str, doc_id) -> dict | None:
        rows = self.query("SELECT data FROM doc WHERE module = ? AND id = ?", module, doc_id)
        return json.loads(rows[0]["data"]) if rows else None

    def by_number(self, module: str, number) -> dict | None:
        rows = self.query("SELECT data FROM doc WHERE module = ? AND number = ?",
                          module, str(number))
        return json.loads(rows[0]["data"]) if rows else None

    def all(self, module: str) -> list[dict]:
        return [json.loads(row["data"]) for row in
                self.query("SELECT data FROM doc WHERE module = ? ORDER BY id", module)]

    def count(self, module: str) -> int:
        return self.query("SELECT count(*) AS n FROM doc WHERE module = ?", module)[0]["n"]

    def delete(self, module: str, doc_id) -> None:
        self.run("DELETE FROM doc WHERE module = ? AND id = ?", module, doc_id)

    def next_number(self, module: str) -> int:
        self.run("INSERT INTO counter (module, n) VALUES (?, 1) "
                 "ON CONFLICT (module) DO UPDATE SET n = n + 1", module)
        return self.query("SELECT n FROM counter WHERE module = ?", module)[0]["n"]


class Account(Store):
    """The account host's state: registered callbacks, authorization codes, tokens, database
    sessions."""

    schema = """
    CREATE TABLE IF NOT EXISTS redirect_uri (
        client_id TEXT NOT NULL, uri TEXT NOT NULL, PRIMARY KEY (client_id, uri));
    CREATE TABLE IF NOT EXISTS code (
        code TEXT PRIMARY KEY, redirect_uri TEXT, scope TEXT, expires REAL, used INTEGER);
    CREATE TABLE IF NOT EXISTS token (
        access TEXT PRIMARY KEY, refresh TEXT UNIQUE, scope TEXT, expires REAL,
        revoked INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS session (
        session TEXT PRIMARY KEY, database_id INTEGER, expires REAL);
    CREATE TABLE IF NOT EXISTS webhook (id INTEGER PRIMARY KEY, expires REAL);
    CREATE TABLE IF NOT EXISTS event (
        uuid TEXT PRIMARY KEY, database_id INTEGER, type TEXT, body TEXT, created REAL);
    CREATE TABLE IF NOT EXISTS delivery (uuid TEXT PRIMARY KEY, outcome TEXT, at REAL);
    """

    def register_redirect_uri(self, client_id: str, uri: str) -> None:
        self.run("INSERT OR IGNORE INTO redirect_uri (client_id, uri) VALUES (?, ?)",
                 client_id, uri)

    def redirect_uris(self, client_id: str) -> list[str]:
        return [row["uri"] for row in self.query(
            "SELECT uri FROM redirect_uri WHERE client_id = ? ORDER BY uri", client_id)]

    def redirect_uri_registered(self, client_id: str, uri: str) -> bool:
        return bool(self.query("SELECT 1 FROM redirect_uri WHERE client_id = ? AND uri = ?",
                               client_id, uri))


def open_all(data_dir: Path, clock: Clock) -> tuple[Account, dict[int, Database]]:
    data_dir.mkdir(parents=True, exist_ok=True)
    account = Account(data_dir / "account.sqlite3")
    databases = {}
    for database_id, alias, _branches in settings.SEED_DATABASES:
        databases[database_id] = Database(data_dir / f"db-{database_id}.sqlite3",
                                          database_id, alias, clock)
    return account, databases
