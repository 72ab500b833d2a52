"""The one way isacc talks to an Accurate database: URLs, headers, dates, the s/d/r/sp
envelope, the shared rate limit, and errors turned into values (see errors.py)."""

import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import requests

from isacc.accurate.errors import (
    FinalError,
    RetryableError,
    ScopeMissing,
    SessionExpired,
    TokenInvalid,
    WrongAddress,
    explain,
)
from isacc.accurate.limiter import SharedLimiter
from isacc.reasons import say

BULK_LIMIT = 100  # Accurate: "Max: 100 data dalam 1 kali request"
PAGE_SIZE = 100  # the largest page clients are known to use
# The field a document is numbered by, where it is not `number`.
NUMBER_FIELD = {"item": "no", "glaccount": "no", "customer": "customerNo", "vendor": "vendorNo"}
# The list filter that finds a document by its number, where it is not NUMBER_FIELD; None:
# Accurate's spec gives that list.do no such filter, so detail.do is asked number by number.
NUMBER_FILTER = {"customer": "no", "vendor": "no", "glaccount": None, "item-transfer": None,
                 "sales-return": None}
NOT_FOUND = re.compile(r"tidak ditemukan", re.I)
DEFAULT_TIMEOUT = (5, 30)  # (connect, read) seconds


def accurate_date(value: date | datetime) -> str:
    """Accurate's dd/MM/yyyy."""
    return value.strftime("%d/%m/%Y")


def interpret(response: requests.Response, *, write: bool) -> dict:
    """The body of a successful answer, or the right AccurateError for a failed one.

    Accurate answers validation failures with HTTP 200 and `s: false`, so the status alone
    says nothing about success.
    """
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if status == 429:
        retry_after = response.headers.get("Retry-After")
        raise RetryableError(say("Accurate asked isacc to slow down."), status=429,
                             retry_after=float(retry_after) if retry_after else None)
    if status >= 500:
        # The document may have been saved before the answer failed.
        raise RetryableError(say("Accurate had an internal error (HTTP %(status)s).",
                                 status=status), status=status, unknown_outcome=write)
    if status == 401:
        if isinstance(body, dict) and "invalid_token" in str(body.get("error", body.get("d"))):
            raise TokenInvalid()
        raise SessionExpired()
    if status == 403:
        raise ScopeMissing(messages=[str(body)])
    if status == 404:
        raise WrongAddress()
    if not isinstance(body, dict) or "s" not in body:
        raise RetryableError(say("Accurate gave an answer isacc cannot read (HTTP %(status)s).",
                                 status=status), status=status, unknown_outcome=write)
    if not body["s"]:
        messages = body.get("d")
        raise explain(messages if isinstance(messages, list) else [str(messages)])
    return body


@dataclass
class DatabaseAccess:
    """What it takes to reach one Accurate database."""

    database_id: int
    host: str
    access_token: str
    session_id: str | None


