"""Attempts and their responses: append-only records of learning."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .content import LessonVersion, Question
from .user import User

ATTEMPT_KINDS = ("pre", "post")


class Attempt(db.Model):
    """One submitted quiz. `pre` is taken before reading the lesson, `post` after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson_version.id"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(8))
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    score: Mapped[float]
    max_score: Mapped[int]
    # The one-time token of the form that was posted; a second post of it stores nothing.
    client_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    user: Mapped[User] = relationship()
    version: Mapped[LessonVersion] = relationship()
    responses: Mapped[list["Response"]] = relationship(cascade="all, delete-orphan", back_populates="attempt")

    __table_args__ = (sa.CheckConstraint(sa.column("kind").in_(ATTEMPT_KINDS), name="kind"),)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def lesson_id(self) -> int:
        return self.version.lesson_id


class Response(db.Model):
    """The answer to one question: the chosen choice ids, in the order given."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"))
    answer: Mapped[list[int]] = mapped_column(sa.JSON)
    mark: Mapped[float]
    correct: Mapped[bool]

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    question: Mapped[Question] = relationship()

    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id", name="uq_response_attempt_question"),)
