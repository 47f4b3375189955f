"""The syntax tree of JSON with comments (JSONC and JSON5): values with their comments,
for the layouts that keep comments: normalize, and conversion that carries them.

The data readers (formats.jsonc, formats.json5) decide what is valid; this module runs
on text they accepted (or on text it rendered itself), so its lexer can be liberal: a
scalar is any run of characters that is not punctuation, a quote or a comment, written
back exactly as it was (`0x1F`, `'single'`, `.5`, bare keys stay as they are).

Where a comment goes: one on the line of an entry's end (after the value or its comma)
trails that entry; one on lines of its own leads the next entry, or, with no entry after
it, stays at the end of its container (`dangling`); one right after an opening bracket
on its line stays there (`opening`); one between a key and its value stays between them.
A blank line before an entry or a comment is kept (one, however many there were).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from structconv.neutral import PathPart
from structconv.options import Options
from structconv.patterns import lazy_compile

_WHITESPACE = "[ \\t\\r\\n\\v\\f\u00a0\ufeff\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_LEXER = lazy_compile(
    rf"(?P<space>{_WHITESPACE}+)"
    r"|(?P<comment>//[^\n\r\u2028\u2029]*|/\*(?:[^*]|\*(?!/))*\*/)"
    r"|(?P<string>\"(?:[^\"\\\n\r]|\\(?:\r\n|[\s\S]))*\"|'(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*')"
    r"|(?P<punct>[{}\[\]:,])"
    rf"|(?P<word>(?:[^{_WHITESPACE[1:-1]}{{}}\[\]:,\"'/]|/(?![/*]))+)"
)
_DEFAULT_WIDTH = 88


class SyntaxTreeError(ValueError):
    """Text this module cannot lay out (the data readers report the real error first)."""


@dataclass
class Comment:
    text: str
    blank_before: bool = False  # a blank line comes before it
    own_line: bool = True  # it starts a line (else it follows other syntax on its line)


@dataclass
class Scalar:
    text: str


@dataclass
class Entry:
    """A member of an object (with its key as written) or an item of an array."""

    value: Node
    key: str | None = None
    leading: list[Comment] = field(default_factory=list)
    between: list[Comment] = field(default_factory=list)  # between the key and the value
    trailing: list[Comment] = field(default_factory=list)
    blank_before: bool = False
    key_offset: int = -1  # where the key stands in the parsed text


@dataclass
class Container:
    opener: str  # "{" or "["
    entries: list[Entry] = field(default_factory=list)
    opening: list[Comment] = field(default_factory=list)
    dangling: list[Comment] = field(default_factory=list)
    trailing_comma: bool = False


Node = Scalar | Container


@dataclass
class Document:
    value: Node
    leading: list[Comment] = field(default_factory=list)
    trailing: list[Comment] = field(default_factory=list)
    value_blank_before: bool = False

    def comments(self) -> list[str]:
        """Every comment's text in document order, to check that a layout kept them all."""
        found = [comment.text for comment in self.leading]
        found += _node_comments(self.value)
        return found + [comment.text for comment in self.trailing]


def walk(node: Node) -> Iterator[Container]:
    """Every container in the tree, outermost first."""
    if isinstance(node, Container):
        yield node
        for entry in node.entries:
            yield from walk(entry.value)


def _node_comments(node: Node) -> list[str]:
    if not isinstance(node, Container):
        return []
    found = [comment.text for comment in node.opening]
    for entry in node.entries:
        found += [comment.text for comment in entry.leading + entry.between]
        found += _node_comments(entry.value)
        found += [comment.text for comment in entry.trailing]
    return found + [comment.text for comment in node.dangling]


