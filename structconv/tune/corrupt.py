"""Corruption operators: how valid text gets broken, one small function per breakage.

Each operator takes the text of a valid document (as structconv's writers print it, or
already broken by another operator) and a seeded random.Random, and returns the
broken text, or None when the breakage does not apply (no string to cut, no quote to
lose). Its name is the "corruption kind" the data card counts. Operators only move,
drop or re-spell what is there: none adds a value, so the original data stays the
answer (truncation excepted: the data.py target is then what the cut text still holds).

Two families, flagged by `settled`:

- what the rules cannot settle (settled=False): ambiguous indentation (YAML lines under-
  or over-indented to no open level), multi-row CSV headers (two and three rows, units
  rows), truncation mid-value, unescaped quotes inside strings, a comma for a colon,
  unclosed quotes, YAML values holding `: ` and ` #`, unquoted delimiters, mismatched
  brackets, unclosed XML tags between siblings;
- what they settle (settled=True), so the model is robust to it too: trailing commas,
  comments, single and typographic quotes, unquoted keys, Python literals and reprs,
  tabs, `key: value` in TOML, unclosed XML tags, bare `&`, HTML entities, CSV title and
  Total lines, stray quotes.

data.py decides what a broken text is worth: only text that really fails strict parsing
(or that the CSV rules find ambiguous) becomes a training pair.
"""

from __future__ import annotations

import html.entities
import itertools
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
Apply = Callable[[str, random.Random], str | None]


@dataclass(frozen=True)
class Operator:
    """A named breakage of one format."""

    format: str
    kind: str
    apply: Apply
    settled: bool  # the deterministic rules repair it (else: ambiguity, or the model's job)
    weight: float = 1.0  # how often data.py tries it, relative to the format's others


OPERATORS: dict[str, list[Operator]] = {}


def operator(
    format: str, kind: str, *, settled: bool, weight: float = 1.0
) -> Callable[[Apply], Apply]:
    def register(function: Apply) -> Apply:
        OPERATORS.setdefault(format, []).append(Operator(format, kind, function, settled, weight))
        return function

    return register


def operators_for(format: str) -> list[Operator]:
    return OPERATORS.get(format, [])


def by_kind(format: str, kind: str) -> Operator:
    return next(op for op in operators_for(format) if op.kind == kind)


COMMENTS = [
    "TODO: bump before release",
    "do not edit by hand",
    "see ticket 1234",
    "temporary",
    "FIXME",
    "generated",
    "keep in sync with prod",
    "old value was different",
    "設定を確認すること",
    "required",
    "staging only",
]


def _splice(text: str, start: int, stop: int, replacement: str) -> str:
    return text[:start] + replacement + text[stop:]


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


# --- JSON (and the lines of JSON Lines) -------------------------------------------------------

_JSON_TOKEN = re.compile(
    r'(?P<str>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<lit>true|false|null)"
    r"|(?P<punct>[{}\[\]:,])"
    r"|(?P<ws>\s+)"
    r"|(?P<other>.)",
    re.S,
)


@dataclass(frozen=True)
class Token:
    kind: str
    start: int
    stop: int
    text: str


def json_tokens(text: str) -> list[Token]:
    tokens = []
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        tokens.append(Token(kind, match.start(), match.end(), match.group()))
    return tokens


def _significant(tokens: list[Token]) -> list[Token]:
    return [token for token in tokens if token.kind != "ws"]


def _keys_and_values(text: str) -> tuple[list[Token], list[Token]]:
    """The string tokens that are keys (a colon follows) and those that are values."""
    significant = _significant(json_tokens(text))
    keys: list[Token] = []
    values: list[Token] = []
    for index, token in enumerate(significant):
        if token.kind != "str":
            continue
        following = significant[index + 1] if index + 1 < len(significant) else None
        (keys if following is not None and following.text == ":" else values).append(token)
    return keys, values


def _replace_tokens(text: str, replacements: list[tuple[Token, str]]) -> str:
    for token, new in sorted(replacements, key=lambda pair: pair[0].start, reverse=True):
        text = _splice(text, token.start, token.stop, new)
    return text


def _string_body(token: Token) -> str:
    return token.text[1:-1]


def _single_quoted(token: Token) -> str | None:
    """A JSON string as Python writes it in single quotes (None: Python would use double)."""
    body = _string_body(token)
    if "'" in body:
        return None
    return "'" + body.replace('\\"', '"') + "'"


def _choose_some(rng: random.Random, items: list[T], all_probability: float = 0.3) -> list[T]:
    if rng.random() < all_probability:
        return items
    return rng.sample(items, rng.randint(1, max(1, min(3, len(items)))))


@operator("json", "trailing_comma", settled=True)
def json_trailing_comma(text: str, rng: random.Random) -> str | None:
    significant = _significant(json_tokens(text))
    spots = [
        previous
        for previous, token in itertools.pairwise(significant)
        if (token.text in "}]" and token.kind == "punct" and previous.kind in ("str", "num", "lit"))
        or (token.text in "}]" and previous.text in "}]" and previous.kind == "punct")
    ]
    if not spots:
        return None
    chosen = _choose_some(rng, spots)
    return _replace_tokens(text, [(token, token.text + ",") for token in chosen])


@operator("json", "comment", settled=True)
def json_comment(text: str, rng: random.Random) -> str | None:
    comment = rng.choice(COMMENTS)
    lines = text.splitlines(keepends=True)
    style = rng.choice(["line", "trailing", "block", "hash"])
    if len(lines) < 3 or style == "block":
        return f"/* {comment} */\n{text}" if rng.random() < 0.5 else _block_inside(text, comment)
    if style == "trailing":
        spots = [i for i, line in enumerate(lines) if line.rstrip().endswith((",", "{", "["))]
        if not spots:
            return None
        i = rng.choice(spots)
        lines[i] = lines[i].rstrip("\r\n") + f" // {comment}" + _newline(text)
        return "".join(lines)
    i = rng.randint(1, len(lines) - 1)
    indent = re.match(r"[ \t]*", lines[i])
    marker = "//" if style == "line" else "#"
    lines.insert(i, f"{indent.group() if indent else ''}{marker} {comment}\n")
    return "".join(lines)


