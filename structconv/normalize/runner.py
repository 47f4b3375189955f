"""Normalize a list of files and report, the one loop behind `structconv normalize`
and the `structconv-normalize` pre-commit hook, so both behave alike.

Output: one line per file that changed, would change or failed, on stderr
(`path: reformatted`, `path: would reformat`, `path:line:col: message`), every
repair fix as `path:line:col: fixed: rule: message`, unified diffs on stdout
with `diff`, then a summary line. Exit status: 0 when nothing changed and nothing
failed, 1 otherwise (pre-commit reads 1 from a fixing hook as "files were modified").
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TextIO

from structconv import formats, frozen, hook_cache
from structconv.errors import AmbiguousInput, ParseError, RepairRejected, StructconvError
from structconv.names import RepairMode
from structconv.normalize import NORMALIZERS, NormalizedFile, normalize_file
from structconv.normalize.settings import (
    Config,
    NormalizeSettings,
    load_config_file,
    settings_for_file,
)


class RunOptions(frozen.FrozenRecord):
    """What one run does; `flags` are settings given on the command line (None: not given)."""

    check: bool = False
    diff: bool = False
    repair: RepairMode = "off"
    config: str | None = None
    flags: Mapping[str, Any] = MappingProxyType({})

    @property
    def writes(self) -> bool:
        return not (self.check or self.diff)


class Tally:
    """The files of a run by outcome (a plain class: see structconv.frozen)."""

    __slots__ = ("changed", "failed", "unchanged")

    def __init__(self) -> None:
        self.changed = 0
        self.unchanged = 0
        self.failed = 0

    def summary(self, writes: bool) -> str:
        return hook_cache.normalize_summary(self.changed, self.unchanged, self.failed, writes)


def _suffixes() -> frozenset[str]:
    return frozenset(suffix for suffix, name in formats.SUFFIXES.items() if name in NORMALIZERS)


def expand(paths: Sequence[str]) -> Iterator[str]:
    """The files to normalize: each path as given, and for a folder every file below it
    with a normalizable suffix, in name order, skipping hidden folders (.git, .venv)."""
    suffixes = _suffixes()
    for path in paths:
        if not os.path.isdir(path):
            yield path
            continue
        from pathlib import Path  # for a folder only: pre-commit passes files

        for folder, folders, files in os.walk(path):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            for name in sorted(files):
                if Path(name).suffix.lower() in suffixes:
                    yield str(Path(folder) / name)


def error_line(path: str, error: StructconvError) -> str:
    """`path:line:col: message` when the error has a position, else `path: message`."""
    if isinstance(error, ParseError):
        line, column, message = error.line, error.column, error.brief
    elif isinstance(error, RepairRejected | AmbiguousInput):
        line, column, message = error.line, error.column, str(error)
    else:
        line, column, message = 0, 0, str(error)
    where = f"{path}:{line}:{column}" if line else path
    return f"{where}: {message}"


def _report(done: NormalizedFile, options: RunOptions, out: TextIO, err: TextIO) -> None:
    for fix in done.fixes:
        err.write(f"{done.path}:{fix.line}:{fix.column}: fixed: {fix.rule}: {fix.message}\n")
    if options.diff:
        out.write(done.diff())
    if options.writes:
        done.write()
        err.write(f"{done.path}: reformatted\n")
    else:
        err.write(f"{done.path}: would reformat\n")


def run(
    paths: Sequence[str],
    options: RunOptions,
    out: TextIO | None = None,
    err: TextIO | None = None,
    remember: bool = False,
) -> int:
    """Normalize `paths` per `options`; the exit status (0 or 1).

    A wrong explicit config file raises UsageError (the caller's exit status 2);
    every problem with one file is reported and the run goes on with the next.
    `remember` (the hook): record the files found already normal in structconv.hook_cache
    when the run's result depends on nothing but the files and their settings files.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    given = {name: value for name, value in options.flags.items() if value is not None}
    NormalizeSettings().updated(given, "command line")  # a bad flag stops the run now
    config: Config | None = None if options.config is None else load_config_file(options.config)
    remember = remember and not given and config is None and options.repair == "off"
    tally = Tally()
    for path in expand(paths):
        try:
            settings = settings_for_file(path, options.flags, config)
            done = normalize_file(path, settings, repair=options.repair)
            if done.changed:
                _report(done, options, out, err)
                tally.changed += 1
            else:
                tally.unchanged += 1
                if remember and not done.fixes:
                    hook_cache.remember("normalize", path, done.raw)
        except StructconvError as error:
            err.write(error_line(path, error) + "\n")
            tally.failed += 1
        except OSError as error:
            err.write(f"{path}: cannot write: {error.strerror}\n")
            tally.failed += 1
    err.write(tally.summary(options.writes) + "\n")
    return 1 if tally.changed or tally.failed else 0
