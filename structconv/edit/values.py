"""The VALUE of `structconv set`: a YAML 1.2 scalar by default, text or JSON when asked.

As YAML reads it (structconv's YAML reader, so `set` agrees with `convert`): `3` is a
number, `true` a boolean, `null` a null, `2024-01-31` a date, `"3"` and `'3'` strings,
anything else plain text. What YAML would read as something other than one scalar (a
list, a mapping, a tag, a comment, several lines) is refused with the flag to use
instead, rather than guessed: `--string` takes the text as it is, `--json` a JSON value
(objects and arrays included).
"""

from __future__ import annotations

import re
from typing import Any

from structconv import formats
from structconv.errors import ParseError, UsageError
from structconv.options import Options

VALUE_KINDS = ("yaml", "string", "json")

_COMMENT = re.compile(r"(?:^|\s)#")


def read_value(text: str, kind: str = "yaml") -> Any:
    """The value `text` stands for, read as `kind` (one of VALUE_KINDS)."""
    if kind == "string":
        return text
    if kind == "json":
        try:
            return formats.read(text, "json", Options())
        except ParseError as error:
            raise UsageError(f"VALUE is not JSON: {error.brief}") from None
    if kind != "yaml":
        raise UsageError(f"a value is read as one of {', '.join(VALUE_KINDS)}, not {kind!r}")
    if not text.strip():
        return text
    quoted = text.lstrip()[:1] in ("'", '"')
    if "\n" in text or "\r" in text:
        raise UsageError(
            "VALUE has line breaks, which YAML would fold: pass --string to set the text as it is"
        )
    if not quoted and _COMMENT.search(text):
        raise UsageError(
            f"VALUE {text!r} holds a YAML comment (' #'): pass --string to set the text as it is"
        )
    try:
        value = formats.read(text, "yaml", Options())
    except ParseError as error:
        raise UsageError(
            f"VALUE {text!r} is not a YAML scalar ({error.brief}): pass --string for text"
        ) from None
    if isinstance(value, dict | list):
        shape = "a mapping or a tag" if isinstance(value, dict) else "a list"
        raise UsageError(
            f"VALUE {text!r} reads as {shape} in YAML: pass --json for a structured value "
            "(--json '[1, 2]', --json '{\"a\": 1}') or --string for the text as it is"
        )
    return value
