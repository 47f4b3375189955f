"""What the model's answer may not decide, even when every value in it is the input's.

Provenance (structconv.repair.provenance) proves that the answer's values come from the input.
It cannot see a value whose type the model chose, or one the input cuts off. The rules
refuse both; these checks hold the model to the same line:

- a bare token in a format without bare strings (JSON, JSON Lines, TOML) that reads
  as a number with letters after it (`30s`, `0.1.0a`) or as a YAML 1.1 boolean
  (`yes`, `off`) written as a string: a number, a boolean or the text? The rules
  refuse to say; so must the model;
- a value at the very end of an XML file that stops in text content, before its
  closing tags: the text may go on in the part that is missing;
- an empty string where the input spells none (`port:` cut off in a flow mapping):
  empty, null or missing? Only the input can say, and it does not;
- a JavaScript template literal (`Hello ${user.name}`): its value is computed when the
  script runs, so the text between the backticks is not the data.
"""

from __future__ import annotations

import re

from structconv.neutral import Data, iter_nodes
from structconv.repair.rules import InputValues
from structconv.repair.spelling import VERSION

_WITHOUT_BARE_STRINGS = frozenset({"json", "jsonl", "toml"})
# Starts like a number and goes on with letters: a unit, a suffix, a typo.
_NUMBER_WITH_LETTERS = re.compile(r"[+-]?\.?\d[\d_.,:]*[A-Za-z%][\w.%-]*")
_BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "y", "n"})
# Formats where an empty string is written as quotes (XML and CSV write it as nothing).
_QUOTED_EMPTY_FORMATS = frozenset({"json", "jsonl", "toml", "yaml"})
# Two quotes (straight or curly), or one opening a value that the line ends in (its
# closing quote lost).
_OPENING = "\"'\u201c\u2018"  # straight, and curly as smart-quote editors write them
_CLOSING = "\"'\u201d\u2019"
_ANY_QUOTE = _OPENING + _CLOSING[2:]
_QUOTED_EMPTY = re.compile(
    rf"(?<![{_ANY_QUOTE}])[{_OPENING}][{_CLOSING}](?![{_ANY_QUOTE}])"
    rf"|[:=,\[-][ \t]*[{_OPENING}][ \t]*$",
    re.MULTILINE,
)
# In a value's place (after `:`, `,` or `[`), not quoted inside a JSON string.
_TEMPLATE_LITERAL = re.compile(r"[:,\[]\s*(`[^`]*\$\{[^`]*`)")


def type_guess(original: str, data: Data, format: str, values: InputValues) -> str | None:
    """Why a string of the answer is a guess at a bare token's type, or None."""
    if format not in _WITHOUT_BARE_STRINGS:
        return None
    bare: set[str] = set()
    quoted: set[str] = set()
    for token, offset in values(original):
        (quoted if original[offset : offset + 1] in _ANY_QUOTE else bare).add(token)
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


def cut_off_value(original: str, data: Data, format: str) -> str | None:
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


def empty_guess(original: str, data: Data, format: str) -> str | None:
    """Why the answer holds more empty strings than the input writes, or None."""
    if format not in _QUOTED_EMPTY_FORMATS:
        return None
    written = len(_QUOTED_EMPTY.findall(original))
    empty = sum(1 for _, node in iter_nodes(data) if node == "")
    if empty <= written:
        return None
    return (
        f"the answer holds {empty} empty string(s) and the input writes {written}: where "
        "the input has no value, it may be empty, null or missing; write the value"
    )


def template_guess(original: str, format: str) -> str | None:
    """Why the input holds a value no answer can read (a template literal), or None."""
    if format not in ("json", "jsonl"):
        return None
    found = _TEMPLATE_LITERAL.search(original)
    if found is None:
        return None
    return (
        f"{found.group(1)} is a JavaScript template literal: its text is computed when the "
        "script runs, so it is not data; write the value it stands for"
    )
