"""The Flask extensions, created unbound and initialised in create_app."""

import sqlite3

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import SingletonThreadPool, StaticPool


class Base(DeclarativeBase):
    # Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
# Rendered page parts, keyed by everything they show (see templates/base.html and learn/):
# a stale entry is never read, so each server may keep its own.
cache = Cache()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)


def read_row(statement, params: dict | None = None) -> Row | None:
    """The first row of one read-only statement, run on a connection of its own, outside
    the request's session: what every request asks (who is reading, what content is
    published) costs one round trip and builds no ORM objects. A database kept in one shared
    connection (SQLite in memory) is asked through the session instead, so as not to end
    its transaction."""
    engine = db.engine
    if isinstance(engine.pool, StaticPool | SingletonThreadPool):
        return db.session.execute(statement, params).first()
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # A lone SELECT needs no transaction around it: no BEGIN and no ROLLBACK, one
            # round trip instead of three. (SQLite's driver starts none for a SELECT.)
            connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection.execute(statement, params).first()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        # Write-ahead logging: readers never wait for a writer, and a commit is one
        # append to the log. With NORMAL, a crash of the app loses nothing and a power cut
        # at worst the last second of commits, never the file. Two workers may write at
        # once: the second waits up to 5 s for the first instead of failing.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