@dataclass
class _Token:
    kind: str  # "comment", "string", "punct", "word"
    text: str
    newlines_before: int  # line breaks between the previous token and this one
    offset: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    newlines = 0
    position = 0
    while position < len(text):
        match = _LEXER.match(text, position)
        if match is None:
            raise SyntaxTreeError(f"unexpected {text[position]!r} at offset {position}")
        kind = match.lastgroup or ""
        position = match.end()
        if kind == "space":
            space = match.group()
            newlines += space.count("\n") + space.count("\r") - space.count("\r\n")
            newlines += space.count("\u2028") + space.count("\u2029")
            continue
        tokens.append(_Token(kind, match.group(), newlines, match.start()))
        newlines = 0
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise SyntaxTreeError("unexpected end of input")
        self.index += 1
        return token

    def comments(self) -> list[tuple[_Token, Comment]]:
        found = []
        while (token := self.peek()) is not None and token.kind == "comment":
            self.index += 1
            comment = Comment(token.text, token.newlines_before > 1, token.newlines_before > 0)
            found.append((token, comment))
        return found

    def document(self) -> Document:
        leading = [comment for _, comment in self.comments()]
        first = self.peek()
        value_blank_before = first is not None and first.newlines_before > 1 and bool(leading)
        value = self.value()
        trailing = [comment for _, comment in self.comments()]
        if self.peek() is not None:
            raise SyntaxTreeError(f"unexpected {self.take().text!r} after the value")
        return Document(value, leading, trailing, value_blank_before)

    def value(self) -> Node:
        token = self.take()
        if token.kind in ("string", "word"):
            return Scalar(token.text)
        if token.text in "{[":
            return self.container(token.text)
        raise SyntaxTreeError(f"unexpected {token.text!r}")

    def container(self, opener: str) -> Container:
        closer = "}" if opener == "{" else "]"
        node = Container(opener)
        pending: list[Comment] = []
        for found, comment in self.comments():
            if found.newlines_before == 0 and not pending:
                node.opening.append(comment)
            else:
                pending.append(comment)
        while True:
            head = self.peek()
            if head is None:
                raise SyntaxTreeError(f"{opener} is not closed")
            if head.text == closer:
                self.index += 1
                node.dangling = pending
                return node
            entry = Entry(Scalar(""), leading=pending, blank_before=head.newlines_before > 1)
            if opener == "{":
                entry.key_offset = head.offset
                entry.key = self.take().text
                entry.between = [comment for _, comment in self.comments()]
                if self.take().text != ":":
                    raise SyntaxTreeError(f"expected ':' after {entry.key}")
                entry.between += [comment for _, comment in self.comments()]
            entry.value = self.value()
            node.entries.append(entry)
            pending = self.trailing_comments(entry, on_entry_line=True)
            comma = self.peek()
            if comma is not None and comma.text == ",":
                self.index += 1
                on_entry_line = comma.newlines_before == 0 and not pending
                pending += self.trailing_comments(entry, on_entry_line)
                following = self.peek()
                if following is not None and following.text == closer:
                    node.trailing_comma = True
            elif comma is None or comma.text != closer:
                raise SyntaxTreeError("expected ',' or a closing bracket")

    def trailing_comments(self, entry: Entry, on_entry_line: bool) -> list[Comment]:
        """Comments on the entry's last line go to `entry.trailing`; the ones after a
        line break are returned (they lead the next entry)."""
        after: list[Comment] = []
        for found, comment in self.comments():
            if on_entry_line and found.newlines_before == 0:
                entry.trailing.append(comment)
            else:
                on_entry_line = False
                after.append(comment)
        return after


def parse(text: str) -> Document:
    """The syntax tree of JSONC or JSON5 text that a data reader accepted."""
    return _Parser(text).document()


@dataclass(frozen=True)
class Layout:
    indent: int = 2
    width: int = _DEFAULT_WIDTH
    sort_keys: bool = False


def _has_comments(node: Container) -> bool:
    return bool(node.opening or node.dangling) or any(
        entry.leading or entry.between or entry.trailing for entry in node.entries
    )


def _comment_text(comments: list[Comment]) -> str:
    return " ".join(comment.text for comment in comments)


def _inline_between(entry: Entry) -> tuple[list[Comment], list[Comment]]:
    """Comments between key and value that can stay there (block comments on one line),
    and those that must move above the entry (a `//` comment would swallow the value)."""
    inline = [c for c in entry.between if c.text.startswith("/*") and "\n" not in c.text]
    above = [c for c in entry.between if c not in inline]
    return inline, above


def _sort_key(entry: Entry) -> str:
    return decode_key(entry.key or "")


def decode_key(key: str) -> str:
    """A key as written (`"a"`, `'a'`, `a`) -> its text."""
    if key.startswith('"'):
        decoded: str = json.loads(key)
        return decoded
    if key.startswith("'"):
        import json5

        value: str = json5.loads(key)
        return value
    if "\\" in key:
        import json5

        name: str = next(iter(json5.loads("{" + key + ": 0}")))
        return name
    return key


