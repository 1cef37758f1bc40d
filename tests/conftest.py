"""Fixtures: a migrated database with the built-in content, copied fresh for each test."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("MINEQUIZ_SECRET_KEY", "test-secret-key-not-for-production")

from babel.messages.frontend import CommandLineInterface  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from minequiz import create_app  # noqa: E402
from minequiz.config import TRANSLATIONS_DIR  # noqa: E402


def make_app(database: Path, **config):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", **config})


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The real compiled catalogues, as `flask translate compile` builds them."""
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS_DIR)])


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory, compiled_catalogues) -> Path:
    """A database built the way a user builds one: migrations, then `content load`."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    app = make_app(path)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def app(seeded_database, tmp_path):
    database = tmp_path / "test.sqlite"
    shutil.copy(seeded_database, database)
    app = make_app(database)
    yield app
    with app.app_context():
        from minequiz.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
