"""TOML: the edit is made on tomlkit's document, which writes back every untouched item
exactly as it was read (comments, spacing, quoting, `1_000`, dates), so only the
edited entry's lines change.

tomlkit decides where a new key goes (after the last key of its table, before the
table's sub-tables) and how a value is spelled: a string keeps its kind ('literal'
stays literal when it can), a mapping set under a key is an inline table, one set in
place of a [table] stays a table. TOML has no null: setting one is refused.

What tomlkit changed is then bounded, as the proof asks: the texts may differ in one
region only, no longer than the old entry's lines before and the new entry's after.
"""

from __future__ import annotations

import datetime
from typing import Any

import tomlkit
from tomlkit import items
from tomlkit.container import Container

from structconv.edit.paths import Path, display_path
from structconv.edit.proof import changed_region
from structconv.edit.splice import Edited, EditRefused


def _navigate(document: Any, path: Path) -> Any:
    node = document
    for depth, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            raise EditRefused(
                f"{display_path(path[: depth + 1])}: tomlkit cannot reach it"
            ) from None
    return node


def _lines(text: str) -> int:
    return text.count("\n") + 1 if text else 0


def _rendered(key: Any, item: Any) -> str:
    if item is None:
        return ""
    if isinstance(item, items.Table | items.AoT | Container):
        text: str = item.as_string()
        return text
    if not hasattr(item, "as_string"):  # an array's item, handed back as a Python value
        item = tomlkit.item(item)
    return f"{key} = {item.as_string()}"


def _item(value: Any, old: Any) -> Any:
    if value is None:
        raise EditRefused("TOML has no null: set another value, or delete the key")
    if isinstance(value, dict):
        if isinstance(old, items.Table):
            return tomlkit.item(value)
        table = tomlkit.inline_table()
        for key, child in value.items():
            table[key] = _item(child, None)
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        for child in value:
            array.append(_item(child, None))
        return array
    if (
        isinstance(value, str)
        and isinstance(old, items.String)
        and old.type in (items.StringType.SLL, items.StringType.MLL)
        and "'" not in value
        and "\n" not in value
        and value.isprintable()
    ):
        return tomlkit.string(value, literal=True)
    return tomlkit.item(value)


def _check(text: str, new: str, old_text: str, new_text: str) -> Edited:
    first, old_end, new_end = changed_region(text, new)
    if old_end - first > _lines(old_text) or new_end - first > _lines(new_text) + 1:
        raise EditRefused(
            f"tomlkit would change lines {first + 1}-{max(old_end, first + 1)}, "
            "more than the entry's own"
        )
    return Edited(new, first, old_end)


def set_at(text: str, data: Any, path: Path, value: Any, exists: bool, format: str) -> Edited:
    del data, format
    document = tomlkit.parse(text)
    container = _navigate(document, path[:-1])
    key = path[-1]
    old = container[key] if exists else None
    item = _item(value, old)
    try:
        container[key] = item
    except (KeyError, TypeError, ValueError) as error:
        raise EditRefused(f"tomlkit cannot set {display_path(path)} ({error})") from None
    new = document.as_string()
    return _check(text, new, _rendered(key, old), _rendered(key, container[key]))


def delete_at(text: str, data: Any, path: Path, format: str) -> Edited:
    del data, format
    document = tomlkit.parse(text)
    container = _navigate(document, path[:-1])
    key = path[-1]
    old = container[key]
    old_text = _rendered(key, old)
    try:
        del container[key]
    except (KeyError, TypeError, ValueError) as error:
        raise EditRefused(f"tomlkit cannot delete {display_path(path)} ({error})") from None
    return _check(text, document.as_string(), old_text, "")


def hold(value: Any) -> Any:
    """TOML holds dates and times; a time with a time zone it cannot hold."""
    if isinstance(value, datetime.time) and value.tzinfo is not None:
        raise EditRefused("TOML has no time of day with a time zone")
    return value
