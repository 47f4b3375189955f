"""A path in the neutral data: find what it names, or say how far it goes; and the
data an edit must leave (the expected side of the proof).

Keys are matched by their text: `80` finds the YAML key 80 (an integer), `true` the
key true, and a string key always wins over a number of the same spelling.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from structconv.edit.paths import Path, display_path
from structconv.errors import StructconvError


class PathNotFound(StructconvError):
    """The path names nothing in the file: exit status 1, with the nearest part that exists."""

    def __init__(self, path: Path, nearest: Path, why: str, source: str | None = None) -> None:
        self.path = path
        self.nearest = nearest
        self.why = why
        self.source = source
        where = f"{source}: " if source else ""
        near = display_path(nearest) if nearest else "the document's root"
        super().__init__(
            f"{where}{display_path(path)}: not found: {why} (the nearest part that exists is {near})"
        )

    def with_source(self, source: str) -> PathNotFound:
        return PathNotFound(self.path, self.nearest, self.why, source)


def key_text(key: Any) -> str:
    """A key as a path spells it: `80`, `true`, `null`, `1.5`, `2024-01-01`."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float) and math.isnan(key):
        return ".nan"
    if isinstance(key, datetime.date | datetime.time):
        return key.isoformat()
    return str(key)


def find_key(mapping: dict[Any, Any], part: str | int) -> tuple[bool, Any]:
    """(True, the key itself) when `mapping` has a key spelled `part`, else (False, None)."""
    if part in mapping and not isinstance(part, bool):
        return True, part
    text = str(part)
    for key in mapping:
        if not isinstance(key, str) and key_text(key) == text:
            return True, key
    return False, None


def _kind(node: Any) -> str:
    if isinstance(node, dict):
        return "a mapping"
    if isinstance(node, list):
        return "a list"
    return f"a {type(node).__name__} value ({key_text(node)!r})"


def step(node: Any, part: str | int, done: Path, full: Path) -> Any:
    """The child of `node` named `part`; PathNotFound otherwise."""
    if isinstance(node, dict):
        found, key = find_key(node, part)
        if found:
            return node[key]
        keys = ", ".join(key_text(key) for key in list(node)[:8])
        more = ", ..." if len(node) > 8 else ""
        raise PathNotFound(
            full,
            done,
            f"{display_path(done) if done else 'the root'} has no key {key_text(part)!r}"
            + (f" (its keys: {keys}{more})" if node else " (it is empty)"),
        )
    if isinstance(node, list):
        if not isinstance(part, int) or isinstance(part, bool):
            raise PathNotFound(
                full, done, f"{display_path(done)} is a list: name an item as [n], not {part!r}"
            )
        if -len(node) <= part < len(node):
            return node[part]
        raise PathNotFound(
            full, done, f"{display_path(done) or 'the root'} has {len(node)} item(s), no [{part}]"
        )
    raise PathNotFound(full, done, f"{display_path(done)} is {_kind(node)}, not a container")


def resolve(data: Any, path: Path) -> Any:
    """The value at `path` (PathNotFound names the nearest existing part)."""
    node = data
    for index, part in enumerate(path):
        node = step(node, part, path[:index], path)
    return node


def concrete(data: Any, path: Path) -> Path:
    """`path` with each key as the data spells it (80 for "80") and indexes made
    non-negative; its last key may be missing from an existing mapping (a key to add)."""
    node = data
    out: list[Any] = []
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, dict):
            found, key = find_key(node, part)
            if not found and last:
                out.append(part)
                break
            part = key if found else part
        elif isinstance(node, list) and isinstance(part, int) and part < 0:
            part += len(node)
        node = step(node, part, tuple(out), path)
        out.append(part)
    return tuple(out)


def exists(data: Any, path: Path) -> bool:
    try:
        resolve(data, path)
    except PathNotFound:
        return False
    return True


def with_value(data: Any, path: Path, value: Any) -> Any:
    """A copy of `data` with `path` set to `value` (a new key goes at the end of its mapping);
    only the containers on the path are copied."""
    if not path:
        return value
    head, *rest = path
    if isinstance(data, dict):
        copy = dict(data)
        copy[head] = with_value(data[head], tuple(rest), value) if rest else value
        return copy
    items = list(data)
    assert isinstance(head, int)
    items[head] = with_value(items[head], tuple(rest), value) if rest else value
    return items


def without(data: Any, path: Path) -> Any:
    """A copy of `data` without the entry at `path` (not the root)."""
    head, *rest = path
    if isinstance(data, dict):
        copy = dict(data)
        if rest:
            copy[head] = without(data[head], tuple(rest))
        else:
            del copy[head]
        return copy
    items = list(data)
    assert isinstance(head, int)
    if rest:
        items[head] = without(items[head], tuple(rest))
    else:
        del items[head]
    return items
