"""YAML read from parse events, for the files that use what yaml-rs cannot keep.

yaml-rs drops the tags it does not know (`!Ref x` reads as "x"), reads a merge key
`<<` as an ordinary key, and copies an alias's node at every use, bounded by a count
of events, not by size. Files that use any of these (CloudFormation templates, Home
Assistant and GitLab CI configurations, compose files) are read here instead, from
libyaml's events (ruamel.yaml's YAML 1.2 parser where libyaml refuses the text):

- A plain scalar is typed by yaml-rs itself (once per spelling), so every file reads
  the same whichever reader it takes; quoted and block scalars are strings.
- Tags follow Options.yaml_tags and the convention of structconv.formats.yaml_tags.
- Merge keys (Options.yaml_merge "expand") merge as PyYAML does (YAML 1.1): the
  mapping's own keys win over merged ones, and of `<<: [*a, *b]` (or two `<<` keys)
  the earlier mapping wins; merged keys come first, in the merged mappings' order.
- An alias is its anchored node itself, not a copy; the characters aliases add are
  counted, and past Options.max_alias_bytes the file is refused (a billion-laughs
  guard that also stops one big string repeated thousands of times).
- A number that cannot be kept exactly is an error at its position: a float that
  overflows to infinity (`1e400`), an integer with more digits than Python converts
  to text (sys.get_int_max_str_digits(), 4,300 by default).
- libyaml reads U+0085, U+2028 and U+2029 as line breaks (YAML 1.1); they stand in
  as unused private-use characters while parsing and are put back in the data.
"""

# Annotations are evaluated, not postponed: typing would compile a NamedTuple's (see
# docs/architecture.md, "The layers").
import math
import sys
from typing import Any, NamedTuple, NoReturn

import yaml_rs

from structconv.errors import ParseError
from structconv.formats.yaml_finite import EXPONENT
from structconv.formats.yaml_tags import (
    CORE,
    CORE_TAGS,
    PYTHON_PREFIX,
    key_of_tag,
    shown,
    tag_of_key,
)
from structconv.options import Options
from structconv.patterns import lazy_compile

# A plain scalar starting otherwise is a string for yaml-rs ("_" too: it reads "_0" as 0).
MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF_")
# Plain scalars that yaml-rs reads as numbers and the YAML 1.2 core schema as strings.
NOT_A_YAML_1_2_NUMBER = lazy_compile(
    r"[-+]?(?:[\d_]*_[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?[\d_]+)?"
    r"|0[xX][\dA-Fa-f]*_[\dA-Fa-f_]*|0[oO][0-7]*_[0-7_]*|0[bB][01_]+)"
)
# A spelling of digits and a float's marks: a float read from it is finite unless it
# overflows (yaml-rs reads `.inf`, `.iNf` and, with !!float, `inf` and `Infinity` as
# infinity: spellings of it, kept).
_NUMERIC = lazy_compile(r"[-+0-9_.eE]+")
# An integer part this long may overflow a float, or an int's conversion to text.
LONG_NUMBER = 210
_ESCAPED_CODE = lazy_compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_YAML_1_1_LINE_BREAKS = ("\x85", "\u2028", "\u2029")
_MERGE_TAG = CORE + "merge"
_SCALAR_CORE_TAGS = frozenset(CORE + name for name in ("int", "float", "bool", "null"))
_NUMBER_TAGS = frozenset((CORE + "int", CORE + "float"))
_COLLECTION_CORE_TAGS = {CORE + "map": dict, CORE + "seq": list}


# --- errors --------------------------------------------------------------------------


def line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def error(
    text: str,
    message: str,
    line: int = 0,
    column: int = 0,
    hint: str = "",
    repairable: bool = True,
) -> ParseError:
    lines = text.splitlines()
    return ParseError(
        message,
        format="yaml",
        line=line,
        column=column,
        snippet=lines[line - 1][:200] if 0 < line <= len(lines) else "",
        hint=hint or "fix the YAML at that position",
        repairable=repairable,
    )


def error_at_mark(
    text: str, message: str, mark: Any, hint: str = "", repairable: bool = True
) -> ParseError:
    return error(text, message, mark.line + 1, mark.column + 1, hint, repairable)


