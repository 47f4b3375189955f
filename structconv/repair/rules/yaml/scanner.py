"""The YAML rules' line scanner: what YAML context each line of broken text is in (block
or flow, a key, a quoted value, a block scalar), and the limits of the search."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAX_READINGS = 4
_MAX_PARSES = 300
# Characters read in all passes together (a few seconds of work; a big file gets fewer passes).
_MAX_WORK = 8_000_000
# A value of this many words may be prose wrapped onto the next line.
_PROSE_WORDS = 4

_CONFLICT_MARKER = re.compile(r"^(?:<{7}|={7}|>{7}|\|{7})(?:[ \t]|$)", re.MULTILINE)
_CLOSER = {"[": "]", "{": "}"}
_BLOCK_HEADER = re.compile(r"[|>][-+1-9]{0,2}[ \t]*(?:#.*)?$")
_KEYWORDS = frozenset(
    {"true", "false", "null", "True", "False", "None", "undefined", "NaN", "Infinity", "nil", "~"}
)
_FLOW_WORD = re.compile(r"[^\[\]{},:\s'\"]+")
_DECORATION = re.compile(r"^(?:[&!][^\s]*[ \t]+)+")
_RESERVED_START = frozenset("@`%")
# A line that starts a list item or a mapping entry (`- `, `key:`, `"key":`).
_ENTRY = re.compile(
    r"""(?:-(?:[ \t]|$)|[^\s#'"][^#]*?:(?:[ \t]|$)|["'][^"']*["'][ \t]*:(?:[ \t]|$))"""
)


# --- a line scanner: what YAML context each line is in --------------------------------


@dataclass
class _Span:
    """A quoted scalar or a flow collection: where it opens, and where it closes (None: never)."""

    char: str
    start: int
    end: int | None = None
    in_block: bool = True  # opened in block context (not inside a flow collection)
    value_position: bool = False  # opened after `key: ` or `- `


@dataclass
class _Line:
    index: int  # 0-based
    start: int
    end: int  # the end of the content (before "\r\n" or "\n")
    lead: int  # the length of the leading spaces and tabs
    kind: str  # blank, comment, content, block (block scalar content), quoted, flow
    comment: int | None = None  # where a comment starts on this line
    flows_at_end: tuple[_Span, ...] = ()

    @property
    def content_start(self) -> int:
        return self.start + self.lead

    @property
    def number(self) -> int:
        return self.index + 1


class _Scan:
    """A lenient single pass over the text: quotes, flows, comments and block scalars."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[_Line] = []
        self.quotes: list[_Span] = []
        self.flows: list[_Span] = []
        self._run()

    def _run(self) -> None:
        text = self.text
        quote: _Span | None = None
        flow: list[_Span] = []
        block_parent: int | None = None
        expect_node = True
        start = 0
        index = 0
        while start <= len(text):
            newline = text.find("\n", start)
            line_end = len(text) if newline == -1 else newline
            end = line_end - 1 if line_end > start and text[line_end - 1] == "\r" else line_end
            lead = 0
            while start + lead < end and text[start + lead] in " \t":
                lead += 1
            empty = start + lead >= end
            if block_parent is not None:
                if empty or lead > block_parent:
                    self.lines.append(_Line(index, start, end, lead, "block"))
                    start, index = line_end + 1, index + 1
                    continue
                block_parent = None
            if quote is not None:
                kind = "quoted"
            elif flow:
                kind = "flow"
            elif empty:
                kind = "blank"
            elif text[start + lead] == "#":
                kind = "comment"
            else:
                kind = "content"
            line = _Line(index, start, end, lead, kind)
            self.lines.append(line)
            if kind == "comment":
                line.comment = start + lead
            if kind in ("content", "quoted", "flow"):
                if kind == "content":
                    expect_node = True
                quote, expect_node, block_parent = self._scan_line(line, quote, flow, expect_node)
            line.flows_at_end = tuple(flow)
            start, index = line_end + 1, index + 1

    def _scan_line(
        self, line: _Line, quote: _Span | None, flow: list[_Span], expect_node: bool
    ) -> tuple[_Span | None, bool, int | None]:
        text = self.text
        end = line.end
        position = line.content_start
        parent_column = line.lead
        after_indicator = False  # the last thing was `key:` or `- ` (a value position)
        while position < end:
            character = text[position]
            if quote is not None:
                if quote.char == '"' and character == "\\":
                    position += 2
                    continue
                if character == quote.char:
                    if quote.char == "'" and position + 1 < end and text[position + 1] == "'":
                        position += 2
                        continue
                    quote.end = position
                    quote = None
                    expect_node = False
                position += 1
                continue
            if character in " \t":
                position += 1
                continue
            if character == "#" and (position == line.start or text[position - 1] in " \t"):
                line.comment = position
                break
            following = text[position + 1] if position + 1 < end else "\n"
            blank_follows = following in " \t\r\n"
            if character == ":" and (blank_follows or (flow and following in ",[]{}")):
                expect_node = True
                after_indicator = True
                position += 1
                continue
            if flow and character == ",":
                expect_node = True
                after_indicator = False
                position += 1
                continue
            if flow and character in "]}":
                if _CLOSER.get(flow[-1].char) == character:
                    flow.pop().end = position
                expect_node = False
                position += 1
                continue
            if expect_node:
                if character in "\"'":
                    quote = _Span(character, position, None, not flow, after_indicator)
                    self.quotes.append(quote)
                    position += 1
                    continue
                if character in "[{":
                    span = _Span(character, position, None, not flow, after_indicator)
                    flow.append(span)
                    self.flows.append(span)
                    after_indicator = False
                    position += 1
                    continue
                if not flow and character in "-?" and blank_follows:
                    parent_column = position - line.start
                    after_indicator = True
                    position += 1
                    continue
                if not flow and character in "|>" and _BLOCK_HEADER.match(text, position, end):
                    comment = text.find("#", position, end)
                    if comment != -1:
                        line.comment = comment
                    return None, True, parent_column
                if character in "&!":
                    while position < end and text[position] not in " \t":
                        position += 1
                    continue
                if not flow:
                    parent_column = position - line.start
                expect_node = False
                after_indicator = False
            position = max(self._plain_end(position, end, bool(flow)), position + 1)
        return quote, expect_node, None

    def rescan(self, line: _Line) -> None:
        """Scan one line on its own (as if nothing were open before it): sets its comment."""
        self._scan_line(line, None, [], True)

    def _plain_end(self, position: int, end: int, in_flow: bool) -> int:
        text = self.text
        while position < end:
            character = text[position]
            if character in " \t" and position + 1 < end and text[position + 1] == "#":
                return position
            if character == ":":
                following = text[position + 1] if position + 1 < end else "\n"
                if following in " \t\r\n" or (in_flow and following in ",[]{}"):
                    return position
            if in_flow and character in ",[]{}":
                return position
            position += 1
        return position

    def line_at(self, offset: int) -> _Line:
        low, high = 0, len(self.lines) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.lines[middle].start <= offset:
                low = middle
            else:
                high = middle - 1
        return self.lines[low]


@dataclass
class _Parts:
    """A block line taken apart: its `- ` indicators, its key (if any) and its value."""

    dashes: list[int]  # offsets of the `-` indicators
    node_start: int  # where the key or the value starts, after the indicators
    key_end: int | None  # the end of the key (None: no key on this line)
    colon: int | None
    value_start: int  # where the value starts (== value_end when there is none)
    value_end: int  # the end of the value, before a comment and trailing blanks


def _quoted_end(text: str, position: int, end: int) -> int | None:
    """The offset of the quote closing the one at `position` on this line, or None."""
    quote = text[position]
    position += 1
    while position < end:
        character = text[position]
        if quote == '"' and character == "\\":
            position += 2
            continue
        if character == quote:
            if quote == "'" and position + 1 < end and text[position + 1] == "'":
                position += 2
                continue
            return position
        position += 1
    return None


def _key_colon(text: str, position: int, end: int) -> int | None:
    """The colon that makes the node at `position` a key (`key: value`), or None."""
    if position >= end:
        return None
    first = text[position]
    if first in "\"'":
        closing = _quoted_end(text, position, end)
        if closing is None:
            return None
        after = closing + 1
        while after < end and text[after] in " \t":
            after += 1
        if after < end and text[after] == ":" and (after + 1 >= end or text[after + 1] in " \t"):
            return after
        return None
    if first in "[{#&*!|>%@`,]}" or (
        first in "-?:" and (position + 1 >= end or text[position + 1] in " \t")
    ):
        return None
    cursor = position
    while cursor < end:
        character = text[cursor]
        if character == "#" and text[cursor - 1] in " \t":
            return None
        if character == ":" and (cursor + 1 >= end or text[cursor + 1] in " \t"):
            return cursor
        cursor += 1
    return None


def _parts(text: str, line: _Line) -> _Parts:
    end = line.comment if line.comment is not None else line.end
    position = line.content_start
    dashes: list[int] = []
    while (
        position < end
        and text[position] == "-"
        and (position + 1 >= end or text[position + 1] in " \t")
    ):
        dashes.append(position)
        position += 1
        while position < end and text[position] in " \t":
            position += 1
    node_start = position
    colon = _key_colon(text, position, end)
    key_end = None
    if colon is not None:
        key_end = colon
        while key_end > node_start and text[key_end - 1] in " \t":
            key_end -= 1
        position = colon + 1
        while position < end and text[position] in " \t":
            position += 1
    value_end = end
    while value_end > position and text[value_end - 1] in " \t":
        value_end -= 1
    return _Parts(dashes, node_start, key_end, colon, position, max(position, value_end))
