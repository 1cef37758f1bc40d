"""The studio: editing, validation, publishing, versions, conflicts, expired sessions,
pictures, import and export."""

import html
import io
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PillowImage

from minequiz.extensions import db
from minequiz.models import Attempt, Image, Lesson, LessonChange, LessonVersion
from tests.conftest import make_app
from tests.factories import (
    FORM_TOKEN,
    REVISION,
    csrf_of,
    log_in_staff,
    make_staff,
    new_lesson,
    open_quiz,
    publish,
    right_answers,
    submit,
)

TOKEN = FORM_TOKEN


def form_of(client, path: str) -> dict:
    """The values a browser would post back from the first form with a revision on `path`."""
    page = client.get(path).get_data(as_text=True)
    form = page[page.index('enctype="multipart/form-data"') :]
    form = form[: form.index("</form>")]
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        data.setdefault(name, value)
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if 'type="checkbox"' in tag or 'type="radio"' in tag:
            if name and "checked" not in tag:
                if data.get(name.group(1)) == re.search(r'value="([^"]*)"', tag).group(1):
                    data.pop(name.group(1))
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', form, re.S):
        data[name] = value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
        data[name] = next(g for g in chosen.groups() if g is not None) if chosen else ""
    return {key: html.unescape(value) for key, value in data.items()}


def add_question(editor, lesson_id: int, kind: str) -> str:
    page = editor.get(f"/en/studio/lessons/{lesson_id}").get_data(as_text=True)
    revision = REVISION.search(page).group(1)
    response = editor.post(
        f"/en/studio/lessons/{lesson_id}/questions",
        data={"csrf_token": TOKEN.search(page).group(1), "revision": revision, "kind": kind},
    )
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[1]


def fill_lesson(editor, lesson_id: int, **changes) -> dict:
    data = form_of(editor, f"/en/studio/lessons/{lesson_id}")
    data.update(
        {
            "title_nb": "Lokale faresignaler",
            "title_en": "Local danger signs",
            "summary_nb": "Skiltene i ditt område.",
            "summary_en": "The signs in your area.",
            "body_nb": "Røde skilt betyr **fare**.",
            "body_en": "Red signs mean **danger**.",
            "messages": "danger-signs",
        }
    )
    data.update(changes)
    return data


def fill_single(editor, lesson_id: int, key: str, prompt_en="Is a red sign a warning?") -> dict:
    data = form_of(editor, f"/en/studio/lessons/{lesson_id}/questions/{key}")
    data.update(
        {
            "kind": "single",
            "message": "danger-signs",
            "prompt_nb": "Hva betyr et rødt skilt?",
            "prompt_en": prompt_en,
            "explanation_nb": "Rødt betyr fare.",
            "explanation_en": "Red means danger.",
            "choices-0-text_nb": "Fare",
            "choices-0-text_en": "Danger",
            "choices-0-correct": "y",
            "choices-1-text_nb": "Lekeplass",
            "choices-1-text_en": "Playground",
        }
    )
    data.pop("choices-1-correct", None)
    return data


def publishable_lesson(editor) -> int:
    lesson_id = new_lesson(editor)
    assert editor.post(f"/en/studio/lessons/{lesson_id}", data=fill_lesson(editor, lesson_id)).status_code == 303
    key = add_question(editor, lesson_id, "single")
    response = editor.post(f"/en/studio/lessons/{lesson_id}/questions/{key}", data=fill_single(editor, lesson_id, key))
    assert response.status_code == 303, response.get_data(as_text=True)
    return lesson_id


def revision(app, lesson_id: int) -> int:
    with app.app_context():
        return db.session.get(Lesson, lesson_id).revision


def test_studio_lists_lessons_with_state_and_completeness_in_both_languages(editor):
    english = editor.get("/en/studio/").get_data(as_text=True)
    assert "Published" in english and "Written in Norwegian Bokmål" in english and "100 %" in english
    norwegian = editor.get("/nb/studio/").get_data(as_text=True)
    assert "Publisert" in norwegian and "Skrevet på norsk bokmål" in norwegian


def test_teachers_and_students_cannot_open_the_studio(app, client):
    make_staff(app, "tina")
    log_in_staff(client, "tina")
    assert client.get("/en/studio/").status_code == 403


