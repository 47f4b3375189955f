"""Rebuild the case files of the external pair sets from snapshots of their repositories.

    python benchmarks/adversarial/extract.py --json-repair DIR --pollock DIR --yaml-suite DIR

Each DIR is a git directory (a bare clone or a `fetch` snapshot) read with `git show`
at HEAD; the commit read goes into the case file. The case files are committed, so the
benchmark runs offline; this script is how they were made (benchmarks/adversarial/SOURCES.md).

- json_repair: every `assert repair_json(LITERAL) == LITERAL` (and `loads`,
  `_assert_object_repairs`) of its tests/test_*.py whose call has no option that
  changes the answer; an expected "" (json_repair found nothing) is a must-refuse case.
- Pollock: a sample of its polluted CSV files with their clean twins, cut to the
  header and the first records (the pollution kept in the cut); the expected data is
  the clean twin as structconv reads clean CSV.
- yaml-test-suite: every test flagged `fail: true`, its YAML decoded from the suite's
  visible-whitespace notation; no reading of it may be accepted.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASES = HERE / "cases"
sys.path.insert(0, str(ROOT))


def git(repo: Path, *arguments: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *arguments], capture_output=True, check=True)
    return done.stdout.decode("utf-8")  # as bytes first: line ends stay as they are


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def write_cases(name: str, source: dict[str, str], cases: list[dict[str, Any]]) -> None:
    """One case a line: small files, and a diff shows which cases changed."""
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases)
    text = (
        f'{{"suite": {json.dumps(name)}, "source": {json.dumps(source)}, "cases": [\n{lines}\n]}}\n'
    )
    path = CASES / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(cases)} cases", file=sys.stderr)


# --- json_repair ------------------------------------------------------------------------

# Options that only change how the answer is spelled or how fast it comes.
_HARMLESS_OPTIONS = {"skip_json_loads", "ensure_ascii", "return_objects"}
_CALLS = {"repair_json", "loads", "_assert_object_repairs"}


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(node: ast.expr) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return False, None


def _pairs_of(source: str) -> list[tuple[int, str, Any, bool]]:
    """(line, input, expected, expected_is_data) for each literal assertion."""
    found: list[tuple[int, str, Any, bool]] = []
    for node in ast.walk(ast.parse(source)):
        call: ast.Call | None = None
        expected_node: ast.expr | None = None
        if (
            isinstance(node, ast.Assert)
            and isinstance(node.test, ast.Compare)
            and len(node.test.ops) == 1
            and isinstance(node.test.ops[0], ast.Eq)
            and isinstance(node.test.left, ast.Call)
        ):
            call, expected_node = node.test.left, node.test.comparators[0]
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and _call_name(node.value.func) == "_assert_object_repairs"
        ):
            call = node.value
            expected_node = call.args[1] if len(call.args) == 2 else None
        if call is None or expected_node is None:
            continue
        name = _call_name(call.func)
        if name not in _CALLS or not call.args:
            continue
        keywords = {keyword.arg for keyword in call.keywords}
        if None in keywords or not keywords <= _HARMLESS_OPTIONS:
            continue
        ok_input, text = _literal(call.args[0])
        ok_expected, expected = _literal(expected_node)
        if not (ok_input and ok_expected and isinstance(text, str)):
            continue
        objects = name in ("loads", "_assert_object_repairs") or any(
            keyword.arg == "return_objects"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
            for keyword in call.keywords
        )
        found.append((call.lineno, text, expected, objects))
    return found


def _strict_json(text: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(text)
    except ValueError:
        return False, None


_SEVERAL_VALUES = (
    "several top-level values: structconv reads them as a list of all of them (README, "
    "Repair), json_repair keeps some"
)


def _several_values(text: str) -> list[Any] | None:
    """The values of a text made of two or more valid JSON values and nothing else but
    whitespace and commas between them; None for any other text."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index == len(text):
            break
        try:
            value, index = decoder.raw_decode(text, index)
        except ValueError:
            return None
        values.append(value)
    return values if len(values) > 1 else None


