"""Quiz questions to and from Moodle's GIFT format, one text per language.

GIFT (https://docs.moodle.org/en/GIFT_format) holds one language, so a bilingual lesson
becomes one file per language. Every exported question carries its key as its title
(`::shiny-object::`), which is how an "nb" file and an "en" file are paired again: the
caller merges two imports by question key and by choice position.

This module is pure: no Flask, no database. Questions are the lesson document's dicts:

    {"key", "kind": "single" | "multiple" | "truefalse" | "order", "message" (optional),
     "prompt"/"explanation": {language: text}, "answer": bool (truefalse only),
     "choices": [{"key", "correct" (not for order), "text": {language: text}}]}

Export decisions
- Every prompt starts with the `[plain]` format tag. The app shows question texts as plain
  escaped text, and in GIFT the question's format is also the default of its answers and
  feedback, so Moodle shows exactly what the app shows (a "<" stays a "<"; Markdown marks,
  which question texts do not use, would show as typed).
- `\\ ~ = # { } :` are escaped with a backslash (the backslash too, as Moodle's own export
  does, so that a text such as `C:\\new` survives); line breaks become `\\n`. Moodle trims
  leading and trailing white space of every text.
- The safety message goes in a `// message: <key>` comment line before the question.
- single: `=right ~wrong`; the explanation is the general feedback (`####`).
- multiple: Moodle's "multiple answers" (checkboxes): each right choice `~%w%` with w =
  100 / (number right), each wrong choice `~%-w%` with w = 100 / (number wrong). That is
  the app's own scoring (see `scoring.py`), and Moodle accepts these weights for up to ten
  right and ten wrong choices (its fixed list of grades: 100/n for n = 1..10, and 5%).
  More than ten gives a weight Moodle refuses unless the import asks for the nearest
  grade: `export_notes` says so.
- truefalse: `{TRUE####explanation}` / `{FALSE####explanation}`.
- order: GIFT has no ordering questions. It becomes a single-answer question whose right
  answer is the steps in order joined by " → ", with up to three wrong answers made from
  other orders (reversed, first two swapped, last two swapped, first step moved last),
  right answer first (Moodle shuffles answers). A `// minequiz:order` comment line says so
  in the file (so our import makes it an ordering question again) and `export_notes`
  lists it for the caller.
- `export_gift` returns the text; `export_notes(questions)` returns notes on what GIFT
  could not express as it is, one per affected question.
- Messages meant for people are English msgids marked with `N_`: the caller translates them.

Import decisions (mirroring Moodle's own reader where it matters)
- Questions are separated by blank lines; `//` lines are comments; `$CATEGORY:` lines are
  skipped; a UTF-8 BOM and Windows line endings are fine.
- A leading `[html]`, `[moodle]`, `[plain]` or `[markdown]` tag is removed; the question's
  tag is the default for its answers and feedback. `[html]` texts are turned into plain
  text (tags dropped, entities decoded, `<br>` and paragraph ends become line breaks),
  since the app does not show HTML; the other formats are kept as written.
- Answers in the middle of the text (missing word) leave `_____` in the prompt.
- Only single, multiple and true/false questions can be imported, and ordering questions
  from our own export (the `// minequiz:order` mark and a right answer of steps joined by
  "→"). Essay, numeric,
  matching, short-answer and description questions are listed in `skipped`; malformed
  questions in `problems`. Both give the line where the question starts.
- With `=`, a question is single-answer: the `=` answer is right and partial-credit `~%50%`
  answers count as wrong; two `=` answers are a problem. Without `=`, positive weights are
  right; exactly one right answer at 100% and no negative weight is single-answer, anything
  else is multiple (negative weights only make sense for checkboxes, so our own export of a
  multiple question with one right choice stays multiple).
- Explanation: the general feedback, else the right answers' own feedback joined by spaces
  (for true/false the feedback Moodle shows to a right answer: `{T#when wrong#when right}`),
  else "".
- Question key: the title made into lower-case ASCII words joined by "-", else `q<n>` with
  n the question's place in the file; choice key: its text made the same way (at most 40
  characters), else a letter by position. Both are made unique with "-2", "-3", ...
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser


def N_(message: str) -> str:
    """Marks a message for the UI catalogues; the caller translates it when it shows it."""
    return message


KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ORDER_ARROW = " → "
# The comment before an ordering question: a fixed mark (so an import can make it an
# ordering question again), then a note in the file's language.
ORDER_MARK = "// minequiz:order"
# The first line of our files: the language they are written in, checked on import.
LANGUAGE_MARK = "// minequiz:language"
CATEGORY = "$CATEGORY:"
ORDER_NOTE = N_(
    "ordering question exported as a single-answer question: "
    "the right answer is the steps in order, the wrong answers are other orders"
)
MESSAGE_COMMENT = re.compile(r"^//\s*message:\s*(\S+)\s*$")
FORMATS = ("html", "moodle", "plain", "markdown")
BLANK = "_____"
QUESTION_KEY_LENGTH = 60
CHOICE_KEY_LENGTH = 40

# Moodle's fixed list of answer grades (question_bank::fraction_options), as percentages.
MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667)
MOODLE_GRADES += (14.28571, 12.5, 11.11111, 10, 5)


# Export ---------------------------------------------------------------------------------


def export_gift(
    questions: list[dict], language: str, *, category: str | None = None, order_note: str = ORDER_NOTE
) -> str:
    """The questions' `language` texts as one GIFT file; `category` (such as
    "$course$/Mines") is written first so Moodle files the questions there; `order_note`
    is the comment on ordering questions, in the file's language."""
    parts = [f"{LANGUAGE_MARK} {language}"]
    if category:
        parts.append(f"$CATEGORY: {' '.join(category.split())}")
    parts += [_question_gift(question, language, order_note) for question in questions]
    return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class Note:
    """What the export changed in one question: `text` is a message for the catalogues with
    %(name)s places filled from `values`."""

    key: str
    text: str
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text % self.values


