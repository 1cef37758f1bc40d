"""Editing lessons: drafts saved with a counter (optimistic locking), publishing as new
numbered versions, unpublishing and archiving, history and differences.

Every function here changes the session only; the view commits once, so each save is one
transaction.
"""

import difflib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Image, Lesson, LessonChange, LessonVersion, SafetyMessage, SafetyMessageText
from ..models.base import utcnow
from . import documents

STATES = ("draft", "published", "changed", "unpublished", "archived")


class Conflict(Exception):
    """Someone saved this lesson since the form was opened."""

    def __init__(self, current: dict, revision: int):
        super().__init__("conflict")
        self.current = current
        self.revision = revision


class PublishRefused(Exception):
    def __init__(self, problems: list[documents.Problem]):
        super().__init__("not publishable")
        self.problems = problems


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def images_by_id(ids) -> dict[int, Image]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {image.id: image for image in db.session.scalars(db.select(Image).where(Image.id.in_(ids)))}


def images_by_sha(document: dict) -> dict[str, Image]:
    shas = {(item.get("image") or {}).get("sha256") for item in [document, *document.get("questions", [])]}
    shas.discard(None)
    if not shas:
        return {}
    return {image.sha256: image for image in db.session.scalars(db.select(Image).where(Image.sha256.in_(shas)))}


def versions(lesson: Lesson) -> list[LessonVersion]:
    return list(
        db.session.scalars(
            db.select(LessonVersion).where(LessonVersion.lesson_id == lesson.id).order_by(LessonVersion.number)
        )
    )


def version_document(version: LessonVersion) -> dict:
    ids = [version.image_id, *(question.image_id for question in version.questions)]
    return documents.version_document(version, languages(), images_by_id(ids))


def working_document(lesson: Lesson) -> dict:
    """The draft, else the latest version, with an entry for every language."""
    if lesson.draft is not None:
        return documents.with_languages(lesson.draft, languages())
    latest = versions(lesson)
    if not latest:
        return documents.new_document(lesson.slug, lesson.position, languages())
    document = version_document(latest[-1])
    document["position"] = lesson.position
    return documents.with_languages(document, languages())


def state(lesson: Lesson) -> str:
    if lesson.archived:
        return "archived"
    if lesson.published_version_id is None:
        return "unpublished" if versions(lesson) else "draft"
    if lesson.draft is not None and documents.fingerprint(lesson.draft) != documents.fingerprint(
        documents.with_languages(version_document(lesson.published_version), languages())
    ):
        return "changed"
    return "published"


@dataclass
class LessonRow:
    lesson: Lesson
    title: str
    state: str
    complete: dict[str, int]
    questions: int


def lesson_rows(language: str) -> list[LessonRow]:
    rows = []
    for lesson in db.session.scalars(db.select(Lesson).order_by(Lesson.archived, Lesson.position, Lesson.slug)):
        document = working_document(lesson)
        title = document["title"].get(language) or next((t for t in document["title"].values() if t), lesson.slug)
        rows.append(
            LessonRow(
                lesson,
                title,
                state(lesson),
                documents.completeness(document, languages()),
                len(document["questions"]),
            )
        )
    return rows


def message_keys() -> set[str]:
    return set(db.session.scalars(db.select(SafetyMessage.key)))


def record(lesson: Lesson, user, action: str, detail: str = "") -> None:
    change = LessonChange(lesson_id=lesson.id, user_id=user.id if user else None, action=action, detail=detail[:200])
    db.session.add(change)


def create_lesson(slug: str, user) -> Lesson:
    position = (db.session.scalar(db.select(sa.func.max(Lesson.position))) or 0) + 1
    lesson = Lesson(slug=slug, position=position, updated_at=utcnow())
    lesson.draft = documents.new_document(slug, position, languages())
    db.session.add(lesson)
    db.session.flush()
    record(lesson, user, "created", slug)
    return lesson


def slug_taken(slug: str) -> bool:
    return db.session.scalar(db.select(Lesson.id).where(Lesson.slug == slug)) is not None


