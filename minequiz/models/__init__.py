"""All models, imported here so that Alembic and the app see the whole schema."""

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
