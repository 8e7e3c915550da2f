"""The dump file: JSON lines, optionally gzip-compressed, with values encoded portably.

The first line is a header (format, version, the source's Alembic revision, the tables in
load order with their columns); then one line per row, {"table": NAME, "row": {...}}; then
an end line, {"end": {table: row count}}, which tells a complete file from one cut short.
Times are ISO 8601 (with their time zone), dates ISO, JSON columns JSON, booleans booleans.
"""

from __future__ import annotations

import base64
import gzip
import itertools
import json
import os
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from forum.db import utcnow
from forum.errors import ServiceError

FORMAT = "km4b-forum-dump"
FORMAT_VERSION = 1

Row = dict[str, Any]


def header(revision: str, dialect: str, tables: list[sa.Table]) -> Row:
    """Return the first line of a dump: what it is, where from, which tables and columns."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "alembic_revision": revision,
        "source": dialect,
        "created_at": utcnow(),
        "tables": [{"name": t.name, "columns": [c.name for c in t.columns]} for t in tables],
    }


def line(record: Row) -> str:
    """Return one line of a dump: compact JSON, UTF-8 text left as it is."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_portable) + "\n"


def _portable(value: Any) -> Any:
    """Encode what JSON lacks: times as ISO 8601, decimals and UUIDs as text, bytes as base64."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"a {type(value).__name__} cannot be written to a dump")


# A dump holds password hashes, email addresses and session tokens: its owner reads it, nobody
# else. The mode is given when the file is made (no window in which others could open it).
PRIVATE_MODE = 0o600


@contextmanager
def create(path: Path, *, gz: bool) -> Iterator[IO[str]]:
    """Make a new file readable by its owner only and write a dump to it (gzip when `gz`)."""
    # O_EXCL: never reuse a file left behind, which may be readable by others (or a link).
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    if not gz:
        with open(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        return
    with (
        open(fd, "wb") as raw,
        gzip.open(raw, "wt", encoding="utf-8", newline="\n", compresslevel=6) as out,
    ):
        yield out


def open_dump(path: Path) -> IO[str]:
    """Open a dump, gzip-compressed or not, whatever its name."""
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    if gz:
        return gzip.open(path, "rt", encoding="utf-8", newline="\n")
    return open(path, encoding="utf-8", newline="\n")


def _parse(path: Path, number: int, text: str) -> Row:
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not ("end" in record or {"table", "row"} <= record.keys()):
        raise ServiceError(f"{path}, line {number}: not a line of a forum dump.")
    return record


def read_header(path: Path) -> Row:
    """Return a dump's header; refuse a file that is not a dump this version can read."""
    try:
        with open_dump(path) as lines:
            first = lines.readline()
        header = json.loads(first)
    except ValueError:  # also a file that is not UTF-8 text
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ServiceError(f"{path} is not a KM4B Forum dump.")
    if header.get("version") != FORMAT_VERSION:
        raise ServiceError(
            f"{path} is a version {header.get('version')} dump; "
            f"this forum reads version {FORMAT_VERSION}."
        )
    return header


def records(path: Path) -> Iterator[tuple[str, Row]]:
    """Yield (table, row) for every row line; fail if the end line is missing or disagrees."""
    counts: dict[str, int] = {}
    with open_dump(path) as lines:
        for number, text in enumerate(lines, start=1):
            if number == 1:
                continue  # the header
            record = _parse(path, number, text)
            if "end" in record:
                if {name: n for name, n in record["end"].items() if n} != counts:
                    raise ServiceError(f"{path}: the row counts disagree with its end line.")
                return
            counts[record["table"]] = counts.get(record["table"], 0) + 1
            yield record["table"], record["row"]
    raise ServiceError(f"{path} has no end line: the dump is incomplete (was it cut short?).")


def rows_of(path: Path, names: Collection[str]) -> Iterator[tuple[str, Row]]:
    """Yield (table, row) for the rows of tables `names` of a file _records has read through."""
    # Each row line starts {"table":NAME,: the lines of other tables are skipped unparsed.
    wanted = tuple(line({"table": name})[:-2] + "," for name in names)
    with open_dump(path) as lines:
        for text in itertools.islice(lines, 1, None):
            if text.startswith('{"table":') and not text.startswith(wanted):
                continue
            record = json.loads(text)
            if record.get("table") in names:
                yield record["table"], record["row"]


_CONVERTERS: dict[type, Callable[[Any], Any]] = {
    datetime: datetime.fromisoformat,
    date: date.fromisoformat,
    time: time.fromisoformat,
    timedelta: lambda seconds: timedelta(seconds=seconds),
    Decimal: Decimal,
    uuid.UUID: uuid.UUID,
    bytes: base64.b64decode,
}


def converter(column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    """Return what turns the column's JSON value back into Python (None: JSON's own value)."""
    type_ = column.type
    if isinstance(type_, sa.TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, sa.JSON | sa.Enum):
        return None
    try:
        python_type = type_.python_type
    except NotImplementedError:
        return None
    return _CONVERTERS.get(python_type)
