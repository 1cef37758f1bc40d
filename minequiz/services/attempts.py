"""Taking a quiz: one-time form tickets and recording a scored attempt."""

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.dialects.postgresql import ARRAY

from ..extensions import db, read_row, write_row
from ..models import Attempt, LessonVersion, Response
from ..models.base import utcnow
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
    # On a connection of its own: a read in the session would begin its transaction, and
    # a submit would then need BEGIN and COMMIT round trips (see record_attempt).
    return read_row(_ATTEMPTED, {"user_id": user_id, "lesson_id": lesson_id}) is not None


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


_ATTEMPT_COLUMNS = (
    "user_id", "version_id", "locale", "kind", "started_at", "submitted_at", "client_token", "max_score", "score",
)  # fmt: skip
_NEW_ATTEMPT = sa.insert(Attempt.__table__)
_NEW_RESPONSES = sa.insert(Response.__table__)


def _store_at_once() -> sa.Select:
    """PostgreSQL: the attempt and its responses in one statement, so in one round trip
    to the server; all of it is stored or none (in autocommit, a statement is a
    transaction of its own). The responses come as one array per column, so the
    statement is the same for any quiz (the driver prepares it once). It answers the new
    attempt's id."""
    attempt = Attempt.__table__
    new = (
        sa.insert(attempt)
        .values({name: sa.bindparam(name) for name in _ATTEMPT_COLUMNS})
        .returning(attempt.c.id)
        .cte("new_attempt")
    )
    answered = (
        sa.func.unnest(
            sa.bindparam("question_ids", type_=ARRAY(sa.Integer)),
            sa.bindparam("answers", type_=ARRAY(sa.Text)),  # JSON texts
            sa.bindparam("marks", type_=ARRAY(sa.Float)),
            sa.bindparam("right", type_=ARRAY(sa.Boolean)),
        )
        .table_valued("question_id", "answer", "mark", "correct")
        .render_derived(name="answered")
    )
    responses = sa.insert(Response.__table__).from_select(
        ["attempt_id", "question_id", "answer", "mark", "correct"],
        sa.select(
            new.c.id, answered.c.question_id, sa.cast(answered.c.answer, sa.JSON), answered.c.mark, answered.c.correct
        )
        .select_from(new)
        .join(answered, sa.true()),  # each response with the one new attempt
    )
    return sa.select(new.c.id).add_cte(responses.cte("responses"))


_STORE_AT_ONCE = _store_at_once()


def record_attempt(
    user_id: int, version: LessonVersion, ticket: QuizTicket, answers: dict[int, list[int]], locale: str
) -> int:
    """Score `answers` (question id → choice ids) and write the attempt with all its
    responses; returns its id. A ticket used before makes the insert fail (IntegrityError:
    the token is unique), so a form sent twice stores one attempt. Plain inserts: a quiz
    is sent far more often than anything else is written, and the ORM's unit of work
    would cost more than the inserts themselves.

    On PostgreSQL, if this request has begun no transaction in the session (the learner
    is known), the write is a transaction of its own, committed when this returns. Else,
    and always on SQLite, it joins the session's, which the caller commits (a learner made
    by this post is stored with their attempt, or not at all)."""
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
    attempt = {
        "user_id": user_id,
        "version_id": version.id,
        "locale": locale,
        "kind": kind,
        "started_at": ticket.issued_at.astimezone(UTC).replace(tzinfo=None),
        "submitted_at": utcnow(),
        "client_token": ticket.token,
        "max_score": len(version.questions),
        "score": round(score, 6),
    }
    if db.engine.dialect.name == "postgresql":
        return _write_at_once(attempt, rows)
    # On the session's connection (in its transaction), without the ORM's execution layer.
    connection = db.session.connection()
    attempt_id = connection.execute(_NEW_ATTEMPT, attempt).inserted_primary_key[0]
    connection.execute(_NEW_RESPONSES, [{"attempt_id": attempt_id, **row} for row in rows])
    return attempt_id


def _write_at_once(attempt: dict, rows: list[dict]) -> int:
    """PostgreSQL: the attempt and its responses as one statement (see _store_at_once)."""
    params = {
        **attempt,
        "question_ids": [row["question_id"] for row in rows],
        "answers": [json.dumps(row["answer"]) for row in rows],
        "marks": [float(row["mark"]) for row in rows],
        "right": [row["correct"] for row in rows],
    }
    if db.session().in_transaction():
        return db.session.connection().execute(_STORE_AT_ONCE, params).scalar_one()
    return write_row(_STORE_AT_ONCE, params).id