# --- parsing -------------------------------------------------------------------------


def unused_characters(text: str, count: int) -> list[str]:
    """`count` private-use characters that `text` holds neither as themselves nor as an
    escape (`"\\uE000"`), so that they can stand in for something while parsing."""
    escaped = {int(short or long, 16) for short, long in _ESCAPED_CODE.findall(text)}
    found = [
        chr(code) for code in range(0xE000, 0xF900) if code not in escaped and chr(code) not in text
    ][:count]
    if len(found) < count:  # every one of 6,400 characters is used: a crafted text
        raise error(text, "the text uses every private-use character", repairable=False)
    return found


class Parsed(NamedTuple):
    """A text's parse events; `swaps` maps each stand-in character back to the original."""

    events: list[Any]
    swaps: dict[str, str]


def parse_events(text: str) -> Parsed:
    """The parse events, with marks: libyaml first (C, fast), ruamel.yaml where it refuses."""
    swaps: dict[str, str] = {}
    parsed = text
    breaks = [character for character in _YAML_1_1_LINE_BREAKS if character in text]
    if breaks:
        for character, stand_in in zip(breaks, unused_characters(text, len(breaks)), strict=True):
            swaps[stand_in] = character
            parsed = parsed.replace(character, stand_in)
    import yaml  # PyYAML (10 ms to import): only the files that need the events load it

    try:
        return Parsed(list(yaml.parse(parsed, Loader=yaml.CSafeLoader)), swaps)
    except yaml.YAMLError:
        pass  # YAML 1.1 only, and at most 1000 levels deep
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    try:
        return Parsed(list(YAML(typ="safe", pure=True).parse(parsed)), swaps)
    except MarkedYAMLError as failure:
        mark = failure.problem_mark
        raise error(
            text,
            f"{failure.problem} (a check of tags and keys could not read this text)",
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
        ) from None
    except Exception as failure:
        raise error(text, f"cannot check tags and keys: {failure}") from None


def is_plain(event: Any) -> bool:
    return not event.style  # libyaml says "", ruamel.yaml None


def needs_event_reader(parsed: Parsed, options: Options) -> bool:
    """Whether the events use what only this reader keeps: aliases, tags other than the
    core ones, merge keys, quoted keys that look like the tag convention, numbers that
    cannot be kept exactly."""
    keep_tags = options.yaml_tags == "keep"
    expand = options.yaml_merge == "expand"
    # Per open collection: None for a sequence, else the number of nodes it holds so far.
    counts: list[int | None] = []
    for event in parsed.events:
        kind = type(event).__name__
        if kind == "AliasEvent":
            return True
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in CORE_TAGS:
            return True
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            counts.pop()
            continue
        if kind not in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent"):
            continue
        is_key = False
        if counts and counts[-1] is not None:
            is_key = counts[-1] % 2 == 0
            counts[-1] += 1
        if kind != "ScalarEvent":
            counts.append(0 if kind == "MappingStartEvent" else None)
            continue
        if _needs_event_reader(event, is_key, keep_tags, expand):
            return True
    return False


def _needs_event_reader(event: Any, is_key: bool, keep_tags: bool, expand: bool) -> bool:
    """A scalar that only the event reader reads right: a quoted key that spells a tag (an
    error there), a merge key, a number that cannot be kept exactly (an error there)."""
    value = event.value
    if event.tag in _NUMBER_TAGS or (is_plain(event) and event.tag is None):
        if value == "<<":
            return expand and is_key and event.tag is None
        return value[:1] in MAYBE_TYPED and _may_be_inexact(value) and inexact_number(value)
    return keep_tags and is_key and value.startswith("!") and tag_of_key(value) is not None


def _may_be_inexact(value: str) -> bool:
    """Whether a plain scalar may spell a number too large to keep: a long one, or one with
    an exponent of 3 digits as the whole-text scan finds them (yaml_finite.EXPONENT)."""
    return len(value) >= LONG_NUMBER or any(
        pattern.search(value) is not None for pattern in EXPONENT
    )


