from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from structconv import InputChanged, ParseError
from structconv.source import (
    ensure_unchanged,
    is_regular_file,
    read_input,
    read_stream,
    snapshot,
)


class _Endless(io.RawIOBase):
    """A stream that never ends, counting what was taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        buffer[:size] = b"x" * size
        self.taken += size
        return size


def test_read_stream_stops_just_past_the_limit() -> None:
    endless = _Endless()
    with pytest.raises(ParseError, match="goes on past the limit of 5,000,000 bytes") as caught:
        read_stream(io.BufferedReader(endless), 5_000_000, "csv")
    assert not caught.value.repairable
    assert endless.taken < 5_000_000 + (1 << 20)


def test_read_stream_takes_everything_up_to_the_limit() -> None:
    assert read_stream(io.BytesIO(b"a" * 100), 100, "csv") == b"a" * 100
    with pytest.raises(ParseError):
        read_stream(io.BytesIO(b"a" * 101), 100, "csv")


def test_read_input_refuses_a_regular_file_by_its_size(tmp_path: Path) -> None:
    """(tests/reliability shows that it reads nothing first: a 2 GB file in 1.5 GB.)"""
    path = tmp_path / "big.json"
    path.write_text("[1, 2, 3]")
    with pytest.raises(ParseError, match="the input is 9 bytes, over the limit of 8"):
        read_input(path, 8, "json")
    assert read_input(path, 9, "json") == b"[1, 2, 3]"


def test_a_file_is_changed_when_its_size_time_or_identity_is(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a\n1\n")
    before = snapshot(path)
    ensure_unchanged(path, before)
    os.utime(path, ns=(before.modified_ns, before.modified_ns + 1))
    with pytest.raises(InputChanged, match=r"a\.csv: the file changed while it was read"):
        ensure_unchanged(path, before)
    twin = tmp_path / "twin.csv"
    twin.write_text("a\n1\n")
    os.utime(twin, ns=(before.modified_ns, before.modified_ns))
    twin.replace(path)  # same size and time, another file
    with pytest.raises(InputChanged):
        ensure_unchanged(path, before)
    path.unlink()
    with pytest.raises(InputChanged):
        ensure_unchanged(path, before)


def test_only_regular_files_count_as_regular(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "file").write_text("")
    assert is_regular_file(tmp_path / "file")
    assert not is_regular_file(fifo)
    assert not is_regular_file("/dev/null")
    assert not is_regular_file(tmp_path)
    assert not is_regular_file(tmp_path / "missing")
