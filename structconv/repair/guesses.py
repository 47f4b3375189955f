"""What the model's answer may not decide, even when every value in it is the input's.

Provenance (structconv.validate) proves that the answer's values come from the input.
It cannot see a value whose type the model chose, or one the input cuts off. The rules
refuse both; these checks hold the model to the same line:

- a bare token in a format without bare strings (JSON, JSON Lines, TOML) that reads
  as a number with letters after it (`30s`, `0.1.0a`) or as a YAML 1.1 boolean
  (`yes`, `off`) written as a string: a number, a boolean or the text? The rules
  refuse to say; so must the model;
- a value at the very end of an XML file that stops in text content, before its
  closing tags: the text may go on in the part that is missing.
"""

from __future__ import annotations

import re
from typing import Any

from structconv.neutral import iter_nodes
from structconv.repair.rules.toml import VERSION
from structconv.validate import InputValues

_WITHOUT_BARE_STRINGS = frozenset({"json", "jsonl", "toml"})
_QUOTES = "\"'"
# Starts like a number and goes on with letters: a unit, a suffix, a typo.
_NUMBER_WITH_LETTERS = re.compile(r"[+-]?\.?\d[\d_.,:]*[A-Za-z%][\w.%-]*")
_BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "y", "n"})


def type_guess(original: str, data: Any, format: str, values: InputValues) -> str | None:
    """Why a string of the answer is a guess at a bare token's type, or None."""
    if format not in _WITHOUT_BARE_STRINGS:
        return None
    bare: set[str] = set()
    quoted: set[str] = set()
    for token, offset in values(original):
        (quoted if original[offset : offset + 1] in _QUOTES else bare).add(token)
    for _, node in iter_nodes(data):
        if isinstance(node, str) and node in bare and node not in quoted and _typed_look(node):
            return (
                f"the input writes {node} without quotes: a number, a boolean or the text "
                f"{node!r}? The model's answer took it for text; quote it, or write the "
                "value it means"
            )
    return None


def _typed_look(token: str) -> bool:
    if token.lower() in _BOOLEAN_WORDS:
        return True
    # A dotted version (1.2.3, 1.2.3-rc.1) is text in every reading: the TOML rules
    # quote it as text too.
    return bool(_NUMBER_WITH_LETTERS.fullmatch(token)) and not VERSION.fullmatch(token)


def cut_off_value(original: str, data: Any, format: str) -> str | None:
    """Why the answer keeps a value the input is cut off inside, or None."""
    if format != "xml":
        return None
    # Text after the last tag, and no tag opened after it: the file stops in content.
    text = original.rstrip()
    text = text[text.rfind(">") + 1 :]
    if not text.strip() or "<" in text:
        return None
    for _, node in iter_nodes(data):
        if isinstance(node, str) and node.strip() and node.strip().endswith(text.strip()):
            return (
                f"the file stops inside the value {node.strip()!r} (no closing tags follow "
                "it): the rest of it may be missing"
            )
    return None
