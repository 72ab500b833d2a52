"""No secret reaches a log line. The webhook URL's last part is the store's token, and Flask
("Exception on /webhooks/accurate/<token>"), the server's access line and any library that
logs a URL would write it; OAuth codes and tokens travel in query strings and headers.

Every record is scrubbed as it is made (logging's record factory), whichever logger made it
and whichever handler writes it: a filter on one logger would miss its children, and one on
a handler would miss the handlers added later (gunicorn's, a test's)."""

import logging
import re

HIDDEN = "[hidden]"
SECRETS = [
    # The webhook URL's token.
    (re.compile(r"(/webhooks/accurate/)[^/\s?#\"'\]]+"), rf"\1{HIDDEN}"),
    # OAuth's codes and tokens in a query string or a form body.
    (re.compile(r"\b((?:code|access_token|refresh_token|client_secret|state)=)[^&\s\"']+"),
     rf"\1{HIDDEN}"),
    (re.compile(r"\b(Bearer\s+)[^\s\"',]+", re.IGNORECASE), rf"\1{HIDDEN}"),
]


def scrub(text: str) -> str:
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class ScrubSecrets(logging.Filter):
    """Rewrites a record's message, traceback and stack with every secret hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install() -> None:
    """Scrub every record this process makes from now on (once, however many apps)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "scrubs", False):
        return
    scrubber = ScrubSecrets()

    def scrubbed(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        scrubber.filter(record)
        return record

    scrubbed.scrubs = True
    logging.setLogRecordFactory(scrubbed)
