"""The cost of one call: the console commands on one small file against bare scripts.

    python benchmarks/startup_bench.py [--runs 20] [--warmup 2] [--mode source|cached|both]
                                       [--before DIR] [--remarshal PATH] [--out FILE.md]
                                       [--json FILE]

A pre-commit hook or a shell loop starts structconv once per file, so for small files
the wall time of a whole process is what a user waits for, and most of it is start-up
(interpreter, imports, compiling them). Each command runs as pip's console script runs
it (`sys.exit(structconv.console.main())` in a fresh interpreter) on small files written
into a temporary folder, and is set beside a floor: a bare script started the same way
that does the least the command must do with the same file:

- `structconv convert small.yaml --to json -o out.json` against `yaml_rs.loads` +
  `orjson.dumps` into the same output file (target: at most 1.5x);
- `structconv-check FILE` against a bare parse of FILE (yaml_rs, orjson, tomllib;
  target: at most 1.3x);
- `structconv-normalize FILE` (already in its canonical layout, so nothing is written)
  against a bare parse of FILE (target: at most 1.3x), and, for a look only, against a bare
  load and dump with the library that keeps comments (ruamel.yaml, tomlkit; the stdlib
  json module for JSON), which normalize cannot do without;
- both hooks twice: as a user runs them again on a file that passed before (the hooks
  remember it, structconv.hook_cache: "remembered"), and with `--no-cache`, reading the
  file as on its first run or after a change ("read"); the memory lives in a fresh folder
  of the benchmark's own;
- `python -c pass`, `structconv --version`, and remarshal (a peer, when installed) for
  reference.

Timing is hyperfine-like: `--warmup` untimed runs of each command, then `--runs` rounds
in each of which every command runs once (so that a busy machine slows all alike); the
median of its runs is a command's time, the ratio is its median over its floor's median.
Every run must exit 0 (a normalize run that rewrote its file, for one, is an error).
`--before DIR` runs the structconv commands of another checkout too, in the same rounds
(rows marked [before]), for a before/after comparison that a busy machine moves alike.

Bytecode (`--mode`): this machine sets PYTHONDONTWRITEBYTECODE, and a checkout holds no
`__pycache__`, so each process compiles structconv's modules from source ("source"; the
standard library and site-packages use the bytecode their installation wrote). An
installed structconv has bytecode ("cached": PYTHONPYCACHEPREFIX names a fresh folder,
PYTHONDONTWRITEBYTECODE is unset, structconv is compiled into it with compileall and the
warm-up runs write the bytecode of everything else the commands import). `both` (the
default) measures each mode in turn.

The markdown report goes to stdout (and --out), its rows as JSON to --json; progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from convert_bench import _cpu_model, find_remarshal  # noqa: E402

# What pip writes as the `structconv` console script, for each entry point.
CONSOLE_SCRIPT = "import sys\nfrom structconv.console import {entry}\nsys.exit({entry}())\n"

SMALL_YAML = """\
# a service's settings
name: edge-proxy
enabled: true
replicas: 3
timeout: 2.5
tags: [alpha, beta]
server:
  host: 10.0.1.7
  port: 8443
  paths:
    - /health
    - /metrics
limits:
  cpu: 500m
  memory: 2Gi
owners:
  - team: ops
    email: ops@example.org
"""

SMALL_JSON = """\
{
  "name": "edge-proxy",
  "enabled": true,
  "replicas": 3,
  "timeout": 2.5,
  "tags": ["alpha", "beta"],
  "server": {"host": "10.0.1.7", "port": 8443, "paths": ["/health", "/metrics"]},
  "owners": [{"team": "ops", "email": "ops@example.org"}]
}
"""

SMALL_TOML = """\
# a service's settings
name = "edge-proxy"
enabled = true
replicas = 3
timeout = 2.5
tags = ["alpha", "beta"]

[server]
host = "10.0.1.7"
port = 8443
paths = ["/health", "/metrics"]

[[owners]]
team = "ops"
email = "ops@example.org"
"""

# The floors: bare scripts doing the least each command must do.
FLOOR_CONVERT = """\
import sys, orjson, yaml_rs
with open(sys.argv[1], encoding="utf-8") as source:
    data = yaml_rs.loads(source.read())
with open(sys.argv[2], "wb") as target:
    target.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\\n")
