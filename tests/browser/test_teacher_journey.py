"""A teacher and a student in two Chromium windows: class, code, quiz, report, chart."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_student_journey import answer_everything_right

pytestmark = pytest.mark.browser


def test_teacher_creates_a_class_a_student_joins_and_the_teacher_sees_the_result(browser, live_server, app, screenshot):
    from tests.factories import lesson_slugs, make_staff, open_quiz

    make_staff(app, "tina", password="correct horse battery")
    slug = lesson_slugs(app)[0]
    version = open_quiz(app.test_client(), app, slug).version

    teacher = browser.new_context(viewport=DESKTOP, locale="nb-NO").new_page()
    teacher.goto(live_server + "/nb/login")
    teacher.fill("#username", "tina")
    teacher.fill("#password", "correct horse battery")
    teacher.click("text=Logg inn >> nth=-1")
    assert teacher.url.endswith("/nb/teach/")
    teacher.fill("#name", "Klasse 5B – Ærø")
    teacher.click("text=Opprett klassen")
    code = teacher.locator(".join-code .code-text").inner_text()
    assert re.fullmatch(r"[A-HJ-KMNP-Z2-9]{6}", code)
    screenshot(teacher, "desktop-6-teacher-new-class-nb")

    student = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    student.goto(live_server + "/nb/join")
    student.fill("#code", code.lower())
    student.fill("#name", "Åse")
    student.fill("#pin", "2468")
    student.select_option("#gender", "female")
    screenshot(student, "phone-7-join-nb")
    student.click("text=Bli med i klassen")
    assert "Velkommen til klassen" in student.locator(".notice").inner_text()
    student.goto(f"{live_server}/nb/lessons/{slug}/quiz")
    answer_everything_right(student, version)
    student.click("text=Send svarene mine")
    assert "/attempts/" in student.url

    teacher.reload()
    row = teacher.locator("table#overview tbody tr", has_text="Åse")
    assert "100" in row.inner_text() and "Mestret" in row.inner_text()
    assert teacher.locator("figure.chart svg circle").count() == 1
    screenshot(teacher, "desktop-8-teacher-overview-nb")
    teacher.click("nav.tabs >> text=Læring")
    assert teacher.locator("figure.chart svg rect").count() == 8
    screenshot(teacher, "desktop-9-teacher-report-nb")
    teacher.click("nav.tabs >> text=Elever")
    teacher.click("table#overview >> text=Åse")
    teacher.click("table#student tbody a")
    assert "/nb/attempts/" in teacher.url
    assert teacher.locator(".score .big").inner_text().replace("\xa0", " ") == "100 %"
