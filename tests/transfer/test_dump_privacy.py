"""A dump holds password hashes, emails and session tokens: only its owner may read it."""

from __future__ import annotations

import gzip
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from forum.transfer import dumpfile
from forum.transfer import services as transfer
from tests.factories import make_thread

OWNER_ONLY = 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    # The most permissive umask: a file made with open() would be readable and writable by all.
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.parametrize("name", ["forum.jsonl", "forum.jsonl.gz"])
def test_a_dump_is_readable_by_its_owner_only(ctx, tmp_path, permissive_umask, name):
    make_thread()
    transfer.dump(tmp_path / name)
    assert mode(tmp_path / name) == OWNER_ONLY
    with dumpfile.open_dump(tmp_path / name) as lines:
        assert json.loads(lines.readline())["format"] == "km4b-forum-dump"


def test_a_dump_is_private_from_its_first_byte(ctx, tmp_path, permissive_umask, monkeypatch):
    # Not made readable and then closed down: the file is private before anything is in it.
    make_thread()
    target = tmp_path / "forum.jsonl.gz"
    seen: list[int] = []
    line = dumpfile.line

    def watching_line(record: dumpfile.Row) -> str:
        if not seen:
            seen.append(mode(target.with_name(target.name + ".partial")))
        return line(record)

    monkeypatch.setattr(dumpfile, "line", watching_line)
    transfer.dump(target)
    assert seen == [OWNER_ONLY]


def test_a_dump_over_readable_files_leaves_a_private_one(ctx, tmp_path, permissive_umask):
    # An earlier dump made before this fix, and a partial file left by a crash, both readable
    # by all: neither is written into (which would keep its mode); the new dump is private.
    make_thread()
    target = tmp_path / "forum.jsonl"
    partial = tmp_path / "forum.jsonl.partial"
    for old in (target, partial):
        old.write_text("old\n")
        old.chmod(0o644)
    transfer.dump(target)
    assert mode(target) == OWNER_ONLY
    assert not partial.exists()


def test_the_dump_command_writes_a_private_file(app, tmp_path, permissive_umask):
    path = tmp_path / "forum.jsonl.gz"
    result = app.test_cli_runner().invoke(args=["forum", "dump", str(path)])
    assert result.exit_code == 0, result.output
    assert mode(path) == OWNER_ONLY
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        assert json.loads(lines.readline())["format"] == "km4b-forum-dump"