def export_notes(questions: list[dict]) -> list[Note]:
    """What the GIFT export changes, one note per affected question, for the person who
    downloads the file."""
    notes = []
    for question in questions:
        key = question.get("key")
        if question.get("kind") == "order":
            notes.append(
                Note(
                    key,
                    N_(
                        "%(key)s: ordering question exported as a single-answer question (GIFT has no "
                        "ordering questions); the right answer is the steps in order joined by ' → '"
                    ),
                    {"key": key},
                )
            )
        if question.get("kind") == "multiple":
            odd = [w for w in _multiple_weights(question.get("choices", [])) if not _moodle_grade(abs(w))]
            if odd:
                notes.append(
                    Note(
                        key,
                        N_(
                            "%(key)s: weight %(weight)s%% is not one of Moodle's grades; choose 'nearest "
                            "grade' when importing into Moodle"
                        ),
                        {"key": key, "weight": _percent(odd[0])},
                    )
                )
    return notes


def _question_gift(question: dict, language: str, order_note: str) -> str:
    """One question, its comment lines first."""
    key, kind = question.get("key"), question.get("kind")
    lines = []
    if question.get("message"):
        lines.append(f"// message: {question['message']}")
    if kind == "order":
        lines.append(f"{ORDER_MARK} {' '.join(order_note.split())}")
    head = f"::{_escape(str(key))}::[plain]{_escape(_language_text(question, 'prompt', language))}"
    explanation = question.get("explanation", {}).get(language, "")
    feedback = f"####{_answer_text(explanation)}" if explanation.strip() else ""
    if kind == "truefalse":
        if not isinstance(question.get("answer"), bool):
            raise ValueError(f"question {key!r}: a true/false question needs 'answer' true or false")
        lines.append(f"{head} {{{'TRUE' if question['answer'] else 'FALSE'}{feedback}}}")
        return "\n".join(lines)
    lines.append(head + " {")
    lines += [f"\t{prefix}{_answer_text(text)}" for prefix, text in _answers(question, language)]
    if feedback:
        lines.append(f"\t{feedback}")
    lines.append("}")
    return "\n".join(lines)


