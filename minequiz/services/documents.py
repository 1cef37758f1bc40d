"""A lesson as one plain document: the shape of the built-in TOML files, of a studio
draft, of a JSON export, and of a version read back for a diff.

    {"slug", "position", "messages": [keys], "title"/"summary"/"body": {lang: text},
     "image": {"sha256", "alt": {lang: text}} (optional),
     "questions": [{"key", "kind", "message" (optional), "prompt"/"explanation": {lang},
                    "answer": bool (true/false only), "image" (optional),
                    "choices": [{"key", "correct" (not for ordering), "text": {lang}}]}]}

Published versions are built from a document and read back into the same document, so a
draft can start from any version and "export, import, export" gives the same file.
"""

import copy
import hashlib
import json
import re
from dataclasses import dataclass

from babel import Locale
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ..models import Choice, ChoiceText, LessonText, LessonVersion, Question, QuestionText
from ..models.content import QUESTION_KINDS
from .accounts import clean_name

KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LESSON_TEXTS = ("title", "summary", "body")
QUESTION_TEXTS = ("prompt", "explanation")
MAX_CHOICES = 12
MAX_QUESTIONS = 100
KEY_LENGTH = 100  # a lesson's address, a question's or a choice's key (their columns)
# No text may hold these: C0 controls but tab and line breaks, DEL, and halves of a
# surrogate pair (which JSON can carry, and UTF-8 cannot). None shows on a page, and
# PostgreSQL refuses NUL in a text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Deeper than any lesson file nests (a choice's text is 8 levels down in a file).
MAX_DEPTH = 16
MESSAGE_KEY_LENGTH = 64
MESSAGE_LIMITS = {"title": 200, "text": 600}  # a safety message's
LIMITS = {"title": 200, "summary": 600, "body": 20000, "prompt": 2000, "explanation": 2000, "text": 600, "alt": 300}


def empty_texts(languages) -> dict[str, str]:
    return {language: "" for language in languages}


def new_document(slug: str, position: int, languages) -> dict:
    return {
        "slug": slug,
        "position": position,
        "messages": [],
        **{name: empty_texts(languages) for name in LESSON_TEXTS},
        "questions": [],
    }


def new_question(document: dict, kind: str, languages) -> dict:
    """A question with a fresh key and, for the kinds that have them, two empty choices."""
    taken = {question["key"] for question in document["questions"]}
    number = len(taken) + 1
    while f"q{number}" in taken:
        number += 1
    question = {"key": f"q{number}", "kind": kind, **{name: empty_texts(languages) for name in QUESTION_TEXTS}}
    if kind == "truefalse":
        question["answer"] = True
        question["choices"] = []
    else:
        question["choices"] = [new_choice([], languages, kind), new_choice(["c1"], languages, kind)]
    return question


def new_choice(taken_keys, languages, kind: str) -> dict:
    number = len(taken_keys) + 1
    while f"c{number}" in taken_keys:
        number += 1
    choice = {"key": f"c{number}", "text": empty_texts(languages)}
    if kind != "order":
        choice["correct"] = False
    return choice


def true_false_labels(languages) -> dict[str, dict[str, str]]:
    """The words learners see for a true/false question's two answers, per language."""
    labels = {"true": {}, "false": {}}
    for language in languages:
        with force_locale(language):
            labels["true"][language] = _("True")
            labels["false"][language] = _("False")
    return labels


def message_texts(item: dict, languages) -> dict[str, tuple[str, str]]:
    """A safety message document's (title, text) per language, trimmed."""
    return {language: (item["title"][language].strip(), item["text"][language].strip()) for language in languages}


def fingerprint(document: dict) -> str:
    """Equal for two documents that teach the same thing (the list position aside)."""
    canonical = {key: value for key, value in document.items() if key not in ("_file", "position")}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# Reading a version back ---------------------------------------------------------------


def _texts(rows: dict, name: str, languages) -> dict[str, str]:
    return {language: getattr(rows[language], name) if language in rows else "" for language in languages}


def _image(image, rows: dict, languages) -> dict | None:
    if image is None:
        return None
    return {"sha256": image.sha256, "alt": _texts(rows, "image_alt", languages)}


def version_document(version: LessonVersion, languages, images: dict) -> dict:
    """The document a version was built from. `images` maps image ids to Image rows."""
    document = {
        "slug": version.lesson.slug,
        "position": version.lesson.position,
        "messages": [message.key for message in version.messages],
        **{name: _texts(version.texts, name, languages) for name in LESSON_TEXTS},
    }
    image = _image(images.get(version.image_id), version.texts, languages)
    if image:
        document["image"] = image
    document["questions"] = [_question_document(question, languages, images) for question in version.questions]
    return document


