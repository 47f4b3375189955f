"""Inputs that can be read only once (a pipe, /dev/stdin, a FIFO) or never end (/dev/zero).

Streaming used to open its input several times (to sniff, to read the header, to read
the rows): from a pipe the later opens saw nothing, and the output was `[]` or empty,
with exit status 0; a FIFO hung on its second open. Each case here is the command line
in a real process, compared with converting the same bytes from a regular file.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
from pathlib import Path

import pytest

from tests.reliability.conftest import Run

CSV = b'id,name,score\r\n1,Ada,9.5\r\n2,Grace,7\r\n3,"Lin, K",-2\r\n'
JSONL = b'{"id": 1, "name": "Ada"}\n{"id": 2, "name": "Grace", "tags": "x"}\n'
SOURCES = {"csv": CSV, "jsonl": JSONL}
# Every streamed pair from CSV and JSON Lines, with options that make each row complete.
PAIRS = [("csv", "json"), ("csv", "jsonl"), ("jsonl", "csv"), ("jsonl", "json")]


def _expected(structconv: Run, tmp_path: Path, source: str, target: str) -> bytes:
    """The output of the same bytes converted from a regular file."""
    regular = tmp_path / f"regular.{source}"
    regular.write_bytes(SOURCES[source])
    out = tmp_path / f"regular-out.{target}"
    done = structconv("convert", str(regular), "--to", target, "-o", str(out), "--null", "empty")
    assert done.returncode == 0, done.stderr
    expected = out.read_bytes()
    assert len(expected) > 20  # not empty, not "[]"
    return expected


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_dev_stdin_from_a_pipe_with_an_output_file(
    structconv: Run, tmp_path: Path, source: str, target: str
) -> None:
    out = tmp_path / f"out.{target}"
    done = structconv(
        "convert", "/dev/stdin", "--from", source, "--to", target, "-o", str(out),
        "--null", "empty", input=SOURCES[source],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == _expected(structconv, tmp_path, source, target)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_dash_from_a_pipe_to_a_file_and_to_stdout(
    structconv: Run, tmp_path: Path, source: str, target: str
) -> None:
    expected = _expected(structconv, tmp_path, source, target)
    out = tmp_path / f"out.{target}"
    common = ("convert", "-", "--from", source, "--to", target, "--null", "empty")
    to_file = structconv(*common, "-o", str(out), input=SOURCES[source])
    assert to_file.returncode == 0, to_file.stderr
    assert out.read_bytes() == expected
    to_stdout = structconv(*common, input=SOURCES[source])
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert to_stdout.stdout == expected


def _feed_fifo(fifo: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        with fifo.open("wb") as stream:  # blocks until the reader opens it
            stream.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_a_fifo_is_read_once_and_does_not_hang(
    structconv: Run, tmp_path: Path, source: str, target: str
) -> None:
    expected = _expected(structconv, tmp_path, source, target)
    fifo = tmp_path / f"input.{source}"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, SOURCES[source])
    out = tmp_path / f"out.{target}"
    try:
        done = structconv(
            "convert", str(fifo), "--to", target, "-o", str(out), "--null", "empty", timeout=30
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the conversion of a FIFO hung")
    writer.join(5)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == expected


def _limit_memory() -> None:
    """At most 1.5 GB of address space: reading 2 GB whole fails at once, not the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))


def _one_line_refusal(done: subprocess.CompletedProcess[bytes], name: str) -> None:
    errors = done.stderr.decode()
    assert done.returncode == 1, errors
    assert "Traceback" not in errors and "MemoryError" not in errors, errors
    assert errors.count("\n") == 1, errors
    assert errors.startswith(f"{name}: ") and "the limit of" in errors
    assert "--max-bytes" in errors


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("target", ["yaml", "json"])
def test_an_endless_device_is_a_one_line_error(structconv: Run, device: str, target: str) -> None:
    done = structconv(
        "convert", device, "--from", "csv", "--to", target, "--max-bytes", "1000000",
        preexec_fn=_limit_memory,
    )  # fmt: skip
    _one_line_refusal(done, device)


def test_an_endless_stdin_is_a_one_line_error(structconv: Run) -> None:
    with Path("/dev/zero").open("rb") as zeros:
        done = structconv(
            "convert", "-", "--from", "json", "--to", "yaml", "--max-bytes", "1000000",
            stdin=zeros, preexec_fn=_limit_memory,
        )  # fmt: skip
    _one_line_refusal(done, "-")


def test_a_file_over_max_bytes_is_refused_by_its_size_before_it_is_read(
    structconv: Run, tmp_path: Path
) -> None:
    """A 2 GB file (sparse: no disk used) under 1.5 GB of address space: reading it whole
    before the size check, as before, ran out of memory."""
    big = tmp_path / "big.json"
    with big.open("wb") as stream:
        stream.truncate(2 << 30)
    done = structconv(
        "convert", str(big), "--to", "yaml", "--max-bytes", "1000", preexec_fn=_limit_memory
    )
    _one_line_refusal(done, str(big))
    assert "2,147,483,648 bytes" in done.stderr.decode()
