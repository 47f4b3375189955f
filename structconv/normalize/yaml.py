"""YAML: a ruamel.yaml round trip, which keeps comments, quoting style, key order,
anchors and flow/block style, with one indentation throughout.

ruamel.yaml reads YAML 1.2 as structconv does; where it would still read a scalar
differently from yaml-rs, the data check in structconv.normalize refuses the file.
A stream keeps its documents; a document that starts with `---` keeps the marker.
A file with no document (empty, or comments only) is left as it is: ruamel.yaml
would drop its comments.

What ruamel.yaml alone would get wrong, and is corrected here:
- plain nulls, booleans and numbers are kept as written (`~`, `True`, `+12`, `.NaN`):
  ruamel.yaml would respell them (`f: null` became `f:`), rewriting files whose only
  "fault" is a spelling the team chose;
- a top-level sequence is not indented (ruamel.yaml applies the dash offset there too);
- full-line comments follow the new indentation (ruamel.yaml keeps their old column);
- trailing spaces go, except inside block scalars, where they are text;
- an empty `{}` as the first item of a block sequence under a commented key no longer
  puts the third item's dash at the end of the second item's line (`- 1 -`);
- a more-indented line of a `>` scalar is never broken at the width (YAML keeps such
  lines as they are, so the break would have been text);
- a plain scalar holding a run of spaces is never folded (a break after the run lost a
  space);
- a plain key with spaces is never folded at the width (`{id: 1, a` / `b: 2}`), which
  made a multi-line key that readers reject;
- comment lines before a first `---` (which ruamel.yaml drops) are kept as they are;
- a tagged block sequence keeps the comments inside and after it;
- a comment ruamel.yaml would drop fails the file (structconv.normalize refuses it),
  and a file with comments whose document root ruamel.yaml cannot write back with
  them (a scalar, an empty collection, a flow sequence) is left as it is.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.anchor import Anchor
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.events import MappingEndEvent
from ruamel.yaml.nodes import ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.serializer import templated_id

from structconv.errors import UsageError
from structconv.normalize.settings import NormalizeSettings
from structconv.patterns import lazy_compile

_EXPLICIT_START = lazy_compile(r"\A(?:[ \t]*(?:#.*)?\n)*---(?=[ \t\r\n]|\Z)")
# Comment lines before a first `---`, which ruamel.yaml drops (a license header, often).
_HEADER = lazy_compile(r"\A(?:[ \t]*(?:#.*)?\n)*(?=---(?:[ \t\r\n]|\Z))")
# A line that opens a block scalar: `key: |`, `- >-`, `--- |2`, `key: &a !!str |+  # note`.
# A plain scalar ending in " |" also matches: then its lines are merely left untouched.
_BLOCK_HEADER = lazy_compile(r"(?:^|[ \t])[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$")
# A line of a folded scalar's text that starts with white space: YAML keeps it unfolded.
_MORE_INDENTED = lazy_compile(r"(?:^|\n)[ \t]")
_DOCUMENT_MARKER = lazy_compile(r"(?:---|\.\.\.)(?:[ \t]|$)")
_CORE = "tag:yaml.org,2002:"
_SPELLED_TAGS = tuple(_CORE + name for name in ("null", "bool", "int", "float"))


class _Spelled:
    """A plain null, boolean or number exactly as written, with its anchor.

    It only has to survive the trip through ruamel.yaml's representer: the data check
    compares what yaml-rs reads from the output with what it read from the input.
    """

    __slots__ = ("anchor", "tag", "text")

    def __init__(self, tag: str, text: str, anchor: str | None) -> None:
        self.tag = tag
        self.text = text
        self.anchor = Anchor()
        if anchor is not None:
            self.anchor.value = anchor  # type: ignore[assignment]  # typed None upstream
            self.anchor.always_dump = True


class _Constructor(RoundTripConstructor):
    def construct_spelled(self, node: ScalarNode) -> Any:
        if node.style is not None:  # an explicit tag on a quoted scalar (`!!int "5"`)
            return getattr(super(), _DEFAULT_CONSTRUCTORS[str(node.tag)])(node)
        return _Spelled(str(node.tag), str(node.value), node.anchor)

    def construct_tagged(self, node: Any) -> Iterator[Any]:
        """ruamel.yaml 0.19 reads a tagged block sequence (`Value: !If` then `- ...` lines)
        without the comments inside and after it, which the file would then lose; such a
        sequence is read as an untagged one is, comments included, and keeps its tag."""
        if not isinstance(node, SequenceNode):
            yield from self.construct_unknown(node)
            return
        data = CommentedSeq()
        data._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
        data.yaml_set_ctag(node.ctag)
        yield data
        if node.anchor and not templated_id(node.anchor):
            data.yaml_set_anchor(node.anchor)
        data.extend(self.construct_rt_sequence(node, data))
        self.set_collection_style(data, node)


_DEFAULT_CONSTRUCTORS = {
    _CORE + "null": "construct_yaml_null",
    _CORE + "bool": "construct_yaml_bool",
    _CORE + "int": "construct_yaml_int",
    _CORE + "float": "construct_yaml_float",
}
for _tag in _SPELLED_TAGS:
    _Constructor.add_constructor(_tag, _Constructor.construct_spelled)
_Constructor.add_constructor(None, _Constructor.construct_tagged)
# YAML 1.1 types that ruamel.yaml would construct and write back otherwise (!!binary as a
# block of base64 lines): kept as the tagged text they are, as structconv reads them.
for _name in ("binary", "set", "omap", "pairs"):
    _Constructor.add_constructor(_CORE + _name, _Constructor.construct_tagged)


class _Representer(RoundTripRepresenter):
    def represent_spelled(self, data: _Spelled) -> ScalarNode:
        node: ScalarNode = self.represent_scalar(data.tag, data.text, anchor=data.anchor)
        return node

    def represent_tagged_scalar(self, data: TaggedScalar) -> ScalarNode:
        """ruamel.yaml 0.19 writes a tag with the `!!` handle as `!! binary`, a tag of
        another name (`!!%20binary` when read again); the tag's full name is written as
        `!!binary` by the emitter."""
        anchor = data.yaml_anchor()
        node: ScalarNode = self.represent_scalar(
            str(data.tag), data.value, style=data.style, anchor=anchor
        )
        return node


_Representer.add_representer(_Spelled, _Representer.represent_spelled)
_Representer.add_representer(TaggedScalar, _Representer.represent_tagged_scalar)


class _Emitter(Emitter):
    def expect_first_flow_mapping_key(self) -> None:
        """ruamel.yaml 0.19 keeps the `no_newline` that the `- ` before an empty `{}`
        item set, though the `{}` ends its line: the next item's dash is then written on
        a new line and the one after it at the end of that line (`- 1 -`), which readers
        take as other data. At the start of a line there is no newline to hold back."""
        empty = isinstance(self.event, MappingEndEvent)
        super().expect_first_flow_mapping_key()
        if empty and self.column == 0:
            self.no_newline = False

    def write_folded(self, text: Any, comment: Any) -> None:
        """ruamel.yaml 0.19 breaks any line of a `>` scalar that passes the width, the
        more-indented ones too (`  Find shelter and` / `avoid going outside.`); YAML does
        not fold those, so the break became text. A scalar with such a line (a template,
        often) keeps the folds it was written with and gets no new ones."""
        if not _MORE_INDENTED.search(text):
            super().write_folded(text, comment)
            return
        with self._unbroken():
            super().write_folded(text, comment)

    def write_plain(self, text: Any, split: Any = True) -> None:
        """ruamel.yaml 0.19 moves each word that would pass the width to a new line, even
        in a scalar that must stay on one line (`split` false: a simple key), so a key
        `a b` near the width became `a` and `b` on two lines. Such a key of several words
        moves to a new line whole, as a one-word key does, and is written unbroken.

        It also breaks before a word after writing the spaces that precede it, and a
        reader folds a line break and the spaces around it into one space: a break after
        `value.  ` lost a space. A plain scalar holding a run of spaces is not folded."""
        if split and "  " in text:
            with self._unbroken():
                super().write_plain(text, split)
            return
        if split or " " not in text:
            super().write_plain(text, split)
            return
        if (
            self.column + 1 + len(text) > self.best_width
            and self.indent is not None
            and self.column > self.indent
        ):
            self.write_indent()
        with self._unbroken():
            super().write_plain(text, split)

    @contextlib.contextmanager
    def _unbroken(self) -> Iterator[None]:
        """No width while one scalar is written: its lines stay as long as they are."""
        width = self.best_width
        self.best_width = sys.maxsize
        try:
            yield
        finally:
            self.best_width = width


# Below this, ruamel.yaml writes continuation lines of quoted strings that readers reject.
_MIN_INDENT = 2


def _yaml(settings: NormalizeSettings, explicit_start: bool) -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.Emitter = _Emitter
    yaml.preserve_quotes = True
    yaml.width = settings.width
    if settings.indent_sequences:
        yaml.indent(mapping=settings.indent, sequence=settings.indent + 2, offset=settings.indent)
    else:
        yaml.indent(mapping=settings.indent, sequence=settings.indent, offset=0)
    yaml.explicit_start = explicit_start
    return yaml


def _sort_key(key: Any) -> tuple[int, str]:
    """Strings first, then other keys (numbers, booleans, nulls) by their text."""
    if isinstance(key, str):
        return 0, key
    return 1, key.text if isinstance(key, _Spelled) else repr(key)


def _sorted(node: Any, seen: set[int]) -> None:
    """Sort every mapping in place; comments and anchors are attached to their keys and
    move with them. `seen` stops at aliases (a shared node is sorted once)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CommentedMap):
            for key in sorted(current, key=_sort_key):
                current.move_to_end(key)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _structure_lines(lines: list[str]) -> Iterator[int]:
    """Indexes of the lines outside block scalars (whose text, spaces included, is data)."""
    block_indent: int | None = None
    for index, line in enumerate(lines):
        if block_indent is not None:
            if not line.strip() or _indent(line) > block_indent:
                continue
            block_indent = None
        yield index
        stripped = line.lstrip(" ")
        if not stripped.startswith("#") and _BLOCK_HEADER.search(line):
            # A top-level block scalar (`--- |`) may have unindented text: no line is structure.
            block_indent = -1 if _DOCUMENT_MARKER.match(stripped) else _indent(line)


