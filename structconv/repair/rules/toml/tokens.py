"""The value tokens of broken TOML, for provenance (the text does not parse)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from structconv.repair.spelling import unescape_backslashes

_KEYWORDS = frozenset(
    {"true", "false", "null", "True", "False", "None", "undefined", "NaN", "Infinity", "nil"}
)
_TOML_TOKEN = re.compile(
    r"""(?P<string>\"\"\".*?(?:\"\"\"|\Z)|'''.*?(?:'''|\Z)|"(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?)"""
    r"|(?P<comment>\#[^\n]*|(?m:^)[ \t]*;[^\n]*)"
    r"|(?P<word>[A-Za-z0-9_+\-.:]+)",
    re.S,
)
# A word that begins like a number, date or version is one value; any other is split at
# its dots (a dotted key `a.b` names two keys).
_NUMBER_LIKE = re.compile(r"[+-]?\.?\d")


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
        if token in _KEYWORDS:
            continue
        if match.group("word") is not None:
            token = token.rstrip(":")  # `key: value` written YAML-style: the key, not "key:"
        if match.group("word") is not None and not _NUMBER_LIKE.match(token):
            position = match.start()
            for part in token.split("."):
                if part and part not in _KEYWORDS:
                    yield part, position
                position += len(part) + 1
        else:
            yield token, match.start()


def input_values(text: str) -> Iterator[tuple[str, int]]:
    """The input's value tokens and offsets, for provenance validation (the text does not parse)."""
    yield from _toml_tokens(text)
