"""Who is asking. A learner who has not joined a class is a credential-less user in a
year-long signed cookie, created at their first attempt."""

from datetime import datetime

import sqlalchemy as sa
from flask import Flask, abort, g, session
from flask_login import current_user, login_user, logout_user

from ..extensions import db, login_manager, read_row
from ..models import User
from ..services import catalogue


class Reader:
    """The signed-in person as every request reads them: plain values, not an ORM object
    (building one costs as much as the query). It answers what pages, roles and services
    that only read ask (`id`, `role`, names); a view that changes the account itself takes
    `account()`."""

    __slots__ = (
        "id", "role", "created_at", "display_name", "session_token", "has_credentials", "attempt_count",
        "attempt_id_sum",
    )  # fmt: skip
    is_authenticated = True
    is_active = True  # only an active account is read in (load_user)
    is_anonymous = False

    def __init__(self, row) -> None:
        self.id: int = row.id
        self.role: str = row.role
        self.created_at: datetime = row.created_at
        self.display_name: str | None = row.display_name
        self.session_token: str = row.session_token
        self.has_credentials = bool(row.password_hash or row.pin_hash)
        self.attempt_count: int = row.attempt_count
        self.attempt_id_sum: int = row.attempt_id_sum

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


# Who is reading, with the stamp of their attempts and the content check of the catalogue:
# the one query a kept page costs. Built once; it is asked on every request.
_READER = catalogue.with_look(
    sa.select(
        *(getattr(User, name).label(name) for name in Reader.__slots__ if name != "has_credentials"),
        User.active,
        User.password_hash,
        User.pin_hash,
    ).where(User.id == sa.bindparam("user_id"))
)


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(cookie_id: str) -> Reader | None:
        user_id, _, token = cookie_id.partition(":")
        if not user_id.isdigit():
            return None
        row = read_row(_READER, {"user_id": int(user_id)})
        if row is None or not token or row.session_token != token or not row.active:
            return None
        catalogue.take_look(row)
        return Reader(row)


def current_learner_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def attempts_stamp() -> tuple[int, int] | None:
    """Changes whenever the current learner's attempts do (loaded with the user)."""
    if not current_user.is_authenticated:
        return None
    return (current_user.attempt_count, current_user.attempt_id_sum)


def current_user_or_none() -> User | None:
    """The signed-in person's own account, to change it (loaded once per request); None
    if nobody is signed in, or if the account was deleted since this request read them."""
    if not current_user.is_authenticated:
        return None
    found = current_user._get_current_object()
    if isinstance(found, User):
        return found
    if "account" not in g:
        g.account = db.session.get(User, found.id)
    return g.account


def account() -> User:
    """The signed-in person's own account; if it was deleted meanwhile, they are logged out
    and refused (403) rather than met by an error."""
    found = current_user_or_none()
    if found is None:
        logout_user()
        abort(403)
    return found


def ensure_learner() -> User | Reader:
    """The current learner (to store an attempt of: only the id is asked), created and
    remembered on this device if new."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    user = User(role="student")
    db.session.add(user)
    db.session.flush()
    login_user(user, remember=True)
    return user


def start_session(user: User, remember: bool) -> None:
    """Log in with a fresh session, so nothing from before the login carries over."""
    session.clear()
    g.pop("csrf_token", None)  # a token made earlier in this request belongs to the old session
    login_user(user, remember=remember)
