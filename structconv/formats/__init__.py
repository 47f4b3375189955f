"""The format registry: one module per format, each exporting a `CODEC`.

Same-format normalization (comments kept) lives in structconv.normalize, not here:
it needs other libraries (ruamel.yaml, tomlkit), and conversion must not load them.

Modules are imported on first use (not at `import structconv`), so the CLI and
the pre-commit hook start fast and never load lxml or ruamel.yaml for a JSON file.
"""

# Annotations are evaluated, not postponed: typing would compile a NamedTuple's (see
# docs/architecture.md, "The layers").
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from structconv.errors import ParseError, RoundTripError, UsageError
from structconv.names import Format
from structconv.neutral import Data, depth, first_difference
from structconv.options import Options

if TYPE_CHECKING:
    from structconv.formats.records import RecordCodec


class Codec(NamedTuple):
    """What a format module provides.

    loads:     text -> neutral data (raises ParseError with line and column).
    represent: neutral data -> the data this format can hold, with dates, nulls and
               keys mapped per Options (raises UnrepresentableError naming the path).
    dumps:     represented data -> text.
    reread:    text -> represented data, to verify that `dumps` lost nothing.
    fast_write: data -> verified text in one C-speed pass, or None when it cannot vouch
               for the result (then the general represent/dumps/reread path runs).

    A format whose data is a list of records may also stream: RECORD_MODULES names the
    module whose RECORDS reads or writes it a batch at a time (formats/records.py).
    """

    name: str
    suffixes: tuple[str, ...]
    loads: Callable[[str, Options], Any]
    represent: Callable[[Any, Options], Any]
    dumps: Callable[[Any, Options], str]
    reread: Callable[[str, Options], Any]
    fast_write: Callable[[Any, Options], str | None] | None = None


# Format name -> the module that defines its CODEC.
MODULES: dict[Format, str] = {
    "json": "structconv.formats.json",
    "jsonc": "structconv.formats.jsonc",
    "json5": "structconv.formats.json5",
    "jsonl": "structconv.formats.jsonl",
    "yaml": "structconv.formats.yaml",
    "toml": "structconv.formats.toml",
    "xml": "structconv.formats.xml",
    "csv": "structconv.formats.csv",
}

FORMATS: tuple[Format, ...] = tuple(MODULES)

# The modules a format's module imports only to write (a check reads without them), for
# structconv.api.modules_for.
WRITER_MODULES: dict[Format, tuple[str, ...]] = {
    "toml": ("structconv.formats.toml_writer", "structconv.formats.json"),
}

# Format name -> the module whose RECORDS streams it (formats/records.py), for
# structconv.streaming. Names, like MODULES, so that a batch can plan which modules its
# workers load without importing them here.
RECORD_MODULES: dict[Format, str] = {
    "json": "structconv.formats.json_records",
    "jsonl": "structconv.formats.jsonl_records",
    "xml": "structconv.formats.xml_records",
    "csv": "structconv.formats.csv_records",
}

SUFFIXES: dict[str, Format] = {
    ".json": "json",
    ".jsonc": "jsonc",
    ".json5": "json5",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".xml": "xml",
    ".xsd": "xml",
    ".svg": "xml",
    ".csv": "csv",
    ".tsv": "csv",
}

ALIASES: dict[str, Format] = {"yml": "yaml", "ndjson": "jsonl", "tsv": "csv"}


def canonical_name(name: str) -> Format:
    """The format a name means (any case, a leading dot, an alias such as "yml")."""
    lowered = name.lower().lstrip(".")
    lowered = ALIASES.get(lowered, lowered)
    if lowered not in MODULES:
        raise UsageError(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}")
    return lowered


def get_codec(name: str) -> Codec:
    module = importlib.import_module(MODULES[canonical_name(name)])
    codec: Codec = module.CODEC
    return codec


def get_records(name: str) -> "RecordCodec | None":
    """What the format offers streaming (formats/records.py); None: it does not stream."""
    module = RECORD_MODULES.get(canonical_name(name))
    if module is None:
        return None
    records: RecordCodec = importlib.import_module(module).RECORDS
    return records