def test_new_lesson_publish_is_refused_with_the_list_of_what_is_missing(app, editor):
    lesson_id = new_lesson(editor)
    data = fill_lesson(editor, lesson_id, title_en="", summary_en="")
    assert editor.post(f"/en/studio/lessons/{lesson_id}", data=data).status_code == 303
    response = publish(editor, lesson_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The title is missing in English" in page and "A lesson needs at least one question" in page
    norwegian = publish(editor, lesson_id, "nb").get_data(as_text=True)
    assert "Tittelen mangler på engelsk" in norwegian
    with app.app_context():
        assert db.session.get(Lesson, lesson_id).published_version_id is None
    assert editor.get("/en/lessons/local-signs").status_code == 404


def test_a_published_lesson_reaches_students_and_a_new_version_keeps_old_results(app, editor):
    lesson_id = publishable_lesson(editor)
    assert publish(editor, lesson_id).status_code == 303
    student = app.test_client()
    page = student.get("/en/lessons/local-signs").get_data(as_text=True)
    assert "Local danger signs" in page and "<strong>danger</strong>" in page
    sheet = open_quiz(student, app, "local-signs")
    result = submit(student, sheet)
    assert result.status_code == 303
    old_result = result.headers["Location"]

    key = re.search(r"questions/(q[0-9]+)", editor.get(f"/en/studio/lessons/{lesson_id}").get_data(as_text=True))[1]
    data = fill_single(editor, lesson_id, key, prompt_en="What does a red sign in this valley mean?")
    assert editor.post(f"/en/studio/lessons/{lesson_id}/questions/{key}", data=data).status_code == 303
    assert "Published; changed since" in editor.get("/en/studio/").get_data(as_text=True)
    assert "Is a red sign a warning?" in student.get("/en/lessons/local-signs/quiz").get_data(as_text=True)
    assert publish(editor, lesson_id).status_code == 303
    assert "in this valley" in student.get("/en/lessons/local-signs/quiz").get_data(as_text=True)
    old = student.get(old_result).get_data(as_text=True)
    assert "Is a red sign a warning?" in old and "in this valley" not in old
    with app.app_context():
        numbers = db.session.scalars(db.select(LessonVersion.number).where(LessonVersion.lesson_id == lesson_id)).all()
        assert sorted(numbers) == [1, 2]
    history = editor.get(f"/en/studio/lessons/{lesson_id}/history?old=1&new=2").get_data(as_text=True)
    assert "Edna" in history and "published version" in history
    assert "in this valley" in history and "Is a red sign a warning?" in history


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"choices-0-correct": None}, "Mark the right answer."),
        ({"choices-1-correct": "y"}, "A one-answer question has exactly one right answer"),
        ({"kind": "truefalse", "answer": "true"}, "A true/false question has exactly two answers"),
        ({"kind": "order", "choices-1-remove": "y"}, "An ordering question needs at least two steps."),
        ({"kind": "multiple", "choices-1-correct": "y"}, "A several-answer question needs at least one wrong"),
    ],
)
def test_impossible_questions_are_refused_and_nothing_is_saved(app, editor, changes, message):
    lesson_id = new_lesson(editor)
    key = add_question(editor, lesson_id, "single")
    data = fill_single(editor, lesson_id, key)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    before = revision(app, lesson_id)
    response = editor.post(f"/en/studio/lessons/{lesson_id}/questions/{key}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "Hva betyr et rødt skilt?" in response.get_data(as_text=True)  # what was typed is still there
    assert revision(app, lesson_id) == before


def test_choices_are_added_removed_and_reordered(app, editor):
    lesson_id = new_lesson(editor)
    key = add_question(editor, lesson_id, "order")
    data = form_of(editor, f"/en/studio/lessons/{lesson_id}/questions/{key}")
    data["action"] = "add-choice"
    page = editor.post(f"/en/studio/lessons/{lesson_id}/questions/{key}", data=data).get_data(as_text=True)
    assert "choices-2-text_en" in page
    data.update(
        {
            "action": "save",
            "choices-0-text_en": "Stop",
            "choices-0-place": "3",
            "choices-1-text_en": "Step back",
            "choices-1-place": "1",
            "choices-2-text_en": "Tell an adult",
            "choices-2-place": "2",
            "choices-2-key": "",
        }
    )
    assert editor.post(f"/en/studio/lessons/{lesson_id}/questions/{key}", data=data).status_code == 303
    with app.app_context():
        draft = db.session.get(Lesson, lesson_id).draft
    steps = [choice["text"]["en"] for choice in draft["questions"][0]["choices"]]
    assert steps == ["Step back", "Tell an adult", "Stop"]


def test_questions_move_and_are_removed(app, editor):
    lesson_id = new_lesson(editor)
    first = add_question(editor, lesson_id, "single")
    second = add_question(editor, lesson_id, "truefalse")
    token = csrf_of(editor, f"/en/studio/lessons/{lesson_id}")
    response = editor.post(
        f"/en/studio/lessons/{lesson_id}/questions/{second}/move",
        data={"csrf_token": token, "revision": revision(app, lesson_id), "direction": "up"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert [q["key"] for q in db.session.get(Lesson, lesson_id).draft["questions"]] == [second, first]
    response = editor.post(
        f"/en/studio/lessons/{lesson_id}/questions/{first}/delete",
        data={"csrf_token": token, "revision": revision(app, lesson_id)},
    )
    assert response.status_code == 303
    with app.app_context():
        assert [q["key"] for q in db.session.get(Lesson, lesson_id).draft["questions"]] == [second]
        actions = db.session.scalars(db.select(LessonChange.action).where(LessonChange.lesson_id == lesson_id)).all()
    assert {"created", "added-question", "moved-question", "removed-question"} <= set(actions)


def test_two_editors_saving_the_same_lesson_get_a_conflict_and_lose_nothing(app, editor):
    make_staff(app, "erik", role="editor")
    other = app.test_client()
    log_in_staff(other, "erik")
    mine = fill_lesson(editor, 1, title_en="Edna's title")
    theirs = fill_lesson(other, 1, title_en="Erik's title")
    assert other.post("/en/studio/lessons/1", data=theirs).status_code == 303
    response = editor.post("/en/studio/lessons/1", data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Edna&#39;s title" in page and "Erik&#39;s title" in page
    with app.app_context():
        assert db.session.get(Lesson, 1).draft["title"]["en"] == "Erik's title"
    kept = {
        "csrf_token": TOKEN.search(page).group(1),
        "revision": REVISION.search(page).group(1),
        "document": html.unescape(re.search(r'name="document" value="([^"]*)"', page).group(1)),
    }
    assert editor.post("/en/studio/lessons/1/resolve", data=kept).status_code == 303
    with app.app_context():
        assert db.session.get(Lesson, 1).draft["title"]["en"] == "Edna's title"


def test_a_form_posted_after_the_session_ended_keeps_its_text(app, editor):
    data = fill_lesson(editor, 1, body_en="A long text written while the session ran out.")
    stranger = app.test_client()  # the same browser after the session cookie is gone
    response = stranger.post("/nb/studio/lessons/1", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Logg inn igjen" in page and "A long text written while the session ran out." in page
    kept = re.search(r'name="resume" value="([^"]*)"', page).group(1)

    response = stranger.post(
        "/nb/login",
        data={
            "csrf_token": TOKEN.search(page).group(1),
            "username": "edna",
            "password": "correct horse battery",
            "resume": html.unescape(kept),
            "resume_url": "/nb/studio/lessons/1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "A long text written while the session ran out." in page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    fields = {name: html.unescape(value) for name, value in fields.items()}
    assert stranger.post("/nb/studio/lessons/1", data=fields).status_code == 303
    with app.app_context():
        assert db.session.get(Lesson, 1).draft["body"]["en"] == "A long text written while the session ran out."


def test_an_expired_form_is_shown_again_with_the_text(app, editor):
    data = fill_lesson(editor, 1, body_en="Kept after expiry.")
    data["csrf_token"] = "expired"
    before = revision(app, 1)
    response = editor.post("/en/studio/lessons/1", data=data)
    assert response.status_code == 400
    assert "Kept after expiry." in response.get_data(as_text=True)
    assert revision(app, 1) == before


def test_markdown_is_sanitised_in_preview_and_for_students(app, editor):
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))"
    assert editor.post("/en/studio/lessons/1", data=fill_lesson(editor, 1, body_en=hostile)).status_code == 303
    for path in ("/en/studio/lessons/1/preview", "/en/studio/lessons/1/preview/quiz"):
        page = editor.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript:' not in page
        assert "Preview of the draft" in page
    page = editor.get("/en/studio/lessons/1/preview").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, never run


def png_bytes(mode="RGB") -> bytes:
    out = io.BytesIO()
    PillowImage.new(mode, (40, 30), "red").save(out, "PNG")
    return out.getvalue()


def test_pictures_are_checked_reencoded_and_need_alt_text_to_publish(app, editor):
    lesson_id = publishable_lesson(editor)
    data = fill_lesson(editor, lesson_id)
    data["image"] = (io.BytesIO(b"<svg onload=alert(1)></svg>"), "evil.png")
    response = editor.post(f"/en/studio/lessons/{lesson_id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "not a picture we can read" in response.get_data(as_text=True)
    data = fill_lesson(editor, lesson_id, alt_en="A red warning sign on a fence")
    data["image"] = (io.BytesIO(png_bytes()), "sign.png")
    response = editor.post(f"/en/studio/lessons/{lesson_id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        image = db.session.scalar(db.select(Image))
        sha = image.sha256
        assert PillowImage.open(io.BytesIO(image.data)).size == (40, 30)
    refused = publish(editor, lesson_id).get_data(as_text=True)
    assert "description (alt text) is missing in Norwegian" in refused
    data = fill_lesson(editor, lesson_id, alt_en="A red warning sign on a fence", alt_nb="Et rødt varselskilt")
    assert editor.post(f"/en/studio/lessons/{lesson_id}", data=data).status_code == 303
    assert publish(editor, lesson_id).status_code == 303
    page = app.test_client().get("/nb/lessons/local-signs").get_data(as_text=True)
    assert f'src="/media/{sha}"' in page and 'alt="Et rødt varselskilt"' in page
    served = app.test_client().get(f"/media/{sha}")
    assert served.status_code == 200 and served.mimetype == "image/png"


def test_unpublish_and_archive_keep_attempts(app, editor):
    lesson_id = publishable_lesson(editor)
    publish(editor, lesson_id)
    student = app.test_client()
    result = submit(student, open_quiz(student, app, "local-signs")).headers["Location"]
    assert "Take the quiz again" in student.get(result).get_data(as_text=True)
    assert "/en/lessons/local-signs" in student.get("/en/").get_data(as_text=True)  # kept from now on
    token = csrf_of(editor, f"/en/studio/lessons/{lesson_id}")
    response = editor.post(
        f"/en/studio/lessons/{lesson_id}/archive", data={"csrf_token": token, "revision": revision(app, lesson_id)}
    )
    assert response.status_code == 303
    # The learner, signed in by their attempt, gets the content check with their user's row.
    assert "/en/lessons/local-signs" not in student.get("/en/").get_data(as_text=True)
    assert student.get("/en/lessons/local-signs").status_code == 404
    # Their result stays, with no way into a quiz that is gone.
    page = student.get(result).get_data(as_text=True)
    assert "Take the quiz again" not in page and "/en/lessons/local-signs" not in page
    assert "Archived" in editor.get("/en/studio/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attempt)) == 1


def test_a_safety_message_is_edited_in_both_languages(app, editor):
    student, learner = app.test_client(), app.test_client()  # a visitor; one signed in by an attempt
    lessons = student.get("/en/").get_data(as_text=True)
    slug = re.search(r'href="/en/lessons/([a-z0-9-]+)"', lessons).group(1)
    submit(learner, open_quiz(learner, app, slug))
    for reader in (student, learner):
        assert "New text." not in reader.get(f"/en/lessons/{slug}").get_data(as_text=True)  # now cached
    page = editor.get("/en/studio/messages/1").get_data(as_text=True)
    data = {
        "csrf_token": TOKEN.search(page).group(1),
        "revision": REVISION.search(page).group(1),
        "number": "1",
        "title_nb": "Kjenn igjen faren",
        "title_en": "Recognise the danger",
        "text_nb": "Ny tekst.",
        "text_en": "",
    }
    response = editor.post("/en/studio/messages/1", data=data)
    assert response.status_code == 422 and "English" in response.get_data(as_text=True)
    data["text_en"] = "New text."
    assert editor.post("/en/studio/messages/1", data=data).status_code == 303
    assert editor.post("/en/studio/messages/1", data=data).status_code == 409  # an old form: a conflict
    # Learners see it at once, on pages rendered (and kept) before the change too.
    for reader in (student, learner):
        assert "New text." in reader.get(f"/en/lessons/{slug}").get_data(as_text=True)
        assert "Recognise the danger" in reader.get("/en/progress").get_data(as_text=True)


def test_json_export_import_into_an_empty_database_export_again_is_the_same(app, editor, new_database):
    lesson_id = publishable_lesson(editor)
    data = fill_lesson(editor, lesson_id, alt_en="A sign", alt_nb="Et skilt")
    data["image"] = (io.BytesIO(png_bytes("RGBA")), "sign.png")
    editor.post(f"/en/studio/lessons/{lesson_id}", data=data, content_type="multipart/form-data")
    exported = editor.get("/en/studio/export.json").get_data(as_text=True)
    assert json.loads(exported)["lessons"][-1]["image"]["alt"]["nb"] == "Et skilt"

    fresh = make_app(new_database("empty"))
    with fresh.app_context():
        from flask_migrate import upgrade

        upgrade()
    make_staff(fresh, "edna", role="editor")
    other = fresh.test_client()
    log_in_staff(other, "edna")
    token = csrf_of(other, "/en/studio/")
    response = other.post(
        "/en/studio/import",
        data={"csrf_token": token, "file": (io.BytesIO(exported.encode()), "all.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert other.get("/en/studio/export.json").get_data(as_text=True) == exported
    assert other.get("/en/lessons/what-they-look-like").status_code == 200


def test_a_bad_import_changes_nothing_and_names_each_problem_with_its_line(app, editor):
    document = json.loads(editor.get("/en/studio/lessons/1/export.json").get_data(as_text=True))
    document["lessons"][0]["questions"][1]["kind"] = "essay"
    document["lessons"][0]["slug"] = "Not A Slug"
    text = json.dumps(document, indent=2, ensure_ascii=False)
    kind_line = next(n for n, line in enumerate(text.splitlines(), 1) if '"essay"' in line)
    before = revision(app, 1)
    token = csrf_of(editor, "/en/studio/")
    response = editor.post(
        "/en/studio/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "bad.json")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Line {kind_line}: Choose what kind of question this is." in page
    assert "Use lower-case letters" in page
    assert revision(app, 1) == before
    broken = editor.post(
        "/en/studio/import",
        data={"csrf_token": token, "file": (io.BytesIO(b'{"format": "minequiz-lessons",\n "lessons": [}'), "x.json")},
        content_type="multipart/form-data",
    )
    assert broken.status_code == 422 and "Line 2" in broken.get_data(as_text=True)


def test_files_are_not_loaded_over_studio_work(app, editor, runner):
    assert editor.post("/en/studio/lessons/1", data=fill_lesson(editor, 1)).status_code == 303
    result = runner.invoke(args=["content", "load"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.get(Lesson, 1).draft["title"]["en"] == "Local danger signs"


def test_reports_keep_working_across_versions_with_figures_per_version(app, editor):
    from tests.factories import create_class, join

    make_staff(app, "tina")
    teacher = app.test_client()
    log_in_staff(teacher, "tina")
    class_id, code = create_class(teacher, "Klasse 5B")
    ali, bea = app.test_client(), app.test_client()
    join(ali, code, "Ali")
    join(bea, code, "Bea")
    before = open_quiz(ali, app, "what-they-look-like")
    old_prompt = before.version.questions[0].texts["en"].prompt
    submit(ali, before)

    key = before.version.questions[0].key
    data = form_of(editor, f"/en/studio/lessons/1/questions/{key}")
    data["prompt_en"] = "A changed wording of the first question"
    assert editor.post(f"/en/studio/lessons/1/questions/{key}", data=data).status_code == 303
    assert publish(editor, 1).status_code == 303
    after = open_quiz(bea, app, "what-they-look-like")
    assert after.version.number == 2
    submit(bea, after, answers=right_answers(after.version))

    for path in ("", "/report", "/items", "/items.csv", "/overview.csv"):
        assert teacher.get(f"/en/teach/classes/{class_id}{path}").status_code == 200
    items = teacher.get(f"/en/teach/classes/{class_id}/items").get_data(as_text=True)
    assert html.escape(old_prompt) in items and "A changed wording of the first question" in items


@pytest.mark.parametrize(
    ("slug", "status", "message"),
    [
        ("Local Signs", 422, "Use lower-case letters and digits joined by dashes"),
        ("", 422, "Fill in this field."),
        ("what-they-look-like", 409, "Another lesson has this address already."),
        ("a" * 101, 422, "Field cannot be longer than 100 characters."),
    ],
)
def test_a_new_lesson_needs_a_free_and_well_formed_address(app, editor, slug, status, message):
    token = csrf_of(editor, "/en/studio/")
    response = editor.post("/en/studio/lessons", data={"csrf_token": token, "slug": slug})
    assert response.status_code == status and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Lesson)) == 6


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"position": "first"}, "Not a valid integer value"),
        ({"position": "0"}, "Number must be between 1 and 999."),
        ({"messages": "no-such-message"}, "This is not one of the safety messages."),
        ({"title_en": "x" * 201}, "Use at most 200 characters."),
    ],
)
def test_lesson_form_errors_are_named_and_nothing_is_saved(app, editor, changes, message):
    data = fill_lesson(editor, 1, **changes)
    before = revision(app, 1)
    response = editor.post("/en/studio/lessons/1", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert revision(app, 1) == before


def test_a_picture_of_another_type_is_refused(app, editor):
    out = io.BytesIO()
    PillowImage.new("RGB", (10, 10)).save(out, "BMP")
    data = fill_lesson(editor, 1, alt_en="x", alt_nb="x")
    data["image"] = (io.BytesIO(out.getvalue()), "sign.png")
    response = editor.post("/en/studio/lessons/1", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "Use a PNG, JPEG, GIF or WebP picture." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Image)) == 0


def test_a_safety_message_number_must_be_a_small_whole_number(app, editor):
    page = editor.get("/nb/studio/messages/1").get_data(as_text=True)
    data = {"csrf_token": TOKEN.search(page).group(1), "revision": REVISION.search(page).group(1), "number": "x"}
    response = editor.post("/nb/studio/messages/1", data=data)
    assert response.status_code == 422 and "Ikke en gyldig heltallsverdi" in response.get_data(as_text=True)


def test_wtforms_own_messages_follow_each_request_s_language(editor):
    """WTForms' catalogue is read once per language; each request still gets its own."""
    norwegian, english = "Ikke en gyldig heltallsverdi", "Not a valid integer value"
    for lang, message in [("nb", norwegian), ("en", english), ("nb", norwegian)]:
        page = editor.get(f"/{lang}/studio/messages/1").get_data(as_text=True)
        data = {"csrf_token": TOKEN.search(page).group(1), "revision": REVISION.search(page).group(1), "number": "x"}
        text = editor.post(f"/{lang}/studio/messages/1", data=data).get_data(as_text=True)
        assert message in text
        assert (english in text) == (lang == "en")


STUDIO_POSTS = [
    "/en/studio/lessons/1",
    "/en/studio/lessons/1/questions",
    "/en/studio/lessons/1/questions/{key}",
    "/en/studio/lessons/1/questions/{key}/move",
    "/en/studio/lessons/1/questions/{key}/delete",
    "/en/studio/lessons/1/publish",
    "/en/studio/lessons/1/archive",
    "/en/studio/lessons/1/resolve",
    "/en/studio/messages/1",
    "/en/studio/lessons",
]
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "99999999999", "<script>alert(1)</script>", "{", "[]", '{"slug": 1}', "\x00"]),
)
FIELDS = st.sampled_from(
    ["revision", "position", "kind", "message", "messages", "answer", "direction", "document", "slug", "number"]
    + ["title_en", "prompt_nb", "choices-0-text_en", "choices-0-correct", "choices-99-place", "choices-x-key"]
)


def stored_state(app) -> tuple:
    with app.app_context():
        lessons = db.session.execute(db.select(Lesson.id, Lesson.revision, Lesson.archived)).all()
        versions = db.session.scalar(db.select(db.func.count()).select_from(LessonVersion))
        changes = db.session.scalar(db.select(db.func.count()).select_from(LessonChange))
        return tuple(lessons), versions, changes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(STUDIO_POSTS),
    fields=st.dictionaries(FIELDS, HOSTILE, max_size=6),
    stale=st.booleans(),
)
def test_hostile_studio_posts_never_fail_and_store_nothing_when_refused(app, editor, path, fields, stale):
    with app.app_context():
        key = db.session.get(Lesson, 1).published_version.questions[0].key
    token = csrf_of(editor, "/en/studio/")
    data = {"csrf_token": token, **fields}
    if stale:
        data["revision"] = "0"
    before = stored_state(app)
    response = editor.post(path.format(key=key), data=data)
    assert response.status_code in (200, 303, 400, 404, 409, 422), response.status_code
    if response.status_code >= 400:
        assert stored_state(app) == before


def test_a_picture_larger_than_a_quiz_form_but_within_the_limit_is_accepted(app, editor):
    out = io.BytesIO()
    PillowImage.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(out, "PNG")
    assert 256 * 1024 < len(out.getvalue()) < 3 * 1024 * 1024
    data = fill_lesson(editor, 1, alt_en="Noise", alt_nb="Støy")
    data["image"] = (io.BytesIO(out.getvalue()), "noise.png")
    response = editor.post("/en/studio/lessons/1", data=data, content_type="multipart/form-data")
    assert response.status_code == 303


def post_import(editor, text: str, language: str = "en"):
    token = csrf_of(editor, f"/{language}/studio/")
    return editor.post(
        f"/{language}/studio/import",
        data={"csrf_token": token, "file": (io.BytesIO(text.encode()), "lessons.json")},
        content_type="multipart/form-data",
    )


def imported_lesson(editor, **changes) -> dict:
    """The export of lesson 1 as a new lesson, marked to be published, with `changes`."""
    document = json.loads(editor.get("/en/studio/lessons/1/export.json").get_data(as_text=True))
    lesson = document["lessons"][0]
    lesson.update(slug="from-outside", published=True, **changes)
    document["messages"] = []
    return document


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda lesson: lesson["title"].update(en="T" * 201), "Use at most 200 characters."),
        (lambda lesson: lesson["body"].update(nb="x" * 20001), "Use at most 20000 characters."),
        (lambda lesson: lesson["questions"][0].update(key="k" * 101), "Each question needs its own key"),
        (lambda lesson: lesson["questions"][0]["prompt"].update(en="Who?\x00"), "invisible control character"),
        (lambda lesson: lesson.update(questions=lesson["questions"] * 34), "A lesson has at most 100 questions."),
        (lambda lesson: lesson.update(published="no"), "'published' must be true or false."),
        (lambda lesson: lesson.update(extra=json.loads("[" * 600 + "]" * 600)), "nested too deeply"),
        (lambda lesson: lesson["questions"][0]["prompt"].update(en="\ud800"), "invisible control character"),
        (lambda lesson: lesson["questions"][0].update(key=["a"]), "Each question needs its own key"),
        (lambda lesson: lesson.update(slug=["a"]), "Use lower-case letters"),
        (lambda lesson: lesson.update(messages=5, image={"sha256": ["x"], "alt": {}}), "'messages' must be a list"),
    ],
)
def test_an_import_keeps_to_the_studio_limits_and_stores_nothing_else(app, editor, change, problem):
    document = imported_lesson(editor)
    change(document["lessons"][0])
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Lesson))
    response = post_import(editor, json.dumps(document, indent=2))
    assert response.status_code == 422, response.status_code
    assert problem in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Lesson)) == before


