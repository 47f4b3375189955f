"""Helpers over the neutral data (dict, list, str, int, float, bool, None, dates).

All walks are iterative so that deep input gives a clear error instead of a
RecursionError.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias

# The neutral data: dict (insertion-ordered), list, str, int, float, bool, None and
# datetime/date/time, nested. An alias of Any (readers build it from untyped parsers),
# named so that signatures say where the neutral data goes.
Data: TypeAlias = Any
PathPart = str | int


def format_path(parts: tuple[PathPart, ...] | list[PathPart]) -> str:
    """`("servers", 2, "port")` -> `$.servers[2].port` (keys that are not identifiers are quoted)."""
    text = "$"
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, int | str):
            text += "[" + repr(part) + "]"  # YAML keys may be null, floats, booleans
        elif isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += "[" + repr(part) + "]"
    return text


def iter_nodes(data: Data) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    """Every node with its path, depth first, containers before their children."""
    stack: list[tuple[tuple[PathPart, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, dict):
            stack.extend((path + (key,), value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(
                (path + (index,), value) for index, value in reversed(list(enumerate(node)))
            )


def depth(data: Data) -> int:
    """The nesting depth: a scalar is 0, `[]` and `{}` are 1."""
    deepest = 0
    stack: list[tuple[int, Any]] = [(0, data)]
    while stack:
        level, node = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, level + 1)
            stack.extend((level + 1, value) for value in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, level + 1)
            stack.extend((level + 1, value) for value in node)
    return deepest


def same_scalar(expected: Any, got: Any) -> bool:
    """Type-strict equality of two scalars: 1, 1.0 and True differ; NaN equals NaN; 0.0
    and -0.0 differ."""
    if type(expected) is not type(got):
        return False
    if isinstance(expected, float) and math.isnan(expected):
        return math.isnan(got)
    if isinstance(expected, float) and expected == 0.0:
        return math.copysign(1.0, expected) == math.copysign(1.0, got)
    return bool(expected == got)


def same_data(left: Data, right: Data) -> bool:
    """Whether two trees are the same data, the one meaning of "same" everywhere data is
    compared: types strict (1, 1.0 and True are different readings), key order ignored.
    `first_difference` says where they differ; this only whether, and takes any key
    (YAML allows null and float keys)."""
    stack: list[tuple[Any, Any]] = [(left, right)]
    while stack:
        one, other = stack.pop()
        if isinstance(one, dict) and isinstance(other, dict):
            if len(one) != len(other) or any(key not in other for key in one):
                return False
            stack.extend((value, other[key]) for key, value in one.items())
        elif isinstance(one, list) and isinstance(other, list):
            if len(one) != len(other):
                return False
            stack.extend(zip(one, other, strict=True))
        elif not same_scalar(one, other):
            return False
    return True


def first_difference(expected: Any, got: Any) -> tuple[str, Any, Any] | None:
    """The first place where two trees differ, as (path, expected, got); None when equal.

    Types are compared strictly (1, 1.0 and True differ); key order does not count.
    """
    stack: list[tuple[tuple[PathPart, ...], Any, Any]] = [((), expected, got)]
    while stack:
        path, left, right = stack.pop()
        if isinstance(left, dict) and isinstance(right, dict):
            missing = [key for key in left if key not in right]
            if missing:
                return format_path(path + (missing[0],)), left[missing[0]], "<missing>"
            extra = [key for key in right if key not in left]
            if extra:
                return format_path(path + (extra[0],)), "<missing>", right[extra[0]]
            stack.extend((path + (key,), left[key], right[key]) for key in reversed(list(left)))
        elif isinstance(left, list) and isinstance(right, list):
            if len(left) != len(right):
                return format_path(path), f"{len(left)} items", f"{len(right)} items"
            stack.extend(
                (path + (index,), left[index], right[index]) for index in reversed(range(len(left)))
            )
        elif not same_scalar(left, right):
            return format_path(path), left, right
    return None


@functools.cache
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")


def lone_surrogate(data: Data) -> list[PathPart] | None:
    """The path of the first string value or key holding a lone surrogate (text that no
    UTF encoding can write), None when none does."""
    for path, node in iter_nodes(data):
        places = [(node, list(path))]
        if isinstance(node, dict):
            places += [(name, [*path, name]) for name in node]
        for value, where in places:
            if isinstance(value, str) and _surrogate().search(value):
                return where
    return None


def scalar_spelling(value: Data, nan: str, infinity: str) -> str | None:
    """The usual text of a boolean, number, date or time (true/false, decimal, ISO 8601),
    with the format's spellings of NaN and infinity (negative: "-" + infinity); None for
    any other value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return nan
        if math.isinf(value):
            return infinity if value > 0 else "-" + infinity
        return repr(value)
    import datetime  # here: a command that only reads YAML need not import it (1.5 ms)

    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return None


class _Drop:
    """Marker returned by a rebuild callback to leave a value out."""


DROP: Any = _Drop()


def rebuild(
    data: Data,
    scalar: Callable[[list[PathPart], Any], Any],
    key: Callable[[list[PathPart], Any], Any],
    *,
    plain: tuple[type, ...] = (),
    plain_str_keys: bool = False,
) -> Any:
    """A copy of `data` with every scalar passed through `scalar(path, value)` and every
    mapping key through `key(path, key)`; a callback may return DROP to leave the entry out.

    Values whose exact type is in `plain` (and str keys, with `plain_str_keys`) are
    copied without a call: this walk is on the hot path of large conversions. `path`
    is a live list: copy it before keeping it. Recursive: the caller checks the depth
    limit first (and RecursionError is reported as a depth error by the API).
    """
    path: list[PathPart] = []

    def walk(node: Any) -> Any:
        kind = type(node)
        if kind is dict:
            copy: dict[Any, Any] = {}
            for name, value in node.items():
                path.append(name)
                new_name = name if plain_str_keys and type(name) is str else key(path, name)
                if new_name is not DROP:
                    new_value = walk(value)
                    if new_value is not DROP:
                        copy[new_name] = new_value
                path.pop()
            return copy
        if kind is list:
            items: list[Any] = []
            for index, value in enumerate(node):
                path.append(index)
                new_value = walk(value)
                if new_value is not DROP:
                    items.append(new_value)
                path.pop()
            return items
        if kind in plain:
            return node
        return scalar(path, node)

    return walk(data)