def _int_bits_limit() -> int:
    """The bit length past which Python refuses to convert an int to text (0: no limit)."""
    digits = sys.get_int_max_str_digits()
    return math.floor(digits * math.log2(10)) if digits else 0


def inexact_number(text: str) -> bool:
    """Whether yaml-rs reads a plain scalar as a number that cannot be kept (see the module
    doc), before YAML 1.2's strings (`1_e400`) are taken out: the event reader decides."""
    try:
        value = yaml_rs.loads("k: " + text)
    except Exception:
        return False
    number = value.get("k") if isinstance(value, dict) else None
    if isinstance(number, float):
        return math.isinf(number) and _NUMERIC.fullmatch(text) is not None
    limit = _int_bits_limit()
    return isinstance(number, int) and bool(limit) and abs(number).bit_length() > limit


# --- building ------------------------------------------------------------------------


class _Collection:
    """A mapping or sequence being read: its start event and what it holds so far."""

    __slots__ = ("entries", "is_mapping", "items", "key", "size", "start")

    def __init__(self, start: Any, is_mapping: bool) -> None:
        self.start = start
        self.is_mapping = is_mapping
        self.items: list[Any] = []
        # Mappings: (key, key mark, is a merge key, value) per entry, and the key read last.
        self.entries: list[tuple[Any, Any, bool, Any]] = []
        self.key: tuple[Any, Any, bool] | None = None
        self.size = 2