def test_an_import_refuses_a_question_with_more_choices_than_the_studio_takes(app, editor):
    document = imported_lesson(editor)
    question = next(q for q in document["lessons"][0]["questions"] if q["kind"] == "single")
    question["choices"] += [
        {"key": f"more-{n}", "correct": False, "text": {"nb": "Mer", "en": "More"}} for n in range(12)
    ]
    response = post_import(editor, json.dumps(document))
    assert response.status_code == 422
    assert "A question has at most 12 choices." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("messages", "problem"),
    [(5, "'messages' must be a list."), ([{"number": 3}], "A safety message needs a 'key'")],
)
def test_an_import_with_messages_of_the_wrong_shape_is_refused(app, editor, messages, problem):
    document = imported_lesson(editor)
    document["messages"] = messages
    response = post_import(editor, json.dumps(document))
    assert response.status_code == 422
    assert problem in html.unescape(response.get_data(as_text=True))


def test_an_import_refuses_a_safety_message_numbered_out_of_range(app, editor):
    document = imported_lesson(editor)
    message = {"key": "odd-one", "number": -5, "title": {"nb": "T", "en": "T"}, "text": {"nb": "M", "en": "M"}}
    document["messages"] = [message]
    response = post_import(editor, json.dumps(document), "nb")
    assert response.status_code == 422
    assert "Skriv et heltall fra 1 til 99." in response.get_data(as_text=True)


