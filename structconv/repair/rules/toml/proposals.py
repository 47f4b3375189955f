"""What a TOML rule proposes where tomllib complains (readings, each a few changes), the
branches of the search, and the small helpers the rules share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from structconv.errors import ParseError
from structconv.repair.edits import EditSession
from structconv.repair.search import (
    Change,
)

# ---------------------------------------------------------------- the pass loop

_MAX_PASSES = 200
_MAX_CANDIDATES = 8

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'"
_KEY_PART = f"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_KEY = f"{_KEY_PART}(?:[ \\t]*\\.[ \\t]*{_KEY_PART})*"
_KEY_ONLY = re.compile(f"[ \\t]*{_KEY}[ \\t]*")
_STATEMENT = re.compile(f"([ \\t]*)({_KEY})([ \\t]*=[ \\t]*)(.*)")
_SPACED_KEY = re.compile(r"([ \t]*)([A-Za-z0-9_-]+(?: +[A-Za-z0-9_-]+)+)[ \t]*[=:]")
_SPACED_NAME = re.compile(r"[A-Za-z0-9_-]+(?: +[A-Za-z0-9_-]+)*")
_COMMENT_IN_VALUE = re.compile(r"[ \t]#")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

# Values that begin like a number, date or time (or a sign): quoted only when they are a
# dotted version.
_NUMBER_START = re.compile(r"[+\-_.\d]|Infinity\b|NaN\b")
_KEY_THEN_EQUALS = re.compile(r"[ \t]*[A-Za-z0-9_.-]*[ \t]*=")
_KEYWORD_THEN_WORDS = re.compile(r"(?:true|false)[ \t]+\S.*")
_BOOLEAN_SPELLINGS = {
    **dict.fromkeys(("True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), "true"),
    **dict.fromkeys(("False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), "false"),
}
_NULL_SPELLINGS = frozenset({"null", "Null", "NULL", "None", "nil", "~", "undefined"})


@dataclass(frozen=True)
class _Reading:
    """One way to repair what the reader complains about. Readings offered together share
    a `choice`: a branch that chose once chooses the same way everywhere (every `True`
    of a file is a boolean, or every one is a string), so the readings stay few."""

    description: str
    changes: tuple[Change, ...]
    confidence: float
    choice: str = ""
    question: str = ""  # what the readings differ on, for the Ambiguity's message


@dataclass
class _Branch:
    session: EditSession
    confidence: float = 1.0
    descriptions: tuple[str, ...] = ()
    choices: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Fork:
    """Where the repair first saw several readings, for the Ambiguity."""

    line: int
    column: int
    message: str


_Rule = Callable[[str, ParseError, int], list[_Reading] | None]


def _one(change: Change, confidence: float) -> list[_Reading]:
    return [_Reading(change.message, (change,), confidence)]


def _line_span(text: str, offset: int) -> tuple[int, int]:
    """Start and end (before the line break) of the line holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def _has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def _basic(value: str) -> str:
    """`value` as a TOML basic string (value has no control characters)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted(value: str) -> str:
    """The plainest TOML string that holds `value` exactly."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return _basic(value)


def _outside_strings(line: str) -> Iterator[tuple[int, str]]:
    """The characters of a line outside its strings, with their offsets (the quotes
    themselves are not given)."""
    quote = ""
    index = 0
    while index < len(line):
        character = line[index]
        if quote:
            if quote == '"' and character == "\\":
                index += 1
            elif character == quote:
                quote = ""
        elif character in "\"'":
            quote = character
        else:
            yield index, character
        index += 1


def _comment_start(line: str) -> int:
    """Where a `#` comment starts in a line, outside strings (len(line) when none)."""
    return next(
        (index for index, character in _outside_strings(line) if character == "#"), len(line)
    )
