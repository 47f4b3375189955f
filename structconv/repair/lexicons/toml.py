"""The TOML lexicon: statements and headers read line by line, each key with its full path.

TOML's data does not keep the text's order (a table's keys may be spread over dotted
keys and sub-tables), so keys are matched by their full path instead: `[a.b]` then
`c = 1` is the key path ("a", "b", "c"), and the k-th `[[x]]` header opens ("x", k).
Only the last part of a key or header defines something; its other parts, and a
header repeated for an array of tables, only name what another token defines and may
stay unmatched. A value belongs to the key of its statement (or of its inline table).

A bare word is a value only when TOML reads it as one (`true`, `1_000`, `1979-05-27`);
otherwise it has no type the input gives it, and only a rule that quotes it (and says
so) may make it a string. Comments are not content.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from structconv.neutral import PathPart
from structconv.options import Options
from structconv.repair.lexicons import PlainLexicon
from structconv.repair.provenance import Role, Token
from structconv.repair.rules.toml import ids as rules
from structconv.repair.spelling import unescape_backslashes

_LEX = re.compile(
    r"""(?P<string>\"\"\"[\s\S]*?(?:\"\"\"(?!")|\Z)|'''[\s\S]*?(?:'''(?!')|\Z)"""
    r"""|"(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?)"""
    r"|(?P<comment>\#[^\n]*|(?m:^)[ \t]*;[^\n]*)"
    r"|(?P<newline>\r?\n)"
    r"|(?P<space>[ \t]+)"
    r"|(?P<punct>\[\[|\]\]|[\[\]{}=,.:])"
    r"|(?P<word>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?"
    r"|[A-Za-z0-9_+\-]+(?:[.:][A-Za-z0-9_+\-]+)*)"
    r"|(?P<other>.)",
)
_NUMBER_START = re.compile(r"[+-]?(?:\d|inf|nan)")


@dataclass
class _Lexeme:
    kind: str
    text: str
    start: int
    end: int


def _lexemes(text: str) -> list[_Lexeme]:
    found: list[_Lexeme] = []
    for match in _LEX.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        start = match.start()
        at_line_start = not found or found[-1].kind == "newline"
        if (
            kind == "punct"
            and match.group() in ("[[", "]]")
            and not (at_line_start and match.group() == "[[")
        ):
            # two brackets inside a value (`[[1], [2]]`, or `]]` closing one on a line of
            # its own), not an array-of-tables header
            bracket = match.group()[0]
            found.append(_Lexeme(kind, bracket, start, start + 1))
            found.append(_Lexeme(kind, bracket, start + 1, start + 2))
            continue
        found.append(_Lexeme(kind, match.group(), start, match.end()))
    return found


def _string_value(spelling: str) -> tuple[str, ...]:
    for quote in ('"""', "'''", '"', "'"):
        if spelling.startswith(quote):
            body = spelling[len(quote) :]
            if body.endswith(quote) and len(spelling) >= 2 * len(quote):
                body = body[: -len(quote)]
            if len(quote) == 3 and body.startswith("\n"):
                body = body[1:]
            elif len(quote) == 3 and body.startswith("\r\n"):
                body = body[2:]
            if quote[0] == "'":
                return (body,)
            if len(quote) == 3:
                body = re.sub(r"\\[ \t]*\r?\n\s*", "", body)  # line-ending backslashes
            if "\\" not in body:
                return (body,)
            # an unknown escape keeps its backslash: TOML gives `\@` no meaning, and no
            # rule drops it (a reading without it would let the model lose a character)
            return (unescape_backslashes(body, keep_unknown=True),)
    return (spelling,)


def _word_value(word: str) -> tuple[Any, ...]:
    try:
        return (tomllib.loads(f"v = {word}")["v"],)
    except (tomllib.TOMLDecodeError, ValueError):
        return ()


def _key_text(lexeme: _Lexeme) -> str:
    return _string_value(lexeme.text)[0] if lexeme.kind == "string" else lexeme.text


