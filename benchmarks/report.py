"""Every benchmark in one command, combined into one report with a summary and charts.

    python benchmarks/report.py [--quick] [--date YYYY-MM-DD] [--only NAME] [--combine-only]

Runs each benchmark of BENCHES as a subprocess (its progress on stderr as it goes), its
markdown into benchmarks/results/<date>/<name>.md and, where it has --json, its rows into
<name>.json; then writes benchmarks/results/<date>.md: the machine, a summary of the
targets (read from the benchmarks' own "measure | value | target | met" tables and
target lines), charts (PNG, matplotlib) and each benchmark's report. A benchmark that is
missing or fails gets a note in the report; the others go on. --quick passes each
benchmark its own small settings and writes <date>-quick.md and <date>-quick/ instead,
so that a quick look never replaces a full report. --combine-only rebuilds the report
from the files already in the folder without running anything.

Exit status: 0 when every benchmark ran, 1 when one failed (the report is written anyway).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from convert_bench import _cpu_model  # noqa: E402


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    title: str
    quick: tuple[str, ...] = ()  # options for --quick; each passed only if the script has it


BENCHES = (
    Bench("convert", "convert_bench.py", "Conversion", ("--quick", "--repeat", "1")),
    Bench("streaming", "streaming_bench.py", "Streaming", ("--quick", "--repeat", "1")),
    Bench("repair", "repair_bench.py", "Repair accuracy"),
    Bench(
        "normalize",
        "normalize_bench.py",
        "Normalize",
        ("--files", "100", "--repeat", "1", "--skip-peers"),
    ),
    Bench("batch", "batch_bench.py", "Batch conversion", ("--files", "200", "--repeat", "1")),
    Bench("startup", "startup_bench.py", "Start-up: one small file per call", ("--runs", "5")),
    Bench("llm", "llm_bench.py", "Repair model", ("--quick",)),
    Bench("edit", "edit_bench.py", "Editing in place", ("--edits", "1", "--skip-peers")),
    Bench("corpus", "corpus_bench.py", "Real files against reference parsers"),
    Bench(
        "adversarial",
        "adversarial_bench.py",
        "Adversarial repair",
        ("--mode", "rules", "--limit", "40"),
    ),
)


@dataclass
class Outcome:
    bench: Bench
    status: str  # "ok", "failed", "missing", "not run"
    seconds: float = 0.0
    note: str = ""
    markdown: str | None = None
    data: Any = None  # its --json output


@dataclass(frozen=True)
class Target:
    bench: str
    measure: str
    value: str
    target: str
    met: bool | None  # None: not measured


# --------------------------------------------------------------------------------------
# Running the benchmarks
# --------------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def options_of(script: Path) -> set[str]:
    """The long options the script's --help lists (none when --help fails)."""
    try:
        done = subprocess.run(
            [sys.executable, str(script), "--help"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=ROOT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return set(re.findall(r"--[a-z][a-z0-9-]*", done.stdout)) if done.returncode == 0 else set()


def supported(arguments: Sequence[str], options: set[str]) -> list[str]:
    """`arguments` without the options the script lacks (and their values)."""
    kept: list[str] = []
    dropping = False
    for argument in arguments:
        if argument.startswith("--"):
            dropping = argument not in options
        if not dropping:
            kept.append(argument)
    return kept


def run_bench(bench: Bench, folder: Path, quick: bool, timeout: float) -> Outcome:
    script = HERE / bench.script
    if not script.exists():
        return Outcome(bench, "missing", note=f"skipped: benchmarks/{bench.script} does not exist")
    options = options_of(script)
    md_path, json_path = folder / f"{bench.name}.md", folder / f"{bench.name}.json"
    md_path.unlink(missing_ok=True)
    json_path.unlink(missing_ok=True)
    argv = [sys.executable, str(script), *supported(bench.quick if quick else (), options)]
    if "--out" in options:
        argv += ["--out", str(md_path)]
    if "--json" in options:
        argv += ["--json", str(json_path)]
    _progress(f"== {bench.name}: {' '.join(argv[1:])}")
    started = time.perf_counter()
    tail: collections.deque[str] = collections.deque(maxlen=20)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stdout:
        # Its own session, so that a timeout kills what it started too.
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True, start_new_session=True
        )

        def relay() -> None:  # progress goes on to our stderr as it comes; the tail is kept
            assert process.stderr is not None
            for line in process.stderr:
                tail.append(line.rstrip("\n"))
                print(f"  [{bench.name}] {line}", end="", file=sys.stderr, flush=True)

        relayer = threading.Thread(target=relay, daemon=True)
        relayer.start()
        try:
            code = process.wait(timeout)
            status, note = ("ok", "") if code == 0 else ("failed", f"exit {code}")
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            status, note = "failed", f"killed after {timeout:.0f} s"
        relayer.join(5)
        stdout.seek(0)
        printed = stdout.read()
    seconds = time.perf_counter() - started
    if status == "failed" and tail:
        note += ": " + " / ".join(line.strip() for line in list(tail)[-3:] if line.strip())
    if not md_path.exists() and printed.strip():
        md_path.write_text(printed, encoding="utf-8")  # a script without --out
    _progress(f"== {bench.name}: {status} in {seconds:.0f} s")
    runs = _runs(folder)
    runs[bench.name] = {"status": status, "seconds": seconds, "note": note}
    (folder / RUNS).write_text(json.dumps(runs, indent=2), encoding="utf-8")
    return load_outcome(bench, folder)


RUNS = "runs.json"  # in the folder: how each benchmark's last run went


def _runs(folder: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        runs = json.loads((folder / RUNS).read_text(encoding="utf-8"))
        if isinstance(runs, dict):
            return runs
    return {}


def load_outcome(bench: Bench, folder: Path) -> Outcome:
    """What a benchmark's last run left in `folder`: how it went, its markdown, its JSON."""
    md_path, json_path = folder / f"{bench.name}.md", folder / f"{bench.name}.json"
    outcome = Outcome(bench, "ok" if md_path.exists() else "not run")
    run = _runs(folder).get(bench.name, {})
    outcome.status = str(run.get("status", outcome.status))
    outcome.seconds = float(run.get("seconds", 0.0))
    outcome.note = str(run.get("note", ""))
    if md_path.exists():
        outcome.markdown = md_path.read_text(encoding="utf-8")
    with contextlib.suppress(OSError, ValueError):
        outcome.data = json.loads(json_path.read_text(encoding="utf-8"))
    return outcome


# --------------------------------------------------------------------------------------
# Reading the benchmarks' markdown
# --------------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$")


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def parse_tables(markdown: str) -> list[list[dict[str, str]]]:
    """Every pipe table of `markdown`, as rows keyed by the header's cells."""
    lines = markdown.splitlines()
    tables: list[list[dict[str, str]]] = []
    index = 0
    while index < len(lines) - 1:
        if lines[index].lstrip().startswith("|") and _SEPARATOR.match(lines[index + 1].strip()):
            header = _cells(lines[index])
            rows: list[dict[str, str]] = []
            index += 2
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                cells = _cells(lines[index])
                rows.append(
                    dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
                )
                index += 1
            tables.append(rows)
        else:
            index += 1
    return tables


def _met(cell: str) -> bool | None:
    cell = cell.strip("* ").lower()
    return {"yes": True, "no": False}.get(cell)


def extract_targets(name: str, markdown: str) -> list[Target]:
    """The targets a benchmark's report states: rows of its "measure | value | target | met"
    tables whose target is a bound (not "(> 1: we win)"), the batch ratio line, the
    normalize hook's time and the repair benchmark's wrong answers."""
    found: list[Target] = []
    for table in parse_tables(markdown):
        for row in table:
            bound = row.get("target", "")
            if {"measure", "value", "met"} <= row.keys() and bound and bound[0] in "<>=":
                found.append(Target(name, row["measure"], row["value"], bound, _met(row["met"])))
            hook = row.get("what", "")
            if hook.startswith("structconv-normalize hook") and "to fix" in hook:
                seconds = _number(row.get("seconds (best)", ""))
                found.append(
                    Target(
                        name,
                        f"{hook} (s)",
                        row.get("seconds (best)", "-"),
                        "< 1",
                        None if seconds is None else seconds < 1,
                    )
                )
    ratio = re.search(
        r"`--jobs 1` / `--jobs 2`: \*\*([\d.]+)x\*\*.*?target: at least ([\d.]+)x", markdown
    )
    if ratio:
        value, least = float(ratio.group(1)), float(ratio.group(2))
        found.append(
            Target(name, "--jobs 1 / --jobs 2 time", f"{value:.2f}", f">= {least}", value >= least)
        )
    ceiling = re.search(r"the rounds' shares.*?ceiling rule \*\*(met|not met)\*\*", markdown)
    if ceiling:
        share = re.search(r"\*\*(\d+%)\*\* of it", markdown)
        found.append(
            Target(
                name,
                "--jobs 2 speed-up as a share of the machine's ceiling",
                share.group(1) if share else "-",
                ">= 1.7x, or >= 95% of a ceiling < 1.8x",
                ceiling.group(1) == "met",
            )
        )
    wrong = re.search(r"structconv answers that were accepted but wrong: (.*)", markdown)
    if wrong:
        cases = [] if wrong.group(1).strip() == "none" else wrong.group(1).split(", ")
        found.append(
            Target(name, "structconv answers accepted but wrong", str(len(cases)), "0", not cases)
        )
    return found


def _number(text: str) -> float | None:
    match = re.match(r"\s*(-?\d+(?:\.\d+)?)", text)
    return float(match.group(1)) if match else None


def demote(markdown: str, levels: int = 2) -> str:
    """`markdown` with its headings `levels` deeper (outside code fences)."""
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and re.match(r"#{1,6} ", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def _color(tool: str) -> str:
    if tool.startswith("structconv"):
        return "tab:blue"
    if tool.startswith("floor"):
        return "tab:gray"
    return "tab:orange"


def _short(tool: str) -> str:
    return re.sub(r"`", "", tool)[:48]


def _rows(data: Any) -> list[dict[str, Any]]:
    """The rows of a benchmark's --json output ({"rows": [...]}), or none."""
    rows = data.get("rows") if isinstance(data, dict) else None
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _measured(data: Any, key: str) -> list[dict[str, Any]]:
    return [row for row in _rows(data) if row.get(key) is not None]


def _bars_by_case(
    rows: list[dict[str, Any]], key: str, xlabel: str, title: str, path: Path
) -> Path | None:
    """One panel per case, a horizontal bar per tool."""
    import matplotlib.pyplot as plt

    cases: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        cases.setdefault(row["case"], []).append(row)
    if not cases:
        return None
    heights = [max(1.2, 0.45 * len(items) + 0.6) for items in cases.values()]
    figure, axes = plt.subplots(
        len(cases),
        1,
        figsize=(9, sum(heights)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for axis, (case, items) in zip(axes[:, 0], cases.items(), strict=True):
        labels = [_short(row["tool"]) for row in items]
        values = [row[key] for row in items]
        axis.barh(labels, values, color=[_color(row["tool"]) for row in items])
        axis.invert_yaxis()
        axis.set_title(case, fontsize=9, loc="left")
        axis.tick_params(labelsize=8)
        for y, value in enumerate(values):
            axis.annotate(
                f" {value:.3g}",
                (value, y),
                va="center",
                fontsize=7,
            )
        axis.margins(x=0.15)
    axes[-1, 0].set_xlabel(xlabel)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def chart_repair(data: Any, path: Path) -> Path | None:
    """Exact-match rate per format, structconv beside the format's peer; wrong answers above."""
    import matplotlib.pyplot as plt

    rows = _rows(data)
    formats = sorted({row["format"] for row in rows})
    if not formats:
        return None
    figure, axis = plt.subplots(figsize=(9, 4))
    width = 0.38
    for index, format in enumerate(formats):
        items = [row for row in rows if row["format"] == format]
        for offset, row in enumerate(items):
            rate = 100 * row["exact"] / row["answerable"] if row["answerable"] else 0.0
            x = index + (offset - (len(items) - 1) / 2) * width
            axis.bar(x, rate, width * 0.95, color=_color(row["tool"]))
            axis.annotate(
                f"{row['tool'].split(' (')[0]}\nwrong {row['wrong']}",
                (x, rate),
                ha="center",
                va="bottom",
                fontsize=6,
            )
    axis.set_xticks(range(len(formats)), formats)
    axis.set_ylim(0, 115)
    axis.set_ylabel("exact match (% of cases with intended data)")
    axis.set_title("Repair accuracy on the golden corpus: structconv (blue) vs peers")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def chart_calibration(data: Any, path: Path) -> Path | None:
    """The adversarial benchmark's accepted repairs per confidence bucket, right and wrong."""
    confidence = data.get("confidence") if isinstance(data, dict) else None
    if not confidence:
        return None
    from adversarial_bench import draw_calibration

    return draw_calibration(confidence, path)


def chart_streaming_memory(data: Any, path: Path) -> Path | None:
    """Peak RSS against input size, one panel per conversion, a line per tool."""
    import matplotlib.pyplot as plt

    rows = _measured(data, "peak_mb")
    keys = list(dict.fromkeys(row["key"] for row in rows))
    if not keys:
        return None
    figure, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3.4), squeeze=False)
    for axis, key in zip(axes[0], keys, strict=True):
        items = [row for row in rows if row["key"] == key]
        for number, tool in enumerate(dict.fromkeys(row["tool"] for row in items)):
            points = sorted(
                (row["size_mb"], row["peak_mb"]) for row in items if row["tool"] == tool
            )
            axis.plot(
                [x for x, _ in points],
                [y for _, y in points],
                "osD^v"[number % 5] + "-",
                color=_color(tool),
                label=_short(tool),
            )
        axis.set_title(key, fontsize=9)
        axis.set_xlabel("input (MB)", fontsize=8)
        axis.set_ylim(bottom=0)
        axis.tick_params(labelsize=7)
        axis.legend(fontsize=6)
    axes[0, 0].set_ylabel("peak RSS (MB)")
    figure.suptitle("Streaming: peak RSS against input size")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def make_charts(outcomes: dict[str, Outcome], folder: Path) -> tuple[list[tuple[str, Path]], str]:
    """The charts that the data allows, as (title, path); and a note when there are none."""
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        return [], "charts skipped: matplotlib is not installed (`pip install -e '.[bench]'`)"

    def data(name: str) -> Any:
        outcome = outcomes.get(name)
        return None if outcome is None else outcome.data

    convert_rows = _measured(data("convert"), "seconds")
    plans: list[tuple[str, Callable[[Path], Path | None], str]] = [
        (
            "Conversion time against peers",
            lambda path: _bars_by_case(
                convert_rows,
                "seconds",
                "wall seconds (start-up included)",
                "Conversion time: structconv (blue), floor (gray), peers (orange)",
                path,
            ),
            "convert_time.png",
        ),
        (
            "Peak memory of the conversions",
            lambda path: _bars_by_case(
                convert_rows, "peak_mb", "peak RSS (MB), all processes", "Conversion peak RSS", path
            ),
            "convert_memory.png",
        ),
        (
            "Streaming: time against peers",
            lambda path: _bars_by_case(
                _measured(data("streaming"), "seconds"),
                "seconds",
                "wall seconds",
                "Streaming conversions: time",
                path,
            ),
            "streaming_time.png",
        ),
        (
            "Streaming: peak memory against input size",
            lambda path: chart_streaming_memory(data("streaming"), path),
            "streaming_memory.png",
        ),
        (
            "Repair accuracy per format",
            lambda path: chart_repair(data("repair"), path),
            "repair_accuracy.png",
        ),
        (
            "Adversarial repair: confidence against correctness",
            lambda path: chart_calibration(data("adversarial"), path),
            "adversarial_calibration.png",
        ),
    ]
    made: list[tuple[str, Path]] = []
    for title, draw, name in plans:
        target = folder / name
        target.unlink(missing_ok=True)
        try:
            if draw(target) is not None:
                made.append((title, target))
        except Exception as error:  # a chart must not cost the report
            _progress(f"chart {name} failed: {error!r}")
    return made, ""


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


def _git(*arguments: str) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
        )
        if done.returncode == 0:
            return done.stdout.strip()
    return ""


def machine_lines(date: str, quick: bool) -> list[str]:
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    mode = (
        "quick (small inputs, single runs: a quick look, not the targets' numbers)"
        if quick
        else "full"
    )
    return [
        f"- date: {date} (written {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC); mode: {mode}",
        f"- machine: {_cpu_model()}, {os.cpu_count()} CPUs, {memory} RAM; "
        f"{platform.system()} {platform.release()} {platform.machine()}; load average {load}",
        f"- Python {platform.python_version()}; git commit {commit}",
    ]


def summary_lines(outcomes: Sequence[Outcome]) -> list[str]:
    lines = [
        "| benchmark | measure | value | target | met |",
        "| --- | --- | ---: | ---: | :---: |",
    ]
    for outcome in outcomes:
        if outcome.markdown is None:
            continue
        for target in extract_targets(outcome.bench.name, outcome.markdown):
            met = {True: "yes", False: "**no**", None: "-"}[target.met]
            lines.append(
                f"| {target.bench} | {target.measure} | {target.value} | {target.target} | {met} |"
            )
    return lines if len(lines) > 2 else ["No targets were found in the benchmarks' reports."]


def combine(
    outcomes: Sequence[Outcome],
    header: list[str],
    charts: Sequence[tuple[str, Path]],
    chart_note: str,
    folder_name: str,
    quick: bool,
) -> str:
    """The combined report: header, summary, benchmark list, charts, each section."""
    title = "structconv benchmarks" + (" (quick)" if quick else "")
    lines = [f"# {title}", "", *header, "", "## Summary of the targets", ""]
    lines += summary_lines(outcomes)
    lines += [
        "",
        "## Benchmarks",
        "",
        "| benchmark | status | run time | report | note |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for outcome in outcomes:
        link = (
            f"[{outcome.bench.name}.md]({folder_name}/{outcome.bench.name}.md)"
            if outcome.markdown
            else "-"
        )
        took = f"{outcome.seconds:.0f} s" if outcome.seconds else "-"
        note = outcome.note.replace("|", "\\|")
        lines.append(f"| {outcome.bench.name} | {outcome.status} | {took} | {link} | {note} |")
    lines += ["", "## Charts", ""]
    if chart_note:
        lines += [chart_note, ""]
    for chart_title, path in charts:
        lines += [f"![{chart_title}]({folder_name}/{path.name})", ""]
    if not charts and not chart_note:
        lines += ["No data for charts.", ""]
    for outcome in outcomes:
        lines += [f"## {outcome.bench.title} (`benchmarks/{outcome.bench.script}`)", ""]
        if outcome.markdown is None:
            lines += [f"Not in this report: {outcome.note or outcome.status}.", ""]
            continue
        if outcome.status == "failed":
            lines += [f"**The benchmark failed** ({outcome.note}); what it wrote follows.", ""]
        lines += [demote(outcome.markdown.strip()), ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="every benchmark's small settings")
    parser.add_argument(
        "--date", type=datetime.date.fromisoformat, help="YYYY-MM-DD (default: today)"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        choices=[b.name for b in BENCHES],
        help="run only these; repeatable",
    )
    parser.add_argument(
        "--combine-only", action="store_true", help="run nothing; combine the results in the folder"
    )
    parser.add_argument(
        "--timeout", type=float, default=4 * 3600, help="seconds before one benchmark is killed"
    )
    args = parser.parse_args(argv)
    date = (args.date or datetime.date.today()).isoformat()
    name = f"{date}-quick" if args.quick else date
    folder = RESULTS / name
    folder.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    for bench in BENCHES:
        if args.combine_only or (args.only and bench.name not in args.only):
            outcome = load_outcome(bench, folder)
            if outcome.markdown is not None:
                outcome.note = "; ".join(filter(None, [outcome.note, "from an earlier run"]))
            if not (HERE / bench.script).exists():
                outcome.status, outcome.note = (
                    "missing",
                    f"benchmarks/{bench.script} does not exist",
                )
        else:
            outcome = run_bench(bench, folder, args.quick, args.timeout)
        outcomes.append(outcome)
    charts, note = make_charts({outcome.bench.name: outcome for outcome in outcomes}, folder)
    text = combine(outcomes, machine_lines(date, args.quick), charts, note, name, args.quick)
    path = RESULTS / f"{name}.md"
    path.write_text(text + "\n", encoding="utf-8")
    _progress(
        f"wrote {path.relative_to(ROOT)} ({len(charts)} charts in {folder.relative_to(ROOT)}/)"
    )
    return 1 if any(outcome.status == "failed" for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
