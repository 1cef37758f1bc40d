"""Helpers that act like a learner: open a quiz, fill it in right or wrong, send it."""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from minequiz.extensions import db, plain_statement
from minequiz.models import Attempt, Lesson, LessonVersion, Response
from minequiz.services.content import published_lessons

HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|ticket)"[^>]*value="([^"]*)"')


@dataclass
class QuizSheet:
    """A quiz page as the learner got it: its hidden fields and its questions."""

    slug: str
    csrf_token: str
    ticket: str
    version: LessonVersion

    def form(self, answers: dict[str, object] | None = None, **overrides) -> dict:
        data = {"csrf_token": self.csrf_token, "ticket": self.ticket}
        data.update(answers if answers is not None else right_answers(self.version))
        data.update(overrides)
        return data


def lesson_slugs(app) -> list[str]:
    with app.app_context():
        return [lesson.slug for lesson in published_lessons()]


def open_quiz(client, app, slug: str, lang: str = "en", pre: bool = False) -> QuizSheet:
    url = f"/{lang}/lessons/{slug}/quiz" + ("?kind=pre" if pre else "")
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    hidden = dict(HIDDEN.findall(page.get_data(as_text=True)))
    with app.app_context():
        lesson = db.session.scalar(db.select(Lesson).where(Lesson.slug == slug))
        version = db.session.get(LessonVersion, lesson.published_version_id)
        _ = [(q.texts, [c.texts for c in q.choices]) for q in version.questions]
        db.session.expunge_all()
    return QuizSheet(slug, hidden["csrf_token"], hidden["ticket"], version)


def right_answers(version: LessonVersion) -> dict[str, object]:
    data: dict[str, object] = {}
    for question in version.questions:
        if question.kind == "order":
            for number, choice in enumerate(question.choices, 1):
                data[f"q{question.id}-{choice.id}"] = str(number)
        else:
            data[f"q{question.id}"] = [str(c.id) for c in question.choices if c.correct]
    return data


def wrong_answers(version: LessonVersion) -> dict[str, object]:
    data: dict[str, object] = {}
    for question in version.questions:
        if question.kind == "order":
            count = len(question.choices)
            for number, choice in enumerate(question.choices):
                data[f"q{question.id}-{choice.id}"] = str(count - number)
        else:
            data[f"q{question.id}"] = [str(c.id) for c in question.choices if not c.correct][:1]
    return data


def submit(client, sheet: QuizSheet, lang: str = "en", **kwargs):
    return client.post(f"/{lang}/lessons/{sheet.slug}/quiz", data=sheet.form(**kwargs))


def count_rows(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count()).select_from(Attempt)),
            db.session.scalar(db.select(db.func.count()).select_from(Response)),
        )


FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')
REVISION = re.compile(r'name="revision"[^>]*value="([0-9]+)"')


def csrf_of(client, path: str) -> str:
    page = client.get(path)
    match = FORM_TOKEN.search(page.get_data(as_text=True))
    assert match, f"no form on {path}"
    return match.group(1)


def make_staff(app, username: str, role: str = "teacher", password: str = "correct horse battery") -> int:
    from minequiz.services import accounts

    with app.app_context():
        user = accounts.create_staff(username, password, role, username.title())
        db.session.commit()
        return user.id


def log_in_staff(client, username: str, password: str = "correct horse battery", lang: str = "en"):
    token = csrf_of(client, f"/{lang}/login")
    return client.post(f"/{lang}/login", data={"csrf_token": token, "username": username, "password": password})


def create_class(client, name: str = "Class 5B", lang: str = "en") -> tuple[int, str]:
    """Create a class as the logged-in teacher; returns its id and join code."""
    from minequiz.models import Classroom

    token = csrf_of(client, f"/{lang}/teach/")
    response = client.post(f"/{lang}/teach/", data={"csrf_token": token, "name": name})
    assert response.status_code == 303, response.status_code
    class_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with client.application.app_context():
        return class_id, db.session.get(Classroom, class_id).join_code


