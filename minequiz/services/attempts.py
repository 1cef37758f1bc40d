"""Taking a quiz: one-time form tickets and recording a scored attempt."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import Attempt, LessonVersion, Response
from .scoring import ChoiceSpec, score_answer

TICKET_SALT = "minequiz.quiz-ticket"


@dataclass(frozen=True)
class QuizTicket:
    """What the quiz page promised: which version, which kind, and when it was opened."""

    version_id: int
    kind: str
    token: str
    issued_at: datetime


# Built once: a statement asked on every lesson page costs more to build than to run.
_ATTEMPTED = (
    sa.select(Attempt.id)
    .join(LessonVersion, Attempt.version_id == LessonVersion.id)
    .where(Attempt.user_id == sa.bindparam("user_id"), LessonVersion.lesson_id == sa.bindparam("lesson_id"))
    .limit(1)
)


def has_attempted(user_id: int | None, lesson_id: int) -> bool:
    if user_id is None:
        return False
    return db.session.scalar(_ATTEMPTED, {"user_id": user_id, "lesson_id": lesson_id}) is not None


def quiz_kind(user_id: int | None, lesson_id: int, wants_pretest: bool) -> str:
    """A pre-test only counts before the learner's first attempt at a lesson."""
    return "pre" if wants_pretest and not has_attempted(user_id, lesson_id) else "post"


@lru_cache(maxsize=8)
def _tickets(secret_key: str) -> URLSafeTimedSerializer:
    """Made once per key: a serializer tries out its JSON encoder when it is made."""
    return URLSafeTimedSerializer(secret_key, salt=TICKET_SALT)


def issue_ticket(secret_key: str, version_id: int, kind: str) -> str:
    return _tickets(secret_key).dumps({"v": version_id, "k": kind, "n": secrets.token_urlsafe(16)})


def read_ticket(secret_key: str, signed: str) -> QuizTicket | None:
    """The ticket in a posted form, or None if it is missing or was tampered with."""
    try:
        data, issued = _tickets(secret_key).loads(signed or "", return_timestamp=True)
        ticket = QuizTicket(int(data["v"]), str(data["k"]), str(data["n"]), issued)
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if ticket.kind not in ("pre", "post"):
        return None
    return ticket


def find_by_token(token: str) -> Attempt | None:
    return db.session.scalar(db.select(Attempt).where(Attempt.client_token == token))


_NEW_ATTEMPT = sa.insert(Attempt.__table__)
_NEW_RESPONSES = sa.insert(Response.__table__)


def record_attempt(
    user_id: int, version: LessonVersion, ticket: QuizTicket, answers: dict[int, list[int]], locale: str
) -> int:
    """Score `answers` (question id → choice ids) and write the attempt with all its
    responses in the session's transaction; returns its id. A ticket used before makes the
    insert fail (IntegrityError: the token is unique), so a form sent twice stores one
    attempt. Two plain inserts: a quiz is sent far more often than anything else is
    written, and the ORM's unit of work would cost more than the inserts themselves."""
    kind = ticket.kind
    if kind == "pre" and has_attempted(user_id, version.lesson_id):
        kind = "post"
    rows, score = [], 0.0
    for question in version.questions:
        answer = answers[question.id]
        specs = [ChoiceSpec(c.id, c.correct) for c in question.choices]
        mark = score_answer(question.kind, specs, answer)
        rows.append({"question_id": question.id, "answer": answer, "mark": mark, "correct": mark >= 1.0})
        score += mark
    # On the session's connection (in its transaction), without the ORM's execution layer.
    connection = db.session.connection()
    attempt_id = connection.execute(
        _NEW_ATTEMPT,
        {
            "user_id": user_id,
            "version_id": version.id,
            "locale": locale,
            "kind": kind,
            "started_at": ticket.issued_at.astimezone(UTC).replace(tzinfo=None),
            "client_token": ticket.token,
            "max_score": len(version.questions),
            "score": round(score, 6),
        },
    ).inserted_primary_key[0]
    connection.execute(_NEW_RESPONSES, [{"attempt_id": attempt_id, **row} for row in rows])
    return attempt_id
