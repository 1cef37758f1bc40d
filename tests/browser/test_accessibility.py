"""Every page passes axe-core in Chromium, in both languages, fits a 360 px phone and a
200 % zoom without sideways scrolling, and a quiz can be taken with the keyboard alone."""

from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import lesson_slugs, make_staff

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# 200 % zoom of a 1280 px window: the page lays out in 640 CSS pixels.
ZOOMED = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}


def audit(page) -> list[str]:
    """axe-core's violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({', '.join(node['target'][0] for node in v['nodes'][:3])})"
        for v in result["violations"]
    ]


def overflow(page) -> int:
    """How many CSS pixels the page is wider than its window (0: no sideways scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def pages(app, live_server, browser):
    """Paths of every kind of page, with a browser page logged in as who may see them."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm install --no-save axe-core@4` (./dev.sh test does it)")
    from minequiz.extensions import db
    from minequiz.models import Attempt, Membership
    from tests.factories import seed_class

    make_staff(app, "tina")
    make_staff(app, "edna", role="editor")
    make_staff(app, "ada", role="admin")
    with app.app_context():
        from minequiz.models import User

        teacher_id = db.session.scalar(db.select(User.id).where(User.username == "tina"))
    class_id = seed_class(app, teacher_id, students=6, attempts_each=3)
    with app.app_context():
        membership = db.session.scalar(db.select(Membership.id).where(Membership.classroom_id == class_id))
        attempt = db.session.scalar(db.select(Attempt.id))
    slug = lesson_slugs(app)[0]
    student = [
        "/{lang}/",
        f"/{{lang}}/lessons/{slug}",
        f"/{{lang}}/lessons/{slug}/quiz",
        "/{lang}/progress",
        "/{lang}/join",
        "/{lang}/login",
        "/{lang}/no-such-page",
    ]
    teacher = [
        "/{lang}/teach/",
        f"/{{lang}}/teach/classes/{class_id}",
        f"/{{lang}}/teach/classes/{class_id}/report",
        f"/{{lang}}/teach/classes/{class_id}/items",
        f"/{{lang}}/teach/classes/{class_id}/students/{membership}",
        f"/{{lang}}/teach/classes/{class_id}/students/{membership}/delete",
        f"/{{lang}}/attempts/{attempt}",
        "/{lang}/studio/",
    ]
    editor = [
        "/{lang}/studio/",
        "/{lang}/studio/lessons/1",
        "/{lang}/studio/lessons/1/questions/" + first_question_key(app),
        "/{lang}/studio/messages/1",
        "/{lang}/studio/lessons/1/preview",
        "/{lang}/studio/lessons/1/preview/quiz",
        "/{lang}/studio/lessons/1/history?old=1&new=draft",
    ]
    admin = ["/{lang}/admin/users"]
    return [(None, student), ("tina", teacher), ("edna", editor), ("ada", admin)]


def first_question_key(app) -> str:
    from minequiz.extensions import db
    from minequiz.models import Lesson

    with app.app_context():
        return db.session.get(Lesson, 1).published_version.questions[0].key


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_page_passes_axe_and_fits_a_phone_and_a_200_percent_zoom(browser, live_server, pages, lang):
    problems = []
    for username, paths in pages:
        for size, options in (
            ("desktop", {"viewport": DESKTOP, "bypass_csp": True}),
            ("phone", {"viewport": PHONE}),
            ("zoom", ZOOMED),
        ):
            context = browser.new_context(**options)
            page = context.new_page()
            if username:
                log_in(page, live_server, username)
            for path in paths:
                url = path.format(lang=lang)
                page.goto(live_server + url)
                if size == "desktop":
                    problems += [f"{url}: {line}" for line in audit(page)]
                elif overflow(page) > 0:
                    problems.append(f"{url} at {size}: {overflow(page)} px wider than the window")
            context.close()
    assert problems == []


def test_a_quiz_can_be_answered_and_sent_with_the_keyboard_alone(browser, live_server, app):
    slug = lesson_slugs(app)[0]
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server}/en/lessons/{slug}/quiz")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to content"
    focused_kind = """() => {
      const element = document.activeElement;
      const selects = element.closest('fieldset') ? [...element.closest('fieldset').querySelectorAll('select')] : [];
      return {tag: element.tagName, type: element.type || '', text: element.textContent.trim(),
              place: selects.indexOf(element)};
    }"""
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(focused_kind)
        if focused["tag"] == "SELECT":
            for _step in range(focused["place"] + 1):  # step n of an ordering question gets number n
                page.keyboard.press("ArrowDown")
        elif focused["type"] in ("radio", "checkbox"):
            page.keyboard.press("Space")
        elif focused["tag"] == "BUTTON" and focused["text"] == "Send my answers":
            page.keyboard.press("Enter")
            break
    page.wait_for_url("**/attempts/**")
    assert page.locator(".score").count() == 1
