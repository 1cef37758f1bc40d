"""The studio's GIFT files: export per language, import into a lesson's draft, every way an
import can be refused, and what an editor reads in Norwegian."""

import io
import re
from pathlib import Path

import pytest

from minequiz.extensions import db
from minequiz.models import Lesson, LessonChange
from minequiz.services import gift
from tests.factories import FORM_TOKEN, REVISION, new_lesson, publish

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "moodle_sample.gift"
MALFORMED = ("::Unclosed::", "::No right answer::", "::Two right answers::")


def lesson_id_of(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Lesson.id).where(Lesson.slug == slug))


def draft(app, lesson_id: int) -> dict:
    with app.app_context():
        from minequiz.services import studio

        return studio.working_document(db.session.get(Lesson, lesson_id))


def revision(app, lesson_id: int) -> int:
    with app.app_context():
        return db.session.get(Lesson, lesson_id).revision


def changes(app, lesson_id: int) -> int:
    with app.app_context():
        query = db.select(db.func.count()).select_from(LessonChange).where(LessonChange.lesson_id == lesson_id)
        return db.session.scalar(query)


def import_gift(editor, lesson_id: int, text: str | bytes | None, language: str | None, lang="en", **extra):
    page = editor.get(f"/{lang}/studio/lessons/{lesson_id}").get_data(as_text=True)
    data = {"csrf_token": FORM_TOKEN.search(page).group(1), "revision": REVISION.search(page).group(1), **extra}
    if language is not None:
        data["language"] = language
    if text is not None:
        raw = text.encode("utf-8") if isinstance(text, str) else text
        data["file"] = (io.BytesIO(raw), "questions.gift")
    return editor.post(f"/{lang}/studio/lessons/{lesson_id}/gift", data=data, content_type="multipart/form-data")


