"""Normalization speed against prettier and pre-commit-hooks, and the hook's start-up.

    python benchmarks/normalize_bench.py [--files 1000] [--repeat 3] [--out FILE.md]

Inputs: a deterministic tree of mixed config files (JSON, YAML, TOML, XML, CSV), all
badly formatted, generated into benchmarks/data/normalize/ (git-ignored). Each
measurement copies the tree into a fresh temporary folder and times one process over
it, start-up included, so every tool starts from the same unformatted files:

- structconv on the whole tree, on its JSON + YAML part and on its JSON part;
- prettier (npm, installed into a temporary folder now) on the JSON + YAML part;
- pre-commit-hooks' `pretty-format-json --autofix` (PyPI, installed into a temporary
  virtual environment now) on the JSON part;
- `structconv --version` start-up, beside `python -c pass`;
- the `structconv-normalize` hook over 5 typical files (a commit), unformatted and
  already formatted: read (`--no-cache`) and remembered from the run before (the hooks'
  memory, structconv.hook_cache, in a fresh folder of the benchmark's own).

After each structconv run, `structconv normalize --check` over the result must pass,
so that a fast row cannot be a row that did less work. Peers that cannot be
installed get a row that says so. The markdown report goes to stdout (and --out).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "normalize"
sys.path.insert(0, str(HERE))

from convert_bench import environment_set  # noqa: E402

SEED = 20251125
GENERATOR_VERSION = "1"
BIN = Path(sys.executable).parent
# Shares of the tree per format, as in a typical repository's config files.
MIX = (("json", 0.35), ("yaml", 0.35), ("toml", 0.12), ("xml", 0.10), ("csv", 0.08))
WORDS = ["alpha", "beta", "gamma", "delta", "edge", "cache", "proxy", "worker", "Zoë", "東京"]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- inputs ---------------------------------------------------------------------------


def _config(rng: random.Random) -> dict[str, object]:
    """A service configuration of the usual shape: scalars, a nested table, short lists."""
    return {
        "name": rng.choice(WORDS) + f"-{rng.randrange(1000)}",
        "enabled": rng.random() < 0.8,
        "replicas": rng.randrange(1, 12),
        "timeout": round(rng.uniform(0.5, 30), 2),
        "tags": rng.sample(WORDS, rng.randrange(1, 5)),
        "server": {
            "host": f"10.0.{rng.randrange(256)}.{rng.randrange(256)}",
            "port": rng.randrange(1024, 65535),
            "paths": [f"/{word}" for word in rng.sample(WORDS, 3)],
        },
        "limits": {"cpu": f"{rng.randrange(1, 8)}00m", "memory": f"{rng.randrange(1, 16)}Gi"},
        "owners": [{"team": rng.choice(WORDS), "email": f"ops{i}@example.org"} for i in range(2)],
    }


def _ugly_json(data: dict[str, object], rng: random.Random) -> str:
    return json.dumps(data, indent=rng.choice([None, 4, "\t"]), ensure_ascii=True)


def _ugly_yaml(data: dict[str, object]) -> str:
    server = data["server"]
    assert isinstance(server, dict)
    lines = [
        "# service definition",
        f"name:    {data['name']}",
        f"enabled: {str(data['enabled']).lower()}",
        f"replicas:   {data['replicas']}   # scaled by hand",
        f"timeout: {data['timeout']}",
        "tags: [" + ",".join(str(tag) for tag in data["tags"]) + "]",  # type: ignore[attr-defined]
        "server:",
        f"    host: '{server['host']}'",
        f"    port: {server['port']}",
        "    paths:",
        *(f"    -   {path}" for path in server["paths"]),
        "owners:",
        *(
            f"-   team: {owner['team']}\n    email: {owner['email']}"
            for owner in data["owners"]  # type: ignore[attr-defined]
        ),
    ]
    return "\n".join(lines) + "\n"


def _ugly_toml(data: dict[str, object]) -> str:
    server = data["server"]
    assert isinstance(server, dict)
    tags = ",".join(f'"{tag}"' for tag in data["tags"])  # type: ignore[attr-defined]
    return (
        f'# service\nname="{data["name"]}"\nenabled={str(data["enabled"]).lower()}\n'
        f"replicas =  {data['replicas']}\ntags=[{tags}]\n"
        f'  [server]\n  host="{server["host"]}"\n  port={server["port"]}\n'
        f"  limits={{cpu='1',memory='2Gi'}}\n\n\n\n[owners]\nteam='{WORDS[1]}'\n"
    )


def _ugly_xml(data: dict[str, object]) -> str:
    server = data["server"]
    assert isinstance(server, dict)
    paths = "".join(f"<path>{path}</path>" for path in server["paths"])
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- service -->\n<service name="{data["name"]}">'
        f"<replicas>{data['replicas']}</replicas><server><host>{server['host']}</host>"
        f"<port>{server['port']}</port><paths>{paths}</paths></server>"
        f"<note>mixed <b>content</b> stays</note></service>"
    )


def _ugly_csv(rng: random.Random) -> str:
    rows = ['"id","name","city","score"']
    for index in range(rng.randrange(5, 40)):
        rows.append(
            f'"{index}","{rng.choice(WORDS)}","{rng.choice(WORDS)}, x","{rng.random():.3f}"'
        )
    return "\n".join(rows) + "\n"


def _ugly(format: str, data: dict[str, object], rng: random.Random) -> str:
    if format == "json":
        return _ugly_json(data, rng)
    if format == "yaml":
        return _ugly_yaml(data)
    if format == "toml":
        return _ugly_toml(data)
    if format == "xml":
        return _ugly_xml(data)
    return _ugly_csv(rng)


def generate(count: int) -> Path:
    """The input tree for `count` files (made once, reused while the generator is the same)."""
    root = DATA / f"v{GENERATOR_VERSION}-{count}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(SEED)
    made = 0
    for format, share in MIX:
        for index in range(round(count * share) if format != "csv" else count - made):
            folder = root / f"service{index % 40:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            text = _ugly(format, _config(rng), rng)
            (folder / f"config{index:04d}.{format}").write_text(text, encoding="utf-8")
            made += 1
    (root / ".complete").touch()
    return root


def files_of(root: Path, suffixes: Sequence[str]) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.suffix.lstrip(".") in suffixes)


# --- measuring ------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    files: int
    seconds: float | None
    note: str = ""

    def cells(self) -> list[str]:
        if self.seconds is None:
            return [self.what, str(self.files), "-", "-", self.note]
        rate = f"{self.files / self.seconds:,.0f}" if self.files else "-"
        return [self.what, str(self.files), f"{self.seconds:.3f}", rate, self.note]


def _timed(command: Sequence[str], cwd: Path, expect: Callable[[int], bool]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if not expect(completed.returncode):
        raise RuntimeError(
            f"{command[0]} exited {completed.returncode}: {completed.stderr[-2000:]}"
        )
    return elapsed


def best_of(
    repeat: int,
    source: Path,
    suffixes: Sequence[str],
    command: Callable[[list[str]], list[str]],
    expect: Callable[[int], bool],
    verify: Callable[[Path, list[str]], None] | None = None,
) -> tuple[float, int]:
    """The best time of `repeat` runs, each over a fresh copy of the files of `source`."""
    times: list[float] = []
    count = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="normalize-bench-") as folder:
            work = Path(folder) / "tree"
            shutil.copytree(source, work)
            paths = [str(path.relative_to(work)) for path in files_of(work, suffixes)]
            count = len(paths)
            times.append(_timed(command(paths), work, expect))
            if verify is not None:
                verify(work, paths)
    return min(times), count


def _structconv_check(work: Path, paths: list[str]) -> None:
    completed = subprocess.run(
        [str(BIN / "structconv"), "normalize", "--check", *paths],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError("structconv left files unnormalized:\n" + completed.stderr[-2000:])


def install_prettier(folder: Path) -> list[str] | None:
    npm = shutil.which("npm")
    if npm is None:
        return None
    _progress("installing prettier with npm (temporary)...")
    completed = subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(folder),
            "prettier",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    script = folder / "node_modules" / "prettier" / "bin" / "prettier.cjs"
    if completed.returncode != 0 or not script.exists():
        _progress(completed.stderr[-1000:])
        return None
    return ["node", str(script)]


def install_pre_commit_hooks(folder: Path) -> list[str] | None:
    _progress("installing pre-commit-hooks into a temporary venv...")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    completed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "pre-commit-hooks"],
        capture_output=True,
        text=True,
        check=False,
    )
    tool = venv / "bin" / "pretty-format-json"
    if completed.returncode != 0 or not tool.exists():
        _progress(completed.stderr[-1000:])
        return None
    return [str(tool)]


def startup(repeat: int, command: list[str]) -> float:
    return min(_timed(command, HERE, lambda code: code == 0) for _ in range(repeat))


def hook_rows(repeat: int, source: Path) -> list[Row]:
    """The hook over a typical commit: 2 YAML, 1 JSON, 1 TOML, 1 XML file."""
    picks = [
        *files_of(source, ["yaml"])[:2],
        *files_of(source, ["json"])[:1],
        *files_of(source, ["toml"])[:1],
        *files_of(source, ["xml"])[:1],
    ]
    hook = str(BIN / "structconv-normalize")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="normalize-hook-") as folder:
        work = Path(folder)
        names = []
        for index, pick in enumerate(picks):
            name = f"f{index}{pick.suffix}"
            shutil.copy(pick, work / name)
            names.append(name)
        unformatted: list[float] = []
        for _ in range(repeat):
            for index, pick in enumerate(picks):
                shutil.copy(pick, work / names[index])
            unformatted.append(_timed([hook, *names], work, lambda code: code == 1))
        rows.append(Row("structconv-normalize hook, 5 files to fix", 5, min(unformatted)))
        for label, flags in (("read", ["--no-cache"]), ("remembered", [])):
            clean = min(
                _timed([hook, *flags, *names], work, lambda code: code == 0) for _ in range(repeat)
            )
            rows.append(
                Row(f"structconv-normalize hook, 5 files already normal, {label}", 5, clean)
            )
    return rows


@contextlib.contextmanager
def own_hook_memory() -> Iterator[None]:
    """The hooks remember files that passed (structconv.hook_cache): in a folder of the
    benchmark's own, fresh, never the user's."""
    with (
        tempfile.TemporaryDirectory(prefix="normalize-hook-cache-") as folder,
        environment_set({"STRUCTCONV_CACHE_DIR": folder}),
    ):
        yield


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="files in the tree")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--skip-peers", action="store_true", help="measure structconv only")
    parser.add_argument("--out", type=Path, help="also write the report here")
    arguments = parser.parse_args(argv)

    source = generate(arguments.files)
    repeat = arguments.repeat
    structconv = str(BIN / "structconv")
    changed = lambda code: code in (0, 1)  # noqa: E731  (1: files were rewritten)
    rows: list[Row] = []

    def normalize(paths: list[str]) -> list[str]:
        return [structconv, "normalize", *paths]

    parts = [
        ("structconv normalize, all formats", ["json", "yaml", "toml", "xml", "csv"]),
        ("structconv normalize, JSON + YAML", ["json", "yaml"]),
        ("structconv normalize, JSON", ["json"]),
    ]
    for label, suffixes in parts:
        _progress(f"{label}...")
        seconds, count = best_of(repeat, source, suffixes, normalize, changed, _structconv_check)
        rows.append(Row(label, count, seconds))

    with tempfile.TemporaryDirectory(prefix="normalize-peers-") as folder:
        peers = Path(folder)
        prettier = None if arguments.skip_peers else install_prettier(peers / "npm")
        if prettier is None:
            rows.append(Row("prettier --write, JSON + YAML", 0, None, "not installed (npm)"))
        else:
            version = subprocess.run([*prettier, "--version"], capture_output=True, text=True)
            _progress("prettier...")
            seconds, count = best_of(
                repeat,
                source,
                ["json", "yaml"],
                lambda paths: [*prettier, "--write", "--log-level", "warn", *paths],
                lambda code: code == 0,
            )
            rows.append(
                Row("prettier --write, JSON + YAML", count, seconds, version.stdout.strip())
            )
        pretty = None if arguments.skip_peers else install_pre_commit_hooks(peers)
        if pretty is None:
            rows.append(Row("pretty-format-json --autofix, JSON", 0, None, "not installed"))
        else:
            _progress("pretty-format-json...")
            seconds, count = best_of(
                repeat,
                source,
                ["json"],
                lambda paths: [*pretty, "--autofix", "--no-sort-keys", "--indent", "2", *paths],
                changed,
            )
            rows.append(Row("pre-commit-hooks pretty-format-json --autofix, JSON", count, seconds))

    _progress("start-up...")
    rows.append(
        Row("python -c pass (interpreter start-up)", 0, startup(10, [sys.executable, "-c", "pass"]))
    )
    rows.append(Row("structconv --version", 0, startup(10, [structconv, "--version"])))
    with own_hook_memory():
        rows.extend(hook_rows(max(repeat, 5), source))

    header = ["what", "files", "seconds (best)", "files/s", "note"]
    lines = [
        f"Normalize benchmark: {arguments.files} generated files, best of {repeat}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row.cells()) + " |" for row in rows),
    ]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if arguments.out is not None:
        arguments.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
