"""Helpers that act like a learner: open a quiz, fill it in right or wrong, send it."""
import re
from dataclasses import dataclass

from minequiz.extensions import db
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