def _answers(question: dict, language: str) -> list[tuple[str, str]]:
    """(prefix, text) of each answer: `=`/`~` for one right answer, weights for several."""
    key, kind = question.get("key"), question.get("kind")
    choices = question.get("choices", [])
    texts = [_language_text(choice, "text", language, key) for choice in choices]
    if kind == "order":
        if len(texts) < 2:
            raise ValueError(f"question {key!r}: an ordering question needs at least two steps")
        right, wrong = ORDER_ARROW.join(texts), [ORDER_ARROW.join(order) for order in _other_orders(texts)]
        return [("=", right)] + [(_wrong_prefix(text), text) for text in wrong]
    right_count = sum(1 for choice in choices if choice.get("correct"))
    if kind == "single":
        if right_count != 1 or len(choices) < 2:
            raise ValueError(f"question {key!r}: a single-answer question needs one right choice and a wrong one")
        return [("=" if c.get("correct") else _wrong_prefix(t), t) for c, t in zip(choices, texts, strict=True)]
    if kind == "multiple":
        if right_count == 0 or right_count == len(choices):
            raise ValueError(f"question {key!r}: a multiple-answer question needs right and wrong choices")
        weights = _multiple_weights(choices)
        return [(f"~%{_percent(w)}%", t) for w, t in zip(weights, texts, strict=True)]
    raise ValueError(f"question {key!r}: unknown question kind {kind!r}")


def _multiple_weights(choices: list[dict]) -> list[float]:
    """Moodle weights matching the app's scoring: right choices share +100%, wrong ones -100%."""
    right = sum(1 for choice in choices if choice.get("correct"))
    wrong = len(choices) - right
    return [100 / right if choice.get("correct") else -100 / wrong for choice in choices]


def _moodle_grade(percent: float) -> bool:
    """Whether Moodle's import accepts this weight as it is (it allows 0.001% of slack)."""
    return any(abs(percent - grade) < 0.001 for grade in MOODLE_GRADES)


def _percent(value: float) -> str:
    """A weight as Moodle writes it: at most five decimals, no trailing zeros."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _other_orders(steps: list[str]) -> list[list[str]]:
    """Up to three wrong orders, always the same ones for the same steps, so that the files
    of two languages line up answer by answer."""
    last = len(steps) - 1
    candidates = [
        steps[::-1],
        [steps[1], steps[0], *steps[2:]],
        [*steps[:-2], steps[last], steps[last - 1]],
        [*steps[1:], steps[0]],
    ]
    orders: list[list[str]] = []
    for order in candidates:
        if order != steps and order not in orders:
            orders.append(order)
    return orders[:3]


def _wrong_prefix(text: str) -> str:
    """`~`, or `~%0%` when the text itself starts with "%" and would be read as a weight."""
    return "~%0%" if text.strip().startswith("%") else "~"


def _answer_text(text: str) -> str:
    """An escaped answer or feedback text; one starting with "[" gets its own `[plain]` so a
    text like "[html] tags" is not taken for a format tag."""
    escaped = _escape(text)
    return f"[plain]{escaped}" if escaped.lstrip().startswith("[") else escaped


def _escape(text: str) -> str:
    """GIFT's backslash escapes, and line breaks as `\\n` so a question stays one block."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _language_text(part: dict, name: str, language: str, key: str | None = None) -> str:
    """The text in `language`, or a ValueError that names the question."""
    texts = part.get(name) or {}
    text = texts.get(language) if isinstance(texts, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"question {key or part.get('key')!r}: no {name} in {language!r}")
    return text


# Import ---------------------------------------------------------------------------------


@dataclass
class GiftImport:
    """What `import_gift` read: the questions (texts in one language only) and the line each
    starts on, by key; the questions it left out on purpose (line, reason) and the malformed
    ones (line, problem)."""

    questions: list[dict] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    # What Moodle says that minequiz cannot keep (line, note); the question is imported.
    notes: list[tuple[int, str]] = field(default_factory=list)
    # The language our own export says the file is in, and the file's categories (line, name).
    language: str | None = None
    categories: list[tuple[int, str]] = field(default_factory=list)


class _Skip(Exception):
    """A well-formed question of a kind the app has not got."""


class _Malformed(Exception):
    """A question Moodle would refuse or misread."""


@dataclass
class _Block:
    line: int  # where the question text starts (1-based)
    text: str  # the question with comments removed, escapes replaced by placeholders
    message: str | None
    ordering: bool = False  # marked as one of our ordering questions