def join(client, code: str, name: str, pin: str = "4321", lang: str = "en", **profile):
    token = csrf_of(client, f"/{lang}/join")
    return client.post(f"/{lang}/join", data={"csrf_token": token, "code": code, "name": name, "pin": pin, **profile})


def seed_class(
    app, teacher_id: int, students: int, attempts_each: int = 2, name: str = "Seeded class", seed: int = 1
) -> int:
    """A class with students and attempts, written through the services (fast)."""
    import random
    from datetime import UTC, datetime, timedelta

    from minequiz.models import Classroom, Membership, User
    from minequiz.services import accounts, attempts
    from minequiz.services.content import published_lessons

    rng = random.Random(seed)
    with app.app_context():
        classroom = Classroom(name=name, teacher_id=teacher_id, join_code=accounts.new_join_code())
        db.session.add(classroom)
        versions = [lesson.published_version for lesson in published_lessons()]
        start = datetime(2026, 9, 1, tzinfo=UTC)
        for number in range(students):
            user = User(
                role="student",
                display_name=f"Student {number:04d}",
                pin_hash="x",
                gender=rng.choice(["female", "male", None]),
                age_group=rng.choice(["12-17", "18-59"]),
            )
            db.session.add(
                Membership(
                    classroom=classroom,
                    user=user,
                    display_name=user.display_name,
                    name_key=accounts.name_key(user.display_name),
                )
            )
            db.session.flush()
            for index in range(attempts_each):
                version = versions[index % len(versions)]
                answers = {}
                for question in version.questions:
                    choices = [c.id for c in question.choices]
                    if question.kind == "order":
                        answers[question.id] = rng.sample(choices, len(choices))
                    elif question.kind == "multiple":
                        answers[question.id] = rng.sample(choices, rng.randint(1, len(choices)))
                    else:
                        answers[question.id] = [rng.choice(choices)]
                ticket = attempts.QuizTicket(
                    version.id,
                    "pre" if index < len(versions) and rng.random() < 0.5 else "post",
                    f"seed-{seed}-{number}-{index}",
                    start + timedelta(days=index, minutes=number),
                )
                attempt_id = attempts.record_attempt(user.id, version, ticket, answers, "nb")
                db.session.execute(
                    sa.update(Attempt)
                    .where(Attempt.id == attempt_id)
                    .values(submitted_at=(start + timedelta(days=index, minutes=number + 5)).replace(tzinfo=None))
                )
        db.session.commit()
        return classroom.id


def count_queries(app, client, path: str) -> int:
    """How many SQL statements one page view runs."""
    return len(statements_of(app, lambda: client.get(path), expect=200))


def statements_of(app, request, expect: int) -> list[str]:
    """The SQL statements that one request (a callable answering a response) runs,
    including those run on the driver's own cursor (extensions.read_row, write_row)."""
    from sqlalchemy import event

    statements = []
    with app.app_context():
        engine = db.engine

    def listener(*args):
        statements.append(args[2])

    def plain_listener(_engine, statement, parameters):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    plain_statement.connect(plain_listener)
    try:
        assert request().status_code == expect
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        plain_statement.disconnect(plain_listener)
    return statements


# The studio ----------------------------------------------------------------------------


def new_lesson(editor, slug="local-signs") -> int:
    token = csrf_of(editor, "/en/studio/")
    response = editor.post("/en/studio/lessons", data={"csrf_token": token, "slug": slug})
    assert response.status_code == 303
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def publish(editor, lesson_id: int, lang="en"):
    page = editor.get(f"/{lang}/studio/lessons/{lesson_id}").get_data(as_text=True)
    return editor.post(
        f"/{lang}/studio/lessons/{lesson_id}/publish",
        data={"csrf_token": FORM_TOKEN.search(page).group(1), "revision": REVISION.search(page).group(1)},
    )
