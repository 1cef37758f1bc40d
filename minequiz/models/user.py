"""People: learners, teachers, editors and admins."""
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

ROLES = ("student", "teacher", "editor", "admin")


class User(UserMixin, db.Model):
    """Every person. A learner who has not joined a class has no credentials at all."""

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="student")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),)
