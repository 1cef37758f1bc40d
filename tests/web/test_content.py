"""The built-in content and `flask content load`: whole, bilingual, neutral, idempotent."""

import re
import shutil
from collections import Counter

import pytest

from minequiz.extensions import db
from minequiz.models import Attempt, Lesson, LessonVersion, Question, SafetyMessage
from minequiz.services.content_files import CONTENT_DIR
from tests.factories import count_rows, lesson_slugs, open_quiz, submit


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (Lesson, LessonVersion, Question, SafetyMessage, Attempt)
        }


def test_six_lessons_of_at_least_five_questions_in_both_languages(app):
    with app.app_context():
        lessons = db.session.scalars(db.select(Lesson)).all()
        assert len(lessons) >= 6
        for lesson in lessons:
            version = lesson.published_version
            assert set(version.texts) == {"nb", "en"}
            assert len(version.questions) >= 5, lesson.slug
            for question in version.questions:
                assert set(question.texts) == {"nb", "en"}
                assert all(set(choice.texts) == {"nb", "en"} for choice in question.choices)


def test_each_of_the_eight_safety_messages_is_checked_at_least_three_times(app):
    with app.app_context():
        messages = db.session.scalars(db.select(SafetyMessage)).all()
        assert sorted(m.number for m in messages) == list(range(1, 9))
        published = db.select(Lesson.published_version_id)
        counts = Counter(db.session.scalars(db.select(Question.message_id).where(Question.version_id.in_(published))))
        for message in messages:
            assert counts[message.id] >= 3, message.key


def test_content_is_neutral():
    text = " ".join(path.read_text() for path in CONTENT_DIR.rglob("*.toml")).lower()
    for word in ("terror", "occupation", "okkupasjon", "armenia", "armensk", "finkel", "malicious"):
        assert word not in text


def test_loading_twice_changes_nothing(runner, app):
    before = table_counts(app)
    result = runner.invoke(args=["content", "load"])
    assert result.exit_code == 0
    assert f"0 new, 0 with a new version, {before['Lesson']} unchanged" in result.output
    assert table_counts(app) == before


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_file_with_a_missing_language_is_refused_naming_lesson_and_field(runner, app, content_copy):
    path = sorted((content_copy / "lessons").glob("*.toml"))[1]
    source = path.read_text()
    slug = re.search(r'^slug = "([^"]+)"', source, re.M).group(1)
    path.write_text(re.sub(r"^summary\.nb = .*$", "", source, count=1, flags=re.M))
    before = table_counts(app)
    result = runner.invoke(args=["content", "load", "--path", str(content_copy)])
    assert result.exit_code == 1
    assert f"lesson '{slug}': field 'summary' has no text in language 'nb'" in result.output
    assert table_counts(app) == before


def test_missing_choice_translation_is_named(runner, app, content_copy):
    path = sorted((content_copy / "lessons").glob("*.toml"))[0]
    path.write_text(re.sub(r"^(\s*)text\.en = .*$", r'\1text.en = ""', path.read_text(), count=1, flags=re.M))
    result = runner.invoke(args=["content", "load", "--path", str(content_copy)])
    assert result.exit_code == 1
    assert re.search(r"question '[\w-]+', choice '[\w-]+': field 'text' has no text in language 'en'", result.output)


def test_changed_lesson_gets_a_new_version_and_old_results_keep_their_wording(client, app, runner, content_copy):
    slug = lesson_slugs(app)[0]
    sheet = open_quiz(client, app, slug)
    old_prompt = sheet.version.questions[0].texts["en"].prompt
    old_result = submit(client, sheet).headers["Location"]

    path = next(p for p in (content_copy / "lessons").glob("*.toml") if f'slug = "{slug}"' in p.read_text())
    path.write_text(path.read_text().replace(old_prompt, "A reworded question?", 1))
    result = runner.invoke(args=["content", "load", "--path", str(content_copy)])
    assert result.exit_code == 0 and "1 with a new version" in result.output

    assert "A reworded question?" in client.get(f"/en/lessons/{slug}/quiz").get_data(as_text=True)
    old_page = client.get(old_result).get_data(as_text=True)
    assert old_prompt in old_page and "A reworded question?" not in old_page
    # A quiz page opened before the change can still be sent: it is scored on its version.
    assert submit(client, open_quiz(client, app, slug)).status_code == 303
    assert count_rows(app)[0] == 2
