"""A lesson's questions in and out of the studio as Moodle GIFT files, one language a
file (the format itself is in `gift.py`).

Importing a file in one language into a lesson's draft:
- a question whose key (its GIFT title) is in the draft with the same shape (kind, number
  of choices, right answers) gets that language's texts and nothing else, so an "nb" and an
  "en" file fill the two columns of the same questions; one that says what the draft says
  already is unchanged (and a file that changes nothing saves nothing);
- a question whose key is in the draft with another shape takes the file's shape; its
  question and explanation in the other languages are kept, and so are the other languages
  of each choice whose text did not change; other choices are empty there (marked missing);
- any other question is added at the end, with empty texts in the other languages.
A file that says (in our export's first line) it is in another language, or holds other
lessons' categories, or whose questions mostly repeat the lesson's text in another
language word for word, is refused: a file imported under the wrong language would
overwrite a translation.
Everything is checked first; a file with a problem changes nothing. The caller saves the
merged draft with the lesson's save counter, so a concurrent edit is a conflict, as with
every save.
"""

import copy
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import Lesson
from . import documents, gift, studio
from .gift import N_

CATEGORY = "$course$/minequiz/{slug}"


@dataclass
class GiftReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.replaced)


class GiftRefused(Exception):
    def __init__(self, problems: list[tuple[int | None, str]]):
        super().__init__("GIFT import refused")
        self.problems = problems


# Export ----------------------------------------------------------------------------------


def _exportable(question: dict, language: str) -> bool:
    """Whether GIFT can hold the question in `language`: every text written, the question valid."""
    try:
        gift.export_gift([question], language)
    except ValueError:
        return False
    return True


def export_questions(lessons: list[Lesson], language: str) -> str:
    """The working copy's questions of each lesson in `language`, a Moodle category per
    lesson; questions not yet written in that language are left out (see `export_notes`)."""
    with force_locale(language):
        order_note = _(gift.ORDER_NOTE)
    parts = []
    for lesson in lessons:
        questions = [q for q in studio.working_document(lesson)["questions"] if _exportable(q, language)]
        if questions:
            parts.append(
                gift.export_gift(
                    questions,
                    language,
                    category=CATEGORY.format(slug=lesson.slug),
                    order_note=order_note,
                )
            )
    return "\n".join(parts) or f"{gift.LANGUAGE_MARK} {language}\n"


def export_notes(document: dict, languages) -> list[str]:
    """What an editor should know before downloading the lesson's GIFT files, translated."""
    numbers = {question["key"]: number for number, question in enumerate(document["questions"], 1)}
    notes = [
        _(note.text, **{**note.values, "key": _("Question %(number)d", number=numbers[note.key])})
        for note in gift.export_notes(document["questions"])
    ]
    for language in languages:
        left_out = [str(n) for n, q in enumerate(document["questions"], 1) if not _exportable(q, language)]
        if left_out:
            notes.append(
                _(
                    "Not in the %(language)s file, because they are incomplete or invalid there: questions %(list)s.",
                    language=documents.language_name(language),
                    list=", ".join(left_out),
                )
            )
    return notes


# Import ----------------------------------------------------------------------------------

MAX_QUESTIONS = documents.MAX_QUESTIONS
FIELD_NAMES = {"prompt": N_("question"), "explanation": N_("explanation"), "text": N_("choice")}


def _shape(question: dict) -> tuple:
    return (
        question["kind"],
        question.get("answer") if question["kind"] == "truefalse" else None,
        [choice.get("correct") for choice in question.get("choices") or []],
    )


def _too_long(question: dict, language: str) -> list[str]:
    """A problem for each text longer than the studio takes."""
    texts = [(name, question[name][language]) for name in documents.QUESTION_TEXTS]
    texts += [("text", choice["text"][language]) for choice in question.get("choices") or []]
    return [
        _(
            "The %(field)s has %(length)d characters; the studio takes at most %(max)d.",
            field=_(FIELD_NAMES[name]),
            length=len(text),
            max=documents.LIMITS[name],
        )
        for name, text in texts
        if len(text) > documents.LIMITS[name]
    ]


def _file_problems(result: gift.GiftImport, lesson: Lesson, language: str) -> list[tuple[int | None, str]]:
    """A file of another language or of other lessons, by what our own export writes in it."""
    problems = []
    if result.language and result.language != language:
        problems.append(
            (
                1,
                _(
                    "This file says it is written in %(file)s, not in %(chosen)s: choose its language.",
                    file=documents.language_name(result.language),
                    chosen=documents.language_name(language),
                ),
            )
        )
    prefix = CATEGORY.format(slug="")
    others = sorted(
        {(line, name.removeprefix(prefix)) for line, name in result.categories if name.startswith(prefix)}
        - {(line, lesson.slug) for line, _name in result.categories},
    )
    if others:
        problems.append(
            (
                others[0][0],
                _(
                    "This file holds the questions of other lessons (%(list)s). Import it on that lesson's "
                    "page, or delete its $CATEGORY lines to bring the questions here.",
                    list=", ".join(sorted({slug for _line, slug in others})),
                ),
            )
        )
    return problems


