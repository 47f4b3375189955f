"""JSON repair rules: a tolerant reader that walks the broken text once and records every
change it needs as an Edit in the input's coordinates; the strict reader then reads the result.

Rules (Fix.rule), with what each refuses to do:

- comment: `//`, `/* */` and `#` comments (JSONC, hand-written configs) are removed.
  `#` counts only at a line start or after whitespace (`{"a":1}#{}` is refused).
- whitespace: a byte order mark, no-break and zero-width spaces, form feeds outside
  strings are removed (or become a plain space between two tokens).
- trailing-comma: a comma before `}` or `]` (or at the end of the input) is removed.
- empty-slot: `[1,,2]`, `[,1]`, `{,"a":1}`: the comma that stands for no value is removed
  (an empty slot is never read as null); `[,]` and `{,}`, which hold nothing else, are refused.
- quotes: 'single', `backtick`, “typographic” quotes and Python's u'' prefix become
  double quotes, with the inner quotes escaped; a backtick string with `${` is refused.
  A key that lost its opening quote (`name": 1`) gets it back.
- escape: in strings, `\\'` becomes `'`, Python's `\\xHH`/`\\UHHHHHHHH` become JSON escapes,
  and an unknown escape such as `\\d` or `C:\\Users` keeps its backslash as a character.
  When such a string also holds `\\n`, `\\t`, `\\b`, `\\f` or `\\r` (`C:\\Users\\new`), reading
  those as escapes or as a backslash and a letter are both offered (an ambiguity).
  A malformed `\\u` escape is refused (except a partial one at the end of truncated input).
- control-character: raw tabs, line breaks and other control characters inside a
  string are escaped (a line break only when the string closes and the JSON goes on).
- unquoted-key: JS keys (`{name: 1}`) and Python integer keys (`{1: "a"}`) are quoted;
  keys spelled like literals (`true`, `None`, `NaN`) and unquoted values are refused.
- literal: Python's True/False/None become true/false/null, JavaScript's `undefined`
  becomes null. NaN, Infinity, inf and their signed forms are REFUSED (a ParseError
  that no model may override): JSON cannot hold them, and null or a string would be
  different data.
- number: `+1`, `.5`, `5.`, `0x1F`, `0o17`, `0b101`, `1_000` become JSON numbers. A
  number with leading zeros (`02134`) is ambiguous: the number 2134 or the text "02134".
  `1 000` (two numbers on one line with no comma) is refused: a digit group separator?
- missing-comma: a comma is added between two items, or before a key (that is followed
  by its colon); between two numbers on the same line it is refused.
- missing-colon: a colon is added between a key and a value on the same line.
- unterminated-string: a string whose line ends before its closing quote gets one at
  the end of its text; when that text ends in `,`, `]` or `}` the closing quote may
  belong before them, and both readings are offered (an ambiguity).
- unclosed: input that ends inside objects/arrays (truncated model output) is closed;
  not when a closer that starts a line is indented otherwise than its opener's line
  (pretty-printed JSON that lost a closer in the middle: not cut off, refused).
  Only closing brackets (and a trailing comma) may be lost: input cut inside a token
  (a string, a key, a half-written literal or number) or after a key is refused, since
  what the cut-off part held cannot be known; nothing is completed or dropped.
- unclosed-array: an array followed by `"key":` inside an object is closed before the key.
- mismatched-closer: `}` where `]` is due (or the reverse), in a container with at
  least one member: the readings (close both, replace it, drop it) are all tried; when
  they give different data the input is ambiguous.
- extra-closer: surplus `}`/`]` after the top-level object or array are removed.
- duplicated-closer: a line holding only a closer (`},`) that repeats the line above it
  is removed where the text then parses (a block's end pasted twice) (0.9).
- missing-opener: a `]` or `}` inside a container of the other kind may also close a
  value whose opener was lost (`{"a": [0] ]}`: `[[0]]`); that reading is offered beside
  the others (the stray dropped, the closer replaced) wherever they give other data.
- fence, prose: a Markdown code fence (```json) and the prose before and after the
  JSON are removed; two JSON code blocks are ambiguous. Prose that holds `{` or a
  JSON-looking `[` is never dropped.
- concatenated: several top-level values (JSON Lines in a .json file, `[][]`) become
  one list; scalars must each stand on their own line.

Not repaired: duplicate keys (JSON readers disagree on which value wins; the strict
reader's error stands), unquoted values, Python tuples/sets/bytes, expressions,
unbalanced input that is not at its end, numbers that overflow a float.

Where several repairs are plausible, every combination is tried (bounded: at most
`_MAX_RUNS` readings, else nothing is repaired); readings that give the same data count
once. Objects and arrays that are valid as they stand are passed over by the C scanner,
so one flaw in a large file costs about one strict parse, not a Python walk of it all.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from structconv.errors import ParseError
from structconv.neutral import iter_nodes
from structconv.options import Options
from structconv.repair.edits import Edit, LineIndex, apply_edits
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.spelling import unescape_backslashes
from structconv.result import Ambiguity, Candidate

# Confidence per kind of change (Patched.confidence is the minimum over the changes made).
COSMETIC = 0.99  # comments, odd whitespace, trailing commas, fences
QUOTING = 0.95  # single quotes, Python literals, escapes JSON lacks
STRUCTURAL = 0.9  # missing commas, unquoted keys, concatenated values, prose
GUESS = 0.85  # missing colons, empty slots, extra or mismatched closers
LITERAL_ESCAPE = 0.8  # an unknown escape kept as a backslash; `undefined` as null
UNTERMINATED = 0.75  # a closing quote added at the end of a line
CLOSED = 0.75  # brackets added at the end of truncated input
DROPPED = 0.6  # a block comment left open at the end of the input dropped
ZEROS = 0.7  # a number with leading zeros, read as a number or as text

_MAX_RUNS = 32
_MAX_DEPTH = 200  # Python frames are spent per level; deeper broken input is refused
_PROSE_CANDIDATES = 8
_PEEK = 4096  # how much of the text is lexed to see how it begins
_MAX_RECORD_LINES = 1000  # how far a JSON Lines record spread over lines may reach
# What may repair a JSON Lines record spread over lines; anything else is a guess too many.
_RECORD_JOIN_RULES = frozenset(
    {"comment", "whitespace", "trailing-comma", "quotes", "escape", "literal", "unquoted-key"}
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


@dataclass(frozen=True, slots=True)
class _Change:
    start: int
    end: int
    replacement: str
    rule: str
    message: str
    confidence: float


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


_Place = tuple[int, str]  # where a choice between readings is made: offset, what


class _Choices:
    """The readings a run takes where the text can be repaired in several ways."""

    def __init__(self, fixed: dict[_Place, int]) -> None:
        self.fixed = fixed
        self.seen: dict[_Place, int] = {}  # place -> number of readings there
        self.taken: dict[_Place, str] = {}  # place -> the reading taken

    def choose(self, what: str, offset: int, readings: list[str]) -> int:
        place = (offset, what)
        self.seen.setdefault(place, len(readings))
        choice = min(self.fixed.get(place, 0), len(readings) - 1)
        self.taken[place] = readings[choice]
        return choice


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

    def __init__(self, text: str, start: int, end: int, choices: _Choices | None) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.choices = choices
        self.position = start
        self.finished = False
        self.tokens: list[_Token] = []  # lexed and not yet handed out
        self.changes: list[_Change] = []

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
                _Change(
                    position,
                    position + 1,
                    "",
                    "quotes",
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
                    _Change(
                        position,
                        position,
                        '"',
                        "quotes",
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
        self.changes.append(
            _Change(start, stop, " " if joins else "", "comment", message, confidence)
        )

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
            _Change(position, position + 1, replacement, "whitespace", message, COSMETIC)
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
                    _Change(
                        stop - 1,
                        stop,
                        "",
                        "quotes",
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


# --------------------------------------------------------------------------- strings


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


# Reads a valid JSON value at C speed; NaN and Infinity are not valid.
_SCANNER = json.JSONDecoder(parse_constant=_reject_constant)


def _json_escape(character: str) -> str:
    return json.dumps(character)[1:-1]


_RULE_PRIORITY = ("unclosed", "unterminated-string", "quotes", "escape", "control-character")


def _string_literal(
    token: _Token, truncated: bool, letters_literal: bool = False, end_name: str = "the input"
) -> tuple[str, str, list[str], float]:
    """The JSON spelling of a string token, the rule and reasons that changed it, and how
    sure that is (no reasons: the token is JSON already). With `letters_literal`, the
    escapes \\b \\f \\n \\r \\t are read as a backslash and a letter too (a Windows path).

    Raises _Refused for an escape that cannot be read, _Truncated for a string cut off
    before any of its text.
    """
    raw = token.text[token.prefix :]
    opener = raw[0]
    closer = _QUOTES[opener]
    body = raw[1:-1] if token.closed else raw[1:]
    reasons: list[str] = []
    rules: set[str] = set()
    confidence = 1.0

    def note(rule: str, reason: str, sure: float) -> None:
        nonlocal confidence
        if reason not in reasons:
            reasons.append(reason)
        rules.add(rule)
        confidence = min(confidence, sure)

    if token.prefix:
        note("quotes", "Python u'' prefix removed", QUOTING)
    if opener == "'":
        note("quotes", "single-quoted string requoted with double quotes", QUOTING)
    elif opener == "`":
        if "${" in body:
            raise _Refused("a template string with ${...} is code, not data")
        note("quotes", "template string requoted with double quotes", STRUCTURAL)
    elif opener != '"':
        note("quotes", "typographic quotes replaced by '\"'", STRUCTURAL)
    out: list[str] = []
    index = 0
    length = len(body)
    while index < length:
        character = body[index]
        if character == "\\":
            escaped = body[index + 1 : index + 2]
            if not escaped:
                if truncated:
                    raise _Refused(f"{end_name} ends inside a string: its text may be cut off")
                raise _Refused("a backslash ends the string")
            if escaped in _SIMPLE_ESCAPES and not (letters_literal and escaped in _LETTER_ESCAPES):
                out.append("\\" + escaped)
                index += 2
            elif escaped == "u":
                digits = body[index + 2 : index + 6]
                if re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                    out.append(body[index : index + 6])
                    index += 6
                elif (
                    truncated
                    and index + 2 + len(digits) == length
                    and re.fullmatch(r"[0-9a-fA-F]*", digits)
                ):
                    raise _Refused(f"{end_name} ends inside a string: its text may be cut off")
                else:
                    raise _Refused(f"malformed escape {body[index : index + 6]!r}")
            elif escaped in ("'", closer) or escaped in _TYPOGRAPHIC_QUOTES:
                # `\'`, `\„`: a quotation mark escaped, as `\"` escapes '"'
                out.append(_json_escape(escaped))
                note("escape", f"escape \\{escaped} written as {escaped}", QUOTING)
                index += 2
            elif (
                escaped == "x"
                and opener != '"'
                and re.fullmatch(r"[0-9a-fA-F]{2}", body[index + 2 : index + 4])
            ):
                out.append(_json_escape(chr(int(body[index + 2 : index + 4], 16))))
                note("escape", "Python escape \\xHH written as a JSON escape", QUOTING)
                index += 4
            elif escaped == "U" and re.fullmatch(r"[0-9a-fA-F]{8}", body[index + 2 : index + 10]):
                code = int(body[index + 2 : index + 10], 16)
                if code > 0x10FFFF:
                    raise _Refused(f"escape {body[index : index + 10]!r} is past Unicode")
                out.append(_json_escape(chr(code)))
                note("escape", "Python escape \\UHHHHHHHH written as a JSON escape", QUOTING)
                index += 10
            elif escaped == "\n":
                note("escape", "line continuation (backslash, line break) removed", STRUCTURAL)
                index += 2
            else:
                out.append("\\\\" + _json_escape(escaped))
                what = "escape" if escaped in _LETTER_ESCAPES else "unknown escape"
                note(
                    "escape",
                    f"{what} {chr(92) + escaped!r} kept as a backslash and {escaped!r}",
                    LITERAL_ESCAPE,
                )
                index += 2
        elif character == '"':
            out.append('\\"')
            index += 1
        elif character < " ":
            out.append(_json_escape(character))
            if character in "\r\n":
                note("control-character", "raw line break inside the string escaped", STRUCTURAL)
            else:
                note(
                    "control-character",
                    f"raw control character U+{ord(character):04X} inside the string escaped",
                    QUOTING,
                )
            index += 1
        else:
            out.append(character)
            index += 1
    if not token.closed:
        if truncated:
            if not out:
                raise _Truncated()
            # Cut off: the rest of its text is unknown, and a value must not be kept as if
            # it were whole (issue 14).
            raise _Refused(f"{end_name} ends inside a string: its text may be cut off")
        else:
            note(
                "unterminated-string",
                "closing quote missing at the end of the line: added",
                UNTERMINATED,
            )
    rule = next((rule for rule in _RULE_PRIORITY if rule in rules), "quotes")
    return '"' + "".join(out) + '"', rule, reasons, confidence


# --------------------------------------------------------------------------- numbers


def _lenient_number(spelling: str) -> tuple[str, str, float] | None:
    """A JSON spelling of a JavaScript/Python number literal, the reason, the confidence."""
    sign = ""
    body = spelling
    reasons: list[str] = []
    confidence = 1.0
    if body.startswith("+"):
        body = body[1:]
        reasons.append("leading '+' removed")
        confidence = QUOTING
    elif body.startswith("-"):
        sign, body = "-", body[1:]
    if not body or body[0] in "+-":
        return None
    if "_" in body:
        if not re.fullmatch(
            r"[0-9a-fA-FxXoObB]+(?:_[0-9a-fA-F]+)*(?:\.\d+(?:_\d+)*)?(?:[eE][-+]?\d+)?", body
        ):
            return None
        body = body.replace("_", "")
        reasons.append("digit separators '_' removed")
        confidence = min(confidence, STRUCTURAL)
    radix = {"x": 16, "o": 8, "b": 2}.get(body[1:2].lower()) if body[:1] == "0" else None
    if radix is not None:
        try:
            value = int(body[2:], radix)
        except ValueError:
            return None
        reasons.append(f"{spelling} written in decimal")
        return sign + str(value), "; ".join(reasons), min(confidence, STRUCTURAL)
    if re.fullmatch(r"\.\d+(?:[eE][-+]?\d+)?", body):
        body = "0" + body
        reasons.append("leading '.' given its 0")
        confidence = min(confidence, QUOTING)
    match = re.fullmatch(r"(\d+)\.((?:[eE][-+]?\d+)?)", body)
    if match is not None:
        body = match.group(1) + ".0" + match.group(2)
        reasons.append("trailing '.' given its 0")
        confidence = min(confidence, QUOTING)
    if not _JSON_NUMBER.fullmatch(sign + body):
        return None
    return sign + body, "; ".join(reasons), confidence


# ---------------------------------------------------------------------------- parser


class Reading:
    """One reading of the text: the changes it takes to make it JSON, or a refusal."""

    def __init__(self, text: str, choices: _Choices, format: str, options: Options) -> None:
        self.text = text
        self.choices = choices
        self.format = format
        self.options = options
        self.changes: list[_Change] = []
        self.lexer = _Lexer(text, 0, 0, choices)
        self.ahead: deque[_Token] = deque()  # tokens lexed and not taken yet
        self.previous: _Token | None = None  # the token taken last
        self.frames: list[_Frame] = []
        self.last_end = 0
        self.last_frame: _Frame | None = None
        self.end_name = "the input"  # what ends a value cut off: the input, or a JSON Lines line
        # The comma an array closed before a key leaves to its object (see `array`).
        self.handed_comma: _Token | None = None

    # -- bookkeeping

    def change(
        self, start: int, end: int, replacement: str, rule: str, message: str, confidence: float
    ) -> None:
        self.changes.append(_Change(start, end, replacement, rule, message, confidence))

    def lex(self, start: int, end: int) -> None:
        """Read text[start:end] from now on (tokens are lexed as the parser asks for them)."""
        self.lexer = _Lexer(self.text, start, end, self.choices)
        self.ahead.clear()
        self.previous = None
        self.frames = []
        self.last_frame = None

    def peek(self, ahead: int = 0) -> _Token:
        while len(self.ahead) <= ahead:
            self.ahead.append(self.lexer.next_token())
            if self.lexer.changes:
                self.changes.extend(self.lexer.changes)
                self.lexer.changes.clear()
        return self.ahead[ahead]

    def take(self) -> _Token:
        token = self.peek()
        if token.kind != "eof":
            self.ahead.popleft()
            self.previous = token
        return token

    def skip_valid(self, token: _Token) -> bool:
        """Pass over the object or array at `token` when it is valid JSON as it stands (the
        C scanner says so): it needs no change, and large inputs stay fast."""
        try:
            end = _SCANNER.raw_decode(self.text, token.start)[1]
        except (ValueError, RecursionError):
            return False
        if end > self.lexer.end:
            return False
        while self.ahead and self.ahead[0].start < end:
            self.ahead.popleft()
        if not self.ahead:
            self.lexer.position = max(self.lexer.position, end)
        self.previous = _Token("punct", end - 1, end, self.text[end - 1])
        self.last_end = end
        return True

    def same_line(self, first: int, second: int) -> bool:
        return "\n" not in self.text[first:second]

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    @staticmethod
    def starts_value(token: _Token) -> bool:
        return token.kind in ("string", "number", "word") or (
            token.kind == "punct" and token.text in ("{", "[")
        )

    def key_follows(self) -> bool:
        """Whether the next tokens are a key and its colon."""
        token, after = self.peek(), self.peek(1)
        return token.kind in ("string", "word", "number") and after.text == ":"

    def completed(self, frame: _Frame, start: int) -> None:
        """A member of `frame` that began at `start` is complete up to self.last_end."""
        frame.complete_end = self.last_end
        frame.kept = len(self.changes)
        frame.items.append((start, self.last_end))

    # -- values

    def value(self, depth: int) -> None:
        token = self.peek()
        if token.kind == "eof":
            raise _Truncated()
        if depth > _MAX_DEPTH:
            raise _Refused("nested too deep to repair")
        if token.kind == "punct" and token.text in ("{", "[") and depth and self.skip_valid(token):
            return
        if token.kind == "punct" and token.text == "{":
            self.object(depth)
        elif token.kind == "punct" and token.text == "[":
            self.array(depth)
        elif token.kind == "string":
            self.string_value(self.take())
        elif token.kind == "number":
            self.number_value(self.take())
        elif token.kind == "word":
            self.word_value(self.take())
        else:
            raise _Refused(f"{token.text!r} cannot start a value")

    def string(self, token: _Token, truncated: bool) -> None:
        """Record the change that makes `token` a JSON string, if it needs one. A string with
        an escape JSON lacks (`\\U`, `\\d`) that also holds `\\n` or `\\t` may be a Windows
        path or a regular expression: both readings of those letters are offered."""
        if token.closed and not token.prefix and _PLAIN_STRING.fullmatch(token.text):
            return
        escapes = {match.group(1) for match in _ESCAPE_PAIR.finditer(token.text)}
        unknown = {
            match.group(1)
            for match in _ESCAPE_PAIR.finditer(token.text)
            if match.group(1) not in _SIMPLE_ESCAPES | {"u", "'", "\n", token.text[-1:]}
            and not (match.group(1) == "U" and _HEX8.match(token.text, match.end()))
            and not (
                match.group(1) == "x"
                and token.text[token.prefix] != '"'
                and _HEX2.match(token.text, match.end())
            )
        }
        letters_literal = False
        if unknown and escapes & _LETTER_ESCAPES:
            shown = ", ".join(sorted(chr(92) + letter for letter in escapes & _LETTER_ESCAPES))
            readings = [
                f"{shown} in the string on line {self.line_of(token.start)} read as escapes",
                f"{shown} in the string on line {self.line_of(token.start)} read as a backslash and a letter",
            ]
            letters_literal = self.choices.choose("escapes", token.start, readings) == 1
        literal, rule, reasons, confidence = _string_literal(
            token, truncated, letters_literal, self.end_name
        )
        if reasons:
            self.change(token.start, token.end, literal, rule, "; ".join(reasons), confidence)

    def string_value(self, token: _Token) -> None:
        self.string(token, truncated=token.at_eof and self.peek().kind == "eof")
        self.last_end = token.end

    def non_finite(self, token: _Token) -> _HardRefusal:
        return _HardRefusal(
            token.start,
            f"{token.text} is not a finite JSON number; the rules will not turn it into null or a string",
            "JSON has no NaN or Infinity: write null or a string yourself if that is what it means",
        )

    def number_value(self, token: _Token) -> None:
        spelling = token.text
        if _NON_FINITE.fullmatch(spelling):
            raise self.non_finite(token)
        self.last_end = token.end
        if _JSON_NUMBER.fullmatch(spelling):
            return
        if self.peek().kind == "eof" and _PARTIAL_NUMBER.fullmatch(spelling):
            raise _Truncated()
        zeros = re.fullmatch(r"(-?)0+(\d[\d.eE+-]*)", spelling)
        if zeros is not None and _JSON_NUMBER.fullmatch(zeros.group(1) + zeros.group(2)):
            number = zeros.group(1) + zeros.group(2)
            readings = [
                f"{spelling} read as the number {number}",
                f"{spelling} read as the text {spelling!r}",
            ]
            if self.choices.choose("leading zeros", token.start, readings) == 0:
                self.change(
                    token.start,
                    token.end,
                    number,
                    "number",
                    f"leading zeros of {spelling} removed",
                    ZEROS,
                )
            else:
                self.change(
                    token.start,
                    token.end,
                    json.dumps(spelling),
                    "number",
                    f"{spelling} quoted: its leading zeros kept as text",
                    ZEROS,
                )
            return
        lenient = _lenient_number(spelling)
        if lenient is None:
            raise _Refused(f"{spelling!r} is not a number")
        number, reason, confidence = lenient
        self.change(
            token.start,
            token.end,
            number,
            "number",
            f"{spelling} is not JSON: {reason}",
            confidence,
        )

    def word_value(self, token: _Token) -> None:
        word = token.text
        self.last_end = token.end
        if word in ("true", "false", "null"):
            return
        if word in _PYTHON_LITERALS:
            self.change(
                token.start,
                token.end,
                _PYTHON_LITERALS[word],
                "literal",
                f"Python {word} written as {_PYTHON_LITERALS[word]}",
                QUOTING,
            )
            return
        if _NON_FINITE.fullmatch(word):
            raise self.non_finite(token)
        if self.peek().kind == "eof" and any(
            literal.startswith(word) and literal != word for literal in _LITERAL_WORDS
        ):
            raise _Truncated()
        if word == "undefined":
            self.change(
                token.start,
                token.end,
                "null",
                "literal",
                "JavaScript undefined written as null",
                LITERAL_ESCAPE,
            )
            return
        raise _Refused(f"unquoted value {word!r}")

    def key(self, token: _Token) -> None:
        """Check (and quote) an object key; `token` is the current one."""
        at_end = self.peek(1).kind == "eof"
        if token.kind == "string":
            if not token.closed and token.at_eof:
                raise _Truncated()
            if "\n" in token.text or "\r" in token.text:
                # `{"key_1⏎": 1}`: a line break no one types into a name (a quote lost,
                # a paste gone wrong?): keeping or dropping it are both guesses
                raise _Refused("a line break inside a key")
            self.string(token, truncated=False)
            return
        if at_end:
            raise _Truncated()
        if token.kind == "word":
            if token.text in _KEYWORDS or _NON_FINITE.fullmatch(token.text):
                raise _Refused(f"key {token.text!r} reads as a literal")
            self.change(
                token.start,
                token.end,
                json.dumps(token.text),
                "unquoted-key",
                f"unquoted key {token.text!r} quoted",
                STRUCTURAL,
            )
            return
        if token.kind == "number" and re.fullmatch(r"-?(?:0|[1-9]\d*)", token.text):
            self.change(
                token.start,
                token.end,
                json.dumps(token.text),
                "unquoted-key",
                f"number key {token.text} quoted (JSON keys are strings)",
                GUESS,
            )
            return
        raise _Refused(f"{token.text!r} cannot be a key")

    def object(self, depth: int) -> None:
        frame = _Frame("{", self.take().start)
        self.frames.append(frame)
        expecting_key = True
        comma: _Token | None = None
        while True:
            token = self.peek()
            if token.kind == "eof":
                raise _Truncated()
            if token.kind == "punct" and token.text in "}]":
                if token.text == "]" and not self.mismatch(frame, token, comma):
                    continue
                if token.text == "}":
                    self.check_slots(frame)
                    if comma is not None:
                        self.trailing_comma(comma, "}")
                    self.take()
                    self.close(frame, token.end)
                return
            if token.kind == "punct" and token.text == ",":
                if expecting_key:
                    self.empty_slot(frame, token)
                else:
                    comma = token
                    frame.commas.append(token.start)
                    expecting_key = True
                self.take()
                continue
            if not expecting_key:
                if not self.key_follows():
                    raise _Refused(f"{token.text!r} where ',' or '}}' belongs")
                self.insert_comma(frame, token)
            key = token
            self.key(key)
            self.take()
            colon = self.peek()
            if colon.kind == "eof":
                raise _Truncated()
            if colon.kind == "punct" and colon.text == ":":
                self.take()
            elif self.starts_value(colon) and self.same_line(key.end, colon.start):
                self.change(
                    key.end,
                    key.end,
                    ":",
                    "missing-colon",
                    f"missing ':' added after the key {_shorten(key.text)}",
                    GUESS,
                )
            else:
                raise _Refused(f"{colon.text!r} where ':' belongs")
            value = self.peek()
            if value.kind == "eof":
                raise _Truncated()
            if value.kind == "punct" and value.text in ",}]":
                raise _Refused(f"the key {_shorten(key.text)} has no value")
            frame.value_starts.append(value.start)
            self.value(depth + 1)
            self.completed(frame, key.start)
            comma, self.handed_comma = self.handed_comma, None
            expecting_key = comma is not None
            if comma is not None:
                frame.commas.append(comma.start)

    def array(self, depth: int) -> None:
        frame = _Frame("[", self.take().start)
        self.frames.append(frame)
        expecting_item = True
        comma: _Token | None = None
        previous: _Token | None = None
        while True:
            token = self.peek()
            if token.kind == "eof":
                raise _Truncated()
            if token.kind == "punct" and token.text in "}]":
                if token.text == "}" and not self.mismatch(frame, token, comma):
                    continue
                if token.text == "]":
                    self.check_slots(frame)
                    if comma is not None:
                        self.trailing_comma(comma, "]")
                    self.take()
                    self.close(frame, token.end)
                return
            if token.kind == "punct" and token.text == ",":
                if expecting_item:
                    self.empty_slot(frame, token)
                else:
                    comma = token
                    frame.commas.append(token.start)
                    expecting_item = True
                self.take()
                continue
            if (
                self.key_follows()
                and frame.complete_end is not None
                and len(self.frames) > 1
                and self.frames[-2].kind == "{"
            ):
                end = frame.complete_end
                self.change(
                    end,
                    end,
                    "]",
                    "unclosed-array",
                    f"array not closed before the key {_shorten(token.text)}: ']' added",
                    UNTERMINATED,
                )
                if comma is not None:
                    frame.commas.pop()
                    self.handed_comma = comma
                self.close(frame, end)
                return
            if not self.starts_value(token):
                raise _Refused(f"{token.text!r} cannot be an item")
            if not expecting_item:
                if (
                    previous is not None
                    and previous.kind == "number"
                    and token.kind == "number"
                    and self.same_line(previous.end, token.start)
                ):
                    raise _Refused("two numbers with only a space between them")
                self.insert_comma(frame, token)
            start = token.start
            self.value(depth + 1)
            previous = self.previous
            self.completed(frame, start)
            comma = None
            expecting_item = False

    def close(self, frame: _Frame, end: int) -> None:
        self.frames.pop()
        self.last_frame = frame
        self.last_end = end

    def insert_comma(self, frame: _Frame, token: _Token) -> None:
        end = frame.complete_end if frame.complete_end is not None else token.start
        what = f"the key {_shorten(token.text)}" if frame.kind == "{" else "the next item"
        self.change(end, end, ",", "missing-comma", f"missing ',' added before {what}", STRUCTURAL)

    def trailing_comma(self, comma: _Token, closer: str) -> None:
        self.change(
            comma.start,
            comma.end,
            "",
            "trailing-comma",
            f"trailing comma removed before {closer!r}",
            COSMETIC,
        )

    def check_slots(self, frame: _Frame) -> None:
        if frame.empty_slots and not frame.items:
            raise _Refused("a container of nothing but commas")

    def empty_slot(self, frame: _Frame, comma: _Token) -> None:
        frame.empty_slots += 1
        self.change(
            comma.start, comma.end, "", "empty-slot", "comma with no value before it removed", GUESS
        )

    def mismatch(self, frame: _Frame, token: _Token, comma: _Token | None) -> bool:
        """`token` closes the other kind of container than `frame`. Each plausible reading
        is a choice; returns True when `frame` is closed by it."""
        if frame.complete_end is None:
            raise _Refused(f"{token.text!r} closes {_describe(frame.kind)} that holds nothing")
        due = _closer(frame.kind)
        where = f"{token.text!r} on line {self.line_of(token.start)}"
        readings = {"replace": f"{where} read as {due!r}"}
        opened_by = "{" if token.text == "}" else "["
        if any(outer.kind == opened_by for outer in self.frames[:-1]):
            readings["insert"] = f"{due!r} missing before {where}"
        readings["drop"] = f"{where} dropped as a stray"
        last_value = (frame.value_starts or [start for start, _ in frame.items])[-1:]
        if last_value:
            readings["open"] = f"{opened_by!r} missing before the value {where} closes"
        kinds = list(readings)
        reading = kinds[self.choices.choose("closer", token.start, list(readings.values()))]
        closes = {"replace": frame, "insert": self.frames[-2] if len(self.frames) > 1 else None}
        if reading in closes and not self.lines_up(token, closes[reading]):
            raise _Refused(f"{where} is not indented as the container it would close")
        if reading == "drop":
            self.change(
                token.start, token.end, "", "extra-closer", f"stray {token.text!r} removed", GUESS
            )
            self.take()
            return False
        if reading == "open":
            # The closer is right, its opener is missing: the last value is what it closes.
            self.change(
                last_value[0],
                last_value[0],
                opened_by,
                "missing-opener",
                f"{opened_by!r} missing before the value that {where} closes: added",
                GUESS,
            )
            self.take()
            return False
        if comma is not None:
            self.trailing_comma(comma, due)
        if reading == "insert":
            end = frame.complete_end
            self.change(
                end,
                end,
                due,
                "mismatched-closer",
                f"{due!r} missing before {token.text!r}: added",
                GUESS,
            )
            self.close(frame, end)
            return True
        self.change(
            token.start,
            token.end,
            due,
            "mismatched-closer",
            f"{token.text!r} closes {_describe(frame.kind)}: written {due!r}",
            GUESS,
        )
        self.take()
        self.close(frame, token.end)
        return True

    def lines_up(self, closer: _Token, frame: _Frame | None) -> bool:
        """Whether a closer that starts its line is indented as the line of the opener it
        would close (pretty-printed JSON says where a container ends); True when the
        closer does not start its line."""
        if frame is None:
            return True
        text = self.text
        line_start = text.rfind("\n", 0, closer.start) + 1
        if text[line_start : closer.start].strip(" \t"):
            return True
        return _indent_at(text, closer.start) == _indent_at(text, frame.start)

    # -- the end of the input inside a value

    def close_truncated(self, content_end: int) -> int:
        """Close what is open at the end of the input, dropping what is incomplete; returns
        where the kept text ends."""
        frames = self.frames
        keep = len(frames) - 1
        while keep >= 0 and frames[keep].complete_end is None:
            keep -= 1
        if keep < 0:
            raise _Refused("the input ends before anything is complete")
        misaligned = _misaligned_closer(self.text, frames[0].start, content_end)
        if misaligned is not None:
            raise _Refused(
                f"a closing bracket is missing before line {misaligned}: the input does not "
                "look cut off (its indentation shows a container ending earlier)"
            )
        cut = frames[keep].complete_end
        assert cut is not None
        self.changes = [
            change
            for change in self.changes[: frames[keep].kept]
            if change.rule not in ("comment", "whitespace") or not cut <= change.start < content_end
        ]
        closers = "".join(_closer(frame.kind) for frame in reversed(frames[: keep + 1]))
        dropped = _Lexer(self.text, cut, content_end, None).run().tokens[:-1]
        kept = frames[: keep + 1]
        inside = _describe(kept[-1].kind) if len(kept) == 1 else f"{len(kept)} nested containers"
        message = f"{self.end_name} ends inside {inside}: {closers!r} added"
        confidence = CLOSED
        lost = self.text[cut:content_end].strip(" \t\r\n")
        if any(token.text != "," for token in dropped):
            # A key, a literal or a member cut off: what it held is unknown, and dropping
            # it would lose data without a way to tell (issue 14).
            raise _Refused(
                f"{self.end_name} ends inside {_shorten(lost.lstrip(', '))!r}: it is cut off "
                "and what it held cannot be known"
            )
        if lost == ",":
            message += "; the trailing comma removed"
        elif lost:
            message += f"; {_shorten(lost)!r} removed"
        if not closers and not self.text[cut:content_end].strip():
            return cut
        self.change(cut, max(cut, content_end), closers, "unclosed", message, confidence)
        self.frames = []
        return cut

    # -- documents

    def content_end(self, start: int, end: int) -> int:
        stop = end
        while stop > start and self.text[stop - 1] in " \t\r\n":
            stop -= 1
        return stop

    def document(self, start: int, end: int, line_mode: bool = False) -> bool:
        """The value(s) of text[start:end]: prose around a JSON value is dropped, several
        values become a list (in a JSON Lines record, one record each). Returns whether
        the text ended inside a value."""
        self.end_name = f"line {self.line_of(start)}" if line_mode else "the input"
        peek = _Lexer(self.text, start, min(end, start + _PEEK), None).run()
        opening = peek.tokens[0]
        if opening.kind == "eof":
            if line_mode:
                self.changes.extend(peek.changes)
                return False
            raise _Refused("no value")
        attempts: list[int] = []
        if self.starts_value(opening) and (
            opening.kind != "word" or opening.text in _LITERAL_WORDS
        ):
            attempts.append(start)
        first = start
        while first < end and (self.text[first].isspace() or self.text[first] in _ODD_SPACE):
            first += 1
        if not line_mode:
            attempts.extend(self.after_prose(first, opening.start, end))
        for attempt in attempts:
            saved = list(self.changes)
            try:
                if attempt != start:
                    self.change(
                        start,
                        attempt,
                        "",
                        "prose",
                        f"text before the JSON removed: {_shorten(self.text[first:attempt])!r}",
                        STRUCTURAL,
                    )
                self.lex(attempt, end)
                return self.values(attempt, end, line_mode)
            except _Refused:
                self.changes = saved
        raise _Refused("no JSON value found")

    def after_prose(self, first: int, opening: int, end: int) -> list[int]:
        """Where a JSON object or array may start after a prose preamble: the `[`s before
        the first `{`, and that `{` (prose never holds a brace), a few at most."""
        brace = self.text.find("{", first, end)
        stop = end if brace < 0 else brace + 1
        candidates = []
        position = first
        for _ in range(_PROSE_CANDIDATES):
            bracket = self.text.find("[", position, stop)
            candidate = bracket if bracket >= 0 else brace
            if candidate < 0 or candidate >= stop:
                break
            if candidate > opening and _looks_like_prose(self.text[first:candidate]):
                candidates.append(candidate)
            if candidate == brace:
                break
            position = candidate + 1
        return candidates

    def values(self, start: int, end: int, line_mode: bool) -> bool:
        found: list[tuple[int, int, bool]] = []  # start, end, is a container
        separated: set[int] = set()  # value numbers that a comma precedes
        content_end = self.content_end(start, end)
        sequence = _Frame("line" if line_mode else "seq", start)
        current: tuple[int, bool] | None = None
        truncated = False
        try:
            while True:
                token = self.peek()
                if token.kind == "eof":
                    break
                if found:
                    if token.kind == "punct" and token.text == ",":
                        self.separator(token, line_mode)
                        separated.add(len(found))
                        continue
                    if token.kind == "punct" and token.text in "}]":
                        if not found[-1][2]:
                            raise _Refused(f"{token.text!r} closes nothing")
                        self.change(
                            token.start,
                            token.end,
                            "",
                            "extra-closer",
                            f"surplus {token.text!r} after the end of the value removed",
                            GUESS,
                        )
                        self.take()
                        continue
                    if not self.starts_value(token) or (
                        token.kind == "word" and token.text not in _LITERAL_WORDS
                    ):
                        self.trailing_prose(token, end, content_end, line_mode)
                        break
                    if not self.frames:
                        self.frames.append(sequence)
                current = (token.start, token.kind == "punct")
                self.value(0)
                found.append((current[0], self.last_end, current[1]))
                current = None
                self.completed(sequence, found[-1][0])
        except _Truncated:
            truncated = True
            wrapped = bool(self.frames) and self.frames[0] is sequence
            cut = self.close_truncated(content_end)
            if current is not None and cut > current[0]:
                found.append((current[0], cut, current[1]))
            if wrapped and len(found) == 1 and not line_mode:
                found.append((cut, cut, True))  # the dropped value still made this a list
        if not found:
            raise _Refused("no complete value")
        if len(found) > 1:
            self.several(found, separated, line_mode, truncated)
        return truncated

    def separator(self, comma: _Token, line_mode: bool) -> None:
        """A comma after a top-level value: trailing, or between values."""
        if self.peek(1).kind == "eof":
            self.change(
                comma.start,
                comma.end,
                "",
                "trailing-comma",
                "trailing comma after the value removed",
                COSMETIC,
            )
        elif not self.starts_value(self.peek(1)):
            raise _Refused("a comma after the value")
        elif line_mode:
            self.change(
                comma.start,
                comma.end,
                "",
                "record-split",
                "comma between two records removed",
                STRUCTURAL,
            )
        self.take()

    def trailing_prose(self, token: _Token, end: int, content_end: int, line_mode: bool) -> None:
        if line_mode or not _looks_like_prose(self.text[token.start : end]):
            raise _Refused(f"{token.text!r} after the value")
        self.change(
            token.start,
            content_end,
            "",
            "prose",
            f"text after the JSON removed: {_shorten(self.text[token.start : content_end])!r}",
            STRUCTURAL,
        )
        self.changes = [
            change
            for change in self.changes
            if change.rule not in ("comment", "whitespace")
            or not token.start <= change.start < content_end
        ]

    def several(
        self,
        found: list[tuple[int, int, bool]],
        separated: set[int],
        line_mode: bool,
        truncated: bool,
    ) -> None:
        if line_mode:
            for start, _, _ in found[1:]:
                self.change(
                    start, start, "\n", "record-split", "two records on one line split", STRUCTURAL
                )
            return
        own_lines = all(
            not self.same_line(found[number - 1][1], found[number][0])
            for number in range(1, len(found))
            if found[number][0] != found[number][1]
        )
        if not own_lines and not all(container for _, _, container in found):
            raise _Refused("values one after another on a line")
        self.change(
            found[0][0],
            found[0][0],
            "[",
            "concatenated",
            "JSON values one after another (JSON Lines?) wrapped in a list",
            STRUCTURAL,
        )
        for number in range(1, len(found)):
            position = found[number - 1][1]
            if number not in separated and found[number][0] != found[number][1]:
                self.change(
                    position,
                    position,
                    ",",
                    "concatenated",
                    "',' added between two top-level values",
                    STRUCTURAL,
                )
        if not truncated:
            position = found[-1][1]
            self.change(
                position,
                position,
                "]",
                "concatenated",
                "the list of top-level values closed",
                STRUCTURAL,
            )

    # -- JSON Lines records

    def record(self, start: int, line_end: int, region_end: int) -> int:
        """Repair the record that starts the line text[start:line_end]; returns where the
        next line starts. A record spread over several lines (pretty-printed) is joined
        when it reads cleanly that way; otherwise the line is repaired on its own."""
        saved = list(self.changes)
        alone: list[_Change] | None = None
        open_at_end = True
        try:
            open_at_end = self.document(start, line_end, line_mode=True)
            alone = self.changes
        except (_Refused, _Truncated):
            pass
        self.changes = list(saved)
        if open_at_end and line_end < region_end:
            try:
                return self.spread_record(start, line_end, region_end)
            except (_Refused, _Truncated):
                self.changes = list(saved)
        if alone is None:
            raise _Refused(f"line {self.line_of(start)} cannot be repaired")
        self.changes = alone
        return line_end + 1

    def spread_record(self, start: int, line_end: int, region_end: int) -> int:
        window = region_end
        newline = line_end
        for _ in range(_MAX_RECORD_LINES):
            newline = self.text.find("\n", newline + 1, region_end)
            if newline < 0:
                break
        else:
            window = newline
        before = len(self.changes)
        self.lex(start, window)
        self.value(0)
        end = self.last_end
        last_line_end = self.text.find("\n", end, region_end)
        last_line_end = region_end if last_line_end < 0 else last_line_end
        following = self.peek()
        if following.kind != "eof" and following.start < last_line_end:
            raise _Refused("the record goes on after its end")
        if last_line_end <= line_end:
            raise _Refused("the record fits its line")
        guesses = [
            change
            for change in self.changes[before:]
            if change.rule not in _RECORD_JOIN_RULES and change.start < end
        ]
        if guesses:
            raise _Refused("a record spread over lines only with guesses")
        self.changes = [
            change for change in self.changes if change.start < end or change.rule in ("fence",)
        ]
        lines = f"lines {self.line_of(start)}-{self.line_of(end)}"
        frame = self.last_frame
        if frame is not None and frame.kind == "[" and self.one_item_per_line(frame, start, end):
            readings = [
                f"the array on {lines} read as one record",
                f"the items of the array on {lines} read as one record each",
            ]
            if self.choices.choose("record", start, readings) == 1:
                self.unwrap(frame, end, lines)
                return last_line_end + 1
        self.join(start, end, lines)
        return last_line_end + 1

    def one_item_per_line(self, frame: _Frame, start: int, end: int) -> bool:
        """`[` and `]` alone on their lines, and each item on a line of its own."""
        if not frame.items:
            return False
        if not self.text[start + 1 : frame.items[0][0]].strip(" \t\r").startswith("\n"):
            return False
        if "\n" not in self.text[frame.items[-1][1] : end - 1]:
            return False
        for number, (item_start, item_end) in enumerate(frame.items):
            if not self.same_line(item_start, item_end):
                return False
            if number and self.same_line(frame.items[number - 1][1], item_start):
                return False
        return True

    def unwrap(self, frame: _Frame, end: int, lines: str) -> None:
        opening_line_end = self.text.find("\n", frame.start)
        self.change(
            frame.start,
            opening_line_end + 1,
            "",
            "record-lines",
            f"a JSON array over {lines}: its '[' removed, each item made a record",
            STRUCTURAL,
        )
        for comma in frame.commas:
            if not any(change.start == comma for change in self.changes):
                self.change(
                    comma,
                    comma + 1,
                    "",
                    "record-lines",
                    "comma between two records removed",
                    STRUCTURAL,
                )
        self.change(
            end - 1,
            end,
            "",
            "record-lines",
            f"the ']' of the JSON array over {lines} removed",
            STRUCTURAL,
        )

    def join(self, start: int, end: int, lines: str) -> None:
        covered = [(change.start, change.end) for change in self.changes]
        position = self.text.find("\n", start, end)
        while position >= 0:
            if not any(left <= position < right for left, right in covered):
                left = position - 1 if self.text[position - 1] == "\r" else position
                self.change(
                    left,
                    position + 1,
                    " ",
                    "record-lines",
                    f"record spread over {lines} joined onto one line",
                    STRUCTURAL,
                )
            position = self.text.find("\n", position + 1, end)


# ------------------------------------------------------------------ fences and regions


@dataclass(frozen=True)
class _Block:
    fence_start: int
    content_start: int
    content_end: int
    end: int
    language: str


def _fenced_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    opening: re.Match[str] | None = None
    for match in _FENCE.finditer(text):
        if opening is None:
            opening = match
            continue
        line_end = match.end() + 1 if text[match.end() : match.end() + 1] == "\n" else match.end()
        content_start = min(opening.end() + 1, len(text))
        blocks.append(
            _Block(
                opening.start(), content_start, match.start(), line_end, opening.group(1).lower()
            )
        )
        opening = None
    if opening is not None:
        content_start = min(opening.end() + 1, len(text))
        blocks.append(
            _Block(opening.start(), content_start, len(text), len(text), opening.group(1).lower())
        )
    return blocks


def fenced_region(run: Reading, languages: frozenset[str]) -> tuple[int, int]:
    """The part of the text a Markdown fence holds (the fences and prose around it are
    removed), or the whole text when there is no fence."""
    text = run.text
    blocks = _fenced_blocks(text)
    if not blocks:
        return 0, len(text)
    usable = [block for block in blocks if block.language in languages] or blocks
    if len(usable) > 1:
        readings = [
            f"the {block.language or 'unlabelled'} code block on line {text.count(chr(10), 0, block.fence_start) + 1}"
            for block in usable
        ]
        block = usable[run.choices.choose("code block", usable[0].fence_start, readings)]
    else:
        block = usable[0]
    before = text[: block.content_start]
    only_fence = not text[: block.fence_start].strip()
    run.change(
        0,
        block.content_start,
        "",
        "fence" if only_fence else "prose",
        "code fence removed"
        if only_fence
        else f"text before the JSON removed: {_shorten(before)!r}",
        COSMETIC if only_fence else STRUCTURAL,
    )
    after = text[block.content_end :]
    if after:
        only_fence = not text[block.end :].strip()
        run.change(
            block.content_end,
            len(text),
            "",
            "fence" if only_fence else "prose",
            "closing code fence removed"
            if only_fence
            else f"text after the JSON removed: {_shorten(after)!r}",
            COSMETIC if only_fence else STRUCTURAL,
        )
    return block.content_start, block.content_end


def _json_document(run: Reading) -> None:
    start, end = fenced_region(run, _JSON_FENCE_LANGUAGES)
    run.document(start, end)


# -------------------------------------------------------------------------- readings


def line_parses(line: str, options: Options) -> bool:
    """Whether one JSON Lines line reads as JSON as it is."""
    return _strict_data(line, "json", options)[0]


def _strict_data(text: str, format: str, options: Options) -> tuple[bool, Any]:
    from structconv import formats

    try:
        return True, formats.get_codec(format).loads(text, options)
    except ParseError:
        return False, None
    except RecursionError:
        return False, None


def _data_key(data: Any) -> str:
    return json.dumps(data, default=repr)


def explore(
    text: str, format: str, options: Options, body: Callable[[Reading], None]
) -> RuleOutcome:
    """Run `body` once per combination of readings (bounded), and settle the outcome:
    one repaired text, an Ambiguity when readings give different data, or None."""
    pending: list[dict[_Place, int]] = [{}]
    explored: set[frozenset[tuple[_Place, int]]] = set()
    runs: list[Reading] = []
    hard: _HardRefusal | None = None
    while pending:
        fixed = pending.pop(0)
        signature = frozenset(fixed.items())
        if signature in explored:
            continue
        if len(explored) >= _MAX_RUNS:
            return None  # too many readings to weigh: refuse rather than pick
        explored.add(signature)
        run = Reading(text, _Choices(fixed), format, options)
        try:
            body(run)
            runs.append(run)
        except (_Refused, _Truncated, RecursionError):
            pass
        except _HardRefusal as refusal:
            hard = hard or refusal
        for position, count in run.choices.seen.items():
            if position not in fixed:
                pending.extend({**fixed, position: choice} for choice in range(1, count))
    if hard is not None:
        raise _hard_error(text, format, hard)
    readings: dict[str, tuple[Reading, str, float]] = {}
    unreadable: list[tuple[Reading, str, float]] = []
    if any(run.changes and not _closes_at_end(run) for run in runs):
        # A reading that needs the end closed as if cut off, where another reads the
        # input through to its own end: the input is not cut off (`[{"a": 1], "b": 2}`).
        runs = [run for run in runs if not _closes_at_end(run)]
    for run in runs:
        if not run.changes:
            continue
        patched, _ = apply_edits(text, _edits(run))
        confidence = min(change.confidence for change in run.changes)
        readable, data = _strict_data(patched, format, options)
        if not readable:
            unreadable.append((run, patched, confidence))
            continue
        key = _data_key(data)
        best = readings.get(key)
        if best is None or (confidence, -len(run.changes)) > (best[2], -len(best[0].changes)):
            readings[key] = (run, patched, confidence)
    settled = sorted(readings.values(), key=lambda reading: -reading[2]) or unreadable[:1]
    if not settled:
        return None
    if len(settled) == 1:
        run, patched, confidence = settled[0]
        return Patched(patched, apply_edits(text, _edits(run))[1], confidence)
    differing = sorted(
        position
        for position in {position for run, _, _ in settled for position in run.choices.taken}
        if len({run.choices.taken.get(position) for run, _, _ in settled}) > 1
    )
    line, column = LineIndex(text).line_column(differing[0][0] if differing else 0)
    return Ambiguity(
        format=format,
        line=line,
        column=column,
        message="the input can be repaired in more than one way, with different data",
        candidates=tuple(
            Candidate(
                "; ".join(
                    run.choices.taken[position]
                    for position in differing
                    if position in run.choices.taken
                )
                or "the other reading",
                patched,
                None,
                apply_edits(text, _edits(run))[1],
            )
            for run, patched, _ in settled
        ),
    )


def _hard_error(text: str, format: str, refusal: _HardRefusal) -> ParseError:
    line, column = LineIndex(text).line_column(refusal.offset)
    lines = text.split("\n")
    return ParseError(
        refusal.message,
        format=format,
        line=line,
        column=column,
        snippet=lines[line - 1][:200] if line <= len(lines) else "",
        hint=refusal.hint,
        repairable=False,
    )


def _closes_at_end(run: Reading) -> bool:
    return any(change.rule == "unclosed" for change in run.changes)


def _edits(run: Reading) -> list[Edit]:
    return [
        Edit(change.start, change.end, change.replacement, change.rule, change.message)
        for change in run.changes
    ]


# ------------------------------------------------------------------- the module API


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's value tokens and offsets, for provenance validation (the text does not
    parse). Comments are not values; a string runs over lines only where the JSON goes on
    after it (as the repair reads it)."""
    blocks = _fenced_blocks(text)
    # Inside Markdown fences only, when there are fences: the fence lines (```json) and the
    # prose around them are not data, for a model's answer as for the fence rule.
    regions = [(block.content_start, block.content_end) for block in blocks] or [(0, len(text))]
    for start, end in regions:
        yield from _region_values(text, start, end)


