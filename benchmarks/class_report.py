"""Benchmark: a class report for 1,000 students with 20 attempts each, beside the lesson
list, in one run, as ratios.

    .venv/bin/python benchmarks/class_report.py [--students 1000] [--attempts 20] [--runs 30]

It builds a fresh SQLite database the way a user does (migrations, `content load`),
bulk-inserts the students and their scored attempts, then times each page through the
app (Flask test client: the app's own work, without network) and prints median and p95.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MINEQUIZ_SECRET_KEY", "benchmark-only")

from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from minequiz import create_app  # noqa: E402
from minequiz.extensions import db  # noqa: E402
from minequiz.models import Attempt, Classroom, Membership, Response, User  # noqa: E402
from minequiz.services.content import published_lessons  # noqa: E402
from minequiz.services.scoring import ChoiceSpec, score_answer  # noqa: E402


def seed(students: int, attempts_each: int, rng: random.Random) -> int:
    """Insert a teacher, a class, its students and their attempts in bulk; returns the class id."""
    teacher = User(
        role="teacher",
        username="bench",
        display_name="Bench",
        password_hash=generate_password_hash("benchmark password"),
    )
    classroom = Classroom(name="Benchmark class", join_code="BENCH2", teacher=teacher)
    db.session.add_all([teacher, classroom])
    db.session.flush()
    versions = [lesson.published_version for lesson in published_lessons()]
    specs = {v.id: [(q, [ChoiceSpec(c.id, c.correct) for c in q.choices]) for q in v.questions] for v in versions}
    users = [
        User(
            role="student",
            display_name=f"Student {n:04d}",
            pin_hash="-",
            gender=rng.choice(["female", "male", None]),
            age_group=rng.choice(["12-17", "18-59", None]),
        )
        for n in range(students)
    ]
    db.session.add_all(users)
    db.session.flush()
    db.session.execute(
        db.insert(Membership),
        [
            {
                "classroom_id": classroom.id,
                "user_id": u.id,
                "display_name": u.display_name,
                "name_key": u.display_name.casefold(),
                "joined_at": datetime(2026, 9, 1),
            }
            for u in users
        ],
    )
    start = datetime(2026, 9, 1)
    attempt_rows, response_rows = [], []
    next_id = 1
    for user in users:
        skill = rng.random()
        for index in range(attempts_each):
            version = versions[index % len(versions)]
            score, responses = 0.0, []
            for question, choices in specs[version.id]:
                every = [c.id for c in question.choices]
                right = every if question.kind == "order" else [c.id for c in question.choices if c.correct]
                answer = right if rng.random() < skill else rng.sample(every, len(right))
                mark = score_answer(question.kind, choices, answer)
                score += mark
                responses.append(
                    {
                        "attempt_id": next_id,
                        "question_id": question.id,
                        "answer": answer,
                        "mark": mark,
                        "correct": mark >= 1,
                    }
                )
            when = start + timedelta(days=index, minutes=user.id)
            attempt_rows.append(
                {
                    "id": next_id,
                    "user_id": user.id,
                    "version_id": version.id,
                    "locale": "nb",
                    "kind": "pre" if index < len(versions) and index % 2 == 0 else "post",
                    "started_at": when,
                    "submitted_at": when + timedelta(minutes=6),
                    "score": score,
                    "max_score": len(responses),
                    "client_token": f"bench-{next_id}",
                }
            )
            response_rows += responses
            next_id += 1
    db.session.execute(db.insert(Attempt), attempt_rows)
    db.session.execute(db.insert(Response), response_rows)
    db.session.commit()
    return classroom.id


def timed(client, path: str, runs: int) -> list[float]:
    client.get(path)  # warm up caches and templates
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (path, response.status_code)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="minequiz-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}"})
    with app.app_context():
        upgrade()
    assert app.test_cli_runner().invoke(args=["content", "load"]).exit_code == 0
    began = time.perf_counter()
    with app.app_context():
        class_id = seed(args.students, args.attempts, random.Random(7))
    print(f"Seeded {args.students} students x {args.attempts} attempts in {time.perf_counter() - began:.1f} s")

    client = app.test_client()
    token = (
        client.get("/en/login").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    )
    client.post("/en/login", data={"csrf_token": token, "username": "bench", "password": "benchmark password"})
    pages = [
        ("lesson list", "/en/"),
        ("class overview", f"/en/teach/classes/{class_id}"),
        ("class report (learning)", f"/en/teach/classes/{class_id}/report"),
        ("item statistics", f"/en/teach/classes/{class_id}/items"),
        ("overview CSV", f"/en/teach/classes/{class_id}/overview.csv"),
    ]
    results = [(name, timed(client, path, args.runs)) for name, path in pages]
    base = statistics.median(results[0][1])
    print(f"\n{'page':28} {'median ms':>10} {'p95 ms':>8} {'x lesson list':>14}")
    for name, times in results:
        median = statistics.median(times)
        print(f"{name:28} {median * 1000:10.1f} {p95(times) * 1000:8.1f} {median / base:14.1f}")


if __name__ == "__main__":
    main()
