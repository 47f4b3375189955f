"""Provenance of repaired data: nothing invented, nothing dropped.

Every repair, by a rule or by the model, is checked here before it is accepted:

- invented: every scalar and key of the result must be traceable to the input text.
  Strings are looked up as substrings of the input, modulo the ways formats spell
  them (backslash escapes, XML/HTML entities, doubled quotes, line folding: runs of
  whitespace compare as one space); numbers by value against every number literal in
  the input; booleans and nulls against their literals. A key may also come from the
  `after` text of a Fix (a rule that wraps several XML roots names the wrapper).
- dropped: every value token of the input (found by a lenient lexer per format, since
  the input does not parse) must appear in the result, unless it lies in a span that
  a Fix replaced: a removed comment, a dropped duplicate key, a preamble line.
  Comments are not values: conversion drops them for valid input too.

The check is deliberately textual: it cannot tell that a value moved to the wrong
key, which is what the round-trip checks and, for ambiguous input, the candidates
are for. It can tell that a value appeared from nowhere or vanished, which is the
failure mode of lenient parsers and of language models.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from structconv.neutral import iter_nodes
from structconv.repair.edits import LineIndex, removed_spans
from structconv.result import Fix

_WHITESPACE = re.compile(r"\s+")
_BACKSLASH_ESCAPE = re.compile(
    r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(.))", re.S
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0", "e": "\x1b"}
_NUMBER = re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?|inf|nan|Infinity|NaN)"
)
_TRUE = re.compile(r"\b(?:true|True|TRUE|yes|Yes|YES|on|On|ON)\b")
_FALSE = re.compile(r"\b(?:false|False|FALSE|no|No|NO|off|Off|OFF)\b")
_NULL = re.compile(r"\b(?:null|Null|NULL|None|nil|undefined)\b|~")
_YAML_EMPTY_VALUE = re.compile(r"(?:^|[ \t])(?::|-)[ \t]*(?:#.*)?$", re.M)
_STRUCTURAL_KEYS = frozenset({"#text", "#content"})
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Refusal:
    """Why a repair cannot be accepted, and where (0 when there is no one place)."""

    reason: str
    line: int = 0
    column: int = 0


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def unescape_backslashes(text: str) -> str:
    """JSON/YAML/TOML-style escapes decoded leniently (an unknown escape keeps its character)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code is not None:
            try:
                return chr(int(code, 16))
            except (ValueError, OverflowError):
                return match.group()
        character = match.group(4)
        return _SIMPLE_ESCAPES.get(character, character)

    return _BACKSLASH_ESCAPE.sub(one, text)


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

    def __init__(self, text: str, fixes: Sequence[Fix], format: str) -> None:
        self.text = text
        self.format = format
        views = {
            text,
            unescape_backslashes(text),
            html.unescape(text),
            text.replace('""', '"').replace("''", "'"),
        }
        self.views = [_collapse(view) for view in views]
        self.fix_texts = _collapse(" ".join(fix.after for fix in fixes))
        self.numbers = _numbers_in(text)
        self._found: dict[str, bool] = {}

    def has_text(self, value: str, *, as_key: bool = False) -> bool:
        needle = _collapse(value)
        if not needle:
            return True
        known = self._found.get(needle)
        if known is None:
            known = any(needle in view for view in self.views)
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


def _first_invented(source: _Source, data: Any) -> tuple[str, Any] | None:
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


# --- the input's values, found without parsing it ---------------------------------------

