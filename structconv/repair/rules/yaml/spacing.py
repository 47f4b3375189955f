"""Rules for space: tab-indentation, tab-separator and colon-space."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from structconv.errors import ParseError
from structconv.repair.rules.yaml.ids import (
    COLON_SPACE,
    COSMETIC,
    NEAR_CERTAIN,
    TAB_INDENTATION,
    TAB_SEPARATOR,
)
from structconv.repair.rules.yaml.proposals import _Alternative, _Proposal, _single
from structconv.repair.rules.yaml.scanner import _ENTRY

if TYPE_CHECKING:
    from structconv.repair.rules.yaml.scanner import _Line, _Scan


# --- tab-indentation and tab-separator ------------------------------------------------


def _indent_unit(text: str, scan: _Scan) -> int:
    """The file's indentation step: the most common increase between content lines."""
    steps: Counter[int] = Counter()
    previous: int | None = None
    for line in scan.lines:
        if line.kind != "content":
            continue
        leading = text[line.start : line.content_start]
        if "\t" in leading:
            previous = None
            continue
        if previous is not None and line.lead > previous:
            steps[line.lead - previous] += 1
        previous = line.lead
    if not steps:
        return 2
    return min(steps, key=lambda step: (-steps[step], step))


def _expand(leading: str, width: int) -> int:
    column = 0
    for character in leading:
        column = column + 1 if character == " " else (column // width + 1) * width
    return column


def _tab_indentation(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    error_line = scan.line_at(offset) if offset is not None else None
    tab_on_error_line = (
        error_line is not None and "\t" in text[error_line.start : error_line.content_start]
    )
    if "tab" not in error.message.lower() and not tab_on_error_line:
        return None
    # Lines to fix: content/comment lines indented with tabs, and the lines of block scalars
    # whose indentation is tabs (their first line starts with a tab).
    targets: list[tuple[_Line, str]] = []  # (line, the leading text that is indentation)
    block_prefix: str | None = None
    for line in scan.lines:
        leading = text[line.start : line.content_start]
        if line.kind == "block":
            if block_prefix is None and line.lead and line.start + line.lead < line.end:
                block_prefix = leading if leading.startswith("\t") else ""
            if block_prefix and leading.startswith(block_prefix):
                targets.append((line, block_prefix))
            continue
        block_prefix = None
        if line.kind in ("content", "comment") and "\t" in leading:
            targets.append((line, leading))
    if not targets:
        return None
    mixed = any(
        line.kind == "content" and " " in text[line.start : line.content_start]
        for line in scan.lines
    )
    unit = _indent_unit(text, scan)
    widths = [unit, *(width for width in (2, 4, 8) if width != unit)] if mixed else [unit]
    alternatives = []
    for width in widths:
        edits = []
        for line, leading in targets:
            columns = _expand(leading, width)
            edits.append(
                (
                    line.start,
                    line.start + len(leading),
                    " " * columns,
                    f"tab indentation replaced by {columns} spaces (a tab as {width} columns)",
                )
            )
        alternatives.append(
            _Alternative(
                tuple(edits), TAB_INDENTATION, NEAR_CERTAIN, f"tabs read as {width} columns"
            )
        )
    first = targets[0][0]
    return _Proposal(
        tuple(alternatives),
        "spaces and tabs are mixed in the indentation, and tab widths give different structures",
        first.number,
        1,
    )


_TAB_AFTER_KEY = re.compile(r"\t+")


def _tab_separator(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    if offset is None or "must be followed by a valid YAML whitespace" not in error.message:
        return None
    edits = []
    for line in scan.lines:
        if line.kind != "content":
            continue
        parts = _parts_of_tab_line(text, line)
        if parts is not None:
            edits.append(parts)
    if not edits:
        return None
    line = scan.line_at(offset)
    return _single(
        _Alternative(tuple(edits), TAB_SEPARATOR, COSMETIC, "the tab after ':' read as a space"),
        line.number,
        1,
    )


_KEY_WITHOUT_SPACE = re.compile(r"((?:- +)*)([A-Za-z_][\w.-]*):(?=[\"'\[{])")
# `key:value` with a plain value: only on the line the reader refuses (or the line above
# it, at its indentation, which the reader took for a value), never in a list
# item (`- redis-data:/data` is one plain scalar, as compose writes volumes).
_PLAIN_KEY_WITHOUT_SPACE = re.compile(r"([A-Za-z_][\w.-]*):(?=[^\s:#\"'][^:#]*$)")


_DASHES = re.compile(r"(?:-[ \t]+)+")


def _mapping_key_above(text: str, scan: _Scan, line: _Line) -> bool:
    """Whether the nearest content line above `line` has a `key: ` entry starting at
    `line`'s column (`- name: v` over `  mountPath:/models`)."""
    for other in reversed(scan.lines[: line.index]):
        if other.kind in ("blank", "comment"):
            continue
        if other.kind != "content":
            return False
        dashes = _DASHES.match(text, other.content_start)
        start = dashes.end() if dashes else other.content_start
        return start - other.start == line.lead and _ENTRY.match(text, start) is not None
    return False


def _colon_space(text: str, scan: _Scan, error: ParseError, offset: int | None) -> _Proposal | None:
    """`key:"value"` or `key:value` in a block mapping: the space after the colon (which
    YAML needs to see a key) is added, on every such line at once."""
    if offset is None:
        return None
    edits = []
    refused = scan.line_at(offset)
    while refused.index > 0 and refused.kind != "content":
        refused = scan.lines[refused.index - 1]  # the reader stopped past the line's end
    # `context:frontend` above `target: x`: the reader took the first line for the
    # mapping's value and refuses the second; the first is where the space is missing.
    above = next(
        (
            line
            for line in reversed(scan.lines[: refused.index])
            if line.kind not in ("blank", "comment")
        ),
        None,
    )
    plain_lines = {refused.index: 0}  # line -> where its key starts (after `- `)
    if above is not None and above.kind == "content":
        dashes = _DASHES.match(text, above.content_start)
        skip = dashes.end() - above.content_start if dashes else 0
        if above.lead == refused.lead and not skip:
            plain_lines[above.index] = 0
        elif skip and above.lead + skip == refused.lead:
            # `- name:Use Node.js` over `  uses: x`: the item is a mapping, `name` its key
            plain_lines[above.index] = skip
        elif not skip and _mapping_key_above(text, scan, above):
            # `- name: v` / `  mountPath:/models` then a less indented key: the reader
            # read the second line into the first's value
            plain_lines[above.index] = 0
    for line in scan.lines:
        if line.kind != "content":
            continue
        end = line.comment if line.comment is not None else line.end
        content = text[line.content_start : end].rstrip()
        match = _KEY_WITHOUT_SPACE.match(content)
        skip = 0
        if match is None and line.index in plain_lines:
            skip = plain_lines[line.index]
            match = _PLAIN_KEY_WITHOUT_SPACE.match(content, skip)
        if match is None:
            continue
        colon = line.content_start + match.end()
        edits.append(
            (colon, colon, " ", f"a space added after '{match.group(match.lastindex or 0)}:'")
        )
    if not edits:
        return None
    line = scan.line_at(offset)
    return _single(
        _Alternative(
            tuple(edits), COLON_SPACE, NEAR_CERTAIN, "a space added after the key's colon"
        ),
        line.number,
        1,
    )


def _parts_of_tab_line(text: str, line: _Line) -> tuple[int, int, str, str] | None:
    """The edit turning `key:<TAB>value` into `key: value` on this line, if it has one."""
    end = line.comment if line.comment is not None else line.end
    position = line.content_start
    while (
        position < end
        and text[position] == "-"
        and position + 1 < end
        and text[position + 1] in " \t"
    ):
        position += 2
        while position < end and text[position] in " \t":
            position += 1
    if position >= end or text[position] in "\"'[{#&*!|>%@`":
        return None
    colon = text.find(":", position, end)
    if colon == -1 or colon + 1 >= end or text[colon + 1] != "\t":
        return None
    if " #" in text[position:colon] or ": " in text[position:colon]:
        return None
    tabs = _TAB_AFTER_KEY.match(text, colon + 1)
    assert tabs is not None
    if tabs.end() >= end:
        return None
    return (colon + 1, tabs.end(), " ", "tab after ':' replaced by a space")
