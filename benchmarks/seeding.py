"""Bulk data for the benchmarks: one teacher, classes of students, and their scored
attempts with every answer, inserted in batches (the services would take hours)."""

import random
from datetime import datetime, timedelta

from werkzeug.security import generate_password_hash

from minequiz.extensions import db
from minequiz.models import Attempt, Classroom, Membership, Response, User
from minequiz.services.content import published_lessons
from minequiz.services.scoring import ChoiceSpec, score_answer

TEACHER = ("bench", "benchmark password")
START = datetime(2026, 9, 1)


def seed(class_sizes: list[int], attempts_each: int, rng: random.Random) -> list[int]:
    """Insert the teacher, one class per size with that many students, and `attempts_each`
    attempts per student; returns the class ids. Commits as it goes."""
    teacher = User(
        role="teacher", username=TEACHER[0], display_name="Bench", password_hash=generate_password_hash(TEACHER[1])
    )
    db.session.add(teacher)
    db.session.flush()
    versions = [lesson.published_version for lesson in published_lessons()]
    specs = {v.id: [(q, [ChoiceSpec(c.id, c.correct) for c in q.choices]) for q in v.questions] for v in versions}
    next_attempt = (db.session.scalar(db.select(db.func.max(Attempt.id))) or 0) + 1
    class_ids = []
    for number, size in enumerate(class_sizes):
        classroom = Classroom(name=f"Class {number + 1:03d}", join_code=f"B{number:05d}"[:6], teacher=teacher)
        users = [
            User(
                role="student",
                display_name=f"Student {number:03d}-{n:02d}",
                pin_hash="-",
                gender=rng.choice(["female", "male", None]),
                age_group=rng.choice(["12-17", "18-59", None]),
            )
            for n in range(size)
        ]
        db.session.add(classroom)
        db.session.add_all(users)
        db.session.flush()
        class_ids.append(classroom.id)
        db.session.execute(
            db.insert(Membership),
            [
                {
                    "classroom_id": classroom.id,
                    "user_id": user.id,
                    "display_name": user.display_name,
                    "name_key": user.display_name.casefold(),
                    "joined_at": START,
                }
                for user in users
            ],
        )
        attempts, responses = [], []
        for user in users:
            skill = rng.random()
            for index in range(attempts_each):
                version = versions[index % len(versions)]
                score, answers = 0.0, []
                for question, choices in specs[version.id]:
                    every = [c.id for c in question.choices]
                    right = every if question.kind == "order" else [c.id for c in question.choices if c.correct]
                    answer = right if rng.random() < skill else rng.sample(every, len(right))
                    mark = score_answer(question.kind, choices, answer)
                    score += mark
                    answers.append(
                        {
                            "attempt_id": next_attempt,
                            "question_id": question.id,
                            "answer": answer,
                            "mark": mark,
                            "correct": mark >= 1,
                        }
                    )
                when = START + timedelta(days=index, minutes=user.id % 600)
                attempts.append(
                    {
                        "id": next_attempt,
                        "user_id": user.id,
                        "version_id": version.id,
                        "locale": "nb",
                        "kind": "pre" if index < len(versions) and index % 2 == 0 else "post",
                        "started_at": when,
                        "submitted_at": when + timedelta(minutes=6),
                        "score": score,
                        "max_score": len(answers),
                        "client_token": f"bench-{next_attempt}",
                    }
                )
                responses += answers
                next_attempt += 1
        if attempts:
            db.session.execute(db.insert(Attempt), attempts)
            db.session.execute(db.insert(Response), responses)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("SELECT setval(pg_get_serial_sequence('attempt', 'id'), :n)"), {"n": next_attempt})
        db.session.commit()
    return class_ids
