"""Fixtures for the web tests."""

import pytest

from minequiz.extensions import db
from minequiz.models import Attempt, Lesson, SafetyMessage, User
from minequiz.services import accounts, classes
from tests.factories import lesson_slugs, log_in_staff, make_staff, open_quiz, submit

ROLES = ("anonymous", "student", "other_student", "teacher", "other_teacher", "editor", "admin")


@pytest.fixture
def teacher(app, client):
    """The test client, logged in as the teacher "tina"."""
    make_staff(app, "tina")
    assert log_in_staff(client, "tina").status_code == 303
    return client


@pytest.fixture
def editor(app, client):
    """The test client, logged in as the editor "edna", who lands in the studio."""
    make_staff(app, "edna", role="editor")
    assert log_in_staff(client, "edna").headers["Location"].endswith("/en/studio/")
    return client


@pytest.fixture
def world(app):
    """Two teachers with a class each, a student in each, an editor and an admin."""
    ids = {
        name: make_staff(app, name, role)
        for name, role in [
            ("teacher", "teacher"),
            ("other_teacher", "teacher"),
            ("editor", "editor"),
            ("admin", "admin"),
        ]
    }
    with app.app_context():
        mine = classes.create_classroom(db.session.get(User, ids["teacher"]), "Mine")
        theirs = classes.create_classroom(db.session.get(User, ids["other_teacher"]), "Theirs")
        student = accounts.join_class(mine.join_code, "Ali", "1111", None, {})
        accounts.join_class(theirs.join_code, "Bea", "2222", None, {})
        db.session.commit()
        world = {
            "slug": lesson_slugs(app)[0],
            "class": mine.id,
            "code": mine.join_code,
            "other_code": theirs.join_code,
            "membership": student.id,
            "teacher_id": ids["teacher"],
        }
    clients = {role: app.test_client() for role in ROLES}
    for role in ("teacher", "other_teacher", "editor", "admin"):
        assert log_in_staff(clients[role], role).status_code == 303
    for role, code, name, pin in [
        ("student", world["code"], "Ali", "1111"),
        ("other_student", world["other_code"], "Bea", "2222"),
    ]:
        client = clients[role]
        token = (
            client.get("/en/login")
            .get_data(as_text=True)
            .split('name="csrf_token" type="hidden" value="')[1]
            .split('"')[0]
        )
        assert (
            client.post(
                "/en/login/student", data={"csrf_token": token, "code": code, "name": name, "pin": pin}
            ).status_code
            == 303
        )
    submit(clients["student"], open_quiz(clients["student"], app, lesson_slugs(app)[0]))
    with app.app_context():
        world["attempt"] = db.session.scalar(db.select(Attempt.id))
        first = db.session.scalar(db.select(Lesson).order_by(Lesson.position))
        world["lesson"] = first.id
        world["question"] = first.published_version.questions[0].key
        world["message"] = db.session.scalar(db.select(SafetyMessage.id))
    world["clients"] = clients
    return world