def _tidy(text: str, offset: int) -> str:
    """Trailing spaces, the top-level sequence offset and comment indentation, on
    the lines outside block scalars."""
    lines = text.split("\n")
    structure = list(_structure_lines(lines))
    for index in structure:
        lines[index] = lines[index].rstrip(" \t")
    if offset:
        _unindent_top_sequences(lines, structure, offset)
    _align_comments(lines, structure)
    return "\n".join(lines)


def _unindent_top_sequences(lines: list[str], structure: list[int], offset: int) -> None:
    """Shift each document whose top level is a sequence left by the dash offset.

    Every line of such a document, block scalar text included, moves by the same
    amount, so relative indentation (what block scalars keep) does not change.
    """
    documents: list[list[int]] = [[]]
    structural = set(structure)
    for index, line in enumerate(lines):
        if index in structural and _DOCUMENT_MARKER.match(line):
            documents.append([])
        else:
            documents[-1].append(index)
    prefix = " " * offset
    for document in documents:
        first = next(
            (
                index
                for index in document
                if index in structural and lines[index].strip()
                if not lines[index].lstrip().startswith("#")
            ),
            None,
        )
        if first is None or not lines[first].startswith(prefix + "-"):
            continue
        for index in document:
            if lines[index].startswith(prefix):
                lines[index] = lines[index][offset:]


