"""CSV as found in the wild: Pollock's messy files against their clean twins.

    python benchmarks/csv_wild_bench.py --pollock /path/to/Pollock [--out FILE.md] [--json FILE.json]

Pollock (HPI-Information-Systems/Pollock, a benchmark of CSV loading; MIT licence) ships
messy files next to a clean version of each: `survey_sample/` (99 real files from open
data portals) and `polluted_files/` (one source file polluted one way at a time; the
file-level pollutions `file_*` are used here: headers, tables, preambles, dialects).
Its parameters give each file's header and preamble line counts.

Each messy file goes through structconv (repair rules, no model, types not inferred so
that cells compare as text, dotted names kept flat as the clean files have them) and is
scored against its clean twin:

- right: the records hold exactly the clean rows, under the clean column names (names
  compared without whitespace and dots: Pollock joins header rows with a space,
  structconv with a dot; empty cells at the end of a row do not count: Pollock keeps a
  trailing delimiter as an unnamed column, structconv's repair removes it with a fix);
- names differ: the records are right, their names are not (a header row's group label
  spans other columns in one convention and not in the other, say);
- ambiguous: structconv offers readings and lets a person (or the model) choose;
- refused: a ParseError or a refused repair, with the line and what to do;
- wrong: data that is not the clean file's.

Files without a header (Pollock: 0 header lines) are also read with `header=False`
(`--no-header`), scored against the clean rows as lists; files holding several tables
(`file_multitable_*`) also with `table=1` (`--table 1`): the clean twin is the first.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from structconv import AmbiguousInput, StructconvError, convert  # noqa: E402

KINDS = ("right", "names differ", "ambiguous", "refused", "wrong")
_LABEL = re.compile(r"[A-Za-z_][A-Za-z0-9_ ]*")


@dataclass(frozen=True)
class Case:
    group: str
    name: str
    messy: bytes
    clean: str
    header_lines: int
    preamble_lines: int


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def _files(repo: Path, folder: str) -> list[str]:
    listing = _git(repo, "ls-tree", "-z", "--name-only", "HEAD", folder + "/")
    return [name.decode() for name in listing.split(b"\0") if name]


def load_cases(repo: Path) -> list[Case]:
    """Pollock's snapshot: a bare mirror (git show) or a work tree."""
    cases = []
    for group, messy_dir, wanted in (
        ("survey", "survey_sample", lambda name: True),
        ("polluted", "polluted_files", lambda name: name.startswith("file_")),
    ):
        for path in _files(repo, f"{messy_dir}/csv"):
            name = path.rsplit("/", 1)[1]
            if not wanted(name):
                continue
            try:
                clean = _git(repo, "show", f"HEAD:{messy_dir}/clean/{name}")
                parameters = json.loads(
                    _git(repo, "show", f"HEAD:{messy_dir}/parameters/{name}_parameters.json")
                )
            except subprocess.CalledProcessError:
                continue  # no clean twin
            cases.append(
                Case(
                    group,
                    name,
                    _git(repo, "show", f"HEAD:{path}"),
                    clean.decode("utf-8", "replace"),
                    int(parameters.get("header_lines") or 0),
                    int(parameters.get("preamble_lines") or 0),
                )
            )
    return cases


def _squeezed(name: str) -> str:
    """A name without whitespace and dots, a word repeated right after itself once
    (Pollock writes a label over itself twice, structconv once)."""
    words = name.replace(".", " ").split()
    return "".join(w for i, w in enumerate(words) if i == 0 or words[i - 1] != w)


