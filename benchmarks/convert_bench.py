"""Conversion speed and memory of structconv against its peers, measured in one run.

    python benchmarks/convert_bench.py [--quick] [--out FILE.md] [--json FILE.json]

Speed targets are checked here, never in timed tests: every number is a ratio
against a peer measured in the same run on the same machine. Each measurement runs
in a fresh process; its wall time includes interpreter start-up, so the Python
rows compare fairly with the command-line peers (remarshal, Miller). Peak RSS is
that process's own maximum resident set, read from os.wait4, or for a command that
runs several processes (structconv's workers) the sum of their own peaks (LAUNCHER).

Inputs are generated deterministically into benchmarks/data/ (git-ignored).
Peers that are not installed get a row saying how to install them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import filecmp
import functools
import importlib
import importlib.metadata
import importlib.util
import json
import operator
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TextIO
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workers  # noqa: E402  (benchmarks/workers.py: the conversions timed in their own process)

DATA = HERE / "data"
SEED = 20251125
# Bump when the generators change, so stale inputs are rebuilt.
GENERATOR_VERSION = "2"
MB = 1_000_000

INSTALL_REMARSHAL = "`pipx install remarshal` (or a venv of its own; see benchmarks/README.md)"
INSTALL_MLR = "`apt-get install -y miller`"

# --------------------------------------------------------------------------------------
# Input generation
# --------------------------------------------------------------------------------------

FIRST = [
    "Alice",
    "Bob",
    "Carol",
    "Dmitri",
    "Eve",
    "François",
    "Grace",
    "Hiro",
    "Ines",
    "José",
    "Kenji",
    "Laila",
    "Mateo",
    "Nadia",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Yuki",
]
LAST = [
    "Smith",
    "Nakamura",
    "García",
    "Müller",
    "O'Brien",
    "Kowalski",
    "Okafor",
    "Rossi",
    "Dubois",
    "Andersson",
    "Tanaka",
    "Singh",
    "Novak",
    "Silva",
    "Jensen",
    "Ivanova",
]
NAME_JA = [
    "山田 太郎",
    "佐藤 花子",
    "鈴木 一郎",
    "高橋 美咲",
    "田中 健",
    "伊藤 さくら",
    "渡辺 翔太",
    "中村 陽子",
    "小林 大輔",
    "加藤 愛",
]
CITIES = [
    ("Tokyo", "東京"),
    ("Osaka", "大阪"),
    ("Kyoto", "京都"),
    ("Berlin", "ベルリン"),
    ("Paris", "パリ"),
    ("São Paulo", "サンパウロ"),
    ("New York", "ニューヨーク"),
    ("Nairobi", "ナイロビ"),
]
TAGS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "vip",
    "new",
    "returning",
    "wholesale",
    "retail",
    "eu",
    "apac",
    "priority",
]
WORDS = [
    "order",
    "delivered",
    "late",
    "customer",
    "asked",
    "for",
    "refund",
    "gift",
    "wrap",
    "please",
    "call",
    "before",
    "noon",
    "fragile",
    "items",
    "leave",
    "at",
    "door",
    "配達",
    "確認",
    "お願いします",
]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


def make_record(rng: random.Random, index: int, *, nulls: bool) -> dict[str, Any]:
    """One customer record: scalars of every kind, a nested mapping, lists, unicode."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, city_ja = rng.choice(CITIES)
    record: dict[str, Any] = {
        "id": index,
        "uuid": f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}"
        f"-{0x8000 | rng.getrandbits(14):04x}-{rng.getrandbits(48):012x}",
        "name": f"{first} {last}",
        "name_ja": rng.choice(NAME_JA),
        "email": f"{first.lower()}.{index}@example.com",
        "active": rng.random() < 0.7,
        "score": round(rng.uniform(0, 100), 2),
        "balance": round(rng.uniform(-5000, 50000), 2),
    }
    rank = rng.randint(1, 500)
    if not (nulls and rng.random() < 0.15):
        record["rank"] = rank
    elif nulls:
        record["rank"] = None
    record["tags"] = rng.sample(TAGS, rng.randint(0, 4))
    record["address"] = {
        "street": f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)} Chuo",
        "city": city,
        "city_ja": city_ja,
        "postcode": f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
        "geo": {"lat": round(rng.uniform(-60, 60), 4), "lon": round(rng.uniform(-180, 180), 4)},
    }
    record["orders"] = [
        {
            "sku": f"SKU-{rng.randint(10000, 99999)}",
            "qty": rng.randint(1, 12),
            "price": round(rng.uniform(1, 500), 2),
            "shipped": rng.random() < 0.5,
        }
        for _ in range(rng.randint(0, 4))
    ]
    roll = rng.random()
    if roll < 0.2:
        record["note"] = _sentence(rng, 4, 10) + "\n" + _sentence(rng, 3, 8) + "\n"
    elif roll < 0.6:
        record["note"] = _sentence(rng, 3, 12)
    return record


def records(seed: int, *, nulls: bool) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    index = 0
    while True:
        index += 1
        yield make_record(rng, index, nulls=nulls)


