"""Conversion settings: one frozen record shared by every codec.

Lossless by default: each setting that allows a lossy mapping is off until the
user asks for it, and the error that needs it names it.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from structconv.errors import UsageError
from structconv.frozen import FrozenRecord, field_names
from structconv.names import REPAIR_MODES, RepairMode

NullPolicy = Literal["error", "drop", "empty"]
NULL_POLICIES: tuple[NullPolicy, ...] = get_args(NullPolicy)
TOML_VERSIONS = ("1.0", "1.1")
YAML_TAG_POLICIES = ("keep", "drop", "refuse")
YAML_MERGE_POLICIES = ("expand", "keep")


# A record, not a dataclass: every command makes one, and dataclasses costs each start
# about 10 ms (structconv.frozen). Copies with changes: structconv.frozen.replace.
class Options(FrozenRecord):
    """The settings of one conversion, each described beside it; checked when made."""

    indent: int = 2
    sort_keys: bool = False
    # None where the target has no null (TOML, XML, CSV): refuse, leave the key out, or write "".
    null: NullPolicy = "error"
    # Non-string mapping keys (YAML `1: a`) where the target needs strings (JSON, TOML, XML, CSV).
    stringify_keys: bool = False
    # XML: the element that wraps data without a single root; TOML: the key that holds a top-level list.
    root: str | None = None
    # XML: the element name for the items of a list that has no name of its own.
    item: str = "item"
    # YAML: read every document of a stream into a list; write a list as one document per item.
    multi_document: bool = False
    # YAML tags other than the core ones (`!Ref x`, `!include f`, `!!binary`): "keep" reads them
    # as the single-key mapping {"!Ref": "x"} and writes such a mapping back as the tag;
    # "drop" reads the value without its tag; "refuse" makes a tag an error.
    yaml_tags: str = "keep"
    # YAML merge keys (`<<: *base`): "expand" merges them as YAML 1.1 readers do; "keep"
    # reads `<<` as an ordinary key holding the merged mapping.
    yaml_merge: str = "expand"
    # CSV: read canonical spellings (7, 1.5, true, false) as typed values; everything else stays text.
    infer_types: bool = True
    # CSV: the delimiter; None sniffs it on reading and writes "," .
    delimiter: str | None = None
    # CSV: turn dotted column names back into nested records on reading.
    unflatten: bool = True
    # CSV: False reads every row as a list of cells (no header row; types inferred per
    # column as usual). Written CSV has a header unless the data is a list of lists.
    header: bool = True
    # CSV holding several tables (each with its own header): None refuses such a file at
    # the line where the second table starts; N (1-based) reads table N; "all" reads a
    # list of every table's records.
    table: int | str | None = None
    # CSV: write text cells (and column names) that start with = + - @ TAB or CR, which a
    # spreadsheet may run as formulas, with a leading ' (the data changes; a note says so).
    # Off: written as they are, with a note on the first one.
    escape_formulas: bool = False
    # XML: an XML Schema (path) that types values and orders elements.
    schema: str | None = None
    # TOML: the version read; "1.0" refuses what only TOML 1.1 allows. Written TOML is
    # always TOML 1.0 syntax, which 1.1 readers read too.
    toml_version: str = "1.1"
    # Limits against hostile input; raise them when a trusted file needs more.
    max_depth: int = 512
    max_bytes: int = 1 << 30
    # YAML: the characters that aliases may add by repeating their anchored nodes.
    max_alias_bytes: int = 64 << 20
    # Re-read every output and compare it with the data (cheap; see benchmarks).
    verify: bool = True
    # Processes for one big CSV file streamed to JSON or JSON Lines: None picks (one per free
    # CPU for files of 8 MiB per process and more), 1 keeps it in this process.
    workers: int | None = None
    # Broken input: see names.RepairMode.
    repair: RepairMode = "auto"
    # The repair model: a base GGUF to use instead of the packaged one (also $STRUCTCONV_MODEL).
    model: str | None = None
    # A repair by the model below this confidence is held for review, never accepted.
    # 0.5 is calibrated on the adversarial benchmark: it holds every candidate the model
    # was less sure of (0.006-0.35) and none of its right answers (from 0.53; README).
    min_confidence: float = 0.5

    def __post_init__(self) -> None:
        """Every way of making Options checks it: a wrong value fails here, naming the
        setting, not deep inside a conversion."""
        problem = _problem(self)
        if problem is not None:
            raise UsageError(problem)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Options:
        """Options from keyword settings (the API's **settings): an unknown name is a
        UsageError listing the known ones."""
        known = set(field_names(cls))
        unknown = sorted(set(settings) - known)
        if unknown:
            raise UsageError(
                f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        if "table" in settings:
            settings = {**settings, "table": _table_choice(settings["table"])}
        return cls(**settings)


def _choice(name: str, value: object, choices: tuple[str, ...]) -> str | None:
    if value in choices:
        return None
    return f"{name} must be one of {', '.join(choices)}, not {value!r}"


def _problem(options: Options) -> str | None:
    """What is wrong with `options`, or None."""
    if options.null not in NULL_POLICIES:
        return f"null must be error, drop or empty, not {options.null!r}"
    if options.workers is not None and options.workers < 1:
        return f"workers must be at least 1, not {options.workers}"
    if not 0.0 <= options.min_confidence <= 1.0:
        return f"min_confidence must be within 0 and 1, not {options.min_confidence}"
    if options.table is not None and _table_choice(options.table) != options.table:
        return f"table must be a table number from 1 or 'all', not {options.table!r}"
    if options.table is not None and not options.header:
        return "table picks tables by their header rows; it does not go with header=False"
    return (
        _choice("toml_version", options.toml_version, TOML_VERSIONS)
        or _choice("yaml_tags", options.yaml_tags, YAML_TAG_POLICIES)
        or _choice("yaml_merge", options.yaml_merge, YAML_MERGE_POLICIES)
        or _delimiter_problem(options.delimiter)
        or _choice("repair", options.repair, REPAIR_MODES)
    )


def _delimiter_problem(delimiter: str | None) -> str | None:
    if delimiter is None or (len(delimiter) == 1 and delimiter not in '"\r\n'):
        return None
    return f"delimiter must be one character other than a quote or a line break, not {delimiter!r}"


def _table_choice(value: Any) -> int | str | None:
    """`table` as given (an int, its digits as text from the command line, or "all")."""
    if value is None or value == "all":
        return None if value is None else "all"
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise UsageError(f"table must be a table number from 1 or 'all', not {value!r}")
