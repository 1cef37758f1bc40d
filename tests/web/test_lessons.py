"""Reading: the lesson list, a lesson, languages and the language switch."""

import re

import pytest

from tests.factories import lesson_slugs


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("nb-NO,nb;q=0.9", "nb"),
        ("no", "nb"),
        ("nn-NO", "nb"),
        ("fr-FR,de;q=0.5", "nb"),
        ("", "nb"),
    ],
)
def test_root_opens_the_lessons_in_the_browsers_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{expected}/"


def test_root_remembers_the_language_last_used(client):
    client.get("/en/")
    response = client.get("/", headers={"Accept-Language": "nb-NO"})
    assert response.headers["Location"] == "/en/"


def test_lesson_list_shows_every_lesson_in_norwegian_and_english(client, app):
    slugs = lesson_slugs(app)
    assert len(slugs) >= 6
    norwegian = client.get("/nb/").get_data(as_text=True)
    english = client.get("/en/").get_data(as_text=True)
    assert '<html lang="nb">' in norwegian and "Leksjoner" in norwegian
    assert '<html lang="en">' in english and "Lessons" in english
    for slug in slugs:
        assert f'href="/nb/lessons/{slug}"' in norwegian
        assert f'href="/en/lessons/{slug}"' in english


def test_lesson_page_highlights_its_key_safety_messages(client, app):
    slug = lesson_slugs(app)[0]
    page = client.get(f"/en/lessons/{slug}").get_data(as_text=True)
    assert "Key safety messages in this lesson" in page
    assert re.search(r"Safety message \d+", page)
    assert f'href="/en/lessons/{slug}/quiz"' in page
    assert f'href="/en/lessons/{slug}/quiz?kind=pre"' in page


@pytest.mark.parametrize(
    "path", ["/{lang}/", "/{lang}/lessons/{slug}", "/{lang}/lessons/{slug}/quiz", "/{lang}/progress"]
)
def test_language_switch_keeps_the_same_page(client, app, path):
    slug = lesson_slugs(app)[0]
    page = client.get(path.format(lang="nb", slug=slug)).get_data(as_text=True)
    assert f'href="{path.format(lang="en", slug=slug)}" hreflang="en"' in page


def test_language_switch_keeps_the_pretest_choice(client, app):
    slug = lesson_slugs(app)[0]
    page = client.get(f"/nb/lessons/{slug}/quiz?kind=pre").get_data(as_text=True)
    assert f'href="/en/lessons/{slug}/quiz?kind=pre" hreflang="en"' in page


def test_unknown_lesson_is_a_404_page_in_the_readers_language(client):
    response = client.get("/nb/lessons/no-such-lesson")
    assert response.status_code == 404
    assert "Det finnes ingen leksjon på denne adressen" in response.get_data(as_text=True)
    response = client.get("/en/lessons/no-such-lesson/quiz")
    assert response.status_code == 404
    assert "There is no lesson at this address" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/xx/", "/de/lessons/anything", "/NB/", "/en-us/progress"])
def test_wrong_language_code_is_a_404_page(client, path):
    response = client.get(path, headers={"Accept-Language": "nb"})
    assert response.status_code == 404
    assert "Fant ikke siden" in response.get_data(as_text=True)


def test_unknown_address_is_a_404_page(client):
    response = client.get("/en/nothing/here")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_wrong_method_is_a_405_page(client):
    response = client.delete("/en/")
    assert response.status_code == 405
    assert "This page cannot be used like that" in response.get_data(as_text=True)
    assert {"GET", "HEAD"} <= {method.strip() for method in response.headers["Allow"].split(",")}
    assert response.headers["Content-Type"].startswith("text/html")


def test_an_id_in_other_digits_is_no_address(client, app):
    from tests.factories import open_quiz, submit

    result = submit(client, open_quiz(client, app, lesson_slugs(app)[0])).headers["Location"]
    attempt_id = int(result.rsplit("/", 1)[1])
    assert client.get(f"/en/attempts/{attempt_id}").status_code == 200
    arabic_indic = "".join(chr(0x0660 + int(digit)) for digit in str(attempt_id))
    assert client.get(f"/en/attempts/{arabic_indic}").status_code == 404


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_pages_send_security_headers(client):
    response = client.get("/en/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_language_refused_with_q_0_is_not_chosen(client):
    assert client.get("/", headers={"Accept-Language": "en;q=0, nb;q=0.5"}).headers["Location"] == "/nb/"


def test_robots_and_favicon_answer(client):
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/favicon.ico").status_code == 301
    assert client.get("/static/favicon.svg").status_code == 200


def test_trailing_slash_opens_the_same_page(client):
    assert client.get("/en/progress/").status_code == 200


@pytest.mark.parametrize("query", ["?endpoint=x", "?_method=POST", "?lang=xx", "?a-b=1", "?slug=other"])
def test_odd_query_arguments_never_break_a_page(client, app, query):
    slug = lesson_slugs(app)[0]
    for path in ("/en/", f"/en/lessons/{slug}", "/en/login", "/en/progress"):
        assert client.get(path + query).status_code == 200


def test_an_unusual_error_keeps_its_code(client):
    response = client.get("/static/site.css", headers={"Range": "bytes=999999-"})
    assert response.status_code == 416


def test_language_switch_on_a_form_result_leads_to_a_page(client):
    page = client.post("/nb/login/student", data={}).get_data(as_text=True)
    assert 'href="/en/" hreflang="en"' in page


def test_addresses_forms_post_to_lead_back_to_their_form_when_asked_for(client, app):
    slug = lesson_slugs(app)[0]
    response = client.get(f"/nb/lessons/{slug}/quiz/answers")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/nb/lessons/{slug}/quiz")
    response = client.get("/nb/login/student")
    assert response.status_code == 303 and response.headers["Location"].endswith("/nb/login")
