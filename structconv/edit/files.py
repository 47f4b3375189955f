"""Edits of files: read and decode once, edit, prove, write atomically (the file keeps
its encoding, its BOM, its line endings and its permissions); and many files at once.

A file whose lines all end in CRLF is edited as LF text and written back with CRLF,
so a line the edit adds ends like the others.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path as FilePath
from typing import Any

from structconv import formats
from structconv.atomic import write_atomic
from structconv.edit.core import Edit, delete_in_text, get_in_text, set_in_text
from structconv.edit.locate import PathNotFound
from structconv.edit.paths import Path
from structconv.edit.splice import EditRefused
from structconv.encoding import decode
from structconv.errors import ParseError, StructconvError, UsageError
from structconv.formats.detect import detect_format
from structconv.source import read_input


@dataclass(frozen=True)
class _Source:
    path: str
    text: str  # line endings as edited (LF where the file used CRLF throughout)
    encoding: str
    format: str
    crlf: bool


def _uses_crlf(text: str) -> bool:
    count = text.count("\r\n")
    return count > 0 and count == text.count("\n")


def _read(file: str | os.PathLike[str], format: str | None) -> _Source:
    path = os.fspath(file)
    hinted = format or formats.format_from_suffix(path)
    try:
        raw = read_input(path, 1 << 30, hinted or "input")
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None
    try:
        text, encoding = decode(raw, None if hinted is None else formats.canonical_name(hinted))
        name = formats.canonical_name(format) if format else detect_format(text, path)
    except ParseError as error:
        raise error.with_source(path) from None
    crlf = _uses_crlf(text)
    return _Source(path, text.replace("\r\n", "\n") if crlf else text, encoding, name, crlf)


def _located(error: StructconvError, path: str) -> StructconvError:
    if isinstance(error, ParseError | PathNotFound | EditRefused):
        return error.with_source(path)
    return error


def get(file: str | os.PathLike[str], path: str | Path, *, format: str | None = None) -> Any:
    """The value at `path` in `file` (PathNotFound, exit 1 on the command line, when absent)."""
    source = _read(file, format)
    try:
        return get_in_text(source.text, path, source.format)
    except (ParseError, PathNotFound) as error:
        raise _located(error, source.path) from None


def search(file: str | os.PathLike[str], expression: str, *, format: str | None = None) -> Any:
    """The result of a JMESPath expression (wildcards, filters, projections) on the
    file's data; None when it selects nothing, as JMESPath says."""
    from structconv.edit.query import search_data

    source = _read(file, format)
    try:
        data = get_in_text(source.text, (), source.format)
    except ParseError as error:
        raise error.with_source(source.path) from None
    return search_data(data, expression)


def _edit(file: str | os.PathLike[str], format: str | None, check: bool, action: Any) -> Edit:
    source = _read(file, format)
    try:
        edit: Edit = action(source.text, source.format)
    except (ParseError, PathNotFound, EditRefused) as error:
        raise _located(error, source.path) from None
    if source.crlf:
        edit = Edit(
            source.path,
            edit.format,
            edit.action,
            edit.path,
            edit.original.replace("\n", "\r\n"),
            edit.text.replace("\n", "\r\n"),
            edit.first_line,
            edit.last_line,
        )
    else:
        edit = Edit(source.path, *list(asdict(edit).values())[1:])
    if edit.changed and not check:
        write_atomic(source.path, edit.text, source.encoding)
    return edit


def set_value(
    file: str | os.PathLike[str],
    path: str | Path,
    value: Any,
    *,
    format: str | None = None,
    check: bool = False,
) -> Edit:
    """Set the value at `path` in `file` to `value` (a missing last key is added at the
    end of its mapping), proven first and written atomically; with `check`, nothing is
    written. The Edit says what changed (`changed`, `diff()`, the lines)."""
    return _edit(file, format, check, lambda text, name: set_in_text(text, path, value, name))


def delete(
    file: str | os.PathLike[str],
    path: str | Path,
    *,
    format: str | None = None,
    check: bool = False,
) -> Edit:
    """Remove the key or item at `path` from `file`, proven first and written atomically."""
    return _edit(file, format, check, lambda text, name: delete_in_text(text, path, name))


# ----------------------------------------------------------------------------------
# Many files
# ----------------------------------------------------------------------------------

_GLOB_CHARACTERS = frozenset("*?[")


def expand(patterns: Sequence[str]) -> list[str]:
    """Each argument as a file, or, when it names no file and holds * ? [, the files it
    matches (** crosses folders), in name order; a pattern that matches nothing stays
    as it is, to fail with its name."""
    files: list[str] = []
    for pattern in patterns:
        if FilePath(pattern).exists() or not _GLOB_CHARACTERS & set(pattern):
            files.append(pattern)
            continue
        matched = sorted(
            name
            for name in glob.glob(pattern, recursive=True)  # noqa: PTH207 (a pattern with folders)
            if FilePath(name).is_file()
        )
        files += matched or [pattern]
    return files


@dataclass(frozen=True)
class FileEdit:
    """What an edit did to one file of a batch."""

    source: str
    status: str  # "changed", "would change", "unchanged", "not found", "refused", "failed"
    message: str = ""
    first_line: int = 0
    last_line: int = 0
    diff: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("changed", "would change", "unchanged")

    def line(self) -> str:
        """The line the command prints for this file."""
        if not self.ok:
            return self.message
        if self.status == "unchanged":
            return f"{self.source}: unchanged ({self.message})"
        span = (
            f"{self.first_line}"
            if self.first_line == self.last_line
            else f"{self.first_line}-{self.last_line}"
        )
        return f"{self.source}:{span}: {self.status} ({self.message})"


def edit_files(
    files: Sequence[str],
    action: str,
    path: str | Path,
    value: Any = None,
    *,
    format: str | None = None,
    check: bool = False,
) -> list[FileEdit]:
    """`set` (with `value`) or `delete` at `path` in every file; one FileEdit each,
    whatever happens to the others."""
    outcomes: list[FileEdit] = []
    for file in expand(files):
        try:
            if action == "set":
                edit = set_value(file, path, value, format=format, check=check)
            else:
                edit = delete(file, path, format=format, check=check)
        except PathNotFound as error:
            outcomes.append(FileEdit(file, "not found", str(error.with_source(file))))
            continue
        except EditRefused as error:
            outcomes.append(FileEdit(file, "refused", str(error.with_source(file))))
            continue
        except ParseError as error:
            where = f"{file}:{error.line}:{error.column}" if error.line else file
            outcomes.append(FileEdit(file, "failed", f"{where}: {error.brief}"))
            continue
        except StructconvError as error:
            located = _located(error, file)
            text = str(located)
            outcomes.append(
                FileEdit(file, "failed", text if text.startswith(file) else f"{file}: {text}")
            )
            continue
        what = f"{action} {edit.path}"
        if not edit.changed:
            outcomes.append(FileEdit(file, "unchanged", f"{edit.path} already holds that value"))
        else:
            status = "would change" if check else "changed"
            outcomes.append(
                FileEdit(file, status, what, edit.first_line, edit.last_line, edit.diff())
            )
    return outcomes
