"""Same-format normalization: a canonical rewrite that keeps comments, order and data.

One module per format (json, yaml, toml, xml, csv), each exporting
`normalize(text: str, settings: NormalizeSettings) -> str`; the registry below is a
plain dict of module names, imported on first use so that normalizing JSON never loads
ruamel.yaml, tomlkit or lxml.

The format modules only have to be good formatters; `normalize_text` makes the
guarantees, for every file, whatever a formatter library does in a corner case:
- the data is unchanged: the original and the result are both read with
  structconv.formats.read and compared (first_difference), key order included unless
  sort_keys asked for sorting; any difference refuses the file with
  `NormalizationRefused`, and nothing is written. So does a formatter library that
  fails on a file the strict reader accepted: one odd file never stops a batch;
- idempotence: the formatter is re-applied until its output is stable (at most three
  passes), so normalize_text(normalize_text(x)) == normalize_text(x); a formatter that
  does not settle refuses the file;
- line endings: a file that uses CRLF throughout keeps CRLF, a file that mixes them
  gets LF (the formatters see LF).
  The CSV formatter sees the text as it is: a quoted cell may hold line breaks of
  either kind, and those are data.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from structconv import formats, frozen
from structconv.atomic import in_place_target, permissions_from, write_atomic
from structconv.diffs import unified_diff
from structconv.encoding import decode
from structconv.errors import (
    AmbiguousInput,
    NormalizationRefused,
    ParseError,
    RepairRejected,
    StructconvError,
    UsageError,
)
from structconv.formats.detect import detect_format
from structconv.names import RepairMode
from structconv.neutral import Data, PathPart, first_difference, format_path
from structconv.normalize.settings import NormalizeSettings
from structconv.options import Options
from structconv.repair import read_or_repair

if TYPE_CHECKING:
    from structconv.fixes import Fix  # a repair's records: loaded only by a repair

# Format name -> the module that defines its `normalize`.
NORMALIZERS: dict[str, str] = {
    "json": "structconv.normalize.json",
    "jsonc": "structconv.normalize.jsonc",
    "json5": "structconv.normalize.jsonc",
    "yaml": "structconv.normalize.yaml",
    "toml": "structconv.normalize.toml",
    "xml": "structconv.normalize.xml",
    "csv": "structconv.normalize.csv",
}

# Validation reads with these: a YAML file may hold several documents (Kubernetes manifests).
_READ_OPTIONS: dict[str, Options] = {"yaml": Options(multi_document=True)}
_DEFAULT_OPTIONS = Options()
_PASSES = 3
# Formats whose formatter keeps the file's line endings itself.
_OWN_LINE_ENDINGS = frozenset({"csv"})

Normalizer = Callable[[str, NormalizeSettings], str]


def normalizer_for(format: str) -> Normalizer:
    """The `normalize` function of a format (its module is imported now)."""
    name = formats.canonical_name(format)
    if name not in NORMALIZERS:
        raise UsageError(f"normalize supports {', '.join(NORMALIZERS)}, not {name}")
    function: Normalizer = importlib.import_module(NORMALIZERS[name]).normalize
    return function


def read_data(text: str, format: str) -> Data:
    """The neutral data of `text`, as validation compares it (ParseError when invalid)."""
    return formats.read(text, format, _READ_OPTIONS.get(format, _DEFAULT_OPTIONS))


def _apply(function: Normalizer, text: str, settings: NormalizeSettings, format: str) -> str:
    try:
        return function(text, settings)
    except RecursionError:
        raise NormalizationRefused(format, "the document nests too deeply to format") from None
    except StructconvError:
        raise
    except Exception as error:
        # The strict reader accepted the file, so this is a formatter library's corner
        # case (ruamel.yaml, tomlkit, lxml raise their own types): refuse the file.
        raise NormalizationRefused(
            format, f"the formatter failed ({type(error).__name__}: {error})"
        ) from None


def _stable(function: Normalizer, text: str, settings: NormalizeSettings, format: str) -> str:
    current = _apply(function, text, settings, format)
    if current == text:
        return current
    for _ in range(_PASSES - 1):
        again = _apply(function, current, settings, format)
        if again == current:
            return current
        current = again
    raise NormalizationRefused(format, f"the formatter did not settle after {_PASSES} passes")


def _order_difference(expected: Any, got: Any) -> str | None:
    """The path of the first mapping whose keys come in another order (same keys assumed)."""
    stack: list[tuple[tuple[PathPart, ...], Any, Any]] = [((), expected, got)]
    while stack:
        path, left, right = stack.pop()
        if isinstance(left, dict) and isinstance(right, dict):
            if list(left) != list(right):
                return format_path(path)
            stack.extend((path + (key,), left[key], right[key]) for key in left)
        elif isinstance(left, list) and isinstance(right, list):
            stack.extend(
                (path + (index,), *pair) for index, pair in enumerate(zip(left, right, strict=True))
            )
    return None


def _uses_crlf(text: str) -> bool:
    count = text.count("\r\n")
    return count > 0 and count == text.count("\n")


def normalize_text(text: str, format: str, settings: NormalizeSettings | None = None) -> str:
    """The canonical text of `text` in its own format, verified to hold the same data.

    Raises ParseError when `text` is not valid (nothing to normalize) and
    NormalizationRefused when the result would differ in data or is not stable.
    """
    settings = settings or NormalizeSettings()
    name = formats.canonical_name(format)
    function = normalizer_for(name)
    original = read_data(text, name)
    own_line_endings = name in _OWN_LINE_ENDINGS
    crlf = not own_line_endings and _uses_crlf(text)
    working = text if own_line_endings else text.replace("\r\n", "\n")
    result = _stable(function, working, settings, name)
    if crlf:
        result = result.replace("\n", "\r\n")
    if result == text:
        return result
    try:
        again = read_data(result, name)
    except ParseError as error:
        raise NormalizationRefused(name, f"the result would not parse ({error})") from None
    difference = first_difference(original, again)
    if difference is not None:
        path, expected, got = difference
        raise NormalizationRefused(
            name, f"the data would change at {path}: {expected!r} would become {got!r}"
        )
    if not settings.sort_keys:
        moved = _order_difference(original, again)
        if moved is not None:
            raise NormalizationRefused(name, f"the keys of {moved} would change order")
    return result


class NormalizedFile(frozen.FrozenRecord):
    """One file before and after normalization (nothing written yet)."""

    path: str
    format: str
    encoding: str
    original: str
    text: str
    # What the repair pipeline changed before normalizing (only with repair on).
    fixes: tuple[Fix, ...] = ()
    # The file's bytes as read: what a verdict on it is about (structconv.hook_cache).
    raw: bytes = b""

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def diff(self) -> str:
        """A unified diff from the original to the normalized text (empty when unchanged)."""
        return unified_diff(self.original, self.text, self.path)

    def write(self) -> None:
        """Replace the file atomically, in the encoding it was read in (a BOM stays)."""
        replace_file(self.path, self.text, self.encoding)


def replace_file(path: str, text: str, encoding: str) -> None:
    """Replace the file atomically: readers see the old file or the new one, never a
    partial one. It keeps its permissions and owner; a symbolic link stays a link and the
    file it points to is rewritten; a file with other hard links is refused (UsageError),
    since a rename would split them (structconv.atomic.in_place_target).

    No fsync (`sync=False`): a normalized file is a reformatting of one that version
    control holds, and fsync was 70% of the time of normalizing a tree of small files
    (benchmarks/normalize_bench.py).
    """
    target = in_place_target(path)
    with permissions_from(target):
        write_atomic(target, text, encoding, sync=False)


def file_format(path: str | os.PathLike[str], text: str, format: str | None = None) -> str:
    """The format to normalize a file as: `format` if given, else by suffix, else by content."""
    if format is not None:
        return formats.canonical_name(format)
    return detect_format(text, os.fspath(path))


def repair_text(text: str, format: str, mode: RepairMode) -> tuple[str, tuple[Fix, ...]]:
    """The repaired source text and its fixes, from the repair pipeline with `repair=mode`;
    raises what the pipeline raises when it cannot repair."""
    options = Options(repair=mode, multi_document=format == "yaml")
    _, repaired = read_or_repair(text, format, options)
    return (text, ()) if repaired is None else (repaired.text, repaired.fixes)


def normalize_file(
    path: str | os.PathLike[str],
    settings: NormalizeSettings,
    format: str | None = None,
    repair: RepairMode = "off",
) -> NormalizedFile:
    """Read, decode and normalize one file; errors carry the file name.

    With `repair` other than "off", a file the strict reader refuses goes through the
    repair pipeline first; its fixes are on the result and the repaired text is then
    normalized (and checked against the repaired data) like any other.
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as file:
            raw = file.read()
    except OSError as error:
        raise UsageError(f"cannot read: {error.strerror}") from None
    hinted = format or formats.format_from_suffix(source)
    fixes: tuple[Fix, ...] = ()
    try:
        text, encoding = decode(raw, None if hinted is None else formats.canonical_name(hinted))
        name = file_format(source, text, format)
        try:
            normalized = normalize_text(text, name, settings)
        except ParseError as error:
            if repair == "off" or not error.repairable:
                raise
            repaired, fixes = repair_text(text, name, repair)
            normalized = normalize_text(repaired, name, settings)
    except (ParseError, RepairRejected, AmbiguousInput) as error:
        raise error.with_source(source) from None
    try:
        normalized.encode(encoding)
    except UnicodeEncodeError as error:
        raise NormalizationRefused(
            name, f"the result holds {error.object[error.start]!r}, which {encoding} cannot encode"
        ) from None
    return NormalizedFile(
        path=source,
        format=name,
        encoding=encoding,
        original=text,
        text=normalized,
        fixes=fixes,
        raw=raw,
    )
