"""Checks of the model's answer against the TOML it answers: every value where the input
writes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from structconv.repair.rules.toml.keys import _open_brackets
from structconv.repair.rules.toml.proposals import _KEY, _KEY_PART

# ---------------------------------------------------------------- model answers

_LENIENT_HEADER = re.compile(r"[ \t]*\[\[?([^\]#]*)\]?\]?[ \t]*(?:#.*)?")
_SPACED_PART = r"[A-Za-z0-9_-]+(?: +[A-Za-z0-9_-]+)+"
_WRITTEN_KEY = re.compile(f"[ \\t]*((?:{_SPACED_PART}|{_KEY}))[ \\t]*[=:][ \\t]*(.*)")
_PART = re.compile(f"{_SPACED_PART}|{_KEY_PART}")
_ARRAY_OR_TABLE = "[]{}"  # a multi-line array's lines are values, not headers


def _key_path(written: str) -> tuple[str, ...]:
    return tuple(
        part[1:-1] if part[0] in "\"'" else part.strip() for part in _PART.findall(written)
    )


def _written_paths(text: str) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """The key paths the input writes (table header + key), and those of them whose
    value is an inline array or table (their contents nest below them)."""
    paths: set[tuple[str, ...]] = set()
    containers: set[tuple[str, ...]] = set()
    table: tuple[str, ...] = ()
    depth = 0
    in_string = False
    for line in text.splitlines():
        opens_or_closes = bool(line.count('"""') % 2 or line.count("'''") % 2)
        if in_string:
            in_string = not opens_or_closes
            continue
        if depth > 0:
            depth = _open_brackets(line, _ARRAY_OR_TABLE, depth)
            continue
        in_string = opens_or_closes
        statement = _WRITTEN_KEY.match(line)
        header = _LENIENT_HEADER.fullmatch(line)
        if header is not None and statement is None:
            table = _key_path(header.group(1))
            paths.add(table)
        elif statement is not None:
            path = table + _key_path(statement.group(1))
            paths.add(path)
            value = statement.group(2).lstrip()
            if value.startswith(("[", "{")):
                containers.add(path)
                depth = _open_brackets(value, _ARRAY_OR_TABLE)
    return paths, containers


def _answer_paths(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The key path of every value and empty table of the answer (array items share
    their array's path)."""
    if isinstance(data, dict):
        if not data and path:
            yield path
        for key, value in data.items():
            yield from _answer_paths(value, (*path, str(key)))
    elif isinstance(data, list):
        if not data:
            yield path
        for item in data:
            yield from _answer_paths(item, path)
    else:
        yield path


def answer_lines_up(text: str, data: Any) -> str | None:
    """Why a value of the model's answer is not under the table and key the input
    writes it under, or None.

    Checked on the model's answers only. A TOML file spells out every value's path
    (its table header and its key), so a value the answer moves to another table holds
    only input values, in the wrong place, where provenance cannot see it."""
    paths, containers = _written_paths(text)
    for path in _answer_paths(data):
        if path in paths or any(path[:size] in containers for size in range(len(path))):
            continue
        return (
            f"the answer puts a value at {'.'.join(path)}, a key path the input does not "
            "write (table header and key)"
        )
    return None
