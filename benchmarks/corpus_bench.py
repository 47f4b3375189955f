"""structconv on real files against the reference parsers (issue 15's targets).

    python benchmarks/corpus_bench.py [--corpus DIR] [--kind KIND ...] [--out FILE.md] [--json FILE.json]

For every file of tests/fixtures/corpus/<kind>/ (sources in its SOURCES.md;
benchmarks/corpus_collect.py rebuilds it):

1. the reference reading: json (JSONC files that json refuses: json5), ruamel.yaml
   (YAML 1.2) and PyYAML (YAML 1.1), tomllib, lxml, csv; mapped to the data that
   structconv's JSON holds by its documented conventions (YAML tags as `{"!Tag": value}`,
   XML as `{"root": {"@attr": ..., "#text": ...}}`, dates as ISO 8601 text);
2. structconv's reading, `convert(file, to="json")` as a user runs it (repair on, the
   default), with `multi_document=True` where the reference reads several YAML
   documents; the JSON is read back and compared type-strict (1, 1.0 and true differ;
   key order too). A CSV's typed cells count as equal when the cell spells the value
   canonically (`7`, `1.5`, `true`), as the README's CSV convention says. Differences
   that the README's "Known limitations" documents (YAML 1.1 against 1.2: `yes`, `on`,
   `017`, `1_000`) are listed by kind, apart from the others;
3. `structconv-check` (structconv.hooks.check_main) on the file;
4. `normalize` (structconv.normalize.normalize_file): it succeeds, the reference
   reading of its output is the reference reading of the file, and every comment is
   still there (the comments of both texts compared as lists of their words).

Prints a table per kind and overall against the targets, then every failure with a
one-line reason. Files the reference parsers refuse are counted apart (they are no
evidence either way) and only their structconv-check outcome is listed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import io
import json
import re
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"

# Issue 15's targets.
TARGET_READ = 0.99
TARGET_CHECK = 0.98
TARGET_NORMALIZE = 0.97

# Names of .json files their tools read as JSON with comments (the reference then
# falls back to json5 where json refuses the file).
JSONC_NAMES = re.compile(
    r"(^|/)(tsconfig[^/]*\.json|jsconfig[^/]*\.json|\.vscode/[^/]+\.json|[^/]*devcontainer\.json"
    r"|\.devcontainer/[^/]+\.json|language-configuration\.json)$"
)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# The reference readings, mapped to the JSON data structconv's conventions give
# --------------------------------------------------------------------------------------


class Refused(Exception):
    """The reference parser does not read the file."""


def format_of(path: PurePosixPath) -> str:
    """The format a user's file name says (the corpus keeps the names of the repositories)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".toml":
        return "toml"
    if suffix in (".xml", ".svg"):
        return "xml"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    raise ValueError(f"no format for {path}")


