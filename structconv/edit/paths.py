"""Plain paths to one value: `spec.containers[0].image`, `tool."my.key"`, `root.@id`.

The grammar is the part of JMESPath that names one place (identifiers, quoted
identifiers, `[n]` indexes), so a path that works here works as a `--query` too,
except that a bare segment may hold any character but `.`, `[`, `]`, quotes and
spaces (`@id`, `android:name`, `my-key` need no quotes here). Quoted segments are JSON
strings (`"my.key"`, `"a \\"b\\""`) or single-quoted text with no escapes (`'my key'`).
A negative index counts from the end (`[-1]` is the last item).
"""

from __future__ import annotations

import json
import re

from structconv.errors import UsageError
from structconv.neutral import PathPart

Path = tuple[PathPart, ...]

_BARE = re.compile(r"[^.\[\]\"'\s]+")
_DOUBLE = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_SINGLE = re.compile(r"'[^']*'")
_INDEX = re.compile(r"\[\s*(-?\d+)\s*\]")
_PLAIN_KEY = re.compile(r"[A-Za-z_@$#][\w@$#:-]*\Z")


class PathSyntaxError(UsageError):
    """A path that cannot be read: a usage error, with the place and what to write."""

    def __init__(self, path: str, position: int, why: str) -> None:
        self.path = path
        self.position = position
        pointer = " " * position + "^"
        super().__init__(
            f"bad path {path!r}: {why} at character {position + 1}\n  {path}\n  {pointer}\n"
            'write keys with dots or spaces in quotes (tool."my.key"), items as [n]'
        )


def _segment(path: str, position: int) -> tuple[str, int]:
    """The key that starts at `position`, and where it ends."""
    for pattern in (_DOUBLE, _SINGLE):
        match = pattern.match(path, position)
        if match is not None:
            token = match.group()
            if token.startswith('"'):
                try:
                    key: str = json.loads(token)
                except ValueError:
                    raise PathSyntaxError(path, position, "a bad escape in a quoted key") from None
                return key, match.end()
            return token[1:-1], match.end()
    match = _BARE.match(path, position)
    if match is None:
        if position >= len(path):
            raise PathSyntaxError(path, position, "a key is missing at the end")
        if path[position] in "\"'":
            raise PathSyntaxError(path, position, "a quoted key is not closed")
        raise PathSyntaxError(path, position, f"a key was expected, not {path[position]!r}")
    return match.group(), match.end()


def parse_path(path: str) -> Path:
    """`a.b[0]."c.d"` -> ("a", "b", 0, "c.d"); the empty path "" (or ".") is the root."""
    if path.strip() in ("", "."):
        return ()
    parts: list[PathPart] = []
    position = 0
    expect_key = path[0] != "["
    while position < len(path):
        if expect_key:
            key, position = _segment(path, position)
            parts.append(key)
            expect_key = False
            continue
        char = path[position]
        if char == "[":
            match = _INDEX.match(path, position)
            if match is None:
                raise PathSyntaxError(
                    path, position, "an index is a whole number in brackets ([0], [-1])"
                )
            parts.append(int(match.group(1)))
            position = match.end()
        elif char == ".":
            position += 1
            expect_key = True
        else:
            raise PathSyntaxError(path, position, f"'.' or '[' was expected, not {char!r}")
    if expect_key:
        raise PathSyntaxError(path, position, "a key is missing after the '.'")
    return tuple(parts)


def display_path(parts: Path) -> str:
    """The path as a user writes it (parse_path reads it back to the same parts)."""
    text = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
            continue
        key = str(part)
        shown = key if _PLAIN_KEY.match(key) else json.dumps(key, ensure_ascii=False)
        text += ("." if text else "") + shown
    return text or "."