@dataclass
class _State:
    """Where the lexer stands: the table's path and the arrays of tables seen."""

    table: tuple[PathPart, ...] = ()
    arrays: dict[tuple[PathPart, ...], int] = field(default_factory=dict)
    defined: set[tuple[PathPart, ...]] = field(default_factory=set)


class _Reader:
    def __init__(self, text: str) -> None:
        self.lexemes = _lexemes(text)
        self.position = 0
        self.tokens: list[Token] = []
        self.state = _State()

    def peek(self, ahead: int = 0) -> _Lexeme | None:
        index = self.position + ahead
        return self.lexemes[index] if index < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.position]
        self.position += 1
        return lexeme

    def at_line_end(self) -> bool:
        lexeme = self.peek()
        return lexeme is None or lexeme.kind == "newline"

    def skip_line(self) -> None:
        while not self.at_line_end():
            self.loose(self.take())

    def loose(self, lexeme: _Lexeme) -> None:
        """A piece of a line the lexer cannot place: content of unknown role."""
        if lexeme.kind == "string":
            self.add(Role.EITHER, lexeme, _string_value(lexeme.text))
        elif lexeme.kind == "word":
            # a name (a key's) unless TOML reads it as a value: `1` is no string
            self.add(Role.EITHER, lexeme, _word_value(lexeme.text) or (lexeme.text,))

    def add(
        self,
        role: Role,
        lexeme: _Lexeme,
        readings: tuple[Any, ...],
        *,
        optional: bool = False,
        owner: int | None = None,
        path: tuple[PathPart, ...] | None = None,
    ) -> int:
        self.tokens.append(
            Token(
                role,
                lexeme.text,
                lexeme.start,
                lexeme.end,
                readings,
                optional=optional,
                owner=owner,
                path=path,
            )
        )
        return len(self.tokens) - 1

    def run(self) -> list[Token]:
        while self.peek() is not None:
            lexeme = self.peek()
            assert lexeme is not None
            if lexeme.kind == "newline":
                self.take()
            elif lexeme.kind == "punct" and lexeme.text in ("[", "[["):
                self.header()
            elif lexeme.kind in ("word", "string"):
                self.statement(self.state.table, top=True)
            else:
                self.take()
        return self.tokens

    def key_parts(self) -> list[_Lexeme]:
        """A dotted key: its parts (the dots taken)."""
        parts: list[_Lexeme] = []
        while True:
            lexeme = self.peek()
            if lexeme is None or lexeme.kind not in ("word", "string"):
                return parts
            self.take()
            if (
                lexeme.kind == "word"
                and "." in lexeme.text
                and not _NUMBER_START.match(lexeme.text)
            ):
                offset = lexeme.start
                for piece in lexeme.text.split("."):
                    parts.append(_Lexeme("word", piece, offset, offset + len(piece)))
                    offset += len(piece) + 1
            else:
                parts.append(lexeme)
            following = self.peek()
            if following is None or following.kind != "punct" or following.text != ".":
                return parts
            self.take()

    def header(self) -> None:
        opener = self.take()
        array = opener.text == "[["
        parts = self.key_parts()
        closer = self.peek()
        if closer is not None and closer.kind == "punct" and closer.text in ("]", "]]"):
            self.take()
        path: tuple[PathPart, ...] = ()
        for number, part in enumerate(parts):
            name = _key_text(part)
            last = number == len(parts) - 1
            key_path = path + (name,)
            path = key_path if last else self._resolve(key_path)
            if last and array:
                index = self.state.arrays.get(key_path, -1) + 1
                self.state.arrays[key_path] = index
                optional = index > 0
                path = key_path + (index,)
            else:
                optional = not last or key_path in self.state.defined
            self.state.defined.add(key_path)
            self.add(Role.KEY, part, (name,), optional=optional, path=key_path)
        self.state.table = path
        self.skip_line()

    def _resolve(self, path: tuple[PathPart, ...]) -> tuple[PathPart, ...]:
        """A path through arrays of tables goes into their latest table."""
        index = self.state.arrays.get(path)
        return path if index is None else path + (index,)

    def statement(self, table: tuple[PathPart, ...], top: bool) -> None:
        """`key = value` (top: a line of its own; else inside an inline table)."""
        parts = self.key_parts()
        separator = self.peek()
        if (
            not parts
            or separator is None
            or separator.kind != "punct"
            or separator.text not in ("=", ":")
        ):
            for part in parts:
                self.loose(part)
            if top:
                self.skip_line()
            return
        self.take()
        path = table
        key = -1
        for number, part in enumerate(parts):
            name = _key_text(part)
            path = path + (name,)
            last = number == len(parts) - 1
            optional = not last and path in self.state.defined
            self.state.defined.add(path)
            key = self.add(Role.KEY, part, (name,), optional=optional, path=path)
        self.value(key, path)
        if top:
            self.skip_line()

    def value(self, owner: int, path: tuple[PathPart, ...]) -> None:
        lexeme = self.peek()
        if lexeme is None or lexeme.kind == "newline":
            return
        if lexeme.kind == "punct" and lexeme.text in ("[", "[["):
            self.array(owner, path)
        elif lexeme.kind == "punct" and lexeme.text == "{":
            self.inline_table(path)
        elif lexeme.kind == "string":
            self.take()
            self.add(Role.VALUE, lexeme, _string_value(lexeme.text), owner=owner)
        elif lexeme.kind == "word":
            self.take()
            following = self.peek()
            cut_short = (  # `1.`: a number with nothing after its point is no number
                following is not None
                and following.kind == "punct"
                and following.text == "."
                and following.start == lexeme.end
            )
            readings = () if cut_short else _word_value(lexeme.text)
            self.add(Role.VALUE, lexeme, readings, owner=owner)
        else:
            self.take()

    def array(self, owner: int, path: tuple[PathPart, ...]) -> None:
        opener = self.take()
        depth = 2 if opener.text == "[[" else 1
        index = 0
        while True:
            lexeme = self.peek()
            if lexeme is None:
                return
            if lexeme.kind == "newline" or (lexeme.kind == "punct" and lexeme.text == ","):
                if lexeme.text == ",":
                    index += 1
                self.take()
                continue
            if lexeme.kind == "punct" and lexeme.text in ("]", "]]"):
                self.take()
                depth -= len(lexeme.text)
                if depth <= 0:
                    return
                continue
            if lexeme.kind == "punct" and lexeme.text == "{":
                self.inline_table(path + (index,))
                continue
            if lexeme.kind == "punct" and lexeme.text in ("[", "[["):
                self.array(owner, path + (index,))
                continue
            if lexeme.kind == "punct" and lexeme.text == "=":
                return  # a statement: the array was never closed
            before = self.position
            self.value(owner, path)
            if self.position == before:
                self.take()

    def inline_table(self, path: tuple[PathPart, ...]) -> None:
        self.take()
        while True:
            lexeme = self.peek()
            if lexeme is None:
                return
            if lexeme.kind == "punct" and lexeme.text == "}":
                self.take()
                return
            if lexeme.kind in ("newline",) or (lexeme.kind == "punct" and lexeme.text == ","):
                self.take()
                continue
            if lexeme.kind in ("word", "string"):
                before = self.position
                self.statement(path, top=False)
                if self.position == before:
                    self.take()
                continue
            self.take()


class TomlLexicon(PlainLexicon):
    ordered = False
    removing_rules = frozenset({rules.DUPLICATE_TABLE, rules.INI_COMMENT})
    truncating_rules: frozenset[str] = frozenset()
    inserting_rules = frozenset({rules.DUPLICATE_TABLE})
    closers = ("]",)

    def tokens(self, text: str, options: Options) -> list[Token]:
        return _Reader(text).run()


LEXICON = TomlLexicon()