@dataclass
class _Answer:
    sign: str  # "=" or "~"
    weight: float | None  # percent; None when no %weight% was given
    text: str
    feedback: str


def import_gift(text: str, language: str, limit: int | None = None) -> GiftImport:
    """The single, multiple and true/false questions of a GIFT file, as lesson-document
    questions with texts for `language` only; reading stops after `limit` questions."""
    result = GiftImport()
    for number, line in enumerate(_lines(text), start=1):
        if line.strip().startswith(LANGUAGE_MARK):
            result.language = line.strip().removeprefix(LANGUAGE_MARK).strip() or None
        elif line.strip().startswith(CATEGORY):
            result.categories.append((number, line.strip().removeprefix(CATEGORY).strip()))
    taken: set[str] = set()
    for ordinal, block in enumerate(_blocks(text), start=1):
        if limit is not None and len(result.questions) >= limit:
            break
        notes: list[str] = []
        try:
            question, title = _read_question(block, language, notes)
        except _Skip as reason:
            result.skipped.append((block.line, str(reason)))
            continue
        except _Malformed as problem:
            result.problems.append((block.line, str(problem)))
            continue
        key = unique_key(_slug(title, QUESTION_KEY_LENGTH) or f"q{ordinal}", taken)
        result.questions.append({"key": key, **question})
        result.lines[key] = block.line
        result.notes += [(block.line, note) for note in notes]
    return result


def _lines(text: str) -> list[str]:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _blocks(text: str) -> list[_Block]:
    """The questions of the file: runs of non-blank lines, without comments and categories."""
    lines = _lines(text)
    blocks, current = [], []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            current.append((number, line.strip()))
        elif current:
            block = _block(current)
            if block:
                blocks.append(block)
            current = []
    return blocks


def _block(lines: list[tuple[int, str]]) -> _Block | None:
    """One question's lines, or None when they hold only comments and a category."""
    message, ordering, kept = None, False, []
    for number, line in lines:
        if line.startswith("//"):
            found = MESSAGE_COMMENT.match(line)
            if found and KEY.match(found.group(1)):
                message = found.group(1)
            ordering = ordering or line.startswith(ORDER_MARK)
        elif not (line.startswith(CATEGORY) and not kept):
            kept.append((number, line))
    if not kept:
        return None
    return _Block(kept[0][0], _protect("\n".join(line for _, line in kept)), message, ordering)


def _read_question(block: _Block, language: str, notes: list[str]) -> tuple[dict, str]:
    """The question and its title, or _Skip / _Malformed; adds to `notes` what is lost."""
    text, title = block.text, ""
    if text.startswith("::") and "::" in text[2:]:
        title, text = text[2:].split("::", 1)
        title, text = _restore(title).strip(), text.strip()
    elif text.startswith("::"):
        text = text[2:].strip()
    prompt, answers = _split_answers(text)
    if answers is None:
        raise _Skip(N_("description (text without answers) cannot be imported"))
    answers, general = _general_feedback(answers)
    prompt_format, prompt_text = _format_tag(prompt)
    prompt = _finish(prompt_text, prompt_format)
    if not prompt:
        raise _Malformed(N_("the question has no text"))
    if _kind(answers) == "truefalse":
        fields, feedback = _true_false(answers, prompt_format)
    else:
        fields, feedback = _multiple_choice(answers, prompt_format, language, notes)
        if block.ordering:
            fields = _ordering(fields, language)
    document = {"kind": fields.pop("kind")}
    if block.message:
        document["message"] = block.message
    document["prompt"] = {language: prompt}
    document["explanation"] = {language: _text(general, prompt_format) or feedback}
    return {**document, **fields}, title


def _split_answers(text: str) -> tuple[str, str | None]:
    """(prompt, answer text): the braces taken out, `_____` where they sat mid-sentence;
    answer text None when there are no braces."""
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        return text, None
    if start < 0 or end < 0 or end < start:
        raise _Malformed(N_("unclosed brace: a '{' needs its '}' (write \\{ or \\} for a brace in a text)"))
    before, answers, after = text[:start], text[start + 1 : end], text[end + 1 :]
    if "{" in after or "}" in after:
        raise _Malformed(
            N_(
                "more than one pair of braces: put an empty line between two questions "
                "(and write \\{ or \\} for a brace in a text)"
            )
        )
    prompt = f"{before}{BLANK}{after}" if after.strip() else before
    return prompt.strip(), answers.strip()