"""
FLOOR_PARSE = {
    "yaml": "import sys, yaml_rs\nyaml_rs.loads(open(sys.argv[1], encoding='utf-8').read())\n",
    "json": "import sys, orjson\norjson.loads(open(sys.argv[1], 'rb').read())\n",
    "toml": "import sys, tomllib\ntomllib.loads(open(sys.argv[1], encoding='utf-8').read())\n",
}
FLOOR_ROUND_TRIP = {
    "yaml": (
        "import io, sys\nfrom ruamel.yaml import YAML\nyaml = YAML()\n"
        "data = yaml.load(open(sys.argv[1], encoding='utf-8').read())\n"
        "yaml.dump(data, io.StringIO())\n"
    ),
    "json": (
        "import json, sys\n"
        "json.dumps(json.loads(open(sys.argv[1], encoding='utf-8').read()), indent=2)\n"
    ),
    "toml": (
        "import sys, tomlkit\n"
        "tomlkit.dumps(tomlkit.parse(open(sys.argv[1], encoding='utf-8').read()))\n"
    ),
}


@dataclass
class Command:
    name: str
    argv: list[str]
    root: Path = ROOT  # the checkout whose structconv it runs
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of each run
    instructions: int | None = None  # counted by valgrind, where installed

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


@dataclass(frozen=True)
class Comparison:
    measure: str
    command: str
    floor: str
    target: float | None  # None: for a look only


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(folder: Path) -> dict[str, Path]:
    """The inputs, the console scripts and the floors' scripts in `folder`."""
    paths: dict[str, Path] = {}
    for name, text in (
        ("small.yaml", SMALL_YAML),
        ("small.json", SMALL_JSON),
        ("small.toml", SMALL_TOML),
    ):
        paths[name] = folder / name
        paths[name].write_text(text, encoding="utf-8")
    scripts = {
        "structconv": CONSOLE_SCRIPT.format(entry="main"),
        "structconv-check": CONSOLE_SCRIPT.format(entry="check"),
        "structconv-normalize": CONSOLE_SCRIPT.format(entry="normalize"),
        "floor-convert": FLOOR_CONVERT,
        **{f"floor-parse-{format}": text for format, text in FLOOR_PARSE.items()},
        **{f"floor-round-trip-{format}": text for format, text in FLOOR_ROUND_TRIP.items()},
    }
    for name, text in scripts.items():
        paths[name] = folder / "bin" / name
        paths[name].parent.mkdir(exist_ok=True)
        paths[name].write_text(text, encoding="utf-8")
    return paths


def plan(paths: dict[str, Path], folder: Path, remarshal: str | None) -> list[Command]:
    python = sys.executable

    def script(name: str, *arguments: str | Path) -> list[str]:
        return [python, str(paths[name]), *map(str, arguments)]

    out = folder / "out.json"
    commands = [
        Command("python -c pass", [python, "-c", "pass"]),
        Command("structconv --version", script("structconv", "--version")),
        Command(
            "structconv convert small.yaml --to json -o out.json",
            script("structconv", "convert", paths["small.yaml"], "--to", "json", "-o", out),
        ),
        Command(
            "floor: yaml_rs.loads + orjson.dumps",
            script("floor-convert", paths["small.yaml"], out),
        ),
    ]
    for format in ("yaml", "json", "toml"):
        source = paths[f"small.{format}"]
        commands += [
            Command(f"structconv-check small.{format}", script("structconv-check", source)),
            Command(
                f"structconv-check --no-cache small.{format}",
                script("structconv-check", "--no-cache", source),
            ),
            Command(f"structconv-normalize small.{format}", script("structconv-normalize", source)),
            Command(
                f"structconv-normalize --no-cache small.{format}",
                script("structconv-normalize", "--no-cache", source),
            ),
            Command(f"floor: parse small.{format}", script(f"floor-parse-{format}", source)),
            Command(
                f"floor: round trip small.{format}", script(f"floor-round-trip-{format}", source)
            ),
        ]
    if remarshal is not None:
        commands.append(
            Command(
                "remarshal small.yaml -> json",
                [remarshal, "--from", "yaml", "--to", "json", str(paths["small.yaml"]), str(out)],
            )
        )
    return commands


