"""Published content as plain, read-only data, kept by each process.

A lesson version never changes once it is published, so a process builds its plain copy
once (texts, questions, choices, pictures) and serves later requests from memory. What
can change is checked once per request with one small query (kept on `g` for the rest of
the request): which version of which lesson is published (the lesson list), and the
safety messages' save counters (editors change their texts). So a change is seen at once
by every server, and no server needs anything another one keeps: a new process simply
builds its copies again.

The copies have the attribute names of the models (`version.texts[lang].title`,
`question.choices`, `choice.correct`...), so templates, forms and scoring take either.
They are compared and hashed by identity (one copy per version), so a form class can be
made once per version.
"""

from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass, field
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, g

from ..extensions import db
from ..models import Choice, Lesson, LessonVersion, Question, SafetyMessage

VERSIONS_KEPT = 256


def _row(row, *names: str) -> SimpleNamespace:
    return SimpleNamespace(**{name: getattr(row, name) for name in names})


def _texts(rows: dict, *names: str) -> dict[str, SimpleNamespace]:
    return {locale: _row(row, "locale", *names) for locale, row in rows.items()}


def _image(image) -> SimpleNamespace | None:
    return None if image is None else _row(image, "id", "sha256", "mime", "width", "height")


@dataclass(frozen=True, eq=False)
class MessageView:
    id: int
    key: str
    number: int
    texts: dict


@dataclass(frozen=True, eq=False)
class ChoiceView:
    id: int
    key: str
    position: int
    correct: bool
    texts: dict


@dataclass(frozen=True, eq=False)
class QuestionView:
    id: int
    key: str
    position: int
    kind: str
    message: MessageView | None
    image: SimpleNamespace | None
    texts: dict
    choices: list[ChoiceView]

    @property
    def image_id(self) -> int | None:
        return self.image.id if self.image else None


@dataclass(frozen=True, eq=False)
class VersionView:
    id: int
    number: int
    lesson_id: int
    lesson: SimpleNamespace  # id and slug, which never change
    image: SimpleNamespace | None
    texts: dict
    messages: list[MessageView]
    questions: list[QuestionView] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class LessonView:
    id: int
    slug: str
    position: int
    published_version_id: int
    published_version: VersionView


class _Store:
    """This process's copies: the safety messages for one counter value, and versions."""

    def __init__(self):
        # (counters, messages), replaced as one value so a thread never pairs new
        # counters with old texts.
        self.messages: tuple[object, dict[int, MessageView]] = (None, {})
        self.versions: OrderedDict[int, tuple[object, VersionView]] = OrderedDict()


def _store() -> _Store:
    """The copies of this app (one app: one database)."""
    return current_app.extensions.setdefault("minequiz_catalogue", _Store())


_COUNTERS = sa.select(
    sa.func.count(SafetyMessage.id).label("count"),
    sa.func.coalesce(sa.func.sum(SafetyMessage.revision), 0).label("saves"),
).subquery()
# Built once: asked on every student page, it costs more to build than to run.
_LOOK = (
    sa.select(
        _COUNTERS.c.count, _COUNTERS.c.saves, Lesson.id, Lesson.slug, Lesson.position, Lesson.published_version_id
    )
    .select_from(_COUNTERS)
    .outerjoin(Lesson, Lesson.published_version_id.is_not(None))
    .order_by(Lesson.position, Lesson.slug)
)


def _look() -> None:
    """One query per request for what may have changed: the safety messages' counters
    (their count and the sum of their save counters) and the published lessons."""
    if "catalogue_messages" in g:
        return
    rows = db.session.execute(_LOOK).all()
    g.catalogue_messages = (rows[0].count, rows[0].saves)
    g.catalogue_rows = [row for row in rows if row.id is not None]


def _messages_stamp():
    """Changes whenever a safety message is added, removed or saved."""
    _look()
    return g.catalogue_messages


def stamp() -> str:
    """A short text that changes whenever published content or a safety message does."""
    lessons = ",".join(f"{lesson.id}:{lesson.published_version_id}" for lesson in published_lessons())
    return f"{_messages_stamp()}/{lessons}"


def messages() -> dict[int, MessageView]:
    stamp = _messages_stamp()
    store = _store()
    kept_stamp, kept = store.messages
    if kept_stamp != stamp:
        rows = db.session.scalars(sa.select(SafetyMessage).order_by(SafetyMessage.number))
        kept = {m.id: MessageView(m.id, m.key, m.number, _texts(m.texts, "title", "text")) for m in rows}
        store.messages = (stamp, kept)
    return kept


def _build(version: LessonVersion, known: dict[int, MessageView]) -> VersionView:
    questions = [
        QuestionView(
            q.id,
            q.key,
            q.position,
            q.kind,
            known.get(q.message_id),
            _image(q.image),
            _texts(q.texts, "prompt", "explanation", "image_alt"),
            [ChoiceView(c.id, c.key, c.position, c.correct, _texts(c.texts, "text")) for c in q.choices],
        )
        for q in version.questions
    ]
    return VersionView(
        version.id,
        version.number,
        version.lesson_id,
        SimpleNamespace(id=version.lesson.id, slug=version.lesson.slug),
        _image(version.image),
        _texts(version.texts, "title", "summary", "body", "image_alt"),
        sorted((known[m.id] for m in version.messages if m.id in known), key=lambda m: m.number),
        questions,
    )


def version(version_id: int) -> VersionView | None:
    """Any version (published now or before) by id, or None."""
    known = messages()
    store = _store()
    kept = store.versions.get(version_id)
    if kept is not None and kept[0] is known:
        with suppress(KeyError):  # another thread just let it go; the copy is still valid
            store.versions.move_to_end(version_id)
        return kept[1]
    found = db.session.scalar(
        sa.select(LessonVersion)
        .where(LessonVersion.id == version_id)
        .options(
            sa.orm.joinedload(LessonVersion.lesson),
            sa.orm.selectinload(LessonVersion.questions).selectinload(Question.choices).selectinload(Choice.texts),
        )
    )
    if found is None:
        return None
    view = _build(found, known)
    store.versions[version_id] = (known, view)
    with suppress(KeyError):  # another thread may be trimming too
        while len(store.versions) > VERSIONS_KEPT:
            store.versions.popitem(last=False)
    return view


def published_lessons() -> list[LessonView]:
    """The lessons students see, in list order, each with its published version."""
    if "catalogue_lessons" not in g:
        _look()
        g.catalogue_lessons = [
            LessonView(row.id, row.slug, row.position, row.published_version_id, version(row.published_version_id))
            for row in g.catalogue_rows
        ]
    return g.catalogue_lessons


def published_version(slug: str) -> VersionView | None:
    return next((lesson.published_version for lesson in published_lessons() if lesson.slug == slug), None)
