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


# Typographic quote pairs as word processors, chat windows and web pages write them: an
# opening mark and the closing marks that may end what it opens (English, German, French).
_TYPOGRAPHIC_PAIRS = {
    "\u201c": "\u201d\u201c",  # “…” (and “…“ where both were turned the same way)
    "\u201e": "\u201c\u201d",  # „…“ „…”
    "\u201d": "\u201d",  # ”…”
    "\u2018": "\u2019\u2018",  # single quotes, English
    "\u201a": "\u2018\u2019",  # single quotes, German
    "\u2019": "\u2019",  # single quotes turned the same way
    "\u00ab": "\u00bb",  # «…»
    "\u00bb": "\u00ab",  # »…«
}
_TYPOGRAPHIC = frozenset("".join(_TYPOGRAPHIC_PAIRS) + "".join(_TYPOGRAPHIC_PAIRS.values()))


def typographic_inner(value: str) -> str | None:
    """The text inside typographic quotes that wrap all of `value` (`“0.3.0”` -> `0.3.0`),
    None when it is not so wrapped. Inner text holding a quote mark of any kind is not
    taken apart: where one quotation ends is then unclear."""
    if len(value) < 2 or value[-1] not in _TYPOGRAPHIC_PAIRS.get(value[0], ""):
        return None
    inner = value[1:-1]
    if any(character in _TYPOGRAPHIC or character in "\"'`" for character in inner):
        return None
    return inner