class _Renderer:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    def lines_of_comments(self, comments: list[Comment], pad: str, out: list[str]) -> None:
        for comment in comments:
            if comment.blank_before and out and out[-1] != "":
                out.append("")
            out.append(pad + comment.text)

    def node(self, node: Node, level: int, column: int) -> str:
        if isinstance(node, Scalar):
            return node.text
        closer = "}" if node.opener == "{" else "]"
        if not node.entries and not _has_comments(node):
            return node.opener + closer
        if (
            node.opener == "["
            and not _has_comments(node)
            and all(isinstance(entry.value, Scalar) for entry in node.entries)
        ):
            one_line = "[" + ", ".join(self.node(e.value, 0, 0) for e in node.entries) + "]"
            if column + len(one_line) + 1 <= self.layout.width:
                return one_line
        pad = " " * (self.layout.indent * (level + 1))
        out: list[str] = []
        head = node.opener
        if node.opening:
            head += " " + _comment_text(node.opening)
        entries = node.entries
        if self.layout.sort_keys and node.opener == "{":
            entries = sorted(entries, key=_sort_key)
        for index, entry in enumerate(entries):
            inline, above = _inline_between(entry)
            self.lines_of_comments(entry.leading + above, pad, out)
            if entry.blank_before and out and out[-1] != "":
                out.append("")
            prefix = pad
            if entry.key is not None:
                prefix += entry.key + ": "
                if inline:
                    prefix += _comment_text(inline) + " "
            text = prefix + self.node(entry.value, level + 1, len(prefix))
            last = index == len(entries) - 1
            if not last or node.trailing_comma:
                text += ","
            if entry.trailing:
                text += " " + _comment_text(entry.trailing)
            out.append(text)
        self.lines_of_comments(node.dangling, pad, out)
        return head + "\n" + "\n".join(out) + "\n" + pad[: -self.layout.indent or None] + closer

    def document(self, document: Document) -> str:
        out: list[str] = []
        self.lines_of_comments(document.leading, "", out)
        if document.value_blank_before and out:
            out.append("")
        text = self.node(document.value, 0, 0)
        if document.trailing and not document.trailing[0].own_line:
            first, *rest = document.trailing
            text += " " + first.text
            out.append(text)
            self.lines_of_comments(rest, "", out)
        else:
            out.append(text)
            self.lines_of_comments(document.trailing, "", out)
        return "\n".join(out) + "\n"


def render(document: Document, layout: Layout) -> str:
    """The text of `document` laid out per `layout`, every comment where it belongs."""
    return _Renderer(layout).document(document)


def _scalar_text(value: Any, nonfinite: bool) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        if not nonfinite:
            raise ValueError(f"{value} has no JSON spelling")
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return json.dumps(value, ensure_ascii=False)


def tree_of(data: Any, nonfinite: bool) -> Node:
    """The syntax tree of plain data (keys as JSON strings), without comments."""
    if isinstance(data, dict):
        return Container(
            "{",
            [
                Entry(tree_of(value, nonfinite), json.dumps(key, ensure_ascii=False))
                for key, value in data.items()
            ],
        )
    if isinstance(data, list):
        return Container("[", [Entry(tree_of(item, nonfinite)) for item in data])
    return Scalar(_scalar_text(data, nonfinite))


def entries_by_path(
    node: Node, path: tuple[PathPart, ...] = ()
) -> Iterator[tuple[tuple[PathPart, ...], Entry]]:
    """Every entry of the tree with the data path it holds (keys decoded)."""
    if not isinstance(node, Container):
        return
    for index, entry in enumerate(node.entries):
        part: PathPart = index if entry.key is None else decode_key(entry.key)
        yield (*path, part), entry
        yield from entries_by_path(entry.value, (*path, part))


def render_data(
    data: Any, options: Options, nonfinite: bool, document: Document | None = None
) -> str:
    """Data as indented JSON text (JSON5: NaN and Infinity allowed); `document` when the
    caller has already built and decorated the tree of `data` (structconv.comments)."""
    tree = document or Document(tree_of(data, nonfinite))
    layout = Layout(indent=options.indent or 2, sort_keys=options.sort_keys)
    return render(tree, layout)
