"""Normalization settings: defaults, the project's settings file, flags.

The style keys of `[tool.structconv]` / `.structconv.toml` (found and read by
structconv.settings_file). Precedence, last wins: defaults, the file's top-level keys,
each matching `[[overrides]]` entry in order, command-line flags.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from structconv import frozen
from structconv.errors import UsageError
from structconv.settings_file import (
    FILE_LISTS,
    find_config_file,
    jsonc_files,
    matches_any,
    read_table,
)

if TYPE_CHECKING:
    from pathlib import Path

_LIMITS: dict[str, tuple[int, int]] = {"indent": (1, 16), "width": (20, 1000)}


class NormalizeSettings(frozen.FrozenRecord):
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
        known = frozen.field_defaults(NormalizeSettings)
        changes: dict[str, Any] = {}
        for raw_name, value in values.items():
            name = raw_name.replace("-", "_")
            if name not in known:
                raise UsageError(
                    f"{origin}: unknown setting {raw_name!r}; known: " + ", ".join(sorted(known))
                )
            expected = type(known[name])  # bool or int, as its default
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
        return frozen.replace(self, **changes)


class Override(frozen.FrozenRecord):
    """Settings for the files matching any of `patterns` (relative to the config's folder)."""

    patterns: tuple[str, ...]
    values: Mapping[str, Any]


class Config(frozen.FrozenRecord):
    """One loaded config file: base settings plus per-glob overrides."""

    path: Path | None = None
    base: NormalizeSettings = NormalizeSettings()
    overrides: tuple[Override, ...] = ()

    def settings_for(self, file: str | os.PathLike[str]) -> NormalizeSettings:
        """The settings for `file`: the base, then every override whose pattern matches."""
        settings = self.base
        if not self.overrides:
            return settings
        root = self.path.parent if self.path else None
        for override in self.overrides:
            if matches_any(file, root, override.patterns):
                settings = settings.updated(override.values, f"{self.path}: overrides")
        return settings


def parse_config(path: Path, table: Mapping[str, Any]) -> Config:
    """A Config from the structconv table of `path` (checked now, so typos fail early)."""
    origin = str(path)
    values = {
        name: value for name, value in table.items() if name not in ("overrides", *FILE_LISTS)
    }
    base = NormalizeSettings.from_mapping(values, origin)
    jsonc_files(origin, table)  # checked here too: `--config` names a file detection never reads
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
        overrides.append(Override(patterns=tuple(patterns), values=settings))
    return Config(path=path, base=base, overrides=tuple(overrides))


@lru_cache(maxsize=256)
def _config_for_folder(folder: str) -> Config:
    found = find_config_file(folder)
    return Config() if found is None else parse_config(*found)


def load_config(start: str | os.PathLike[str] | None = None) -> Config:
    """The Config that applies in folder `start` (default: the current directory).

    Cached per folder for the life of the process: a hook run over many files in one
    folder reads the file once.
    """
    return _config_for_folder(os.path.abspath(start if start is not None else os.curdir))


def load_config_file(path: str | os.PathLike[str]) -> Config:
    """An explicitly named config file (`--config`); it must hold structconv settings."""
    from pathlib import Path

    config_path = Path(path)
    table = read_table(config_path)
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
        config = load_config(os.path.dirname(file) or os.curdir)
    settings = config.settings_for(file)
    given = {name: value for name, value in (flags or {}).items() if value is not None}
    return settings.updated(given, "command line") if given else settings
