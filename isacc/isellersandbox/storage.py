"""The iSeller sandbox's memory: one SQLite file under its data folder for the OAuth host
(registered callbacks, codes, tokens), so a restarted sandbox keeps its grants."""

from pathlib import Path

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


def open_accounts(data_dir: Path) -> Accounts:
    data_dir.mkdir(parents=True, exist_ok=True)
    return Accounts(data_dir / "iseller-accounts.sqlite3")
