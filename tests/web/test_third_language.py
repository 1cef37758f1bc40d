"""A third language is a catalogue plus content rows, no code change: a test-only Swedish
catalogue in a copy of the translations folder, and Swedish texts imported in the studio."""

import io
import json
import shutil

import pytest
from babel.messages.pofile import read_po, write_po
from flask_migrate import upgrade

from minequiz.config import TRANSLATIONS_DIR
from minequiz.extensions import db
from minequiz.models import Lesson
from tests.conftest import close, make_app
from tests.factories import csrf_of, log_in_staff, make_staff, open_quiz, publish, submit

SWEDISH = {
    "Lessons": "Lektioner",
    "Take the quiz": "Gör quizet",
    "Studio": "Studio",
    "Written in %(language)s": "Skrivet på %(language)s",
}


@pytest.fixture
def swedish_app(tmp_path, new_database):
    """The app with a copy of the real catalogues and a Swedish one made the way the README
    says: `flask translate init sv`, translate, `flask translate compile`."""
    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))
    database = new_database("sv")
    before = make_app(database, BABEL_TRANSLATION_DIRECTORIES=str(folder))
    assert before.config["LANGUAGES"] == ("nb", "en")
    result = before.test_cli_runner().invoke(args=["translate", "init", "sv"])
    assert result.exit_code == 0, result.output
    po = folder / "sv" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as handle:
        catalogue = read_po(handle, locale="sv")
    for msgid, text in SWEDISH.items():
        catalogue[msgid].string = text
    with open(po, "wb") as handle:
        write_po(handle, catalogue)
    assert before.test_cli_runner().invoke(args=["translate", "compile"]).exit_code == 0
    coverage = before.test_cli_runner().invoke(args=["translate", "coverage"])
    assert coverage.exit_code == 1 and f"sv: {len(SWEDISH)} of " in coverage.output
    assert "  - My progress" in coverage.output

    app = make_app(database, BABEL_TRANSLATION_DIRECTORIES=str(folder))
    with app.app_context():
        upgrade()
    assert app.test_cli_runner().invoke(args=["content", "load"]).exit_code == 0
    yield app
    close(app)
    close(before)


def with_swedish(value):
    """Every {nb, en} text of an export with a Swedish text beside it."""
    if isinstance(value, dict):
        if {"nb", "en"} <= set(value) and all(isinstance(v, str) for v in value.values()):
            return {**value, "sv": f"[sv] {value['en']}" if value["en"] else ""}
        return {key: with_swedish(item) for key, item in value.items()}
    if isinstance(value, list):
        return [with_swedish(item) for item in value]
    return value


def test_the_languages_are_the_catalogues(swedish_app):
    assert swedish_app.config["LANGUAGES"] == ("nb", "en", "sv")


def test_before_swedish_content_a_swedish_page_shows_the_lessons_marked_as_another_language(swedish_app):
    client = swedish_app.test_client()
    page = client.get("/sv/").get_data(as_text=True)
    assert '<html lang="sv">' in page and "<h1>Lektioner</h1>" in page
    assert "Svenska" in page and "Norsk bokmål" in page and "English" in page
    assert '<h2 lang=nb><a href="/sv/lessons/what-they-look-like">' in page
    lesson = client.get("/sv/lessons/what-they-look-like")
    assert lesson.status_code == 200 and "<h1 lang=nb>" in lesson.get_data(as_text=True)
    sheet = open_quiz(client, swedish_app, "what-they-look-like", lang="sv")
    result = submit(client, sheet, lang="sv")
    assert result.status_code == 303
    assert client.get(result.headers["Location"]).status_code == 200
    assert client.get("/sv/progress").status_code == 200


def test_editors_see_swedish_as_missing_then_students_get_it_once_published(swedish_app):
    editor = swedish_app.test_client()
    make_staff(swedish_app, "edna", role="editor")
    log_in_staff(editor, "edna", lang="sv")
    listing = editor.get("/sv/studio/").get_data(as_text=True)
    assert "Skrivet på svenska" in listing and "0 %" in listing

    exported = json.loads(editor.get("/sv/studio/export.json").get_data(as_text=True))
    response = editor.post(
        "/sv/studio/import",
        data={
            "csrf_token": csrf_of(editor, "/sv/studio/"),
            "file": (io.BytesIO(json.dumps(with_swedish(exported)).encode()), "lessons.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    with swedish_app.app_context():
        lesson_id = db.session.scalar(db.select(Lesson.id).where(Lesson.slug == "what-they-look-like"))
    assert publish(editor, lesson_id, lang="sv").status_code == 303
    assert "100 %" in editor.get("/sv/studio/").get_data(as_text=True)

    student = swedish_app.test_client()
    page = student.get("/sv/lessons/what-they-look-like").get_data(as_text=True)
    assert "<h1>[sv] What mines" in page and "Gör quizet" in page and "lang=nb" not in page
    quiz = student.get("/sv/lessons/what-they-look-like/quiz").get_data(as_text=True)
    assert quiz.count("[sv] ") >= 5
    sheet = open_quiz(student, swedish_app, "what-they-look-like", lang="sv")
    result = submit(student, sheet, lang="sv")
    assert result.status_code == 303
    assert "[sv] " in student.get(result.headers["Location"]).get_data(as_text=True)
    # The Norwegian and English pages are as before.
    assert "[sv]" not in student.get("/nb/lessons/what-they-look-like").get_data(as_text=True)


def test_translate_init_refuses_an_unknown_code_and_an_existing_catalogue(runner):
    unknown = runner.invoke(args=["translate", "init", "xx"])
    assert unknown.exit_code != 0 and "'xx' is not a language code Babel knows" in unknown.output
    existing = runner.invoke(args=["translate", "init", "nb"])
    assert existing.exit_code != 0 and "There is a 'nb' catalogue already" in existing.output


def test_languages_can_be_limited_and_a_wrong_code_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.setenv("MINEQUIZ_LANGUAGES", "en")
    app = make_app(tmp_path / "en.sqlite")
    assert app.config["LANGUAGES"] == ("en",) and app.config["BABEL_DEFAULT_LOCALE"] == "en"
    monkeypatch.setenv("MINEQUIZ_LANGUAGES", "en,xx")
    with pytest.raises(ValueError, match="'xx' in MINEQUIZ_LANGUAGES"):
        make_app(tmp_path / "xx.sqlite")
