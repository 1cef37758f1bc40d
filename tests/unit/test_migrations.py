"""The schema comes only from the migrations, and they agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from minequiz.extensions import db
from tests.conftest import make_app


def test_models_and_migrations_agree(new_database):
    app = make_app(new_database("fresh"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []


def test_migrations_go_down_to_empty_and_up_again(new_database):
    app = make_app(new_database("fresh"))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "attempt" in db.inspect(db.engine).get_table_names()


def test_migrations_keep_existing_data_up_and_down(new_database):
    """A database with learners and attempts survives every migration, both ways."""
    app = make_app(new_database("used"))
    with app.app_context():
        upgrade(revision="ddce4c0c39d1")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO \"user\" (id, role, created_at) VALUES (1, 'student', '2026-01-01')"
            )
            connection.exec_driver_sql("INSERT INTO lesson (id, slug, position) VALUES (1, 'l', 1)")
            connection.exec_driver_sql(
                "INSERT INTO lesson_version (id, lesson_id, number, created_at, source_hash)"
                " VALUES (1, 1, 1, '2026-01-01', 'x')"
            )
            connection.exec_driver_sql(
                "INSERT INTO attempt (id, user_id, version_id, locale, kind, started_at, submitted_at, score,"
                " max_score, client_token) VALUES (1, 1, 1, 'nb', 'post', '2026-01-01', '2026-01-01', 1, 1, 't')"
            )
        upgrade()
        with db.engine.connect() as connection:
            token = connection.exec_driver_sql('SELECT session_token FROM "user" WHERE id = 1').scalar()
            assert token and len(token) == 32
            assert connection.exec_driver_sql("SELECT count(*) FROM attempt").scalar() == 1
        downgrade(revision="ddce4c0c39d1")
        upgrade()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM attempt").scalar() == 1