def get_suffix(name: str) -> str:
    """The usual file suffix of a format, for naming outputs."""
    canonical = canonical_name(name)
    return next(suffix for suffix, owner in SUFFIXES.items() if owner == canonical)


def format_from_suffix(path: str | os.PathLike[str]) -> Format | None:
    """The format of a file name's suffix (as PurePath.suffix finds it), or None.

    Without pathlib, which a hook checking a file would import only for this."""
    name = os.path.basename(path)  # noqa: PTH119
    dot = name.rfind(".")
    return SUFFIXES.get(name[dot:].lower()) if 0 < dot < len(name) - 1 else None


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building or walking big data.

    Reading allocates millions of acyclic objects, and each collection walks all of
    them: for a 6 MB XML document that was most of the time (measured: 3x), for a
    20 MB YAML one 0.2-0.6 s of 2.5 s, depending on what else the process holds.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _promote_to_oldest_generation()
            gc.enable()


def _promote_to_oldest_generation() -> None:
    """Move what the pause let pile up in the youngest generation to the oldest one, as
    if it had survived collections: else the first allocation after the pause collects
    the youngest generation, walking every object just built (0.1-0.4 s for 20 MB of
    YAML, more than the pause saved). freeze and unfreeze move whole lists (constant
    time). The process's other young objects go along: a cycle among them waits for the
    next full collection. Where the process keeps frozen objects of its own, nothing moves."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def read(text: str, format: str, options: Options) -> Data:
    """Parse `text` into neutral data with the strict reader, within the depth and size limits."""
    if len(text) > options.max_bytes:
        raise ParseError(
            f"the input is {len(text):,} characters, over the limit of {options.max_bytes:,}",
            format=format,
            hint="raise it with --max-bytes (API: max_bytes=) if the file is trusted",
            repairable=False,
        )
    try:
        with without_gc():
            return get_codec(format).loads(text, options)
    except RecursionError:
        raise too_deep(format, options, recursed=True) from None


def too_deep(format: str, options: Options, *, recursed: bool = False) -> ParseError:
    """The depth error, naming the limit in force: options.max_depth, or, where a reader
    or writer ran out of Python's stack (`recursed`) under a max_depth raised above
    Python's recursion limit, that limit, which --max-depth cannot lift."""
    interpreter = sys.getrecursionlimit()
    if recursed and options.max_depth >= interpreter:
        return ParseError(
            f"the data nests deeper than the {format} reader and writer can follow here: "
            f"about {interpreter} levels (Python's recursion limit), below --max-depth "
            f"{options.max_depth}",
            format=format,
            hint="this limit is in force whatever --max-depth says; flatten the data",
            repairable=False,
        )
    return ParseError(
        f"the data nests deeper than {options.max_depth} levels",
        format=format,
        hint="raise the limit with --max-depth (API: max_depth=) if the file is trusted",
        repairable=False,
    )


def write(
    data: Data, target_format: str, options: Options, source_format: str = "data"
) -> tuple[str, Any]:
    """The text of `data` in the target format, and the data as the target holds it.

    With options.verify the text is read back and compared: a writer that would
    lose anything raises RoundTripError instead of returning. The depth limit is
    checked here, off the fast path: the parsers bound nesting themselves, and the
    fast writers refuse deep data.
    """
    with without_gc():
        return _write(data, target_format, options, source_format)


def _write(data: Data, target_format: str, options: Options, source_format: str) -> tuple[str, Any]:
    codec = get_codec(target_format)
    if codec.fast_write is not None:
        text = codec.fast_write(data, options)
        if text is not None:
            return text, data
    if depth(data) > options.max_depth:
        raise too_deep(source_format, options)
    try:
        represented = codec.represent(data, options)
    except RecursionError:
        raise too_deep(source_format, options, recursed=True) from None
    if codec.fast_write is not None:
        text = codec.fast_write(represented, options)
        if text is not None:
            return text, represented
    text = codec.dumps(represented, options)
    if options.verify:
        try:
            again = codec.reread(text, options)
        except ParseError as error:
            raise RoundTripError(target_format, "$", "readable output", str(error)) from None
        difference = first_difference(represented, again)
        if difference is not None:
            raise RoundTripError(target_format, *difference)
    return text, represented