def _block_inside(text: str, comment: str) -> str | None:
    position = text.find("{")
    if position < 0:
        position = text.find("[")
    if position < 0:
        return None
    return text[: position + 1] + f" /* {comment} */" + text[position + 1 :]


@operator("json", "single_quotes", settled=True)
def json_single_quotes(text: str, rng: random.Random) -> str | None:
    keys, values = _keys_and_values(text)
    pool = rng.choice([keys + values, keys + values, keys, values])
    replacements = [(token, quoted) for token in pool if (quoted := _single_quoted(token))]
    if not replacements:
        return None
    return _replace_tokens(text, replacements)


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_RESERVED = {"true", "false", "null", "None", "True", "False", "NaN", "Infinity", "undefined"}


@operator("json", "unquoted_keys", settled=True)
def json_unquoted_keys(text: str, rng: random.Random) -> str | None:
    keys, _ = _keys_and_values(text)
    bare = [
        key
        for key in keys
        if _IDENTIFIER.fullmatch(_string_body(key)) and _string_body(key) not in _RESERVED
    ]
    if not bare:
        return None
    chosen = bare if rng.random() < 0.7 else _choose_some(rng, bare, 0.0)
    return _replace_tokens(text, [(key, _string_body(key)) for key in chosen])


_PYTHON_LITERALS = {"true": "True", "false": "False", "null": "None"}


@operator("json", "python_literals", settled=True)
def json_python_literals(text: str, rng: random.Random) -> str | None:
    literals = [token for token in json_tokens(text) if token.kind == "lit"]
    if not literals:
        return None
    return _replace_tokens(text, [(token, _PYTHON_LITERALS[token.text]) for token in literals])


@operator("json", "python_repr", settled=True, weight=0.7)
def json_python_repr(text: str, rng: random.Random) -> str | None:
    """The data as Python's print(dict) shows it: one line, single quotes, True/None."""
    pieces = []
    for token in _significant(json_tokens(text)):
        if token.kind == "str":
            pieces.append(_single_quoted(token) or token.text)
        elif token.kind == "lit":
            pieces.append(_PYTHON_LITERALS[token.text])
        elif token.text == ",":
            pieces.append(", ")
        elif token.text == ":":
            pieces.append(": ")
        else:
            pieces.append(token.text)
    return "".join(pieces) + "\n"


@operator("json", "missing_comma", settled=True)
def json_missing_comma(text: str, rng: random.Random) -> str | None:
    tokens = json_tokens(text)
    spots = [
        token
        for token, following in itertools.pairwise(tokens)
        if token.text == "," and following.kind == "ws" and "\n" in following.text
    ]
    if not spots:
        return None
    return _replace_tokens(text, [(rng.choice(spots), "")])


_TYPOGRAPHIC = [("\u201c", "\u201d"), ("\u2018", "\u2019")]


@operator("json", "smart_quotes", settled=True, weight=0.6)
def json_smart_quotes(text: str, rng: random.Random) -> str | None:
    keys, values = _keys_and_values(text)
    pool = [token for token in keys + values if '\\"' not in token.text]
    if not pool:
        return None
    opening, closing = rng.choice(_TYPOGRAPHIC)
    chosen = _choose_some(rng, pool, 0.5)
    return _replace_tokens(
        text, [(token, opening + _string_body(token) + closing) for token in chosen]
    )


@operator("json", "code_fence", settled=True, weight=0.5)
def json_code_fence(text: str, rng: random.Random) -> str | None:
    language = rng.choice(["json", "", ""])
    return f"```{language}\n{text.rstrip()}\n```\n"


def _cut_inside_string(text: str, token: Token, rng: random.Random) -> str | None:
    """The text up to a point inside the string `token` (at least one character of it
    kept, never its last), not inside an escape sequence."""
    body = _string_body(token)
    if len(body) < 3:
        return None
    cut = rng.randint(1, len(body) - 2)
    while cut > 0 and (body[:cut].endswith("\\") or re.search(r"\\u[0-9a-fA-F]{0,3}$", body[:cut])):
        cut -= 1
    if cut == 0:
        return None
    return text[: token.start + 1 + cut]


@operator("json", "truncation", settled=True, weight=1.5)
def json_truncation(text: str, rng: random.Random) -> str | None:
    _, values = _keys_and_values(text)
    candidates = [token for token in values if len(_string_body(token)) >= 3]
    if not candidates:
        return None
    return _cut_inside_string(text, rng.choice(candidates), rng)


@operator("json", "unescaped_quote", settled=False, weight=4.0)
def json_unescaped_quote(text: str, rng: random.Random) -> str | None:
    _, values = _keys_and_values(text)
    quoted = [token for token in values if '\\"' in token.text]
    if not quoted:
        return None
    token = rng.choice(quoted)
    return _replace_tokens(text, [(token, token.text.replace('\\"', '"'))])


@operator("json", "comma_as_colon", settled=False, weight=2.0)
def json_comma_as_colon(text: str, rng: random.Random) -> str | None:
    colons = [token for token in json_tokens(text) if token.text == ":" and token.kind == "punct"]
    if not colons:
        return None
    return _replace_tokens(text, [(rng.choice(colons), ",")])


