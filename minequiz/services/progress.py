"""A learner's progress: per lesson and per safety message, from their attempts."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import Attempt, LessonVersion, Question, Response
from . import catalogue


class computed_once:
    """functools.cached_property without the lock Python 3.11 takes on each first access
    (a class report reads a few properties of thousands of rows once each)."""

    def __init__(self, compute):
        self.compute = compute
        self.name = compute.__name__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


@dataclass
class LessonProgress:
    """One learner and one lesson. Figures are computed once, after all attempts are in."""

    lesson: catalogue.LessonView
    attempts: list["AttemptRow"] = field(default_factory=list)
    mastery_percent: int = 80

    @computed_once
    def first(self) -> float | None:
        return self.attempts[0].percent if self.attempts else None

    @computed_once
    def latest(self) -> float | None:
        return self.attempts[-1].percent if self.attempts else None

    @computed_once
    def best(self) -> float | None:
        return max(a.percent for a in self.attempts) if self.attempts else None

    @computed_once
    def pretest(self) -> float | None:
        return next((a.percent for a in self.attempts if a.kind == "pre"), None)

    @computed_once
    def latest_after_reading(self) -> float | None:
        return next((a.percent for a in reversed(self.attempts) if a.kind == "post"), None)

    @computed_once
    def gain(self) -> float | None:
        """Latest score after reading minus the pre-test score, in percentage points."""
        if self.pretest is None or self.latest_after_reading is None:
            return None
        return self.latest_after_reading - self.pretest

    @computed_once
    def mastered(self) -> bool:
        return self.latest is not None and self.latest >= self.mastery_percent


@dataclass
class MessageProgress:
    message: catalogue.MessageView
    marks: list[float] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return 100.0 * sum(self.marks) / len(self.marks) if self.marks else None


@dataclass(frozen=True)
class AttemptRow:
    """What progress pages and class reports show of an attempt, read as plain columns
    (thousands at a time for a report); its version comes from the catalogue."""

    id: int
    user_id: int
    version_id: int
    lesson_id: int
    kind: str
    locale: str
    score: float
    max_score: int
    submitted_at: datetime

    @computed_once
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def version(self) -> catalogue.VersionView:
        return catalogue.version(self.version_id)


def select_attempt_rows() -> sa.Select:
    """The columns of AttemptRow, oldest attempt first; the caller says whose."""
    return (
        sa.select(
            Attempt.id,
            Attempt.user_id,
            Attempt.version_id,
            LessonVersion.lesson_id,
            Attempt.kind,
            Attempt.locale,
            Attempt.score,
            Attempt.max_score,
            Attempt.submitted_at,
        )
        .join(LessonVersion, Attempt.version_id == LessonVersion.id)
        .order_by(Attempt.submitted_at, Attempt.id)
    )


# Built once: asked on every lesson list and progress page.
_ATTEMPTS = select_attempt_rows().where(Attempt.user_id == sa.bindparam("user_id"))


def learner_attempts(user_id: int | None) -> list[AttemptRow]:
    """The learner's attempts, oldest first, in one light query."""
    if user_id is None:
        return []
    return [AttemptRow(*row) for row in db.session.execute(_ATTEMPTS, {"user_id": user_id})]


def lesson_progress(lessons: list, attempts: list, mastery: int) -> list[LessonProgress]:
    """One row per lesson in `lessons`, in their order, with the learner's attempts."""
    rows = {lesson.id: LessonProgress(lesson, mastery_percent=mastery) for lesson in lessons}
    for attempt in attempts:
        row = rows.get(attempt.lesson_id)
        if row is not None:
            row.attempts.append(attempt)
    return list(rows.values())


def message_progress(attempts: list[AttemptRow]) -> list[MessageProgress]:
    """Per safety message, the marks of its questions in the latest attempt of each lesson."""
    latest: dict[int, AttemptRow] = {}
    for attempt in attempts:
        latest[attempt.lesson_id] = attempt
    rows = {m.id: MessageProgress(m) for m in catalogue.messages().values()}
    if latest:
        marks = db.session.execute(
            db.select(Question.message_id, Response.mark)
            .join(Question, Response.question_id == Question.id)
            .where(Response.attempt_id.in_([a.id for a in latest.values()]))
            .where(Question.message_id.is_not(None))
        )
        grouped = defaultdict(list)
        for message_id, mark in marks:
            grouped[message_id].append(mark)
        for message_id, values in grouped.items():
            rows[message_id].marks = values
    return list(rows.values())
