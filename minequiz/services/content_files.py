"""Loading the built-in lessons from the TOML files in minequiz/content/.

Everything is checked first; a file where a language or a field is missing changes
nothing. Loading the same files twice changes nothing: a lesson gets a new version only
when its file says something new.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..extensions import db
from ..models import Lesson, LessonVersion, SafetyMessage
from ..models.content import QUESTION_KINDS
from .documents import build_version, fingerprint, message_texts

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ContentError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadReport:
    messages: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Lessons whose file changed but that an editor has changed in the studio since.
    kept: list[str] = field(default_factory=list)
    languages: tuple[str, ...] = ()


class _Checker:
    """Collects every problem in the files, each naming its file, lesson and field."""

    def __init__(self, languages):
        self.languages = tuple(languages)
        self.problems: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")

    def texts(self, where: str, item: dict, names: tuple[str, ...]) -> None:
        for name in names:
            value = item.get(name)
            if isinstance(value, str):
                example = ", ".join(f'{name}.{language} = "..."' for language in self.languages)
                self.add(where, f"field '{name}' needs one text per language ({example})")
                continue
            if not isinstance(value, dict):
                self.add(where, f"field '{name}' is missing")
                continue
            for language in self.languages:
                text = value.get(language)
                if not isinstance(text, str) or not text.strip():
                    self.add(where, f"field '{name}' has no text in language '{language}'")

    def key(self, where: str, item: dict, seen: set) -> None:
        value = item.get("key")
        if not isinstance(value, str) or not KEY.match(value):
            self.add(where, "needs a 'key' of lower-case words joined by '-'")
        elif value in seen:
            self.add(where, f"key '{value}' is used twice")
        else:
            seen.add(value)


def read_files(directory: Path = CONTENT_DIR) -> tuple[list[dict], list[dict]]:
    """The messages and the lessons (each with its file name), parsed but not checked."""
    problems = []

    def parse(path: Path) -> dict:
        try:
            with open(path, "rb") as handle:
                return tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as error:
            problems.append(f"{path.relative_to(directory)}: {error}")
            return {}

    messages = parse(directory / "messages.toml").get("messages", [])
    lessons = [{**parse(path), "_file": path.name} for path in sorted((directory / "lessons").glob("*.toml"))]
    if problems:
        raise ContentError(problems)
    return messages, lessons


def check(messages: list[dict], lessons: list[dict], languages) -> None:
    """Raise ContentError listing every problem, or return if the content is whole."""
    checker = _Checker(languages)
    message_keys: set[str] = set()
    for index, message in enumerate(messages, 1):
        where = f"messages.toml: message {message.get('key', index)!r}"
        checker.key(where, message, message_keys)
        if not isinstance(message.get("number"), int):
            checker.add(where, "needs a whole 'number'")
        checker.texts(where, message, ("title", "text"))
    slugs: set[str] = set()
    for lesson in lessons:
        where = f"lessons/{lesson['_file']}: lesson {lesson.get('slug')!r}"
        slug = lesson.get("slug")
        if not isinstance(slug, str) or not KEY.match(slug):
            checker.add(where, "needs a 'slug' of lower-case words joined by '-'")
        elif slug in slugs:
            checker.add(where, "slug is used by another lesson")
        slugs.add(slug)
        checker.texts(where, lesson, ("title", "summary", "body"))
        if "position" in lesson and not (
            isinstance(lesson["position"], int) and not isinstance(lesson["position"], bool)
        ):
            checker.add(where, "'position' must be a whole number")
        taught = lesson.get("messages", [])
        if not isinstance(taught, list) or not all(isinstance(key, str) for key in taught):
            checker.add(where, "'messages' must be a list of safety message keys")
            taught = []
        for key in taught:
            if key not in message_keys:
                checker.add(where, f"teaches unknown safety message '{key}'")
        questions = lesson.get("questions", [])
        if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
            checker.add(where, "questions must be written as [[questions]] tables")
            questions = []
        if not questions:
            checker.add(where, "has no questions")
        question_keys: set[str] = set()
        for question in questions:
            _check_question(
                checker, f"{where}, question {question.get('key')!r}", question, question_keys, message_keys
            )
    if checker.problems:
        raise ContentError(checker.problems)


def _check_question(checker, where, question, seen, message_keys) -> None:
    checker.key(where, question, seen)
    checker.texts(where, question, ("prompt", "explanation"))
    kind = question.get("kind")
    if kind not in QUESTION_KINDS:
        checker.add(where, f"kind must be one of {', '.join(QUESTION_KINDS)}")
        return
    if "message" in question and (not isinstance(question["message"], str) or question["message"] not in message_keys):
        checker.add(where, f"'message' must be the key of one safety message, not {question['message']!r}")
    choices = question.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        checker.add(where, "choices must be written as [[questions.choices]] tables")
        return
    if kind == "truefalse":
        if not isinstance(question.get("answer"), bool) or choices:
            checker.add(where, "a true/false question needs 'answer = true' or 'answer = false' and no choices")
        return
    choice_keys: set[str] = set()
    for choice in choices:
        choice_where = f"{where}, choice {choice.get('key')!r}"
        checker.key(choice_where, choice, choice_keys)
        checker.texts(choice_where, choice, ("text",))
    right = sum(1 for choice in choices if choice.get("correct") is True)
    if kind == "order" and (len(choices) < 2 or right):
        checker.add(where, "an ordering question needs at least two steps and no 'correct'")
    elif kind == "single" and (len(choices) < 2 or right != 1):
        checker.add(where, "a one-answer question needs at least two choices, exactly one correct")
    elif kind == "multiple" and (right < 1 or right == len(choices)):
        checker.add(where, "a several-answer question needs at least one correct and one wrong choice")


def load(
    true_false_labels: dict[str, dict[str, str]], directory: Path = CONTENT_DIR, languages=("nb", "en")
) -> LoadReport:
    """Check the files, then add what is new to the session (flushed, not committed).

    The files are loaded in those of `languages` they are written in (the first, the
    default language, always), so a language added to the app later is written in the
    studio; each of those languages must be complete everywhere.
    `true_false_labels` is {"true": {lang: label}, "false": {lang: label}}.
    """
    messages, lessons = read_files(directory)
    languages = written_languages(messages, languages)
    check(messages, lessons, languages)
    report = LoadReport(languages=languages)
    by_key = {m.key: m for m in db.session.scalars(db.select(SafetyMessage))}
    for item in messages:
        message = by_key.get(item["key"]) or SafetyMessage(key=item["key"])
        message.replace(item["number"], message_texts(item, languages))
        db.session.add(message)
        by_key[message.key] = message
        report.messages += 1
    db.session.flush()
    for position, item in enumerate(lessons, 1):
        _load_lesson(item, item.get("position", position), by_key, true_false_labels, languages, report)
    return report


def written_languages(messages: list[dict], languages) -> tuple[str, ...]:
    """The default language (the first) and the others that some safety message has a title in."""
    titles = [m.get("title") for m in messages if isinstance(m, dict) and isinstance(m.get("title"), dict)]
    return tuple(
        language for number, language in enumerate(languages) if number == 0 or any(language in t for t in titles)
    )


def _load_lesson(item, position, messages, true_false_labels, languages, report) -> None:
    digest = fingerprint(item)
    lesson = db.session.scalar(db.select(Lesson).where(Lesson.slug == item["slug"]))
    if lesson is None:
        lesson = Lesson(slug=item["slug"], position=position)
        db.session.add(lesson)
        db.session.flush()
    versions = list(
        db.session.scalars(
            db.select(LessonVersion).where(LessonVersion.lesson_id == lesson.id).order_by(LessonVersion.number)
        )
    )
    from_files = [version for version in versions if version.created_by_id is None]
    if from_files and from_files[-1].source_hash == digest:
        report.unchanged.append(lesson.slug)
        return
    if lesson.draft is not None or len(from_files) < len(versions) or lesson.archived:
        # An editor has taken this lesson over in the studio: their work wins over the file.
        report.kept.append(lesson.slug)
        return
    lesson.position = position
    version = build_version(item, messages, {}, true_false_labels, languages)
    version.lesson_id = lesson.id
    version.number = versions[-1].number + 1 if versions else 1
    version.source_hash = digest
    db.session.add(version)
    db.session.flush()
    lesson.published_version = version
    (report.updated if versions else report.created).append(lesson.slug)