def test_a_file_nested_too_deeply_is_refused_in_the_editors_language(editor):
    response = post_import(editor, "[" * 100_000 + "]" * 100_000, "nb")
    assert response.status_code == 422
    assert "for dypt" in response.get_data(as_text=True)


def test_a_conflict_form_nested_too_deeply_is_refused_and_the_lesson_still_opens(app, editor):
    document = json.loads(editor.get("/en/studio/lessons/1/export.json").get_data(as_text=True))["lessons"][0]
    document.pop("published")
    document["extra"] = json.loads("[" * 600 + "]" * 600)
    token = csrf_of(editor, "/en/studio/lessons/1")
    response = editor.post(
        "/en/studio/lessons/1/resolve",
        data={"csrf_token": token, "revision": str(revision(app, 1)), "document": json.dumps(document)},
    )
    assert response.status_code == 400
    assert editor.get("/en/studio/lessons/1").status_code == 200


def test_a_conflict_form_cannot_bring_a_picture_that_is_not_stored(app, editor):
    document = json.loads(editor.get("/en/studio/lessons/1/export.json").get_data(as_text=True))["lessons"][0]
    document.pop("published")
    document["image"] = {"sha256": "0" * 64, "alt": {"nb": "Et skilt", "en": "A sign"}}
    before = revision(app, 1)
    token = csrf_of(editor, "/en/studio/lessons/1")
    response = editor.post(
        "/en/studio/lessons/1/resolve",
        data={"csrf_token": token, "revision": str(before), "document": json.dumps(document)},
    )
    assert response.status_code == 400
    assert revision(app, 1) == before