def without_categories(text: str) -> str:
    """A file to bring another lesson's questions into this one."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("$CATEGORY:"))


def without_malformed(text: str) -> str:
    blocks = text.split("\n\n")
    return "\n\n".join(block for block in blocks if not any(title in block for title in MALFORMED))


def test_lesson_page_offers_a_gift_file_per_language_and_says_what_changes(editor):
    page = editor.get("/en/studio/lessons/3").get_data(as_text=True)
    assert "Questions in Norwegian Bokmål (GIFT)" in page and "Questions in English (GIFT)" in page
    assert "ordering question exported as a single-answer question" in page
    norwegian = editor.get("/nb/studio/lessons/3").get_data(as_text=True)
    assert "Spørsmål på engelsk (GIFT)" in norwegian
    assert "ordering question" not in norwegian and "rekkefølge" in norwegian


@pytest.mark.parametrize("language", ["nb", "en"])
def test_exported_file_holds_every_question_in_its_language(app, editor, language):
    lesson_id = lesson_id_of(app, "if-you-find-something")
    response = editor.get(f"/en/studio/lessons/{lesson_id}/gift/{language}")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="if-you-find-something-{language}.gift.txt"'
    )
    text = response.get_data(as_text=True)
    assert text.startswith(f"// minequiz:language {language}\n\n$CATEGORY: $course$/minequiz/if-you-find-something\n")
    result = gift.import_gift(text, language)
    document = draft(app, lesson_id)
    assert result.problems == [] and result.skipped == []
    assert [q["key"] for q in result.questions] == [q["key"] for q in document["questions"]]
    assert [q["prompt"][language] for q in result.questions] == [q["prompt"][language] for q in document["questions"]]
    assert "order" in {q["kind"] for q in result.questions}


def test_norwegian_file_has_its_note_in_norwegian(app, editor):
    text = editor.get(f"/en/studio/lessons/{lesson_id_of(app, 'if-you-find-something')}/gift/nb").get_data(as_text=True)
    note = next(line for line in text.splitlines() if line.startswith(gift.ORDER_MARK))
    assert "rekkefølge" in note and "ordering" not in note


def test_all_lessons_file_has_a_category_per_lesson(app, editor):
    text = editor.get("/en/studio/gift/en").get_data(as_text=True)
    categories = [line for line in text.splitlines() if line.startswith("$CATEGORY:")]
    assert len(categories) == 6
    assert len(gift.import_gift(text, "en").questions) == 37


def test_unknown_language_file_is_404_in_the_page_language(editor):
    response = editor.get("/nb/studio/gift/de")
    assert response.status_code == 404
    assert "Det finnes ikke noe slikt språk her." in response.get_data(as_text=True)


def test_both_language_files_imported_into_a_new_lesson_give_the_same_questions(app, editor):
    source = lesson_id_of(app, "if-you-find-something")
    files = {
        language: without_categories(editor.get(f"/en/studio/lessons/{source}/gift/{language}").get_data(as_text=True))
        for language in ("nb", "en")
    }
    target = new_lesson(editor)

    first = import_gift(editor, target, files["nb"], "nb")
    assert first.status_code == 200
    assert "New questions:" in first.get_data(as_text=True)
    assert "missing in English" in editor.get(f"/en/studio/lessons/{target}").get_data(as_text=True)
    second = import_gift(editor, target, files["en"], "en")
    assert second.status_code == 200
    assert "Questions with new texts in this language:" in second.get_data(as_text=True)

    original, imported = draft(app, source)["questions"], draft(app, target)["questions"]
    assert len(imported) == len(original)
    for old, new in zip(original, imported, strict=True):
        assert (new["key"], new["kind"], new.get("message")) == (old["key"], old["kind"], old.get("message"))
        assert new["prompt"] == old["prompt"] and new["explanation"] == old["explanation"]
        assert [c["text"] for c in new["choices"]] == [c["text"] for c in old["choices"]]
        assert [c.get("correct") for c in new["choices"]] == [c.get("correct") for c in old["choices"]]
        assert new.get("answer") == old.get("answer")
    assert "missing in" not in editor.get(f"/en/studio/lessons/{target}").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(db.select(LessonChange.detail).where(LessonChange.action == "imported-gift"))
        assert sorted(actions) == ["en", "nb"]


def test_a_file_in_one_language_updates_that_language_only(app, editor):
    lesson_id = lesson_id_of(app, "if-you-find-something")
    before = draft(app, lesson_id)["questions"][0]
    text = editor.get(f"/en/studio/lessons/{lesson_id}/gift/en").get_data(as_text=True)
    head = next(line for line in gift.export_gift([before], "en").splitlines() if line.startswith("::"))
    first_prompt = head.split("[plain]", 1)[1].rstrip(" {")
    edited = text.replace(first_prompt, "Edited in Moodle: what do you do?", 1)

    response = import_gift(editor, lesson_id, edited, "en")

    assert response.status_code == 200
    after = draft(app, lesson_id)["questions"][0]
    assert after["prompt"] == {"nb": before["prompt"]["nb"], "en": "Edited in Moodle: what do you do?"}
    assert after["choices"] == before["choices"]
    assert "Published; changed since" in editor.get("/en/studio/").get_data(as_text=True)


def test_a_question_with_new_answers_keeps_its_other_language_question_text(app, editor):
    lesson_id = lesson_id_of(app, "what-they-look-like")
    before = next(q for q in draft(app, lesson_id)["questions"] if q["kind"] == "single")
    text = f"::{before['key']}::Which one is safe?{{=Leave it ~Touch it ~Kick it ~Burn it ~Sell it ~Keep it}}"

    response = import_gift(editor, lesson_id, text, "en")

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "translate their choices again" in page
    after = next(q for q in draft(app, lesson_id)["questions"] if q["key"] == before["key"])
    assert after["prompt"] == {"nb": before["prompt"]["nb"], "en": "Which one is safe?"}
    assert [c["text"] for c in after["choices"]][:2] == [{"nb": "", "en": "Leave it"}, {"nb": "", "en": "Touch it"}]
    assert "Choice 1 is missing in Norwegian Bokmål" in publish(editor, lesson_id).get_data(as_text=True)


def test_moodle_file_with_malformed_questions_changes_nothing_and_names_each_line(app, editor):
    lesson_id = new_lesson(editor)
    text = SAMPLE.read_text("utf-8")
    lines = {title: text[: text.index(title)].count("\n") + 1 for title in MALFORMED}
    revision_before, changes_before = draft(app, lesson_id), changes(app, lesson_id)

    response = import_gift(editor, lesson_id, text, "en")

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported" in page
    for title, line in lines.items():
        assert f"Line {line}:" in page, title
    assert "unclosed brace" in page and "no right answer" in page and "more than one right answer" in page
    assert draft(app, lesson_id) == revision_before and changes(app, lesson_id) == changes_before


def test_moodle_file_imports_what_it_can_and_lists_what_it_left_out(app, editor):
    lesson_id = new_lesson(editor)
    text = without_malformed(SAMPLE.read_text("utf-8"))
    essay_line = text[: text.index("::Essay::")].count("\n") + 1

    response = import_gift(editor, lesson_id, text, "en")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Line {essay_line}: essay questions cannot be imported" in page
    assert "matching questions cannot be imported" in page and "description (text without answers)" in page
    questions = draft(app, lesson_id)["questions"]
    assert [q["key"] for q in questions][:2] == ["shiny-object", "warning-signs"]
    assert questions[0]["message"] == "do-not-touch" and questions[0]["prompt"]["nb"] == ""
    refused = publish(editor, lesson_id).get_data(as_text=True)
    assert "The question is missing in Norwegian Bokmål" in refused


def test_norwegian_editor_reads_problems_and_skipped_questions_in_norwegian(app, editor):
    lesson_id = new_lesson(editor)
    refused = import_gift(editor, lesson_id, SAMPLE.read_text("utf-8"), "en", lang="nb").get_data(as_text=True)
    assert "Ingenting ble importert" in refused and "Linje" in refused
    assert "unclosed brace" not in refused and "klammeparentes" in refused
    taken = import_gift(editor, lesson_id, without_malformed(SAMPLE.read_text("utf-8")), "en", lang="nb")
    page = taken.get_data(as_text=True)
    assert taken.status_code == 200
    assert "essayspørsmål kan ikke importeres" in page and "cannot be imported" not in page
    assert "Spørsmål som ikke ble importert" in page


@pytest.mark.parametrize(
    ("text", "language", "status", "message"),
    [
        (None, "en", 422, "Choose a file to import."),
        ("Q?{=a ~b}", None, 422, "Choose the language the file is written in."),
        ("Q?{=a ~b}", "de", 422, "Choose the language the file is written in."),
        (b"\xff\xfe\x00Q", "en", 422, "This file is not text in UTF-8."),
        ("just some words\n\nand more", "en", 200, "the file has no question minequiz can take"),
        ("", "en", 422, "There is no question in this file."),
        ("// message: no-such-message\n::q::Q?{=a ~b}", "en", 422, "does not exist here: no-such-message"),
        ("::q::Q?{=" + "a" * 700 + " ~b}", "en", 422, "The choice has 700 characters; the studio takes at most 600."),
        ("::q::Q?{=a " + " ".join(f"~w{n}" for n in range(13)) + "}", "en", 422, "at most 12 choices"),
    ],
)
def test_a_bad_gift_upload_is_refused_and_changes_nothing(app, editor, text, language, status, message):
    lesson_id = new_lesson(editor)
    before = changes(app, lesson_id)

    response = import_gift(editor, lesson_id, text, language)

    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert changes(app, lesson_id) == before and draft(app, lesson_id)["questions"] == []


def test_import_with_an_expired_form_is_400(app, editor):
    lesson_id = new_lesson(editor)
    response = editor.post(
        f"/en/studio/lessons/{lesson_id}/gift",
        data={"revision": "1", "language": "en", "file": (io.BytesIO(b"Q?{=a ~b}"), "q.gift")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "nothing was changed" in response.get_data(as_text=True)
    assert draft(app, lesson_id)["questions"] == []


def test_import_after_someone_else_saved_shows_the_conflict_and_loses_nothing(app, editor):
    lesson_id = new_lesson(editor)
    page = editor.get(f"/en/studio/lessons/{lesson_id}").get_data(as_text=True)
    stale = {"csrf_token": FORM_TOKEN.search(page).group(1), "revision": REVISION.search(page).group(1)}
    assert import_gift(editor, lesson_id, "::first::First?{=a ~b}", "en").status_code == 200

    response = editor.post(
        f"/en/studio/lessons/{lesson_id}/gift",
        data={**stale, "language": "en", "file": (io.BytesIO(b"::second::Second?{=c ~d}"), "q.gift")},
        content_type="multipart/form-data",
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Second?" in page
    assert [q["key"] for q in draft(app, lesson_id)["questions"]] == ["first"]
    mine = re.search(r'name="document" value="([^"]*)"', page)
    assert mine and "second" in mine.group(1)


def test_our_ordering_questions_come_back_as_ordering_questions(app, editor):
    source = lesson_id_of(app, "if-you-find-something")
    text = without_categories(editor.get(f"/en/studio/lessons/{source}/gift/en").get_data(as_text=True))
    target = new_lesson(editor)
    assert import_gift(editor, target, text, "en").status_code == 200
    kinds = [q["kind"] for q in draft(app, target)["questions"]]
    assert kinds == [q["kind"] for q in draft(app, source)["questions"]]


def test_a_file_in_another_language_is_refused_before_it_overwrites_a_translation(app, editor):
    lesson_id = lesson_id_of(app, "if-you-find-something")
    english = editor.get(f"/en/studio/lessons/{lesson_id}/gift/en").get_data(as_text=True)
    before = draft(app, lesson_id)

    declared = import_gift(editor, lesson_id, english, "nb", lang="nb")
    assert declared.status_code == 422
    assert "Denne filen sier at den er skrevet på engelsk, ikke på norsk bokmål" in declared.get_data(as_text=True)
    unmarked = english.replace("// minequiz:language en\n", "")
    guessed = import_gift(editor, lesson_id, unmarked, "nb")
    assert guessed.status_code == 422 and "is the file in English?" in guessed.get_data(as_text=True)
    assert draft(app, lesson_id) == before


def test_a_file_of_other_lessons_is_refused_and_says_how_to_bring_them(app, editor):
    lesson_id = new_lesson(editor)
    for path in ("/en/studio/gift/en", f"/en/studio/lessons/{lesson_id_of(app, 'danger-signs')}/gift/en"):
        response = import_gift(editor, lesson_id, editor.get(path).get_data(as_text=True), "en")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and "questions of other lessons (" in page and "danger-signs" in page
        assert "delete its $CATEGORY lines" in page
    assert draft(app, lesson_id)["questions"] == []


def test_reimporting_our_own_unchanged_file_changes_nothing(app, editor):
    lesson_id = lesson_id_of(app, "if-you-find-something")
    text = editor.get(f"/en/studio/lessons/{lesson_id}/gift/nb").get_data(as_text=True)
    history = changes(app, lesson_id)

    response = import_gift(editor, lesson_id, text, "nb")

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing changed: the file says what the lesson says already." in page
    assert changes(app, lesson_id) == history and revision(app, lesson_id) == 1
    assert "Published; changed since" not in editor.get("/en/studio/").get_data(as_text=True)


def test_new_right_answer_keeps_the_translations_of_choices_that_did_not_change(app, editor):
    lesson_id = lesson_id_of(app, "what-they-look-like")
    before = next(q for q in draft(app, lesson_id)["questions"] if q["kind"] == "single")
    texts = [c["text"]["en"] for c in before["choices"]]
    right = next(i for i, c in enumerate(before["choices"]) if c["correct"])
    other = (right + 1) % len(texts)
    answers = " ".join(("=" if i == other else "~") + gift._escape(t) for i, t in enumerate([*texts, "A new one"]))
    text = f"::{before['key']}::{gift._escape(before['prompt']['en'])}{{{answers}}}"

    response = import_gift(editor, lesson_id, text, "en")

    assert response.status_code == 200, response.get_data(as_text=True)
    after = next(q for q in draft(app, lesson_id)["questions"] if q["key"] == before["key"])
    assert [c["text"] for c in after["choices"][:-1]] == [c["text"] for c in before["choices"]]
    assert [c["key"] for c in after["choices"][:-1]] == [c["key"] for c in before["choices"]]
    assert after["choices"][-1]["text"] == {"nb": "", "en": "A new one"}
    assert [c["correct"] for c in after["choices"]].index(True) == other


def test_what_moodle_says_that_minequiz_cannot_keep_is_listed(app, editor):
    lesson_id = new_lesson(editor)
    text = "::Partial::Who clears mines?{=Deminers#Right ~%50%Police#Half ~Children#No}"

    page = import_gift(editor, lesson_id, text, "en", lang="nb").get_data(as_text=True)

    assert "Importert, men endret underveis:" in page and "Linje 1:" in page
    assert "tilbakemelding på hvert svar blir ikke tatt vare på" in page


def test_a_lesson_takes_at_most_a_hundred_questions(app, editor):
    lesson_id = new_lesson(editor)
    text = "\n\n".join(f"::q{n}::Question {n}?{{=yes ~no}}" for n in range(101))

    response = import_gift(editor, lesson_id, text, "en")

    assert response.status_code == 422 and "at most 100 questions" in response.get_data(as_text=True)
    assert draft(app, lesson_id)["questions"] == []


def test_an_upload_after_the_session_ended_asks_for_the_file_again(app, editor):
    lesson_id = new_lesson(editor)
    page = editor.get(f"/nb/studio/lessons/{lesson_id}").get_data(as_text=True)
    data = {"csrf_token": FORM_TOKEN.search(page).group(1), "revision": "1", "language": "en"}
    editor.post("/nb/logout")
    response = editor.post(
        f"/nb/studio/lessons/{lesson_id}/gift",
        data={**data, "file": (io.BytesIO(b"Q?{=a ~b}"), "q.gift")},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 401 and "velg filen på nytt" in body
    assert 'name="resume"' not in body and f"next=/nb/studio/lessons/{lesson_id}" in body.replace("%2F", "/")