def extract_json_repair(repo: Path) -> None:
    commit = head(repo)
    names = sorted(
        line
        for line in git(repo, "ls-tree", "--name-only", "HEAD", "tests/").splitlines()
        if re.fullmatch(r"tests/test_[a-z_]+\.py", line)
    )
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in names:
        for line, text, expected, objects in sorted(_pairs_of(git(repo, "show", f"HEAD:{name}"))):
            if text in seen:
                continue
            if not objects:
                if not isinstance(expected, str):
                    continue
                parsed, data = _strict_json(expected) if expected else (False, None)
                if expected and not parsed:
                    continue  # an answer that is not JSON text: not a data pair
            else:
                data = expected
            seen.add(text)
            case: dict[str, Any] = {
                "id": f"{name.removeprefix('tests/')}:{line}",
                "format": "json",
                "input": text,
            }
            valid, value = _strict_json(text)
            if expected == "" and valid and value == "":
                case["expect"], case["data"] = "exact", ""  # the empty string is the value
            elif expected == "":
                case["expect"] = "refuse"
                case["note"] = 'json_repair answers "" (it found no JSON value)'
            else:
                case["expect"], case["data"] = "exact", data
                values = _several_values(text)
                if values is not None and values != data:
                    case["design"] = {"reason": _SEVERAL_VALUES, "data": values}
            if valid:
                case["parses_strictly"] = True
            cases.append(case)
    write_cases(
        "json_repair",
        {
            "repository": "mangiucugna/json_repair",
            "paths": "tests/test_*.py",
            "commit": commit,
            "license": "MIT",
        },
        cases,
    )


# --- Pollock ----------------------------------------------------------------------------

_KEEP_RECORDS = 8
# The first backslash escapes of the escape-char file are in its 10th and 12th records.
_KEEP_MORE = {"file_escape_char_0x5C.csv": 12}
# (file name, how it is cut): "records" keeps the header and the first records; the
# end-of-file pollutions are put back on the cut; "tables" keeps the first records of both
# tables of a multitable file.
_POLLOCK_FILES = [
    "file_double_trailing_newline.csv",
    "file_escape_char_0x5C.csv",
    "file_field_delimiter_0x20.csv",
    "file_field_delimiter_0x2C_0x20.csv",
    "file_field_delimiter_0x3B.csv",
    "file_field_delimiter_0x9.csv",
    "file_header_multirow_2.csv",
    "file_header_multirow_3.csv",
    "file_header_only.csv",
    "file_multitable_less.csv",
    "file_multitable_more.csv",
    "file_multitable_same.csv",
    "file_no_header.csv",
    "file_no_trailing_newline.csv",
    "file_one_data_row.csv",
    "file_preamble.csv",
    "file_quotation_char_0x27.csv",
    "file_record_delimiter_0xD.csv",
    "row_more_sep_row0_col3.csv",
    "row_more_sep_row2_col0.csv",
    "row_more_sep_row3_col2.csv",
    "row_more_sep_row5_col8.csv",
    "row_more_sep_row6_col5.csv",
    "row_less_sep_row0_col4.csv",
    "row_less_sep_row2_col1.csv",
    "row_less_sep_row3_col2.csv",
    "row_less_sep_row5_col8.csv",
    "row_less_sep_row7_col6.csv",
    "row_extra_quote0_col3.csv",
    "row_extra_quote2_col0.csv",
    "row_extra_quote3_col2.csv",
    "row_extra_quote4_col6.csv",
    "row_extra_quote6_col8.csv",
    "row_field_delimiter_2_0x20.csv",
    "row_field_delimiter_4_0x20.csv",
    "row_field_delimiter_6_0x20.csv",
]


def _terminator(text: str) -> str:
    """The file's record terminator as stored (the repository keeps LF, or CR where CR is
    the pollution)."""
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def _cut(name: str, text: str, header_lines: int, records: int) -> str:
    """The header and the first records, with the file's own ending put back (none, one
    or two terminators: the end-of-file pollutions); no field of this source spans lines."""
    terminator = _terminator(text)
    body = text.rstrip("\r\n")
    ending = text[len(body) :]
    lines = body.split(terminator)
    if name.startswith("file_multitable"):
        second = 84  # the second table follows the source's header and 83 records
        kept = lines[: 1 + records] + lines[second : second + 1 + records]
    else:
        kept = lines[: header_lines + records]
    return terminator.join(kept) + ending


