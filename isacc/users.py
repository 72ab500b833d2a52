"""Creating and managing users, with the checks every entry point (CLI, admin screen, demo)
shares."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from isacc.extensions import db
from isacc.field_errors import FieldErrors
from isacc.models import Role, Store, User

MIN_PASSWORD = 10
# The sign-in form takes at most this much: a longer password could never be typed in.
MAX_PASSWORD = 256
MAX_EMAIL = 254
MAX_NAME = 120
PER_PAGE = 50


class UserError(FieldErrors):
    """Why a user cannot be created or changed, in words for the person doing it."""


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return _("the password needs at least %(num)s characters", num=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("the password may have at most %(num)s characters", num=MAX_PASSWORD)
    return None


def create_user(*, email: str, password: str, role: Role, name: str,
                store: Store | None = None) -> User:
    """A new active user (flushed, not committed), or UserError naming every problem."""
    email = email.strip().lower()
    name = name.strip()
    errors = {}
    if not email:
        errors["email"] = _("Fill in this field.")
    elif "@" not in email or email.startswith("@") or email.endswith("@") \
            or len(email) > MAX_EMAIL:
        errors["email"] = _("%(email)s is not an e-mail address", email=repr(email))
    elif db.session.scalar(db.select(User).where(User.email == email)):
        errors["email"] = _("a user with e-mail %(email)s already exists", email=email)
    if len(name) > MAX_NAME:
        errors["name"] = _("the name may have at most %(num)s characters", num=MAX_NAME)
    if problem := password_problem(password):
        errors["password"] = problem
    if role == Role.OWNER and store is None:
        errors["store"] = _("an owner belongs to a store: name the store")
    if role != Role.OWNER and store is not None:
        errors["store"] = _("a %(role)s user works across stores: leave the store out",
                            role=role.value)
    if errors:
        raise UserError(errors)
    user = User(email=email, name=name or email, role=role, store=store)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def reset_password(user: User, password: str) -> None:
    """Set a password someone chose for the user (an admin, for a user who lost theirs)."""
    if problem := password_problem(password):
        raise UserError({"password": problem})
    user.set_password(password)


def set_active(user: User, active: bool, *, by: User) -> None:
    """Let a user sign in again, or stop them (their open sessions end with it)."""
    if not active and user.id == by.id:
        raise UserError({"active": _("You cannot deactivate yourself: ask another admin.")})
    if user.active != active:
        user.active = active
        # Reactivating must not revive a session from before the deactivation.
        user.session_epoch = (user.session_epoch or 0) + 1


@dataclass
class UserPage:
    users: list[User]
    page: int
    pages: int
    total: int


def list_users(*, role: Role | None = None, store_id: int | None = None, page: int = 1,
               per_page: int | None = None) -> UserPage:
    """One page of users by e-mail, optionally only one role or one store's."""
    per_page = per_page or PER_PAGE
    query = db.select(User)
    if role is not None:
        query = query.where(User.role == role)
    if store_id is not None:
        query = query.where(User.store_id == store_id)
    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    users = db.session.scalars(query.options(selectinload(User.store)).order_by(User.email)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return UserPage(list(users), page, pages, total)
