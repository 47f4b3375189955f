"""Carrying comments across formats: reading them out of the source, placing them in
the target's text (see structconv/comments/__init__.py for the whole story)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from structconv.neutral import Data, PathPart, first_difference, format_path
from structconv.options import Options
from structconv.patterns import lazy_compile

Path = tuple[PathPart, ...]
ROOT: Path = ()


@dataclass
class Remarks:
    """The comments of one entry, as text without their markers (`#`, `//`, `/* */`).
    At the root path: `leading` heads the document, `trailing` ends it."""

    leading: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)

    def count(self) -> int:
        return len(self.leading) + len(self.trailing)


Comments = dict[Path, Remarks]


@dataclass(frozen=True)
class _Entry:
    path: Path


@dataclass(frozen=True)
class _Comment:
    lines: tuple[str, ...]
    # True: it stands at the end of the line of the entry just before it.
    trails: bool


@dataclass(frozen=True)
class _Lost:
    """Comments the reader found where no entry can hold them (inside a TOML array)."""

    path: Path


Event = _Entry | _Comment | _Lost


def _assign(events: Iterator[Event]) -> tuple[Comments, list[Path]]:
    """Comments in document order -> the entry each belongs to (see the module's doc),
    and the paths whose comments could not be read out."""
    comments: Comments = {}
    lost: list[Path] = []
    pending: list[str] = []
    last: Path | None = None
    for event in events:
        if isinstance(event, _Lost):
            lost.append(event.path)
        elif isinstance(event, _Entry):
            if pending:
                target = ROOT if last is None else event.path
                comments.setdefault(target, Remarks()).leading.extend(pending)
                pending = []
            last = event.path
        elif event.trails and last is not None and not pending:
            comments.setdefault(last, Remarks()).trailing.append(" ".join(event.lines))
        else:
            pending.extend(event.lines)
    if pending:
        comments.setdefault(ROOT, Remarks()).trailing.extend(pending)
    return comments, lost


def _hash_text(comment: str) -> str:
    text = comment[1:]
    return (text[1:] if text.startswith(" ") else text).rstrip()


def _slash_text(comment: str) -> tuple[str, ...]:
    if comment.startswith("//"):
        text = comment[2:]
        return ((text[1:] if text.startswith(" ") else text).rstrip(),)
    lines = [line.strip() for line in comment[2:-2].splitlines()]
    lines = [line[1:].lstrip() if line.startswith("*") else line for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines) or ("",)


# --- extraction -----------------------------------------------------------------------

_YAML_COMMENT = lazy_compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)
_LINE_END = lazy_compile(r"[\n\r]|\Z")


@dataclass(frozen=True)
class _YamlEntry:
    line: int
    column: int
    path: Path
    # The entry's line may take a comment at its end (its value does not go on there).
    open_end: bool


def _yaml_layout(
    text: str, multi_document: bool
) -> tuple[list[_YamlEntry], list[tuple[int, int, int]]]:
    """The entries of a YAML text with their positions, and where its scalars stand:
    (start, end of a block scalar's header line or start, end) offsets."""
    import yaml

    documents = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    entries: list[_YamlEntry] = []
    spans: list[tuple[int, int, int]] = []
    seen: set[int] = set()

    def open_end(line: int, value: Any) -> bool:
        if isinstance(value, yaml.ScalarNode):
            return value.end_mark.line == line or value.style in ("|", ">")
        return bool(not value.flow_style or value.end_mark.line == line)

    def walk(node: Any, path: Path) -> None:
        if id(node) in seen:
            return  # an alias: its entries were recorded where the anchor stands
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            start = node.start_mark.index
            header_end = start
            if node.style in ("|", ">"):
                header_end = text.find("\n", start) % (len(text) + 1)
            spans.append((start, header_end, node.end_mark.index))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(key, path)
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                if name is None:
                    continue
                line = key.start_mark.line
                entries.append(
                    _YamlEntry(line, key.start_mark.column, (*path, name), open_end(line, value))
                )
                walk(value, (*path, name))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                line = item.start_mark.line
                entries.append(
                    _YamlEntry(line, item.start_mark.column, (*path, index), open_end(line, item))
                )
                walk(item, (*path, index))

    several = multi_document or len(documents) > 1
    for number, document in enumerate(documents):
        walk(document, (number,) if several else ())
    spans.sort()
    return entries, spans


def _yaml_events(text: str, options: Options) -> Iterator[Event]:
    entries, spans = _yaml_layout(text, options.multi_document)
    starts = [start for start, _, _ in spans]
    line_starts = [0] + [match.end() for match in re.finditer(r"\n", text)]
    positioned: list[tuple[int, int, Event]] = []
    entry_lines = {entry.line for entry in entries}
    for entry in entries:
        positioned.append((entry.line, entry.column, _Entry(entry.path)))
    for match in _YAML_COMMENT.finditer(text):
        offset = match.start()
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and spans[index][1] <= offset < spans[index][2]:
            continue  # a '#' inside a scalar is text (a block scalar's header may hold one)
        line = bisect.bisect_right(line_starts, offset) - 1
        column = offset - line_starts[line]
        own_line = not text[line_starts[line] : offset].strip()
        trails = not own_line and line in entry_lines
        end = _LINE_END.search(text, offset)
        comment = text[offset : end.start() if end else len(text)]
        positioned.append((line, column, _Comment((_hash_text(comment),), trails)))
    positioned.sort(key=lambda item: (item[0], item[1]))
    for _, _, event in positioned:
        yield event


def _toml_events(text: str) -> Iterator[Event]:
    import tomlkit
    from tomlkit import items

    def key_parts(key: Any) -> tuple[str, ...]:
        if isinstance(key, items.DottedKey):
            return tuple(part.key for part in key)
        return (key.key,)

    def trailing(item: Any) -> Iterator[_Comment]:
        comment = item.trivia.comment
        if comment:
            yield _Comment((_hash_text(comment),), trails=True)

    def walk(container: Any, path: Path) -> Iterator[Event]:
        for key, item in container.body:
            if key is None:
                if isinstance(item, items.Comment):
                    yield _Comment((_hash_text(item.trivia.comment),), trails=False)
                continue
            here = (*path, *key_parts(key))
            if isinstance(item, items.Table):
                if not item.is_super_table():
                    yield _Entry(here)
                    yield from trailing(item)
                yield from walk(item.value, here)
            elif isinstance(item, items.AoT):
                for index, table in enumerate(item.body):
                    yield _Entry((*here, index))
                    yield from trailing(table)
                    yield from walk(table.value, (*here, index))
            else:
                yield _Entry(here)
                yield from trailing(item)
                if isinstance(item, items.Array) and any(
                    group.comment is not None or isinstance(group.value, items.Comment)
                    for group in item._value
                ):
                    yield _Lost(here)

    yield from walk(tomlkit.parse(text), ())


def _slash_events(text: str) -> Iterator[Event]:
    from structconv.formats.commented_json import Comment, Container, Node, decode_key, parse

    def comment(item: Comment, trails: bool) -> _Comment:
        return _Comment(_slash_text(item.text), trails)

    def walk(node: Node, path: Path) -> Iterator[Event]:
        if not isinstance(node, Container):
            return
        for item in node.opening:
            yield comment(item, trails=True)
        for index, entry in enumerate(node.entries):
            for item in entry.leading + entry.between:
                yield comment(item, trails=False)
            here = (*path, index if entry.key is None else decode_key(entry.key))
            yield _Entry(here)
            for item in entry.trailing:
                yield comment(item, trails=True)
            yield from walk(entry.value, here)
        for item in node.dangling:
            yield comment(item, trails=False)

    document = parse(text)
    for item in document.leading:
        yield comment(item, trails=False)
    yield from walk(document.value, ())
    for item in document.trailing:
        yield comment(item, trails=False)


def extract(text: str, format: str, options: Options) -> tuple[Comments, list[Path]]:
    """The comments of `text` (in `format`, already read as valid) by the entry they
    belong to, and the paths of comments that no entry holds (inside a TOML array)."""
    if format == "yaml":
        return _assign(_yaml_events(text, options))
    if format == "toml":
        return _assign(_toml_events(text))
    return _assign(_slash_events(text))


# --- attaching ------------------------------------------------------------------------


def _hash_line(text: str) -> str:
    return f"# {text}" if text else "#"


def _attach_yaml(
    text: str, comments: Comments, options: Options
) -> tuple[str, list[tuple[Path, int]]]:
    entries, _ = _yaml_layout(text, options.multi_document)
    by_path: dict[Path, _YamlEntry] = {}
    for entry in entries:
        by_path.setdefault(entry.path, entry)
    lines = text.split("\n")
    before: dict[int, list[str]] = {}
    after: dict[int, str] = {}
    unplaced: list[tuple[Path, int]] = []
    for path, remarks in comments.items():
        if path == ROOT:
            continue
        found = by_path.get(path)
        if found is None:
            unplaced.append((path, remarks.count()))
            continue
        indent = len(lines[found.line]) - len(lines[found.line].lstrip(" "))
        before.setdefault(found.line, []).extend(
            " " * indent + _hash_line(line) for line in remarks.leading
        )
        if remarks.trailing:
            if found.open_end and found.line not in after:
                after[found.line] = _hash_line(" ".join(remarks.trailing))
            else:
                unplaced.append((path, len(remarks.trailing)))
    out: list[str] = []
    root = comments.get(ROOT, Remarks())
    out.extend(_hash_line(line) for line in root.leading)
    for number, line in enumerate(lines):
        out.extend(before.get(number, ()))
        out.append(f"{line}  {after[number]}" if number in after else line)
    body = "\n".join(out)
    if root.trailing:
        body = body.rstrip("\n") + "\n" + "\n".join(map(_hash_line, root.trailing)) + "\n"
    return body, unplaced


def _attach_toml(text: str, comments: Comments) -> tuple[str, list[tuple[Path, int]]]:
    import tomlkit
    from tomlkit import items

    document = tomlkit.parse(text)
    unplaced: list[tuple[Path, int]] = []

    def locate(path: Path) -> Any:
        node: Any = document
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, items.AoT) or part >= len(node.body):
                    return None
                node = node.body[part]
            else:
                container = node if isinstance(node, tomlkit.TOMLDocument) else node.value
                if not hasattr(container, "body") or part not in container:
                    return None
                node = container.item(part)
        return node

    def with_a_line(item: Any) -> Any:
        """A super table ([a.b] without [a]) has no line: its first entry's stands for it."""
        while isinstance(item, items.Table) and item.is_super_table():
            keyed = [value for key, value in item.value.body if key is not None]
            if not keyed:
                return None
            item = keyed[0]
        if isinstance(item, items.AoT):
            return item.body[0] if item.body else None
        return item

    # Deeper entries first: a table's comments go above those of its first entry when
    # both land on the same line (an array of tables and its first table).
    for path, remarks in sorted(comments.items(), key=lambda pair: -len(pair[0])):
        if path == ROOT:
            continue
        item = locate(path)
        if item is None or isinstance(item, items.Whitespace):
            unplaced.append((path, remarks.count()))
            continue
        # An array of tables or a super table has no line to end: its comment goes above.
        no_line = isinstance(item, items.AoT) or (
            isinstance(item, items.Table) and item.is_super_table()
        )
        above = remarks.leading + (remarks.trailing if no_line else [])
        if above:
            lined = with_a_line(item)
            if lined is None:
                unplaced.append((path, len(above)))
            else:
                lead = "".join(_hash_line(line) + "\n" for line in above)
                lined.trivia.indent = lead + lined.trivia.indent
        if remarks.trailing and not no_line:
            item.comment(" ".join(remarks.trailing))
    body = document.as_string()
    root = comments.get(ROOT, Remarks())
    head = "".join(_hash_line(line) + "\n" for line in root.leading)
    tail = "".join(_hash_line(line) + "\n" for line in root.trailing)
    if tail:
        body = body.rstrip("\n") + "\n" + tail
    return head + body, unplaced


def _attach_slash(
    data: Data, comments: Comments, options: Options, nonfinite: bool
) -> tuple[str, list[tuple[Path, int]]]:
    from structconv.formats.commented_json import (
        Comment,
        Container,
        Document,
        entries_by_path,
        render_data,
        tree_of,
    )

    def slashed(lines: list[str]) -> list[Comment]:
        return [Comment(f"// {line}" if line else "//") for line in lines]

    document = Document(tree_of(data, nonfinite))
    entries = dict(entries_by_path(document.value))
    unplaced: list[tuple[Path, int]] = []
    for path, remarks in comments.items():
        if path == ROOT:
            document.leading = slashed(remarks.leading)
            document.trailing = slashed(remarks.trailing)
            continue
        entry = entries.get(path)
        if entry is None:
            unplaced.append((path, remarks.count()))
            continue
        entry.leading = slashed(remarks.leading)
        trailing = slashed([" ".join(remarks.trailing)]) if remarks.trailing else []
        if isinstance(entry.value, Container):
            entry.value.opening = trailing  # `"servers": [ // note`, on the entry's line
        else:
            entry.trailing = trailing
    return render_data(data, options, nonfinite, document), unplaced


def attach(
    text: str, data: Data, format: str, comments: Comments, options: Options
) -> tuple[str, list[tuple[Path, int]]]:
    """`text` (the writer's output for `data`) with the comments placed, and the paths
    whose comments found no place."""
    if format == "yaml":
        return _attach_yaml(text, comments, options)
    if format == "toml":
        return _attach_toml(text, comments)
    return _attach_slash(data, comments, options, nonfinite=format == "json5")


def carry(
    source_text: str,
    source_format: str,
    output: str,
    data: Data,
    target_format: str,
    options: Options,
) -> tuple[str, tuple[str, ...]]:
    """The output with the source's comments placed, and notes on what was not carried.

    `data` is what `output` holds (the target's representation); the commented text must
    read back as exactly that, or the output stays as it was. Called where
    structconv.comments.worth_carrying said so.
    """
    from structconv.errors import ParseError
    from structconv.formats import get_codec

    try:
        comments, lost = extract(source_text, source_format, options)
    except Exception as error:  # a library's corner case: the data path's output stands
        return output, (f"comments were not carried: reading them failed ({error})",)
    if not comments and not lost:
        return output, ()
    try:
        text, unplaced = attach(output, data, target_format, comments, options)
    except Exception as error:  # a library's corner case: the data path's output stands
        return output, (f"comments were not carried: placing them failed ({error})",)
    try:
        again = get_codec(target_format).reread(text, options)
    except ParseError as error:
        return output, (f"comments were not carried: the result would not read ({error})",)
    difference = first_difference(data, again)
    if difference is not None:
        return output, (f"comments were not carried: placing them would change {difference[0]}",)
    notes: list[str] = []
    if unplaced:
        count = sum(number for _, number in unplaced)
        notes.append(
            f"{count} comment(s) have no place in {target_format} and were left out: "
            + _paths([path for path, _ in unplaced])
        )
    if lost:
        notes.append(f"comments inside {_paths(lost)} were left out (only entries carry comments)")
    return text, tuple(notes)


def _paths(paths: list[Path]) -> str:
    shown = ", ".join(format_path(path) for path in paths[:5])
    return shown if len(paths) <= 5 else f"{shown} and {len(paths) - 5} more"
