"""Fixtures: a migrated database with the built-in content, copied fresh for each test.

The database is SQLite by default. With MINEQUIZ_TEST_POSTGRES set to a PostgreSQL server's
URL without a database name (`postgresql+psycopg://postgres@127.0.0.1:55432`, as `.ci/run`
starts one), every test gets its own PostgreSQL database instead, made from a seeded
template.
"""

import os
import shutil
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("MINEQUIZ_SECRET_KEY", "test-secret-key-not-for-production")

import sqlalchemy as sa  # noqa: E402
from babel.messages.frontend import CommandLineInterface  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from minequiz import create_app  # noqa: E402
from minequiz.config import TRANSLATIONS_DIR  # noqa: E402

POSTGRES = os.environ.get("MINEQUIZ_TEST_POSTGRES", "").rstrip("/")


def make_app(database: Path | str, **config):
    """The app on a database: an SQLite file's path, or a URL."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})


def close(app) -> None:
    with app.app_context():
        from minequiz.extensions import db

        db.session.remove()
        db.engine.dispose()


class Server:
    """CREATE and DROP DATABASE on the test PostgreSQL server."""

    def __init__(self, url: str):
        self.url = url
        self.engine = sa.create_engine(f"{url}/postgres", isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def create(self, template: str | None = None) -> str:
        name = f"mq_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def drop(self, name: str) -> None:
        with self.engine.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def server():
    return Server(POSTGRES) if POSTGRES else None


@pytest.fixture
def new_database(server, tmp_path):
    """Makes empty databases for a test: `new_database("name")` gives its URL."""
    made = []

    def make(name: str) -> str:
        if server is None:
            return f"sqlite:///{tmp_path / name}.sqlite"
        made.append(server.create())
        return f"{server.url}/{made[-1]}"

    yield make
    for name in made:
        server.drop(name)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The real compiled catalogues, as `flask translate compile` builds them."""
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS_DIR)])


@pytest.fixture(scope="session")
def seeded_database(server, tmp_path_factory, compiled_catalogues):
    """A database built the way a user builds one: migrations, then `content load`. Its
    SQLite file, or the name of the PostgreSQL database that is the template of the others."""
    if server is None:
        seed = tmp_path_factory.mktemp("seed") / "seed.sqlite"
        url = f"sqlite:///{seed}"
    else:
        seed = server.create()
        url = f"{server.url}/{seed}"
    app = make_app(url)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    close(app)
    yield seed
    if server is not None:
        server.drop(seed)


@pytest.fixture
def app(server, seeded_database, tmp_path):
    if server is None:
        database = tmp_path / "test.sqlite"
        shutil.copy(seeded_database, database)
        app = make_app(database)
    else:
        name = server.create(template=seeded_database)
        app = make_app(f"{server.url}/{name}")
    yield app
    close(app)
    if server is not None:
        server.drop(name)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
