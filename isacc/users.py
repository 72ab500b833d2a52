"""Creating users, with the checks every entry point (CLI, admin screen, demo) shares."""

from flask_babel import gettext as _

from isacc.extensions import db
from isacc.models import Role, Store, User

MIN_PASSWORD = 10


class UserError(ValueError):
    """Why a user cannot be created, in words for the person creating it."""


def create_user(*, email: str, password: str, role: Role, name: str,
                store: Store | None = None) -> User:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise UserError(_("%(email)s is not an e-mail address", email=repr(email)))
    if len(password) < MIN_PASSWORD:
        raise UserError(_("the password needs at least %(num)s characters", num=MIN_PASSWORD))
    if role == Role.OWNER and store is None:
        raise UserError(_("an owner belongs to a store: name the store"))
    if role != Role.OWNER and store is not None:
        raise UserError(_("a %(role)s user works across stores: leave the store out",
                          role=role.value))
    if db.session.scalar(db.select(User).where(User.email == email)):
        raise UserError(_("a user with e-mail %(email)s already exists", email=email))
    user = User(email=email, name=name or email, role=role, store=store)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
