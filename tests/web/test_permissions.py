"""Every route with every role: who may see what.

Anonymous visitors of staff pages are sent to log in (302); a wrong role is refused (403);
a class, student or result that is not yours does not exist for you (404).
"""

import pytest

from minequiz.extensions import db
from minequiz.models import Classroom, Membership
from tests.web.conftest import ROLES

STAFF_ONLY = {"anonymous": 302, "student": 403, "other_student": 403, "editor": 403}
CLASS_PAGE = {**STAFF_ONLY, "teacher": 200, "other_teacher": 404, "admin": 200}
EVERYONE = {role: 200 for role in ROLES}

ROUTES = [
    ("GET", "/", {role: 302 for role in ROLES}),
    ("GET", "/healthz", EVERYONE),
    ("GET", "/robots.txt", EVERYONE),
    ("GET", "/favicon.ico", {role: 301 for role in ROLES}),
    ("GET", "/static/site.css", EVERYONE),
    ("GET", "/en/", EVERYONE),
    ("GET", "/en/lessons/{slug}", EVERYONE),
    ("GET", "/en/lessons/{slug}/quiz", EVERYONE),
    ("POST", "/en/lessons/{slug}/quiz", {role: 400 for role in ROLES}),
    ("POST", "/en/lessons/{slug}/quiz/answers", {role: 400 for role in ROLES}),
    ("GET", "/en/lessons/{slug}/quiz/answers", {role: 303 for role in ROLES}),
    ("POST", "/en/login", {role: 422 for role in ROLES}),
    ("POST", "/en/login/student", {role: 422 for role in ROLES}),
    ("GET", "/en/login/student", {role: 303 for role in ROLES}),
    ("POST", "/en/join", {role: 422 for role in ROLES}),
    ("POST", "/en/logout", {role: 303 for role in ROLES}),
    ("GET", "/en/progress", EVERYONE),
    ("GET", "/en/login", EVERYONE),
    ("GET", "/en/join", EVERYONE),
    (
        "GET",
        "/en/attempts/{attempt}",
        {
            "anonymous": 404,
            "student": 200,
            "other_student": 404,
            "teacher": 200,
            "other_teacher": 404,
            "editor": 404,
            "admin": 200,
        },
    ),
    ("GET", "/en/teach/", {**STAFF_ONLY, "teacher": 200, "other_teacher": 200, "admin": 200}),
    ("POST", "/en/teach/", {**STAFF_ONLY, "teacher": 422, "other_teacher": 422, "admin": 422}),
    ("GET", "/en/teach/classes/{class}", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/report", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/items", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/overview.csv", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/gain.csv", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/messages.csv", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/items.csv", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/groups-gender.csv", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/nothing.csv", {**CLASS_PAGE, "teacher": 404, "admin": 404}),
    ("POST", "/en/teach/classes/{class}/code", {**CLASS_PAGE, "teacher": 303, "admin": 303}),
    ("POST", "/en/teach/classes/{class}/closed", {**CLASS_PAGE, "teacher": 303, "admin": 303}),
    ("GET", "/en/teach/classes/{class}/students/{membership}", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/students/{membership}/attempts.csv", CLASS_PAGE),
    ("GET", "/en/teach/classes/{class}/students/{membership}/data.json", CLASS_PAGE),
    ("POST", "/en/teach/classes/{class}/students/{membership}/pin", {**CLASS_PAGE, "teacher": 400, "admin": 400}),
    ("GET", "/en/teach/classes/{class}/students/{membership}/delete", CLASS_PAGE),
    ("POST", "/en/teach/classes/{class}/students/{membership}/delete", CLASS_PAGE),
    ("GET", "/en/teach/classes/999999", {**CLASS_PAGE, "teacher": 404, "admin": 404}),
    ("GET", "/en/admin/users", {**STAFF_ONLY, "teacher": 403, "other_teacher": 403, "admin": 200}),
    ("POST", "/en/admin/users", {**STAFF_ONLY, "teacher": 403, "other_teacher": 403, "admin": 422}),
    (
        "POST",
        "/en/admin/users/{teacher_id}/password",
        {**STAFF_ONLY, "teacher": 403, "other_teacher": 403, "admin": 400},
    ),
    ("POST", "/en/admin/users/{teacher_id}/active", {**STAFF_ONLY, "teacher": 403, "other_teacher": 403, "admin": 303}),
    ("GET", "/media/" + "0" * 64, {role: 404 for role in ROLES}),
]
# The studio: editors and admins. A form posted without a session is kept for after login (401).
STUDIO = {**STAFF_ONLY, "teacher": 403, "other_teacher": 403, "editor": 200, "admin": 200}


def studio_post(status: int) -> dict:
    return {**STUDIO, "anonymous": 401, "editor": status, "admin": status}


ROUTES += [
    ("GET", "/en/studio/", STUDIO),
    ("POST", "/en/studio/lessons", studio_post(422)),
    ("GET", "/en/studio/lessons/{lesson}", STUDIO),
    ("POST", "/en/studio/lessons/{lesson}", studio_post(400)),
    ("GET", "/en/studio/lessons/999999", {**STUDIO, "editor": 404, "admin": 404}),
    ("POST", "/en/studio/lessons/{lesson}/questions", studio_post(400)),
    ("GET", "/en/studio/lessons/{lesson}/questions/{question}", STUDIO),
    ("GET", "/en/studio/lessons/{lesson}/questions/no-such-question", {**STUDIO, "editor": 404, "admin": 404}),
    ("POST", "/en/studio/lessons/{lesson}/questions/{question}", studio_post(400)),
    ("POST", "/en/studio/lessons/{lesson}/questions/{question}/move", studio_post(400)),
    ("POST", "/en/studio/lessons/{lesson}/questions/{question}/delete", studio_post(400)),
    ("POST", "/en/studio/lessons/{lesson}/publish", studio_post(400)),
    ("POST", "/en/studio/lessons/{lesson}/unpublish", studio_post(400)),
    ("POST", "/en/studio/lessons/{lesson}/resolve", studio_post(400)),
    ("GET", "/en/studio/lessons/{lesson}/preview", STUDIO),
    ("GET", "/en/studio/lessons/{lesson}/preview/quiz", STUDIO),
    ("GET", "/en/studio/lessons/{lesson}/history", STUDIO),
    ("GET", "/en/studio/lessons/{lesson}/export.json", STUDIO),
    ("GET", "/en/studio/export.json", STUDIO),
    ("POST", "/en/studio/import", studio_post(400)),
    ("GET", "/en/studio/gift/en", STUDIO),
    ("GET", "/en/studio/gift/xx", {**STUDIO, "editor": 404, "admin": 404}),
    ("GET", "/en/studio/lessons/{lesson}/gift/nb", STUDIO),
    ("POST", "/en/studio/lessons/{lesson}/gift", studio_post(400)),
    ("GET", "/en/studio/messages/{message}", STUDIO),
    ("POST", "/en/studio/messages/{message}", studio_post(400)),
]


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_with_every_role(app, world, method, path, expected):
    url = path.format(**{k: v for k, v in world.items() if k != "clients"})
    for role in ROLES:
        response = world["clients"][role].open(url, method=method, data={})
        assert response.status_code == expected[role], f"{role} {method} {url}"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Classroom)) == 2
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 2


def test_an_editor_sees_no_student_data(world):
    editor = world["clients"]["editor"]
    page = editor.get("/en/").get_data(as_text=True)
    assert "My classes" not in page and "Ali" not in page


def test_the_table_above_covers_every_route(app):
    """A new route must be added to ROUTES, with who may use it."""
    adapter = app.url_map.bind("localhost")
    ids = {
        "slug": "a-lesson",
        "class": 1,
        "membership": 1,
        "attempt": 1,
        "teacher_id": 1,
        "lesson": 1,
        "question": "a-question",
        "message": 1,
    }
    covered = {
        (method, adapter.match(path.format(**ids), method=method, return_rule=True)[0].rule)
        for method, path, _ in ROUTES
    }
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in covered, f"{method} {rule.rule} has no expected statuses"