_PLAIN = re.compile(r"[A-Za-z\u00c0-\u024f\u3040-\u30ff\u4e00-\u9fff][\w .@'\-\u3000-\u9fff]*")
_RESERVED = re.compile(r"(?i)(y|n|yes|no|on|off|true|false|null|~|\.nan|\.inf|[-+]?\.inf)$")


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not _RESERVED.match(text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _yaml_flow(items: list[Any]) -> str:
    return "[" + ", ".join(_yaml_scalar(item) for item in items) + "]"


def _yaml_block(out: list[str], value: Any, indent: int) -> None:
    """Append `value` (a mapping or a list) in block style, `indent` spaces deep."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            _yaml_entry(out, pad + key + ":", item, indent)
    else:
        for item in value:
            if isinstance(item, dict):
                lines: list[str] = []
                _yaml_block(lines, item, indent + 2)
                lines[0] = pad + "- " + lines[0][indent + 2 :]
                out.extend(lines)
            else:
                _yaml_entry(out, pad + "-", item, indent)


def _yaml_entry(out: list[str], head: str, item: Any, indent: int) -> None:
    if isinstance(item, dict) and "lat" in item:
        inner = ", ".join(f"{k}: {_yaml_scalar(v)}" for k, v in item.items())
        out.append(f"{head} {{{inner}}}")
    elif isinstance(item, dict):
        out.append(head)
        _yaml_block(out, item, indent + 2)
    elif isinstance(item, list) and (not item or not isinstance(item[0], dict)):
        out.append(f"{head} {_yaml_flow(item)}")
    elif isinstance(item, list):
        out.append(head)
        _yaml_block(out, item, indent + 2)
    elif isinstance(item, str) and "\n" in item:
        out.append(head + " |")
        out.extend(" " * (indent + 2) + line for line in item.rstrip("\n").split("\n"))
    else:
        out.append(f"{head} {_yaml_scalar(item)}")


def _toml_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    inner = ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items())
    return "{ " + inner + " }"


def _toml_record(out: TextIO, record: dict[str, Any]) -> None:
    out.write("\n[[records]]\n")
    for key, value in record.items():
        if key not in ("address", "orders"):
            out.write(f"{key} = {_toml_value(value)}\n")
    out.write("\n[records.address]\n")
    for key, value in record["address"].items():
        out.write(f"{key} = {_toml_value(value)}\n")
    for order in record["orders"]:
        out.write("\n[[records.orders]]\n")
        for key, value in order.items():
            out.write(f"{key} = {_toml_value(value)}\n")


def _xml_record(out: TextIO, record: dict[str, Any]) -> None:
    attributes = f' id="{record["id"]}" active="{str(record["active"]).lower()}"'
    out.write(f"  <record{attributes}>\n")
    for key in ("uuid", "name", "name_ja", "email", "score", "balance", "rank"):
        if record.get(key) is not None:
            out.write(f"    <{key}>{escape(str(record[key]))}</{key}>\n")
    out.write("    <tags>" + "".join(f"<tag>{t}</tag>" for t in record["tags"]) + "</tags>\n")
    address = record["address"]
    out.write("    <address>\n")
    for key in ("street", "city", "city_ja", "postcode"):
        out.write(f"      <{key}>{escape(address[key])}</{key}>\n")
    geo = address["geo"]
    out.write(f'      <geo lat="{geo["lat"]}" lon="{geo["lon"]}"/>\n')
    out.write("    </address>\n    <orders>\n")
    for order in record["orders"]:
        out.write(
            f'      <order sku={quoteattr(order["sku"])} shipped="{str(order["shipped"]).lower()}">'
            f"<qty>{order['qty']}</qty><price>{order['price']}</price></order>\n"
        )
    out.write("    </orders>\n")
    if "note" in record:
        out.write(f"    <note>{escape(record['note'])}</note>\n")
    out.write("  </record>\n")


def _write_until(
    path: Path,
    size: int,
    head: str,
    tail: str,
    write_one: Callable[[TextIO, dict[str, Any], bool], None],
    source: Iterator[dict[str, Any]],
) -> None:
    """Write records through `write_one` until the file holds about `size` bytes."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        out.write(head)
        first = True
        while out.tell() < size:
            write_one(out, next(source), first)
            first = False
        out.write(tail)
    tmp.replace(path)


def gen_yaml_list(path: Path, size: int, seed: int) -> None:
    """A YAML list of records (nulls included): the YAML -> JSON input."""

    def one(out: TextIO, record: dict[str, Any], first: bool) -> None:
        lines: list[str] = []
        _yaml_block(lines, [record], 0)
        out.write("\n".join(lines) + "\n")

    _write_until(
        path,
        size,
        "# generated by benchmarks/convert_bench.py\n",
        "",
        one,
        records(seed, nulls=True),
    )


def gen_yaml_doc(path: Path, size: int, seed: int) -> None:
    """A YAML mapping that TOML can hold (no nulls, a table at the top): YAML -> TOML."""

    def one(out: TextIO, record: dict[str, Any], first: bool) -> None:
        lines: list[str] = []
        _yaml_block(lines, [record], 2)
        out.write("\n".join(lines) + "\n")

    head = "title: Customer export\nversion: 3\nrecords:\n"
    _write_until(path, size, head, "", one, records(seed, nulls=False))


def gen_json(path: Path, size: int, seed: int) -> None:
    def one(out: TextIO, record: dict[str, Any], first: bool) -> None:
        text = json.dumps(record, ensure_ascii=False, indent=2)
        out.write(("" if first else ",\n") + "  " + text.replace("\n", "\n  "))

    _write_until(path, size, "[\n", "\n]\n", one, records(seed, nulls=True))


def gen_toml(path: Path, size: int, seed: int) -> None:
    head = 'title = "Customer export"\nversion = 3\n'
    _write_until(
        path, size, head, "", lambda out, rec, _: _toml_record(out, rec), records(seed, nulls=False)
    )


def gen_xml(path: Path, size: int, seed: int) -> None:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<records>\n'
    _write_until(
        path,
        size,
        head,
        "</records>\n",
        lambda out, rec, _: _xml_record(out, rec),
        records(seed, nulls=False),
    )


def gen_csv(path: Path, rows: int, seed: int) -> None:
    """`rows` rows of 8 columns: ints, floats, booleans, timestamps, quoted text, unicode."""
    rng = random.Random(seed)
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "name", "city", "email", "score", "active", "created", "note"])
        for index in range(1, rows + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city = rng.choice(CITIES)[rng.random() < 0.2]
            created = start + datetime.timedelta(seconds=rng.randint(0, 60_000_000))
            roll = rng.random()
            note = (
                ""
                if roll < 0.5
                else f"{rng.choice(WORDS)}, {rng.choice(WORDS)}"
                if roll < 0.7
                else _sentence(rng, 2, 6)
            )
            writer.writerow(
                [
                    index,
                    f"{first} {last}",
                    city,
                    f"{first.lower()}.{index}@example.com",
                    f"{rng.uniform(0, 100):.2f}",
                    "true" if rng.random() < 0.7 else "false",
                    created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    note,
                ]
            )
    tmp.replace(path)


@dataclass(frozen=True)
class Inputs:
    yaml_list: Path
    yaml_doc: Path
    json: Path
    toml: Path
    xml: Path
    csv: Path


def generate_inputs(quick: bool, force: bool) -> Inputs:
    scale = 10 if quick else 1
    folder = DATA / ("quick" if quick else "full")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "VERSION"
    if force or not stamp.exists() or stamp.read_text() != GENERATOR_VERSION:
        for stale in folder.iterdir():
            if stale.is_file():
                stale.unlink()
    inputs = Inputs(
        yaml_list=folder / "records.yaml",
        yaml_doc=folder / "export.yaml",
        json=folder / "records.json",
        toml=folder / "export.toml",
        xml=folder / "records.xml",
        csv=folder / "rows.csv",
    )
    plan: list[tuple[Path, Callable[[Path, int, int], None], int]] = [
        (inputs.yaml_list, gen_yaml_list, 20 * MB // scale),
        (inputs.yaml_doc, gen_yaml_doc, 3 * MB // scale),
        (inputs.json, gen_json, 6 * MB // scale),
        (inputs.toml, gen_toml, 3 * MB // scale),
        (inputs.xml, gen_xml, 4 * MB // scale),
        (inputs.csv, gen_csv, 1_000_000 // scale),
    ]
    for number, (path, generate, amount) in enumerate(plan):
        if not path.exists():
            started = time.perf_counter()
            generate(path, amount, SEED + number)
            print(
                f"  generated {path.relative_to(HERE.parent)} "
                f"({path.stat().st_size / MB:.1f} MB, {time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )
    stamp.write_text(GENERATOR_VERSION)
    return inputs


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float
    error: str | None = None
    cpu_seconds: float = 0.0
    processes: int = 1  # in the command's process tree, seen while it ran


@dataclass
class Variant:
    """One way of doing a conversion: a worker (benchmarks/workers.py), or an external command."""

    label: str
    worker: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    command: Callable[[Path, Path], list[str]] | None = None
    stdout_to_output: bool = False
    missing: str | None = None  # set: not installed, and how to install it
    compare: bool = True  # check that its output holds the same data as the case's reference


@dataclass
class Row:
    case: str
    variant: Variant
    runs: list[Run] = field(default_factory=list)
    output_mb: float | None = None
    same: bool | None = None

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.error is None for run in self.runs)

    @property
    def seconds(self) -> float | None:
        return min(run.seconds for run in self.runs) if self.ok else None

    @property
    def cpu_seconds(self) -> float | None:
        return min(run.cpu_seconds for run in self.runs) if self.ok else None

    @property
    def peak_mb(self) -> float | None:
        return max(run.peak_mb for run in self.runs) if self.ok else None

    @property
    def processes(self) -> int | None:
        return max(run.processes for run in self.runs) if self.ok else None


@dataclass
class Case:
    key: str
    title: str
    source: Path
    target_format: str
    variants: list[Variant]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "no message")[:160]


# Runs one command and writes "seconds maxrss_kib exit_code cpu_seconds tree_kib processes"
# to the file named first. It is a small process of its own: a child started from this
# (large) script would inherit its high-water RSS on exec, so ru_maxrss would report the
# parent's peak. ru_maxrss from wait4 covers the command's own process, and of its children
# only the largest one: a command that converts in several processes at once (structconv's
# workers) holds their sum. So a thread reads VmHWM (each process's own peak since its exec)
# of the whole process tree from /proc every 20 ms; tree_kib is the sum of those peaks, an
# upper bound of what the processes held together (they need not peak at the same moment).
LAUNCHER = """
import os, sys, threading, time
report, argv = sys.argv[1], sys.argv[2:]
peaks = {}
done = threading.Event()

def tree(root):
    pending, found = [root], []
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as stream:
                    pending.extend(int(child) for child in stream.read().split())
        except OSError:
            pass
    return found

def sample(root):
    while True:
        for pid in tree(root):
            try:
                with open(f"/proc/{pid}/status") as stream:
                    for line in stream:
                        if line.startswith("VmHWM:"):
                            peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
            except (OSError, ValueError):
                pass
        if done.wait(0.02):
            return

started = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
sampler = threading.Thread(target=sample, args=(pid,), daemon=True)
sampler.start()
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
done.set()
sampler.join()
with open(report, "w") as out:
    cpu = usage.ru_utime + usage.ru_stime
    out.write(
        f"{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {cpu}"
        f" {sum(peaks.values())} {len(peaks)}"
    )
"""


def measure(argv: Sequence[str], stdout_path: Path | None, timeout: float) -> Run:
    """Run `argv` once in a fresh process: wall seconds and the peak RSS of its process tree
    (see LAUNCHER)."""
    with contextlib.ExitStack() as stack:
        stdout: Any = (
            stack.enter_context(stdout_path.open("wb")) if stdout_path else subprocess.DEVNULL
        )
        errors = stack.enter_context(tempfile.TemporaryFile())
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        report_path = folder / "report"
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report_path), *argv]
        process = subprocess.Popen(launcher, stdout=stdout, stderr=errors, start_new_session=True)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return Run(timeout, 0.0, f"timed out after {timeout:.0f} s")
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace")
        if process.returncode != 0 or not report_path.exists():
            return Run(0.0, 0.0, f"could not start: {_last_line(message)}")
        seconds, maxrss_kib, code, cpu, tree_kib, processes = report_path.read_text().split()
    # ru_maxrss and VmHWM are in KiB on Linux
    peak_kib = max(int(maxrss_kib), int(tree_kib))
    run = Run(
        float(seconds), peak_kib * 1024 / MB, cpu_seconds=float(cpu), processes=int(processes)
    )
    if int(code) != 0:
        run.error = f"exit {code}: {_last_line(message)}"
    return run


def argv_for(variant: Variant, src: Path, dst: Path) -> list[str]:
    if variant.command is not None:
        return variant.command(src, dst)
    assert variant.worker is not None
    return workers.command(variant.worker, str(src), str(dst), variant.settings)


def load_output(path: Path, target_format: str) -> Any:
    """The data in an output file, to check that peers did the same work."""
    import tomllib

    import orjson
    import yaml_rs

    raw = path.read_bytes()
    if target_format == "json":
        return orjson.loads(raw)
    if target_format == "jsonl":
        return [orjson.loads(line) for line in raw.splitlines() if line.strip()]
    if target_format == "yaml":
        # Off: yaml_rs 0.1.6 reads even quoted "2025-01-01" as a date; the inputs have none.
        return yaml_rs.loads(raw.decode("utf-8"), parse_datetime=False)
    if target_format == "toml":
        return tomllib.loads(raw.decode("utf-8"))
    raise ValueError(target_format)


def same_output(path: Path, reference: Path, target_format: str) -> bool:
    """Whether two output files hold the same data (same bytes, or parse alike)."""
    if filecmp.cmp(path, reference, shallow=False):
        return True
    try:
        return bool(load_output(path, target_format) == load_output(reference, target_format))
    except Exception as error:
        print(f"    output unreadable: {error}", file=sys.stderr)
        return False


class _Planned(NamedTuple):
    """One row to measure: the command that writes `dst` (or whose stdout is written there)."""

    row: Row
    argv: list[str]
    dst: Path


# A row whose runs take less than this gets an untimed run of the same command first, in
# each round (see measure_rows).
WARM_UP_BELOW = 5.0


def measure_rows(
    rows: list[Row],
    outputs: list[Path],
    source: Path,
    repeat: int,
    repeat_budget: float,
    timeout: float,
) -> None:
    """Run each row (but those whose tool is missing) on `source` into its output, in
    rounds, each row once per round, up to `repeat` rounds, adding the runs to each row;
    a row leaves at its first error.

    Rounds, not one row's runs after another's, and the same number of runs for every row:
    a ratio of two rows is then a best of N against a best of N taken over the same
    minutes, so a machine whose speed drifts (a shared one does, by 15-50 % in an hour)
    moves both alike. Each round starts one row further on. After the first, no round
    starts once the case has taken `repeat_budget` seconds per row.

    Each timed run of a short row comes right after an untimed run of the same command.
    Here the first run of a command after another CPU-bound process (any: a busy loop of
    Python did it) took 2-3 times as long, and the next run of it was normal, whatever
    the pause between them (0-3 s; measured with the JSON -> YAML floor, 0.23 s, after
    PyYAML: 0.49-0.77 s). Rotating the rows does not even it out: the floor always ran
    right after the slowest peer, so its runs were all slowed, in every round, and the
    ratios against it flattered structconv (JSON -> YAML read 0.74 of its floor). A row
    whose first run takes WARM_UP_BELOW seconds or more gets no untimed run: there the
    slowdown is a small part of the time."""
    planned = [
        _Planned(row, argv_for(row.variant, source, dst), dst)
        for row, dst in zip(rows, outputs, strict=True)
        if not row.variant.missing
    ]
    spent = 0.0
    for round_number in range(repeat):
        turn = round_number % len(planned) if planned else 0
        rotated = planned[turn:] + planned[:turn]
        active = [plan for plan in rotated if not any(run.error for run in plan.row.runs)]
        if not active or (round_number and spent >= repeat_budget * len(planned)):
            return
        for plan in active:
            output = plan.dst if plan.row.variant.stdout_to_output else None
            runs = plan.row.runs
            if not runs or runs[0].seconds < WARM_UP_BELOW:
                plan.dst.unlink(missing_ok=True)
                warm_up = measure(plan.argv, output, timeout)
                if warm_up.error is not None:
                    runs.append(warm_up)
                    continue
            plan.dst.unlink(missing_ok=True)
            run = measure(plan.argv, output, timeout)
            runs.append(run)
            spent += run.seconds


def print_row(key: str, row: Row) -> None:
    """The row's progress line on stderr."""
    if row.variant.missing:
        print(f"  {key:<10} {row.variant.label:<44} {row.variant.missing}", file=sys.stderr)
        return
    shown = f"{row.seconds:7.2f} s {row.peak_mb:8.1f} MB" if row.ok else str(row.runs[-1].error)
    print(f"  {key:<10} {row.variant.label:<44} {shown}  ({len(row.runs)} run(s))", file=sys.stderr)


def run_case(case: Case, repeat: int, repeat_budget: float, timeout: float) -> list[Row]:
    """Measure every variant (benchmarks.convert_bench.measure_rows), then compare each
    output with the first structconv output's data."""
    out_dir = case.source.parent / "out"
    out_dir.mkdir(exist_ok=True)
    rows = [Row(case.title, variant) for variant in case.variants]
    outputs = [out_dir / f"{case.key}-{number}.{case.target_format}" for number in range(len(rows))]
    measure_rows(rows, outputs, case.source, repeat, repeat_budget, timeout)
    reference: Path | None = None
    for row, dst in zip(rows, outputs, strict=True):
        print_row(case.key, row)
        if not row.ok or not dst.exists():
            continue
        row.output_mb = dst.stat().st_size / MB
        if row.variant.compare and case.target_format in ("json", "jsonl", "yaml", "toml"):
            if reference is None:
                try:
                    load_output(dst, case.target_format)
                except Exception as error:
                    print(f"    output unreadable: {error}", file=sys.stderr)
                    row.same = False
                    continue
                reference = dst.rename(dst.with_name(f"{case.key}-reference.{case.target_format}"))
                row.same = True
                continue
            row.same = same_output(dst, reference, case.target_format)
    for dst in outputs:
        dst.unlink(missing_ok=True)
    if reference is not None:
        reference.unlink(missing_ok=True)
    return rows


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------


def find_remarshal(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "remarshal"
    return shutil.which("remarshal") or (str(beside) if beside.exists() else None)


def remarshal_variant(binary: str | None, source: str, target: str) -> Variant:
    label = f"remarshal {source}->{target}"
    if binary is None:
        return Variant(label, missing=f"not installed ({INSTALL_REMARSHAL})")

    def command(src: Path, dst: Path) -> list[str]:
        return [
            binary,
            "-f",
            source,
            "-t",
            target,
            "--indent",
            "2",
            "--max-values",
            "-1",
            "-i",
            str(src),
            "-o",
            str(dst),
        ]

    return Variant(label, command=command)


def mlr_variant(binary: str | None, target: str) -> Variant:
    flag = "--ojson" if target == "json" else "--ojsonl"
    label = f"Miller `mlr --icsv {flag} cat`"
    if binary is None:
        return Variant(label, missing=f"not installed ({INSTALL_MLR})", compare=False)

    def command(src: Path, dst: Path) -> list[str]:
        return [binary, "--icsv", flag, "cat", str(src)]

    return Variant(label, command=command, stdout_to_output=True, compare=False)


def streaming_available() -> bool:
    try:
        importlib.import_module("structconv.streaming")
    except ImportError:
        return False
    return True


def build_cases(inputs: Inputs, remarshal: str | None, mlr: str | None) -> list[Case]:
    def ours(to: str, **settings: Any) -> Variant:
        extra = ", ".join(f"{k}={v!r}" for k, v in settings.items())
        label = f"structconv convert_file({extra})" if extra else "structconv convert_file"
        return Variant(label, worker="structconv", settings={"to": to, **settings})

    streaming = streaming_available()

    def stream(to: str) -> list[Variant]:
        if not streaming:
            return []
        return [
            Variant(
                "structconv.streaming.stream_convert",
                worker="stream_convert",
                settings={"to": to, "src": "csv"},
                compare=True,
            )
        ]

    return [
        Case(
            "yaml2json",
            "YAML -> JSON",
            inputs.yaml_list,
            "json",
            [
                Variant("floor: yaml_rs.loads + orjson.dumps", worker="yaml_rs_orjson"),
                ours("json"),
                ours("json", verify=False),
                Variant("PyYAML CSafeLoader + json.dump", worker="pyyaml_json"),
                remarshal_variant(remarshal, "yaml", "json"),
            ],
        ),
        Case(
            "csv2json",
            "CSV -> JSON",
            inputs.csv,
            "json",
            [
                Variant(
                    "structconv convert_file",
                    worker="structconv",
                    settings={"to": "json"},
                    compare=True,
                ),
                Variant(
                    "structconv convert_file(workers=1)",
                    worker="structconv",
                    settings={"to": "json", "workers": 1},
                    compare=True,
                ),
                *stream("json"),
                mlr_variant(mlr, "json"),
                Variant("csv.DictReader + json.dump", worker="csv_json", compare=False),
            ],
        ),
        Case(
            "csv2jsonl",
            "CSV -> JSONL",
            inputs.csv,
            "jsonl",
            [
                Variant(
                    "structconv convert_file",
                    worker="structconv",
                    settings={"to": "jsonl"},
                    compare=True,
                ),
                Variant(
                    "structconv convert_file(workers=1)",
                    worker="structconv",
                    settings={"to": "jsonl", "workers": 1},
                    compare=True,
                ),
                *stream("jsonl"),
                mlr_variant(mlr, "jsonl"),
                Variant("csv.DictReader + json.dumps per row", worker="csv_jsonl", compare=False),
            ],
        ),
        Case(
            "toml2json",
            "TOML -> JSON",
            inputs.toml,
            "json",
            [
                Variant("floor: tomllib.loads + orjson.dumps", worker="tomllib_orjson"),
                ours("json"),
                remarshal_variant(remarshal, "toml", "json"),
            ],
        ),
        Case(
            "xml2json",
            "XML -> JSON",
            inputs.xml,
            "json",
            [
                Variant(
                    "floor: lxml parse + xmltodict-style dict + orjson",
                    worker="lxml_orjson",
                    compare=False,
                ),
                Variant(
                    "structconv convert_file",
                    worker="structconv",
                    settings={"to": "json"},
                    compare=True,
                ),
                Variant("remarshal", missing="n/a (remarshal does not read XML)", compare=False),
            ],
        ),
        Case(
            "json2yaml",
            "JSON -> YAML",
            inputs.json,
            "yaml",
            [
                Variant("floor: orjson.loads + yaml_rs.dumps", worker="orjson_yaml_rs"),
                ours("yaml"),
                ours("yaml", verify=False),
                Variant("json.loads + PyYAML CSafeDumper", worker="json_pyyaml"),
                remarshal_variant(remarshal, "json", "yaml"),
            ],
        ),
        Case(
            "yaml2toml",
            "YAML -> TOML",
            inputs.yaml_doc,
            "toml",
            [
                Variant(
                    "floor: yaml_rs.loads + tomli_w.dumps",
                    worker="yaml_rs_tomli_w",
                    missing=None
                    if importlib.util.find_spec("tomli_w")
                    else "not installed (`pip install tomli-w`, in the [bench] extra)",
                ),
                ours("toml"),
                ours("toml", verify=False),
                Variant("yaml_rs.loads + tomlkit.dumps", worker="yaml_rs_tomlkit"),
                remarshal_variant(remarshal, "yaml", "toml"),
            ],
        ),
    ]


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _tool_version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "not installed"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


# What the measured processes import, so that their bytecode is written before they run.
_WARM_IMPORTS = """
import csv, json, structconv.api, structconv.cli.convert, structconv.streaming
import structconv.formats, structconv.repair.pipeline
for name in structconv.formats.MODULES.values():
    __import__(name)
import lxml.etree, orjson, ruamel.yaml, tomlkit, tomli_w, toml_rs, yaml, yaml_rs
"""


@contextlib.contextmanager
def environment_set(values: dict[str, str | None]) -> Iterator[None]:
    """os.environ with `values` (None: unset) for the processes started meanwhile."""
    saved = {name: os.environ.get(name) for name in values}

    def apply(settings: dict[str, str | None]) -> None:
        for name, value in settings.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    apply(values)
    try:
        yield
    finally:
        apply(saved)


@contextlib.contextmanager
def installed_bytecode() -> Iterator[str]:
    """The measured processes read bytecode, as from an installed structconv (pip compiles
    it), instead of compiling structconv's modules in every process, as this machine's
    PYTHONDONTWRITEBYTECODE makes a checkout do (about 0.06 s a process; the floors'
    libraries have their bytecode). PYTHONPYCACHEPREFIX names a fresh folder for it all
    (structconv compiled first, then what the imports above load); startup_bench.py
    measures start-up both ways."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-bytecode-") as prefix,
        environment_set({"PYTHONPYCACHEPREFIX": prefix, "PYTHONDONTWRITEBYTECODE": None}),
    ):
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "structconv")],
            check=True,
        )
        subprocess.run([sys.executable, "-c", _WARM_IMPORTS], check=True)
        yield prefix


BYTECODE_LINE = (
    "- structconv's modules: bytecode compiled beforehand, as an installed package has it"
    " (benchmarks/convert_bench.py installed_bytecode; compiling them in each process, as a"
    " checkout does under PYTHONDONTWRITEBYTECODE, adds about 0.06 s: see the start-up"
    " benchmark)"
)


def machine_info(remarshal: str | None, mlr: str | None) -> list[str]:
    try:
        import yaml

        libyaml = "with libyaml" if hasattr(yaml, "CSafeLoader") else "pure Python"
    except ImportError:
        libyaml = ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    floor = measure(["true"], None, 30).peak_mb
    python = measure([sys.executable, "-c", "pass"], None, 30)
    libraries = ", ".join(
        f"{name} {_version(name)}"
        for name in (
            "structconv",
            "orjson",
            "yaml-rs",
            "ruamel.yaml",
            "tomlkit",
            "toml-rs",
            "tomli-w",
            "lxml",
        )
    )
    return [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({_cpu_model()}), load average {load}",
        f"- Python {platform.python_version()} ({sys.executable}); start-up"
        f" {python.seconds * 1000:.0f} ms, {python.peak_mb:.0f} MB",
        f"- peak RSS floor of the method (a process that does nothing): {floor:.1f} MB",
        f"- libraries: {libraries}, PyYAML {_version('PyYAML')} ({libyaml})",
        f"- peers: remarshal {_tool_version([remarshal, '--version']) if remarshal else 'not installed'}"
        f", Miller {_tool_version([mlr, '--version']) if mlr else 'not installed'}",
        *([BYTECODE_LINE] if os.environ.get("PYTHONPYCACHEPREFIX") else []),
    ]


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def results_table(rows: list[Row]) -> list[str]:
    lines = [
        "| conversion | tool | time (s) | CPU (s) | peak RSS (MB) | processes | output (MB)"
        " | same data | runs |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: |",
    ]
    for row in rows:
        variant = row.variant
        if variant.missing:
            lines.append(f"| {row.case} | {variant.label} | {variant.missing} | | | | | | |")
            continue
        if not row.ok:
            error = str(row.runs[-1].error).replace("|", "\\|")
            lines.append(f"| {row.case} | {variant.label} | error: {error} | | | | | | |")
            continue
        same = {None: "-", True: "yes", False: "**no**"}[row.same]
        lines.append(
            f"| {row.case} | {variant.label} | {_fmt(row.seconds, '.2f')} | "
            f"{_fmt(row.cpu_seconds, '.2f')} | "
            f"{_fmt(row.peak_mb, '.0f')} | {row.processes} | {_fmt(row.output_mb, '.1f')} | "
            f"{same} | {len(row.runs)} |"
        )
    return lines


def row_record(row: Row) -> dict[str, Any]:
    """A row as --json writes it: what its line of the table shows, unformatted."""
    return {
        "case": row.case,
        "tool": row.variant.label,
        "seconds": row.seconds,
        "cpu_seconds": row.cpu_seconds,
        "peak_mb": row.peak_mb,
        "processes": row.processes,
        "output_mb": row.output_mb,
        "same": row.same,
        "runs": len(row.runs),
        "missing": row.variant.missing,
        "error": None if row.ok or not row.runs else row.runs[-1].error,
    }


def write_outputs(
    text: str, out: Path | None, json_path: Path | None, payload: dict[str, Any]
) -> None:
    """The report on stdout and in `out`; `payload` (the rows, for benchmarks/report.py's
    charts) in `json_path`."""
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")


def _find(rows: list[Row], case: str, label_start: str) -> Row | None:
    for row in rows:
        if row.case == case and row.variant.label.startswith(label_start) and row.ok:
            return row
    return None


def _ratio(numerator: Row | None, denominator: Row | None) -> float | None:
    if numerator is None or denominator is None:
        return None
    assert numerator.seconds is not None and denominator.seconds is not None
    return numerator.seconds / denominator.seconds


def summary_table(rows: list[Row]) -> list[str]:
    lines = [
        "| measure | value | target | met |",
        "| --- | ---: | ---: | :---: |",
    ]

    def add(
        name: str,
        value: float | None,
        spec: str,
        target: str,
        check: Callable[[float], bool] | None,
    ) -> None:
        shown = "-" if value is None else format(value, spec)
        met = "-" if value is None or check is None else ("yes" if check(value) else "**no**")
        lines.append(f"| {name} | {shown} | {target} | {met} |")

    ours = "structconv convert_file"
    yaml_default = next(
        (r for r in rows if r.case == "YAML -> JSON" and r.ok and r.variant.label == ours), None
    )
    add(
        "YAML->JSON: structconv / floor (yaml_rs+orjson)",
        _ratio(yaml_default, _find(rows, "YAML -> JSON", "floor")),
        ".2f",
        "<= 1.2",
        lambda v: v <= 1.2,
    )
    add(
        "YAML->JSON: PyYAML-C+json / structconv",
        _ratio(_find(rows, "YAML -> JSON", "PyYAML"), yaml_default),
        ".2f",
        "(> 1: we win)",
        None,
    )
    add(
        "YAML->JSON: remarshal / structconv",
        _ratio(_find(rows, "YAML -> JSON", "remarshal"), yaml_default),
        ".2f",
        "(> 1: we win)",
        None,
    )
    for case, most in (("CSV -> JSON", 0.6), ("CSV -> JSONL", 1.5)):
        ours_csv = next(
            (r for r in rows if r.case == case and r.ok and r.variant.label == ours), None
        )
        add(
            f"{case.replace(' ', '')}: structconv / Miller",
            _ratio(ours_csv, _find(rows, case, "Miller")),
            ".2f",
            f"<= {most}",
            lambda v, most=most: v <= most,
        )
        add(
            f"{case.replace(' ', '')}: structconv in one process / Miller",
            _ratio(_find(rows, case, ours + "(workers=1"), _find(rows, case, "Miller")),
            ".2f",
            "",
            None,
        )
        add(
            f"{case.replace(' ', '')}: structconv peak RSS (MB)",
            None if ours_csv is None else ours_csv.peak_mb,
            ".0f",
            "< 100",
            lambda v: v < 100,
        )
        add(
            f"{case.replace(' ', '')}: csv.DictReader+json / structconv",
            _ratio(_find(rows, case, "csv.DictReader"), ours_csv),
            ".2f",
            "(> 1: we win)",
            None,
        )
    yaml_toml = next(
        (r for r in rows if r.case == "YAML -> TOML" and r.ok and r.variant.label == ours), None
    )
    add(
        "YAML->TOML: structconv / floor (yaml_rs+tomli_w)",
        _ratio(yaml_toml, _find(rows, "YAML -> TOML", "floor")),
        ".2f",
        "<= 1.3",
        lambda v: v <= 1.3,
    )
    for case, bound in (("TOML -> JSON", None), ("XML -> JSON", 1.3), ("JSON -> YAML", 1.3)):
        ours_row = next(
            (r for r in rows if r.case == case and r.ok and r.variant.label == ours), None
        )
        add(
            f"{case.replace(' ', '')}: structconv / floor",
            _ratio(ours_row, _find(rows, case, "floor")),
            ".2f",
            "" if bound is None else f"<= {bound}",
            None if bound is None else functools.partial(operator.ge, bound),  # v <= bound
        )
        add(
            f"{case.replace(' ', '')}: remarshal / structconv",
            _ratio(_find(rows, case, "remarshal"), ours_row),
            ".2f",
            "(> 1: we win)",
            None,
        )
    floor_toml = _find(rows, "YAML -> TOML", "floor")
    add(
        "YAML->TOML: structconv / floor, CPU time (on a busy machine, wall time waits)",
        None
        if yaml_toml is None or floor_toml is None
        else (yaml_toml.cpu_seconds or 0) / (floor_toml.cpu_seconds or 1),
        ".2f",
        "",
        None,
    )
    add(
        "YAML->TOML: remarshal / structconv",
        _ratio(_find(rows, "YAML -> TOML", "remarshal"), yaml_toml),
        ".2f",
        "(> 1: we win)",
        None,
    )
    for case in ("YAML -> JSON", "JSON -> YAML", "YAML -> TOML"):
        on = next((r for r in rows if r.case == case and r.ok and r.variant.label == ours), None)
        off = _find(rows, case, ours + "(verify=False")
        overhead = None if on is None or off is None else (_ratio(on, off) or 0) * 100 - 100
        add(f"{case.replace(' ', '')}: cost of verify=True (%)", overhead, "+.0f", "", None)
    return lines


def report(rows: list[Row], info: list[str], quick: bool) -> str:
    size = "quick (inputs ~10x smaller)" if quick else "full size"
    lines = [
        f"# structconv conversion benchmark ({size})",
        "",
        *info,
        "",
        "Time: wall seconds, process start-up included, best of the runs; the rows of a conversion run in"
        " rounds, each once per round, so each has as many runs, taken over the same minutes. CPU: user + system"
        " seconds of that process and its children (above its time where a tool uses several"
        " cores). Peak RSS: the process's maximum resident set, largest over the runs; for a"
        " command that runs several processes (processes > 1), the sum of each one's peak."
        " 'same data': the output"
        " is the same data as the first row of its conversion that is compared ('-': not"
        " compared, the tools map the data differently). Ratios are of wall times.",
        "",
        "## Targets and ratios",
        "",
        *summary_table(rows),
        "",
        "## Measurements",
        "",
        *results_table(rows),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="inputs about 10x smaller")
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only these cases (yaml2json, csv2json, csv2jsonl, toml2json, "
        "xml2json, json2yaml, yaml2toml); repeatable",
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds of runs (best of)")
    parser.add_argument(
        "--repeat-budget",
        type=float,
        default=30.0,
        help="stop repeating a measurement once its runs took this many seconds",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds before one run is killed"
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the inputs")
    parser.add_argument("--remarshal", help="path of the remarshal command (default: PATH)")
    args = parser.parse_args(argv)

    with installed_bytecode():
        return _measure_all(args, parser)


def _measure_all(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    print("generating inputs ...", file=sys.stderr)
    inputs = generate_inputs(args.quick, args.regenerate)
    remarshal = find_remarshal(args.remarshal)
    mlr = shutil.which("mlr")
    info = machine_info(remarshal, mlr)
    cases = build_cases(inputs, remarshal, mlr)
    unknown = set(args.only) - {case.key for case in cases}
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    rows: list[Row] = []
    for case in cases:
        if args.only and case.key not in args.only:
            continue
        print(
            f"{case.title}: {case.source.name} ({case.source.stat().st_size / MB:.1f} MB)",
            file=sys.stderr,
        )
        rows.extend(run_case(case, args.repeat, args.repeat_budget, args.timeout))
    text = report(rows, info, args.quick)
    payload = {"bench": "convert", "quick": args.quick, "rows": [row_record(r) for r in rows]}
    write_outputs(text, args.out, args.json, payload)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