COMPARISONS = (
    Comparison(
        "convert small.yaml --to json / floor",
        "structconv convert small.yaml --to json -o out.json",
        "floor: yaml_rs.loads + orjson.dumps",
        1.5,
    ),
    *(
        Comparison(
            f"structconv-{hook} small.{format}, {how} / bare parse",
            f"structconv-{hook}{flag} small.{format}",
            f"floor: parse small.{format}",
            1.3,
        )
        for hook in ("check", "normalize")
        for how, flag in (("remembered", ""), ("read", " --no-cache"))
        for format in ("yaml", "json", "toml")
    ),
    *(
        Comparison(
            f"structconv-normalize small.{format}, read / round trip",
            f"structconv-normalize --no-cache small.{format}",
            f"floor: round trip small.{format}",
            None,
        )
        for format in ("yaml", "json", "toml")
    ),
    Comparison(
        "remarshal small.yaml -> json / floor",
        "remarshal small.yaml -> json",
        "floor: yaml_rs.loads + orjson.dumps",
        None,
    ),
    Comparison(
        "structconv --version / python -c pass", "structconv --version", "python -c pass", None
    ),
)


def environment(mode: str, cache: Path, root: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env.pop("PYTHONPYCACHEPREFIX", None)
    # The hooks' memory, one for each checkout: it holds one verdict a file, for the
    # installation that gave it, so with --before the two would overwrite each other's
    # and no "remembered" run would find one.
    role = "" if root == ROOT else "-before"
    env["STRUCTCONV_CACHE_DIR"] = str(cache.with_name(f"{cache.name}-hooks{role}"))
    if mode == "source":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: Command, env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU: of the child just waited for)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        command.argv, env=env, cwd=cwd, capture_output=True, timeout=120, check=False
    )
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise RuntimeError(f"{command.name}: exit {done.returncode}: {' '.join(message)}")
    return seconds, cpu


def count_instructions(command: Command, env: dict[str, str], cwd: Path) -> int | None:
    """The instructions one run executes (valgrind's callgrind), or None without valgrind.

    Unlike time on a shared machine, the count is the same from one run to the next (with
    a fixed hash seed): it shows a change of a few percent that the medians' noise hides.
    It leaves out what costs time without instructions (page faults, reading files)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    done = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command.argv],
        env={**env, "PYTHONHASHSEED": "0"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return collected_instructions(done.stderr) if done.returncode == 0 else None


def collected_instructions(report: str) -> int | None:
    """The count in callgrind's summary line (`==123== Collected : 101597905`)."""
    for line in report.splitlines():
        label, _, count = line.partition("Collected :")
        if count and label.startswith("=="):
            return int(count.strip())
    return None


def measure(commands: list[Command], mode: str, runs: int, warmup: int, folder: Path) -> None:
    cache = folder / f"pycache-{mode}"
    envs = {command.root: environment(mode, cache, command.root) for command in commands}
    if mode == "cached":
        for root, env in envs.items():
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(root / "structconv")],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    for command in commands:
        command.seconds.clear()
        command.cpu.clear()
        for _ in range(warmup):
            run_once(command, envs[command.root], folder)
    for round in range(runs):
        for command in commands:
            seconds, cpu = run_once(command, envs[command.root], folder)
            command.seconds.append(seconds)
            command.cpu.append(cpu)
        if (round + 1) % 5 == 0:
            _progress(f"  {mode}: {round + 1}/{runs} rounds")
    for command in commands:
        command.instructions = count_instructions(command, envs[command.root], folder)


BEFORE = " [before]"