def as_json_data(value: Any) -> Any:
    """What JSON holds of a reference reading: dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {key: as_json_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json_data(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def _tagged(constructor: Any, node: Any) -> dict[str, Any]:
    import yaml
    from ruamel.yaml.nodes import ScalarNode, SequenceNode

    from structconv.formats.yaml_tags import key_of_tag  # the README's tag convention

    if isinstance(node, ScalarNode | yaml.ScalarNode):
        value: Any = node.value
    elif isinstance(node, SequenceNode | yaml.SequenceNode):
        value = list(constructor.construct_sequence(node, deep=True))
    else:
        value = dict(constructor.construct_mapping(node, deep=True))
    tag = node.tag if isinstance(node.tag, str) else node.tag.value
    return {key_of_tag(tag): value}


@contextlib.contextmanager
def _quiet_warnings() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def ruamel_documents(text: str) -> list[Any]:
    """YAML 1.2 (ruamel.yaml's safe reader, pure Python), unknown tags under the convention."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    class Constructor(SafeConstructor):
        pass

    Constructor.add_multi_constructor("!", lambda c, suffix, node: _tagged(c, node))
    Constructor.add_multi_constructor(
        "tag:yaml.org,2002:binary", lambda c, suffix, node: _tagged(c, node)
    )
    reader = YAML(typ="safe", pure=True)
    reader.Constructor = Constructor
    try:
        with _quiet_warnings():
            return [as_json_data(document) for document in reader.load_all(text)]
    except Exception as error:
        raise Refused(f"ruamel.yaml: {type(error).__name__}: {_first_line(error)}") from None


def pyyaml_documents(text: str) -> list[Any]:
    """YAML 1.1 (PyYAML's safe reader), unknown tags under the convention."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: _tagged(loader, node))
    Loader.add_constructor("tag:yaml.org,2002:binary", lambda loader, node: _tagged(loader, node))
    try:
        return [as_json_data(document) for document in yaml.load_all(text, Loader=Loader)]
    except Exception as error:
        raise Refused(f"PyYAML: {type(error).__name__}: {_first_line(error)}") from None


def toml_reading(text: str) -> Any:
    try:
        return as_json_data(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise Refused(f"tomllib: {error}") from None


def json_reading(text: str, path: PurePosixPath) -> tuple[Any, str]:
    """(data, parser): json, or json5 for a JSONC file that json refuses."""
    try:
        return json.loads(text), "json"
    except ValueError as error:
        if not JSONC_NAMES.search(path.as_posix()):
            raise Refused(f"json: {error}") from None
    import json5

    try:
        return json5.loads(text), "json5"
    except ValueError as error:
        raise Refused(f"json5: {error}") from None


_XML_SPACE = " \t\r\n"


def xml_reading(raw: bytes) -> Any:
    """lxml's tree as the README's XML convention writes it (comments and processing
    instructions dropped, entity references kept as their text)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        raise Refused(f"lxml: {error}") from None
    return {_element_name(root): _element_value(root, {})}


def _element_name(element: Any) -> str:
    local = str(element.tag).rpartition("}")[2]
    return f"{element.prefix}:{local}" if element.prefix else local


def _element_value(element: Any, inherited: dict[str | None, str]) -> Any:
    namespaces = dict(element.nsmap)
    value: dict[str, Any] = {}
    for prefix, uri in namespaces.items():
        if inherited.get(prefix) != uri:
            value["@xmlns" if prefix is None else f"@xmlns:{prefix}"] = uri
    for name, attribute in element.attrib.items():
        if name.startswith("{"):
            uri, _, local = name[1:].partition("}")
            if uri == "http://www.w3.org/XML/1998/namespace":
                prefix = "xml"
            else:
                prefix = next(p for p, u in namespaces.items() if p and u == uri)
            name = f"{prefix}:{local}"
        value[f"@{name}"] = attribute
    content: list[Any] = []  # text pieces and (name, element) pairs, in order

    def text(piece: str | None) -> None:
        if not piece:
            return
        if content and isinstance(content[-1], str):
            content[-1] += piece
        else:
            content.append(piece)

    text(element.text)
    for child in element:
        if isinstance(child.tag, str):
            content.append((_element_name(child), _element_value(child, namespaces)))
        elif child.tag is etree_entity():
            text(child.text)
        text(child.tail)
    children = [piece for piece in content if isinstance(piece, tuple)]
    if not children:
        joined = "".join(content)
        if not value:
            return joined
        if joined:
            value["#text"] = joined
        return value
    if any(isinstance(piece, str) and piece.strip(_XML_SPACE) for piece in content):
        value["#content"] = [
            piece if isinstance(piece, str) else {piece[0]: piece[1]} for piece in content
        ]
        return value
    names = [name for name, _ in children]
    runs = [name for index, name in enumerate(names) if index == 0 or names[index - 1] != name]
    if len(runs) != len(set(runs)):
        value["#content"] = [{name: child} for name, child in children]
        return value
    for name, child in children:
        if name not in value:
            value[name] = child
        elif isinstance(value[name], list):
            value[name].append(child)
        else:
            value[name] = [value[name], child]
    return value


def etree_entity() -> Any:
    from lxml import etree

    return etree.Entity


def csv_reading(text: str) -> list[dict[str, str]]:
    """The standard library's csv, as DictReader reads a file: the first row names the
    columns, blank lines are skipped. Ragged rows are reported, not padded."""
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    if not rows:
        return []
    header, records = rows[0], []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise Refused(f"csv: row {number} has {len(row)} fields, the header {len(header)}")
        records.append(dict(zip(header, row, strict=True)))
    if len(set(header)) != len(header):
        raise Refused("csv: the header repeats a column name")
    return records


# --------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    path: str
    expected: Any  # for "keys": the keys only the reference has
    got: Any  # for "keys": the keys only structconv has
    kind: str = "value"  # "value", "keys", "order", "length"

    def line(self) -> str:
        what = {"value": "", "keys": "keys only in ", "order": "key order ", "length": "items "}
        text = (
            f"{self.path}: {what[self.kind]}reference {self.expected!r}, "
            f"{what[self.kind]}structconv {self.got!r}"
        )
        return text if len(text) < 200 else text[:197] + "..."


def stringified_keys(value: Any) -> Any:
    """Keys as --stringify-keys writes them (JSON's spelling: 1, true, null)."""
    if isinstance(value, dict):
        return {
            key if isinstance(key, str) else json.dumps(key): stringified_keys(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [stringified_keys(item) for item in value]
    return value


def _path(parts: Sequence[Any]) -> str:
    return "$" + "".join(f"[{part!r}]" for part in parts)


def differences(
    expected: Any, got: Any, scalar: Callable[[Any, Any], bool] | None = None
) -> list[Difference]:
    """Every place where `got` differs from `expected` (type-strict; key order counts)."""
    same = scalar or (lambda left, right: type(left) is type(right) and left == right)
    found: list[Difference] = []
    stack: list[tuple[tuple[Any, ...], Any, Any]] = [((), expected, got)]
    while stack and len(found) < 50:
        parts, left, right = stack.pop()
        if isinstance(left, dict) and isinstance(right, dict):
            if list(left) != list(right):
                if set(left) != set(right):
                    missing = [key for key in left if key not in right]
                    extra = [key for key in right if key not in left]
                    found.append(Difference(_path(parts), missing, extra, "keys"))
                else:
                    found.append(Difference(_path(parts), list(left)[:8], list(right)[:8], "order"))
            stack.extend((parts + (key,), left[key], right[key]) for key in left if key in right)
        elif isinstance(left, list) and isinstance(right, list):
            if len(left) != len(right):
                found.append(Difference(_path(parts), len(left), len(right), "length"))
            stack.extend(
                (parts + (index,), *pair)
                for index, pair in enumerate(zip(left, right, strict=False))
            )
        elif isinstance(left, dict | list) or isinstance(right, dict | list):
            if type(left) is not type(right):
                found.append(Difference(_path(parts), left, right))
        elif not same(left, right):
            found.append(Difference(_path(parts), left, right))
    return found


# YAML 1.1 booleans that YAML 1.2 reads as strings.
YAML11_BOOLEANS = frozenset(
    ("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO")
    + ("on", "On", "ON", "off", "Off", "OFF")
)
_YAML11_INT = re.compile(
    r"[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*|[1-9][0-9_]*(:[0-5]?[0-9])+)"
)
_YAML11_FLOAT = re.compile(
    r"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*"
)
_YAML12_FLOAT_WITHOUT_DOT = re.compile(r"[-+]?[0-9]+[eE][-+]?[0-9]+")


def yaml_version_difference(expected: Any, got: Any) -> str:
    """The README's YAML 1.1/1.2 limitation that explains a YAML 1.1 reading `expected`
    where structconv (YAML 1.2) reads `got`, or ""."""
    if isinstance(expected, bool) and isinstance(got, str) and got in YAML11_BOOLEANS:
        return "YAML 1.1 boolean (yes/no/on/off): a string in YAML 1.2"
    if (
        isinstance(expected, int | float)
        and isinstance(got, str)
        and ("_" in got or got.lower().startswith(("0b", "-0b", "+0b")) or ":" in got)
        and (_YAML11_INT.fullmatch(got) or _YAML11_FLOAT.fullmatch(got))
    ):
        return "YAML 1.1 number (1_000, 0b101, 1:30): a string in YAML 1.2"
    if isinstance(expected, int) and isinstance(got, int) and not isinstance(got, bool):
        digits = str(abs(got))
        if re.fullmatch("[0-7]+", digits) and int(digits, 8) == abs(expected):
            return "YAML 1.1 octal (017): a decimal in YAML 1.2"
    if (
        isinstance(expected, str)
        and isinstance(got, float)
        and _YAML12_FLOAT_WITHOUT_DOT.fullmatch(expected)
    ):
        return "YAML 1.1 float needs a dot (1e3): a float in YAML 1.2"
    if isinstance(expected, str) and isinstance(got, int) and expected.startswith(("0o", "-0o")):
        return "YAML 1.2 octal (0o17): a string in YAML 1.1"
    return ""


def _keys_version_difference(difference: Difference) -> str:
    """Keys that YAML 1.1 reads as booleans (`on:` in a GitHub workflow)."""
    if difference.kind != "keys" or len(difference.expected) != len(difference.got):
        return ""
    if all(isinstance(key, bool) for key in difference.expected) and all(
        key in YAML11_BOOLEANS for key in difference.got
    ):
        return "YAML 1.1 boolean key (on:): a string in YAML 1.2"
    return ""


_CSV_INT = re.compile(r"-?(0|[1-9][0-9]*)")
_CSV_FLOAT = re.compile(
    r"-?(0|[1-9][0-9]*)\.[0-9]+([eE][-+]?[0-9]+)?|-?(0|[1-9][0-9]*)[eE][-+]?[0-9]+"
)


def csv_cell_equal(cell: Any, got: Any) -> bool:
    """The README's CSV convention: a cell is typed only when it spells the value canonically."""
    if isinstance(got, str):
        return cell == got
    if isinstance(got, bool):
        return cell == ("true" if got else "false")
    if isinstance(got, int):
        return bool(_CSV_INT.fullmatch(cell)) and int(cell) == got
    if isinstance(got, float):
        return bool(_CSV_FLOAT.fullmatch(cell)) and float(cell) == got
    return False


def flatten_record(record: Any, prefix: str = "") -> dict[str, Any]:
    """A record read with structconv's unflattening, back to its dotted columns."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten_record(value, name + "."))
        else:
            flat[name] = value
    return flat


# --------------------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------------------


_BLOCK_SCALAR = re.compile(r"(^|[\s:])[|>][-+1-9]*$")


def hash_comments(text: str, toml: bool) -> list[str]:
    """`#` comments of YAML or TOML outside quotes (TOML: outside multi-line strings;
    YAML: outside block scalars); each as its words, so re-indenting does not count."""
    found: list[str] = []
    in_multiline: str | None = None
    block_indent: int | None = None
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        index, quote, comment_at = 0, None, len(line)
        while index < len(line):
            char = line[index]
            if in_multiline is not None:
                if line.startswith(in_multiline, index):
                    index += 3
                    in_multiline = None
                    continue
                index += 1 if char != "\\" or in_multiline == "'''" else 2
                continue
            if quote is not None:
                if char == "\\" and quote == '"':
                    index += 2
                    continue
                if char == quote:
                    if quote == "'" and not toml and line.startswith("''", index):
                        index += 2
                        continue
                    quote = None
                index += 1
                continue
            if toml and line.startswith(('"""', "'''"), index):
                in_multiline = line[index : index + 3]
                index += 3
                continue
            if char == "#" and (index == 0 or line[index - 1] in " \t"):
                found.append(" ".join(line[index + 1 :].split()))
                comment_at = index
                break
            if char in "\"'" and (toml or index == 0 or line[index - 1] in " \t[{,:-"):
                quote = char
            index += 1
        code = line[:comment_at].rstrip()
        if not toml and _BLOCK_SCALAR.search(code):
            block_indent = indent
    return found


def slash_comments(text: str) -> list[str]:
    """`//` and `/* */` comments of JSONC outside strings, each as its words."""
    found: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            index += 1
            while index < len(text) and text[index] != '"':
                index += 2 if text[index] == "\\" else 1
            index += 1
        elif text.startswith("//", index):
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            found.append(" ".join(text[index + 2 : end].split()))
            index = end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = len(text) if end < 0 else end
            found.append(" ".join(text[index + 2 : end].replace("*", " ").split()))
            index = end + 2
        else:
            index += 1
    return found


def xml_comments(raw: bytes) -> list[str]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(raw, parser)
    tree = root.getroottree()
    nodes = [
        *reversed(list(root.itersiblings(preceding=True))),
        *root.iter(),
        *root.itersiblings(),
    ]
    del tree
    return [" ".join(str(node.text).split()) for node in nodes if node.tag is etree.Comment]


def comments_of(format: str, text: str) -> list[str]:
    if format == "yaml":
        return hash_comments(text, toml=False)
    if format == "toml":
        return hash_comments(text, toml=True)
    if format == "json":
        return slash_comments(text)
    if format == "xml":
        return xml_comments(text.encode("utf-8"))
    return []


# --------------------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    file: str
    format: str
    reference: str = ""  # the parser that read it, or "" when none did
    reference_error: str = ""
    documents: int = 1
    read: bool = False
    read_error: str = ""
    repaired: list[str] = field(default_factory=list)  # the repair rules a valid file needed
    # Read only with an option that the refusal named, as the README documents (the
    # data is then compared as read with it).
    needs_option: str = ""
    differences: list[str] = field(default_factory=list)  # real ones
    documented: list[tuple[str, str]] = field(default_factory=list)  # (reason, difference)
    check: bool = False
    check_error: str = ""
    normalized: bool = False
    normalize_error: str = ""
    changed: bool = False
    comments_before: int = 0
    comments_lost: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def reference_reading(outcome: Outcome, path: Path, raw: bytes, text: str) -> Any:
    """The file's data as the reference parser reads it (Refused when none reads it);
    YAML: a list of documents."""
    relative = PurePosixPath(outcome.file)
    if outcome.format == "yaml":
        try:
            documents = ruamel_documents(text)
            outcome.reference = "ruamel.yaml"
        except Refused as ruamel_error:
            try:
                documents = pyyaml_documents(text)
            except Refused as pyyaml_error:
                raise Refused(f"{ruamel_error}; {pyyaml_error}") from None
            outcome.reference = "PyYAML"
        outcome.documents = len(documents)
        return documents
    if outcome.format == "json":
        data, outcome.reference = json_reading(text, relative)
        return data
    if outcome.format == "toml":
        outcome.reference = "tomllib"
        return toml_reading(text)
    if outcome.format == "xml":
        outcome.reference = "lxml"
        return xml_reading(raw)
    outcome.reference = "csv"
    return csv_reading(text)


# The repair rule that removes an earlier duplicate YAML key (README: Known limitations).
DUPLICATE_KEY_RULE = "duplicate-key"

# Refusals that README's "Known limitations" documents, with the option that lifts them.
DOCUMENTED_OPTIONS = {"--stringify-keys": "stringify_keys"}


def structconv_reading(outcome: Outcome, path: Path, raw: bytes, settings: dict[str, Any]) -> Any:
    from structconv import convert

    if outcome.format == "yaml" and outcome.documents != 1:
        settings = {**settings, "multi_document": True}
    result = convert(raw, to="json", name=str(path), **settings)
    outcome.repaired = sorted({fix.rule for fix in result.fixes})
    data = json.loads(result.text)
    if outcome.format == "yaml" and outcome.documents == 1:
        return [data]
    return data


def compare(outcome: Outcome, expected: Any, got: Any, text: str) -> None:
    if outcome.format == "csv":
        flat = [flatten_record(record) if isinstance(record, dict) else record for record in got]
        found = differences(expected, flat, csv_cell_equal)
    else:
        found = differences(expected, got)
    for difference in found:
        why = ""
        if outcome.format == "yaml":
            why = yaml_version_difference(difference.expected, difference.got)
        if difference.kind == "order" and DUPLICATE_KEY_RULE in outcome.repaired:
            why = "YAML duplicate key: the repair keeps the last value at its own place"
        if why:
            outcome.documented.append((why, difference.line()))
        else:
            outcome.differences.append(difference.line())
    if outcome.format == "yaml" and outcome.reference == "ruamel.yaml":
        try:
            pyyaml = pyyaml_documents(text)
        except Refused:
            return
        if outcome.needs_option:
            pyyaml = stringified_keys(pyyaml)
        for difference in differences(pyyaml, got):
            why = yaml_version_difference(difference.expected, difference.got)
            why = why or _keys_version_difference(difference)
            line = difference.line()
            if line not in outcome.differences:
                outcome.documented.append((why or "PyYAML (YAML 1.1) reads otherwise", line))


def run_check(outcome: Outcome, path: Path) -> None:
    from structconv.hooks import check_main

    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        status = check_main([str(path)])
    outcome.check = status == 0
    if not outcome.check:
        lines = errors.getvalue().strip().splitlines() or [f"exit status {status}"]
        outcome.check_error = lines[0].replace(str(path), outcome.file)


def run_normalize(outcome: Outcome, path: Path, raw: bytes, text: str, reference: Any) -> None:
    from structconv.errors import StructconvError
    from structconv.normalize import normalize_file
    from structconv.normalize.settings import NormalizeSettings

    try:
        normalized = normalize_file(path, NormalizeSettings())
    except StructconvError as error:
        outcome.normalize_error = _first_line(error)
        return
    except Exception as error:  # a crash is a failure to report, not to stop the run
        outcome.normalize_error = f"crashed: {type(error).__name__}: {_first_line(error)}"
        return
    outcome.changed = normalized.changed
    after_text = normalized.text
    after_raw = after_text.encode(normalized.encoding)
    try:
        after = reference_reading(
            Outcome(outcome.kind, outcome.file, outcome.format), path, after_raw, after_text
        )
    except Refused as error:
        outcome.normalize_error = f"the reference parser refuses the output: {error}"
        return
    found = differences(reference, after)
    if found:
        outcome.normalize_error = f"the data changed: {found[0].line()}"
        return
    comment_format = "json" if outcome.format == "json" else outcome.format
    before = comments_of(comment_format, text)
    remaining = Counter(comments_of(comment_format, after_text))
    outcome.comments_before = len(before)
    for comment in before:
        if remaining[comment] > 0:
            remaining[comment] -= 1
        else:
            outcome.comments_lost.append(comment)
    outcome.normalized = not outcome.comments_lost


def decode(raw: bytes) -> str:
    """UTF-8 (a BOM dropped), else Windows-1252 (a CSV exported by a spreadsheet); bytes
    valid in neither have no reading a reference could claim (any other is a guess)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused("the bytes are neither UTF-8 nor Windows-1252: any encoding is a guess")


def measure(kind: str, path: Path, corpus: Path) -> Outcome:
    relative = path.relative_to(corpus / kind)
    outcome = Outcome(kind, f"{kind}/{relative.as_posix()}", format_of(PurePosixPath(path.name)))
    started = time.perf_counter()
    raw = path.read_bytes()
    try:
        text = decode(raw)
        reference = reference_reading(outcome, path, raw, text)
    except Refused as error:
        outcome.reference, outcome.reference_error = "", str(error)
        run_check(outcome, path)
        outcome.seconds = time.perf_counter() - started
        return outcome
    from structconv.errors import StructconvError, UnrepresentableError

    got: Any = None
    compared = reference
    try:
        got = structconv_reading(outcome, path, raw, {})
        outcome.read = True
    except UnrepresentableError as error:
        outcome.read_error = f"{type(error).__name__}: {_first_line(error)}"
        option = next((name for name in DOCUMENTED_OPTIONS if name in error.option), None)
        if option is not None:
            with contextlib.suppress(StructconvError):
                got = structconv_reading(outcome, path, raw, {DOCUMENTED_OPTIONS[option]: True})
                outcome.needs_option = option
                compared = stringified_keys(reference)
    except StructconvError as error:
        outcome.read_error = f"{type(error).__name__}: {_first_line(error)}"
    except Exception as error:
        outcome.read_error = f"crashed: {type(error).__name__}: {_first_line(error)}"
    if outcome.read or outcome.needs_option:
        compare(outcome, compared, got, text)
    run_check(outcome, path)
    run_normalize(outcome, path, raw, text, reference)
    outcome.seconds = time.perf_counter() - started
    return outcome


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


_TOOL_CACHE = re.compile(r"__pycache__|\..*_cache")


def corpus_files(corpus: Path, kinds: Sequence[str]) -> Iterator[tuple[str, Path]]:
    """The files of each kind in name order; folders that tools leave beside a fixture's
    own pyproject.toml (.ruff_cache, .mypy_cache) are not the corpus."""
    for kind in kinds:
        for path in sorted((corpus / kind).rglob("*")):
            if path.is_file() and not any(map(_TOOL_CACHE.fullmatch, path.parts)):
                yield kind, path


def _percent(part: int, whole: int) -> str:
    return "-" if whole == 0 else f"{100 * part / whole:.1f}%"


@dataclass
class Totals:
    files: int = 0
    valid: int = 0
    read: int = 0
    with_option: int = 0
    repaired: int = 0
    equal: int = 0
    differing: int = 0
    documented: int = 0
    check: int = 0
    check_invalid: int = 0
    normalized: int = 0
    changed: int = 0
    comments: int = 0
    comments_lost: int = 0

    def add(self, outcome: Outcome) -> None:
        self.files += 1
        if not outcome.reference:
            self.check_invalid += outcome.check
            return
        self.valid += 1
        self.read += outcome.read
        self.with_option += bool(outcome.needs_option)
        self.repaired += bool(outcome.repaired)
        self.equal += (outcome.read or bool(outcome.needs_option)) and not outcome.differences
        self.differing += bool(outcome.differences)
        self.documented += bool(outcome.documented)
        self.check += outcome.check
        self.normalized += outcome.normalized
        self.changed += outcome.normalized and outcome.changed
        self.comments += outcome.comments_before
        self.comments_lost += len(outcome.comments_lost)

    def row(self, name: str) -> str:
        return (
            f"| {name} | {self.files} | {self.valid} | {self.read} ({_percent(self.read, self.valid)})"
            f" | {self.with_option} | {self.repaired} | {self.equal} | {self.differing} | {self.documented}"
            f" | {self.check} ({_percent(self.check, self.valid)})"
            f" | {self.normalized} ({_percent(self.normalized, self.valid)}) | {self.changed}"
            f" | {self.comments} | {self.comments_lost} |"
        )


def report(outcomes: Sequence[Outcome], seconds: float, corpus: Path) -> str:
    totals: dict[str, Totals] = {}
    overall = Totals()
    for outcome in outcomes:
        totals.setdefault(outcome.kind, Totals()).add(outcome)
        overall.add(outcome)
    lines = [
        "# structconv on real files (corpus benchmark)",
        "",
        f"{overall.files} files of {len(totals)} kinds from public repositories "
        f"({corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus}, sources in "
        f"its SOURCES.md), in {seconds:.0f} s. Reference parsers: json (json5 for JSONC files "
        "with comments), ruamel.yaml (YAML 1.2; PyYAML where ruamel.yaml refuses), tomllib, "
        "lxml, csv.",
        "",
        "## Targets",
        "",
        "| measure | value | target | met |",
        "| --- | --- | --- | --- |",
    ]
    read_share = overall.read / overall.valid if overall.valid else 0.0
    check_share = overall.check / overall.valid if overall.valid else 0.0
    normalized_share = overall.normalized / overall.valid if overall.valid else 0.0
    met = {True: "yes", False: "**no**"}
    lines += [
        f"| files a reference parser reads that structconv reads | {100 * read_share:.1f}% "
        f"| >= {100 * TARGET_READ:.0f}% | {met[read_share >= TARGET_READ]} |",
        f"| files whose data differ beyond the documented differences "
        f"| {overall.differing} | = 0 | {met[overall.differing == 0]} |",
        f"| structconv-check passes | {100 * check_share:.1f}% | >= {100 * TARGET_CHECK:.0f}% "
        f"| {met[check_share >= TARGET_CHECK]} |",
        f"| normalize succeeds, data unchanged, comments kept | {100 * normalized_share:.1f}% "
        f"| >= {100 * TARGET_NORMALIZE:.0f}% | {met[normalized_share >= TARGET_NORMALIZE]} |",
        f"| comments lost by normalize | {overall.comments_lost} of {overall.comments} | = 0 "
        f"| {met[overall.comments_lost == 0]} |",
        "",
        "## Per kind",
        "",
        "Columns: files; valid (a reference parser reads them: the base of every share); "
        'read by `convert(..., to="json")`; refused as the README documents and read with '
        "the option the error names (their data compared as read with it); read only "
        "through the repair stage; "
        "data equal; files with data differences beyond the documented ones; files with "
        "documented differences only (README's Known limitations: YAML 1.1 readers against "
        "YAML 1.2, a repaired duplicate key's place); "
        "`structconv-check` passes; normalize succeeds with the data unchanged and every "
        "comment kept; of those, files it rewrote; comments in the valid files; comments "
        "normalize lost.",
        "",
        "| kind | files | valid | read | with option | repaired | equal | differ | documented "
        "| check | normalize | rewritten | comments | lost |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [totals[kind].row(kind) for kind in totals]
    lines.append(overall.row("**all**"))
    lines += ["", "## Failures", ""]
    failures = [
        line for outcome in outcomes if outcome.reference for line in _failure_lines(outcome)
    ]
    lines += failures or ["None."]
    lines += ["", "## Documented differences", ""]
    documented = Counter(
        (outcome.kind, why) for outcome in outcomes for why, _ in outcome.documented
    )
    lines += [
        f"- {kind}: {why} ({count} value(s))" for (kind, why), count in sorted(documented.items())
    ] or ["None."]
    lines += ["", "## Files no reference parser reads", ""]
    invalid = [outcome for outcome in outcomes if not outcome.reference]
    lines += [
        f"- {outcome.file}: {outcome.reference_error[:160]}; structconv-check "
        + ("passes (**accepts what the reference refuses**)" if outcome.check else "refuses it too")
        for outcome in invalid
    ] or ["None."]
    return "\n".join(lines) + "\n"


def _failure_lines(outcome: Outcome) -> Iterator[str]:
    if outcome.needs_option:
        yield (
            f"- {outcome.file}: read: refused as documented, read with {outcome.needs_option}:"
            f" {outcome.read_error[:200]}"
        )
    elif not outcome.read:
        yield f"- {outcome.file}: read: {outcome.read_error[:220]}"
    elif outcome.repaired:
        rules = ", ".join(outcome.repaired)
        yield f"- {outcome.file}: read only through repair ({rules}); a reference parser reads it"
    for difference in outcome.differences[:3]:
        yield f"- {outcome.file}: data: {difference}"
    if len(outcome.differences) > 3:
        yield f"- {outcome.file}: data: ... {len(outcome.differences) - 3} more"
    if not outcome.check:
        yield f"- {outcome.file}: check: {outcome.check_error[:220]}"
    if outcome.normalize_error:
        yield f"- {outcome.file}: normalize: {outcome.normalize_error[:220]}"
    elif outcome.comments_lost:
        lost = "; ".join(repr(comment[:40]) for comment in outcome.comments_lost[:3])
        yield f"- {outcome.file}: normalize: lost {len(outcome.comments_lost)} comment(s): {lost}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder")
    parser.add_argument("--kind", action="append", help="measure only this kind (repeatable)")
    parser.add_argument("--out", type=Path, help="write the markdown report here too")
    parser.add_argument("--json", type=Path, help="write one row per file here")
    arguments = parser.parse_args(argv)
    corpus = arguments.corpus.resolve()
    kinds = arguments.kind or sorted(path.name for path in corpus.iterdir() if path.is_dir())
    started = time.perf_counter()
    outcomes = []
    for kind, path in corpus_files(corpus, kinds):
        outcomes.append(measure(kind, path, corpus))
        if len(outcomes) % 50 == 0:
            _progress(f"corpus: {len(outcomes)} files")
    markdown = report(outcomes, time.perf_counter() - started, corpus)
    print(markdown, end="")
    if arguments.out:
        arguments.out.parent.mkdir(parents=True, exist_ok=True)
        arguments.out.write_text(markdown, encoding="utf-8")
    if arguments.json:
        rows = [asdict(outcome) for outcome in outcomes]
        arguments.json.write_text(json.dumps(rows, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
