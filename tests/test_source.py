from __future__ import annotations

import io
import os
import tracemalloc
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


def test_read_input_takes_memory_for_the_file_not_the_limit(tmp_path: Path) -> None:
    """A small file under the default 1 GiB limit: read(limit + 1) took the whole GiB
    for a moment, which cost a batch of small files a tenth of its time."""
    path = tmp_path / "small.json"
    path.write_text('{"a": 1}')
    tracemalloc.start()
    try:
        assert read_input(path, 1 << 30, "json") == b'{"a": 1}'
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_read_input_reads_a_file_whose_size_the_system_does_not_know() -> None:
    """/proc files are regular files of size 0 that hold text."""
    assert Path("/proc/self/status").stat().st_size == 0
    data = read_input("/proc/self/status", 1 << 20, "yaml")
    assert data.startswith(b"Name:") and data.endswith(b"\n") and len(data) > 100
    with pytest.raises(ParseError, match="goes on past the limit of 10 bytes"):
        read_input("/proc/self/status", 10, "yaml")


def test_read_input_reads_on_when_the_file_grew_and_sees_the_change(tmp_path: Path) -> None:
    """A file that grows between its size and its read is read on (so the limit holds),
    then refused as changed."""
    path = tmp_path / "growing.csv"
    path.write_text("a\n1\n")
    real_fstat = os.fstat

    def grows_after_fstat(descriptor: int) -> os.stat_result:
        status = real_fstat(descriptor)
        with path.open("a") as stream:
            stream.write("2\n" * 1000)
        return status

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fstat", grows_after_fstat)
        with pytest.raises(InputChanged):
            read_input(path, 1 << 20, "csv")
    path.write_text("a\n1\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fstat", grows_after_fstat)
        with pytest.raises(ParseError, match="goes on past the limit of 100 bytes"):
            read_input(path, 100, "csv")


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
