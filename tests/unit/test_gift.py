"""GIFT export and import: round trips, Moodle's syntax, an independent parser, and a
hand-written Moodle file with the kinds minequiz cannot import."""

import builtins
import gettext
import io
import tomllib
import warnings
from pathlib import Path

import pytest

from minequiz.services.gift import ORDER_ARROW, GiftImport, export_gift, export_notes, import_gift

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "moodle_sample.gift"
LESSONS = sorted((ROOT / "minequiz" / "content" / "lessons").glob("*.toml"))

SPECIAL = "~ = # { } : \\ and a\nsecond line"


def texts(nb: str, en: str) -> dict:
    return {"nb": nb, "en": en}


def choice(key: str, nb: str, en: str, correct: bool | None = None) -> dict:
    item = {"key": key, "text": texts(nb, en)}
    if correct is not None:
        item["correct"] = correct
    return item


QUESTIONS = [
    {
        "key": "shiny-object",
        "kind": "single",
        "message": "do-not-touch",
        "prompt": texts(f"Blank gjenstand på stien – hva gjør du? {SPECIAL}", f"A shiny object: what now? {SPECIAL}"),
        "explanation": texts(f"La den ligge. Særlig nær ødelagte hus {SPECIAL}", f"Leave it {{always}} {SPECIAL}"),
        "choices": [
            choice("pick-up", "Plukk den opp {nå}", "Pick it up {now}", False),
            choice("leave", "La den ligge = trygt ~ #1: bra", "Leave it = safe ~ #1: good", True),
            choice("percent", "%50% av tiden", "%50% of the time", False),
            choice("bracket", "[html] er ikke et svar", "[html] is not an answer", False),
        ],
    },
    {
        "key": "many-shapes",
        "kind": "multiple",
        "message": "recognise",
        "prompt": texts("Hva er sant om miner? Æ Ø Å", "Which are true about mines?"),
        "explanation": texts("De har mange former.", "They come in many shapes."),
        "choices": [
            choice("like-toys", "Noen ligner leker.", "Some look like toys.", True),
            choice("rusty", "De kan være rustne: ja!", "They can be rusty: yes!", True),
            choice("scrap", "De ligner skrapmetall.", "They look like scrap.", True),
            choice("always-big", "De er alltid store.", "They are always big.", False),
        ],
    },
    {
        "key": "one-right-box",
        "kind": "multiple",
        "prompt": texts("Kryss av det som er trygt.", "Tick what is safe."),
        "explanation": texts("Bare én ting er trygg.", "Only one thing is safe."),
        "choices": [
            choice("tell", "Si fra til en voksen", "Tell an adult", True),
            choice("touch", "Ta på den", "Touch it", False),
            choice("kick", "Spark den", "Kick it", False),
        ],
    },
    {
        "key": "old-rusty-shell",
        "kind": "truefalse",
        "message": "recognise",
        "prompt": texts("En gammel granat er trygg.", "An old shell is safe."),
        "explanation": texts("Usant: rust gjør den ikke trygg.", "False: rust does not make it safe."),
        "answer": False,
    },
    {
        "key": "signs-are-real",
        "kind": "truefalse",
        "prompt": texts("Røde skilt betyr fare.", "Red signs mean danger."),
        "explanation": texts("", ""),
        "answer": True,
    },
    {
        "key": "steps-in-order",
        "kind": "order",
        "message": "step-back",
        "prompt": texts("Sett stegene i riktig rekkefølge.", "Put the steps in the right order."),
        "explanation": texts("Stopp først.", "Stop first."),
        "choices": [
            choice("stop", "Stopp", "Stop"),
            choice("go-back", "Gå tilbake", "Go back"),
            choice("mark", "Merk stedet", "Mark the place"),
            choice("report", "Si fra", "Report it"),
        ],
    },
]


