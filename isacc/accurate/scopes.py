"""Which of the permissions (scopes) isacc asks for the owner approved, and which each
document needs. Accurate's consent page lets the owner untick some; isacc reads what was
approved when it connects (approved-scope.do), names what is missing on the Connect page,
and holds the documents that need it, waiting for the owner, instead of sending them to be
refused one by one."""

from isacc.accurate import account, oauth
from isacc.accurate.errors import AccurateError, ScopeMissing
from isacc.models import AccurateConnection
from isacc.reasons import say


def needed_by(module: str) -> list[str]:
    """What sending one of `module`'s documents takes: saving it, and viewing it, since an
    attempt whose answer was lost is looked up by number before it is sent again."""
    name = module.replace("-", "_")
    return [f"{name}_save", f"{name}_view"]


def read_approved(config: dict, access_token: str) -> str | None:
    """The approved scopes, space-separated as a token's; None when Accurate cannot say."""
    try:
        return " ".join(account.approved_scopes(config, access_token))
    except AccurateError:
        return None


def missing(connection: AccurateConnection | None) -> list[str]:
    """The scopes isacc asks for that the owner did not approve, in the order asked; none
    while the approval is unknown (Accurate then refuses what it does not cover)."""
    if connection is None or connection.scope is None:
        return []
    approved = set(connection.scope.split())
    return [scope for scope in oauth.SCOPES.split() if scope not in approved]


def missing_for(connection: AccurateConnection | None, module: str) -> list[str]:
    """The scopes one of `module`'s documents needs that the owner did not approve."""
    unapproved = missing(connection)
    return [scope for scope in needed_by(module) if scope in unapproved]


def not_approved(scopes: list[str]) -> ScopeMissing:
    return ScopeMissing(
        say("The owner did not approve Accurate's permission %(scopes)s for isacc, and this "
            "document needs it.", scopes=", ".join(scopes)),
        say("Connect to Accurate again from the Connect page and leave every permission "
            "ticked; these documents then go by themselves."))
