"""Which reader for JSONC and JSON5: correctness on the JSON5 test suite, the checks
structconv needs (duplicate keys, positions, big integers), and speed.

Measures every candidate importable in the running interpreter, so run it once per
environment (json-five installs under the same import name as json5):

    python benchmarks/jsonc_parsers_bench.py                 # structconv, json5, pyjson5, ...
    /other/venv/bin/python benchmarks/jsonc_parsers_bench.py --only json-five

Cases: tests/conformance/json5_tests (github.com/json5/json5-tests, MIT), each with the
value ES5 `eval` gives (expected.json). A JSON5 reader must accept `.json` and `.json5`
cases with that value and refuse `.js` and `.txt` ones; a JSONC reader must accept the
cases that are JSON plus comments and trailing commas, and refuse the rest.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "conformance" / "json5_tests"
FIXTURES = ROOT / "tests" / "formats" / "fixtures" / "jsonc" / "vscode-extension-samples"
# .json5 cases whose only JSON5 feature is a comment or a trailing comma: valid JSONC.
JSONC_FEATURES = ("comments/", "new-lines/comment-", "trailing-comma")

Reader = Callable[[str], Any]


def _structconv(name: str) -> Reader:
    from structconv.formats import get_codec
    from structconv.options import Options

    codec = get_codec(name)
    return lambda text: codec.loads(text, Options())


def _candidates() -> dict[str, tuple[str, Callable[[], Reader]]]:
    """name -> (dialect, a function that imports the reader)."""

    def json5_dpranke() -> Reader:
        module = importlib.import_module("json5")
        if not hasattr(module, "JSON5Encoder"):  # json-five has the same import name
            raise ImportError("json5 here is json-five")
        return lambda text: module.loads(text, allow_duplicate_keys=False)

    def json_five() -> Reader:
        module = importlib.import_module("json5")
        if not hasattr(module, "ModelLoader") and not hasattr(module, "loader"):
            raise ImportError("json5 here is not json-five")
        reader: Reader = module.loads
        return reader

    def attribute(module: str, name: str) -> Callable[[], Reader]:
        def load() -> Reader:
            reader: Reader = getattr(importlib.import_module(module), name)
            return reader

        return load

    def jsoncomment() -> Reader:
        reader: Reader = importlib.import_module("jsoncomment").JsonComment().loads
        return reader

    def jsonc_parser() -> Reader:
        parser = importlib.import_module("jsonc_parser.parser").JsoncParser
        reader: Reader = parser.parse_str
        return reader

    return {
        "structconv jsonc": ("jsonc", lambda: _structconv("jsonc")),
        "json5": ("json5", json5_dpranke),
        "pyjson5": ("json5", attribute("pyjson5", "loads")),
        "json-five": ("json5", json_five),
        "commentjson": ("jsonc", attribute("commentjson", "loads")),
        "json-with-comments": ("jsonc", attribute("jsonc", "loads")),
        "jsoncomment": ("jsonc", jsoncomment),
        "jsonc-parser": ("jsonc", jsonc_parser),
    }


def _expected_valid(relative: str, dialect: str) -> bool:
    suffix = relative.rsplit(".", 1)[-1]
    if dialect == "json5":
        return suffix in ("json", "json5")
    return suffix == "json" or (suffix == "json5" and any(f in relative for f in JSONC_FEATURES))


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, dict) and set(expected) == {"$number"}:
        if not isinstance(got, int | float) or isinstance(got, bool):
            return False
        number = float(expected["$number"])
        if math.isnan(number):
            return math.isnan(got)
        return bool(got == number and math.copysign(1, got) == math.copysign(1, number))
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and list(expected) == list(got)
            and all(_same(expected[key], got[key]) for key in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list) and len(expected) == len(got) and all(map(_same, expected, got))
        )
    if isinstance(expected, bool) or expected is None:
        return got is expected
    if isinstance(expected, int | float):
        return isinstance(got, int | float) and not isinstance(got, bool) and got == expected
    return bool(expected == got)


def suite_score(read: Reader, dialect: str) -> tuple[int, int, list[str]]:
    expected_values = json.loads((CASES / "expected.json").read_text(encoding="utf-8"))
    right = total = 0
    wrong: list[str] = []
    for path in sorted(CASES.rglob("*")):
        relative = path.relative_to(CASES).as_posix()
        if path.suffix not in (".json", ".json5", ".js", ".txt") or relative == "expected.json":
            continue
        if relative.startswith("todo/"):
            continue  # cases json5-tests itself has not settled
        total += 1
        text = path.read_text(encoding="utf-8")
        valid = _expected_valid(relative, dialect)
        try:
            value = read(text)
        except Exception:
            ok = not valid or relative == "objects/duplicate-keys.json"
        else:
            ok = valid and _same(expected_values[relative], value)
        if ok:
            right += 1
        else:
            wrong.append(relative)
    return right, total, wrong


def structconv_checks(read: Reader) -> dict[str, str]:
    """What structconv needs beyond the suite: yes/no per check."""

    def refuses(text: str) -> bool:
        try:
            read(text)
        except Exception:
            return True
        return False

    def position(text: str) -> bool:
        try:
            read(text)
        except Exception as error:
            message = str(error) + repr(getattr(error, "__dict__", ""))
            lowered = message.lower()
            return "3" in message and ("line" in lowered or "column" in lowered)
        return False

    big = "[123456789012345678901234567890, 0.1]"
    try:
        exact = read(big) == [123456789012345678901234567890, 0.1]
    except Exception:
        exact = False
    return {
        "refuses duplicate keys": "yes" if refuses('{"a": 1, "a": 2}') else "no",
        "refuses [,]": "yes" if refuses("[,]") else "no",
        "error line": "yes" if position('{\n"a": 1,\n"b": [1 2]\n}') else "no",
        "big integers exact": "yes" if exact else "no",
    }


def _document(records: int) -> str:
    """A JSONC document of `records` commented, tsconfig-like records with trailing commas."""
    parts = []
    for index in range(records):
        parts.append(
            f'  // record {index}\n  "item{index}": {{\n'
            f'    "target": "es2022", /* the runtime */\n'
            f'    "strict": true,\n    "paths": {{"@/*": ["./src/*", "./lib/*",],}},\n'
            f'    "count": {index}, "ratio": {index / 7!r},\n  }},\n'
        )
    return "{\n" + "".join(parts) + "}\n"


def speed(read: Reader, text: str, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        read(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="measure these candidates only")
    parser.add_argument("--records", type=int, default=5000, help="records in the big document")
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    sys.setrecursionlimit(10000)
    small = (FIXTURES / "chat-context-sample" / "tsconfig.json").read_text(encoding="utf-8")
    big = _document(arguments.records)
    print(
        f"| reader | dialect | json5-tests right | refuses duplicate keys | refuses [,] | error line"
        f" | big integers exact | tsconfig ({len(small):,} B) | big JSONC ({len(big) / 1e6:.1f} MB) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, (dialect, load) in _candidates().items():
        if arguments.only and name not in arguments.only:
            continue
        try:
            read = load()
        except ImportError:
            continue
        right, total, wrong = suite_score(read, dialect)
        checks = structconv_checks(read)
        try:
            small_time = f"{speed(read, small, arguments.repeat * 20) * 1e3:.3f} ms"
            big_time = f"{speed(read, big, arguments.repeat):.3f} s"
        except Exception as error:
            small_time = big_time = f"fails ({type(error).__name__})"
        print(
            f"| {name} | {dialect} | {right}/{total} | "
            + " | ".join(checks.values())
            + f" | {small_time} | {big_time} |"
        )
        if wrong:
            print(f"<!-- {name} wrong: {', '.join(wrong)} -->", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
