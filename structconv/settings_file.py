"""The project's settings file: `.structconv.toml`, or `[tool.structconv]` in pyproject.toml.

A project states its choices once, so that the CLI, the pre-commit hook and an editor
integration agree without repeating flags. The file is found by walking up from a
file's folder to the repository root; in one folder `.structconv.toml` wins, and a
`pyproject.toml` without a `[tool.structconv]` table is passed over.

Two readers share it: format detection (`jsonc_files`, the files read as JSONC, below)
and normalization (the style keys: structconv.normalize.settings). Reading uses the
standard library's tomllib, so loading settings never imports tomlkit.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from structconv.config_names import candidates
from structconv.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

# Keys that list files rather than set a style.
FILE_LISTS = ("jsonc_files", "jsonc-files")


def read_table(path: Path) -> dict[str, Any] | None:
    """The structconv table of a settings file, or None when a pyproject.toml has none."""
    import tomllib  # only where a settings file is found

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read the settings: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: invalid TOML: {error}") from None
    if path.name != "pyproject.toml" and "tool" not in data:
        return data
    # A pyproject.toml, or a file laid out like one (`--config other/pyproject-style.toml`).
    tool = data.get("tool")
    table = tool.get("structconv") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.structconv] must be a table")
    return table


def find_config_file(start: str | os.PathLike[str]) -> tuple[Path, dict[str, Any]] | None:
    """The nearest settings file at or above `start` (a folder) and its structconv table.

    The search stops at the repository root (a folder holding `.git`): a settings file
    outside the repository (in a home folder, say) would make the hook format
    differently on each developer's machine and in CI.
    """
    # os.path, not pathlib: a hook on a project without a settings file need not import it
    for candidate in candidates(os.path.abspath(start)):
        if os.path.isfile(candidate):
            from pathlib import Path

            found = Path(candidate)
            table = read_table(found)
            if table is not None:
                return found, table
    return None


def matches_any(file: str | os.PathLike[str], root: Path | None, patterns: Iterable[str]) -> bool:
    """Whether `file` matches one of the glob `patterns` of the settings file in folder
    `root` (None: the current folder). A pattern without '/' matches the file name
    anywhere ("*.yaml"), like .gitignore; with '/' it matches the path from `root`
    ("deploy/*.yaml", "docs/**")."""
    from pathlib import Path, PurePosixPath  # only where a settings file lists patterns

    absolute = Path(file).absolute()
    try:
        relative = PurePosixPath(absolute.relative_to((root or Path.cwd()).absolute()).as_posix())
    except ValueError:
        relative = PurePosixPath(absolute.as_posix())
    return any(
        fnmatch.fnmatchcase(relative.name, pattern)
        if "/" not in pattern
        else fnmatch.fnmatchcase(str(relative), pattern.removeprefix("/"))
        for pattern in patterns
    )


def jsonc_files(origin: str, table: Mapping[str, Any]) -> tuple[str, ...]:
    """The `jsonc_files` globs of a structconv table, checked (a typo fails early)."""
    listed = table.get("jsonc_files", table.get("jsonc-files", []))
    if isinstance(listed, str):
        listed = [listed]
    if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        raise UsageError(f'{origin}: jsonc_files must be a list of globs, ["*.jsonc-like.json"]')
    return tuple(listed)


@lru_cache(maxsize=256)
def _jsonc_files_for_folder(folder: str) -> tuple[Path | None, tuple[str, ...]]:
    found = find_config_file(folder)
    if found is None:
        return None, ()
    path, table = found
    return path.parent, jsonc_files(str(path), table)


def listed_as_jsonc(file: str | os.PathLike[str]) -> bool:
    """Whether the settings that apply to `file` list it in `jsonc_files` (UsageError for
    a broken settings file). Cached per folder for the life of the process."""
    root, patterns = _jsonc_files_for_folder(os.path.abspath(os.path.dirname(file) or os.curdir))
    return bool(patterns) and matches_any(file, root, patterns)
