"""My progress: scores per lesson, the gain from the pre-test, mastery, and past attempts."""

import re

import pytest
import sqlalchemy as sa

from minequiz.extensions import db
from tests.factories import count_queries, lesson_slugs, open_quiz, right_answers, submit, wrong_answers


def progress_row(page: str, title: str) -> list[str]:
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>" + re.escape(title) + r"</a></th>(.*?)</tr>", page, re.S)
    assert row, f"no progress row for {title}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def half_right(version) -> dict:
    answers = right_answers(version)
    answers.update({k: v for k, v in wrong_answers(version).items() if k.startswith(f"q{version.questions[0].id}")})
    return answers


def test_new_learner_sees_every_lesson_not_started(client, app):
    page = client.get("/en/progress").get_data(as_text=True)
    assert page.count("Not started") == len(lesson_slugs(app))
    assert "You have not taken any quiz yet." in page


def test_pretest_then_quiz_shows_first_latest_best_gain_and_mastery(client, app):
    slug = lesson_slugs(app)[0]
    pre = open_quiz(client, app, slug, pre=True)
    assert "Test yourself first: answer before you read the lesson" in client.get(
        f"/en/lessons/{slug}/quiz?kind=pre"
    ).get_data(as_text=True)
    first_result = client.get(submit(client, pre, answers=wrong_answers(pre.version)).headers["Location"])
    assert "Now read the lesson" in first_result.get_data(as_text=True)

    after = open_quiz(client, app, slug)
    submit(client, after, answers=half_right(after.version))
    again = open_quiz(client, app, slug)
    submit(client, again)

    title = pre.version.texts["en"].title
    page = client.get("/en/progress").get_data(as_text=True)
    first, latest, best, count, gain, status = progress_row(page, title)
    assert (first, latest, best, count) == ("0%", "100%", "100%", "3")
    assert gain == "+100 percentage points"
    assert status == "Mastered"
    links = re.findall(r'href="(/en/attempts/\d+)"', page)
    assert len(links) == 3
    for link in links:
        assert client.get(link).status_code == 200


def test_latest_score_under_80_percent_is_not_mastered(client, app):
    slug = lesson_slugs(app)[0]
    sheet = open_quiz(client, app, slug, lang="nb")
    submit(client, sheet, lang="nb")
    worse = open_quiz(client, app, slug, lang="nb")
    submit(client, worse, lang="nb", answers=wrong_answers(worse.version))
    page = client.get("/nb/progress").get_data(as_text=True)
    first, latest, best, count, gain, status = progress_row(page, sheet.version.texts["nb"].title)
    assert (first, latest, best, count, gain) == ("100\xa0%", "0\xa0%", "100\xa0%", "2", "–")
    assert status == "Ikke mestret ennå"


def test_pretest_is_offered_only_before_the_first_attempt(client, app):
    slug = lesson_slugs(app)[0]
    assert f"/en/lessons/{slug}/quiz?kind=pre" in client.get("/en/").get_data(as_text=True)
    submit(client, open_quiz(client, app, slug))
    assert f"/en/lessons/{slug}/quiz?kind=pre" not in client.get("/en/").get_data(as_text=True)
    page = client.get(f"/en/lessons/{slug}/quiz?kind=pre").get_data(as_text=True)
    assert "this is not a test before reading" in page
    sheet = open_quiz(client, app, slug, pre=True)
    result = client.get(submit(client, sheet).headers["Location"]).get_data(as_text=True)
    assert "Test before reading" not in result


def test_progress_survives_closing_the_browser(client, app):
    slug = lesson_slugs(app)[0]
    submit(client, open_quiz(client, app, slug))
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.expires is not None
    client.delete_cookie("session")  # what closing the browser forgets
    page = client.get("/en/progress").get_data(as_text=True)
    assert len(re.findall(r'href="/en/attempts/\d+"', page)) == 1


def test_safety_message_mastery_comes_from_the_latest_attempts(client, app):
    slug = lesson_slugs(app)[0]
    sheet = open_quiz(client, app, slug)
    submit(client, sheet)
    page = client.get("/en/progress").get_data(as_text=True)
    checked = {q.message.number for q in sheet.version.questions if q.message}
    for number in checked:
        item = re.search(rf"Safety message {number}:.*?<span class=\"figure\">(.*?)</span>", page, re.S)
        assert item and item.group(1) == "100%"


@pytest.mark.parametrize("path", ["/en/", "/en/progress"])
def test_pages_run_the_same_number_of_queries_however_many_attempts(client, app, path):
    slugs = lesson_slugs(app)
    submit(client, open_quiz(client, app, slugs[0]))
    few = count_queries(app, client, path)
    for slug in slugs:
        for _ in range(3):
            submit(client, open_quiz(client, app, slug))
    assert count_queries(app, client, path) == few


@pytest.mark.parametrize("path", ["/en/", "/en/lessons/{slug}", "/en/progress"])
def test_a_kept_page_costs_one_query_signed_in_or_not(client, app, path):
    slug = lesson_slugs(app)[0]
    visitor = app.test_client()
    submit(client, open_quiz(client, app, slug))  # signed in by their attempt
    for reader in (visitor, client):
        reader.get(path.format(slug=slug))
        # The reader's row comes with the content check (or, for a visitor, the check alone).
        assert count_queries(app, reader, path.format(slug=slug)) == 1


@pytest.mark.parametrize("path", ["/en/", "/en/lessons/{slug}", "/en/progress"])
def test_a_kept_page_builds_no_orm_object_for_its_reader(client, app, path):
    """Who is reading comes as plain values; the account is loaded only to change it."""
    slug = lesson_slugs(app)[0]
    submit(client, open_quiz(client, app, slug))
    client.get(path.format(slug=slug))
    built = []

    def listener(target, _context):
        built.append(type(target).__name__)

    sa.event.listen(db.Model, "load", listener, propagate=True)
    try:
        page = client.get(path.format(slug=slug))
    finally:
        sa.event.remove(db.Model, "load", listener)
    assert page.status_code == 200 and built == []


def test_a_drop_uses_the_norwegian_minus_sign(client, app):
    slug = lesson_slugs(app)[0]
    pre = open_quiz(client, app, slug, lang="nb", pre=True)
    submit(client, pre, lang="nb")
    after = open_quiz(client, app, slug, lang="nb")
    submit(client, after, lang="nb", answers=wrong_answers(after.version))
    page = client.get("/nb/progress").get_data(as_text=True)
    assert "−100 prosentpoeng" in page
