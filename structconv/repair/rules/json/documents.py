"""One reading of broken JSON as documents: prose around them, several of them, JSON
Lines records spread over lines or run together."""

from __future__ import annotations

from typing import TYPE_CHECKING

from structconv.repair.rules.json.ids import (
    COMMENT,
    CONCATENATED,
    COSMETIC,
    EXTRA_CLOSER,
    FENCE,
    GUESS,
    PROSE,
    RECORD_LINES,
    RECORD_SPLIT,
    STRUCTURAL,
    TRAILING_COMMA,
    WHITESPACE,
)
from structconv.repair.rules.json.lexer import (
    _LITERAL_WORDS,
    _MAX_RECORD_LINES,
    _ODD_SPACE,
    _PEEK,
    _PROSE_CANDIDATES,
    _RECORD_JOIN_RULES,
    _Frame,
    _Lexer,
    _looks_like_prose,
    _Refused,
    _shorten,
    _Truncated,
)
from structconv.repair.rules.json.values import _ValueReading
from structconv.repair.search import (
    Change,
)

if TYPE_CHECKING:
    from structconv.repair.rules.json.lexer import _Token


class Reading(_ValueReading):
    """One reading of the text: the changes it takes to make it JSON, or a refusal."""

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
                        PROSE,
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
                            EXTRA_CLOSER,
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
                TRAILING_COMMA,
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
                RECORD_SPLIT,
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
            PROSE,
            f"text after the JSON removed: {_shorten(self.text[token.start : content_end])!r}",
            STRUCTURAL,
        )
        self.changes = [
            change
            for change in self.changes
            if change.rule not in (COMMENT, WHITESPACE)
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
                    start, start, "\n", RECORD_SPLIT, "two records on one line split", STRUCTURAL
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
            CONCATENATED,
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
                    CONCATENATED,
                    "',' added between two top-level values",
                    STRUCTURAL,
                )
        if not truncated:
            position = found[-1][1]
            self.change(
                position,
                position,
                "]",
                CONCATENATED,
                "the list of top-level values closed",
                STRUCTURAL,
            )

    # -- JSON Lines records

    def record(self, start: int, line_end: int, region_end: int) -> int:
        """Repair the record that starts the line text[start:line_end]; returns where the
        next line starts. A record spread over several lines (pretty-printed) is joined
        when it reads cleanly that way; otherwise the line is repaired on its own."""
        saved = list(self.changes)
        alone: list[Change] | None = None
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
            change for change in self.changes if change.start < end or change.rule in (FENCE,)
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
            RECORD_LINES,
            f"a JSON array over {lines}: its '[' removed, each item made a record",
            STRUCTURAL,
        )
        for comma in frame.commas:
            if not any(change.start == comma for change in self.changes):
                self.change(
                    comma,
                    comma + 1,
                    "",
                    RECORD_LINES,
                    "comma between two records removed",
                    STRUCTURAL,
                )
        self.change(
            end - 1,
            end,
            "",
            RECORD_LINES,
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
                    RECORD_LINES,
                    f"record spread over {lines} joined onto one line",
                    STRUCTURAL,
                )
            position = self.text.find("\n", position + 1, end)
