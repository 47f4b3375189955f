"""One edit of one text: find the path in the data, let the format's editor change the
text, prove the result (structconv.edit.proof), and hand it back unwritten.

Each format's editor is a module with three functions, imported on first use:
`hold(value)` (the value as the format holds it: XML text is a string, JSON has no
dates), `set_at(text, data, path, value, exists, format)` and
`delete_at(text, data, path, format)`,
both returning an `Edited`; XML's also has `expected_after_delete`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from structconv import formats
from structconv.diffs import unified_diff
from structconv.edit.locate import PathNotFound, concrete, exists, resolve, with_value, without
from structconv.edit.paths import Path, display_path, parse_path
from structconv.edit.proof import prove
from structconv.edit.splice import Edited, EditRefused
from structconv.errors import StructconvError, UsageError
from structconv.neutral import first_difference
from structconv.options import Options

EDITORS: dict[str, str] = {
    "yaml": "structconv.edit.yaml_editor",
    "json": "structconv.edit.json_editor",
    "jsonc": "structconv.edit.json_editor",
    "json5": "structconv.edit.json_editor",
    "toml": "structconv.edit.toml_editor",
    "xml": "structconv.edit.xml_editor",
    "csv": "structconv.edit.csv_editor",
}

_READ_OPTIONS: dict[str, Options] = {"yaml": Options(multi_document=True)}


def editor_for(format: str) -> ModuleType:
    name = formats.canonical_name(format)
    if name not in EDITORS:
        raise UsageError(f"set and delete support {', '.join(sorted(EDITORS))}, not {name}")
    return importlib.import_module(EDITORS[name])


def read_document(text: str, format: str) -> Any:
    """The data of `text` as the proof reads it (a YAML file: the list of its documents)."""
    return formats.read(text, format, _READ_OPTIONS.get(format, Options()))


def user_view(data: Any, format: str) -> Any:
    """What a path starts from: a YAML file of one document is that document."""
    if format == "yaml" and isinstance(data, list) and len(data) == 1:
        return data[0]
    return data


def full_path(data: Any, format: str, path: Path) -> Path:
    """The path in the data the proof reads (YAML: the document's index first)."""
    if format != "yaml":
        return path
    if len(data) == 1:
        return (0, *path)
    if not path or not isinstance(path[0], int):
        raise UsageError(
            f"this YAML file holds {len(data)} documents: start the path with the "
            "document's index, e.g. [0].metadata.name"
        )
    return path


@dataclass(frozen=True)
class Edit:
    """One edit, proven and not yet written: `text` is the whole new text."""

    source: str | None
    format: str
    action: str  # "set" or "delete"
    path: str
    original: str
    text: str
    first_line: int = 0  # 1-based lines of the original that changed (0: none)
    last_line: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def diff(self) -> str:
        """A unified diff from the original to the new text (empty when unchanged)."""
        return unified_diff(self.original, self.text, self.source or "input")


def _finish(
    text: str, format: str, action: str, path: Path, edited: Edited, expected: Any, data: Any
) -> Edit:
    prove(text, edited, format, expected, lambda again: read_document(again, format), data)
    return Edit(
        None,
        format,
        action,
        display_path(path),
        text,
        edited.text,
        edited.first_line + 1,
        max(edited.end_line, edited.first_line + 1),
    )


def _guarded(format: str, action: Callable[[], Any]) -> Any:
    """The editor's result; a library's failure on a file the strict reader accepted
    (ruamel.yaml, tomlkit raise their own types) refuses the edit instead of escaping."""
    try:
        return action()
    except StructconvError:
        raise
    except RecursionError:
        raise EditRefused("the document nests too deeply to edit") from None
    except Exception as error:
        raise EditRefused(f"the {format} editor failed ({type(error).__name__}: {error})") from None


def _as_path(path: str | Path) -> Path:
    return parse_path(path) if isinstance(path, str) else tuple(path)


def get_in_text(text: str, path: str | Path, format: str) -> Any:
    """The value at `path` in `text` (PathNotFound when it is not there)."""
    name = formats.canonical_name(format)
    return resolve(user_view(read_document(text, name), name), _as_path(path))


def _opened(
    text: str, path: str | Path, format: str, at_root: str
) -> tuple[str, ModuleType, Path, Any]:
    """The format's name, its editor, the path and the data of `text`; a UsageError
    saying `at_root` for the document's root, which no edit replaces."""
    name = formats.canonical_name(format)
    editor = editor_for(name)
    parts = _as_path(path)
    if not parts:
        raise UsageError(at_root)
    return name, editor, parts, read_document(text, name)


def set_in_text(text: str, path: str | Path, value: Any, format: str) -> Edit:
    """`text` with the value at `path` set to `value`, or a missing last key added at the
    end of its mapping; proven, not written."""
    name, editor, parts, data = _opened(
        text, path, format, "set needs a path to a value inside the document, not the root"
    )
    target = full_path(data, name, parts)
    resolve(user_view(data, name), parts[:-1])
    target = concrete(data, target)
    held = editor.hold(value)
    there = exists(data, target)
    if there and first_difference(resolve(data, target), held) is None:
        return Edit(None, name, "set", display_path(parts), text, text)
    edited: Edited = _guarded(name, lambda: editor.set_at(text, data, target, held, there, name))
    return _finish(text, name, "set", parts, edited, with_value(data, target, held), data)


def delete_in_text(text: str, path: str | Path, format: str) -> Edit:
    """`text` without the key or item at `path`; proven, not written."""
    name, editor, parts, data = _opened(
        text, path, format, "delete needs a path to a key or an item, not the root"
    )
    target = concrete(data, full_path(data, name, parts))
    resolve(data, target)
    if name == "yaml" and len(target) == 1:
        raise UsageError("delete a key or an item of a document, not a whole document")
    edited: Edited = _guarded(name, lambda: editor.delete_at(text, data, target, name))
    expected = without(data, target)
    adjust = getattr(editor, "expected_after_delete", None)
    if adjust is not None:
        before = expected
        expected = _guarded(name, lambda: adjust(data, target, before, edited.text))
    return _finish(text, name, "delete", parts, edited, expected, data)


__all__ = [
    "Edit",
    "EditRefused",
    "PathNotFound",
    "delete_in_text",
    "get_in_text",
    "set_in_text",
]