def assert_same(original: dict, back: dict, language: str):
    """The imported question says what the exported one said, in `language`."""
    assert back["key"] == original["key"]
    assert back["kind"] == original["kind"]
    assert back.get("message") == original.get("message")
    assert back["prompt"] == {language: original["prompt"][language]}
    assert back["explanation"] == {language: original["explanation"][language]}
    if original["kind"] == "truefalse":
        assert back["answer"] is original["answer"]
    elif original["kind"] == "order":
        assert [c["text"][language] for c in back["choices"]] == [c["text"][language] for c in original["choices"]]
        assert all("correct" not in c for c in back["choices"])
    else:
        assert [c["text"][language] for c in back["choices"]] == [c["text"][language] for c in original["choices"]]
        assert [c["correct"] for c in back["choices"]] == [c["correct"] for c in original["choices"]]


def line_of(text: str, start: str) -> int:
    """The 1-based number of the line that starts with `start`."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


# Round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "en"])
def test_round_trip_keeps_kinds_keys_messages_texts_and_right_answers(language):
    result = import_gift(export_gift(QUESTIONS, language), language)

    assert result.skipped == [] and result.problems == []
    assert len(result.questions) == len(QUESTIONS)
    for original, back in zip(QUESTIONS, result.questions, strict=True):
        assert_same(original, back, language)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_built_in_lessons_round_trip(language):
    questions = [q for path in LESSONS for q in tomllib.loads(path.read_text("utf-8"))["questions"]]
    # Keys are unique within a lesson; one file per lesson is what the caller writes.
    for path in LESSONS:
        lesson = tomllib.loads(path.read_text("utf-8"))["questions"]
        result = import_gift(export_gift(lesson, language), language)
        assert result.problems == [] and result.skipped == []
        for original, back in zip(lesson, result.questions, strict=True):
            assert_same(original, back, language)
    assert {q["kind"] for q in questions} == {"single", "multiple", "truefalse", "order"}


def test_two_language_files_pair_by_key_and_choice_position():
    nb = import_gift(export_gift(QUESTIONS, "nb"), "nb").questions
    en = import_gift(export_gift(QUESTIONS, "en"), "en").questions

    assert [q["key"] for q in nb] == [q["key"] for q in en]
    for one, other in zip(nb, en, strict=True):
        assert one["kind"] == other["kind"]
        assert [c.get("correct") for c in one["choices"]] == [c.get("correct") for c in other["choices"]]


# Export syntax --------------------------------------------------------------------------


def test_export_escapes_special_characters_and_line_breaks():
    text = export_gift(QUESTIONS[:1], "en")

    assert "what now? \\~ \\= \\# \\{ \\} \\: \\\\ and a\\nsecond line {" in text
    assert "\t~Pick it up \\{now\\}" in text
    assert "\t=Leave it \\= safe \\~ \\#1\\: good" in text
    assert "\t####Leave it \\{always\\} \\~" in text
    # A text starting with a weight or a format tag is protected from being read as one.
    assert "\t~%0%%50% of the time" in text
    assert "\t~[plain][html] is not an answer" in text
    assert not any(line.startswith("second line") for line in text.splitlines())  # no raw line break


def test_export_writes_titles_message_comments_plain_format_and_category():
    text = export_gift(QUESTIONS, "en", category="$course$/Mine safety")
    lines = text.splitlines()

    assert lines[0] == "// minequiz:language en"
    assert lines[2] == "$CATEGORY: $course$/Mine safety"
    assert lines[3] == ""
    assert lines[4] == "// message: do-not-touch"
    assert lines[5].startswith("::shiny-object::[plain]A shiny object")
    assert "::one-right-box::[plain]Tick what is safe. {" in lines
    assert lines[lines.index("::one-right-box::[plain]Tick what is safe. {") - 1] == ""  # no message, no comment


def test_export_multiple_answer_weights_follow_the_app_scoring():
    text = export_gift(QUESTIONS, "en")

    assert "\t~%33.33333%Some look like toys." in text
    assert "\t~%-100%They are always big." in text
    assert "\t~%100%Tell an adult" in text
    assert "\t~%-50%Touch it" in text


def test_export_true_false_with_general_feedback():
    text = export_gift(QUESTIONS, "en")

    assert "::old-rusty-shell::[plain]An old shell is safe. {FALSE####False\\: rust does not make it safe.}" in text
    assert "::signs-are-real::[plain]Red signs mean danger. {TRUE}" in text


def test_ordering_question_is_exported_as_single_answer_with_a_note():
    order = QUESTIONS[-1]
    text = export_gift([order], "en")

    assert "// minequiz:order ordering question exported as a single-answer question" in text
    assert "\t=Stop → Go back → Mark the place → Report it" in text
    assert "\t~Report it → Mark the place → Go back → Stop" in text
    assert text.count("\t~") == 3
    assert [str(note) for note in export_notes(QUESTIONS)] == [
        "steps-in-order: ordering question exported as a single-answer question (GIFT has no ordering "
        "questions); the right answer is the steps in order joined by ' → '"
    ]


def test_order_note_is_written_in_the_language_given():
    text = export_gift([QUESTIONS[-1]], "nb", order_note="rekkefølge som ett svar")

    assert "// minequiz:order rekkefølge som ett svar\n" in text
    assert import_gift(text, "nb").questions[0]["kind"] == "order"


def test_without_the_order_mark_our_ordering_export_reads_as_single_answer():
    text = export_gift([QUESTIONS[-1]], "en").replace("// minequiz:order", "// edited in Moodle:")

    back = import_gift(text, "en").questions[0]

    assert back["kind"] == "single"
    assert [c["correct"] for c in back["choices"]] == [True, False, False, False]
    assert back["choices"][0]["text"] == {"en": ORDER_ARROW.join(["Stop", "Go back", "Mark the place", "Report it"])}


def test_two_step_ordering_question_has_one_wrong_order():
    order = {**QUESTIONS[-1], "choices": QUESTIONS[-1]["choices"][:2]}

    text = export_gift([order], "en")

    assert "\t=Stop → Go back\n\t~Go back → Stop\n\t####Stop first.\n}" in text


def test_notes_warn_about_weights_moodle_does_not_accept():
    many = {
        "key": "many-right",
        "kind": "multiple",
        "choices": [{"key": f"c{n}", "correct": n < 11} for n in range(12)],
    }

    notes = export_notes([many])

    assert [str(note) for note in notes] == [
        "many-right: weight 9.09091% is not one of Moodle's grades; choose 'nearest grade' when importing into Moodle"
    ]
    assert notes[0].key == "many-right" and notes[0].values["weight"] == "9.09091"


def test_export_refuses_a_question_without_text_in_the_language():
    question = {**QUESTIONS[3], "prompt": {"nb": "Bare norsk."}}

    with pytest.raises(ValueError, match="old-rusty-shell.*prompt.*'en'"):
        export_gift([question], "en")


# An independent parser ------------------------------------------------------------------


@pytest.fixture
def giftparser():
    """pygiftparser, imported here because importing it puts `_` into builtins, switches
    gettext's global domain and warns about deprecated APIs: undone and silenced."""
    had_underscore, underscore = hasattr(builtins, "_"), getattr(builtins, "_", None)
    domain = gettext.textdomain()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pygiftparser import parser, utils
    if had_underscore:
        builtins._ = underscore
    elif hasattr(builtins, "_"):
        del builtins._
    gettext.textdomain(domain)
    return parser, utils