class _Reader:
    def __init__(self, text: str, options: Options, swaps: dict[str, str]) -> None:
        self.text = text
        self.options = options
        self.swaps = swaps
        self.anchors: dict[str, tuple[Any, int]] = {}
        # The convention mappings made here: a merge or a key must not take them for data.
        self.tagged: set[int] = set()
        self.alias_bytes = 0
        self.plain: dict[str, Any] = {}
        self.core: dict[tuple[str, str], Any] = {}

    # -- values

    def unswap(self, value: str) -> str:
        for stand_in, original in self.swaps.items():
            value = value.replace(stand_in, original)
        return value

    def fail(self, message: str, mark: Any, hint: str = "", repairable: bool = True) -> NoReturn:
        raise error_at_mark(self.text, message, mark, hint, repairable)

    def check_number(self, value: Any, spelling: str, mark: Any) -> None:
        if isinstance(value, float) and math.isinf(value) and _NUMERIC.fullmatch(spelling):
            self.fail(
                f"the number {spelling[:40]} is too large for a float (it would read as infinity)",
                mark,
                "quote it (without a !!int or !!float tag) to keep it as text",
                repairable=False,
            )
        limit = _int_bits_limit()
        if isinstance(value, int) and limit and abs(value).bit_length() > limit:
            self.fail(
                f"the integer has more than {sys.get_int_max_str_digits():,} digits, more than "
                "Python converts to text (sys.get_int_max_str_digits())",
                mark,
                "quote it (without a !!int or !!float tag) to keep it as text",
                repairable=False,
            )

    def resolve_plain(self, text: str, mark: Any) -> Any:
        """A plain scalar typed as yaml-rs types it, minus what YAML 1.2 reads as strings."""
        if text in self.plain:
            return self.plain[text]
        value: Any = text
        if not text:
            value = None
        elif (
            text[0] in MAYBE_TYPED
            and "\n" not in text
            and not NOT_A_YAML_1_2_NUMBER.fullmatch(text)
        ):
            try:
                loaded = yaml_rs.loads("k: " + text)
            except Exception:
                loaded = None
            if isinstance(loaded, dict) and list(loaded) == ["k"]:
                candidate = loaded["k"]
                if not isinstance(candidate, dict | list | tuple | set | frozenset):
                    value = candidate
            self.check_number(value, text, mark)
        self.plain[text] = value
        return value

    def resolve_core(self, tag: str, text: str, mark: Any) -> Any:
        """A scalar with a core tag (`!!int "7"`), typed by yaml-rs as on the fast path."""
        if (tag, text) in self.core:
            return self.core[tag, text]
        import json  # only core tags need it; reading YAML otherwise does not load it

        written = "k: " + shown(tag) + " " + json.dumps(text, ensure_ascii=False)
        try:
            loaded: Any = yaml_rs.loads(written)
            value = loaded["k"]
        except Exception:
            self.fail(f"{text[:40]!r} is not a valid {shown(tag)}", mark, "fix or remove the tag")
        self.check_number(value, text, mark)
        self.core[tag, text] = value
        return value

    def apply_tag(self, tag: str, value: Any, mark: Any) -> Any:
        """A node's value with a tag that is not a core one, as Options.yaml_tags says."""
        if self.options.yaml_tags == "drop":
            return value
        wrapped = {key_of_tag(tag): value}
        self.tagged.add(id(wrapped))
        return wrapped

    def check_tag(self, tag: str | None, mark: Any) -> None:
        """Refuse !!python/* tags, and any tag other than the core ones under "refuse"."""
        if tag is None or tag == "!" or tag in CORE_TAGS or tag == _MERGE_TAG:
            return
        suffix = tag.removeprefix(CORE) if tag.startswith(CORE) else tag[1:]
        if tag.startswith(("!", CORE)) and any(mark in suffix for mark in ",[]{}"):
            # `!!str, xxx`: a tag shorthand ends before a flow indicator (YAML 1.2, 6.8.2)
            self.fail(
                f"the tag {shown(tag)} holds a flow indicator (, [ ] {{ }}), which a tag may not",
                mark,
                "put a space between the tag and what follows it",
            )
        if tag.startswith(PYTHON_PREFIX):
            self.fail(
                f"the tag {shown(tag)} is refused: it asks a Python loader to run code",
                mark,
                "remove the tag",
                repairable=False,
            )
        if self.options.yaml_tags == "refuse":
            self.fail(
                f"the tag {shown(tag)} is not supported",
                mark,
                "--yaml-tags refuse allows the YAML 1.2 core tags only (!!str, !!int, !!float, "
                "!!bool, !!null, !!map, !!seq): remove the tag, or read it with --yaml-tags "
                "keep (the default: a mapping {tag: value}) or drop (the value alone)",
                repairable=False,
            )

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        text = self.unswap(event.value) if self.swaps else event.value
        self.check_tag(tag, event.start_mark)
        if tag is None:
            return self.resolve_plain(text, event.start_mark) if is_plain(event) else text
        if tag in ("!", CORE + "str", _MERGE_TAG):
            return text
        if tag in _SCALAR_CORE_TAGS:
            return self.resolve_core(tag, text, event.start_mark)
        if tag in _COLLECTION_CORE_TAGS:
            self.fail(f"the tag {shown(tag)} cannot be on a scalar", event.start_mark)
        return self.apply_tag(tag, text, event.start_mark)

    def alias(self, event: Any) -> tuple[Any, int]:
        if event.anchor not in self.anchors:
            self.fail(
                f"the alias *{event.anchor} has no anchor &{event.anchor} before it",
                event.start_mark,
                "define the anchor before its aliases (an alias cannot refer to a node "
                "that holds it)",
            )
        value, size = self.anchors[event.anchor]
        self.alias_bytes += size
        if self.alias_bytes > self.options.max_alias_bytes:
            self.fail(
                f"the aliases expand to more than {self.options.max_alias_bytes:,} characters",
                event.start_mark,
                "the aliases expand past --max-alias-bytes (a billion-laughs guard); raise it "
                "(API: max_alias_bytes=) if the file is trusted",
                repairable=False,
            )
        return value, size

    # -- collections

    def hashable_key(self, value: Any, mark: Any) -> Any:
        """A key as yaml-rs holds it: a sequence as a tuple, a mapping as a frozenset of items."""
        if id(value) in self.tagged:
            self.fail(
                f"the key has the tag {next(iter(value))}, and a tag on a key cannot be kept",
                mark,
                "remove the tag, or read the key without it with --yaml-tags drop",
            )
        if isinstance(value, list):
            return tuple(self.hashable_key(item, mark) for item in value)
        if isinstance(value, dict):
            return frozenset((name, self.hashable_key(item, mark)) for name, item in value.items())
        return value

    def add(self, parent: _Collection, value: Any, size: int, event: Any) -> None:
        parent.size += size
        if not parent.is_mapping:
            parent.items.append(value)
        elif parent.key is None:
            merge = (
                type(event).__name__ == "ScalarEvent"
                and event.value == "<<"
                and is_plain(event)
                and event.tag in (None, _MERGE_TAG)
                and self.options.yaml_merge == "expand"
            )
            parent.key = (self.hashable_key(value, event.start_mark), event.start_mark, merge)
        else:
            key, mark, merge = parent.key
            parent.entries.append((key, mark, merge, value))
            parent.key = None

    def merged(self, value: Any, mark: Any) -> list[dict[Any, Any]]:
        """The mappings a merge key's value names, in order."""
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict) or id(source) in self.tagged:
                self.fail(
                    "a merge key (<<) takes a mapping or a list of mappings",
                    mark,
                    "merge anchored mappings (`<<: *base` or `<<: [*a, *b]`), or quote '<<' "
                    "to make it an ordinary key",
                )
        return sources

    def mapping(self, collection: _Collection) -> dict[Any, Any]:
        own: dict[Any, Any] = {}
        merges: list[dict[Any, Any]] = []
        for key, mark, merge, value in collection.entries:
            if merge:
                merges.extend(self.merged(value, mark))
                continue
            if key in own:
                hint = "YAML readers disagree on which value wins; remove one of them"
                if key == "<<":
                    hint += " (or expand merge keys: --yaml-merge expand)"
                self.fail(f"duplicate mapping key: {key!r}", mark, hint)
            own[key] = value
        result = own
        if merges:
            result = {}
            for source in merges:
                for key, value in source.items():
                    result.setdefault(key, value)
            result.update(own)
        if self.options.yaml_tags == "keep" and len(result) == 1:
            key = next(iter(result))
            if tag_of_key(key) is not None:
                self.fail(
                    f"the mapping's only key {key!r} reads as the tag {key} under structconv's "
                    "tag convention, so it would come back from other formats as a tag",
                    collection.start.start_mark,
                    "read it with --yaml-tags drop (tags then lose their tag), or give the "
                    "mapping a second key",
                    repairable=False,
                )
        return result

    def finish(self, collection: _Collection) -> Any:
        start = collection.start
        value: Any = self.mapping(collection) if collection.is_mapping else collection.items
        tag = start.tag
        if tag is None or tag == "!":
            return value
        expected = _COLLECTION_CORE_TAGS.get(tag)
        if expected is not None:
            if not isinstance(value, expected):
                self.fail(
                    f"the tag {shown(tag)} cannot be on a "
                    + ("mapping" if collection.is_mapping else "sequence"),
                    start.start_mark,
                )
            return value
        if tag in CORE_TAGS:
            self.fail(f"the tag {shown(tag)} cannot be on a collection", start.start_mark)
        return self.apply_tag(tag, value, start.start_mark)

    def read(self, events: list[Any]) -> tuple[list[Any], list[int]]:
        """The documents of the stream, and the line each one starts on."""
        documents: list[Any] = []
        starts: list[int] = []
        open_collections: list[_Collection] = []
        for event in events:
            kind = type(event).__name__
            anchor = None
            if kind == "ScalarEvent":
                value, size, anchor = self.scalar(event), len(event.value) + 1, event.anchor
            elif kind == "AliasEvent":
                value, size = self.alias(event)
            elif kind in ("MappingStartEvent", "SequenceStartEvent"):
                self.check_tag(event.tag, event.start_mark)
                open_collections.append(_Collection(event, kind == "MappingStartEvent"))
                continue
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                collection = open_collections.pop()
                value, size = self.finish(collection), collection.size
                event, anchor = collection.start, collection.start.anchor
            elif kind == "DocumentStartEvent":
                starts.append(event.start_mark.line + 1)
                continue
            else:
                continue
            if anchor is not None:
                self.anchors[anchor] = (value, size)
            if open_collections:
                self.add(open_collections[-1], value, size, event)
            else:
                documents.append(value)
        return documents, starts


def read_events(text: str, parsed: Parsed, options: Options) -> tuple[list[Any], list[int]]:
    """The documents of `text` read from its events, and the line each one starts on."""
    return _Reader(text, options, parsed.swaps).read(parsed.events)