_JSON_TOKEN = re.compile(
    r"""(?P<string>"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)"""
    r"|(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z)|\#[^\n]*)"
    r"|(?P<word>[A-Za-z_$][\w$-]*|[-+]?(?:\d[\d_.eE+-]*|\.\d[\d_eE+-]*))",
    re.S,
)
_KEYWORDS = frozenset(
    {"true", "false", "null", "True", "False", "None", "undefined", "NaN", "Infinity", "nil"}
)
_YAML_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)*(?:(?P<key>[^#:\n][^\n]*?|\"[^\"]*\"|'[^']*')[ \t]*:(?:[ \t]+|$))?(?P<value>[^\n]*)$",
    re.M,
)
_YAML_COMMENT = re.compile(r"(?:^|[ \t])#.*$")
_YAML_DECORATION = re.compile(r"^(?:[&*!][^\s]*\s*)+")
_TOML_TOKEN = re.compile(
    r"""(?P<string>\"\"\".*?(?:\"\"\"|\Z)|'''.*?(?:'''|\Z)|"(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?)"""
    r"|(?P<comment>\#[^\n]*)"
    r"|(?P<word>[A-Za-z0-9_+\-.:]+)",
    re.S,
)
_XML_TOKEN = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<!DOCTYPE[^>]*>?)"
    r"|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    r"|</?(?P<tag>[^\s/>=\"']+)(?P<attributes>[^>]*)>?"
    r"|(?P<text>[^<]+)",
    re.S,
)
_XML_ATTRIBUTE = re.compile(r"""([^\s=/]+)\s*(?:=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>"']+)))?""")


def _json_tokens(text: str) -> Iterator[tuple[str, int]]:
    for match in _JSON_TOKEN.finditer(text):
        if match.group("comment") is not None:
            yield match.group(), match.start()
        elif match.group("string") is not None:
            raw = match.group()[1:]
            if raw[-1:] == match.group()[0] and len(match.group()) > 1:
                raw = raw[:-1]
            yield unescape_backslashes(raw), match.start()
        elif match.group() not in _KEYWORDS:
            yield match.group(), match.start()


def _yaml_tokens(text: str) -> Iterator[tuple[str, int]]:
    for match in _YAML_LINE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "---", "...", "%")):
            continue
        for name in ("key", "value"):
            piece = match.group(name)
            if not piece:
                continue
            start = match.start(name)
            if name == "value" and not piece.startswith(("'", '"')):
                piece = _YAML_COMMENT.sub("", piece)
            piece = _YAML_DECORATION.sub("", piece.strip())
            if piece in ("|", ">", "|-", ">-", "|+", ">+") or piece in _KEYWORDS:
                continue
            if len(piece) >= 2 and piece[0] == piece[-1] and piece[0] in "'\"":
                piece = piece[1:-1]
                piece = unescape_backslashes(piece) if match.group(name)[0] == '"' else piece
            if piece.startswith(("[", "{")):  # a flow collection: its words
                for word in re.findall(r"[^\[\]{},:\s'\"]+", piece):
                    if word not in _KEYWORDS:
                        yield word, start
                continue
            yield piece, start


def _toml_tokens(text: str) -> Iterator[tuple[str, int]]:
    for match in _TOML_TOKEN.finditer(text):
        if match.group("comment") is not None:
            continue
        token = match.group()
        if match.group("string") is not None:
            for quote in ('"""', "'''", '"', "'"):
                if token.startswith(quote):
                    body = token[len(quote) :]
                    body = body[: -len(quote)] if body.endswith(quote) else body
                    token = unescape_backslashes(body) if quote[0] == '"' else body
                    break
        if token not in _KEYWORDS:
            yield token, match.start()


def _xml_tokens(text: str) -> Iterator[tuple[str, int]]:
    for match in _XML_TOKEN.finditer(text):
        if match.group("comment") is not None:
            continue
        if match.group("cdata") is not None:
            yield match.group("cdata"), match.start()
        elif match.group("tag") is not None:
            yield match.group("tag"), match.start()
            for attribute in _XML_ATTRIBUTE.finditer(match.group("attributes") or ""):
                yield attribute.group(1), match.start()
                value = attribute.group(2) or attribute.group(3) or attribute.group(4)
                if value:
                    yield html.unescape(value), match.start()
        else:
            yield html.unescape(match.group("text")), match.start()


def _csv_tokens(text: str) -> Iterator[tuple[str, int]]:
    from structconv.formats.csv import sniff_delimiter

    try:
        delimiter = sniff_delimiter(text)
    except Exception:
        delimiter = ","
    index = LineIndex(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for row in reader:
            offset = index.offset(reader.line_num, 1)
            for cell in row:
                yield cell, offset
    except csv.Error:
        return


_LEXERS = {
    "json": _json_tokens,
    "jsonl": _json_tokens,
    "yaml": _yaml_tokens,
    "toml": _toml_tokens,
    "xml": _xml_tokens,
    "csv": _csv_tokens,
}


class _Result:
    """The result's scalars and keys as text, for looking input tokens up."""

    def __init__(self, data: Any) -> None:
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
        return value is not None and value in self.numbers


def _spellings(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if value is None:
        return ["null"]
    if isinstance(value, datetime.date | datetime.time):
        return [value.isoformat(), str(value)]
    return [_collapse(str(value))]


def _first_dropped(
    text: str, data: Any, fixes: Sequence[Fix], format: str
) -> tuple[str, int] | None:
    lexer = _LEXERS.get(format)
    if lexer is None:
        return None
    spans = removed_spans(text, fixes)
    result = _Result(data)
    for token, offset in lexer(text):
        if result.has(token):
            continue
        end = offset + max(len(token), 1)
        if any(start < end and offset < stop for start, stop in spans):
            continue
        return token, offset
    return None


def check_provenance(text: str, data: Any, fixes: Sequence[Fix], format: str) -> Refusal | None:
    """Why the repaired `data` of `text` must be refused, or None when it holds exactly the input's values."""
    invented = _first_invented(_Source(text, fixes, format), data)
    if invented is not None:
        path, value = invented
        return Refusal(f"{path} holds {value!r}, which does not appear in the input")
    dropped = _first_dropped(text, data, fixes, format)
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