def _trimmed(row: list[str]) -> list[str]:
    """A row without the empty cells at its end (a trailing delimiter, which structconv's
    repair removes with a fix and Pollock's clean files keep as an unnamed column)."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def _clean_table(case: Case) -> tuple[list[str] | None, list[list[str]]]:
    rows = [_trimmed(row) for row in csv.reader(io.StringIO(case.clean, newline="")) if row]
    if case.header_lines == 0:
        if rows and all(_LABEL.fullmatch(name.strip()) for name in rows[0]):
            rows = rows[1:]  # names Pollock gave a file without a header (col_0, date)
        return None, rows
    return rows[0], rows[1:]


def _flat(record: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, value in record.items():
        if isinstance(value, dict):
            pairs.extend(_flat(value, f"{prefix}{key}."))
        else:
            pairs.append((f"{prefix}{key}", value))
    return pairs


def score(case: Case, **settings: Any) -> tuple[str, str]:
    """(kind, detail) of structconv's reading of the messy file."""
    names, rows = _clean_table(case)
    try:
        result = convert(
            case.messy,
            src="csv",
            to="json",
            repair="rules",
            infer_types=False,
            unflatten=False,
            **settings,
        )
    except AmbiguousInput as error:
        return "ambiguous", str(error).splitlines()[0][:120]
    except StructconvError as error:
        return "refused", str(error).splitlines()[0][:120]
    data = result.data
    if data == [] and not rows:
        return "right", ""
    if not isinstance(data, list) or not data:
        return "wrong", f"read as {type(data).__name__} of {len(data) if data else 0}"
    if isinstance(data[0], list):
        got_rows = [_trimmed([str(cell) for cell in row]) for row in data]
        got_names = None
    else:
        pairs = [_flat(record) for record in data]
        got_rows = [_trimmed([str(value) for _, value in record]) for record in pairs]
        got_names = _trimmed([name for name, _ in pairs[0]])
    if got_rows != rows:
        first = next(
            (i for i, (a, b) in enumerate(zip(got_rows, rows, strict=False)) if a != b),
            min(len(got_rows), len(rows)),
        )
        return "wrong", f"{len(got_rows)} rows (clean {len(rows)}), first difference at row {first}"
    if (names is None) != (got_names is None):
        return "wrong", "a header where the clean file has none, or none where it has one"
    if (
        names is not None
        and got_names is not None
        and [_squeezed(n) for n in names] != [_squeezed(n) for n in got_names]
    ):
        return "names differ", f"{got_names[:4]} / clean {names[:4]}"
    return "right", ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pollock", type=Path, required=True, help="Pollock's git directory")
    parser.add_argument("--out", type=Path, help="write the markdown report here")
    parser.add_argument("--json", type=Path, help="write one row per file here")
    parser.add_argument("--only", help="files whose name contains this")
    args = parser.parse_args(argv)
    cases = [c for c in load_cases(args.pollock) if not args.only or args.only in c.name]
    rows: list[dict[str, Any]] = []
    for case in cases:
        kind, detail = score(case)
        rows.append(
            {
                "group": case.group,
                "file": case.name,
                "header_lines": case.header_lines,
                "preamble_lines": case.preamble_lines,
                "mode": "default",
                "kind": kind,
                "detail": detail,
            }
        )
        if case.header_lines == 0:
            kind, detail = score(case, header=False)
            rows.append({**rows[-1], "mode": "header=False", "kind": kind, "detail": detail})
        if "multitable" in case.name:  # Pollock's clean twin keeps the first table
            kind, detail = score(case, table=1)
            rows.append({**rows[-1], "mode": "table=1", "kind": kind, "detail": detail})
    lines = ["# CSV in the wild: Pollock's messy files against their clean twins", ""]
    lines += ["| files | mode | " + " | ".join(KINDS) + " |", "|---|---|" + "---|" * len(KINDS)]
    groups = {
        "survey, 1 header line, no preamble": lambda r: (
            r["group"] == "survey" and r["header_lines"] == 1 and r["preamble_lines"] == 0
        ),
        "survey, several header lines or a preamble": lambda r: (
            r["group"] == "survey"
            and r["header_lines"] > 0
            and (r["header_lines"] > 1 or r["preamble_lines"] > 0)
        ),
        "survey, no header": lambda r: r["group"] == "survey" and r["header_lines"] == 0,
        "polluted file_*": lambda r: r["group"] == "polluted",
    }
    for label, test in groups.items():
        for mode in ("default", "header=False", "table=1"):
            chosen = [r for r in rows if test(r) and r["mode"] == mode]
            if chosen:
                counts = Counter(r["kind"] for r in chosen)
                cells = " | ".join(str(counts[k]) for k in KINDS)
                lines.append(f"| {label} ({len(chosen)}) | {mode} | {cells} |")
    lines += [
        "",
        "| file | header lines | preamble | mode | outcome | detail |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        detail = r["detail"].replace("|", "\\|")
        lines.append(
            f"| {r['file']} | {r['header_lines']} | {r['preamble_lines']} | {r['mode']} "
            f"| {r['kind']} | {detail} |"
        )
    report = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
