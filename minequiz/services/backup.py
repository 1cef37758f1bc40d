"""All data in one file and back: accounts, classes, content and its versions, pictures,
attempts and their answers.

The file is gzip-compressed JSON lines: a header (format, schema revision), then per table a
line naming it and its columns, followed by one line per row (a list of values, in key
order). It is written and read as a stream, so a large database never sits in memory.
A restore goes into an empty database only: the schema is migrated to the backup's
revision, the rows are inserted (table by table, in an order that satisfies the foreign
keys), and then the schema is migrated on to the current one.
"""

import base64
import gzip
import json
import os
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from flask import current_app

from ..extensions import db

FORMAT = "minequiz-backup"
FORMAT_VERSION = 1
BATCH = 2000


class BackupError(Exception):
    """A file that is not a backup, or a database that is not empty."""


def schema_revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _encode(column: sa.Column, value):
    if value is None:
        return None
    if isinstance(column.type, sa.LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(column: sa.Column, value):
    if value is None:
        return None
    if isinstance(column.type, sa.LargeBinary):
        return base64.b64decode(value)
    if isinstance(column.type, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date):
        return date.fromisoformat(value)
    return value


def _snapshot(connection):
    """The connection reading one consistent state of the whole database, so a backup
    taken while students send quizzes has every answer's attempt and every attempt's user."""
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        connection.begin()
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")  # pysqlite starts no transaction for reading
    return connection


def create(path: Path) -> dict[str, int]:
    """Write every row to `path` (readable by its owner only); the row count per table."""
    counts = {}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when the file was there before, with other rights
    with db.engine.connect() as plain, gzip.open(os.fdopen(descriptor, "wb"), "wt", encoding="utf-8") as out:
        connection = _snapshot(plain)
        header = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema": schema_revision(connection)}
        out.write(json.dumps(header) + "\n")
        for table in tables():
            columns = list(table.columns)
            out.write(json.dumps({"table": table.name, "columns": [c.name for c in columns]}) + "\n")
            query = sa.select(table).order_by(*table.primary_key.columns)
            counts[table.name] = 0
            for row in connection.execution_options(yield_per=BATCH).execute(query):
                values = [_encode(column, value) for column, value in zip(columns, row, strict=True)]
                out.write(json.dumps(values, ensure_ascii=False) + "\n")
                counts[table.name] += 1
    return counts


def read_header(path: Path) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline())
    except (OSError, ValueError, EOFError):
        raise BackupError("This is not a minequiz backup file.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
        raise BackupError("This is not a minequiz backup file (or one from a newer minequiz).")
    return header


def check_empty(connection) -> None:
    """Refuse to restore over data: every table of the schema must have no rows."""
    present = set(sa.inspect(connection).get_table_names())
    for table in tables():
        if table.name in present and connection.execute(sa.select(sa.func.count()).select_from(table)).scalar():
            raise BackupError(f"The database is not empty (table {table.name!r} has rows): restore into an empty one.")


def _deferred_columns(name: str) -> set[str]:
    """Columns that point at a table restored later (a foreign key created with use_alter)."""
    table = db.metadata.tables.get(name)
    return {fk.parent.name for fk in table.foreign_keys if fk.constraint.use_alter} if table is not None else set()


def restore(path: Path) -> dict[str, int]:
    """Insert the backup's rows into the (empty) tables; the row count per table. The caller
    has migrated the schema to the backup's revision; the tables are read from the database
    as they are at that revision (not as the models are now), and the rows go in as one
    transaction."""
    counts: dict[str, int] = {}
    later: list[tuple[sa.Table, dict]] = []
    with db.engine.begin() as connection, gzip.open(path, "rt", encoding="utf-8") as source:
        check_empty(connection)
        schema = sa.MetaData()
        schema.reflect(bind=connection)
        by_name = dict(schema.tables)
        source.readline()
        table, columns, batch, deferred = None, [], [], set()

        def flush():
            if batch:
                connection.execute(table.insert(), batch)
                batch.clear()

        for line in source:
            item = json.loads(line)
            if isinstance(item, dict):
                flush()
                table = by_name.get(item["table"])
                if table is None:
                    raise BackupError(f"The backup has a table this minequiz does not know: {item['table']!r}.")
                unknown = [name for name in item["columns"] if name not in table.columns]
                if unknown:
                    raise BackupError(f"The backup's table {table.name!r} has columns this schema has not: {unknown}.")
                columns = [table.columns[name] for name in item["columns"]]
                deferred = _deferred_columns(table.name)
                counts[table.name] = 0
                continue
            row = {column.name: _decode(column, value) for column, value in zip(columns, item, strict=True)}
            if any(row.get(name) is not None for name in deferred):
                later.append((table, {name: row[name] for name in deferred} | _key(table, row)))
                row = {**row, **dict.fromkeys(deferred)}
            batch.append(row)
            counts[table.name] += 1
            if len(batch) >= BATCH:
                flush()
        flush()
        for target, values in later:
            keys = [c.name for c in target.primary_key.columns]
            condition = sa.and_(*(target.columns[k] == values[k] for k in keys))
            connection.execute(
                target.update().where(condition).values({k: v for k, v in values.items() if k not in keys})
            )
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, schema.tables.values())
    return counts


def _key(table: sa.Table, row: dict) -> dict:
    return {column.name: row[column.name] for column in table.primary_key.columns}


def _reset_sequences(connection, restored) -> None:
    """After rows came with their ids, PostgreSQL's id counters go on after the largest."""
    for table in restored:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer):
            continue
        sequence = connection.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": connection.dialect.identifier_preparer.quote(table.name), "column": key[0].name},
        ).scalar()
        if sequence:
            largest = connection.execute(sa.select(sa.func.max(key[0]))).scalar()
            connection.execute(
                sa.text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": largest or 1, "called": largest is not None},
            )


def migrate_to(revision: str | None) -> None:
    """Bring the (empty) database's schema to `revision`, up or down."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    with db.engine.connect() as connection:
        check_empty(connection)
        current = schema_revision(connection)
    if current == revision:
        return
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    order = [item.revision for item in script.walk_revisions()]  # newest first
    if revision not in order:
        raise BackupError(f"The backup's schema ({revision}) is not one this minequiz knows: is it newer?")
    if current is not None and order.index(current) < order.index(revision):
        downgrade(revision=revision)
    else:
        upgrade(revision=revision)
