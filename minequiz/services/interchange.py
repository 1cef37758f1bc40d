"""Lessons in and out of the studio as one JSON file: the lesson documents, the safety
messages they use and their pictures. Everything is checked before anything is written,
and an import is one transaction."""

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from PIL import Image as PillowImage

from ..extensions import db
from ..models import Image, Lesson, SafetyMessage
from . import documents, studio

FORMAT = "minequiz-lessons"
FORMAT_VERSION = 1


# Export ---------------------------------------------------------------------------------


def export(lessons: list[Lesson]) -> dict:
    """The working copy of each lesson (its draft, else its latest version), whether it is
    published, the safety messages and the pictures, so another installation gets the same."""
    items, shas = [], set()
    for lesson in lessons:
        document = studio.working_document(lesson)
        document["published"] = lesson.published_version_id is not None
        items.append(document)
        shas |= documents.image_hashes(document)
    messages = db.session.scalars(db.select(SafetyMessage).order_by(SafetyMessage.number, SafetyMessage.key))
    pictures = db.session.scalars(db.select(Image).where(Image.sha256.in_(shas)).order_by(Image.sha256)) if shas else []
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "messages": [studio.message_document(message) for message in messages],
        "images": {
            image.sha256: {"mime": image.mime, "data": base64.b64encode(image.data).decode("ascii")}
            for image in pictures
        },
        "lessons": items,
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


# Where a value is in the text ------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_decoder = json.JSONDecoder()


def value_lines(text: str) -> dict[str, int]:
    """Line number of each value in a JSON text, by path ("lessons[0].questions[2].kind"),
    so a problem can name the line an editor must look at."""
    lines: dict[str, int] = {}

    def skip(index: int) -> int:
        return _WHITESPACE.match(text, index).end()

    def value(index: int, path: str) -> int:
        index = skip(index)
        lines[path] = text.count("\n", 0, index) + 1
        if text.startswith("{", index):
            index = skip(index + 1)
            if text.startswith("}", index):
                return index + 1
            while True:
                key, index = json.decoder.scanstring(text, skip(index) + 1)
                index = skip(skip(index) + 1)  # the colon
                index = skip(value(index, f"{path}.{key}" if path else key))
                if text.startswith("}", index):
                    return index + 1
                index += 1  # the comma
        if text.startswith("[", index):
            index = skip(index + 1)
            if text.startswith("]", index):
                return index + 1
            number = 0
            while True:
                index = skip(value(index, f"{path}[{number}]"))
                number += 1
                if text.startswith("]", index):
                    return index + 1
                index += 1
        _, end = _decoder.raw_decode(text, index)
        return end

    try:
        value(0, "")
    except (ValueError, IndexError):
        pass
    return lines


# Import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    messages: int = 0


class ImportRefused(Exception):
    def __init__(self, problems: list[tuple[int | None, str]]):
        super().__init__("import refused")
        self.problems = problems


def _line_of(lines: dict[str, int], path: str) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
    return lines.get("")


def _message_problems(data, languages) -> list[tuple[str, str]]:
    problems = []
    keys = set()
    if not isinstance(data.get("messages", []), list):
        return [("messages", _("'messages' must be a list."))]
    for number, message in enumerate(data.get("messages") or []):
        place = f"messages[{number}]"
        if not isinstance(message, dict) or not isinstance(message.get("key"), str):
            problems.append((place, _("A safety message needs a 'key', a 'number', a 'title' and a 'text'.")))
            continue
        key = message["key"]
        if not documents.is_key(key, keys, documents.MESSAGE_KEY_LENGTH):
            problems.append(
                (f"{place}.key", _("Each safety message needs its own key of lower-case letters and digits."))
            )
        keys.add(key)
        number = message.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 99:
            problems.append((f"{place}.number", _("Give a whole number from 1 to 99.")))
        for name, limit in documents.MESSAGE_LIMITS.items():
            texts = message.get(name)
            if not isinstance(texts, dict) or not all(
                isinstance(texts.get(language), str) and documents.written(texts[language]) for language in languages
            ):
                problems.append((f"{place}.{name}", _("Write the title and the message in every language.")))
            elif problem := documents.text_problem(texts, limit):
                problems.append((f"{place}.{name}", problem))
    return problems


def _image_problems(data) -> list[tuple[str, str]]:
    problems = []
    images = data.get("images") or {}
    if not isinstance(images, dict):
        return [("images", _("'images' must map each picture's sha256 to its data."))]
    for sha, item in images.items():
        place = f"images.{sha}"
        try:
            raw = base64.b64decode(item["data"], validate=True)
            with PillowImage.open(io.BytesIO(raw)) as picture:
                picture.verify()
                kind = picture.format
        except Exception:  # any failure to decode means the same to the editor
            problems.append((place, _("This file is not a picture we can read.")))
            continue
        if kind not in ("PNG", "JPEG") or hashlib.sha256(raw).hexdigest() != sha:
            problems.append((place, _("This picture does not match its sha256, or is not a PNG or JPEG.")))
    return problems


