"""The Flask extensions, created unbound and initialised in create_app."""

import sqlite3
from collections import namedtuple
from typing import NamedTuple
from weakref import WeakKeyDictionary

from blinker import Namespace
from flask import current_app
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Compiled, Engine
from sqlalchemy.exc import DBAPIError
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


class _Plain(NamedTuple):
    """A statement compiled once for a dialect, to run on the driver's own cursor."""

    sql: str
    positions: tuple[str, ...] | None  # the parameters' order, for a positional paramstyle
    compiled: Compiled
    processors: tuple  # per column: the type's conversion of what the driver gives, or None
    row: type

    def values(self, params: dict | None):
        values = self.compiled.construct_params(params)
        return values if self.positions is None else [values[name] for name in self.positions]

    def convert(self, found: tuple | None):
        if found is None:
            return None
        converted = zip(found, self.processors, strict=True)
        return self.row(*(value if convert is None else convert(value) for value, convert in converted))


# Per dialect (so none is kept alive by it), per statement.
_PLAIN: WeakKeyDictionary = WeakKeyDictionary()
# Sent with each statement read_row or write_row runs on the driver's cursor, which
# SQLAlchemy's own events do not see (for whoever counts or logs queries: the tests do).
plain_statement = Namespace().signal("plain-statement")


def _plain(statement, dialect) -> _Plain:
    kept = _PLAIN.setdefault(dialect, {})
    found = kept.get(statement)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        sql = str(compiled)
        if "POSTCOMPILE" in sql:
            raise ValueError("a plain statement's text must be complete once compiled (no IN lists)")
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise ValueError("a plain statement gets every value from its caller (no column defaults)")
        columns = list(statement.selected_columns)
        processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
        positions = tuple(compiled.positiontup) if compiled.positional else None
        row = namedtuple("Row", [column.key for column in columns])
        found = kept[statement] = _Plain(sql, positions, compiled, processors, row)
    return found


def _kept_in_one_connection(engine: Engine) -> bool:
    """A database kept in one shared connection (SQLite in memory, in tests)."""
    return isinstance(engine.pool, StaticPool | SingletonThreadPool)


def read_row(statement, params: dict | None = None):
    """The first row of one read-only statement (built once, at import), run on a pooled
    connection of its own, outside the request's session: what every request asks (who is
    reading, what content is published) costs one round trip and builds no ORM objects.

    It runs on the driver's cursor: SQLAlchemy compiles it once per dialect and converts
    the values with the columns' types, but its execution machinery, which costs several
    times what SQLite takes to answer, is left out. Parameters go to the driver as they
    are (numbers and texts). A database kept in one shared connection is asked through
    the session instead, so as not to end its transaction."""
    return _first_row(statement, params, write=False)


def write_row(statement, params: dict):
    """The first row of one statement that writes (its RETURNING), run as a transaction
    of its own on a pooled connection, as read_row runs a read. On PostgreSQL it runs in
    autocommit: the server commits the statement alone, with no BEGIN and no COMMIT to
    wait for, so it costs one round trip. Errors are SQLAlchemy's (an IntegrityError for
    a unique value stored before). Unlike a read it is not asked again if the connection
    was lost: it may have been stored. As in read_row, parameters go to the driver as
    they are (numbers, texts, naive datetimes, lists of them), with no type's conversion.
    A database kept in one shared connection is written through the session instead, in
    its transaction (the caller's commit ends it)."""
    return _first_row(statement, params, write=True)


def _first_row(statement, params: dict | None, write: bool):
    engine = db.engine
    if _kept_in_one_connection(engine):
        return db.session.execute(statement, params).first()
    plain = _plain(statement, engine.dialect)
    values = plain.values(params)
    try:
        found = _fetch_one(engine, plain.sql, values, commit=write)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        # The server went away (a restart, say), so no pooled connection is any good: the
        # pools start afresh. A lone read is simply asked again; a write may have been
        # stored, so it is not.
        engine.dispose()
        if write:
            raise
        found = _fetch_one(engine, plain.sql, values)
    return plain.convert(found)


# Per engine of the app (PostgreSQL only): the pool read_row and write_row run on.
_AUTOCOMMIT: WeakKeyDictionary = WeakKeyDictionary()


def statement_engine(engine: Engine) -> Engine:
    """The engine read_row and write_row run on: on SQLite, the app's own. On PostgreSQL,
    a pool of its own beside the session's, in autocommit. A lone statement needs no
    transaction around it: no BEGIN, no COMMIT or ROLLBACK, one round trip. And its
    connections keep psycopg's prepared statements, which psycopg forgets when it rolls a
    transaction back (as at the end of every request that read through the session): who is
    reading would be planned afresh each time, a third of a millisecond of the server's
    time. It starts afresh when the app's engine is disposed."""
    if engine.dialect.name != "postgresql":
        return engine
    found = _AUTOCOMMIT.get(engine)
    if found is None:
        # The app's own engine options (Flask-SQLAlchemy's), so that connection arguments
        # such as sslmode, or prepare_threshold=None behind PgBouncer, hold here too.
        options = dict(current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("echo", current_app.config.get("SQLALCHEMY_ECHO", False))
        made = create_engine(engine.url, **{**options, "isolation_level": "AUTOCOMMIT"})
        found = _AUTOCOMMIT.setdefault(engine, made)
        if found is made:
            event.listen(engine, "engine_disposed", lambda _engine: made.dispose())
        else:  # another thread made one first
            made.dispose()
    return found


def _fetch_one(engine: Engine, sql: str, values, commit: bool = False) -> tuple | None:
    postgres = engine.dialect.name == "postgresql"
    connection = statement_engine(engine).raw_connection()
    finished = False
    try:
        cursor = connection.cursor()
        if plain_statement.receivers:
            plain_statement.send(engine, statement=sql, parameters=values)
        try:
            cursor.execute(sql, values)
            found = cursor.fetchone()
        finally:
            cursor.close()
        if commit and not postgres:
            # (SQLite's driver starts no transaction for a SELECT; for a write it does.)
            connection.commit()
        finished = True
        return found
    except engine.dialect.loaded_dbapi.Error as error:
        lost = engine.dialect.is_disconnect(error, connection.driver_connection, None)  # (asked before it is closed)
        # The server refused the statement (a unique value stored before, say): the
        # connection is sound and goes back to the pool, which rolls back whatever
        # SQLite's driver began.
        finished = not lost
        raise DBAPIError.instance(
            sql, values, error, engine.dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=engine.dialect
        ) from error
    finally:
        if not finished:
            # Whatever stopped it (an error, a worker's timeout), this connection may be
            # mid-statement or mid-transaction: it is closed, not used again.
            connection.invalidate()
        connection.close()


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
