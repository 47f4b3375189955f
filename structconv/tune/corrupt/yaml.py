"""How valid YAML gets broken."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from structconv.tune.corrupt.base import COMMENTS, operator
from structconv.tune.corrupt.json import Token, _cut_inside_string

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