def _problems(result: gift.GiftImport, lesson: Lesson, language: str) -> list[tuple[int | None, str]]:
    """What stops the file from being imported: Moodle syntax, then what the studio refuses."""
    problems = [(line, _(what)) for line, what in result.problems] + _file_problems(result, lesson, language)
    known = studio.message_keys()
    for question in result.questions:
        line = result.lines[question["key"]]
        if question.get("message") and question["message"] not in known:
            problems.append(
                (line, _("it checks a safety message that does not exist here: %(key)s", key=question["message"]))
            )
        if len(question.get("choices") or []) > documents.MAX_CHOICES:
            problems.append((line, _("A question has at most %(max)d choices.", max=documents.MAX_CHOICES)))
        problems += [(line, what) for what in _too_long(question, language)]
        problems += [(line, what) for what in documents.question_problems(question)]
    if not result.questions and not result.skipped and not problems:
        problems.append((None, _("There is no question in this file. Is it a GIFT file?")))
    return sorted(problems, key=lambda problem: problem[0] or 0)


def _merge(old: dict | None, new: dict, language: str, languages) -> tuple[dict, str]:
    """The draft's question after the import, and whether it was added, updated, replaced
    or is unchanged."""
    new = documents.question_with_languages(new, languages)
    if old is None:
        return new, "added"
    if _shape(old) == _shape(new):
        merged = copy.deepcopy(old)
        for name in documents.QUESTION_TEXTS:
            merged[name][language] = new[name][language]
        for choice, incoming in zip(merged.get("choices") or [], new.get("choices") or [], strict=True):
            choice["text"][language] = incoming["text"][language]
        if new.get("message"):
            merged["message"] = new["message"]
        return merged, "unchanged" if merged == old else "updated"
    for name in documents.QUESTION_TEXTS:
        new[name] = {**old[name], language: new[name][language]}
    # A choice whose text did not change keeps its key and its other languages.
    by_text = {choice["text"].get(language): choice for choice in old.get("choices") or []}
    for choice in new.get("choices") or []:
        known = by_text.pop(choice["text"][language], None)
        if known is not None:
            choice["text"] = {**known["text"], language: choice["text"][language]}
            choice["key"] = known["key"]
    taken: set[str] = set()
    for choice in new.get("choices") or []:
        choice["key"] = gift.unique_key(choice["key"], taken)
    if old.get("image"):
        new["image"] = copy.deepcopy(old["image"])
    if not new.get("message") and old.get("message"):
        new["message"] = old["message"]
    return new, "replaced"


def _looks_like(result: gift.GiftImport, document: dict, language: str, languages) -> str | None:
    """The other language the file seems to be written in: most of the questions it shares
    with the lesson have, word for word, the lesson's text in that language."""
    old = {question["key"]: question for question in document["questions"]}
    shared = [q for q in result.questions if q["key"] in old]
    for other in languages:
        if other == language or not shared:
            continue
        same = sum(
            1
            for q in shared
            if q["prompt"][language] == old[q["key"]]["prompt"].get(other)
            and q["prompt"][language] != old[q["key"]]["prompt"].get(language)
        )
        if same * 2 > len(shared):
            return other
    return None


def merge_file(lesson: Lesson, text: str, language: str) -> tuple[dict, GiftReport]:
    """The lesson's draft with a GIFT file in `language` merged in, and what changed; the
    caller saves it if anything did. GiftRefused lists every problem with its line."""
    # One question more than a lesson may have is enough to say the file has too many.
    result = gift.import_gift(text, language, limit=MAX_QUESTIONS + 1)
    problems = _problems(result, lesson, language)
    document = copy.deepcopy(studio.working_document(lesson))
    other = None if problems else _looks_like(result, document, language, studio.languages())
    if other:
        problems.append(
            (
                None,
                _(
                    "Most questions in this file say word for word what the lesson says in %(other)s: "
                    "is the file in %(other)s? Choose its language.",
                    other=documents.language_name(other),
                ),
            )
        )
    new_keys = {q["key"] for q in result.questions} - {q["key"] for q in document["questions"]}
    if len(document["questions"]) + len(new_keys) > MAX_QUESTIONS:
        problems.append(
            (None, _("A lesson has at most %(max)d questions; this file would make it more.", max=MAX_QUESTIONS))
        )
    if problems:
        raise GiftRefused(problems)
    report = GiftReport(
        skipped=[(line, _(why)) for line, why in result.skipped],
        notes=[(line, _(note)) for line, note in result.notes],
    )
    places = {question["key"]: number for number, question in enumerate(document["questions"])}
    for incoming in result.questions:
        place = places.get(incoming["key"])
        old = document["questions"][place] if place is not None else None
        question, outcome = _merge(old, incoming, language, studio.languages())
        if place is None:
            places[question["key"]] = len(document["questions"])
            document["questions"].append(question)
        else:
            document["questions"][place] = question
        getattr(report, outcome).append(question["key"])
    return document, report
