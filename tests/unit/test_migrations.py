"""The schema comes only from the migrations, and they agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from minequiz.extensions import db
from tests.conftest import make_app


def test_models_and_migrations_agree(tmp_path):
    app = make_app(tmp_path / "fresh.sqlite")
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []


def test_migrations_go_down_to_empty_and_up_again(tmp_path):
    app = make_app(tmp_path / "fresh.sqlite")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "attempt" in db.inspect(db.engine).get_table_names()
