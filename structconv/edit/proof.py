"""The proof an edit must pass before anything is written.

1. The new text is read with the strict reader (structconv.formats.read), as
   `convert` reads files: it must parse.
2. Its data equals the original data with only the asked change made (type-strict,
   structconv.neutral.first_difference): nothing else may differ, and the keys that
   were there keep their order.
3. Every line outside the lines the editor said it changed is byte-identical to
   the original, in place: the text before them and after them is the original's.
   The editors that replace characters report the lines their replacements touch;
   TOML's (tomlkit) reports the lines of the one region in which the texts differ,
   and that region must be no larger than the old and new entries' own lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from structconv.edit.splice import Edited, EditRefused
from structconv.errors import ParseError
from structconv.neutral import PathPart, first_difference, format_path


def _order_difference(expected: Any, got: Any) -> str | None:
    """The first mapping in which keys present in both come in another order (called
    with the original data: a key the edit added may go where its format puts it)."""
    stack: list[tuple[tuple[PathPart, ...], Any, Any]] = [((), expected, got)]
    while stack:
        path, left, right = stack.pop()
        if isinstance(left, dict) and isinstance(right, dict):
            shared = [key for key in left if key in right]
            if [key for key in right if key in left] != shared:
                return format_path(path)
            stack.extend((path + (key,), left[key], right[key]) for key in shared)
        elif isinstance(left, list) and isinstance(right, list):
            stack.extend(
                (path + (index,), *pair)
                for index, pair in enumerate(zip(left, right, strict=False))
            )
    return None


def changed_region(old: str, new: str) -> tuple[int, int, int]:
    """(first, old_end, new_end): the lines [first, old_end) of `old` became the lines
    [first, new_end) of `new`; all lines before and after are the same."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    first = 0
    limit = min(len(old_lines), len(new_lines))
    while first < limit and old_lines[first] == new_lines[first]:
        first += 1
    tail = 0
    while (
        tail < limit - first
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        tail += 1
    return first, len(old_lines) - tail, len(new_lines) - tail


def prove(
    original: str,
    edited: Edited,
    format: str,
    expected: Any,
    read: Callable[[str], Any],
    original_data: Any,
) -> None:
    """Raise EditRefused, saying why, unless `edited` passes the three checks."""
    try:
        again = read(edited.text)
    except ParseError as error:
        raise EditRefused(f"the edited text would not parse as {format} ({error})") from None
    difference = first_difference(expected, again)
    if difference is not None:
        where, want, got = difference
        raise EditRefused(
            f"the data would not be as asked at {where}: {want!r} expected, {got!r} read back"
        )
    moved = _order_difference(original_data, again)
    if moved is not None:
        raise EditRefused(f"the keys of {moved} would change order")
    old_lines, new_lines = original.split("\n"), edited.text.split("\n")
    first, end = edited.first_line, max(edited.end_line, edited.first_line)
    kept_after = len(old_lines) - end
    if new_lines[:first] != old_lines[:first]:
        line = next(
            n
            for n, pair in enumerate(zip(old_lines, new_lines, strict=False))
            if pair[0] != pair[1]
        )
        raise EditRefused(f"line {line + 1} would change, before the edited lines")
    if kept_after and (
        len(new_lines) - kept_after < first
        or new_lines[len(new_lines) - kept_after :] != old_lines[end:]
    ):
        raise EditRefused(f"a line after line {end} would change, outside the edited lines")
