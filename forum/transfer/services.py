"""Dump every table of the forum to a file (forum.transfer.dumpfile); load one into a database.

The tables come from the models' metadata, in foreign-key order, so a table added later
travels without a change here. Keys that close a foreign-key cycle (boards and threads point
at their last post, posts at their thread) are loaded as NULL and set once every row is in.
"""

from __future__ import annotations

import itertools
import os
import zlib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from alembic.migration import MigrationContext

from forum.db import db
from forum.errors import ServiceError
from forum.transfer import dumpfile
from forum.transfer.dumpfile import Row

BATCH_SIZE = 1000
LOCK_TIMEOUT_S = 15


@dataclass(frozen=True)
class Summary:
    """What a dump or a load moved: rows per table, in load order."""

    revision: str
    rows: dict[str, int]
    # Tables in the database that no model describes: not dumped.
    skipped: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def dump(path: str | os.PathLike[str], *, batch_size: int = BATCH_SIZE) -> Summary:
    """Write every table to `path` (gzip when it ends in .gz) as one consistent snapshot."""
    tables, _ = _plan()
    target = Path(path)
    # Written aside and renamed at the end: a failed dump never leaves a file behind.
    partial = target.with_name(target.name + ".partial")
    try:
        with (
            _snapshot(db.engine) as conn,
            dumpfile.create(partial, gz=target.suffix == ".gz") as out,
        ):
            revision = _revision(conn)
            if revision is None:
                raise ServiceError("The database has no Alembic revision: run `flask db upgrade`.")
            skipped = _unknown_tables(conn, tables)
            out.write(dumpfile.line(dumpfile.header(revision, conn.dialect.name, tables)))
            rows = {table.name: _dump_table(conn, table, out, batch_size) for table in tables}
            out.write(dumpfile.line({"end": rows}))
        os.replace(partial, target)
    except OSError as error:
        raise ServiceError(f"Cannot write {target}: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return Summary(revision, rows, skipped)


def load(
    path: str | os.PathLike[str], *, replace: bool = False, batch_size: int = BATCH_SIZE
) -> Summary:
    """Load a dump in one transaction into a database migrated to the dump's revision.

    The database must be empty, unless `replace`, which deletes every row first.
    """
    tables, deferred = _plan()
    source = Path(path)
    try:
        header = dumpfile.read_header(source)
        codecs = _codecs(header, tables, deferred)
        with _exclusive(db.engine, tables, header["alembic_revision"]) as conn:
            _make_room(conn, tables, deferred, replace)
            rows = _insert_rows(conn, source, codecs, batch_size)
            _set_deferred(conn, source, codecs, batch_size)
            if conn.dialect.name == "postgresql":
                _restart_sequences(conn, tables)
    except (OSError, EOFError, zlib.error) as error:
        raise ServiceError(f"Cannot read {source}: {error}") from error
    return Summary(header["alembic_revision"], {t.name: rows.get(t.name, 0) for t in tables})


# -- the tables -------------------------------------------------------------------------


def _plan() -> tuple[list[sa.Table], dict[str, list[str]]]:
    """Return the models' tables parents first, and per table the columns to set last."""
    tables: list[sa.Table] = []
    late: list[sa.ForeignKeyConstraint] = []
    for table, constraints in sa.schema.sort_tables_and_constraints(db.metadata.tables.values()):
        if table is None:
            late += constraints  # use_alter keys, and keys that close a cycle
        else:
            tables.append(table)
    # A key to its own table may point at a row that comes later.
    late += [fk for t in tables for fk in t.foreign_key_constraints if fk.referred_table is t]
    deferred: dict[str, list[str]] = {}
    for fk in late:
        table = fk.table
        for column in fk.columns:
            if not column.nullable or not table.primary_key.columns:
                raise ServiceError(
                    f"{table.name}.{column.name} closes a foreign-key cycle but cannot be "
                    "loaded as NULL and set afterwards."
                )
            names = deferred.setdefault(table.name, [])
            if column.name not in names:
                names.append(column.name)
    return tables, deferred


def _revision(conn: sa.Connection) -> str | None:
    return " ".join(sorted(MigrationContext.configure(conn).get_current_heads())) or None


def _unknown_tables(conn: sa.Connection, tables: Iterable[sa.Table]) -> tuple[str, ...]:
    known = {table.name for table in tables} | {"alembic_version"}
    return tuple(sorted(set(sa.inspect(conn).get_table_names()) - known))


@contextmanager
def _snapshot(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Yield a connection whose reads all see the database as it was at one moment."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "sqlite":
                # pysqlite starts no transaction for a SELECT: each would see its own moment.
                conn.exec_driver_sql("BEGIN")
            yield conn


@contextmanager
def _exclusive(engine: sa.Engine, tables: list[sa.Table], revision: str) -> Iterator[sa.Connection]:
    """Yield a connection in one transaction on a database at `revision`, other writers out."""
    with engine.connect() as conn, conn.begin():
        try:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # waits out the busy timeout
            _check_revision(conn, revision)  # before locking tables that may not exist
            if conn.dialect.name == "postgresql":
                # set_config(..., true) is SET LOCAL with the value as a bind parameter.
                conn.execute(
                    sa.text("SELECT set_config('lock_timeout', :timeout, true)"),
                    {"timeout": f"{LOCK_TIMEOUT_S}s"},
                )
                # Table names are identifiers, which no bind parameter can stand for: they come
                # from the metadata, quoted by the dialect's own preparer, never from input.
                preparer = conn.dialect.identifier_preparer
                names = ", ".join(preparer.format_table(table) for table in tables)
                conn.exec_driver_sql("LOCK TABLE " + names + " IN EXCLUSIVE MODE")
        except sa.exc.OperationalError as error:
            raise ServiceError(
                "Another connection is writing to the forum's tables: stop the forum "
                "(and anything else that writes to it) and try again."
            ) from error
        yield conn


# -- dumping ----------------------------------------------------------------------------


def _dump_table(conn: sa.Connection, table: sa.Table, out: IO[str], batch_size: int) -> int:
    names = [column.name for column in table.columns]
    # Enum columns are read as the text they are stored as, which a load takes back as is.
    query = sa.select(
        *(
            sa.type_coerce(c, sa.String()).label(c.name) if isinstance(c.type, sa.Enum) else c
            for c in table.columns
        )
    ).order_by(*table.primary_key.columns)
    count = 0
    for row in conn.execute(query, execution_options={"yield_per": batch_size}):
        out.write(dumpfile.line({"table": table.name, "row": dict(zip(names, row, strict=True))}))
        count += 1
    return count


# -- loading ----------------------------------------------------------------------------


def _batches(records: Iterator[tuple[str, Row]], size: int) -> Iterator[tuple[str, list[Row]]]:
    """Group consecutive rows of one table into lists of at most `size`."""
    for name, group in itertools.groupby(records, key=lambda record: record[0]):
        while chunk := [row for _, row in itertools.islice(group, size)]:
            yield name, chunk


def _check_revision(conn: sa.Connection, wanted: str) -> None:
    current = _revision(conn)
    if current != wanted:
        raise ServiceError(
            f"The dump was made at Alembic revision {wanted}, but this database is at "
            f"{current or 'none (it is not migrated)'}. Migrate both to the same revision "
            "(`flask db upgrade`) and try again."
        )


def _make_room(
    conn: sa.Connection, tables: list[sa.Table], deferred: dict[str, list[str]], replace: bool
) -> None:
    """Refuse a database with rows, or (replace) delete them all, children first."""
    full = [t.name for t in tables if conn.execute(sa.select(t).limit(1)).first() is not None]
    if not full:
        return
    if not replace:
        raise ServiceError(
            f"This database is not empty (rows in {', '.join(full)}). Load into an empty "
            "database, or replace its contents (--replace)."
        )
    for table in tables:
        if names := deferred.get(table.name):
            conn.execute(
                sa.update(table).values({c.key: None for c in table.columns if c.name in names})
            )
    for table in reversed(tables):
        conn.execute(sa.delete(table))


def _codecs(
    header: Row, tables: list[sa.Table], deferred: dict[str, list[str]]
) -> dict[str, _Codec]:
    """Return a _Codec per table of the dump; refuse a table or column this database lacks."""
    by_name = {table.name: table for table in tables}
    codecs: dict[str, _Codec] = {}
    for entry in header["tables"]:
        table = by_name.get(entry["name"])
        if table is None:
            raise ServiceError(f"The dump has a table {entry['name']} this database lacks.")
        if missing := set(entry["columns"]) - {c.name for c in table.columns}:
            raise ServiceError(
                f"The dump has columns {', '.join(sorted(missing))} in {table.name}, "
                "which this database lacks."
            )
        codecs[table.name] = _Codec(table, deferred.get(table.name, ()))
    return codecs


def _insert_rows(
    conn: sa.Connection, path: Path, codecs: dict[str, _Codec], batch_size: int
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, rows in _batches(dumpfile.records(path), batch_size):
        codec = _codec(codecs, name)
        try:
            conn.execute(sa.insert(codec.table), [codec.insert_params(row) for row in rows])
        except sa.exc.DBAPIError as error:
            raise ServiceError(f"Rows of {name} could not be inserted: {error.orig}") from error
        counts[name] = counts.get(name, 0) + len(rows)
    return counts


def _set_deferred(
    conn: sa.Connection, path: Path, codecs: dict[str, _Codec], batch_size: int
) -> None:
    """Set the keys left NULL on the first pass, now that every row they point at is in."""
    later = {name for name, codec in codecs.items() if codec.deferred}
    if not later:
        return
    for name, rows in _batches(dumpfile.rows_of(path, later), batch_size):
        codec = codecs[name]
        params = [p for p in map(codec.update_params, rows) if p is not None]
        if params:
            conn.execute(codec.update_statement(), params)


def _codec(codecs: dict[str, _Codec], name: str) -> _Codec:
    try:
        return codecs[name]
    except KeyError:
        raise ServiceError(
            f"The dump has rows of {name}, a table its header does not list."
        ) from None


def _restart_sequences(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """Make each table's next id follow its largest loaded one (PostgreSQL)."""
    preparer = conn.dialect.identifier_preparer
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = sa.func.pg_get_serial_sequence(preparer.format_table(table), column.name)
        next_id = sa.func.coalesce(sa.func.max(column), 0) + 1
        conn.execute(sa.select(sa.func.setval(sequence, next_id, False)).select_from(table))


class _Codec:
    """Turn one table's rows, as a dump holds them, back into statement parameters."""

    def __init__(self, table: sa.Table, deferred: Collection[str]) -> None:
        self.table = table
        self.deferred = deferred
        self.columns = {column.name: column for column in table.columns}
        self.converters = {column.name: dumpfile.converter(column) for column in table.columns}

    def value(self, name: str, value: Any) -> Any:
        convert = self.converters[name]
        if value is None or convert is None:
            return value
        try:
            return convert(value)
        except (TypeError, ValueError):
            raise ServiceError(f"{self.table.name}.{name}: cannot read {value!r}.") from None

    def insert_params(self, row: Row) -> Row:
        try:
            columns = [self.columns[name] for name in row]
        except KeyError as error:
            raise ServiceError(f"{self.table.name} has no column {error}.") from None
        return {
            column.key: None if column.name in self.deferred else self.value(column.name, value)
            for column, value in zip(columns, row.values(), strict=True)
        }

    def update_statement(self) -> sa.Update:
        keys = self.table.primary_key.columns
        return (
            sa.update(self.table)
            .where(*(column == sa.bindparam(f"pk_{column.key}") for column in keys))
            .values({self.columns[n].key: sa.bindparam(f"set_{n}") for n in self.deferred})
        )

    def update_params(self, row: Row) -> Row | None:
        values = {f"set_{n}": self.value(n, row.get(n)) for n in self.deferred}
        if all(value is None for value in values.values()):
            return None
        keys = {f"pk_{c.key}": self.value(c.name, row[c.name]) for c in self.table.primary_key}
        return {**values, **keys}
