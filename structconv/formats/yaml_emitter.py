"""YAML through libyaml's emitter (PyYAML's CSafeDumper), for what yaml-rs's writer
cannot write as the same data: other indents, sorted keys, the tag convention's mappings
as tags, `<<` keys. It resolves plain scalars as YAML 1.2 (yaml-rs) reads them."""

from __future__ import annotations

import datetime
import functools
import sys
from typing import Any

import yaml
import yaml_rs

from structconv.formats.yaml_events import MAYBE_TYPED
from structconv.formats.yaml_tags import CORE, tag_of_mapping
from structconv.neutral import Data, depth
from structconv.options import Options

_TAG_OF_TYPE = {
    str: CORE + "str",
    int: CORE + "int",
    float: CORE + "float",
    bool: CORE + "bool",
    type(None): CORE + "null",
    datetime.date: CORE + "timestamp",
    datetime.datetime: CORE + "timestamp",
    datetime.time: CORE + "timestamp",
}
# Strings in YAML 1.2 but booleans in YAML 1.1 (PyYAML): quoted, as yaml-rs's writer does.
_YAML_1_1_BOOLEANS = frozenset(
    spelling
    for word in ("yes", "no", "on", "off")
    for spelling in (word, word.capitalize(), word.upper())
)


def _plain_tag(value: str) -> str:
    """The tag structconv's reader gives `value` written plain (YAML 1.1 booleans: bool)."""
    if value in _YAML_1_1_BOOLEANS:
        return CORE + "bool"
    if value and value[0] not in MAYBE_TYPED:
        return CORE + "str"
    try:
        return _TAG_OF_TYPE.get(type(yaml_rs.loads(value)), "?")
    except Exception:
        return "?"  # not readable plain: the emitter quotes it


class Untaggable(Exception):
    """A tag convention mapping whose value no tagged node can hold."""

    def __init__(self, mapping: dict[Any, Any], why: str) -> None:
        super().__init__(why)
        self.mapping = mapping
        self.why = why


class _Dumper(yaml.CSafeDumper):
    """libyaml's emitter, resolving plain scalars as YAML 1.2 (yaml-rs) does, not as 1.1,
    writing the tag convention's mappings as tags (keep_tags) and quoting a `<<` key where
    readers would take it for a merge key (expand_merges)."""

    keep_tags = True
    expand_merges = True

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            if value == "<<" and self.expand_merges:
                return "?"  # not a plain scalar's own tag: the emitter quotes it
            return _plain_tag(value)
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def ignore_aliases(self, data: Data) -> bool:
        """Shared nodes (the YAML reader shares an alias's node) are written out in full,
        as yaml-rs writes them, not as `&id001` anchors."""
        return True


@functools.cache
def _dumper(keep_tags: bool, expand_merges: bool) -> type[_Dumper]:
    return type("_Dumper", (_Dumper,), {"keep_tags": keep_tags, "expand_merges": expand_merges})


def _represent_str(dumper: _Dumper, value: str, tag: str = CORE + "str") -> yaml.Node:
    """U+2028/U+2029 are line breaks to libyaml (YAML 1.1) but content to YAML 1.2: libyaml
    indents after them unless they are escaped, which only double quotes do."""
    if "\u2028" in value or "\u2029" in value:
        return dumper.represent_scalar(tag, value, style='"')
    return dumper.represent_scalar(tag, value, style="|" if "\n" in value else None)


def _represent_dict(dumper: _Dumper, value: dict[Any, Any], tag: str = CORE + "map") -> yaml.Node:
    convention_tag = tag_of_mapping(value) if dumper.keep_tags else None
    if convention_tag is not None:
        if tag != CORE + "map":
            raise Untaggable(value, "it is the value of another tag, and a node has one tag")
        return _represent_tagged(dumper, convention_tag, value)
    items = list(value.items())
    if dumper.sort_keys:
        try:
            items.sort(key=lambda item: item[0])
        except TypeError:  # keys of several types: group them by type
            items.sort(key=lambda item: (type(item[0]).__name__, repr(item[0])))
    return dumper.represent_mapping(tag, items)


def _represent_tagged(dumper: _Dumper, tag: str, mapping: dict[Any, Any]) -> yaml.Node:
    """A tag convention mapping ({"!Ref": "x"}) as the tagged node (`!Ref x`)."""
    (value,) = mapping.values()
    if isinstance(value, str):
        return _represent_str(dumper, value, tag)
    if isinstance(value, dict):
        return _represent_dict(dumper, value, tag)
    if isinstance(value, list | tuple):
        return dumper.represent_sequence(tag, list(value))
    raise Untaggable(
        mapping, f"a tagged scalar holds text, not a value of type {type(value).__name__}"
    )


def _represent_tuple(dumper: _Dumper, value: tuple[Any, ...]) -> yaml.Node:
    return dumper.represent_sequence(CORE + "seq", list(value), flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(tuple, _represent_tuple)


def dump_libyaml(documents: list[Any], options: Options) -> str:
    levels = max(map(depth, documents), default=0)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * levels + 1000))  # the representer recurses per level
    try:
        return yaml.dump_all(
            documents,
            Dumper=_dumper(options.yaml_tags == "keep", options.yaml_merge == "expand"),
            allow_unicode=True,
            default_flow_style=False,
            explicit_start=options.multi_document,
            indent=options.indent if 2 <= options.indent <= 9 else 2,
            sort_keys=options.sort_keys,
            width=1 << 30,
        )
    finally:
        sys.setrecursionlimit(limit)
