"""Which format a text is in: by file extension first, then by a cheap look at the content.

Detection only picks a parser; the parser still decides whether the text is valid.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from structconv.errors import UsageError
from structconv.formats import format_from_suffix

_TOML_TABLE = re.compile(r"\[\[?\s*[A-Za-z0-9_\-\"'. ]+\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(
    r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*\s*="""
)
_YAML_KEY = re.compile(r"""(?:[^\s#:'"\[\]{},][^:#]*|"[^"]*"|'[^']*')\s*:(\s|$)""")
_YAML_MARK = re.compile(r"(---|\.\.\.|%YAML|- |-$)")


def _meaningful_lines(text: str, limit: int = 20) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
            if len(lines) >= limit:
                break
    return lines


def _looks_like_csv(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t", "|"):
        counts = [line.count(delimiter) for line in lines[:10]]
        if counts[0] > 0 and all(count == counts[0] for count in counts):
            return True
    return False


def detect_text(text: str) -> str:
    """The format of `text` from its content alone; UsageError when it cannot tell."""
    head = text[:65536].lstrip("\ufeff \t\r\n")
    if not head:
        raise UsageError("the input is empty: cannot detect its format; pass the source format")
    if head.startswith("<"):
        return "xml"
    lines = _meaningful_lines(head)
    first = lines[0] if lines else head
    if first.startswith("{"):
        return "jsonl" if _is_json_lines(lines) else "json"
    if first.startswith("["):
        return "toml" if _TOML_TABLE.match(first) and not first.startswith("[[[") else "json"
    if (
        first.startswith(('"', "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
        and len(lines) == 1
    ):
        return "json" if first[0] == '"' or first[0].isdigit() else "yaml"
    if _TOML_KEY.match(first) or _TOML_TABLE.match(first):
        return "toml"
    if _YAML_MARK.match(first) or _YAML_KEY.match(first):
        return "yaml"
    if _looks_like_csv(lines):
        return "csv"
    if first in ("true", "false", "null"):
        return "json"
    raise UsageError(
        "cannot tell the format of the input from its content; pass it with --from FORMAT"
    )


def _is_json_lines(lines: list[str]) -> bool:
    return len(lines) > 1 and all(line.startswith("{") and line.endswith("}") for line in lines[:5])


def detect_format(text: str, name: str | PurePath | None = None) -> str:
    """The format from the file name's extension, else from the content."""
    if name is not None:
        by_suffix = format_from_suffix(name)
        if by_suffix is not None:
            return by_suffix
    return detect_text(text)
