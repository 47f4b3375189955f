"""`structconv set` and `delete` on real config files, against the editors installable here.

    python benchmarks/edit_bench.py [--edits 4] [--seed 2026] [--skip-peers] [--out FILE] [--json FILE]

On the 200 files of tests/fixtures/edit (50 each of YAML, TOML, JSON(C), XML from
public repositories, SOURCES.md), random existing paths (seeded) are set to a new
value of the same kind and deleted. For each edit and each tool it measures:

- lines changed beyond the edit: lines of the original, outside the lines that hold
  the target (as structconv's parser locates them; a JSON entry's neighbour whose
  comma must go counts as the target's), that are not in the output unchanged and in
  order (difflib's matching blocks);
- comments lost: comment markers (`#`, `//`, `/*`, `<!--`) in the original minus those
  in the output, beyond the target's lines;
- data elsewhere: the output, read with structconv's strict reader, equals the
  original data with only the asked change (type-strict);
- refused: the tool declined (structconv: its proof refused; a peer: an error).

Peers, by what is installable from PyPI, Debian and npm: yq 3 (kislyuk, jq over
PyYAML, `-Y`; Debian), tomlq (same package), toml-cli (PyPI, over tomlkit), jq 1.6
(Debian; strict JSON only), xmlstarlet 1.6 (Debian). mikefarah/yq and dasel are Go
programs that none of the three registries ship, so they are not measured.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from structconv.edit.core import delete_in_text, read_document, set_in_text, user_view  # noqa: E402
from structconv.edit.locate import PathNotFound, with_value, without  # noqa: E402
from structconv.edit.paths import Path as DataPath  # noqa: E402
from structconv.edit.paths import display_path  # noqa: E402
from structconv.edit.proof import changed_region  # noqa: E402
from structconv.edit.splice import EditRefused  # noqa: E402
from structconv.errors import StructconvError  # noqa: E402
from structconv.formats.detect import detect_format  # noqa: E402
from structconv.neutral import first_difference, iter_nodes  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "edit"
_COMMENT = {
    "yaml": re.compile(r"(?:^|\s)#"),
    "toml": re.compile(r"(?:^|\s)#"),
    "json": re.compile(r"//|/\*"),
    "jsonc": re.compile(r"//|/\*"),
    "xml": re.compile(r"<!--"),
}


@dataclass
class Case:
    file: str
    format: str
    text: str
    action: str
    path: DataPath
    value: Any
    span: tuple[int, int] = (0, 0)  # 0-based original lines [first, end) of the target


@dataclass
class Tally:
    edits: int = 0
    refused: int = 0
    exact: int = 0  # output lines beyond the edit all kept, data as asked
    lines_beyond: int = 0
    comments_lost: int = 0
    data_wrong: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def original_paths() -> dict[str, str]:
    """fixture file -> its path in its repository (for format detection by name)."""
    found = {}
    for line in (FIXTURES / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 5 and "/" in cells[0] and cells[0] != "---":
            found[cells[0]] = cells[3]
    return found


def new_value(value: Any, format: str, rng: random.Random) -> Any:
    if format == "xml" or isinstance(value, str):
        return f"edited-{rng.randrange(1000)}"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    return "edited"


def make_cases(edits: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    names = original_paths()
    cases = []
    for fixture, source in sorted(names.items()):
        text = (FIXTURES / fixture).read_text(encoding="utf-8")
        format = detect_format(text, source)
        data = user_view(read_document(text, format), format)
        leaves = [
            (path, value)
            for path, value in iter_nodes(data)
            if path
            and not isinstance(value, dict | list)
            and "#content" not in path
            and not (format == "yaml" and isinstance(data, list) and len(path) < 2)
        ]
        if not leaves:
            continue
        for _ in range(edits):
            path, value = rng.choice(leaves)
            if rng.random() < 0.5:
                cases.append(
                    Case(fixture, format, text, "set", path, new_value(value, format, rng))
                )
            else:
                cases.append(Case(fixture, format, text, "delete", path, None))
    return cases


def expected_data(case: Case) -> Any:
    data = read_document(case.text, case.format)
    path = case.path
    if case.format == "yaml" and len(data) == 1:
        path = (0, *path)
    if case.action == "set":
        return with_value(data, path, case.value)
    return without(data, path)


def measure(case: Case, output: str | None, expected: Any) -> tuple[int, int, bool]:
    """(lines changed beyond the edit, comments lost beyond it, data as asked)."""
    if output is None:
        return 0, 0, False
    old = case.text.split("\n")
    new = output.split("\n")
    kept = set()
    for block in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks():
        kept.update(range(block.a, block.a + block.size))
    same_first, same_end, _ = changed_region(case.text, output)
    kept.update(range(same_first))  # the common head and tail are kept, however difflib pairs
    kept.update(range(same_end, len(old)))
    first, end = case.span
    outside = [n for n in range(len(old)) if not first <= n < end]
    beyond = sum(1 for n in outside if n not in kept)
    pattern = _COMMENT[case.format]
    inside_comments = sum(len(pattern.findall(old[n])) for n in range(first, min(end, len(old))))
    lost = max(0, len(pattern.findall(case.text)) - inside_comments - len(pattern.findall(output)))
    try:
        again = read_document(output, case.format)
    except StructconvError:
        return beyond, lost, False
    if case.format == "xml":
        return beyond, lost, True  # the XML convention's reshaping is judged by structconv's proof
    return beyond, lost, first_difference(expected, again) is None


# ----------------------------------------------------------------------------------
# The tools
# ----------------------------------------------------------------------------------


def run_structconv(case: Case) -> str | None:
    if case.action == "set":
        edit = set_in_text(case.text, case.path, case.value, case.format)
    else:
        edit = delete_in_text(case.text, case.path, case.format)
    case.span = (edit.first_line - 1, edit.last_line)
    return edit.text


def _jq_path(path: DataPath) -> str:
    return json.dumps(list(path))


def _jq_program(case: Case) -> str:
    if case.action == "set":
        return f"setpath({_jq_path(case.path)}; {json.dumps(case.value)})"
    return f"delpaths([{_jq_path(case.path)}])"


def _command(arguments: list[str], text: str, suffix: str) -> str | None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"input{suffix}"
        file.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [part.replace("{file}", str(file)) for part in arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            return None
        return done.stdout if "{file}" not in arguments[-1] or done.stdout else file.read_text()


def run_yq(case: Case) -> str | None:
    return _command(["yq", "-Y", _jq_program(case), "{file}"], case.text, ".yaml")


def run_tomlq(case: Case) -> str | None:
    return _command(["tomlq", "-t", _jq_program(case), "{file}"], case.text, ".toml")


def run_jq(case: Case) -> str | None:
    return _command(["jq", "--indent", "2", _jq_program(case), "{file}"], case.text, ".json")


def _toml_cli_key(path: DataPath) -> str | None:
    key = ""
    for part in path:
        if isinstance(part, int):
            key += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            key += ("." if key else "") + part
        else:
            return None
    return key


def run_toml_cli(case: Case) -> str | None:
    key = _toml_cli_key(case.path)
    if key is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "input.toml"
        file.write_text(case.text, encoding="utf-8")
        if case.action == "set":
            value = case.value
            flag = ["--to-int"] if isinstance(value, int) and not isinstance(value, bool) else []
            flag = ["--to-bool"] if isinstance(value, bool) else flag
            flag = ["--to-float"] if isinstance(value, float) else flag
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            arguments = ["toml", "set", "--toml-path", str(file), key, shown, *flag]
        else:
            arguments = ["toml", "unset", "--toml-path", str(file), key]
        done = subprocess.run(arguments, capture_output=True, text=True, timeout=60, check=False)
        return file.read_text(encoding="utf-8") if done.returncode == 0 else None


def _xpath(path: DataPath) -> str | None:
    steps = ""
    parts = list(path)
    while parts:
        part = parts.pop(0)
        if isinstance(part, int):
            return None
        if part.startswith("@"):
            steps += f"/@*[name()='{part[1:]}']"
        elif part == "#text":
            continue
        else:
            steps += f"/*[name()='{part}']"
            if parts and isinstance(parts[0], int):
                steps += f"[{parts.pop(0) + 1}]"
    return steps


def run_xmlstarlet(case: Case) -> str | None:
    xpath = _xpath(case.path)
    if xpath is None:
        return None
    set_program = ["-u", xpath, "-v", str(case.value)]
    program = set_program if case.action == "set" else ["-d", xpath]
    return _command(["xmlstarlet", "ed", "-P", *program, "{file}"], case.text, ".xml")


PEERS: dict[str, list[tuple[str, Callable[[Case], str | None], str]]] = {
    "yaml": [("yq -Y (kislyuk, Debian)", run_yq, "yq")],
    "toml": [("tomlq -t (Debian)", run_tomlq, "tomlq"), ("toml-cli (PyPI)", run_toml_cli, "toml")],
    "json": [("jq (Debian)", run_jq, "jq")],
    "jsonc": [("jq (Debian)", run_jq, "jq")],
    "xml": [("xmlstarlet ed (Debian)", run_xmlstarlet, "xmlstarlet")],
}


def bench(cases: list[Case], skip_peers: bool, peer_every: int = 1) -> dict[tuple[str, str], Tally]:
    tallies: dict[tuple[str, str], Tally] = {}
    for number, case in enumerate(cases, start=1):
        group = "json" if case.format in ("json", "jsonc") else case.format
        expected = expected_data(case)
        tally = tallies.setdefault((group, "structconv"), Tally())
        tally.edits += 1
        started = time.perf_counter()
        try:
            output = run_structconv(case)
        except (EditRefused, PathNotFound) as error:
            tally.refused += 1
            tally.notes.append(f"{case.file} {case.action} {display_path(case.path)}: {error}")
            continue
        finally:
            tally.seconds += time.perf_counter() - started
        beyond, lost, right = measure(case, output, expected)
        tally.lines_beyond += beyond
        tally.comments_lost += lost
        tally.data_wrong += not right
        tally.exact += beyond == 0 and lost == 0 and right
        if skip_peers or (number - 1) % peer_every:
            continue
        for label, runner, program in PEERS[case.format]:
            if shutil.which(program) is None:
                continue
            peer = tallies.setdefault((group, label), Tally())
            peer.edits += 1
            started = time.perf_counter()
            try:
                out = runner(case)
            except (subprocess.TimeoutExpired, OSError):
                out = None
            peer.seconds += time.perf_counter() - started
            if out is None:
                peer.refused += 1
                continue
            beyond, lost, right = measure(case, out, expected)
            peer.lines_beyond += beyond
            peer.comments_lost += lost
            peer.data_wrong += not right
            peer.exact += beyond == 0 and lost == 0 and right
        if number % 50 == 0:
            print(f"{number}/{len(cases)} edits", file=sys.stderr, flush=True)
    return tallies


def report(
    tallies: dict[tuple[str, str], Tally], cases: list[Case], seed: int, peer_every: int
) -> str:
    lines = [
        "# Editing in place: `structconv set` / `delete` on real config files",
        "",
        f"{len(cases)} edits (seed {seed}; the peers on every {peer_every}th of them) on the 200 files of tests/fixtures/edit "
        "(50 each of YAML, TOML, JSON(C), XML; sources in SOURCES.md): a random existing "
        "scalar set to a new value of its kind, or its entry deleted.",
        "",
        "| format | tool | edits | refused | exact (nothing else changed) | lines changed beyond the edit | per done edit | comments lost | data wrong |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (group, tool), tally in sorted(
        tallies.items(), key=lambda item: (item[0][0], item[0][1] != "structconv", item[0][1])
    ):
        done = tally.edits - tally.refused
        per = f"{tally.lines_beyond / done:.1f}" if done else "-"
        lines.append(
            f"| {group} | {tool} | {tally.edits} | {tally.refused} | {tally.exact} | "
            f"{tally.lines_beyond} | {per} | {tally.comments_lost} | {tally.data_wrong} |"
        )
    ours = [t for (_, tool), t in tallies.items() if tool == "structconv"]
    beyond = sum(t.lines_beyond for t in ours)
    wrong = sum(t.data_wrong + t.comments_lost for t in ours)
    lines += [
        "",
        "| measure | value | target | met |",
        "| --- | ---: | ---: | :---: |",
        f"| structconv: lines changed beyond the edit | {beyond} | = 0 | {'yes' if beyond == 0 else 'no'} |",
        f"| structconv: data wrong or comments lost | {wrong} | = 0 | {'yes' if wrong == 0 else 'no'} |",
        "",
        "Peers: a refusal is an error exit (jq cannot read JSON with comments; xmlstarlet and "
        "toml-cli take no path through repeated elements or odd keys here). mikefarah/yq and "
        "dasel are not installable from PyPI, Debian or npm, so they are not measured.",
        "",
        "structconv's refusals (its proof or its editor declined; nothing would be written):",
        "",
    ]
    notes = [note for t in ours for note in t.notes]
    lines += [f"- {note}" for note in notes[:40]] or ["- none"]
    if len(notes) > 40:
        lines.append(f"- ... and {len(notes) - 40} more")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--edits", type=int, default=4, help="edits per file (default 4)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument(
        "--peer-every",
        type=int,
        default=1,
        help="run the peers on every Nth edit only (each peer edit starts a process; default 1)",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    cases = make_cases(args.edits, args.seed)
    tallies = bench(cases, args.skip_peers, args.peer_every)
    text = report(tallies, cases, args.seed, args.peer_every)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
    if args.json:
        rows = [
            {"case": group, "tool": tool, **{k: v for k, v in vars(t).items() if k != "notes"}}
            for (group, tool), t in tallies.items()
        ]
        args.json.write_text(json.dumps({"rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
