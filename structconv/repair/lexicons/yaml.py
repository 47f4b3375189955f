"""The YAML lexicon: a lenient line-by-line reading of keys, scalars and flow collections.

A plain scalar followed by `:` (and a space or the line end) is a key, anything else a
value; a value on a key's line (or in a flow collection after it, or in the block
scalar below it) belongs to that key. Keys themselves and block list items carry no
owner: indentation is what a broken file gets wrong, and the repair's moves would be
judged by the very indentation they mend.

A plain scalar reads as the YAML 1.2 reader of structconv types it (`1` is the number,
`yes` the text); a quoted one as its text; a value spread over lines (a block scalar,
folded plain or quoted lines) as its lines joined, compared with runs of whitespace as
one space. A key with nothing after it may hold a null. An alias (`*name`) repeats the
tokens of its anchored node, as optional copies (a merge key takes what it needs);
`<<` and tags other than YAML's own are optional keys (a tag convention may hold them).
Comments, document markers, directives, anchors and block headers are not content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from structconv.options import Options
from structconv.repair.provenance import Item, Role, Token, walk_items
from structconv.repair.spelling import unescape_backslashes

_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
_CORE_TAG = re.compile(r"!!(?:str|int|float|bool|null|map|seq)$|!$")
_STRICT = Options(repair="off")


@lru_cache(maxsize=4096)
def _plain_readings(piece: str) -> tuple[Any, ...]:
    """What structconv's YAML reader makes of a plain scalar (its text when it cannot say)."""
    from structconv import formats
    from structconv.errors import StructconvError

    try:
        data = formats.read(f"- {piece}\n", "yaml", _STRICT)
    except (StructconvError, ValueError, RecursionError):
        return (piece,)
    if isinstance(data, list) and len(data) == 1 and not isinstance(data[0], dict | list):
        value = data[0]
        return (value,) if not isinstance(value, str) or value == piece else (value, piece)
    return (piece,)


def _double_quoted(body: str) -> str:
    folded = re.sub(r"[ \t]*\\?\r?\n[ \t]*", " ", body) if "\n" in body else body
    return unescape_backslashes(folded) if "\\" in folded else folded


def _single_quoted(body: str) -> str:
    folded = re.sub(r"[ \t]*\r?\n[ \t]*", " ", body) if "\n" in body else body
    return folded.replace("''", "'")


@dataclass
class _Line:
    start: int
    end: int  # before the line break
    indent: int


