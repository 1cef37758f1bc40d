"""All models, imported here so that Alembic and the app see the whole schema."""

import sqlalchemy as sa
from sqlalchemy.orm import column_property

from .attempt import Attempt, Response
from .content import (
    Choice,
    ChoiceText,
    Image,
    Lesson,
    LessonChange,
    LessonText,
    LessonVersion,
    Question,
    QuestionText,
    SafetyMessage,
    SafetyMessageText,
    lesson_version_messages,
)
from .user import Classroom, Membership, User

# A learner's attempts change only when one is added, moved to them by an account merge,
# or deleted with them; their count and the sum of their ids change each time. Loaded with
# the user on every request (auth.learners), they key a learner's cached pages, so those
# pages need no query of their own when nothing changed.
User.attempt_count = column_property(
    sa.select(sa.func.count(Attempt.id)).where(Attempt.user_id == User.id).correlate_except(Attempt).scalar_subquery(),
    deferred=True,
    group="attempt_stamp",
)
User.attempt_id_sum = column_property(
    sa.select(sa.func.coalesce(sa.func.sum(Attempt.id), 0))
    .where(Attempt.user_id == User.id)
    .correlate_except(Attempt)
    .scalar_subquery(),
    deferred=True,
    group="attempt_stamp",
)

__all__ = [
    "Attempt",
    "Choice",
    "ChoiceText",
    "Classroom",
    "Image",
    "Lesson",
    "LessonChange",
    "LessonText",
    "LessonVersion",
    "Membership",
    "Question",
    "QuestionText",
    "Response",
    "SafetyMessage",
    "SafetyMessageText",
    "User",
    "lesson_version_messages",
]
