"""Published content as plain, read-only data, kept by each process.

A lesson version never changes once it is published, so a process builds its plain copy
once (texts, questions, choices, pictures) and serves later requests from memory. What
can change is checked once per request (kept on `g` for the rest of the request): which
version of which lesson is published (the lesson list), and the safety messages' save
counters (editors change their texts). The check comes with the query that loads who is
reading, or is one small query of its own for a reader not signed in. So a change is seen
at once by every server, and no server needs anything another one keeps: a new process
simply builds its copies again.

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
from flask import current_app, g, has_request_context
from flask_login import current_user

from ..extensions import db, read_row
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
        # (messages, published rows, lessons): the lesson list for those, replaced as one.
        self.lessons: tuple[object, tuple, list[LessonView]] = (None, (), [])


def _store() -> _Store:
    """The copies of this app (one app: one database)."""
    return current_app.extensions.setdefault("minequiz_catalogue", _Store())


def _text(column) -> sa.ColumnElement:
    return sa.cast(column, sa.String)


# What may change, as three values: the safety messages' count and the sum of their save
# counters, and "id:position:version" of each published lesson (in no order; a lesson's
# slug never changes, so it comes with its version).
_LOOK_COLUMNS = (
    sa.select(sa.func.count(SafetyMessage.id)).scalar_subquery().label("catalogue_messages"),
    sa.select(sa.func.coalesce(sa.func.sum(SafetyMessage.revision), 0)).scalar_subquery().label("catalogue_saves"),
    sa.select(
        sa.func.aggregate_strings(
            _text(Lesson.id) + ":" + _text(Lesson.position) + ":" + _text(Lesson.published_version_id),
            sa.literal_column("','"),  # in the statement's text, so it can be compiled once
        )
    )
    .where(Lesson.published_version_id.is_not(None))
    .scalar_subquery()
    .label("catalogue_lessons"),
)
# Built once: asked on every student page, it costs more to build than to run.
_LOOK = sa.select(*_LOOK_COLUMNS)


def with_look(statement: sa.Select) -> sa.Select:
    """`statement` (which gives one row) with the content check beside it: so the query a
    request makes anyway (loading who is reading) brings it along, and a kept page needs
    no second round trip."""
    return statement.add_columns(*_LOOK_COLUMNS)


def take_look(row) -> None:
    """Keep for this request the content check that came in a row of `with_look`."""
    if "catalogue_messages" in g:
        return
    g.catalogue_messages = (row.catalogue_messages, row.catalogue_saves)
    # Sorted: the database gives them in no particular order.
    g.catalogue_rows = tuple(
        sorted(tuple(map(int, item.split(":"))) for item in (row.catalogue_lessons or "").split(",") if item)
    )


def _look() -> None:
    """What may have changed, once per request. For a reader who is signed in it came with
    their user (auth.learners); else it costs one query."""
    if "catalogue_messages" in g:
        return
    if has_request_context():
        current_user.is_authenticated  # noqa: B018  (loads the reader, and the look with them)
        if "catalogue_messages" in g:
            return
    take_look(read_row(_LOOK))


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
        known, rows, store = messages(), g.catalogue_rows, _store()
        kept_known, kept_rows, kept = store.lessons
        if kept_known is not known or kept_rows != rows:
            # Built once for each state of what is published (and of the messages).
            lessons = [
                LessonView(lesson_id, found.lesson.slug, position, version_id, found)
                for lesson_id, position, version_id in rows
                if (found := version(version_id)) is not None
            ]
            kept = sorted(lessons, key=lambda lesson: (lesson.position, lesson.slug))
            if len(kept) == len(rows):  # not while a version is being deleted
                store.lessons = (known, rows, kept)
        g.catalogue_lessons = kept
    return g.catalogue_lessons


def published_version(slug: str) -> VersionView | None:
    return next((lesson.published_version for lesson in published_lessons() if lesson.slug == slug), None)
