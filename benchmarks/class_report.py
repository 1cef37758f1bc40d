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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MINEQUIZ_SECRET_KEY", "benchmark-only")

from flask_migrate import upgrade  # noqa: E402

from benchmarks.seeding import TEACHER, seed  # noqa: E402
from minequiz import create_app  # noqa: E402
from minequiz.extensions import cache  # noqa: E402


def timed(client, path: str, runs: int) -> list[float]:
    """Each request with the rendered-page cache emptied first: the work a teacher waits
    for after a new attempt (a repeated view of an unchanged class is served cached)."""
    client.get(path)  # warm up templates and the published-content catalogue
    times = []
    for _ in range(runs):
        with client.application.app_context():
            cache.clear()
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
        [class_id] = seed([args.students], args.attempts, random.Random(7))
    print(f"Seeded {args.students} students x {args.attempts} attempts in {time.perf_counter() - began:.1f} s")

    client = app.test_client()
    token = (
        client.get("/en/login").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    )
    client.post("/en/login", data={"csrf_token": token, "username": TEACHER[0], "password": TEACHER[1]})
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