def test_pygiftparser_reads_our_export(giftparser):
    parser, utils = giftparser
    # pygiftparser stops an answer block at an escaped "\}" (its regular expression lets
    # the last character before "}" be a backslash), so braces appear in prompts only here.
    first = QUESTIONS[0] | {
        "prompt": texts("", "Braces {x} ~ = # : æøå and a\nsecond line"),
        "explanation": texts("", "Leave it: always ~ = # {."),
        "choices": QUESTIONS[0]["choices"][1:3],
    }
    questions = [first, *QUESTIONS[1:]]
    text = export_gift(questions, "en", category="$course$/Mines")

    parsed = parser.parseFile(io.StringIO(text))

    def plain(value: str) -> str:
        return utils.transformSpecials(value)

    assert [q.title for q in parsed] == [q["key"] for q in questions]
    assert all(q.valid and q.markup == "plain" and q.cat == "$course$/Mines" for q in parsed)
    assert [plain(q.text) for q in parsed] == [q["prompt"]["en"] for q in questions]
    assert [plain(q.generalFeedback) for q in parsed] == [q["explanation"]["en"] for q in questions]

    single, multiple, one_box, false, true, order = parsed
    assert type(single.answers).__name__ == "SelectSet"
    assert [(plain(a.answer), a.fraction) for a in single.answers.answers] == [
        ("Leave it = safe ~ #1: good", 100),
        ("%50% of the time", 0),
    ]
    assert type(multiple.answers).__name__ == "MultipleChoicesSet"
    assert [a.fraction for a in multiple.answers.answers] == [33.33333, 33.33333, 33.33333, -100]
    assert [plain(a.answer) for a in multiple.answers.answers][1] == "They can be rusty: yes!"
    assert [a.fraction for a in one_box.answers.answers] == [100, -50, -50]
    assert type(false.answers).__name__ == "TrueFalseSet" and false.answers.answer is False
    assert true.answers.answer is True
    right = [a.answer for a in order.answers.answers if a.fraction > 0]
    assert right == ["Stop → Go back → Mark the place → Report it"]
    assert len(order.answers.answers) == 4


