"""JSON: indentation, key order kept, no ASCII escaping, short scalar arrays on one line.

Numbers keep their spelling (`1.50`, `1E5`, `-0` stay as written): a formatter has no
business rounding or respelling them, and a number reread through Python would. The
input was already checked by the strict reader (duplicate keys, NaN), so the standard
library's parser suffices here.
"""

from __future__ import annotations

import json
from typing import Any

from structconv.normalize.settings import NormalizeSettings


class _Spelling(str):
    """A number as written in the input (`-0`, `1.50` and `1E5` stay as they are)."""

    __slots__ = ()


def _scalar(value: Any) -> str:
    if isinstance(value, _Spelling):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def _render(value: Any, level: int, column: int, settings: NormalizeSettings) -> str:
    """The text of `value` starting at `column` (for the width check) and nesting `level`."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = " " * (settings.indent * (level + 1))
        items = sorted(value.items()) if settings.sort_keys else value.items()
        parts = []
        for key, item in items:
            head = inner + json.dumps(key, ensure_ascii=False) + ": "
            parts.append(head + _render(item, level + 1, len(head), settings))
        return "{\n" + ",\n".join(parts) + "\n" + " " * (settings.indent * level) + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if not any(isinstance(item, dict | list) for item in value):
            one_line = "[" + ", ".join(map(_scalar, value)) + "]"
            # One column is kept for the comma that may follow, so the choice does not
            # depend on the position of the array among its siblings.
            if column + len(one_line) + 1 <= settings.width:
                return one_line
        inner = " " * (settings.indent * (level + 1))
        parts = [inner + _render(item, level + 1, len(inner), settings) for item in value]
        return "[\n" + ",\n".join(parts) + "\n" + " " * (settings.indent * level) + "]"
    return _scalar(value)


def normalize(text: str, settings: NormalizeSettings) -> str:
    data = json.loads(text, parse_float=_Spelling, parse_int=_Spelling)
    return _render(data, 0, 0, settings) + "\n"
