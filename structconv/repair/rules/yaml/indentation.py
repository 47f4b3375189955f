"""The stray-indent rule: a line indented to no open level."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from structconv.errors import ParseError
from structconv.repair.rules.yaml.ids import BLOCK_INDENT, CLOSED, QUOTE_VALUE, STRAY, STRAY_INDENT
from structconv.repair.rules.yaml.proposals import _Alternative, _Proposal, _shown, _single
from structconv.repair.rules.yaml.scanner import _ENTRY, _PROSE_WORDS, _parts
from structconv.repair.rules.yaml.spacing import _indent_unit

if TYPE_CHECKING:
    from structconv.repair.rules.yaml.scanner import _Line, _Scan


# --- stray-indent ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    column: int
    name: str  # the key, or "-" for a sequence
    line: int  # 1-based


def _levels(text: str, scan: _Scan, before: int) -> tuple[list[_Level], _Line | None]:
    """The open indentation levels before line index `before`, and the last content line."""
    stack: list[_Level] = []
    previous: _Line | None = None
    for line in scan.lines[:before]:
        if line.kind != "content":
            continue
        parts = _parts(text, line)
        column = line.lead
        if not parts.dashes and parts.colon is None and stack and column > stack[-1].column:
            continue  # the continuation of a multi-line plain value
        previous = line
        while stack and stack[-1].column >= column:
            stack.pop()
        for dash in parts.dashes:
            stack.append(_Level(dash - line.start, "-", line.number))
        if parts.key_end is not None:
            name = _shown(text[parts.node_start : parts.key_end], 30)
            stack.append(_Level(parts.node_start - line.start, name, line.number))
        elif not parts.dashes:
            stack.append(_Level(column, "", line.number))
    return stack, previous


def _opener(text: str, line: _Line) -> int | None:
    """The column under which `line` opens a block (`key:` or `-` with nothing after)."""
    parts = _parts(text, line)
    if parts.value_start != parts.value_end:
        return None
    if parts.key_end is not None:
        return parts.node_start - line.start
    if parts.dashes:
        return parts.dashes[-1] - line.start
    return None


_BLOCK_SCALAR_HEADER = re.compile(r"(?:^|[ \t])[|>][-+0-9]*[ \t]*(?:#.*)?$")


def _block_under_indented(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    """A line below a block scalar (`run: |`) indented less than the block but no less
    than its key, that is no key or list item: the mapping around the block cannot hold
    it, so it is the block's, its indentation lost in a paste. It gets the block's."""
    edits: list[tuple[int, int, str, str]] = []
    lines = scan.lines
    for header in lines:
        if header.kind != "content":
            continue
        if not _BLOCK_SCALAR_HEADER.search(text[header.content_start : header.end].rstrip()):
            continue
        body = [
            line
            for line in lines[header.index + 1 :]
            if line.kind != "blank" and text[line.content_start : line.end].strip()
        ]
        if not body or body[0].lead <= header.lead:
            continue
        indent = body[0].lead
        for line in body:
            if line.lead >= indent:
                continue
            content = text[line.content_start : line.end]
            if (
                line.lead < header.lead
                or line.kind not in ("content", "block")
                or _ENTRY.match(content)
            ):
                break  # the block ends here
            edits.append(
                (
                    line.start,
                    line.content_start,
                    " " * indent,
                    f"line {line.number} of the block scalar on line {header.number} indented "
                    f"to the block's column {indent + 1} (it was at column {line.lead + 1})",
                )
            )
    if not edits:
        return None
    first = scan.line_at(edits[0][0])
    return _single(
        _Alternative(
            tuple(edits), BLOCK_INDENT, CLOSED, "block scalar lines given the block's indentation"
        ),
        first.number,
        1,
    )


def _stray_indent(
    text: str, scan: _Scan, error: ParseError, offset: int | None
) -> _Proposal | None:
    if offset is None:
        return None
    line = scan.line_at(offset)
    if line.kind != "content" or "\t" in text[line.start : line.content_start]:
        return None
    parts = _parts(text, line)
    mapping_value = "mapping values are not allowed" in error.message
    if mapping_value and parts.colon != offset:
        return None
    levels, previous = _levels(text, scan, line.index)
    column = line.lead
    if any(level.column == column for level in levels) and not mapping_value:
        return None
    below = [level for level in levels if level.column < column]
    above = [level for level in levels if level.column > column]
    targets: list[tuple[int, str]] = []
    shown = _shown(text[line.content_start : line.end], 30)
    if below:
        level = below[-1]
        targets.append((level.column, _beside(level)))
    if above:
        level = min(above, key=lambda level: level.column)
        targets.append((level.column, _beside(level)))
    block_end = _block_end(scan, line, levels)
    after = _next_content(scan, block_end)
    if _opener(text, line) is not None and after is not None and after.lead < column:
        # `key:` with nothing after it, then lines less indented than it: at a level out
        # of their reach it holds them, instead of a null beside them.
        outer = [level for level in below if level.column < after.lead]
        if outer:
            targets.append((outer[-1].column, f"{_beside(outer[-1])}, holding the lines after it"))
    if previous is not None:
        opened = _opener(text, previous)
        if opened is not None and opened >= column:
            name = _shown(text[previous.start + opened : previous.end].rstrip(": \t-"), 30)
            targets.append(
                (opened + _indent_unit(text, scan), f"under '{name}' (line {previous.number})")
            )
    alternatives: list[_Alternative] = []
    seen: set[int] = set()
    for target, where in targets:
        if target == column or target in seen:
            continue
        seen.add(target)
        edits = _shift(text, scan, line, block_end, target - column)
        if edits is None:
            continue
        alternatives.append(
            _Alternative(
                edits,
                STRAY_INDENT,
                STRAY,
                f"line {line.number} ('{shown}') {where}",
            )
        )
    if mapping_value and previous is not None:
        joined = _joined_value(text, scan, previous, line)
        if joined is not None:
            alternatives.append(joined)
    if not alternatives:
        return None
    return _Proposal(
        tuple(alternatives),
        f"line {line.number} is indented to column {column + 1}, which no enclosing block uses",
        line.number,
        column + 1,
    )


def _next_content(scan: _Scan, index: int) -> _Line | None:
    """The first content line after line index `index`."""
    return next((line for line in scan.lines[index + 1 :] if line.kind == "content"), None)


def _beside(level: _Level) -> str:
    if level.name == "-":
        return f"as an item of the list at line {level.line}"
    if level.column == 0:
        return "at the top level"
    if not level.name:
        return f"beside line {level.line}"
    return f"beside '{level.name}' (line {level.line})"


def _block_end(scan: _Scan, line: _Line, levels: Sequence[_Level] = ()) -> int:
    """The index of the last line carried with `line`: its deeper lines and the lines at
    its own (stray) column, up to a shallower line or one at an open level of its own."""
    open_columns = {level.column for level in levels}
    last = line.index
    for following in scan.lines[line.index + 1 :]:
        if following.kind == "content" and (
            following.lead < line.lead
            or (following.lead != line.lead and following.lead in open_columns)
        ):
            break
        if following.kind in ("content", "block", "quoted", "flow"):
            last = following.index
    return last


def _shift(
    text: str, scan: _Scan, line: _Line, last: int, delta: int
) -> tuple[tuple[int, int, str, str], ...] | None:
    edits = []
    for moved in scan.lines[line.index : last + 1]:
        if moved.kind in ("blank", "comment") or moved.start + moved.lead >= moved.end:
            continue
        leading = text[moved.start : moved.content_start]
        if "\t" in leading:
            return None
        new = moved.lead + delta
        if new < 0:
            return None
        edits.append(
            (
                moved.start,
                moved.content_start,
                " " * new,
                f"line indented from column {moved.lead + 1} to column {new + 1} (stray indentation)",
            )
        )
    return tuple(edits)


def _joined_value(text: str, scan: _Scan, previous: _Line, line: _Line) -> _Alternative | None:
    """`description: a long\\n  text: more` read as one value over both lines."""
    if previous.index != line.index - 1 or previous.comment is not None or line.comment is not None:
        return None
    parts = _parts(text, previous)
    if parts.colon is None or parts.value_start == parts.value_end:
        return None
    value = text[parts.value_start : parts.value_end]
    if value[0] in "\"'[{|>&*!%@`#":
        return None
    parts_here = _parts(text, line)
    key = text[parts_here.node_start : parts_here.key_end or parts_here.node_start]
    if len(value.split()) < _PROSE_WORDS and not re.search(r"\s", key):
        return None  # `host: x` + `    port: 80` is not prose wrapped onto a second line
    if line.lead <= previous.lead or _block_end(scan, line) != line.index:
        return None
    end = line.end
    while end > line.content_start and text[end - 1] in " \t":
        end -= 1
    whole = text[parts.value_start : end]
    if "'" in whole and ('"' in whole or "\\" in whole):
        return None
    quote = "'" if "'" not in whole else '"'
    continued = _shown(text[line.content_start : end], 30)
    return _Alternative(
        (
            (
                parts.value_start,
                parts.value_start,
                quote,
                f"the value of line {previous.number} quoted over two lines",
            ),
            (end, end, quote, f"line {line.number} read as the continuation of that value"),
        ),
        QUOTE_VALUE,
        STRAY,
        f"line {line.number} ('{continued}') continues the value of line {previous.number}",
    )
