"""Stored XSS: script, event attributes and javascript: links typed into every field an
editor, a teacher or a student fills never run in Chromium, on any page that shows them."""

import io
import json

import pytest

from minequiz.extensions import db
from minequiz.models import Lesson
from tests.browser.conftest import DESKTOP, log_in
from tests.browser.test_studio_journey import answer_everything
from tests.factories import csrf_of, log_in_staff, make_staff

pytestmark = pytest.mark.browser

MARKUP = '<img src=x onerror="alert(1)"><script>alert(2)</script><svg onload=alert(3)></svg>'
BODY = (
    f'{MARKUP}\n\n[a link](javascript:alert(4)) <a href="javascript:alert(5)">a</a>\n\n'
    '<iframe src="javascript:alert(6)">'
)
SHORT = "<img src=x onerror=alert(7)>"  # for names, which are short
CHECK = """() => {
  const bad = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('on')) bad.push(element.tagName + ' ' + attribute.name);
      if (/^\\s*javascript:/i.test(attribute.value)) bad.push(element.tagName + ' ' + attribute.name);
    }
  }
  for (const tag of ['script:not([src])', 'iframe', 'svg [onload]', 'img[src="x"]']) {
    if (document.querySelector(tag)) bad.push(tag);
  }
  return bad;
}"""


def xss_lesson(lesson_document: dict) -> dict:
    """The first built-in lesson with the payload in every text, under a new address."""
    document = json.loads(json.dumps(lesson_document))
    document["slug"], document["position"] = "xss", 99
    for name in ("title", "summary", "body"):
        document[name] = {
            lang: (BODY if name == "body" else MARKUP) + " " + text for lang, text in document[name].items()
        }
    for question in document["questions"]:
        for name in ("prompt", "explanation"):
            question[name] = {lang: MARKUP + " " + text for lang, text in question[name].items()}
        for choice in question["choices"]:
            choice["text"] = {lang: MARKUP + " " + text for lang, text in choice["text"].items()}
    return document


def test_payloads_in_every_field_never_run(browser, live_server, app):
    make_staff(app, "edna", role="editor")
    make_staff(app, "tina")
    editor = app.test_client()
    log_in_staff(editor, "edna")
    exported = json.loads(editor.get("/en/studio/lessons/1/export.json").get_data(as_text=True))
    exported["lessons"] = [xss_lesson(exported["lessons"][0])]
    response = editor.post(
        "/en/studio/import",
        data={
            "csrf_token": csrf_of(editor, "/en/studio/"),
            "file": (io.BytesIO(json.dumps(exported).encode()), "x.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert 'href="/en/lessons/xss"' in editor.get("/en/").get_data(as_text=True)
    teacher = app.test_client()
    log_in_staff(teacher, "tina")
    created = teacher.post("/en/teach/", data={"csrf_token": csrf_of(teacher, "/en/teach/"), "name": SHORT})
    assert created.status_code == 303
    class_url = created.headers["Location"]
    code = teacher.get(class_url).get_data(as_text=True).split('class="code-text big">')[1].split("<")[0]

    dialogs = []
    context = browser.new_context(viewport=DESKTOP)
    context.on(
        "page", lambda page: page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    visited = []

    def check(path: str) -> None:
        page.goto(live_server + path)
        assert page.evaluate(CHECK) == [], path
        visited.append(path)

    page.goto(live_server + "/en/join")
    page.fill("#code", code)
    page.fill("#name", SHORT)
    page.fill("#pin", "2468")
    page.click("text=Join the class")
    for lang in ("en", "nb"):
        check(f"/{lang}/")
        check(f"/{lang}/lessons/xss")
        assert "<script>alert(2)</script>" in page.inner_text("h1")  # shown as text, not run
        check(f"/{lang}/lessons/xss/quiz")
    answer_everything(page)
    page.click("button[type=submit] >> nth=-1")
    result = page.url.removeprefix(live_server)
    assert "/attempts/" in result
    check(result)
    check("/en/progress")
    page.click("text=Log out")

    log_in(page, live_server, "tina")
    class_path = class_url.removeprefix("http://localhost")
    for suffix in ("", "/report", "/items"):
        check(class_path + suffix)
    assert SHORT in page.inner_text("h1") and SHORT in page.inner_text("main")
    page.goto(live_server + class_path)
    page.click("table#overview tbody a")
    check(page.url.removeprefix(live_server))
    check("/en/teach/")
    page.click("text=Log out")

    log_in(page, live_server, "edna")
    check("/en/studio/")
    with app.app_context():
        lesson_id = db.session.scalar(db.select(Lesson.id).where(Lesson.slug == "xss"))
    lesson_path = f"/en/studio/lessons/{lesson_id}"
    for suffix in ("", "/preview", "/preview/quiz", "/history?old=1&new=draft"):
        check(lesson_path + suffix)
    page.goto(live_server + lesson_path)
    page.click("text=Edit question 1")
    check(page.url.removeprefix(live_server))
    assert dialogs == [], dialogs
    assert len(visited) >= 18
    context.close()
