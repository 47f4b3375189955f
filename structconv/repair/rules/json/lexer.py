"""The JSON rules' tolerant lexer: tokens of text that is not JSON yet (comments, quotes of
every kind, Python literals), and the small types the readings share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from structconv.repair.rules.json.ids import (
    COMMENT,
    COSMETIC,
    DROPPED,
    ESCAPE,
    LITERAL,
    QUOTES,
    QUOTING,
    TRAILING_COMMA,
    UNQUOTED_KEY,
    UNTERMINATED,
    WHITESPACE,
)
from structconv.repair.search import (
    Change,
    Choices,
)

_MAX_RUNS = 32
_MAX_DEPTH = 200  # Python frames are spent per level; deeper broken input is refused
_PROSE_CANDIDATES = 8
_PEEK = 4096  # how much of the text is lexed to see how it begins
_MAX_RECORD_LINES = 1000  # how far a JSON Lines record spread over lines may reach
# What may repair a JSON Lines record spread over lines; anything else is a guess too many.
_RECORD_JOIN_RULES = frozenset(
    {COMMENT, WHITESPACE, TRAILING_COMMA, QUOTES, ESCAPE, LITERAL, UNQUOTED_KEY}
)

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_PARTIAL_NUMBER = re.compile(r"-|-?\d+\.|-?\d+(?:\.\d+)?[eE][-+]?")
_NON_FINITE = re.compile(r"[-+]?(?:nan|inf|infinity)", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n]+")
_PLAIN_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
# The tokens of valid JSON, lexed at C speed (everything else takes the careful path).
_PLAIN_TOKEN = re.compile(
    r"[ \t\r\n]*(?:(?P<punct>[{}\[\],:])"
    r'|(?P<string>"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")'
    r"|(?P<number>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.]))"
    r"|(?P<word>(?:true|false|null)(?![\w$])))"
    r"|[ \t\r\n]+"
)
_WORD = re.compile(r"[^\W\d][\w$]*|\$[\w$]*")
_NUMBER_TOKEN = re.compile(r"[-+]*[\d.](?:[\w.]|(?<=[eE])[-+])*|[-+]+[^\W\d_]\w*|[-+]+")
_PROSE_WORD = re.compile(r"[^\W\d_]{2,}")
# `"key": "value"` or `id: 5`: members of an object whose braces are missing, not prose.
_KEY_VALUE = re.compile(r"[\w\"']\s*:[ \t]*(?:[\"'\d\[{-]|true\b|false\b|null\b)")
_MARKUP = re.compile(r"</?[A-Za-z!]")  # an HTML/XML page is not prose around JSON
_JSONISH_BRACKET = re.compile(r"\[\s*[\[{\"'\d-]")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[ \t]*([\w+.-]*)[ \t]*\r?$", re.MULTILINE)
_JSON_FENCE_LANGUAGES = frozenset(
    {"", "json", "jsonc", "json5", "jsonl", "ndjson", "javascript", "js"}
)
_ODD_SPACE = frozenset(
    "\ufeff\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u200b\u2028\u2029\u202f\u205f\u2060\u3000\x0b\x0c"
)
_TYPOGRAPHIC_QUOTES = frozenset("\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb")
_QUOTES = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u201d": "\u201d", "\u2018": "\u2019"}
_PYTHON_LITERALS = {"True": "true", "False": "false", "None": "null"}
_LITERAL_WORDS = ("true", "false", "null", "True", "False", "None", "undefined")
_KEYWORDS = frozenset(
    {"true", "false", "null", "True", "False", "None", "undefined", "NaN", "Infinity", "nil"}
)
_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')
_LETTER_ESCAPES = frozenset("bfnrt")
_ESCAPE_PAIR = re.compile(r"\\(.)", re.DOTALL)
_HEX2 = re.compile(r"[0-9a-fA-F]{2}")
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


class _Refused(Exception):
    """This reading does not work (the input may still be repairable another way)."""


class _HardRefusal(Exception):
    """The input holds something JSON cannot hold; no repair may stand in for it."""

    def __init__(self, offset: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.hint = hint


class _Truncated(Exception):
    """The input ended inside a value."""


class _Token(NamedTuple):
    kind: str  # "string", "number", "word", "punct", "other", "eof"
    start: int
    end: int
    text: str
    closed: bool = True  # strings: False when the closing quote is missing
    at_eof: bool = False  # strings: cut off by the end of the input
    prefix: int = 0  # strings: length of a Python u prefix
    multiline: bool = False  # strings: a raw line break inside


@dataclass
class _Frame:
    kind: str  # "{", "[", "seq" (top-level values, to become a list), "line" (JSON Lines)
    start: int
    complete_end: int | None = None  # offset after the last complete member
    kept: int = 0  # how many changes the run had made when that member completed
    empty_slots: int = 0
    items: list[tuple[int, int]] = field(default_factory=list)
    commas: list[int] = field(default_factory=list)
    value_starts: list[int] = field(default_factory=list)  # where each member's value begins


def _closer(kind: str) -> str:
    return {"{": "}", "[": "]", "seq": "]"}.get(kind, "")


def _describe(kind: str) -> str:
    return {"{": "an object", "[": "an array"}.get(kind, "a list of values")


def _shorten(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _looks_like_prose(text: str) -> bool:
    """Words, and nothing that could be a JSON object or array we would be dropping."""
    return (
        _PROSE_WORD.search(text) is not None
        and "{" not in text
        and "}" not in text
        and _JSONISH_BRACKET.search(text) is None
        and _MARKUP.search(text) is None
        and _KEY_VALUE.search(text) is None
    )


# ---------------------------------------------------------------------------- lexing


class _Lexer:
    """Tokens of text[start:end], and the changes that remove comments and odd spaces."""

    def __init__(self, text: str, start: int, end: int, choices: Choices | None) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.choices = choices
        self.position = start
        self.finished = False
        self.tokens: list[_Token] = []  # lexed and not yet handed out
        self.changes: list[Change] = []

    def run(self) -> _Lexer:
        """Lex all of text[start:end] into self.tokens (ending with an "eof" token)."""
        while self.step():
            pass
        return self

    def next_token(self) -> _Token:
        """The next token (lexed now); "eof" from the end on."""
        while not self.tokens and self.step():
            pass
        if not self.tokens:
            return _Token("eof", self.end, self.end, "")
        return self.tokens.pop(0)

    def step(self) -> bool:
        """Lex what starts at self.position: a token, a comment or a space. False at the end."""
        text, end = self.text, self.end
        position = self.position
        if position >= end:
            if not self.finished:
                self.finished = True
                self.tokens.append(_Token("eof", end, end, ""))
            return False
        fast = _PLAIN_TOKEN.match(text, position, end)
        if fast is not None:
            kind = fast.lastgroup
            if kind is not None:
                self.tokens.append(_Token(kind, fast.start(kind), fast.end(), fast.group(kind)))
            self.position = fast.end()
            return True
        character = text[position]
        if character in " \t\r\n":
            match = _SPACE.match(text, position, end)
            position = match.end() if match else position + 1
        elif character in "{}[]:,":
            self.tokens.append(_Token("punct", position, position + 1, character))
            position += 1
        elif character == "/" and text.startswith("//", position):
            position = self._line_comment(position)
        elif character == "/" and text.startswith("/*", position):
            position = self._block_comment(position)
        elif character == "#" and (position == 0 or text[position - 1] in " \t\r\n"):
            position = self._line_comment(position)
        elif character in _ODD_SPACE:
            self._odd_space(position)
            position += 1
        elif (
            character == '"'
            and text[position - 1 : position] == '"'
            and self._closes_a_key(position)
        ):
            self.changes.append(
                Change(
                    position,
                    position + 1,
                    "",
                    QUOTES,
                    "a doubled quote after a key removed",
                    QUOTING,
                )
            )
            position += 1
        elif character in _QUOTES and not (character == "'" and self._after_word(position)):
            position = self._string(position, 0)
        elif (
            character in "uU"
            and text[position + 1 : position + 2] in ("'", '"')
            and position + 1 < end
            and not self._after_word(position)
        ):
            position = self._string(position + 1, 1)
        elif character.isdigit() or character in "-+.":
            match = _NUMBER_TOKEN.match(text, position, end)
            stop = match.end() if match else position + 1
            self.tokens.append(_Token("number", position, stop, text[position:stop]))
            position = stop
        else:
            match = _WORD.match(text, position, end)
            if match is not None and self._closes_a_key(match.end()):
                self.changes.append(
                    Change(
                        position,
                        position,
                        '"',
                        QUOTES,
                        f"the key {match.group()!r} missing its opening quote: added",
                        UNTERMINATED,
                    )
                )
                stop = match.end() + 1
                self.tokens.append(_Token("string", position, stop, f'"{match.group()}"'))
                position = stop
            elif match is not None:
                self.tokens.append(_Token("word", position, match.end(), match.group()))
                position = match.end()
            else:
                self.tokens.append(_Token("other", position, position + 1, character))
                position += 1
        self.position = position
        return True

    def _closes_a_key(self, position: int) -> bool:
        """`name": ...`: a quote right after a word and before a colon closes a key whose
        opening quote is missing (not a string that opens there)."""
        if self.text[position : position + 1] != '"':
            return False
        after = _SPACE.match(self.text, position + 1, self.end)
        following = after.end() if after else position + 1
        return self.text[following : following + 1] == ":"

    def _after_word(self, position: int) -> bool:
        return position > 0 and (
            self.text[position - 1].isalnum() or self.text[position - 1] == "_"
        )

    def _line_comment(self, position: int) -> int:
        stop = self.text.find("\n", position, self.end)
        stop = self.end if stop < 0 else stop
        if self.text[stop - 1 : stop] == "\r":
            stop -= 1
        self._comment(position, stop, f"comment {_shorten(self.text[position:stop])!r} removed")
        return stop

    def _block_comment(self, position: int) -> int:
        stop = self.text.find("*/", position + 2, self.end)
        if stop < 0:
            self._comment(
                position,
                self.end,
                "comment left open at the end of the input removed",
                confidence=DROPPED,
            )
            return self.end
        stop += 2
        self._comment(position, stop, f"comment {_shorten(self.text[position:stop])!r} removed")
        return stop

    def _comment(self, start: int, stop: int, message: str, confidence: float = COSMETIC) -> None:
        before = self.text[start - 1] if start > 0 else " "
        after = self.text[stop] if stop < len(self.text) else " "
        joins = not before.isspace() and not after.isspace()
        self.changes.append(Change(start, stop, " " if joins else "", COMMENT, message, confidence))

    def _odd_space(self, position: int) -> None:
        character = self.text[position]
        at_line_start = position == 0 or self.text[position - 1] == "\n"
        if character == "\ufeff":
            message = "byte order mark removed"
        else:
            message = f"non-JSON whitespace U+{ord(character):04X} removed"
        replacement = "" if at_line_start or character in "\ufeff\u200b\u2060" else " "
        if replacement and character != "\ufeff":
            message = f"non-JSON whitespace U+{ord(character):04X} replaced by a space"
        self.changes.append(
            Change(position, position + 1, replacement, WHITESPACE, message, COSMETIC)
        )

    def _string(self, quote: int, prefix: int) -> int:
        """Lex the string whose quote is at `quote`; returns where lexing goes on."""
        text, end = self.text, self.end
        opener = text[quote]
        closer = _QUOTES[opener]
        start = quote - prefix
        position = quote + 1
        newline = -1
        while position < end:
            character = text[position]
            if character == "\\":
                position += 2
                continue
            if character == closer:
                break
            if character == "\n" and newline < 0:
                newline = position
            position += 1
        if position < end and text[position] == closer:
            if newline < 0:
                self._add_string(start, position + 1, prefix)
                return position + 1
            follow = _SPACE.match(text, position + 1, end)
            after = follow.end() if follow else position + 1
            if after >= end or text[after] in ",}]:/":
                self._add_string(start, position + 1, prefix, multiline=True)
                return position + 1
        elif newline < 0 or not text[newline:end].strip():
            stop = min(position, end)
            while stop > quote + 1 and text[stop - 1] in " \t\r\n":
                stop -= 1
            return self._unterminated(start, quote, stop, prefix, at_eof=True)
        stop = newline
        while stop > quote + 1 and text[stop - 1] in " \t\r":
            stop -= 1
        return self._unterminated(start, quote, stop, prefix, at_eof=False)

    def _unterminated(self, start: int, quote: int, stop: int, prefix: int, at_eof: bool) -> int:
        """A string with no closing quote: it ends at `stop`, or, when its text ends in
        `,`, `]` or `}`, maybe before them (both readings are offered)."""
        content = self.text[quote + 1 : stop]
        other = {"'": '"', '"': "'"}.get(self.text[quote], "")
        if other and content.endswith(other) and other not in content[:-1] and self.choices:
            line = self.text.count("\n", 0, start) + 1
            readings = [
                f"the string on line {line} closes with {other} ({_shorten(content[:-1])!r})",
                f"the string on line {line} holds {_shorten(content)!r}",
            ]
            if self.choices.choose("string close", quote, readings) == 0:
                self.changes.append(
                    Change(
                        stop - 1,
                        stop,
                        "",
                        QUOTES,
                        f"the string on line {line} closed with {other}: that quote removed "
                        "and the string closed",
                        UNTERMINATED,
                    )
                )
                self._add_string(start, stop - 1, prefix, closed=False, at_eof=False)
                return stop
        suffix = re.search(r"[\s,\]}]+$", content)
        if suffix is not None and self.choices is not None:
            kept = content[: suffix.start()]
            if kept.strip() and not kept.endswith("\\"):
                line = self.text.count("\n", 0, start) + 1
                readings = [
                    f"the string on line {line} ends before {suffix.group().strip()!r}",
                    f"the string on line {line} holds {_shorten(content)!r}",
                ]
                if self.choices.choose("string end", quote, readings) == 0:
                    stop = quote + 1 + suffix.start()
                    self._add_string(start, stop, prefix, closed=False, at_eof=False)
                    return stop
        self._add_string(start, stop, prefix, closed=False, at_eof=at_eof)
        return stop

    def _add_string(
        self,
        start: int,
        stop: int,
        prefix: int,
        *,
        closed: bool = True,
        at_eof: bool = False,
        multiline: bool = False,
    ) -> None:
        self.tokens.append(
            _Token(
                "string",
                start,
                stop,
                self.text[start:stop],
                closed=closed,
                at_eof=at_eof,
                prefix=prefix,
                multiline=multiline,
            )
        )


def _indent_at(text: str, offset: int) -> int:
    """The indentation of the line that holds `offset`."""
    line_start = text.rfind("\n", 0, offset) + 1
    line = text[line_start:offset]
    return len(line) - len(line.lstrip(" \t"))


def _misaligned_closer(text: str, start: int, end: int) -> int | None:
    """The line of the first closer that starts a line indented otherwise than the line
    of the opener it closes (pretty-printed JSON that lost a closer in the middle, not
    at its end); None when every such closer lines up, or none starts a line."""
    openers: list[int] = []  # the indentation of each open container's line
    for token in _Lexer(text, start, end, None).run().tokens:
        if token.kind != "punct" or token.text not in "{}[]":
            continue
        line_start = text.rfind("\n", 0, token.start) + 1
        indent = _indent_at(text, token.start)
        if token.text in "{[":
            openers.append(indent)
            continue
        if not openers:
            continue
        expected = openers.pop()
        if text[line_start : token.start].strip(" \t") == "" and indent != expected:
            return text.count("\n", 0, token.start) + 1
    return None
