"""A learner who has not joined a class: a credential-less user in a year-long signed
cookie, created at their first attempt."""
from flask import Flask
from flask_login import current_user, login_user

from ..extensions import db, login_manager
from ..models import User


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def current_learner_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def ensure_learner() -> User:
    """The current learner, created and remembered on this device if new."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    user = User(role="student")
    db.session.add(user)
    db.session.flush()
    login_user(user, remember=True)
    return user
