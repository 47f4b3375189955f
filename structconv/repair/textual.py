"""The textual provenance check: nothing invented, nothing dropped, by looking values up.

The runtime judges every repair with the alignment of provenance.py. This older, looser
check stays for one caller: tune/data.py judges the training pairs it generates with it
(see the data card it writes). It asks two questions:

- invented: every scalar and key of the result must be traceable to the input text.
  Strings are looked up as substrings of the input, modulo the ways formats spell
  them (backslash escapes, XML/HTML entities, doubled quotes, line folding: runs of
  whitespace compare as one space); numbers by value against every number literal in
  the input; booleans and nulls against their literals. A key may also come from the
  `after` text of a Fix (a rule that wraps several XML roots names the wrapper).
- dropped: every value token of the input (found by the lenient lexer of the format's
  rules, `RULESET.input_values`, since the input does not parse) must appear in the
  result, unless it lies in a span that a Fix replaced: a removed comment, a dropped
  duplicate key, a preamble line. Comments are not values: conversion drops them for
  valid input too.

It cannot tell that a value moved to the wrong key; it can tell that a value appeared
from nowhere or vanished, which is the failure mode of lenient parsers and of language
models.
"""

from __future__ import annotations

import bisect
import datetime
import html
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from structconv.neutral import Data, iter_nodes
from structconv.repair.edits import LineIndex, removed_spans
from structconv.repair.provenance import Refusal
from structconv.repair.rules import InputValues
from structconv.repair.spelling import unescape_backslashes
from structconv.result import Fix

_WHITESPACE = re.compile(r"\s+")
_NUMBER = re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?|inf|nan|Infinity|NaN)"
)
_TRUE = re.compile(r"\b(?:true|True|TRUE|yes|Yes|YES|on|On|ON)\b")
_FALSE = re.compile(r"\b(?:false|False|FALSE|no|No|NO|off|Off|OFF)\b")
_NULL = re.compile(r"\b(?:null|Null|NULL|None|nil|undefined)\b|~")
_YAML_EMPTY_VALUE = re.compile(r":[ \t]*(?:#.*)?$|^[ \t]*-[ \t]*(?:#.*)?$", re.M)
_STRUCTURAL_KEYS = frozenset({"#text", "#content"})
_HAS_WORD = re.compile(r"\w")
# A character reference with its semicolon (html.unescape also takes "&copy 2024").
_COMPLETE_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _number_value(literal: str) -> int | float | None:
    cleaned = literal.replace("_", "")
    try:
        if cleaned.lower().lstrip("+-").startswith(("0x", "0o", "0b")):
            sign = -1 if cleaned.startswith("-") else 1
            return sign * int(cleaned.lstrip("+-"), 0)
        if re.fullmatch(r"[-+]?\d+", cleaned):
            return int(cleaned)
        return float(cleaned)
    except ValueError:
        return None


def _numbers_in(text: str) -> set[int | float]:
    values: set[int | float] = set()
    for match in _NUMBER.finditer(text):
        value = _number_value(match.group())
        if value is not None:
            values.add(value)
            if isinstance(value, float) and value.is_integer():
                values.add(int(value))
    return values


class _Source:
    """The input text in every spelling a repaired value may be traced to."""

    def __init__(self, text: str, fixes: Sequence[Fix], format: str, values: InputValues) -> None:
        self.text = text
        self.format = format
        views = {
            text,
            unescape_backslashes(text),
            unescape_backslashes(text, keep_unknown=True),
            html.unescape(text),
            _COMPLETE_REFERENCE.sub(lambda match: html.unescape(match.group()), text),
            text.replace('""', '"').replace("''", "'"),
        }
        self.views = [_collapse(view) for view in views]
        # The lexer's tokens answer most lookups without a search through the text.
        self.tokens = {_collapse(token) for token, _ in values(text)}
        self.fix_texts = _collapse(" ".join(fix.after for fix in fixes))
        self.numbers = _numbers_in(text)
        self._found: dict[str, bool] = {}

    def has_text(self, value: str, *, as_key: bool = False) -> bool:
        needle = _collapse(value)
        if not needle:
            return True
        known = self._found.get(needle)
        if known is None:
            known = needle in self.tokens or any(needle in view for view in self.views)
            self._found[needle] = known
        if not known and "\n" in value:  # a literal block: its lines, each indented
            known = all(self.has_text(line) for line in value.splitlines())
        return known or (as_key and needle in self.fix_texts)

    def has_scalar(self, value: Any) -> bool:
        if isinstance(value, bool):
            return bool((_TRUE if value else _FALSE).search(self.text))
        if value is None:
            return bool(_NULL.search(self.text)) or (
                self.format == "yaml" and bool(_YAML_EMPTY_VALUE.search(self.text))
            )
        if isinstance(value, int | float):
            if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                return self.has_text("nan" if math.isnan(value) else "inf") or self.has_text(
                    "NaN" if math.isnan(value) else "Infinity"
                )
            return value in self.numbers or self.has_text(repr(value))
        if isinstance(value, datetime.datetime):
            return (
                self.has_text(value.isoformat())
                or self.has_text(value.isoformat(" "))
                or (
                    self.has_text(value.date().isoformat())
                    and self.has_text(value.strftime("%H:%M"))
                )
            )
        if isinstance(value, datetime.date | datetime.time):
            return self.has_text(value.isoformat())
        if isinstance(value, str):
            return self.has_text(value)
        return self.has_text(str(value))


