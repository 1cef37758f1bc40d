"""A student in Chromium: a quiz in Norwegian without JavaScript, feedback, English, progress."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, go_back

pytestmark = pytest.mark.browser


def answer_everything_right(page, version):
    """Fill in the quiz the way a person does: click the right choices, number the steps."""
    for question in version.questions:
        if question.kind == "order":
            for number, choice in enumerate(question.choices, 1):
                page.select_option(f'select[name="q{question.id}-{choice.id}"]', str(number))
        else:
            for choice in question.choices:
                if choice.correct:
                    page.check(f'input[name="q{question.id}"][value="{choice.id}"]')


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_student_takes_a_quiz_in_norwegian_and_finds_it_in_english(browser, live_server, app, screenshot, viewport):
    from tests.factories import lesson_slugs, open_quiz

    size = "phone" if viewport == PHONE else "desktop"
    slug = lesson_slugs(app)[2]
    version = open_quiz(app.test_client(), app, slug).version
    context = browser.new_context(viewport=viewport, java_script_enabled=False, locale="nb-NO")
    page = context.new_page()

    page.goto(live_server + "/")
    assert page.url == live_server + "/nb/"
    assert page.locator("h1").inner_text() == "Leksjoner"
    screenshot(page, f"{size}-1-lessons-nb")

    page.click(f'a[href="/nb/lessons/{slug}"] >> nth=0')
    assert page.locator("h1").inner_text() == version.texts["nb"].title
    assert page.locator(".key-messages li").count() >= 1
    screenshot(page, f"{size}-2-lesson-nb")

    page.click("text=Ta quizen")
    answer_everything_right(page, version)
    page.click("text=Send svarene mine")
    assert "/attempts/" in page.url
    assert page.locator(".score .big").inner_text().replace("\xa0", " ") == "100 %"
    assert page.locator(".feedback > li.right").count() == len(version.questions)
    assert page.locator(".explanation").first.inner_text() == version.questions[0].texts["nb"].explanation
    screenshot(page, f"{size}-3-result-nb")

    page.click('a[hreflang="en"]')
    assert page.locator("h1").inner_text() == f"Result: {version.texts['en'].title}"
    page.click("header >> text=My progress")
    assert re.search(r"/en/progress$", page.url)
    row = page.locator("table.progress tr", has_text=version.texts["en"].title)
    assert "Mastered" in row.inner_text()
    history = page.locator(".history a")
    assert history.count() == 1
    screenshot(page, f"{size}-4-progress-en")
    history.first.click()
    assert "/en/attempts/" in page.url
    context.close()


def test_a_missing_answer_is_shown_next_to_its_question(browser, live_server, app, screenshot):
    from tests.factories import lesson_slugs

    slug = lesson_slugs(app)[0]
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/nb/lessons/{slug}/quiz")
    page.click("text=Send svarene mine")
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".field-error").first.inner_text() == "Svar på dette spørsmålet."
    screenshot(page, "phone-5-missing-answers-nb")
    context.close()


@pytest.mark.parametrize("path", ["/nb/", "/en/lessons/{slug}", "/nb/lessons/{slug}/quiz", "/en/progress"])
def test_pages_fit_a_360_pixel_phone(browser, live_server, app, path):
    from tests.factories import lesson_slugs

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server + path.format(slug=lesson_slugs(app)[0]))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_back_then_send_again_counts_once(browser, live_server, app):
    from tests.factories import count_rows, lesson_slugs, open_quiz

    slug = lesson_slugs(app)[0]
    version = open_quiz(app.test_client(), app, slug).version
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/en/lessons/{slug}/quiz")
    answer_everything_right(page, version)
    page.click("text=Send my answers")
    assert "/attempts/" in page.url
    go_back(page)
    with page.expect_navigation() as navigation:
        page.click("text=Send my answers")
    assert navigation.value.status == 409
    assert page.locator("h1").inner_text() == "These answers were already sent"
    assert count_rows(app)[0] == 1
    context.close()