@operator("json", "unclosed_quote", settled=True, weight=1.0)
def json_unclosed_quote(text: str, rng: random.Random) -> str | None:
    """A value string at the end of its line that loses its closing quote.

    (Before a `,` the lexer of provenance validation reads the comma into the string, so
    an answer without it would be refused: such pairs are not made.)
    """
    tokens = json_tokens(text)
    spots = [
        token
        for token, following in itertools.pairwise(tokens)
        if token.kind == "str"
        and following.kind == "ws"
        and "\n" in following.text
        and len(token.text) > 2
    ]
    _, values = _keys_and_values(text)
    value_starts = {token.start for token in values}
    spots = [token for token in spots if token.start in value_starts]
    if not spots:
        return None
    token = rng.choice(spots)
    return _replace_tokens(text, [(token, token.text[:-1])])


@operator("json", "mismatched_bracket", settled=False, weight=1.0)
def json_mismatched_bracket(text: str, rng: random.Random) -> str | None:
    significant = _significant(json_tokens(text))
    spots = [
        token
        for previous, token in itertools.pairwise(significant)
        if token.kind == "punct" and token.text in "}]" and previous.text not in "{["
    ]
    if not spots:
        return None
    token = rng.choice(spots)
    return _replace_tokens(text, [(token, "}" if token.text == "]" else "]")])


# --- JSON Lines ----------------------------------------------------------------------------


def _jsonl_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _on_one_line(kind: str) -> Apply:
    """A JSON operator applied to one record line of a JSON Lines text."""

    def apply(text: str, rng: random.Random) -> str | None:
        lines = _jsonl_lines(text)
        order = list(range(len(lines)))
        rng.shuffle(order)
        for index in order:
            line = lines[index]
            ending = line[len(line.rstrip("\r\n")) :]
            broken = by_kind("json", kind).apply(line.rstrip("\r\n"), rng)
            if broken is not None and broken != line.rstrip("\r\n"):
                lines[index] = broken.rstrip("\n") + ending
                return "".join(lines)
        return None

    return apply


for _kind, _settled, _weight in [
    ("trailing_comma", True, 1.0),
    ("single_quotes", True, 1.0),
    ("unquoted_keys", True, 0.8),
    ("python_literals", True, 0.8),
    ("unescaped_quote", False, 4.0),
    ("comma_as_colon", False, 2.0),
    ("mismatched_bracket", False, 1.0),
]:
    operator("jsonl", _kind, settled=_settled, weight=_weight)(_on_one_line(_kind))


