"""Who is asking. A learner who has not joined a class is a credential-less user in a
year-long signed cookie, created at their first attempt."""

import sqlalchemy as sa
from flask import Flask, g, session
from flask_login import current_user, login_user
from sqlalchemy.orm import undefer_group

from ..extensions import db, login_manager
from ..models import User
from ..services import catalogue

# Who is reading, with the stamp of their attempts and the content check of the catalogue:
# the one query a kept page costs. Built once; it is asked on every request.
_READER = catalogue.with_look(
    sa.select(User).options(undefer_group("attempt_stamp")).where(User.id == sa.bindparam("user_id"))
)


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(cookie_id: str) -> User | None:
        user_id, _, token = cookie_id.partition(":")
        if not user_id.isdigit():
            return None
        row = db.session.execute(_READER, {"user_id": int(user_id)}).first()
        if row is None or not token or row.User.session_token != token or not row.User.active:
            return None
        catalogue.take_look(row)
        return row.User


def current_learner_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def attempts_stamp() -> tuple[int, int] | None:
    """Changes whenever the current learner's attempts do (loaded with the user)."""
    if not current_user.is_authenticated:
        return None
    return (current_user.attempt_count, current_user.attempt_id_sum)


def current_user_or_none() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def ensure_learner() -> User:
    """The current learner, created and remembered on this device if new."""
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