def test_control_characters_typed_into_the_studio_are_left_out_and_the_lesson_publishes(app, editor):
    lesson_id = publishable_lesson(editor)
    data = fill_lesson(editor, lesson_id)
    data["title_nb"] = "Tittel\x00 med\x07 NUL"
    assert editor.post(f"/nb/studio/lessons/{lesson_id}", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(Lesson, lesson_id).draft["title"]["nb"] == "Tittel med NUL"
    token = csrf_of(editor, f"/nb/studio/lessons/{lesson_id}")
    published = editor.post(
        f"/nb/studio/lessons/{lesson_id}/publish", data={"csrf_token": token, "revision": revision(app, lesson_id)}
    )
    assert published.status_code == 303


def test_two_lessons_made_with_one_address_at_once_give_one_lesson_and_a_409(app, editor, monkeypatch):
    from minequiz.services import studio

    token = csrf_of(editor, "/nb/studio/")
    assert editor.post("/nb/studio/lessons", data={"csrf_token": token, "slug": "race-0"}).status_code == 303
    # The other post looked before the first was stored, so it saw the address free.
    monkeypatch.setattr(studio, "slug_taken", lambda slug: False)
    response = editor.post("/nb/studio/lessons", data={"csrf_token": token, "slug": "race-0"})
    assert response.status_code == 409
    assert "En annen leksjon har allerede denne adressen." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(Lesson.slug == "race-0")) == 1


