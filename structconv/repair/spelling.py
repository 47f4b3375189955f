"""How values are spelled in broken text: what the rules, the lexicons, provenance and
the model's answer checks agree on, so that each reads a token the same way."""

from __future__ import annotations

import re

_BACKSLASH_ESCAPE = re.compile(
    r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(.))", re.S
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0", "e": "\x1b"}

# A dotted version (1.2.3, 1.2.3-rc.1): text in every reading, never a number with letters
# after it (the TOML rules quote it as text; guesses.py lets the model read it so too).
VERSION = re.compile(r"\d+(?:\.\d+){2,}(?:[-+][0-9A-Za-z.+-]*[0-9A-Za-z])?")


def unescape_backslashes(text: str, *, keep_unknown: bool = False) -> str:
    """JSON/YAML/TOML-style escapes decoded leniently: an unknown escape gives its
    character, or with `keep_unknown` stays as written (`C:\\temp` keeps its backslash
    either way only in the second reading)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code is not None:
            try:
                return chr(int(code, 16))
            except (ValueError, OverflowError):
                return match.group()
        character = match.group(4)
        if character in _SIMPLE_ESCAPES or character in "\\\"'/":
            return _SIMPLE_ESCAPES.get(character, character)
        return match.group() if keep_unknown else character

    return _BACKSLASH_ESCAPE.sub(one, text)