def _general_feedback(answers: str) -> tuple[str, str]:
    """(answers, general feedback): Moodle takes what follows the last `####`."""
    at = answers.rfind("####")
    if at < 0:
        return answers, ""
    return answers[:at].strip(), answers[at + 4 :]


def _kind(answers: str) -> str:
    """The question type, decided in the order Moodle's reader decides it."""
    if answers == "":
        raise _Skip(N_("essay questions cannot be imported: minequiz has no free-text answers"))
    if answers.startswith("#"):
        raise _Skip(N_("numeric questions cannot be imported: minequiz has no number answers"))
    if "~" in answers:
        return "choice"
    if "=" in answers and "->" in answers:
        raise _Skip(N_("matching questions cannot be imported: minequiz has no matching questions"))
    if answers.split("#", 1)[0].strip() in ("T", "TRUE", "F", "FALSE"):
        return "truefalse"
    raise _Skip(N_("short answer questions cannot be imported: minequiz has no typed answers"))


def _true_false(answers: str, text_format: str) -> tuple[dict, str]:
    """(fields, right-answer feedback) of `{T#feedback when wrong#feedback when right}`,
    split as Moodle splits it."""
    parts = answers.split("#", 2) + ["", ""]
    fields = {"kind": "truefalse", "answer": parts[0].strip() in ("T", "TRUE"), "choices": []}
    return fields, _text(parts[2], text_format)


def _multiple_choice(answers: str, text_format: str, language: str, notes: list[str]) -> tuple[dict, str]:
    """(fields, right answers' feedback) of a single or multiple question read from
    `=right ~wrong ~%50%weighted` answers; adds to `notes` what minequiz cannot keep."""
    parsed = [_answer(part, text_format) for part in _answer_parts(answers)]
    if len(parsed) < 2:
        raise _Malformed(N_("a multiple-choice question needs at least two answers"))
    if any(not answer.text for answer in parsed):
        raise _Malformed(N_("an answer has no text"))
    if any(answer.weight is not None and abs(answer.weight) > 100 for answer in parsed):
        raise _Malformed(N_("a weight must be between -100% and 100%"))
    equals = sum(1 for answer in parsed if answer.sign == "=")
    if equals > 1:
        raise _Malformed(N_("a single-answer question has more than one right answer (=)"))
    if equals == 1:
        kind, right = "single", [answer.sign == "=" for answer in parsed]
    else:
        right = [(answer.weight or 0) > 0 for answer in parsed]
        if not any(right):
            raise _Malformed(N_("the multiple-choice question has no right answer (no '=' and no positive %weight%)"))
        lone = sum(right) == 1 and abs(max(answer.weight or 0 for answer in parsed) - 100) < 1e-6
        kind = "single" if lone and all((answer.weight or 0) >= 0 for answer in parsed) else "multiple"
        if kind == "multiple" and all(right):
            raise _Malformed(N_("every answer is right: a multiple-answer question needs a wrong answer too"))
    positive = {round(answer.weight or 0, 3) for answer, correct in zip(parsed, right, strict=True) if correct}
    if kind == "single" and any(not correct and (a.weight or 0) > 0 for a, correct in zip(parsed, right, strict=True)):
        notes.append(N_("answers worth part of the mark count as wrong: minequiz has one right answer here"))
    elif kind == "multiple" and len(positive) > 1:
        notes.append(N_("the right answers had different weights: minequiz counts each right answer the same"))
    if sum(1 for answer in parsed if answer.feedback) > (1 if kind == "single" else sum(right)) or any(
        a.feedback for a, correct in zip(parsed, right, strict=True) if not correct
    ):
        notes.append(N_("feedback on each answer is not kept: minequiz shows one explanation after the answer"))
    taken: set[str] = set()
    choices = []
    for index, (answer, correct) in enumerate(zip(parsed, right, strict=True)):
        key = unique_key(_slug(answer.text, CHOICE_KEY_LENGTH) or _letter(index), taken)
        choices.append({"key": key, "correct": correct, "text": {language: answer.text}})
    feedback = " ".join(a.feedback for a, correct in zip(parsed, right, strict=True) if correct and a.feedback)
    return {"kind": kind, "choices": choices}, feedback


