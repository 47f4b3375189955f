"""One reading of broken JSON, value by value (objects, arrays, strings, numbers, words),
and the end of the input inside a value."""

from __future__ import annotations

import json
import re
from collections import deque

from structconv.options import Options
from structconv.repair.rules.json.ids import (
    CLOSED,
    COMMENT,
    COSMETIC,
    EMPTY_SLOT,
    EXTRA_CLOSER,
    GUESS,
    LITERAL,
    LITERAL_ESCAPE,
    MISMATCHED_CLOSER,
    MISSING_COLON,
    MISSING_COMMA,
    MISSING_OPENER,
    NUMBER,
    QUOTING,
    STRUCTURAL,
    TRAILING_COMMA,
    UNCLOSED,
    UNCLOSED_ARRAY,
    UNQUOTED_KEY,
    UNTERMINATED,
    WHITESPACE,
    ZEROS,
)
from structconv.repair.rules.json.lexer import (
    _ESCAPE_PAIR,
    _HEX2,
    _HEX8,
    _JSON_NUMBER,
    _KEYWORDS,
    _LETTER_ESCAPES,
    _LITERAL_WORDS,
    _MAX_DEPTH,
    _NON_FINITE,
    _PARTIAL_NUMBER,
    _PLAIN_STRING,
    _PYTHON_LITERALS,
    _SIMPLE_ESCAPES,
    _closer,
    _describe,
    _Frame,
    _HardRefusal,
    _indent_at,
    _Lexer,
    _misaligned_closer,
    _Refused,
    _shorten,
    _Token,
    _Truncated,
)
from structconv.repair.rules.json.literals import _SCANNER, _lenient_number, _string_literal
from structconv.repair.search import (
    Change,
    Choices,
)

# ---------------------------------------------------------------------------- parser


class _ValueReading:
    """One reading of the text, value by value: the changes it takes to make each value
    JSON, or a refusal (`Reading` reads the documents and records they make up)."""

    def __init__(self, text: str, choices: Choices, format: str, options: Options) -> None:
        self.text = text
        self.choices = choices
        self.format = format
        self.options = options
        self.changes: list[Change] = []
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
        self.changes.append(Change(start, end, replacement, rule, message, confidence))

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
                    NUMBER,
                    f"leading zeros of {spelling} removed",
                    ZEROS,
                )
            else:
                self.change(
                    token.start,
                    token.end,
                    json.dumps(spelling),
                    NUMBER,
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
            NUMBER,
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
                LITERAL,
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
                LITERAL,
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
                UNQUOTED_KEY,
                f"unquoted key {token.text!r} quoted",
                STRUCTURAL,
            )
            return
        if token.kind == "number" and re.fullmatch(r"-?(?:0|[1-9]\d*)", token.text):
            self.change(
                token.start,
                token.end,
                json.dumps(token.text),
                UNQUOTED_KEY,
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
                    MISSING_COLON,
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
                    UNCLOSED_ARRAY,
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
        self.change(end, end, ",", MISSING_COMMA, f"missing ',' added before {what}", STRUCTURAL)

    def trailing_comma(self, comma: _Token, closer: str) -> None:
        self.change(
            comma.start,
            comma.end,
            "",
            TRAILING_COMMA,
            f"trailing comma removed before {closer!r}",
            COSMETIC,
        )

    def check_slots(self, frame: _Frame) -> None:
        if frame.empty_slots and not frame.items:
            raise _Refused("a container of nothing but commas")

    def empty_slot(self, frame: _Frame, comma: _Token) -> None:
        frame.empty_slots += 1
        self.change(
            comma.start, comma.end, "", EMPTY_SLOT, "comma with no value before it removed", GUESS
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
                token.start, token.end, "", EXTRA_CLOSER, f"stray {token.text!r} removed", GUESS
            )
            self.take()
            return False
        if reading == "open":
            # The closer is right, its opener is missing: the last value is what it closes.
            self.change(
                last_value[0],
                last_value[0],
                opened_by,
                MISSING_OPENER,
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
                MISMATCHED_CLOSER,
                f"{due!r} missing before {token.text!r}: added",
                GUESS,
            )
            self.close(frame, end)
            return True
        self.change(
            token.start,
            token.end,
            due,
            MISMATCHED_CLOSER,
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
            if change.rule not in (COMMENT, WHITESPACE) or not cut <= change.start < content_end
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
        self.change(cut, max(cut, content_end), closers, UNCLOSED, message, confidence)
        self.frames = []
        return cut