def _region_values(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    lexer = _Lexer(text, start, end, None).run()
    for token in lexer.tokens:
        if token.kind == "string":
            raw = token.text[token.prefix + 1 :]
            if token.closed:
                raw = raw[:-1]
            yield (unescape_backslashes(raw) if "\\" in raw else raw), token.start
        elif token.kind in ("number", "word") and token.text not in _KEYWORDS:
            yield token.text, token.start


_CLOSER_LINE = re.compile(r"^([ \t]*[}\]],?[ \t]*)\r?\n", re.MULTILINE)


def _duplicated_closer(text: str, options: Options) -> Patched | None:
    """`},` pasted twice: a line of a closer alone that repeats the line above it, the
    text parsing once it is gone (nothing but that line changes)."""
    for match in _CLOSER_LINE.finditer(text):
        line = match.group(1)
        above_end = match.start() - 1
        above_start = text.rfind("\n", 0, max(above_end, 0)) + 1
        if above_end < 0 or text[above_start:above_end].rstrip("\r") != line:
            continue
        patched = text[: match.start()] + text[match.end() :]
        if _strict_data(patched, "json", options)[0]:
            edits = [
                Edit(
                    match.start(),
                    match.end(),
                    "",
                    "duplicated-closer",
                    f"{line.strip()!r} repeated on the line below itself: the repeat removed",
                )
            ]
            fixed, fixes = apply_edits(text, edits)
            return Patched(fixed, fixes, 0.9)
    return None


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """Patched JSON, an Ambiguity, or None; raises a ParseError for NaN and Infinity."""
    return _duplicated_closer(text, options) or explore(text, "json", options, _json_document)


# ---------------------------------------------------------------- model answers


def _bracket_depth(text: str) -> Callable[[int], int]:
    """How many brackets are open at an offset of the input, as the repair's lexer reads
    it (strings and comments skipped)."""
    offsets: list[int] = []
    depths: list[int] = []
    depth = 0
    for token in _Lexer(text, 0, len(text), None).run().tokens:
        if token.kind == "punct" and token.text in "{}[]":
            depth = depth + 1 if token.text in "{[" else max(depth - 1, 0)
            offsets.append(token.start)
            depths.append(depth)

    def at(offset: int) -> int:
        index = bisect.bisect_right(offsets, offset) - 1
        return depths[index] if index >= 0 else 0

    return at


def answer_lines_up(text: str, data: Any) -> str | None:
    """Why a key of the model's answer comes from text outside every bracket of the
    input (prose around the JSON, say `Option A:` before one of two objects), or None.

    Checked on the model's answers only. A JSON key is always written inside braces;
    a key the input holds only outside them is a label the model turned into data."""
    depth: Callable[[int], int] | None = None
    for _, node in iter_nodes(data):
        if not isinstance(node, dict):
            continue
        for key in map(str, node):
            offset = text.find(key)
            if not key.strip() or offset < 0:
                continue  # not spelled as it is (provenance traces it)
            depth = depth or _bracket_depth(text)
            while offset >= 0 and depth(offset) == 0:
                offset = text.find(key, offset + 1)
            if offset < 0:
                return (
                    f"the answer's key {key!r} stands outside every bracket of the input: "
                    "text around the data, not a key of it"
                )
    return None
