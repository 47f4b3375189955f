"""Hostile and careless inputs: time and peak RSS of the command line, to show that each
grows linearly with the input (or that the input is refused before it is read).

    python benchmarks/hostile_bench.py [--quick] [--out FILE.md]

Cases (each `structconv convert ...` in a fresh process; wall time with start-up, peak
RSS of that process from wait4):

- a CSV file without a line break (one field of N MB), streamed to JSON with `-o`;
- a CSV header that is one dotted column name `a.a.a....b` of N KB (refused: too deep);
- a file of N MB refused by `--max-bytes 1000`: the peak RSS must not grow with N.

A linear case takes about twice the time at twice the size; the report prints the ratio
of each size's time to the previous size's. Inputs go to benchmarks/data/hostile/
(git-ignored) and are rebuilt when missing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "hostile"
MB = 1 << 20
KB = 1 << 10


@dataclass(frozen=True)
class Case:
    name: str
    unit: str
    sizes: tuple[int, ...]
    make: Callable[[Path, int], None]
    arguments: Callable[[Path], list[str]]
    expect_status: int


def _no_line_break(path: Path, size: int) -> None:
    with path.open("w") as out:
        for _ in range(size // MB):
            out.write("x" * MB)


def _dotted_header(path: Path, size: int) -> None:
    path.write_text("a." * (size // 2) + "b\n1\n")


def _big_json(path: Path, size: int) -> None:
    with path.open("w") as out:
        out.write('"')
        for _ in range(size // MB):
            out.write("x" * MB)
        out.write('"')


CASES = (
    Case(
        "CSV without a line break -> JSON (-o, streamed)",
        "MB",
        (10, 25, 50),
        lambda path, size: _no_line_break(path, size * MB),
        lambda path: [str(path), "--to", "json", "-o", str(path.with_suffix(".out.json"))],
        0,
    ),
    Case(
        "CSV dotted header a.a.a...b -> JSON (refused)",
        "KB",
        (25, 50, 100),
        lambda path, size: _dotted_header(path, size * KB),
        lambda path: [str(path), "--to", "json"],
        1,
    ),
    Case(
        "JSON over --max-bytes 1000 (refused)",
        "MB",
        (50, 200),
        lambda path, size: _big_json(path, size * MB),
        lambda path: [str(path), "--to", "yaml", "--max-bytes", "1000"],
        1,
    ),
)


def measure(arguments: list[str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit status) of one `structconv convert` process."""
    command = [sys.executable, "-m", "structconv", "convert", *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss // 1024, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the two smallest sizes only")
    parser.add_argument("--out", type=Path, help="also write the markdown table here")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    lines = [
        "| case | size | seconds | x previous | peak RSS (MB) | exit |",
        "|---|---|---|---|---|---|",
    ]
    for number, case in enumerate(CASES):
        previous = None
        for size in case.sizes[:2] if args.quick else case.sizes:
            path = DATA / f"case{number}-{size}{case.unit}.{'json' if number == 2 else 'csv'}"
            if not path.exists():
                case.make(path, size)
            seconds, rss, status = measure(case.arguments(path))
            ratio = f"{seconds / previous:.1f}" if previous else ""
            previous = seconds
            mark = "" if status == case.expect_status else f" (expected {case.expect_status})"
            lines.append(
                f"| {case.name} | {size} {case.unit} | {seconds:.2f} | {ratio} | {rss} "
                f"| {status}{mark} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        args.out.write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
