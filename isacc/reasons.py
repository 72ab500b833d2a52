"""What isacc tells people about a failure, in the reader's language.

Reasons are written by jobs, where nobody's language is known, and read later by people who
may each want another one. So a reason is kept as its English message ids and their values
(`Said`): `str()` gives the English text kept in the plain `reason` column (logs, search,
support), and `translated()` gives the same sentences in the language of the request showing
them. Message ids are marked with `say(...)` so `make translations-extract` finds them.
"""

from __future__ import annotations

from flask import has_request_context, url_for
from flask_babel import gettext
from markupsafe import Markup, escape


class Said(str):
    """One or more sentences, each a message id with its named values. As a string it is the
    English text, so it reads, compares and logs like the plain reasons it replaces."""

    parts: tuple[tuple[str, dict], ...]

    def __new__(cls, parts=()):
        parts = tuple(parts)
        said = super().__new__(cls, " ".join(_fill(msgid, params, str)
                                             for msgid, params in parts))
        said.parts = parts
        return said

    def __getnewargs__(self):
        # Copies and pickles rebuild it from its parts, not from its English text.
        return (self.parts,)

    def __add__(self, other: Said) -> Said:
        return Said(self.parts + other.parts)

    def __repr__(self) -> str:
        return f"Said({str(self)!r})"

    def says(self, sentence: Said) -> bool:
        """Whether one of the sentences is this one (whatever their values)."""
        wanted = {msgid for msgid, _ in sentence.parts}
        return any(msgid in wanted for msgid, _ in self.parts)

    def filled(self, **values) -> Said:
        """The same sentence with these values (for a sentence kept in a table)."""
        (msgid, _), = self.parts
        return say(msgid, **values)

    def translated(self) -> str:
        """The sentences in the language of the current request (English outside one)."""
        if not has_request_context():
            return str(self)
        return " ".join(_fill(gettext(msgid), params, _translated)
                        for msgid, params in self.parts)

    def html(self) -> Markup:
        """`translated()` for a page: the text escaped, a `Link` value a link."""
        return Markup(" ").join(
            escape(gettext(msgid)) % {key: _html(value) for key, value in params.items()}
            if params else escape(gettext(msgid)) for msgid, params in self.parts)

    def to_json(self) -> list:
        return [[msgid, {key: _value_json(value) for key, value in params.items()}]
                for msgid, params in self.parts]

    @classmethod
    def from_json(cls, parts: list | None) -> Said:
        return cls((msgid, {key: _value_from_json(value) for key, value in params.items()})
                   for msgid, params in parts or ())

    @classmethod
    def join(cls, many) -> Said:
        """Several reasons as one, each sentence once (two lines missing the same account
        need one next step)."""
        seen = dict.fromkeys(part for said in many
                             for part in ((m, tuple(p.items())) for m, p in said.parts))
        return cls((msgid, dict(params)) for msgid, params in seen)


class Link:
    """A value that is a link to a page of isacc, e.g. a next step's "the products with SKU
    KN-0011". Kept as the page's endpoint and arguments, built when shown: the job that
    writes a reason has no request to build an address from, and addresses may move."""

    def __init__(self, text: Said, endpoint: str, **args):
        self.text, self.endpoint, self.args = text, endpoint, args

    def __str__(self) -> str:
        return str(self.text)

    def __eq__(self, other) -> bool:
        return isinstance(other, Link) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return str(self.text), self.endpoint, tuple(sorted(self.args.items()))

    def translated(self) -> str:
        return self.text.translated()

    def html(self) -> Markup:
        return Markup('<a href="%s">%s</a>') % (url_for(self.endpoint, **self.args),
                                                self.text.translated())

    def to_json(self) -> dict:
        return {"text": self.text.to_json(), "endpoint": self.endpoint, "args": self.args}


def say(msgid: str, **values) -> Said:
    """One sentence. `msgid` is English with %(name)s placeholders, marked for translation."""
    return Said([(msgid, values)])


def _fill(text: str, params: dict, show) -> str:
    return text % {key: show(value) for key, value in params.items()} if params else text


def _translated(value) -> str:
    return value.translated() if isinstance(value, Said | Link) else str(value)


def _html(value) -> Markup:
    return value.html() if isinstance(value, Said | Link) else escape(value)


def _value_json(value):
    if isinstance(value, Said):
        return {"said": value.to_json()}
    if isinstance(value, Link):
        return {"link": value.to_json()}
    return value


def _value_from_json(value):
    if isinstance(value, dict) and "link" in value:
        link = value["link"]
        return Link(Said.from_json(link["text"]), link["endpoint"], **link["args"])
    if isinstance(value, dict):
        return Said.from_json(value["said"])
    return value


def shown(row, field: str) -> str:
    """A row's reason or next step for the reader: translated when the row keeps its
    wording, else the English text as stored (rows written before wordings were kept)."""
    wording = getattr(row, "wording", None) or {}
    if wording.get(field):
        return Said.from_json(wording[field]).translated()
    return getattr(row, field) or ""


def shown_html(row, field: str) -> Markup | str:
    """`shown` for a page: its links are links (the `said` filter of the templates)."""
    wording = getattr(row, "wording", None) or {}
    if wording.get(field):
        return Said.from_json(wording[field]).html()
    return getattr(row, field) or ""


def told(reason: Said | None, next_step: Said | None = None,
         accurate: list[str] | None = None) -> dict:
    """The columns that record on a sync activity or webhook log row why it is where it is
    and what to do: the English text, and the wording each reader gets translated.

    `accurate` keeps Accurate's own (Indonesian) messages word for word, shown beside the
    explanation so nothing it said is lost in translation."""
    wording = {}
    if reason:
        wording["reason"] = reason.to_json()
    if next_step:
        wording["next_step"] = next_step.to_json()
    if accurate:
        wording["accurate"] = [str(message) for message in accurate]
    return {"reason": str(reason) if reason else None,
            "next_step": str(next_step) if next_step else None, "wording": wording or None}


def tell(row, reason: Said | None, next_step: Said | None = None,
         accurate: list[str] | None = None) -> None:
    """Write `told(...)` onto a row."""
    for column, value in told(reason, next_step, accurate).items():
        setattr(row, column, value)


def keep(row, field: str, said: Said | None) -> None:
    """Set one text column (e.g. a connection's `last_error`) and its wording, leaving the
    row's other wordings as they are."""
    setattr(row, field, str(said) if said else None)
    wording = {key: value for key, value in (row.wording or {}).items() if key != field}
    if said:
        wording[field] = said.to_json()
    row.wording = wording or None  # a new dict, so the change is seen and saved