def _align_comments(lines: list[str], structure: list[int]) -> None:
    """Give each full-line comment the indentation of the content around it.

    ruamel.yaml keeps a comment's old column while re-indentation moves the content, so
    the column alone says little. A comment where a nested block opens (the next
    content line is deeper than the previous one) takes the next line's indentation:
    it belongs to that block's first entry. Elsewhere a comment deeper than the next
    content line takes the deepest of the previous and next content lines' indentation
    that does not exceed its own: a comment at the end of a nested block stays in that
    block, one above a key moves with the key; a comment shallower than both takes the
    next line's indentation.
    """
    content = [
        index
        for index in structure
        if lines[index].strip() and not lines[index].lstrip().startswith("#")
    ]
    previous_content: int | None = None
    position = 0
    for index in structure:
        while position < len(content) and content[position] < index:
            previous_content = content[position]
            position += 1
        stripped = lines[index].lstrip(" ")
        if not stripped.startswith("#"):
            continue
        current = _indent(lines[index])
        before = None if previous_content is None else _indent(lines[previous_content])
        after = _indent(lines[content[position]]) if position < len(content) else None
        if after is not None and (
            (before is not None and after > before) or current < min(after, before or after)
        ):
            level = after  # opens a nested block, or shallower than both sides
        else:
            levels = [level for level in (before, after) if level is not None]
            fitting = [level for level in levels if level <= current]
            if current in levels or not fitting:
                continue
            level = max(fitting)
        lines[index] = " " * level + stripped


class CommentLost(ValueError):
    """ruamel.yaml dropped a comment: the file is refused rather than stripped of it."""


def _fragile_root(document: Any) -> bool:
    """A root that ruamel.yaml cannot write back with comments around it: a scalar (it
    drops them), an empty collection or a flow sequence (it fails on `# note` before
    `[1]`)."""
    if not isinstance(document, CommentedMap | CommentedSeq) or not document:
        return True
    return isinstance(document, CommentedSeq) and bool(document.fa.flow_style())


def normalize(text: str, settings: NormalizeSettings) -> str:
    if settings.indent < _MIN_INDENT:
        raise UsageError(
            f"YAML needs indent >= {_MIN_INDENT} (at 1, ruamel.yaml continues multi-line quoted"
            " strings one column in, which YAML readers such as yaml-rs reject); set indent = 2"
            " for YAML files, e.g. in an [[tool.structconv.overrides]] entry"
        )
    header = _HEADER.match(text)
    if header is not None and "#" in header.group():
        lines = [line.rstrip(" \t") for line in header.group().split("\n")]
        return "\n".join(lines) + normalize(text[header.end() :], settings)
    yaml = _yaml(settings, bool(_EXPLICIT_START.match(text)))
    documents: list[Any] = list(yaml.load_all(text))
    if not documents or ("#" in text and any(map(_fragile_root, documents))):
        return text
    if settings.sort_keys:
        seen: set[int] = set()
        for document in documents:
            _sorted(document, seen)
    out = io.StringIO()
    if len(documents) == 1:
        yaml.dump(documents[0], out)
    else:
        yaml.dump_all(documents, out)
    offset = settings.indent if settings.indent_sequences else 0
    result = _tidy(out.getvalue(), offset).rstrip("\n") + "\n"
    # ruamel.yaml never writes a '#' of its own, so fewer of them means a lost comment.
    if result.count("#") < text.count("#"):
        raise CommentLost("ruamel.yaml would drop a comment of this file")
    return result