def _question_document(question: Question, languages, images: dict) -> dict:
    item = {"key": question.key, "kind": question.kind}
    if question.message is not None:
        item["message"] = question.message.key
    item.update({name: _texts(question.texts, name, languages) for name in QUESTION_TEXTS})
    image = _image(images.get(question.image_id), question.texts, languages)
    if image:
        item["image"] = image
    if question.kind == "truefalse":
        item["answer"] = any(choice.key == "true" and choice.correct for choice in question.choices)
        item["choices"] = []
        return item
    item["choices"] = []
    for choice in question.choices:
        entry = {"key": choice.key, "text": _texts(choice.texts, "text", languages)}
        if question.kind != "order":
            entry["correct"] = choice.correct
        item["choices"].append(entry)
    return item


# Building a version -------------------------------------------------------------------


def build_version(document: dict, messages: dict, images: dict, labels: dict, languages) -> LessonVersion:
    """New, unsaved rows for a checked document. `messages` maps keys to SafetyMessage
    rows and `images` maps sha256 to Image rows; the caller adds the version to a session
    (or does not, for a preview)."""
    version = LessonVersion(source_hash=fingerprint(document))
    image = images.get((document.get("image") or {}).get("sha256"))
    version.image_id = image.id if image else None
    for language in languages:
        version.texts[language] = LessonText(
            locale=language,
            **{name: document[name][language].strip() for name in LESSON_TEXTS},
            image_alt=((document.get("image") or {}).get("alt") or {}).get(language, "").strip(),
        )
    version.messages = [messages[key] for key in document.get("messages", []) if key in messages]
    for position, spec in enumerate(document["questions"], 1):
        version.questions.append(_build_question(spec, position, messages, images, labels, languages))
    return version


def _build_question(spec, position, messages, images, labels, languages) -> Question:
    image = images.get((spec.get("image") or {}).get("sha256"))
    question = Question(
        key=spec["key"],
        position=position,
        kind=spec["kind"],
        message=messages.get(spec.get("message")),
        image_id=image.id if image else None,
    )
    for language in languages:
        question.texts[language] = QuestionText(
            locale=language,
            prompt=spec["prompt"][language].strip(),
            explanation=spec["explanation"][language].strip(),
            image_alt=((spec.get("image") or {}).get("alt") or {}).get(language, "").strip(),
        )
    if spec["kind"] == "truefalse":
        choices = [
            {"key": "true", "correct": spec["answer"] is True, "text": labels["true"]},
            {"key": "false", "correct": spec["answer"] is False, "text": labels["false"]},
        ]
    else:
        choices = spec["choices"]
    for number, item in enumerate(choices, 1):
        choice = Choice(key=item["key"], position=number, correct=bool(item.get("correct", False)))
        for language in languages:
            choice.texts[language] = ChoiceText(locale=language, text=item["text"][language].strip())
        question.choices.append(choice)
    return question


# Checking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something that stops a document from being published, said for an editor."""

    where: str
    what: str
    # The question it is about (its key), so a page can link to its editor.
    question: str | None = None


def language_name(code: str, heading: bool = False) -> str:
    """A language's name in the language of the page ("Norwegian Bokmål", "engelsk"); with
    a capital letter when it stands alone as a heading."""
    try:
        name = Locale.parse(code).get_display_name(str(get_locale() or "en")) or code
    except (ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:] if heading else name


def question_problems(question: dict) -> list[str]:
    """What makes a question impossible to answer right, whatever its language."""
    kind = question.get("kind")
    choices = question.get("choices") or []
    right = sum(1 for choice in choices if choice.get("correct") is True)
    if kind not in QUESTION_KINDS:
        return [_("Choose what kind of question this is.")]
    if kind == "truefalse":
        problems = []
        if choices:
            problems.append(
                _("A true/false question has exactly two answers, True and False: remove the other choices.")
            )
        if not isinstance(question.get("answer"), bool):
            problems.append(_("Say whether the statement is true or false."))
        return problems
    if kind == "order":
        return [_("An ordering question needs at least two steps.")] if len(choices) < 2 else []
    problems = []
    if len(choices) < 2:
        problems.append(_("A question needs at least two choices."))
    if right == 0:
        problems.append(_("Mark the right answer."))
    elif kind == "single" and right > 1:
        problems.append(_("A one-answer question has exactly one right answer; mark only one."))
    elif kind == "multiple" and right == len(choices):
        problems.append(_("A several-answer question needs at least one wrong choice."))
    return problems


def written(text: str | None) -> bool:
    """Whether a text has something to show: more than spaces and invisible characters
    (a zero-width space, say), as a name must."""
    return bool(clean_name(text or ""))