@dataclass
class _Anchor:
    name: str
    first: int  # its node's first token
    indent: int  # the indentation of the line that holds it (a block node goes deeper)
    last: int | None = None  # one past its node's last token (None: still open)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = []
        self.lines = self._lines()
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: list[_Anchor] = []

    def _lines(self) -> list[_Line]:
        lines = []
        start = 0
        text = self.text
        while start <= len(text):
            newline = text.find("\n", start)
            end = len(text) if newline == -1 else newline
            content_end = end - 1 if end > start and text[end - 1] == "\r" else end
            indent = 0
            while start + indent < content_end and text[start + indent] == " ":
                indent += 1
            lines.append(_Line(start, content_end, indent))
            if newline == -1:
                break
            start = newline + 1
        return lines

    def add(self, role: Role, start: int, end: int, readings: tuple[Any, ...], **more: Any) -> int:
        self.tokens.append(Token(role, self.text[start:end], start, end, readings, **more))
        return len(self.tokens) - 1

    # -------------------------------------------------------------- the line loop

    def run(self) -> list[Token]:
        index = 0
        lines = self.lines
        text = self.text
        while index < len(lines):
            line = lines[index]
            body = text[line.start + line.indent : line.end]
            stripped = body.strip()
            self._close_anchors(line, stripped)
            if not stripped or stripped.startswith("#") or body.startswith(("%", "---", "...")):
                if body.startswith("---") and body[3:].strip():
                    index = self.scan_line(index, line.start + 3)
                    continue
                index += 1
                continue
            index = self.scan_line(index, line.start + line.indent)
        for anchor in self.open_anchors:
            anchor.last = len(self.tokens)
        return self.tokens

    def _close_anchors(self, line: _Line, stripped: str) -> None:
        if not stripped or stripped.startswith("#"):
            return
        still = []
        for anchor in self.open_anchors:
            if line.indent <= anchor.indent:
                anchor.last = len(self.tokens)
            else:
                still.append(anchor)
        self.open_anchors = still

    def scan_line(self, index: int, position: int) -> int:
        """Lex one block line from `position`; returns the index of the next line to read."""
        line = self.lines[index]
        text = self.text
        owner: int | None = None  # the key of this line, once seen
        node_column = position - line.start
        while position < line.end:
            character = text[position]
            if character in " \t":
                position += 1
                continue
            if character == "#" and (position == line.start or text[position - 1] in " \t"):
                return index + 1
            if character in "-?" and (position + 1 >= line.end or text[position + 1] in " \t"):
                node_column = position - line.start + 2
                if character == "-" and _rest_blank(text, position + 1, line.end):
                    self.add(Role.VALUE, position, position, (None,), optional=True)
                position += 1
                continue
            if character in "&!":
                position = self.decoration(position, line, node_column)
                continue
            if character == "*":
                position = self.alias(position, line.end, owner)
                continue
            if character in "[{":
                following = self.flow(index, position, owner)
                self._settle_scalar_anchor()
                return following
            if character in "|>" and _BLOCK_HEADER.match(text, position, line.end):
                return self.block_scalar(index, owner, node_column)
            if character in "\"'":
                index, position, token = self.quoted(index, position, owner)
                line = self.lines[index]
                if self.key_follows(position, line.end, in_flow=False):
                    self.tokens[token] = replace(self.tokens[token], role=Role.KEY, owner=None)
                    owner = token
                    position = self.after_colon(position, line.end)
                    node_column = position - line.start
                    if _rest_blank(text, position, line.end):
                        self.add(
                            Role.VALUE, position, position, (None,), optional=True, owner=owner
                        )
                continue
            end = _plain_end(text, position, line.end, in_flow=False)
            piece = text[position:end].rstrip()
            if self.key_follows(end, line.end, in_flow=False):
                key = self.add(
                    Role.KEY,
                    position,
                    position + len(piece),
                    _plain_readings(piece),
                    optional=piece == "<<",
                )
                owner = key
                position = self.after_colon(end, line.end)
                node_column = position - line.start
                if _rest_blank(text, position, line.end):
                    self.add(Role.VALUE, position, position, (None,), optional=True, owner=owner)
                continue
            token = self.add(Role.VALUE, position, position + len(piece), (), owner=owner)
            return self.plain_lines(index, token, piece, node_column)
        return index + 1

    def key_follows(self, position: int, end: int, *, in_flow: bool) -> bool:
        text = self.text
        while position < end and text[position] in " \t":
            position += 1
        if position >= end or text[position] != ":":
            return False
        following = text[position + 1] if position + 1 < end else " "
        return following in " \t" or (in_flow and following in ",[]{}")

    def after_colon(self, position: int, end: int) -> int:
        colon = self.text.index(":", position, end)
        return colon + 1

    def decoration(self, position: int, line: _Line, node_column: int) -> int:
        text = self.text
        end = position
        while end < line.end and text[end] not in " \t,[]{}":
            end += 1
        word = text[position:end]
        if word.startswith("&") and len(word) > 1:
            anchor = _Anchor(word[1:], len(self.tokens), line.indent)
            self.anchors[anchor.name] = anchor
            if _rest_blank(text, end, line.end):
                self.open_anchors.append(anchor)
            else:
                anchor.last = -1  # closes after the next node (set when it is lexed)
        elif word.startswith("!") and not _CORE_TAG.match(word):
            self.add(Role.KEY, position, end, (word,), optional=True)
        del node_column
        return end

    def alias(self, position: int, end: int, owner: int | None) -> int:
        text = self.text
        stop = position + 1
        while stop < end and text[stop] not in " \t,[]{}":
            stop += 1
        anchor = self.anchors.get(text[position + 1 : stop])
        if anchor is not None:
            last = anchor.last if anchor.last is not None and anchor.last >= 0 else len(self.tokens)
            base = len(self.tokens)
            copies = self.tokens[anchor.first : last]
            for number, token in enumerate(copies):
                copied_owner = owner if number == 0 else None
                if token.owner is not None and anchor.first <= token.owner < last:
                    copied_owner = token.owner - anchor.first + base  # inside the copy
                self.tokens.append(
                    replace(
                        token,
                        start=position,
                        end=stop,
                        optional=True,
                        owner=copied_owner,
                        alt_owner=None,
                    )
                )
        return stop

    def _settle_scalar_anchor(self) -> None:
        """An anchor on a node of one line ends with that node."""
        for anchor in self.anchors.values():
            if anchor.last == -1 and len(self.tokens) > anchor.first:
                anchor.last = len(self.tokens)

    # ------------------------------------------------------------ scalars over lines

    def quoted(self, index: int, position: int, owner: int | None) -> tuple[int, int, int]:
        """A quoted scalar from `position`: (its last line, the offset after it, its token)."""
        text = self.text
        quote = text[position]
        line = self.lines[index]
        close = _closing_quote(text, position + 1, quote)
        last = index
        if close is not None:
            while last + 1 < len(self.lines) and self.lines[last].end < close:
                last += 1
            continuation = all(
                self.lines[number].indent > line.indent or not self._content(number)
                for number in range(index + 1, last + 1)
            )
            if last != index and not continuation:
                close, last = None, index
        if close is None:  # unclosed: the value runs to the end of its line
            token_end = line.end
            raw = text[position + 1 : token_end]
            bodies = [raw.rstrip(), raw]  # (a cut-off file may end in spaces of the value)
        else:
            token_end = close + 1
            bodies = [text[position + 1 : close]]
        decode = _double_quoted if quote == '"' else _single_quoted
        readings = tuple(dict.fromkeys(decode(body) for body in bodies))
        token = self.add(
            Role.VALUE,
            position,
            token_end,
            readings,
            owner=owner,
            folds="\n" in bodies[0],
            # unclosed, and the file ends on its line: cut off (`- '--config.file=/etc/prom`)
            cut=close is None and not text[token_end:].strip(),
        )
        self._settle_scalar_anchor()
        return last, token_end, token

    def _content(self, number: int) -> bool:
        line = self.lines[number]
        return bool(self.text[line.start : line.end].strip())

    def plain_lines(self, index: int, token: int, piece: str, node_column: int) -> int:
        """A plain value, and the lines that continue it (more indented, no key on them)."""
        parent = self.lines[index].indent
        pieces = [piece]
        number = index + 1
        text = self.text
        while number < len(self.lines):
            line = self.lines[number]
            body = text[line.start + line.indent : line.end]
            stripped = body.strip()
            if not stripped:
                number += 1
                continue
            if line.indent <= parent or stripped.startswith(("#", "- ", "---", "...")):
                break
            end = _plain_end(text, line.start + line.indent, line.end, in_flow=False)
            if self.key_follows(end, line.end, in_flow=False):
                break
            pieces.append(text[line.start + line.indent : end].rstrip())
            self.add(
                Role.VALUE,
                line.start + line.indent,
                end,
                (pieces[-1],),
                joins=True,
                folds=True,
            )
            number += 1
        first = self.tokens[token]
        readings = _plain_readings(piece) if len(pieces) == 1 else (piece,)
        self.tokens[token] = replace(first, readings=readings, folds=len(pieces) > 1)
        self._settle_scalar_anchor()
        del node_column
        return number

    def block_scalar(self, index: int, owner: int | None, node_column: int) -> int:
        parent = min(self.lines[index].indent, node_column)
        number = index + 1
        first = True
        text = self.text
        while number < len(self.lines):
            line = self.lines[number]
            body = text[line.start : line.end]
            if body.strip() and line.indent <= parent:
                break
            if body.strip():
                start = line.start + line.indent
                self.add(
                    Role.VALUE,
                    start,
                    line.end,
                    (text[start : line.end],),
                    owner=owner if first else None,
                    joins=not first,
                    folds=True,
                )
                first = False
            number += 1
        if first:  # an empty block scalar holds ""
            at = self.lines[index].end
            self.add(Role.VALUE, at, at, ("",), owner=owner)
        self._settle_scalar_anchor()
        return number

    # ---------------------------------------------------------------- flow collections

    def flow(self, index: int, position: int, owner: int | None) -> int:
        """A flow collection from `position`, over as many lines as it takes (to the end of
        its last line); returns the next line to read."""
        text = self.text
        stack: list[tuple[str, int | None]] = []
        key: int | None = None
        while index < len(self.lines):
            line = self.lines[index]
            while position < line.end:
                character = text[position]
                if character in " \t":
                    position += 1
                elif character == "#" and text[position - 1] in " \t":
                    position = line.end
                elif character in "[{":
                    stack.append(
                        (character, key if key is not None else (stack[-1][1] if stack else owner))
                    )
                    key = None
                    position += 1
                elif character in "]}":
                    if stack:
                        stack.pop()
                    key = None
                    position += 1
                    if not stack:
                        return self._after_flow(index, position)
                elif character == ",":
                    key = None
                    position += 1
                elif character == ":":
                    position += 1
                elif character in "&!":
                    position = self.decoration(position, line, 0)
                elif character == "*":
                    position = self.alias(
                        position, line.end, key if key is not None else _top(stack)
                    )
                elif character in "\"'":
                    close = _closing_quote(text, position + 1, character)
                    limit = close if close is not None and close < line.end else None
                    body = text[position + 1 : limit if limit is not None else line.end]
                    value = _double_quoted(body) if character == '"' else _single_quoted(body)
                    stop = limit + 1 if limit is not None else line.end
                    position = self.flow_scalar(position, stop, (value,), stack, key, line)
                    if self.tokens[-1].role is Role.KEY:
                        key = len(self.tokens) - 1
                else:
                    stop = _plain_end(text, position, line.end, in_flow=True)
                    piece = text[position:stop].rstrip()
                    if not piece:
                        position = stop + 1
                        continue
                    position = self.flow_scalar(
                        position, position + len(piece), _plain_readings(piece), stack, key, line
                    )
                    if self.tokens[-1].role is Role.KEY:
                        key = len(self.tokens) - 1
            index += 1
            if index < len(self.lines):
                position = self.lines[index].start
        return index

    def flow_scalar(
        self,
        start: int,
        stop: int,
        readings: tuple[Any, ...],
        stack: list[tuple[str, int | None]],
        key: int | None,
        line: _Line,
    ) -> int:
        if self.key_follows(stop, line.end, in_flow=True):
            self.add(Role.KEY, start, stop, readings)
        else:
            owner = key if key is not None else _top(stack)
            self.add(Role.VALUE, start, stop, readings, owner=owner)
        return stop

    def _after_flow(self, index: int, position: int) -> int:
        """After a flow collection closes: a key (`{a: 1}: x`) or a comment may follow."""
        line = self.lines[index]
        if self.key_follows(position, line.end, in_flow=False):
            return self.scan_line(index, self.after_colon(position, line.end))
        return index + 1