def _bump(lesson: Lesson, revision: int, **values) -> None:
    """Move the counter on, only if nobody else did since `revision` was read."""
    result = db.session.execute(
        sa.update(Lesson)
        .where(Lesson.id == lesson.id, Lesson.revision == revision)
        .values(revision=revision + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        fresh = db.session.get(Lesson, lesson.id)
        raise Conflict(working_document(fresh), fresh.revision)
    db.session.expire(lesson)


def save(lesson: Lesson, revision: int, document: dict, user, action: str, detail: str = "") -> None:
    """Store a new draft; a Conflict if the lesson was saved by someone else meanwhile,
    unless what was saved is this very draft (the same form sent twice: a double click)."""
    document = dict(document, slug=lesson.slug)
    if revision != lesson.revision and _same(working_document(lesson), document):
        return
    _bump(lesson, revision, draft=document, position=document.get("position", lesson.position))
    record(lesson, user, action, detail)


def _same(one: dict, other: dict) -> bool:
    return documents.fingerprint(one) == documents.fingerprint(other) and one.get("position") == other.get("position")


def publish(lesson: Lesson, revision: int, user) -> LessonVersion:
    document = working_document(lesson)
    problems = documents.publish_problems(document, languages(), message_keys())
    if problems:
        raise PublishRefused(problems)
    existing = versions(lesson)
    if lesson.published_version is not None and documents.fingerprint(document) == documents.fingerprint(
        documents.with_languages(version_document(lesson.published_version), languages())
    ):
        if lesson.draft is not None:  # else it is published as it is already (a double click)
            _bump(lesson, revision, draft=None)
            record(lesson, user, "published", str(lesson.published_version.number))
        return lesson.published_version
    messages = {message.key: message for message in db.session.scalars(db.select(SafetyMessage))}
    version = documents.build_version(
        document, messages, images_by_sha(document), documents.true_false_labels(languages()), languages()
    )
    version.lesson_id = lesson.id
    version.number = existing[-1].number + 1 if existing else 1
    version.created_by_id = user.id if user else None
    db.session.add(version)
    db.session.flush()
    _bump(lesson, revision, draft=None, published_version_id=version.id, archived=False)
    record(lesson, user, "published", str(version.number))
    return version


def set_visibility(lesson: Lesson, revision: int, user, action: str) -> None:
    """unpublish: students no longer see it; archive: also out of the studio's main list;
    restore: back in the list (unpublished). Attempts are never touched."""
    if action == "unpublish":
        _bump(lesson, revision, published_version_id=None)
    elif action == "archive":
        _bump(lesson, revision, published_version_id=None, archived=True)
    elif action == "restore":
        _bump(lesson, revision, archived=False)
    else:
        raise ValueError(action)
    record(lesson, user, {"unpublish": "unpublished", "archive": "archived", "restore": "restored"}[action])


def history(lesson: Lesson) -> list[LessonChange]:
    return list(
        db.session.scalars(
            db.select(LessonChange)
            .where(LessonChange.lesson_id == lesson.id)
            .order_by(LessonChange.at.desc(), LessonChange.id.desc())
        )
    )


def document_lines(document: dict, labels: dict) -> list[str]:
    """A document as lines of text an editor can read, for a line-by-line difference.
    `labels` names the fields in the page's language."""
    lines = []

    def texts(prefix: str, values: dict) -> None:
        for language in languages():
            for number, line in enumerate((values.get(language) or "").splitlines() or [""]):
                lines.append(f"{prefix} [{language}]{'' if number == 0 else ' …'}: {line}")

    for name in documents.LESSON_TEXTS:
        texts(labels[name], document.get(name) or {})
    lines.append(f"{labels['messages']}: {', '.join(document.get('messages', []))}")
    if document.get("image"):
        lines.append(f"{labels['image']}: {document['image']['sha256'][:12]}")
        texts(labels["alt"], document["image"].get("alt") or {})
    for number, question in enumerate(document.get("questions", []), 1):
        head = f"{labels['question']} {number}"
        lines.append(f"{head}: {question['key']} ({labels['kinds'].get(question['kind'], question['kind'])})")
        lines.append(f"{head} {labels['message']}: {question.get('message', '')}")
        for name in documents.QUESTION_TEXTS:
            texts(f"{head} {labels[name]}", question.get(name) or {})
        if question["kind"] == "truefalse":
            lines.append(f"{head} {labels['answer']}: {labels['true' if question.get('answer') else 'false']}")
        for place, choice in enumerate(question.get("choices") or [], 1):
            mark = " ✓" if choice.get("correct") else ""
            texts(f"{head} {labels['choice']} {place}{mark}", choice.get("text") or {})
    return lines


def diff(old: dict, new: dict, labels: dict) -> list[tuple[str, str]]:
    """(tag, line) pairs: tag is ' ' for a line kept, '-' removed, '+' added; kept lines far
    from a change are left out."""
    rows = []
    for line in difflib.unified_diff(document_lines(old, labels), document_lines(new, labels), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("@", ""))
            continue
        rows.append((line[:1], line[1:]))
    return rows


# Safety messages -------------------------------------------------------------------------


def save_message(message: SafetyMessage, revision: int, texts: dict, number: int) -> None:
    result = db.session.execute(
        sa.update(SafetyMessage)
        .where(SafetyMessage.id == message.id, SafetyMessage.revision == revision)
        .values(revision=revision + 1, number=number)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        fresh = db.session.get(SafetyMessage, message.id)
        raise Conflict(message_document(fresh), fresh.revision)
    for language, (title, text) in texts.items():
        row = message.texts.get(language) or SafetyMessageText(locale=language)
        row.title, row.text = title, text
        message.texts[language] = row


def message_document(message: SafetyMessage) -> dict:
    rows = message.texts
    return {
        "key": message.key,
        "number": message.number,
        "title": {language: rows[language].title if language in rows else "" for language in languages()},
        "text": {language: rows[language].text if language in rows else "" for language in languages()},
    }