def extract_pollock(repo: Path) -> None:
    from structconv import convert

    commit = head(repo)
    cases: list[dict[str, Any]] = []
    for name in _POLLOCK_FILES:
        polluted = git(repo, "show", f"HEAD:polluted_files/csv/{name}")
        clean = git(repo, "show", f"HEAD:polluted_files/clean/{name}")
        parameters = json.loads(
            git(repo, "show", f"HEAD:polluted_files/parameters/{name}_parameters.json")
        )
        header_lines = int(parameters.get("header_lines", 1)) + int(
            parameters.get("preamble_lines", 0)
        )
        records = _KEEP_MORE.get(name, _KEEP_RECORDS)
        cut = _cut(name, polluted, header_lines, records)
        clean_cut = _cut("clean", clean, 1 if parameters.get("header_lines", 1) else 0, records)
        expected = convert(clean_cut, src="csv", to="json", repair="off")
        case: dict[str, Any] = {
            "id": name,
            "format": "csv",
            "input": cut,
            "expect": "exact",
            "data": json.loads(expected.text),
            "note": f"Pollock pollution {name.removesuffix('.csv')}; cut to {records} records",
        }
        header, _, body = clean_cut.partition("\n")
        rows = int(parameters.get("header_lines", 1))
        names = next(csv.reader([header.rstrip("\r")]))
        if name.startswith("file_header_multirow") and all(
            name == " ".join([name.split(" ")[0]] * rows) for name in names
        ):
            # Every header row the same: structconv's documented convention removes a row
            # identical to the header (README, CSV: repeated header); Pollock joins the rows
            # with spaces (`DATE DATE`).
            once = ",".join(name.split(" ")[0] for name in names)  # (plain names, no quotes)
            alternative = convert(once + "\n" + body, src="csv", to="json", repair="off")
            case["design"] = {
                "reason": "the header written several times: structconv removes a row "
                "identical to the header (README, CSV), Pollock joins the rows with spaces",
                "data": json.loads(alternative.text),
            }
        elif name.startswith("file_header_multirow"):
            # Pollock joins the header rows with spaces; structconv's documented convention
            # joins them with dots, into nested records.
            dotted = header.replace(" ", ".")
            alternative = convert(dotted + "\n" + body, src="csv", to="json", repair="off")
            case["design"] = {
                "reason": "several header rows: structconv joins them with dots into nested "
                "records (README, CSV), Pollock with spaces",
                "data": json.loads(alternative.text),
            }
        elif name == "file_multitable_same.csv":
            # The same table twice under the same header: structconv removes the repeated
            # header row and keeps every record (README, CSV: repeated header); Pollock's
            # clean file holds the table once.
            case["design"] = {
                "reason": "a table under a repeated header: structconv removes the header row "
                "repeated inside the table and keeps every record (README, CSV), Pollock "
                "keeps one copy",
                "data": case["data"] + case["data"],
            }
        cases.append(case)
    write_cases(
        "pollock",
        {
            "repository": "HPI-Information-Systems/Pollock",
            "paths": "polluted_files/csv/, polluted_files/clean/, polluted_files/parameters/",
            "commit": commit,
            "license": "none stated in the repository (research benchmark data, see SOURCES.md)",
        },
        cases,
    )


# --- yaml-test-suite --------------------------------------------------------------------


def _unescape(text: str) -> str:
    """The suite's visible-whitespace notation (its ReadMe, "Special Characters")."""
    text = text.replace("␣", " ")
    text = re.sub("—*»", "\t", text)
    text = text.replace("←", "\r").replace("⇔", "\ufeff").replace("↵", "")
    return re.sub("∎\n\\Z", "", text)


def extract_yaml_suite(repo: Path) -> None:
    import yaml  # PyYAML reads the suite's own files (plain YAML, no error cases there)

    commit = head(repo)
    cases: list[dict[str, Any]] = []
    for name in sorted(git(repo, "ls-tree", "--name-only", "HEAD", "src/").splitlines()):
        tests = yaml.safe_load(git(repo, "show", f"HEAD:{name}"))
        inherited: dict[str, Any] = {}
        for number, test in enumerate(tests):
            merged = {**inherited, **test}
            merged["fail"] = "fail" in test
            inherited = merged
            if not merged["fail"]:
                continue
            identifier = Path(name).stem + (f"-{number:02d}" if len(tests) > 1 else "")
            cases.append(
                {
                    "id": identifier,
                    "format": "yaml",
                    "input": _unescape(merged["yaml"]),
                    "expect": "refuse",
                    "note": f"{merged['name']} (tags: {merged.get('tags', '')})",
                }
            )
    write_cases(
        "yaml_test_suite",
        {
            "repository": "yaml/yaml-test-suite",
            "paths": "src/*.yaml",
            "commit": commit,
            "license": "MIT",
        },
        cases,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json-repair", type=Path)
    parser.add_argument("--pollock", type=Path)
    parser.add_argument("--yaml-suite", type=Path)
    arguments = parser.parse_args()
    CASES.mkdir(exist_ok=True)
    if arguments.json_repair:
        extract_json_repair(arguments.json_repair)
    if arguments.pollock:
        extract_pollock(arguments.pollock)
    if arguments.yaml_suite:
        extract_yaml_suite(arguments.yaml_suite)


if __name__ == "__main__":
    main()
