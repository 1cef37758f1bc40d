"""People: learners, teachers, editors and admins; classes and who is in them."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

ROLES = ("student", "teacher", "editor", "admin")
AGE_GROUPS = ("under-12", "12-17", "18-59", "60-plus", "unsaid")
GENDERS = ("female", "male", "other", "unsaid")
DISABILITY = ("yes", "no", "unsaid")


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    """Every person. A learner who has not joined a class has no credentials at all;
    a student who joined has a PIN; staff have a username and a password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="student")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    username: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(sa.String(80))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    pin_hash: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Part of the login cookie: changing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    # Self-reported, optional; only ever shown in aggregates of five or more.
    age_group: Mapped[str | None] = mapped_column(sa.String(16))
    gender: Mapped[str | None] = mapped_column(sa.String(16))
    disability: Mapped[str | None] = mapped_column(sa.String(16))

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def has_credentials(self) -> bool:
        return bool(self.password_hash or self.pin_hash)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class Classroom(db.Model):
    """A teacher's class, which students join with a short code read aloud."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    join_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    closed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teacher: Mapped[User] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="classroom", cascade="all, delete-orphan", order_by="Membership.name_key"
    )


class Membership(db.Model):
    """A student in a class, under the display name they gave when joining."""

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classroom.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    # The name folded for comparison, so "Åse" and "åse " are the same person.
    name_key: Mapped[str] = mapped_column(sa.String(80))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    classroom: Mapped[Classroom] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    __table_args__ = (
        sa.UniqueConstraint("classroom_id", "name_key", name="uq_membership_name"),
        sa.UniqueConstraint("classroom_id", "user_id", name="uq_membership_user"),
    )