# Import of a hand-written Moodle file ---------------------------------------------------


@pytest.fixture
def sample() -> str:
    return SAMPLE.read_text("utf-8")


def test_moodle_sample_questions(sample):
    result = import_gift(sample, "en")
    by_key = {q["key"]: q for q in result.questions}

    assert list(by_key) == [
        "shiny-object",
        "warning-signs",
        "old-is-safe",
        "q4",
        "escapes",
        "missing-word",
        "weighted-single",
    ]
    shiny = by_key["shiny-object"]
    assert shiny["kind"] == "single" and shiny["message"] == "do-not-touch"
    assert shiny["prompt"] == {"en": "You see a shiny object in the grass. What do you do?"}
    assert shiny["explanation"] == {"en": "Right: leave it, then tell an adult."}
    assert [(c["key"], c["correct"]) for c in shiny["choices"]] == [
        ("pick-it-up", False),
        ("leave-it-and-tell-an-adult", True),
        ("call-your-friends", False),
    ]

    signs = by_key["warning-signs"]
    assert signs["kind"] == "multiple" and "message" not in signs
    assert signs["prompt"] == {"en": "Which of these can mark\ndangerous ground?"}
    assert signs["explanation"] == {"en": "Red signs and tape mark dangerous ground."}
    assert [c["correct"] for c in signs["choices"]] == [True, True, False]

    old = by_key["old-is-safe"]
    assert old["kind"] == "truefalse" and old["answer"] is False and old["choices"] == []
    assert old["explanation"] == {"en": "Right, old shells are still deadly."}
    assert by_key["q4"]["answer"] is True and by_key["q4"]["explanation"] == {"en": ""}

    escapes = by_key["escapes"]
    assert escapes["prompt"] == {"en": "Which sign is written {} in GIFT = a\nreal brace?"}
    assert [c["text"]["en"] for c in escapes["choices"]] == ["Braces { }", "Equals =", "Tilde ~", "Hash # and colon :"]

    missing = by_key["missing-word"]
    assert missing["prompt"] == {"en": "Mines are _____ for many years."}
    assert [c["key"] for c in missing["choices"] if c["correct"]] == ["dangerous"]

    weighted = by_key["weighted-single"]
    assert weighted["kind"] == "single" and weighted["prompt"] == {"en": "Who clears mines?"}
    assert [c["correct"] for c in weighted["choices"]] == [True, False, False]


def test_moodle_sample_skips_kinds_minequiz_has_not_got(sample):
    result = import_gift(sample, "en")

    assert result.skipped == [
        (line_of(sample, "::Essay::"), "essay questions cannot be imported: minequiz has no free-text answers"),
        (line_of(sample, "::Numeric::"), "numeric questions cannot be imported: minequiz has no number answers"),
        (line_of(sample, "::Matching::"), "matching questions cannot be imported: minequiz has no matching questions"),
        (
            line_of(sample, "::Short answer::"),
            "short answer questions cannot be imported: minequiz has no typed answers",
        ),
        (line_of(sample, "::Introduction::"), "description (text without answers) cannot be imported"),
    ]