@operator("jsonl", "pretty_record", settled=True)
def jsonl_pretty_record(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    index = rng.randrange(len(lines))
    try:
        record = json.loads(lines[index])
    except ValueError:
        return None
    if not isinstance(record, dict | list) or not record:
        return None
    lines[index] = json.dumps(record, indent=rng.choice([2, 4]), ensure_ascii=False) + "\n"
    return "".join(lines)


@operator("jsonl", "records_one_line", settled=True)
def jsonl_records_one_line(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    if len(lines) < 2:
        return None
    index = rng.randrange(len(lines) - 1)
    joiner = rng.choice(["", ",", " ", ", "])
    lines[index] = lines[index].rstrip("\r\n") + joiner
    return "".join(lines)


@operator("jsonl", "comment", settled=True, weight=0.7)
def jsonl_comment(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    marker = rng.choice(["//", "#"])
    lines.insert(rng.randint(0, len(lines)), f"{marker} {rng.choice(COMMENTS)}\n")
    return "".join(lines)


@operator("jsonl", "truncation", settled=True, weight=1.5)
def jsonl_truncation(text: str, rng: random.Random) -> str | None:
    lines = _jsonl_lines(text)
    last = lines[-1]
    head = "".join(lines[:-1])
    _, values = _keys_and_values(last)
    candidates = [token for token in values if len(_string_body(token)) >= 3]
    if not candidates:
        return None
    cut = _cut_inside_string(last, rng.choice(candidates), rng)
    return None if cut is None else head + cut


@operator("jsonl", "code_fence", settled=True, weight=0.4)
def jsonl_code_fence(text: str, rng: random.Random) -> str | None:
    return f"```{rng.choice(['jsonl', 'json', ''])}\n{text.rstrip()}\n```\n"


# --- YAML ----------------------------------------------------------------------------------

_YAML_KEY = re.compile(
    r"^(?P<indent> *)(?P<dash>(?:- )*)(?P<key>\"(?:[^\"\\]|\\.)*\"|[^\s#'\"\-][^:#]*?|-[^\s:#][^:#]*?)"
    r":(?P<rest>(?: .*)?)$"
)
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class YamlLine:
    index: int
    indent: int  # columns before the first character (a "- " counts as content)
    content: str
    key: str | None  # the line's key when it has one
    value: str  # what follows "key:" (stripped), or the item's text
    ending: str


def yaml_lines(text: str) -> list[YamlLine]:
    result = []
    for index, raw in enumerate(text.splitlines(keepends=True)):
        line = raw.rstrip("\r\n")
        ending = raw[len(line) :]
        indent = len(line) - len(line.lstrip(" "))
        match = _YAML_KEY.match(line)
        key = match.group("key") if match else None
        value = match.group("rest").strip() if match else line.strip()
        result.append(YamlLine(index, indent, line[indent:], key, value, ending))
    return result


def _rebuild(lines: list[YamlLine], replaced: dict[int, str]) -> str:
    return "".join(
        replaced.get(line.index, " " * line.indent + line.content) + line.ending for line in lines
    )


def _block_end(lines: list[YamlLine], start: int) -> int:
    """The index after the lines that `lines[start]` carries (those indented deeper)."""
    end = start + 1
    while end < len(lines) and (not lines[end].content or lines[end].indent > lines[start].indent):
        end += 1
    return end


def _shift(lines: list[YamlLine], start: int, new_indent: int, with_block: bool) -> str:
    delta = new_indent - lines[start].indent
    stop = _block_end(lines, start) if with_block else start + 1
    replaced = {
        line.index: " " * (line.indent + delta) + line.content
        for line in lines[start:stop]
        if line.content
    }
    return _rebuild(lines, replaced)


def _open_levels(lines: list[YamlLine], index: int) -> set[int]:
    """The indentations a line at `index` may take: those of the keys and items it can
    still belong to (each earlier line that nothing shallower has closed since)."""
    levels: set[int] = {0}
    ceiling = 10**9
    for line in reversed(lines[:index]):
        if not line.content:
            continue
        if line.indent < ceiling:
            levels.add(line.indent)
            dashes = re.match(r"(?:- )+", line.content)
            if dashes:
                levels.add(line.indent + len(dashes.group()))
            ceiling = line.indent
    return levels


def _empty_key(line: YamlLine) -> bool:
    return line.key is not None and (line.value == "" or line.value.startswith("#"))


@operator("yaml", "under_indent_after_key", settled=False, weight=3.0)
def yaml_under_indent_after_key(text: str, rng: random.Random) -> str | None:
    """The first line under an empty `key:` indented less than the key (to no open level)."""
    lines = yaml_lines(text)
    spots = []
    for i, line in enumerate(lines[:-1]):
        child = lines[i + 1]
        if _empty_key(line) and line.indent >= 1 and child.indent > line.indent:
            spots.append(i + 1)
    if not spots:
        return None
    index = rng.choice(spots)
    parent_indent = lines[index - 1].indent
    open_levels = _open_levels(lines, index)
    choices = [n for n in range(1, parent_indent + 1) if n not in open_levels]
    if not choices:
        return None
    return _shift(lines, index, max(choices), with_block=rng.random() < 0.5)


def _misindent(text: str, rng: random.Random, step: int) -> str | None:
    lines = yaml_lines(text)
    spots = [
        i
        for i in range(1, len(lines))
        if lines[i].content
        and not lines[i].content.startswith("#")
        and lines[i - 1].content
        and lines[i - 1].indent >= lines[i].indent
        and not _empty_key(lines[i - 1])
        and lines[i].indent + step >= 1
    ]
    rng.shuffle(spots)
    for index in spots:
        new_indent = lines[index].indent + step
        if new_indent not in _open_levels(lines, index):
            return _shift(lines, index, new_indent, with_block=rng.random() < 0.6)
    return None


@operator("yaml", "over_indent", settled=False, weight=3.0)
def yaml_over_indent(text: str, rng: random.Random) -> str | None:
    """A sibling line pushed one column right, to no open level: a child or a sibling?"""
    return _misindent(text, rng, rng.choice([1, 1, 3]))


@operator("yaml", "under_indent", settled=False, weight=2.5)
def yaml_under_indent(text: str, rng: random.Random) -> str | None:
    """A sibling line pulled one column left, to no open level."""
    return _misindent(text, rng, -1)


def _plain_ok(value: str) -> bool:
    return bool(value) and value == value.strip() and "\\" not in value and "\n" not in value


def _quoted_values(lines: list[YamlLine]) -> list[tuple[YamlLine, str]]:
    """Lines whose whole value is one double-quoted scalar, with its unescaped text."""
    found = []
    for line in lines:
        if line.key is None or not line.value.startswith('"'):
            continue
        match = _DOUBLE_QUOTED.fullmatch(line.value)
        if match:
            try:
                found.append((line, json.loads(line.value)))
            except ValueError:
                continue
    return found


def _replace_value(line: YamlLine, new_value: str) -> str:
    content = line.content
    position = content.rfind(line.value)
    return " " * line.indent + content[:position] + new_value


def _unquote_one(
    text: str, rng: random.Random, wanted: Callable[[str], bool], comment: bool = False
) -> str | None:
    """One quoted value for which `wanted(value)` holds, written without its quotes
    (and then a real comment, with `comment`)."""
    lines = yaml_lines(text)
    spots = [
        (line, value)
        for line, value in _quoted_values(lines)
        if wanted(value) and _plain_ok(value) and not value.endswith(":")
    ]
    if not spots:
        return None
    line, value = rng.choice(spots)
    after = f"{' ' * rng.randint(1, 2)}# {rng.choice(COMMENTS)}" if comment else ""
    return _rebuild(lines, {line.index: _replace_value(line, value) + after})


@operator("yaml", "colon_in_value", settled=True, weight=3.0)
def yaml_colon_in_value(text: str, rng: random.Random) -> str | None:
    """A value holding `: ` written without its quotes (`command: echo a: b`)."""
    return _unquote_one(text, rng, lambda value: ": " in value and " #" not in value)


@operator("yaml", "colon_hash_in_value", settled=False, weight=4.0)
def yaml_colon_hash_in_value(text: str, rng: random.Random) -> str | None:
    """A value holding `: ` and ` #` written without quotes: the rest may be a comment."""
    return _unquote_one(text, rng, lambda value: " #" in value)


@operator("yaml", "colon_value_comment", settled=False, weight=4.0)
def yaml_colon_value_comment(text: str, rng: random.Random) -> str | None:
    """A value holding `: ` unquoted, then a real comment: ` #` starts one here."""
    return _unquote_one(text, rng, lambda value: ": " in value and "#" not in value, comment=True)


@operator("yaml", "unescaped_quote", settled=True, weight=3.0)
def yaml_unescaped_quote(text: str, rng: random.Random) -> str | None:
    """`name: 'Bob's car'` or `msg: "say "hi""`: inner quotes left as they are."""
    lines = yaml_lines(text)
    spots: list[tuple[YamlLine, str]] = []
    for line, value in _quoted_values(lines):
        if '"' in value and "\\" not in value.replace('"', ""):
            spots.append((line, '"' + value + '"'))
    for line in lines:
        quotable = line.key is not None and not line.value.startswith(("'", '"'))
        if quotable and "'" in line.value and "#" not in line.value and _plain_ok(line.value):
            spots.append((line, "'" + line.value + "'"))
    if not spots:
        return None
    line, new_value = rng.choice(spots)
    return _rebuild(lines, {line.index: _replace_value(line, new_value)})


@operator("yaml", "unclosed_quote", settled=True)
def yaml_unclosed_quote(text: str, rng: random.Random) -> str | None:
    lines = yaml_lines(text)
    spots = [line for line, _ in _quoted_values(lines)[:-1] if line.index < len(lines) - 1]
    if not spots:
        return None
    line = rng.choice(spots)
    return _rebuild(lines, {line.index: _replace_value(line, line.value[:-1])})


@operator("yaml", "unclosed_flow", settled=True)
def yaml_unclosed_flow(text: str, rng: random.Random) -> str | None:
    """A block list of scalars rewritten as a flow list that is never closed: `[a, b`."""
    lines = yaml_lines(text)
    spots = []
    for i, line in enumerate(lines):
        if line.key is None or line.value:
            continue
        j = i + 1
        items = []
        while j < len(lines) and lines[j].key is None and lines[j].content.startswith("- "):
            if lines[j].indent < line.indent:
                break
            items.append(lines[j].content[2:])
            j += 1
        flow_safe = all(
            re.fullmatch(r"[^,\[\]{}#&*!|>%@`]+", item) and ": " not in item for item in items
        )
        if items and j < len(lines) and flow_safe:
            spots.append((i, j, items))
    if not spots:
        return None
    i, j, items = rng.choice(spots)
    head = lines[i]
    flow = " " * head.indent + head.content.rstrip() + " [" + ", ".join(items)
    return "".join(
        (flow if line.index == i else " " * line.indent + line.content) + line.ending
        for line in lines
        if not i < line.index < j
    )


@operator("yaml", "duplicate_key", settled=True, weight=0.7)
def yaml_duplicate_key(text: str, rng: random.Random) -> str | None:
    lines = yaml_lines(text)
    spots = [
        line
        for line in lines
        if line.key is not None and line.value and not line.content.startswith("- ")
    ]
    if not spots:
        return None
    line = rng.choice(spots)
    # Repeat it after the last line of the mapping it belongs to.
    end = line.index + 1
    while end < len(lines) and (not lines[end].content or lines[end].indent >= line.indent):
        if lines[end].indent == line.indent and lines[end].content.startswith("- "):
            break
        end += 1
    copy = YamlLine(-1, line.indent, line.content, line.key, line.value, "\n")
    rebuilt = [*lines[:end], copy, *lines[end:]]
    return "".join(" " * each.indent + each.content + (each.ending or "\n") for each in rebuilt)


@operator("yaml", "tab_indentation", settled=True)
def yaml_tab_indentation(text: str, rng: random.Random) -> str | None:
    lines = yaml_lines(text)
    indented = [line for line in lines if line.indent > 0 and line.indent % 2 == 0]
    if not indented:
        return None
    chosen = indented if rng.random() < 0.6 else indented[: rng.randint(1, len(indented))]
    replaced = {line.index: "\t" * (line.indent // 2) + line.content for line in chosen}
    return _rebuild(lines, replaced)


@operator("yaml", "tab_separator", settled=True, weight=0.5)
def yaml_tab_separator(text: str, rng: random.Random) -> str | None:
    lines = yaml_lines(text)
    spots = [(line, line.key) for line in lines if line.key is not None and line.value]
    if not spots:
        return None
    line, key = rng.choice(spots)
    position = line.content.find(key) + len(key)
    content = line.content[:position] + ":\t" + line.content[position + 2 :]
    return _rebuild(lines, {line.index: " " * line.indent + content})


@operator("yaml", "truncation", settled=False, weight=1.5)
def yaml_truncation(text: str, rng: random.Random) -> str | None:
    """The file cut inside a double-quoted value (data.py closes it for the target)."""
    spots = [
        match
        for match in _DOUBLE_QUOTED.finditer(text)
        if len(match.group()) >= 5
        and text[: match.start()].endswith((": ", "- "))
        and "\n" in text[: match.start()]
    ]
    if not spots:
        return None
    match = rng.choice(spots)
    token = Token("str", match.start(), match.end(), match.group())
    return _cut_inside_string(text, token, rng)


# --- TOML ----------------------------------------------------------------------------------

_TOML_PAIR = re.compile(r'^(?P<key>[A-Za-z0-9_\-.]+|"(?:[^"\\]|\\.)*") = (?P<value>.*)$')
_TOML_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _toml_pairs(text: str) -> list[tuple[int, re.Match[str]]]:
    return [
        (index, match)
        for index, line in enumerate(text.splitlines())
        if (match := _TOML_PAIR.match(line))
    ]


def _set_line(text: str, index: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    ending = lines[index][len(lines[index].rstrip("\r\n")) :]
    lines[index] = new + ending
    return "".join(lines)


@operator("toml", "colon_separator", settled=True, weight=0.3)
def toml_colon_separator(text: str, rng: random.Random) -> str | None:
    pairs = _toml_pairs(text)
    if not pairs:
        return None
    for index, match in _choose_some(rng, pairs, 0.4):
        text = _set_line(text, index, f"{match.group('key')}: {match.group('value')}")
    return text


@operator("toml", "unquoted_string", settled=True, weight=1.5)
def toml_unquoted_string(text: str, rng: random.Random) -> str | None:
    spots = []
    for index, match in _toml_pairs(text):
        value = match.group("value")
        if _TOML_BASIC.fullmatch(value) and "\\" not in value:
            body = value[1:-1]
            # Not a value that would read as a number, date or boolean once unquoted.
            word = re.fullmatch(r"[^\W\d_][^#\"'\[\]{}=]*", body) or re.fullmatch(
                r"\d+(?:\.\d+){2,}", body
            )
            if (
                word
                and body == body.strip()
                and body.lower() not in ("true", "false", "inf", "nan")
            ):
                spots.append((index, match, body))
    if not spots:
        return None
    chosen = _choose_some(rng, spots, 0.3)
    for index, match, body in chosen:
        text = _set_line(text, index, f"{match.group('key')} = {body}")
    return text


@operator("toml", "python_literals", settled=False, weight=1.5)
def toml_python_literals(text: str, rng: random.Random) -> str | None:
    spots = [(i, m) for i, m in _toml_pairs(text) if m.group("value") in ("true", "false")]
    if not spots:
        return None
    index, match = rng.choice(spots)
    return _set_line(text, index, f"{match.group('key')} = {match.group('value').title()}")


@operator("toml", "comment", settled=True, weight=0.7)
def toml_comment(text: str, rng: random.Random) -> str | None:
    lines = text.splitlines(keepends=True)
    lines.insert(rng.randint(0, len(lines)), f"; {rng.choice(COMMENTS)}{_newline(text)}")
    return "".join(lines)


@operator("toml", "unescaped_quote", settled=True, weight=3.0)
def toml_unescaped_quote(text: str, rng: random.Random) -> str | None:
    spots = [
        (i, m)
        for i, m in _toml_pairs(text)
        if '\\"' in m.group("value") and _TOML_BASIC.fullmatch(m.group("value"))
    ]
    if not spots:
        return None
    index, match = rng.choice(spots)
    return _set_line(
        text,
        index,
        f"{match.group('key')} = {match.group('value').replace(chr(92) + chr(34), chr(34))}",
    )


@operator("toml", "windows_path", settled=True)
def toml_windows_path(text: str, rng: random.Random) -> str | None:
    spots = [(i, m) for i, m in _toml_pairs(text) if "\\\\" in m.group("value")]
    if not spots:
        return None
    index, match = rng.choice(spots)
    return _set_line(
        text, index, f"{match.group('key')} = {match.group('value').replace(chr(92) * 2, chr(92))}"
    )


@operator("toml", "unclosed_table_header", settled=True, weight=0.7)
def toml_unclosed_table_header(text: str, rng: random.Random) -> str | None:
    lines = text.splitlines()
    spots = [i for i, line in enumerate(lines) if re.fullmatch(r"\[\[?[^\[\]]+\]\]?", line)]
    if not spots:
        return None
    index = rng.choice(spots)
    return _set_line(text, index, lines[index][:-1])


@operator("toml", "duplicate_table", settled=True, weight=0.8)
def toml_duplicate_table(text: str, rng: random.Random) -> str | None:
    """A [table]'s last keys declared again under a second [table] at the end."""
    lines = text.splitlines(keepends=True)
    newline = _newline(text)
    spots = []
    for i, line in enumerate(lines):
        if re.fullmatch(r"\[[^\[\]]+\]", line.strip()):
            j = i + 1
            while j < len(lines) and _TOML_PAIR.match(lines[j].rstrip("\r\n")):
                j += 1
            if j - i >= 3:
                spots.append((i, j))
    if not spots:
        return None
    i, j = rng.choice(spots)
    moved = lines[j - rng.randint(1, j - i - 2) : j]
    rest = lines[: j - len(moved)] + lines[j:]
    tail = (
        "".join(rest).rstrip("\r\n")
        + newline
        + newline
        + lines[i].strip()
        + newline
        + "".join(moved)
    )
    return tail


@operator("toml", "unclosed_quote", settled=False, weight=1.5)
def toml_unclosed_quote(text: str, rng: random.Random) -> str | None:
    spots = [
        (i, m)
        for i, m in _toml_pairs(text)
        if _TOML_BASIC.fullmatch(m.group("value")) and len(m.group("value")) > 2
    ]
    lines = text.splitlines()
    spots = [(i, m) for i, m in spots if i < len(lines) - 1]
    if not spots:
        return None
    index, match = rng.choice(spots)
    return _set_line(text, index, f"{match.group('key')} = {match.group('value')[:-1]}")


@operator("toml", "key_with_spaces", settled=True, weight=0.5)
def toml_key_with_spaces(text: str, rng: random.Random) -> str | None:
    spots = [
        (i, m)
        for i, m in _toml_pairs(text)
        if m.group("key").startswith('"') and re.fullmatch(r'"\w+(?: \w+)+"', m.group("key"))
    ]
    if not spots:
        return None
    index, match = rng.choice(spots)
    return _set_line(text, index, f"{match.group('key')[1:-1]} = {match.group('value')}")


# --- XML -----------------------------------------------------------------------------------

_XML_LEAF = re.compile(r"<(?P<tag>[^\s<>/!?]+)(?P<attrs>[^<>]*)>(?P<text>[^<]*)</(?P=tag)>")
_XML_END = re.compile(r"</(?P<tag>[^\s<>]+)>")
_XML_ATTRIBUTE = re.compile(r'(?P<name>[\w:.-]+)="(?P<value>[^"<&]*)"')


@operator("xml", "unclosed_tag", settled=False, weight=1.8)
def xml_unclosed_tag(text: str, rng: random.Random) -> str | None:
    """A leaf element's end tag left out (`<name>Ada` then the next sibling)."""
    leaves = [match for match in _XML_LEAF.finditer(text) if match.group("text").strip()]
    if not leaves:
        return None
    match = rng.choice(leaves)
    end = match.end() - len(f"</{match.group('tag')}>")
    return _splice(text, end, match.end(), "")


@operator("xml", "bare_ampersand", settled=True, weight=2.5)
def xml_bare_ampersand(text: str, rng: random.Random) -> str | None:
    spots = [
        m for m in re.finditer(r"&amp;", text) if not re.match(r"&amp;[#\w]+;", text[m.start() :])
    ]
    if not spots:
        return None
    for match in sorted(_choose_some(rng, spots, 0.7), key=lambda m: m.start(), reverse=True):
        text = _splice(text, match.start(), match.end(), "&")
    return text


_ENTITY_NAMES = {
    chr(code): name for code, name in html.entities.codepoint2name.items() if code > 127
}


@operator("xml", "html_entity", settled=True, weight=2.5)
def xml_html_entity(text: str, rng: random.Random) -> str | None:
    body = text.split("?>", 1)[-1]
    offset = len(text) - len(body)
    spots = [offset + i for i, character in enumerate(body) if character in _ENTITY_NAMES]
    if not spots:
        return None
    for position in sorted(_choose_some(rng, spots, 0.6), reverse=True):
        text = _splice(text, position, position + 1, f"&{_ENTITY_NAMES[text[position]]};")
    return text


@operator("xml", "bare_less_than", settled=True)
def xml_bare_less_than(text: str, rng: random.Random) -> str | None:
    spots = list(re.finditer(r"&lt;", text))
    if not spots:
        return None
    match = rng.choice(spots)
    return _splice(text, match.start(), match.end(), "<")


@operator("xml", "unquoted_attribute", settled=True)
def xml_unquoted_attribute(text: str, rng: random.Random) -> str | None:
    spots = [
        m
        for m in _XML_ATTRIBUTE.finditer(text)
        if re.fullmatch(r"[\w.:/-]+", m.group("value"))
        and not m.group("value").endswith("/")
        and not text[: m.start()].rstrip().endswith("<?xml")
        and "<?xml" not in text[max(0, m.start() - 40) : m.start()]
    ]
    if not spots:
        return None
    match = rng.choice(spots)
    return _splice(
        text, match.start(), match.end(), f"{match.group('name')}={match.group('value')}"
    )


@operator("xml", "truncation", settled=True, weight=1.0)
def xml_truncation(text: str, rng: random.Random) -> str | None:
    """The document cut inside an end tag, or just after one, before the root closes."""
    ends = list(_XML_END.finditer(text))[:-1]
    if not ends:
        return None
    match = rng.choice(ends)
    tag = match.group("tag")
    if rng.random() < 0.6:
        return text[: match.start() + 2 + rng.randint(0, len(tag) - 1)]
    return text[: match.end()] + rng.choice(["", "\n"])


@operator("xml", "declaration", settled=True, weight=0.4)
def xml_declaration(text: str, rng: random.Random) -> str | None:
    if not text.startswith("<?xml"):
        return None
    declaration = text.split("?>", 1)[0]
    quotes = [i for i, character in enumerate(declaration) if character == '"']
    if not quotes:
        return None
    position = rng.choice(quotes)
    return _splice(text, position, position + 1, "")


@operator("xml", "stray_end_tag", settled=True, weight=0.6)
def xml_stray_end_tag(text: str, rng: random.Random) -> str | None:
    leaves = list(_XML_LEAF.finditer(text))
    if not leaves:
        return None
    match = rng.choice(leaves)
    return _splice(text, match.end(), match.end(), f"</{match.group('tag')}>")


# --- CSV -----------------------------------------------------------------------------------

_CSV_FIELD = re.compile(r'"(?:[^"]|"")*"|[^,\r\n]*')


def csv_rows(text: str) -> tuple[list[list[str]], str]:
    """The rows of a comma-separated text as raw field texts (quotes kept), and its line end.

    Only for text as the writer prints it: a quoted field may hold a line break, which
    this splitter follows.
    """
    newline = _newline(text)
    rows: list[list[str]] = []
    position = 0
    while position < len(text):
        row = []
        while True:
            match = _CSV_FIELD.match(text, position)
            assert match is not None
            row.append(match.group())
            position = match.end()
            if position < len(text) and text[position] == ",":
                position += 1
                continue
            break
        rows.append(row)
        if text.startswith(newline, position):
            position += len(newline)
        elif position < len(text) and text[position] in "\r\n":
            position += 1
        elif position < len(text):
            return [], newline
    return rows, newline


def _csv_text(rows: list[list[str]], newline: str) -> str:
    return "".join(",".join(row) + newline for row in rows)


def _unquote(field: str) -> str:
    return field[1:-1].replace('""', '"') if field.startswith('"') else field


def _header_rows(names: list[str], depth: int, names_on_top: bool, repeat: bool) -> list[list[str]]:
    """Header rows, top first, for dotted column names split at their dots."""
    rows = [["" for _ in names] for _ in range(depth)]
    for column, name in enumerate(names):
        parts = _unquote(name).split(".")
        start = 0 if names_on_top else depth - len(parts)
        for level, part in enumerate(parts):
            rows[start + level][column] = part
    if not repeat:  # a label over several columns is written once, like merged cells
        for level in range(depth - 1):
            for column in range(len(names) - 1, 0, -1):
                same_above = all(
                    rows[upper][column] == rows[upper][column - 1] for upper in range(level)
                )
                repeated = rows[level][column] and rows[level][column] == rows[level][column - 1]
                below = any(rows[deeper][column] for deeper in range(level + 1, depth))
                if same_above and repeated and below:
                    rows[level][column] = ""
    return [[_csv_quote(cell) for cell in row] for row in rows]


def _csv_quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if re.search(r'[",\r\n]', cell) else cell


def _split_header(text: str, rng: random.Random, depth: int, names_on_top: bool) -> str | None:
    rows, newline = csv_rows(text)
    if len(rows) < 2:
        return None
    names = rows[0]
    depths = [len(_unquote(name).split(".")) for name in names]
    if max(depths) != depth:
        return None
    header = _header_rows(names, depth, names_on_top, repeat=rng.random() < 0.3)
    return _csv_text(header + rows[1:], newline)


@operator("csv", "two_row_header", settled=False, weight=4.0)
def csv_two_row_header(text: str, rng: random.Random) -> str | None:
    """Grouped columns (`Q1.sales`) as a group row over a label row, the corner blank."""
    return _split_header(text, rng, 2, names_on_top=False)


@operator("csv", "units_row", settled=False, weight=3.0)
def csv_units_row(text: str, rng: random.Random) -> str | None:
    """Columns named in the first row, their units (or sub-labels) in a second."""
    return _split_header(text, rng, 2, names_on_top=True)


@operator("csv", "three_row_header", settled=False, weight=4.0)
def csv_three_row_header(text: str, rng: random.Random) -> str | None:
    return _split_header(text, rng, 3, names_on_top=rng.random() < 0.3)


@operator("csv", "title_line", settled=True, weight=0.3)
def csv_title_line(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if not rows:
        return None
    title = rng.choice(
        ["Monthly report", "Export 2026-03-01", "Sales by region", "売上一覧", "Inventory"]
    )
    padding = "," * (len(rows[0]) - 1) if rng.random() < 0.6 else ""
    return title + padding + newline + text


@operator("csv", "total_row", settled=True, weight=0.3)
def csv_total_row(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if len(rows) < 3:
        return None
    totals: list[str] = []
    for column in range(len(rows[0])):
        cells = [row[column] for row in rows[1:] if column < len(row)]
        if all(re.fullmatch(r"-?\d+", cell) for cell in cells):
            totals.append(str(sum(int(cell) for cell in cells)))
        else:
            totals.append("")
    if not any(totals) or totals[0]:
        return None
    totals[0] = rng.choice(["Total", "TOTAL", "Sum", "合計"])
    return text + ",".join(totals) + newline


def _quoted_record_fields(
    rows: list[list[str]], wanted: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """(row, column) of the quoted one-line fields below the header that `wanted` takes."""
    return [
        (r, c)
        for r, row in enumerate(rows)
        for c, field in enumerate(row)
        if r > 0 and field.startswith('"') and "\n" not in field and wanted(field)
    ]


@operator("csv", "unquoted_delimiter", settled=False, weight=3.0)
def csv_unquoted_delimiter(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    spots = _quoted_record_fields(rows, lambda field: "," in field and '""' not in field[1:-1])
    if not spots:
        return None
    r, c = rng.choice(spots)
    rows[r][c] = rows[r][c][1:-1]
    return _csv_text(rows, newline)


@operator("csv", "stray_quote", settled=True, weight=1.5)
def csv_stray_quote(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    spots = _quoted_record_fields(rows, lambda field: '""' in field[1:-1] and "," not in field)
    if not spots:
        return None
    r, c = rng.choice(spots)
    inner = rows[r][c][1:-1].replace('""', '"')
    rows[r][c] = inner if inner.startswith('"') or rng.random() < 0.5 else '"' + inner + '"'
    return _csv_text(rows, newline)


@operator("csv", "single_quotes", settled=True)
def csv_single_quotes(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    quoted = [
        (r, c)
        for r, row in enumerate(rows)
        for c, field in enumerate(row)
        if field.startswith('"') and "'" not in field and '""' not in field[1:-1]
    ]
    if not quoted:
        return None
    for r, c in quoted:
        rows[r][c] = "'" + rows[r][c][1:-1] + "'"
    return _csv_text(rows, newline)


@operator("csv", "trailing_comma", settled=True)
def csv_trailing_comma(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if not rows:
        return None
    extra = rng.choice([1, 1, 2])
    # Trailing delimiters on the records (a hand edit, a spreadsheet's empty column) or on
    # the header alone: on both, the file would still parse (a column with no name).
    for row in rows[1:] if rng.random() < 0.7 else rows[:1]:
        row.extend([""] * extra)
    return _csv_text(rows, newline)


@operator("csv", "empty_rows", settled=True, weight=0.7)
def csv_empty_rows(text: str, rng: random.Random) -> str | None:
    rows, newline = csv_rows(text)
    if len(rows) < 2 or len(rows[0]) < 3:
        return None
    blank = [""] * rng.randint(2, len(rows[0]) - 1)
    position = rng.randint(1, len(rows))
    return _csv_text(rows[:position] + [blank] + rows[position:], newline)


# --- mixed breakage ------------------------------------------------------------------------

# Breakage that redefines the answer (truncation) or rewrites the whole text is not mixed
# with others; of each group, a mixed breakage takes one at most (two misplaced lines
# at once make a text no reader could settle).
UNMIXED = {"truncation", "code_fence", "python_repr"}
EXCLUSIVE = [
    {"under_indent_after_key", "over_indent", "under_indent", "tab_indentation"},
    {"two_row_header", "units_row", "three_row_header"},
    {
        "colon_in_value",
        "colon_hash_in_value",
        "colon_value_comment",
        "unescaped_quote",
        "unclosed_quote",
    },
]


def mixable(format: str) -> list[Operator]:
    return [op for op in operators_for(format) if op.kind not in UNMIXED]


def compatible(kinds: list[str], kind: str) -> bool:
    """Whether `kind` may join a mixed breakage that already has `kinds`."""
    if kind in kinds:
        return False
    return not any(kind in group and group.intersection(kinds) for group in EXCLUSIVE)
