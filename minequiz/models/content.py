"""Lessons, questions and safety messages, with one text row per language.

A lesson's content lives in numbered versions. A published version is never changed, so
an attempt that points at it always shows what was asked then.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

QUESTION_KINDS = ("single", "multiple", "truefalse", "order")


class SafetyMessage(db.Model):
    """One of the key safety messages that questions check."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    number: Mapped[int]
    # Counts saves in the studio: a form posted with an older count is a conflict.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    texts: Mapped[dict[str, "SafetyMessageText"]] = relationship(
        collection_class=sa.orm.attribute_keyed_dict("locale"),
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def replace(self, number: int, texts: dict[str, tuple[str, str]]) -> None:
        """Set the number and the (title, text) per language; a change moves the save
        counter on, which tells every server's cache of published content."""
        old = (self.number, {locale: (row.title, row.text) for locale, row in self.texts.items()})
        self.number = number
        for locale, (title, text) in texts.items():
            row = self.texts.get(locale) or SafetyMessageText(locale=locale)
            row.title, row.text = title, text
            self.texts[locale] = row
        if self.id is not None and old != (number, {locale: (r.title, r.text) for locale, r in self.texts.items()}):
            self.revision = (self.revision or 1) + 1


class SafetyMessageText(db.Model):
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("safety_message.id"), primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)


class Lesson(db.Model):
    """The stable identity of a lesson; its content is in its versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    # The version students get; None while nothing is published.
    published_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lesson_version.id", use_alter=True, name="fk_lesson_published_version")
    )
    published_version: Mapped["LessonVersion | None"] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )
    # The studio's working copy, as a lesson document (see services/documents.py); None
    # while it is the same as the latest version.
    draft: Mapped[dict | None] = mapped_column(sa.JSON)
    # Counts saves in the studio: a form posted with an older count is a conflict.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_at: Mapped[datetime | None]


class Image(db.Model):
    """A picture for a lesson or a question, re-encoded on upload; kept in the database so
    a backup holds everything and several servers see the same pictures."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    mime: Mapped[str] = mapped_column(sa.String(32))
    width: Mapped[int]
    height: Mapped[int]
    # Loaded only when the picture itself is served.
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonChange(db.Model):
    """One line of a lesson's history: who did what, when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(32))
    # What the action was about: a question key, a version number, a file name.
    detail: Mapped[str] = mapped_column(sa.String(200), default="")

    user = relationship("User", lazy="joined")


lesson_version_messages = sa.Table(
    "lesson_version_message",
    db.metadata,
    sa.Column("version_id", sa.ForeignKey("lesson_version.id"), primary_key=True),
    sa.Column("message_id", sa.ForeignKey("safety_message.id"), primary_key=True),
)


class LessonVersion(db.Model):
    """A frozen, numbered state of a lesson and its quiz."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A fingerprint of the source it was loaded from, so loading the same file is a no-op.
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    # Who published it (None: loaded from the built-in files).
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("image.id"))

    lesson: Mapped[Lesson] = relationship(foreign_keys=[lesson_id])
    image: Mapped["Image | None"] = relationship(lazy="selectin")
    texts: Mapped[dict[str, "LessonText"]] = relationship(
        collection_class=sa.orm.attribute_keyed_dict("locale"),
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    messages: Mapped[list[SafetyMessage]] = relationship(
        secondary=lesson_version_messages, order_by=SafetyMessage.number, lazy="selectin"
    )
    questions: Mapped[list["Question"]] = relationship(
        order_by="Question.position", cascade="all, delete-orphan", back_populates="version"
    )

    __table_args__ = (sa.UniqueConstraint("lesson_id", "number", name="uq_lesson_version_number"),)


class LessonText(db.Model):
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson_version.id"), primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    image_alt: Mapped[str] = mapped_column(sa.Text, default="", server_default="")


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson_version.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_message.id"))
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("image.id"))

    version: Mapped[LessonVersion] = relationship(back_populates="questions")
    message: Mapped[SafetyMessage | None] = relationship(lazy="selectin")
    image: Mapped["Image | None"] = relationship(lazy="selectin")
    texts: Mapped[dict[str, "QuestionText"]] = relationship(
        collection_class=sa.orm.attribute_keyed_dict("locale"),
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    choices: Mapped[list["Choice"]] = relationship(
        order_by="Choice.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        sa.UniqueConstraint("version_id", "key", name="uq_question_version_key"),
        sa.CheckConstraint(sa.column("kind").in_(QUESTION_KINDS), name="kind"),
    )


class QuestionText(db.Model):
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    prompt: Mapped[str] = mapped_column(sa.Text)
    explanation: Mapped[str] = mapped_column(sa.Text)
    image_alt: Mapped[str] = mapped_column(sa.Text, default="", server_default="")


class Choice(db.Model):
    """An answer option. For an ordering question, position is the right order."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int]
    correct: Mapped[bool] = mapped_column(default=False)
    texts: Mapped[dict[str, "ChoiceText"]] = relationship(
        collection_class=sa.orm.attribute_keyed_dict("locale"),
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    __table_args__ = (sa.UniqueConstraint("question_id", "key", name="uq_choice_question_key"),)


class ChoiceText(db.Model):
    choice_id: Mapped[int] = mapped_column(sa.ForeignKey("choice.id"), primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)
