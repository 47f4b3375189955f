"""How valid TOML gets broken."""

from __future__ import annotations

import random
import re

from structconv.tune.corrupt.base import COMMENTS, _newline, operator
from structconv.tune.corrupt.json import _choose_some

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