def missing_texts(document: dict, languages) -> list[Problem]:
    """Every text that is empty in some language, each named so an editor can find it."""
    problems = []

    def check(where: str, texts: dict, label: str, question: str | None = None) -> None:
        for language in languages:
            if not written((texts or {}).get(language)):
                problems.append(
                    Problem(
                        where,
                        _("%(field)s is missing in %(language)s.", field=label, language=language_name(language)),
                        question,
                    )
                )

    labels = {
        "title": _("The title"),
        "summary": _("The summary"),
        "body": _("The lesson text"),
        "prompt": _("The question"),
        "explanation": _("The explanation"),
    }
    lesson_where = _("Lesson")
    for name in LESSON_TEXTS:
        check(lesson_where, document.get(name), labels[name])
    if document.get("image"):
        check(lesson_where, document["image"].get("alt"), _("The picture's description (alt text)"))
    for number, question in enumerate(document.get("questions", []), 1):
        where = _("Question %(number)d", number=number)
        for name in QUESTION_TEXTS:
            check(where, question.get(name), labels[name], question["key"])
        if question.get("image"):
            check(where, question["image"].get("alt"), _("The picture's description (alt text)"), question["key"])
        for place, choice in enumerate(question.get("choices") or [], 1):
            check(where, choice.get("text"), _("Choice %(number)d", number=place), question["key"])
    return problems


def publish_problems(document: dict, languages, message_keys: set[str]) -> list[Problem]:
    """Everything that must be fixed before this document can be published."""
    problems = []
    if not document.get("questions"):
        problems.append(Problem(_("Lesson"), _("A lesson needs at least one question.")))
    for key in document.get("messages", []):
        if key not in message_keys:
            problems.append(Problem(_("Lesson"), _("It teaches a safety message that no longer exists.")))
    for number, question in enumerate(document.get("questions", []), 1):
        where = _("Question %(number)d", number=number)
        for what in question_problems(question):
            problems.append(Problem(where, what, question["key"]))
        if question.get("message") and question["message"] not in message_keys:
            problems.append(Problem(where, _("It checks a safety message that no longer exists."), question["key"]))
    return problems + missing_texts(document, languages)


def completeness(document: dict, languages) -> dict[str, int]:
    """Per language, the share (0-100) of the document's texts that are written."""
    fields: list[dict] = [document.get(name) or {} for name in LESSON_TEXTS]
    if document.get("image"):
        fields.append(document["image"].get("alt") or {})
    for question in document.get("questions", []):
        fields.extend(question.get(name) or {} for name in QUESTION_TEXTS)
        if question.get("image"):
            fields.append(question["image"].get("alt") or {})
        fields.extend(choice.get("text") or {} for choice in question.get("choices") or [])
    total = len(fields)
    return {
        language: round(100 * sum(1 for texts in fields if written(texts.get(language))) / total) if total else 0
        for language in languages
    }


def with_languages(document: dict, languages) -> dict:
    """A copy where every text has an entry for every language (empty where missing), so a
    language added after the document was written shows up as missing, not as an error."""
    document = copy.deepcopy(document)
    for name in LESSON_TEXTS:
        document[name] = _fill(document.get(name), languages)
    if document.get("image"):
        document["image"]["alt"] = _fill(document["image"].get("alt"), languages)
    document["questions"] = [question_with_languages(q, languages) for q in document.get("questions", [])]
    return document


def question_with_languages(question: dict, languages) -> dict:
    """A copy of one question with an entry for every language in every text."""
    question = copy.deepcopy(question)
    for name in QUESTION_TEXTS:
        question[name] = _fill(question.get(name), languages)
    if question.get("image"):
        question["image"]["alt"] = _fill(question["image"].get("alt"), languages)
    for choice in question.get("choices") or []:
        choice["text"] = _fill(choice.get("text"), languages)
    return question


def _fill(texts, languages) -> dict[str, str]:
    texts = dict(texts or {})
    for language in languages:
        texts.setdefault(language, "")
    return texts


# The shape of a document from outside (an import, a posted conflict form) -----------------


def _is_texts(value) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def text_problem(texts, limit: int) -> str | None:
    """What is wrong with one text per language from outside, with at most `limit`
    characters each, or None."""
    if not _is_texts(texts):
        return _('Give one text per language, such as {"nb": "...", "en": "..."}.')
    if any(CONTROL.search(text) for text in texts.values()):
        return _("This text holds an invisible control character (such as a NUL byte). Remove it and try again.")
    if any(len(text) > limit for text in texts.values()):
        return _("Use at most %(max)d characters.", max=limit)
    return None