def test_moodle_sample_reports_malformed_questions(sample):
    result = import_gift(sample, "en")

    assert [line for line, _ in result.problems] == [
        line_of(sample, "::Unclosed::"),
        line_of(sample, "::No right answer::"),
        line_of(sample, "::Two right answers::"),
    ]
    unclosed, no_right, two_right = (message for _, message in result.problems)
    assert "unclosed brace" in unclosed
    assert "no right answer" in no_right
    assert "more than one right answer" in two_right


def test_windows_line_endings_and_byte_order_mark_read_the_same(sample):
    windows = "\ufeff" + sample.replace("\n", "\r\n")

    assert import_gift(windows, "nb") == import_gift(sample, "nb")


# Keys -----------------------------------------------------------------------------------


def test_keys_come_from_titles_else_from_place_and_are_unique():
    text = "\n\n".join(
        [
            "::Særlig Ærlig Øvelse på Å::Spørsmål?{=ja ~nei}",
            "::Særlig ærlig øvelse på å::Igjen?{=ja ~nei}",
            "::!!!::Uten tittel?{=æøå ~«»}",
            "::q4::Tittel q4?{T}",
            "Fjerde?{F}",
        ]
    )

    result = import_gift(text, "nb")

    assert [q["key"] for q in result.questions] == [
        "saerlig-aerlig-ovelse-pa-a",
        "saerlig-aerlig-ovelse-pa-a-2",
        "q3",
        "q4",
        "q5",
    ]
    assert [c["key"] for c in result.questions[2]["choices"]] == ["aeoa", "b"]


def test_choice_keys_are_short_and_unique():
    long = "A very long answer text that goes on and on about mines and safety"
    result = import_gift(f"Pick?{{={long} ~{long} ~\\#\\#}}", "en")

    assert [c["key"] for c in result.questions[0]["choices"]] == [
        "a-very-long-answer-text-that-goes-on-and",
        "a-very-long-answer-text-that-goes-on-and-2",
        "c",
    ]


def test_html_answers_and_feedback_are_made_plain():
    text = "::H::[html]<p>Pick &amp; choose<br>one</p>{=<b>Yes</b>#<i>Good</i> ~No}"

    question = import_gift(text, "en").questions[0]

    assert question["prompt"] == {"en": "Pick & choose\none"}
    assert question["choices"][0]["text"] == {"en": "Yes"}
    assert question["explanation"] == {"en": "Good"}


def test_import_result_is_a_dataclass_with_empty_lists():
    assert import_gift("// only a comment\n\n$CATEGORY: $course$/x\n", "en") == GiftImport(
        categories=[(3, "$course$/x")]
    )


def test_import_notes_what_minequiz_cannot_keep_and_refuses_impossible_weights():
    text = "\n\n".join(
        [
            "::Partial::Who?{=Deminers ~%50%Police ~Children}",
            "::Unequal::Which?{~%70%A ~%30%B ~%-100%C}",
            "::Feedback::Pick.{=Yes#Good ~No#Bad}",
            "::Equal::Which?{~%50%A ~%50%B ~%-100%C}",
            "::Too much::Pick.{~%150%A ~B}",
        ]
    )
    result = import_gift(text, "en")

    assert [line for line, _ in result.notes] == [1, 3, 5]
    assert "part of the mark" in result.notes[0][1] and "different weights" in result.notes[1][1]
    assert "feedback on each answer" in result.notes[2][1]
    assert result.problems == [(9, "a weight must be between -100% and 100%")]


def test_the_file_says_its_language_and_categories():
    text = export_gift(QUESTIONS[:1], "nb", category="$course$/minequiz/x")

    result = import_gift(text, "en")

    assert result.language == "nb" and result.categories == [(3, "$course$/minequiz/x")]