def test_wtforms_own_messages_on_a_norwegian_studio_page_are_norwegian(app, editor):
    page = editor.get("/nb/studio/lessons/1").get_data(as_text=True)
    key = re.search(r"questions/([a-z0-9-]+)", page)[1]
    path = f"/nb/studio/lessons/1/questions/{key}"
    data = form_of(editor, path)
    place = next(name for name in data if name.endswith("-place"))
    data[place] = "13"  # a choice's place, in a form inside the question's form
    response = editor.post(path, data=data)
    assert response.status_code == 422
    assert "Tall må være mellom 1 og 12." in response.get_data(as_text=True)
    data = form_of(editor, "/nb/studio/lessons/1")
    data["messages"] = "zz"  # not a safety message (a tampered form)
    response = editor.post("/nb/studio/lessons/1", data=data)
    assert response.status_code == 422
    assert "Dette er ikke et av sikkerhetsbudskapene." in response.get_data(as_text=True)


def test_a_save_or_a_publish_sent_twice_is_done_once_without_a_conflict(app, editor):
    lesson_id = publishable_lesson(editor)
    data = fill_lesson(editor, lesson_id, title_en="Sent twice")
    first = editor.post(f"/en/studio/lessons/{lesson_id}", data=data)
    second = editor.post(f"/en/studio/lessons/{lesson_id}", data=data)  # the same form, its revision now old
    assert (first.status_code, second.status_code) == (303, 303)
    with app.app_context():
        changes = db.session.scalar(db.select(db.func.count()).where(LessonChange.lesson_id == lesson_id))
    # A different change on the old revision is still a conflict.
    assert editor.post(f"/en/studio/lessons/{lesson_id}", data={**data, "title_en": "Other"}).status_code == 409
    token = csrf_of(editor, f"/en/studio/lessons/{lesson_id}")
    publish = {"csrf_token": token, "revision": revision(app, lesson_id)}
    assert editor.post(f"/en/studio/lessons/{lesson_id}/publish", data=publish).status_code == 303
    assert editor.post(f"/en/studio/lessons/{lesson_id}/publish", data=publish).status_code == 303
    with app.app_context():
        versions = db.session.scalars(db.select(LessonVersion).where(LessonVersion.lesson_id == lesson_id)).all()
        assert len(versions) == 1 and versions[0].texts["en"].title == "Sent twice"
        assert db.session.scalar(db.select(db.func.count()).where(LessonChange.lesson_id == lesson_id)) == changes + 1