def _top(stack: list[tuple[str, int | None]]) -> int | None:
    return stack[-1][1] if stack else None


def _rest_blank(text: str, position: int, end: int) -> bool:
    rest = text[position:end].strip()
    return not rest or rest.startswith("#")


def _plain_end(text: str, position: int, end: int, *, in_flow: bool) -> int:
    while position < end:
        character = text[position]
        if character in " \t" and position + 1 < end and text[position + 1] == "#":
            return position
        if character == ":":
            following = text[position + 1] if position + 1 < end else " "
            if following in " \t" or (in_flow and following in ",[]{}"):
                return position
        if in_flow and character in ",[]{}":
            return position
        position += 1
    return position


def _closing_quote(text: str, position: int, quote: str) -> int | None:
    while position < len(text):
        character = text[position]
        if quote == '"' and character == "\\":
            position += 2
            continue
        if character == quote:
            if quote == "'" and text.startswith("''", position):
                position += 2
                continue
            return position
        position += 1
    return None


class YamlLexicon:
    ordered = True
    removing_rules = frozenset({"duplicate-key"})
    truncating_rules: frozenset[str] = frozenset()
    inserting_rules: frozenset[str] = frozenset()
    closers: tuple[str, ...] = ()

    def tokens(self, text: str, options: Options) -> list[Token]:
        return _Reader(text).run()

    def removable(self, rule: str, token: Token, text: str) -> bool:
        return True

    def items(self, data: Any, tokens: Sequence[Token]) -> list[Item]:
        return walk_items(data)


LEXICON = YamlLexicon()