def _key_text(key: Any) -> str | None:
    """The input text a key comes from (None for the keys the XML conventions make up)."""
    if not isinstance(key, str):
        return None
    if key in _STRUCTURAL_KEYS:
        return None
    return key[1:] if key.startswith("@") else key


def _first_invented(source: _Source, data: Data) -> tuple[str, Any] | None:
    from structconv.neutral import format_path

    for path, node in iter_nodes(data):
        if isinstance(node, dict):
            for key in node:
                text = _key_text(key)
                if text is None and not isinstance(key, str):
                    if not source.has_scalar(key):
                        return format_path(path), key
                elif text is not None and not source.has_text(text, as_key=True):
                    return format_path(path), key
        elif not isinstance(node, list) and not source.has_scalar(node):
            return format_path(path), node
    return None


class _Result:
    """The result's scalars and keys as text, for looking input tokens up."""

    def __init__(self, data: Data) -> None:
        texts: set[str] = set()
        self.numbers: set[int | float] = set()
        for _, node in iter_nodes(data):
            if isinstance(node, dict):
                texts.update(_collapse(str(key)) for key in node)
            elif not isinstance(node, list):
                texts.update(_spellings(node))
                if isinstance(node, int | float) and not isinstance(node, bool):
                    self.numbers.add(node)
        self.texts = texts
        self.joined = "\x00".join(texts)

    def has(self, token: str) -> bool:
        needle = _collapse(token)
        if not needle or not _HAS_WORD.search(needle):
            return True
        if needle in self.texts or needle in self.joined:
            return True
        value = _number_value(needle) if _NUMBER.fullmatch(needle) else None
        if value is not None:
            return value in self.numbers
        # A dotted name the reading nested (the CSV column "Q1.sales" -> {"Q1": {"sales"}}).
        parts = needle.split(".")
        return len(parts) > 1 and all(part and part in self.texts for part in parts)


def _spellings(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["true", "True", "TRUE"] if value else ["false", "False", "FALSE"]
    if value is None:
        return ["null", "Null", "NULL", "None", "nil", "undefined", "~"]
    if isinstance(value, datetime.date | datetime.time):
        return [value.isoformat(), str(value)]
    return [_collapse(str(value))]


def _first_dropped(
    text: str, data: Data, fixes: Sequence[Fix], values: InputValues
) -> tuple[str, int] | None:
    spans = removed_spans(text, fixes)
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((stop for _, stop in spans), max))  # furthest stop so far
    result = _Result(data)
    for token, offset in values(text):
        if result.has(token):
            continue
        end = offset + max(len(token), 1)
        last = bisect.bisect_left(starts, end) - 1  # the spans that start before the token ends
        if last >= 0 and reach[last] > offset:
            continue
        return token, offset
    return None


def _count_keys(token: str) -> list[tuple[str, Any]]:
    """What one input token may stand for in the data: its text, and its number or
    boolean value where it spells one."""
    text = _collapse(token)
    keys: list[tuple[str, Any]] = [("text", text)]
    value = _number_value(text) if _NUMBER.fullmatch(text) else None
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        keys.append(("number", value))
    if _TRUE.fullmatch(text):
        keys.append(("bool", True))
    elif _FALSE.fullmatch(text):
        keys.append(("bool", False))
    return keys


def _value_key(value: Any) -> tuple[str, Any] | None:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else ("number", value)
    if isinstance(value, str):
        text = _collapse(value)
        return ("text", text) if _HAS_WORD.search(text) else None
    return None  # nulls and dates: a YAML `key:` holds a null without a token


def _first_repeated(text: str, data: Data, values: InputValues) -> tuple[Any, int, int] | None:
    """A value the data holds more often than the input has tokens for it, as (value,
    times in the data, tokens in the input). Values no token spells whole (a string
    made of a part of one) are not counted; they are traced by the other checks."""
    available: Counter[tuple[str, Any]] = Counter()
    for token, _ in values(text):
        available.update(_count_keys(token))
    used: Counter[tuple[str, Any]] = Counter()
    for _, node in iter_nodes(data):
        if isinstance(node, dict | list):
            continue
        key = _value_key(node)
        if key is None or not available[key]:
            continue
        used[key] += 1
        if used[key] > available[key]:
            return node, used[key], available[key]
    return None


def check_provenance(
    text: str,
    data: Data,
    fixes: Sequence[Fix],
    format: str,
    values: InputValues,
    *,
    counted: bool = False,
) -> Refusal | None:
    """Why the repaired `data` of `text` must be refused, or None when it holds exactly
    the input's values. `values` lists the input's value tokens (each format's rules
    module has one: `input_values`).

    `counted` (for the model's answers, which rules do not constrain): a value may not
    appear more often than the input spells it. A model that shifts a CSV row's cells
    by one fills the gap with a copy of a value it has seen; the textual checks cannot
    see that, the count can."""
    invented = _first_invented(_Source(text, fixes, format, values), data)
    if invented is not None:
        path, value = invented
        return Refusal(f"{path} holds {value!r}, which does not appear in the input")
    if counted:
        repeated = _first_repeated(text, data, values)
        if repeated is not None:
            value, times, tokens = repeated
            return Refusal(
                f"the result holds {value!r} {times} times, the input only {tokens}: "
                "a value was copied where another belongs"
            )
    dropped = _first_dropped(text, data, fixes, values)
    if dropped is not None:
        token, offset = dropped
        line, column = LineIndex(text).line_column(offset)
        shown = token if len(token) <= 60 else token[:57] + "..."
        return Refusal(
            f"the input's {shown!r} (line {line}, column {column}) is missing from the result "
            "and no fix explains its removal",
            line,
            column,
        )
    return None