def is_key(value, taken=(), length: int = KEY_LENGTH) -> bool:
    """A key (or a lesson's address) from outside: lower-case words joined by dashes, that
    fits its column and is not `taken` yet."""
    return isinstance(value, str) and len(value) <= length and bool(KEY.match(value)) and value not in taken


def _image_problems(image, where: str) -> list[tuple[str, str]]:
    if image is None:
        return []
    if (
        not isinstance(image, dict)
        or not isinstance(image.get("sha256"), str)
        or not re.fullmatch(r"[0-9a-f]{64}", image["sha256"])
        or not _is_texts(image.get("alt", {}))
    ):
        return [(where, _("'image' needs a 'sha256' of 64 hexadecimal digits and an 'alt' text per language."))]
    problem = text_problem(image.get("alt", {}), LIMITS["alt"])
    return [(f"{where}.alt", problem)] if problem else []


def image_hashes(document: dict) -> set[str]:
    """The sha256 of every picture a document (of a sound shape) shows."""
    parts = [document, *document["questions"]]
    return {part["image"]["sha256"] for part in parts if part.get("image")}


def too_deep(value, limit: int = MAX_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than `limit` (copying it, or reading it back, would
    run out of stack)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
    return False


def shape_problems(document, where: str = "") -> list[tuple[str, str]]:
    """(place, problem) for everything that is not a lesson document at all: wrong types,
    bad keys, unknown kinds. Missing texts are not shape problems (a draft may lack them)."""
    if not isinstance(document, dict):
        return [(where or "/", _("A lesson must be a JSON object."))]
    if too_deep(document):
        return [(where or "/", _("This is not a minequiz lesson file: it is nested too deeply."))]
    problems = []
    if not is_key(document.get("slug")):
        problems.append((f"{where}slug", _("Use lower-case letters and digits joined by dashes, such as local-signs.")))
    position = document.get("position", 1)
    if not isinstance(position, int) or isinstance(position, bool) or not 1 <= position <= 999:
        problems.append((f"{where}position", _("Give a whole number from 1 to 999.")))
    if not isinstance(document.get("messages", []), list) or not all(
        isinstance(key, str) for key in document.get("messages", [])
    ):
        problems.append((f"{where}messages", _("'messages' must be a list of safety message keys.")))
    for name in LESSON_TEXTS:
        if problem := text_problem(document.get(name), LIMITS[name]):
            problems.append((f"{where}{name}", problem))
    problems += _image_problems(document.get("image"), f"{where}image")
    questions = document.get("questions")
    if not isinstance(questions, list):
        return problems + [(f"{where}questions", _("'questions' must be a list."))]
    if len(questions) > MAX_QUESTIONS:
        problems.append((f"{where}questions", _("A lesson has at most %(max)d questions.", max=MAX_QUESTIONS)))
    keys = set()
    for number, question in enumerate(questions):
        place = f"{where}questions[{number}]"
        if not isinstance(question, dict):
            problems.append((place, _("A question must be a JSON object.")))
            continue
        key = question.get("key")
        if not is_key(key, keys):
            problems.append((f"{place}.key", _("Each question needs its own key of lower-case letters and digits.")))
        else:
            keys.add(key)
        if question.get("kind") not in QUESTION_KINDS:
            problems.append((f"{place}.kind", _("Choose what kind of question this is.")))
        if "message" in question and not isinstance(question["message"], str):
            problems.append((f"{place}.message", _("'message' must be the key of a safety message.")))
        for name in QUESTION_TEXTS:
            if problem := text_problem(question.get(name), LIMITS[name]):
                problems.append((f"{place}.{name}", problem))
        if question.get("kind") == "truefalse" and not isinstance(question.get("answer"), bool):
            problems.append((f"{place}.answer", _("Say whether the statement is true or false.")))
        problems += _image_problems(question.get("image"), f"{place}.image")
        choices = question.get("choices", [])
        if not isinstance(choices, list):
            problems.append((f"{place}.choices", _("'choices' must be a list.")))
            continue
        if len(choices) > MAX_CHOICES:
            problems.append((f"{place}.choices", _("A question has at most %(max)d choices.", max=MAX_CHOICES)))
        choice_keys = set()
        for index, choice in enumerate(choices):
            spot = f"{place}.choices[{index}]"
            if (
                not isinstance(choice, dict)
                or not is_key(choice.get("key"), choice_keys)
                or not _is_texts(choice.get("text"))
                or not isinstance(choice.get("correct", False), bool)
            ):
                problems.append(
                    (spot, _("A choice needs its own 'key', a 'text' per language and 'correct' true or false."))
                )
                continue
            choice_keys.add(choice["key"])
            if problem := text_problem(choice["text"], LIMITS["text"]):
                problems.append((f"{spot}.text", problem))
    return problems
