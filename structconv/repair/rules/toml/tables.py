"""The duplicate-table rule: `[server]` declared twice."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from structconv.errors import ParseError
from structconv.neutral import same_data
from structconv.repair.rules.toml.ids import DUPLICATE_TABLE
from structconv.repair.rules.toml.keys import _parses
from structconv.repair.rules.toml.proposals import _KEY_PART, _Reading
from structconv.repair.search import (
    Change,
)


def _header_path(line: str) -> tuple[str, ...] | None:
    """The key path of a `[table]` header line (None for anything else)."""
    if not line.lstrip(" \t").startswith("[") or line.lstrip(" \t").startswith("[["):
        return None
    try:
        data = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        ((key, data),) = data.items()
        path.append(key)
    return tuple(path) if path and data == {} else None


def _is_header(line: str) -> bool:
    stripped = line.lstrip(" \t")
    return stripped.startswith("[") and _parses(line) and bool(tomllib.loads(line))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end including the line break) of every line."""
    spans = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        spans.append((start, end))
        start = end
    return spans


_LENIENT_KEY = re.compile(f"[ \\t]*({_KEY_PART})[ \\t]*(?:\\.|=|:)")


def _top_keys(body: str) -> tuple[dict[str, Any] | None, set[str]]:
    """A table body's data when it parses alone, and its top-level key names."""
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        keys = set()
        for line in body.splitlines():
            match = _LENIENT_KEY.match(line)
            if match is not None:
                key = match.group(1)
                keys.add(key[1:-1] if key[0] in "\"'" else key)
        return None, keys
    return data, set(data)


def _moved_lines(text: str, lines: list[tuple[int, int]], numbers: range, dropped: set[int]) -> str:
    """The lines `numbers` of the text but those `dropped`, blank lines at either end
    left out, ending with a line break (empty when nothing is left)."""
    moved_lines = [text[slice(*lines[number])] for number in numbers if number not in dropped]
    while moved_lines and not moved_lines[0].strip():
        moved_lines.pop(0)
    while moved_lines and not moved_lines[-1].strip():
        moved_lines.pop()
    moved = "".join(moved_lines)
    if moved and not moved.endswith("\n"):
        moved += "\n"
    return moved


def _duplicate_table(text: str, error: ParseError, offset: int) -> list[_Reading] | None:
    if not (error.message.startswith("Cannot declare") and error.message.endswith("twice")):
        return None
    lines = _lines(text)
    if not 0 < error.line <= len(lines):
        return None
    second = error.line - 1
    path = _header_path(text[slice(*lines[second])].rstrip("\r\n"))
    if path is None:
        return None
    headers = [
        number
        for number, (start, end) in enumerate(lines)
        if _is_header(text[start:end].rstrip("\r\n"))
    ]
    firsts = [
        number
        for number in headers
        if number < second and _header_path(text[slice(*lines[number])].rstrip("\r\n")) == path
    ]
    if not firsts:
        return None  # first made by dotted keys or a sub-table header: not merged
    first = firsts[-1]

    def block_end(header: int) -> int:
        later = [number for number in headers if number > header]
        return later[0] if later else len(lines)

    first_end, second_end = block_end(first), block_end(second)
    body_one = text[lines[first][1] : lines[first_end][0] if first_end < len(lines) else len(text)]
    body_two_start = lines[second][1]
    body_two_end = lines[second_end][0] if second_end < len(lines) else len(text)
    data_one, keys_one = _top_keys(body_one)
    data_two, keys_two = _top_keys(text[body_two_start:body_two_end])
    if data_one is None:
        return None
    shared = keys_one & keys_two
    dropped: set[int] = set()
    for key in shared:
        if (
            data_two is None
            or isinstance(data_one[key], dict)
            or not same_data(data_one[key], data_two[key])
        ):
            return None  # the same key with different values: a real conflict
        defining = [
            number
            for number in range(second + 1, second_end)
            if _defines(text[slice(*lines[number])], key, data_one[key])
        ]
        if len(defining) != 1:
            return None
        dropped.add(defining[0])
    moved = _moved_lines(text, lines, range(second + 1, second_end), dropped)
    content = [
        number
        for number in range(first + 1, first_end)
        if text[slice(*lines[number])].strip()
        and not text[slice(*lines[number])].lstrip().startswith("#")
    ]
    insert_at = lines[content[-1] if content else first][1]
    if not text[:insert_at].endswith("\n"):
        return None
    name = ".".join(path)
    first_line, second_line = first + 1, second + 1
    changes = [
        Change(
            lines[second][0],
            body_two_end,
            "",
            DUPLICATE_TABLE,
            f"table [{name}] declared again at line {second_line}: that header removed"
            + (f", its keys moved into the first [{name}] (line {first_line})" if moved else "")
            + (
                f"; {', '.join(sorted(shared))} dropped: the first [{name}] holds the same value"
                if shared
                else ""
            ),
        )
    ]
    if moved:
        changes.insert(
            0,
            Change(
                insert_at,
                insert_at,
                moved,
                DUPLICATE_TABLE,
                f"keys of the second [{name}] table (line {second_line}) moved here",
            ),
        )
    return [_Reading(f"the two [{name}] tables merged", tuple(changes), 0.9)]


def _defines(line: str, key: str, value: Any) -> bool:
    try:
        return tomllib.loads(line) == {key: value}
    except tomllib.TOMLDecodeError:
        return False