class AccurateClient:
    """Calls to one Accurate database.

    `renew_session` and `refresh_access` are called once when Accurate says the session or the
    access token is no longer valid; they return the new value (and persist it).
    `refresh_access` is given the token Accurate refused, so a worker whose token another
    worker already replaced takes the new one instead of refreshing again. A refresh
    Accurate refuses raises ReconnectRequired from `refresh_access`.
    """

    def __init__(self, access: DatabaseAccess, *, limiter: SharedLimiter | None = None,
                 renew_session: Callable[[], str] | None = None,
                 refresh_access: Callable[[str], str] | None = None,
                 http: requests.Session | None = None, timeout=DEFAULT_TIMEOUT):
        self.access = access
        self.limiter = limiter
        self.renew_session = renew_session
        self.refresh_access = refresh_access
        self.http = http or requests.Session()
        self.timeout = timeout

    # ---- one request -----------------------------------------------------------------------

    def call(self, module: str, action: str, *, params: dict | None = None,
             body: dict | None = None) -> dict:
        """GET (no body) or POST (JSON body) `/accurate/api/<module>/<action>.do`."""
        renewed = refreshed = False
        while True:
            try:
                return self._send(module, action, params, body)
            except SessionExpired:
                if renewed or self.renew_session is None:
                    raise
                self.access.session_id = self.renew_session()
                renewed = True
            except TokenInvalid:
                if refreshed or self.refresh_access is None:
                    raise
                self.access.access_token = self.refresh_access(self.access.access_token)
                refreshed = True

    def _send(self, module, action, params, body) -> dict:
        url = f"{self.access.host.rstrip('/')}/accurate/api/{module}/{action}.do"
        headers = {"Authorization": f"Bearer {self.access.access_token}"}
        if self.access.session_id:
            headers["X-Session-ID"] = self.access.session_id
        write = body is not None or action in ("delete",)
        method = "DELETE" if action == "delete" else ("POST" if body is not None else "GET")
        try:
            if self.limiter is None:
                response = self._http(method, url, headers, params, body)
            else:
                with self.limiter.slot(str(self.access.database_id)):
                    response = self._http(method, url, headers, params, body)
        except requests.Timeout as error:
            raise RetryableError(unknown_outcome=write) \
                from error
        except requests.ConnectionError as error:
            raise RetryableError(say("The connection to Accurate was lost."),
                                 unknown_outcome=write) from error
        return interpret(response, write=write)

    def _http(self, method, url, headers, params, body):
        return self.http.request(method, url, headers=headers, params=params, json=body,
                                 timeout=self.timeout)

    # ---- documents -------------------------------------------------------------------------

    def save(self, module: str, record: dict) -> dict:
        """Create (or, with `id`, update) one document; returns Accurate's saved record `r`."""
        return self.call(module, "save", body=record).get("r") or {}

    def bulk_save(self, module: str, records: list[dict]) -> list[dict | FinalError]:
        """Save many documents, 100 per call; one result per record, in order: the saved
        record, or the FinalError that explains why Accurate refused it."""
        results: list[dict | FinalError] = []
        for start in range(0, len(records), BULK_LIMIT):
            chunk = records[start:start + BULK_LIMIT]
            answer = self.call(module, "bulk-save", body={"data": chunk})
            for item in answer.get("d") or []:
                if isinstance(item, dict) and item.get("s"):
                    results.append(item.get("r") or {})
                else:
                    messages = item.get("d") if isinstance(item, dict) else [str(item)]
                    results.append(explain(messages if isinstance(messages, list)
                                           else [str(messages)]))
            if len(results) != start + len(chunk):
                raise RetryableError(say("Accurate's bulk answer did not cover every document."),
                                     unknown_outcome=True)
        return results

    def detail(self, module: str, **key) -> dict:
        """One document by `id=`, or by its number (`number=`, `no=`, `customerNo=`)."""
        return self.call(module, "detail", params=key).get("d") or {}

    def names(self, module: str, *, sleep: Callable[[float], None] = time.sleep) -> list[str]:
        """The names of every branch or warehouse (see `details`)."""
        return [found["name"] for found in self.details(module, sleep=sleep)]

    def details(self, module: str, *,
                sleep: Callable[[float], None] = time.sleep) -> list[dict]:
        """Every record of a module whose list takes no `fields` in Accurate's spec (branch,
        warehouse, tax), each read from detail.do. A 429 between those calls waits what
        Accurate asked and tries again, a few times."""
        found = []
        for row in self.list(module, fields=None):
            for attempt in range(4):
                try:
                    found.append(self.detail(module, id=row["id"]))
                    break
                except RetryableError as error:
                    if error.status != 429 or attempt == 3:
                        raise
                    sleep(backoff(attempt, error.retry_after))
        return found

    def find_by_number(self, module: str, number: str, fields: str = "id") -> dict | None:
        """The document with this number, or None: how a retry learns whether an earlier
        attempt with an unknown outcome did save it."""
        return self.find_numbers(module, [number], fields).get(str(number))

    def find_numbers(self, module: str, numbers: list[str], fields: str = "") -> dict[str, dict]:
        """Which of these numbers Accurate has, 100 per call: number -> {id, number, and
        `fields`}."""
        field = NUMBER_FIELD.get(module, "number")
        by = NUMBER_FILTER.get(module, field)
        if by is None:
            found = (self._detail_by_number(module, field, n) for n in numbers)
            return {str(row[field]): row for row in found if row}
        wanted = ",".join(dict.fromkeys(["id", field, *filter(None, fields.split(","))]))
        found: dict[str, dict] = {}
        for start in range(0, len(numbers), PAGE_SIZE):
            chunk = [str(n) for n in numbers[start:start + PAGE_SIZE]]
            # Several values of one EQUAL filter match any of them [C: val[0], val[1]...].
            params = {f"filter.{by}.op": "EQUAL", "fields": wanted, "sp.pageSize": PAGE_SIZE}
            params.update({f"filter.{by}.val[{i}]": n for i, n in enumerate(chunk)})
            for row in self.call(module, "list", params=params).get("d") or []:
                if str(row.get(field)) in chunk:
                    found[str(row[field])] = row
        return found

    def _detail_by_number(self, module: str, field: str, number: str) -> dict | None:
        try:
            return self.detail(module, **{field: number}) or None
        except FinalError as error:
            if any(NOT_FOUND.search(str(m)) for m in error.messages):
                return None
            raise

    def list(self, module: str, *, fields: str | None = "id", filters: dict | None = None,
             page_size: int = PAGE_SIZE) -> Iterator[dict]:
        """Every row matching `filters`, page after page (`fields=None`: for the lists that
        take no `fields` in Accurate's spec, which answer ids only)."""
        page = 1
        while True:
            params = {**(filters or {}), "sp.page": page, "sp.pageSize": page_size}
            if fields is not None:
                params["fields"] = fields
            answer = self.call(module, "list", params=params)
            yield from answer.get("d") or []
            paging = answer.get("sp") or {}
            if page >= int(paging.get("pageCount") or 0):
                return
            page += 1

    def delete(self, module: str, **key) -> None:
        self.call(module, "delete", params=key)

    # ---- exactly once ----------------------------------------------------------------------

    def save_once(self, module: str, record: dict, *, number: str, attempts: int = 8,
                  look_up_first: bool = False, sleep: Callable[[float], None] = time.sleep,
                  ) -> dict:
        """Save a document that carries its own number, never twice.

        Retryable failures back off (exponential, with jitter) and try again; after any
        attempt whose outcome is unknown, and first of all when `look_up_first`, the number
        is looked up in Accurate and an existing document is returned instead of saved again.
        """
        uncertain = look_up_first
        for attempt in range(attempts):
            try:
                if uncertain:
                    existing = self.find_by_number(module, number)
                    if existing:
                        return existing
                return self.save(module, record)
            except RetryableError as error:
                if attempt == attempts - 1:
                    raise
                uncertain = uncertain or error.unknown_outcome
                sleep(backoff(attempt, error.retry_after))
        raise AssertionError("unreachable: the last attempt returns or raises")


def backoff(attempt: int, retry_after: float | None = None, base: float = 0.5,
            cap: float = 60.0) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential with full jitter, never less
    than what Accurate asked for in Retry-After."""
    delay = random.uniform(0, min(cap, base * 2 ** attempt))  # noqa: S311 - jitter, not secrecy
    return max(delay, retry_after or 0.0)