def check(text: str, languages) -> dict:
    """The parsed file, or ImportRefused listing every problem with its line."""
    deep = False
    try:
        data = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", None)
        raise ImportRefused(
            [(line, _("This is not a JSON file: %(error)s", error=getattr(error, "msg", "")))]
        ) from None
    except RecursionError:  # nested beyond what Python reads
        data, deep = None, True
    # (Deeper than a lesson file ever is: reading it back, or copying it, would overflow too.)
    if deep or documents.too_deep(data, documents.MAX_DEPTH + 2):
        raise ImportRefused([(None, _("This is not a minequiz lesson file: it is nested too deeply."))])
    lines = value_lines(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("lessons"), list):
        raise ImportRefused(
            [(1, _("This is not a minequiz lesson file (its 'format' is not \"%(format)s\").", format=FORMAT))]
        )
    problems = _message_problems(data, languages) + _image_problems(data)
    given = data.get("messages") if isinstance(data.get("messages"), list) else []
    known_messages = {m["key"] for m in given if isinstance(m, dict) and isinstance(m.get("key"), str)}
    known_messages |= studio.message_keys()
    slugs = set()
    for number, lesson in enumerate(data["lessons"]):
        place = f"lessons[{number}]"
        shape = documents.shape_problems(lesson, place + ".")
        problems += shape
        if isinstance(lesson, dict) and not isinstance(lesson.get("published", False), bool):
            problems.append((f"{place}.published", _("'published' must be true or false.")))
        if shape:  # the checks below need a sound shape
            continue
        if lesson.get("slug") in slugs:
            problems.append((f"{place}.slug", _("Two lessons in this file have the same address.")))
        slugs.add(lesson.get("slug"))
        images = set((data.get("images") or {}).keys()) if isinstance(data.get("images"), dict) else set()
        for part, spot in [
            (lesson, place),
            *(
                (q, f"{place}.questions[{i}]")
                for i, q in enumerate(lesson.get("questions") or [])
                if isinstance(q, dict)
            ),
        ]:
            image = part.get("image")
            if isinstance(image, dict) and image.get("sha256") not in images and not studio_image(image.get("sha256")):
                problems.append((f"{spot}.image", _("This picture is not in the file.")))
        for key in lesson.get("messages") or []:
            if isinstance(key, str) and key not in known_messages:
                problems.append((f"{place}.messages", _("It teaches a safety message that no longer exists.")))
        if lesson.get("published") is True:
            for problem in documents.publish_problems(
                documents.with_languages(lesson, languages), languages, known_messages
            ):
                problems.append((place, f"{problem.where}: {problem.what}"))
    if problems:
        raise ImportRefused([(_line_of(lines, path), what) for path, what in problems])
    return data


def studio_image(sha) -> bool:
    return isinstance(sha, str) and db.session.scalar(db.select(Image.id).where(Image.sha256 == sha)) is not None


def apply(data: dict, user, languages) -> ImportReport:
    """Write a checked file: new lessons as in the file (published if marked so), lessons
    that exist get the file as their draft, for an editor to look at and publish."""
    report = ImportReport()
    for sha, item in (data.get("images") or {}).items():
        if not studio_image(sha):
            raw = base64.b64decode(item["data"])
            with PillowImage.open(io.BytesIO(raw)) as picture:
                mime = "image/png" if picture.format == "PNG" else "image/jpeg"
                width, height = picture.size
            db.session.add(Image(sha256=sha, mime=mime, width=width, height=height, data=raw))
    for item in data.get("messages") or []:
        message = db.session.scalar(db.select(SafetyMessage).where(SafetyMessage.key == item["key"]))
        if message is None:
            message = SafetyMessage(key=item["key"], number=item["number"])
            db.session.add(message)
        message.replace(item["number"], documents.message_texts(item, languages))
        report.messages += 1
    db.session.flush()
    for item in data["lessons"]:
        document = documents.with_languages({k: v for k, v in item.items() if k != "published"}, languages)
        lesson = db.session.scalar(db.select(Lesson).where(Lesson.slug == document["slug"]))
        if lesson is None:
            lesson = studio.create_lesson(document["slug"], user)
            report.created.append(document["slug"])
        studio.save(lesson, lesson.revision, document, user, "imported")
        db.session.refresh(lesson)
        if item.get("published") is True and lesson.slug in report.created:
            studio.publish(lesson, lesson.revision, user)
            report.published.append(lesson.slug)
        elif lesson.slug not in report.created:
            report.drafts.append(lesson.slug)
    return report