def _before(comparison: Comparison) -> Comparison:
    """The comparison for the --before checkout's command."""
    return Comparison(
        comparison.measure + BEFORE,
        comparison.command + BEFORE,
        comparison.floor,
        comparison.target,
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def results(commands: list[Command], mode: str) -> tuple[list[str], list[dict[str, Any]]]:
    by_name = {command.name: command for command in commands}
    lines = [
        "| command | median (ms) | min (ms) | max (ms) | CPU median (ms) | runs |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows: list[dict[str, Any]] = []
    for command in commands:
        lines.append(
            f"| `{command.name}` | {_ms(command.median)} | {_ms(min(command.seconds))} "
            f"| {_ms(max(command.seconds))} | {_ms(command.cpu_median)} | {len(command.seconds)} |"
        )
        rows.append(
            {
                "mode": mode,
                "command": command.name,
                "median": command.median,
                "seconds": command.seconds,
                "cpu_median": command.cpu_median,
                "instructions": command.instructions,
            }
        )
    lines += [
        "",
        "| measure | value | target | met | command (ms) | floor (ms) | CPU ratio | min ratio "
        "| instructions ratio |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for comparison in (*COMPARISONS, *map(_before, COMPARISONS)):
        ours, floor = by_name.get(comparison.command), by_name.get(comparison.floor)
        if ours is None or floor is None:
            continue
        ratio = ours.median / floor.median
        cpu_ratio = ours.cpu_median / floor.cpu_median if floor.cpu_median else float("nan")
        min_ratio = min(ours.seconds) / min(floor.seconds)
        instructions_ratio = (
            ours.instructions / floor.instructions
            if ours.instructions and floor.instructions
            else None
        )
        target, met = "(a look)", "-"
        if comparison.measure.endswith(BEFORE):
            target = "(before)"
        elif comparison.target is not None:
            target, met = f"<= {comparison.target}", "yes" if ratio <= comparison.target else "no"
        lines.append(
            f"| {comparison.measure} ({mode}) | {ratio:.2f} | {target} | {met} "
            f"| {_ms(ours.median)} | {_ms(floor.median)} | {cpu_ratio:.2f} | {min_ratio:.2f} "
            f"| {'-' if instructions_ratio is None else f'{instructions_ratio:.2f}'} |"
        )
        rows.append(
            {
                "mode": mode,
                "measure": comparison.measure,
                "ratio": ratio,
                "cpu_ratio": cpu_ratio,
                "min_ratio": min_ratio,
                "instructions_ratio": instructions_ratio,
                "target": comparison.target,
            }
        )
    return lines, rows


def machine_lines(remarshal: str | None) -> list[str]:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    cached = sum(1 for _ in (ROOT / "structconv").rglob("*.pyc"))
    remarshal_version = "not installed"
    if remarshal is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(
                [remarshal, "--version"], capture_output=True, text=True, timeout=60, check=False
            )
            remarshal_version = (done.stdout or done.stderr).strip() or "?"
    return [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({_cpu_model()}), load average {load}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- bytecode files already in the checkout's structconv/: {cached}"
        + (" (the source mode reads them: it is not compiling everything)" if cached else ""),
        f"- remarshal: {remarshal_version}",
    ]


def _remembers(checkout: Path) -> bool:
    return (checkout / "structconv" / "hook_cache.py").is_file()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed rounds (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs of each command")
    parser.add_argument("--mode", choices=["source", "cached", "both"], default="both")
    parser.add_argument("--remarshal", help="path of the remarshal command (default: PATH)")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="also run the structconv commands of another checkout (a folder holding its "
        "structconv/, e.g. from `git worktree add` or `git archive`), in the same rounds",
    )
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    parser.add_argument("--json", type=Path, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    remarshal = find_remarshal(args.remarshal)
    modes = ["source", "cached"] if args.mode == "both" else [args.mode]
    lines = ["# Start-up: one small file per call", "", *machine_lines(remarshal), ""]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as name:
        folder = Path(name)
        paths = prepare(folder)
        commands = plan(paths, folder, remarshal)
        if args.before is not None:
            commands += [
                Command(command.name + BEFORE, command.argv, root=args.before.resolve())
                for command in commands
                if command.name.startswith("structconv")
                # a checkout without the hooks' memory has no --no-cache
                and ("--no-cache" not in command.argv or _remembers(args.before))
            ]
        environment_check = environment("source", folder / "unused")
        for format in ("yaml", "json", "toml"):  # canonical layout: normalize writes nothing
            subprocess.run(
                [sys.executable, str(paths["structconv-normalize"]), str(paths[f"small.{format}"])],
                env=environment_check,
                cwd=folder,
                capture_output=True,
                check=False,
            )
        for mode in modes:
            _progress(f"== {mode}: {len(commands)} commands, {args.runs} rounds")
            measure(commands, mode, args.runs, args.warmup, folder)
            title = {
                "source": "Source (PYTHONDONTWRITEBYTECODE=1: structconv compiled in every process)",
                "cached": "Cached bytecode (PYTHONPYCACHEPREFIX, compiled once beforehand)",
            }[mode]
            table, mode_rows = results(commands, mode)
            lines += [f"## {title}", "", *table, ""]
            rows += mode_rows
        shutil.rmtree(folder / "bin", ignore_errors=True)
    lines += [
        "Each value is a command's median wall time over its floor's, measured in the same "
        "rounds; the CPU ratio is the same for user + system time (less moved by other "
        "processes on a busy machine), the min ratio for the fastest runs, the instructions "
        "ratio for the instructions one run of each executes (valgrind's callgrind, hash seed "
        "0: the same from run to run; '-' without valgrind). Floors and commands start as "
        "console scripts (`python SCRIPT ARGS`).",
    ]
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    if args.json is not None:
        args.json.write_text(json.dumps({"rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
