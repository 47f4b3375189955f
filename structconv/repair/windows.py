"""The part of an input that goes to the model.

Prompt evaluation costs about 1.5 ms a token on two cores and generation about 20 ms,
so the model sees at most MODEL_INPUT_CHARS characters, and repair time must not grow
with the healthy part of a file. Where the input is larger, the place the rules or the
parser point at picks a window that parses on its own:

- YAML: the top-level block (`key:` at column 0 and what is indented under it) that
  holds the line; its data is `{key: ...}` in every reading, and a generated answer is
  spliced between the blocks before and after it, which parse without it.
- CSV: the header line and a few lines around the place; the window's records are
  picked from each reading by position (only where each line above is one record).

Anything else larger than the budget is not sent: the caller refuses with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MODEL_INPUT_CHARS = 6000  # about 2,000 tokens
CSV_CONTEXT_LINES = 3

_YAML_TOP_KEY = re.compile(
    r"""^(?:"(?P<double>[^"\\]*)"|'(?P<single>[^']*)'|(?P<plain>[^\s#'"][^:#]*?))\s*:(?:\s|$)"""
)


def yaml_top_key(line: str) -> str | None:
    """The key a `key:` line at column 0 starts (quotes taken off), else None."""
    match = _YAML_TOP_KEY.match(line)
    if match is None:
        return None
    return next(g for g in match.group("double", "single", "plain") if g is not None).strip()


@dataclass(frozen=True)
class Window:
    """A slice of the input (whole lines) and how data maps to and from it."""

    text: str
    first_line: int  # 1-based, inclusive
    last_line: int
    select: Callable[[Any], Any]  # a reading's data -> the data of this window
    # The data of the rest of the input (lines before, lines after) -> data with the
    # window's data put back; None where a window's answer cannot be put back.
    splice: Callable[[Any, Any, Any], Any] | None = None
    before: str = ""
    after: str = ""


def _identity(data: Any) -> Any:
    return data


def whole(text: str) -> Window:
    return Window(text, 1, text.count("\n") + 1, _identity)


def window_for(
    text: str, format: str, line: int, parses: Callable[[str], bool] | None = None
) -> Window | None:
    """The window the model gets for breakage at `line`; None when no window fits.

    `parses(text)` tells whether a piece of the input reads on its own: a parser often
    reports breakage after it (an unclosed `[` is found in the next block), so a YAML
    window grows over whole blocks until the text before and after it parses.
    """
    if len(text) <= MODEL_INPUT_CHARS:
        return whole(text)
    lines = text.splitlines(keepends=True)
    if format == "yaml":
        return _yaml_blocks(lines, line, parses or (lambda _: True))
    if format == "csv":
        return _csv_rows(lines, line)
    return None


def _top_level(line: str) -> bool:
    return bool(line.strip()) and not line[0].isspace() and not line.startswith(("#", "---", "..."))


def _block_starts(lines: list[str]) -> list[int]:
    return [index for index, line in enumerate(lines) if _top_level(line)]


def _yaml_blocks(lines: list[str], line: int, parses: Callable[[str], bool]) -> Window | None:
    starts = _block_starts(lines)
    index = min(max(line, 1), len(lines)) - 1
    holding = next((n for n in range(len(starts) - 1, -1, -1) if starts[n] <= index), None)
    if holding is None:
        return None
    first = last = holding  # the window is blocks first..last
    bounds = [*starts, len(lines)]
    while True:
        start, end = bounds[first], bounds[last + 1]
        if sum(map(len, lines[start:end])) > MODEL_INPUT_CHARS:
            return None
        before, after = "".join(lines[:start]), "".join(lines[end:])
        if not parses(before) and first > 0:
            first -= 1
        elif not parses(after) and last + 1 < len(starts):
            last += 1
        else:
            break
    keys = []
    for start in starts[first : last + 1]:
        key = yaml_top_key(lines[start])
        if key is None:
            return None
        keys.append(key)

    def select(data: Any) -> Any:
        if not isinstance(data, dict) or any(key not in data for key in keys):
            raise KeyError(keys)
        return {key: data[key] for key in keys}

    def splice(before_data: Any, answer: Any, after_data: Any) -> Any:
        parts = [part if part is not None else {} for part in (before_data, answer, after_data)]
        if not all(isinstance(part, dict) for part in parts):
            raise ValueError("a block of a mapping must give a mapping")
        merged: dict[Any, Any] = {}
        for part in parts:
            clash = merged.keys() & part.keys()
            if clash:
                raise ValueError(f"the key {next(iter(clash))!r} would appear twice")
            merged.update(part)
        return merged

    start, end = bounds[first], bounds[last + 1]
    return Window(
        "".join(lines[start:end]),
        start + 1,
        end,
        select,
        splice,
        before="".join(lines[:start]),
        after="".join(lines[end:]),
    )


def _csv_rows(lines: list[str], line: int) -> Window | None:
    index = min(max(line, 2), len(lines)) - 1
    first = max(1, index - CSV_CONTEXT_LINES)
    last = min(len(lines), index + CSV_CONTEXT_LINES + 1)
    if '"' in "".join(lines[:last]):
        return None  # a quoted field may span lines: records and lines no longer match
    records = slice(first - 1, last - 1)
    text = lines[0] + "".join(lines[first:last])
    if len(text) > MODEL_INPUT_CHARS:
        return None

    def select(data: Any) -> Any:
        if not isinstance(data, list):
            raise KeyError("records")
        return data[records]

    return Window(text, first + 1, last, select)
