"""Serving for real: gunicorn with two workers, the health check, one log line a request."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import make_app
from tests.factories import lesson_slugs, open_quiz, submit


def test_health_check_answers_while_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_check_is_503_when_the_database_is_gone(tmp_path):
    app = make_app(tmp_path / "no-such-folder" / "gone.sqlite")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "database unavailable"}


def test_pages_answer_after_the_database_dropped_its_connections(app, client):
    """After a restart of the database server, the pooled connections are dead. The first
    read to meet one starts the pool afresh and asks again: nobody sees an error page."""
    from sqlalchemy import event

    from minequiz.extensions import db, statement_engine

    assert client.get("/en/").status_code == 200  # a pooled connection, now in use
    with app.app_context():
        engines = {db.engine, statement_engine(db.engine)}  # (one on SQLite)
    dropped = []

    def drop_it(dbapi_connection, _record, _proxy):
        if not dropped:  # as the server does when it goes away: the client finds out on use
            dbapi_connection.close()
            dropped.append(dbapi_connection)

    for engine in engines:
        event.listen(engine, "checkout", drop_it)
    try:
        response = client.get("/en/")
        again = client.get("/nb/")
    finally:
        for engine in engines:
            event.remove(engine, "checkout", drop_it)
    assert dropped, "no connection was dropped"
    assert response.status_code == 200 and "Lessons" in response.get_data(as_text=True)
    assert again.status_code == 200 and "Leksjoner" in again.get_data(as_text=True)


def test_who_is_reading_stays_prepared_across_requests_that_read_through_the_session(app, client):
    """On PostgreSQL the statements every request asks run on connections of their own,
    in autocommit. psycopg forgets a connection's prepared statements after a ROLLBACK,
    which ends every request that read through the session (a result page, here): on the
    session's connections, who is reading would be planned afresh on every request."""
    from minequiz.extensions import db, statement_engine

    location = submit(client, open_quiz(client, app, lesson_slugs(app)[0])).headers["Location"]
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        assert statement_engine(engine) is engine  # SQLite's driver keeps its statements itself
        return
    assert statement_engine(engine) is not engine
    for _ in range(8):  # psycopg prepares a statement the sixth time it is asked
        assert client.get(location).status_code == 200
    connection = statement_engine(engine).raw_connection()
    try:
        assert connection.driver_connection.autocommit
        cursor = connection.cursor()
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()
    assert [text for text in prepared if 'FROM "user"' in text and "catalogue_lessons" in text], prepared
    # After a restart of the server the app's engine is disposed: this pool starts afresh too.
    pool = statement_engine(engine).pool
    engine.dispose()
    assert statement_engine(engine).pool is not pool


def test_every_request_is_one_log_line_with_its_timing(client, caplog):
    with caplog.at_level(logging.INFO, logger="minequiz.requests"):
        client.get("/nb/?secret=query")
        client.get("/nb/no-such-page")
    lines = [record.getMessage() for record in caplog.records if record.name == "minequiz.requests"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /nb/ 200 ") and lines[0].endswith("ms") and "secret" not in lines[0]
    assert lines[1].startswith("GET /nb/no-such-page 404 ")


def test_an_address_cannot_write_a_log_line_of_its_own(client, caplog):
    with caplog.at_level(logging.INFO, logger="minequiz.requests"):
        client.get("/nb/x%0AGET%20/forged%20200")
    [line] = [record.getMessage() for record in caplog.records if record.name == "minequiz.requests"]
    assert "\n" not in line and line.startswith("GET /nb/x\\x0aGET /forged 200 404 ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_app_with_two_workers(app, tmp_path):
    port = free_port()
    env = {**os.environ, "MINEQUIZ_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "2", "--no-control-socket", "-b", f"127.0.0.1:{port}"]
    gunicorn.append("minequiz.wsgi:app")
    log_file = tmp_path / "gunicorn.log"
    server = subprocess.Popen(gunicorn, env=env, stderr=log_file.open("w"))
    try:
        # A worker on a busy machine may take seconds to import the app: the socket
        # accepts at once, the answer comes when the worker is ready.
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=15) as response:
                    assert response.status == 200
                    break
            except OSError:  # refused, reset or timed out while the workers boot
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("gunicorn did not answer") from None
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/nb/lessons/what-they-look-like", timeout=15) as page:
            assert "Slik ser miner" in page.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=20)
        log = log_file.read_text()
        print(log)
    assert "Booting worker" in log and log.count("Booting worker") == 2
    assert "GET /nb/lessons/what-they-look-like 200 " in log