def test_a_question_saved_after_another_editor_removed_it_keeps_what_was_typed(app, editor):
    page = editor.get("/nb/studio/lessons/1").get_data(as_text=True)
    key = re.search(r"questions/([a-z0-9-]+)", page)[1]
    data = form_of(editor, f"/nb/studio/lessons/1/questions/{key}")
    data["prompt_nb"] = "Et spørsmål skrevet mens en annen slettet det"
    token = csrf_of(editor, "/nb/studio/lessons/1")
    removed = editor.post(
        f"/nb/studio/lessons/1/questions/{key}/delete", data={"csrf_token": token, "revision": revision(app, 1)}
    )
    assert removed.status_code == 303
    response = editor.post(f"/nb/studio/lessons/1/questions/{key}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Et spørsmål skrevet mens en annen slettet det" in page and "Dette spørsmålet ble fjernet" in page
    assert "Spørsmål (norsk bokmål)" in page
    # An address of a question that never was is still a 404.
    data["revision"] = str(revision(app, 1))
    assert editor.post("/nb/studio/lessons/1/questions/no-such-key", data=data).status_code == 404


def test_a_phone_photo_too_large_is_refused_on_the_form_with_the_text_kept(app, editor):
    lesson_id = publishable_lesson(editor)
    data = fill_lesson(editor, lesson_id, body_nb="En lang tekst som ikke skal gå tapt.")
    data["image"] = (io.BytesIO(b"\xff\xd8\xff" + os.urandom(5 * 1024 * 1024)), "photo.jpg")  # 5 MB
    response = editor.post(f"/nb/studio/lessons/{lesson_id}", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bildet er for stort." in page and "En lang tekst som ikke skal gå tapt." in page
    # A post from no editor at all is still held to the picture's own limit.
    stranger = app.test_client()
    big = {"image": (io.BytesIO(os.urandom(5 * 1024 * 1024)), "photo.jpg")}
    assert stranger.post(f"/nb/studio/lessons/{lesson_id}", data=big).status_code == 413


def test_a_form_posted_from_another_site_while_logged_out_is_not_offered_for_saving(app, editor):
    stranger = app.test_client()
    data = {"title_en": "Planted by someone else", "revision": "1"}
    response = stranger.post("/en/studio/lessons/1", data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "Planted by someone else" not in response.get_data(as_text=True)
    same_site = stranger.post("/en/studio/lessons/1", data=data, headers={"Origin": "http://localhost"})
    assert same_site.status_code == 401 and "Planted by someone else" in same_site.get_data(as_text=True)


def test_a_text_of_only_invisible_characters_counts_as_missing(app, editor):
    lesson_id = publishable_lesson(editor)
    data = fill_lesson(editor, lesson_id, summary_nb="\u200b")
    assert editor.post(f"/nb/studio/lessons/{lesson_id}", data=data).status_code == 303
    token = csrf_of(editor, f"/nb/studio/lessons/{lesson_id}")
    response = editor.post(
        f"/nb/studio/lessons/{lesson_id}/publish", data={"csrf_token": token, "revision": revision(app, lesson_id)}
    )
    assert response.status_code == 422
    assert "Sammendraget mangler på norsk bokmål." in response.get_data(as_text=True)


def test_adding_a_choice_past_the_most_says_so(app, editor):
    page = editor.get("/en/studio/lessons/1").get_data(as_text=True)
    key = re.search(r"questions/([a-z0-9-]+)", page)[1]
    path = f"/en/studio/lessons/1/questions/{key}"
    data = form_of(editor, path)
    for _ in range(12):
        response = editor.post(path, data={**data, "action": "add-choice"})
        data = {
            **data,
            **dict(re.findall(r'name="(choices-\d+-key)"[^>]*value="([^"]*)"', response.get_data(as_text=True))),
        }
    assert "A question has at most 12 choices." in response.get_data(as_text=True)


def test_the_preview_marks_each_text_not_written_in_its_language(app, editor):
    lesson_id = publishable_lesson(editor)
    add_question(editor, lesson_id, "single")  # a new question: nothing written yet
    page = editor.get(f"/nb/studio/lessons/{lesson_id}/preview/quiz").get_data(as_text=True)
    assert "[Mangler på norsk bokmål]" in page
    choice_labels = re.findall(r'<label for="q\d+-\d+">([^<]*)</label>', page)
    assert choice_labels and not any(label.strip().isdigit() for label in choice_labels)


def test_a_studio_form_with_its_revision_changed_by_hand_says_so_and_keeps_the_text(app, editor):
    data = fill_lesson(editor, 1, body_nb="Tekst som skal stå igjen.")
    data["revision"] = "abc"
    response = editor.post("/nb/studio/lessons/1", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Denne siden ble endret eller er ufullstendig" in page and "Tekst som skal stå igjen." in page
