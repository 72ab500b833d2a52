"""The sandbox's clock: the machine's time, which tests may move (POST /sandbox/admin/clock)
to let a week pass in a second. It dates what Accurate dates for its callers: webhook
notices and their expiry, renewals, and documents' `lastUpdate`. Tokens, sessions and
authorization codes keep the machine's time, so moving the clock logs nobody out. It is
kept in memory: a restarted sandbox runs on the machine's time again."""

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
STAMP = "%d/%m/%Y %H:%M:%S"  # Accurate's timestamps, Jakarta time


class Clock:
    def __init__(self):
        self.offset = 0.0
        self.lock = threading.Lock()

    def now(self) -> float:
        with self.lock:
            return time.time() + self.offset

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.now(), JAKARTA)

    def stamp(self) -> str:
        return self.moment().strftime(STAMP)

    def configure(self, control: dict) -> None:
        """{"advance_days": 8} or {"advance_seconds": 60} moves it on (or back, negative);
        {"at": "dd/MM/yyyy HH:mm:ss"} sets it (Jakarta time); {"reset": true} follows the
        machine again. ValueError says what is wrong."""
        unknown = set(control) - {"advance_days", "advance_seconds", "at", "reset"}
        if unknown or len(control) != 1:
            raise ValueError("give one of advance_days, advance_seconds, at, reset")
        [(name, value)] = control.items()
        with self.lock:
            if name == "reset":
                self.offset = 0.0
            elif name == "at":
                moment = datetime.strptime(str(value), STAMP).replace(tzinfo=JAKARTA)
                self.offset = moment.timestamp() - time.time()
            else:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"{name} must be a number")
                self.offset += value * (86400 if name == "advance_days" else 1)

    def describe(self) -> dict:
        return {"now": self.stamp(), "offset_seconds": round(self.offset, 3)}
