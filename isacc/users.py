"""Creating users, with the checks every entry point (CLI, admin screen, demo) shares."""

from isacc.extensions import db
from isacc.models import Role, Store, User

MIN_PASSWORD = 10


class UserError(ValueError):
    """Why a user cannot be created, in words for the person creating it."""


def create_user(*, email: str, password: str, role: Role, name: str,
                store: Store | None = None) -> User:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise UserError(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")
    if role == Role.OWNER and store is None:
        raise UserError("an owner belongs to a store: name the store")
    if role != Role.OWNER and store is not None:
        raise UserError(f"a {role.value} user works across stores: leave the store out")
    if db.session.scalar(db.select(User).where(User.email == email)):
        raise UserError(f"a user with e-mail {email} already exists")
    user = User(email=email, name=name or email, role=role, store=store)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