def _ordering(fields: dict, language: str) -> dict:
    """Our own export of an ordering question back as one: the right answer's steps, when
    it is a single-answer question whose right answer has at least two steps."""
    right = [choice["text"][language] for choice in fields["choices"] if choice["correct"]]
    steps = [step.strip() for step in right[0].split(ORDER_ARROW.strip())] if fields["kind"] == "single" else []
    if len(steps) < 2 or not all(steps):
        return fields
    taken: set[str] = set()
    choices = [
        {"key": unique_key(_slug(step, CHOICE_KEY_LENGTH) or _letter(index), taken), "text": {language: step}}
        for index, step in enumerate(steps)
    ]
    return {"kind": "order", "choices": choices}


def _answer_parts(answers: str) -> list[str]:
    """The answers, each starting with its `=` or `~`; text before the first one (which
    Moodle reads as a wrong answer) is kept as one."""
    parts = re.split(r"(?=[=~])", answers)
    return [part.strip() for part in parts if part.strip()]


def _answer(part: str, text_format: str) -> _Answer:
    """One answer: sign, optional %weight% (after `~` only, as in Moodle), text, feedback."""
    sign, rest = (part[0], part[1:]) if part[0] in "=~" else ("~", part)
    weight = None
    found = re.match(r"\s*%(-?\d+(?:\.\d*)?)%", rest) if sign == "~" else None
    if found:
        weight, rest = float(found.group(1)), rest[found.end() :]
    text, _, feedback = rest.partition("#")
    return _Answer(sign, weight, _text(text, text_format), _text(feedback, text_format))


# Texts ----------------------------------------------------------------------------------

# Escaped characters are swapped for private-use characters while the structure is read.
_ESCAPES = {char: chr(0xE000 + index) for index, char in enumerate("\\~=#{}:n")}
_RESTORE = {placeholder: ("\n" if char == "n" else char) for char, placeholder in _ESCAPES.items()}


def _protect(text: str) -> str:
    """Escapes (`\\~ \\= \\# \\{ \\} \\: \\n \\\\`) to placeholders, read left to right."""
    return re.sub(r"\\([\\~=#{}:n])", lambda found: _ESCAPES[found.group(1)], text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(char, char) for char in text)


def _format_tag(text: str, default: str = "moodle") -> tuple[str, str]:
    """(format, text without its leading `[format]` tag)."""
    text = text.strip()
    found = re.match(r"\[(\w+)\]", text)
    if found and found.group(1).lower() in FORMATS:
        return found.group(1).lower(), text[found.end() :]
    return default, text


def _text(raw: str, default_format: str) -> str:
    """An answer or feedback text: its own format tag, else the question's, applied."""
    text_format, text = _format_tag(raw, default_format)
    return _finish(text, text_format)


def _finish(text: str, text_format: str) -> str:
    """The final text: escapes undone, HTML made plain, ends trimmed."""
    text = _restore(text)
    if text_format == "html":
        text = _html_to_text(text)
    return text.strip()


class _TextFromHtml(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks for <br> and block ends."""

    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BREAKS and tag != "br":
            self.parts.append("\n")


def _html_to_text(text: str) -> str:
    parser = _TextFromHtml()
    parser.feed(text)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return html.unescape("\n".join(line for line in lines if line))


# Keys -----------------------------------------------------------------------------------

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "œ": "oe", "đ": "d", "ł": "l", "þ": "th"})


def _slug(text: str, limit: int) -> str:
    """Lower-case ASCII words joined by "-", cut at a word end within `limit` characters."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.replace("'", ""))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "")


def _letter(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"c{index + 1}"


def unique_key(key: str, taken: set[str]) -> str:
    """`key`, or `key-2`, `key-3`, ... the first not yet taken; remembers it."""
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = f"{key}-{number}"
    taken.add(candidate)
    return candidate
