"""RQ jobs of the iSeller side: thin wrappers that open the app and call isacc.iseller."""

from isacc.iseller import connection
from jobs.sync import _context


def refresh_tokens() -> dict:
    """The scheduler's tick for iSeller tokens: refresh every connected store's that is due."""
    with _context():
        return connection.refresh_due()
