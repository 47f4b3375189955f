"""Normalization settings: defaults, `[tool.structconv]` / `.structconv.toml`, flags.

A project states its style once, in `pyproject.toml` under `[tool.structconv]` or in a
`.structconv.toml` (same keys, at the top level), so that the CLI, the pre-commit hook
and an editor integration agree without repeating flags. The file is found by walking
up from the normalized file's directory to the repository root; in one directory
`.structconv.toml` wins, and a `pyproject.toml` without a `[tool.structconv]` table is
passed over. Precedence, last
wins: defaults, the file's top-level keys, each matching `[[overrides]]` entry in order,
command-line flags.

Reading uses the standard library's tomllib, so loading settings never imports tomlkit.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from structconv.errors import UsageError

CONFIG_NAMES: tuple[str, ...] = (".structconv.toml", "pyproject.toml")

_LIMITS: dict[str, tuple[int, int]] = {"indent": (1, 16), "width": (20, 1000)}
# Keys that list files rather than set a style (see Config).
_FILE_LISTS = ("jsonc_files", "jsonc-files")


@dataclass(frozen=True)
class NormalizeSettings:
    """How normalized files look. Every field has a config key of the same name
    (`sort_keys` or `sort-keys`) and a command-line flag."""

    # Spaces per level: JSON, YAML mappings, XML elements, multi-line TOML arrays.
    indent: int = 2
    # JSON keeps an array of scalars (TOML: any array) on one line while it fits this width;
    # YAML folds long plain scalars at it.
    width: int = 88
    # Off by default: key order often carries meaning (and comments travel with their keys).
    # Sorts JSON and YAML mapping keys and XML attributes; TOML tables and CSV columns keep
    # their order (a TOML file's layout is its sections; a CSV's columns are its table).
    sort_keys: bool = False
    # YAML: `key:\n  - item` (True) or `key:\n- item` (False).
    indent_sequences: bool = True

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], origin: str = "settings") -> NormalizeSettings:
        """Settings from config keys (dashes or underscores), each checked, on the defaults."""
        return cls().updated(values, origin)

    def updated(self, values: Mapping[str, Any], origin: str = "settings") -> NormalizeSettings:
        """A copy with `values` applied; a wrong key or type is a UsageError naming `origin`."""
        known = {item.name: item for item in fields(self)}
        changes: dict[str, Any] = {}
        for raw_name, value in values.items():
            name = raw_name.replace("-", "_")
            if name not in known:
                raise UsageError(
                    f"{origin}: unknown setting {raw_name!r}; known: " + ", ".join(sorted(known))
                )
            expected = bool if known[name].type in ("bool", bool) else int
            if type(value) is not expected:
                raise UsageError(
                    f"{origin}: {raw_name} must be {'true or false' if expected is bool else 'an integer'}, "
                    f"not {value!r}"
                )
            if name in _LIMITS:
                low, high = _LIMITS[name]
                if not low <= value <= high:
                    raise UsageError(f"{origin}: {raw_name} must be between {low} and {high}")
            changes[name] = value
        return replace(self, **changes)


@dataclass(frozen=True)
class Override:
    """Settings for the files matching any of `patterns` (relative to the config's folder)."""

    patterns: tuple[str, ...]
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Config:
    """One loaded config file: base settings plus per-glob overrides."""

    path: Path | None = None
    base: NormalizeSettings = field(default_factory=NormalizeSettings)
    overrides: tuple[Override, ...] = ()
    # Files read as JSONC (JSON with comments) besides the well-known ones.
    jsonc_files: tuple[str, ...] = ()

    def is_jsonc(self, file: str | os.PathLike[str]) -> bool:
        """Whether `file` matches one of the `jsonc_files` patterns."""
        if not self.jsonc_files:
            return False
        relative = _relative_to(Path(file), self.path.parent if self.path else Path.cwd())
        return any(_matches(relative, pattern) for pattern in self.jsonc_files)

    def settings_for(self, file: str | os.PathLike[str]) -> NormalizeSettings:
        """The settings for `file`: the base, then every override whose pattern matches."""
        settings = self.base
        if not self.overrides:
            return settings
        relative = _relative_to(Path(file), self.path.parent if self.path else Path.cwd())
        for override in self.overrides:
            if any(_matches(relative, pattern) for pattern in override.patterns):
                settings = settings.updated(override.values, f"{self.path}: overrides")
        return settings


def _relative_to(file: Path, root: Path) -> PurePosixPath:
    absolute = Path(file).absolute()
    try:
        return PurePosixPath(absolute.relative_to(Path(root).absolute()).as_posix())
    except ValueError:
        return PurePosixPath(absolute.as_posix())


def _matches(relative: PurePosixPath, pattern: str) -> bool:
    """A pattern without '/' matches the file name anywhere ("*.yaml"), like .gitignore;
    with '/' it matches the path from the config's folder ("deploy/*.yaml", "docs/**")."""
    if "/" not in pattern:
        return fnmatch.fnmatchcase(relative.name, pattern)
    return fnmatch.fnmatchcase(str(relative), pattern.removeprefix("/"))


def _table(path: Path) -> dict[str, Any] | None:
    """The structconv table of a config file, or None when a pyproject.toml has none."""
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


def parse_config(path: Path, table: Mapping[str, Any]) -> Config:
    """A Config from the structconv table of `path` (checked now, so typos fail early)."""
    origin = str(path)
    values = {
        name: value for name, value in table.items() if name not in ("overrides", *_FILE_LISTS)
    }
    base = NormalizeSettings.from_mapping(values, origin)
    jsonc_files = table.get("jsonc_files", table.get("jsonc-files", []))
    if isinstance(jsonc_files, str):
        jsonc_files = [jsonc_files]
    if not isinstance(jsonc_files, list) or not all(isinstance(p, str) for p in jsonc_files):
        raise UsageError(f'{origin}: jsonc_files must be a list of globs, ["*.jsonc-like.json"]')
    raw_overrides = table.get("overrides", [])
    if not isinstance(raw_overrides, list):
        raise UsageError(f"{origin}: overrides must be an array of tables ([[...overrides]])")
    overrides: list[Override] = []
    for index, entry in enumerate(raw_overrides):
        where = f"{origin}: overrides[{index}]"
        if not isinstance(entry, dict):
            raise UsageError(f"{where} must be a table")
        patterns = entry.get("files")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not patterns or not all(isinstance(pattern, str) for pattern in patterns):
            raise UsageError(f'{where} needs files = ["glob", ...]')
        settings = {name: value for name, value in entry.items() if name != "files"}
        base.updated(settings, where)  # check the keys now
        overrides.append(Override(tuple(patterns), settings))
    return Config(path, base, tuple(overrides), tuple(jsonc_files))


def find_config_file(start: str | os.PathLike[str]) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above `start` (a folder) and its structconv table.

    The search stops at the repository root (a folder holding `.git`): a config
    outside the repository (in a home folder, say) would make the hook format
    differently on each developer's machine and in CI.
    """
    folder = Path(start).absolute()
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_folder / name
            if candidate.is_file():
                table = _table(candidate)
                if table is not None:
                    return candidate, table
        if (candidate_folder / ".git").exists():
            break
    return None


@lru_cache(maxsize=256)
def _config_for_folder(folder: str) -> Config:
    found = find_config_file(folder)
    return Config() if found is None else parse_config(*found)


def load_config(start: str | os.PathLike[str] | None = None) -> Config:
    """The Config that applies in folder `start` (default: the current directory).

    Cached per folder for the life of the process: a hook run over many files in one
    folder reads the file once.
    """
    return _config_for_folder(str(Path(start if start is not None else os.curdir).absolute()))


def load_config_file(path: str | os.PathLike[str]) -> Config:
    """An explicitly named config file (`--config`); it must hold structconv settings."""
    config_path = Path(path)
    table = _table(config_path)
    if table is None:
        raise UsageError(f"{config_path}: no [tool.structconv] table")
    return parse_config(config_path, table)


def settings_for_file(
    file: str | os.PathLike[str],
    flags: Mapping[str, Any] | None = None,
    config: Config | None = None,
) -> NormalizeSettings:
    """The settings for one file: its config (found from the file's folder unless given),
    then the command-line `flags` (None values are left out)."""
    if config is None:
        config = load_config(Path(file).parent)
    settings = config.settings_for(file)
    given = {name: value for name, value in (flags or {}).items() if value is not None}
    return settings.updated(given, "command line") if given else settings
