"""`structconv ARGUMENTS` run in this process, its streams captured: the tests' one way to
call the command line without starting Python (a subprocess where the process matters)."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from structconv.cli import main


@dataclass(frozen=True)
class Ran:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(arguments: Sequence[str], input: str = "") -> Ran:
    """structconv.cli.main(arguments) with `input` on stdin; its status (argparse's
    SystemExit included) and what it wrote. Streams have a binary `.buffer`, as a
    terminal's or a pipe's have."""
    streams = sys.stdin, sys.stdout, sys.stderr
    stdin = io.TextIOWrapper(io.BytesIO(input.encode()), encoding="utf-8")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        try:
            status = main(list(arguments))
        except SystemExit as exit:
            status = exit.code if isinstance(exit.code, int) else 1 if exit.code else 0
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    return Ran(status, _written(stdout), _written(stderr))


def _written(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")
