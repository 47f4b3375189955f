"""The console commands load only what they use, compile no regular expression at import,
and a check compiles no Python.

A pre-commit hook or a shell loop starts a command once per file, so what it imports
is most of its time on a small file (benchmarks/startup_bench.py measures it). Each case
runs a command on a small valid file in a fresh interpreter, as its console script
does, and looks at sys.modules afterwards and at every regular expression that a
structconv module compiled while it was being imported.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import with_sigint_at_default

# Runs `structconv.console.<entry>()` with the given arguments; prints the modules loaded
# and where structconv compiled a pattern in a module's body (at import).
PROBE = r"""
import builtins, re, sys

at_import = []
compile_pattern = re._compile
compiled = []  # Python source compiled while running (not a module's bytecode)
compile_source = builtins.compile


def counting_source(source, *args, **kwargs):
    frame = sys._getframe(1)
    if not frame.f_code.co_filename.startswith("<frozen importlib"):
        compiled.append(f"{frame.f_globals.get('__name__')}: {source!r:.60}")
    return compile_source(source, *args, **kwargs)


builtins.compile = counting_source


def counting(pattern, flags):
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") in ("re", "sre_compile"):
        frame = frame.f_back
    if frame is not None and frame.f_code.co_name == "<module>":
        module = frame.f_globals.get("__name__", "")
        if module.split(".")[0] == "structconv":
            at_import.append(f"{module}:{frame.f_lineno}")
    return compile_pattern(pattern, flags)


re._compile = counting
entry, sys.argv = sys.argv[1], ["structconv", *sys.argv[2:]]
from structconv import console

try:
    code = getattr(console, entry)()
except SystemExit as exit:
    code = exit.code
modules = sorted(sys.modules)
import json

print(json.dumps({"code": code, "modules": modules, "at_import": at_import, "compiled": compiled}))
"""

SMALL = {
    "yaml": "# settings\nname: edge\nreplicas: 3\ntags: [a, b]\nserver:\n  port: 8443\n",
    "json": '{\n  "name": "edge",\n  "replicas": 3,\n  "tags": ["a", "b"]\n}\n',
    "toml": '# settings\nname = "edge"\nreplicas = 3\n\n[server]\nport = 8443\n',
}

# Never loaded by these commands on valid input: batches and their pools, streaming, the
# repair rules and model, the editors, training, and the libraries of other work.
NEVER = (
    "structconv.batch",
    "structconv.pool",
    "structconv.streaming",
    "structconv.edit",
    "structconv.tune",
    "structconv.cli.scheduler",
    "structconv.cli.edit",
    "structconv.cli.repair",
    "structconv.cli.tune",
    "structconv.repair.*",  # the package and its registry load; no rule, nor their types
    "structconv.formats.xml*",
    "structconv.formats.csv*",
    "multiprocessing",
    "concurrent",
    "llama_cpp",
    "torch",
    "lxml",
    "xmlschema",
    "charset_normalizer",
    "tqdm",
    "jmespath",
    "distributed",
)
# A name ending in "*" is a prefix; any other is a module and its submodules.
ALLOWED = {"structconv.repair.registry"}
# What only some commands need: comment-keeping writers, the conversion pipeline.
RUAMEL, TOMLKIT, PYYAML = "ruamel", "tomlkit", "yaml"
# For --diff (click, no longer used, loaded it to suggest an option for `-o`).
DIFFLIB = "difflib"
# argparse's own help layout loads it (with zlib, bz2, lzma) for every parser.
SHUTIL = "shutil"
# The console caught Ctrl-C at start with a handler; it catches KeyboardInterrupt now.
SIGNAL = "signal"
CONVERSION = ("structconv.api", "structconv.comments", "structconv.outcome")
# normalize on a clean file, with no settings file: a repair's records, the settings' reader.
NO_REPAIR_NOR_SETTINGS = ("structconv.fixes", "tomllib")
# A hook reads a plain line (file names after switches) without it: structconv.hook_arguments.
ARGPARSE = ("argparse", "gettext", "locale")
# Options is a structconv.frozen record: dataclasses imports inspect (about 10 ms). orjson
# loads it too, so only the commands that need no orjson can go without.
DATACLASSES = ("dataclasses", "inspect")

CASES: dict[str, tuple[str, list[str], tuple[str, ...]]] = {
    "convert yaml to json": (
        "main",
        ["convert", "{yaml}", "--to", "json", "-o", "{out}"],
        (
            RUAMEL,
            TOMLKIT,
            PYYAML,
            "structconv.normalize",
            "structconv.hooks",
            "toml_rs",
            "structconv.comments.carrying",  # JSON holds no comment
            "click",  # argparse parses, loaded by then anyway (issue 18)
            DIFFLIB,
            "structconv.fixes",  # a repair's records: clean input makes none
            "queue",  # only batches commit their writes on a thread
            SHUTIL,
        ),
    ),
    "version": ("main", ["--version"], (RUAMEL, TOMLKIT, PYYAML, "structconv.api", "yaml_rs")),
    "check yaml": (
        "check",
        ["{yaml}"],
        (
            RUAMEL,
            TOMLKIT,
            PYYAML,
            "click",
            DIFFLIB,
            SHUTIL,
            SIGNAL,
            "json",
            "structconv.normalize",
            "orjson",
            "datetime",  # only a write needs it, or yaml-rs for a text that holds a date
            *CONVERSION,
            *ARGPARSE,
            *DATACLASSES,
        ),
    ),
    "check json": (
        "check",
        ["{json}"],
        (RUAMEL, TOMLKIT, PYYAML, "click", "yaml_rs", DIFFLIB, SIGNAL, "structconv.normalize")
        + ("pathlib",)  # 2-5 ms, with urllib.parse; orjson needs none
        + CONVERSION
        + ARGPARSE,
    ),
    "check toml": (
        "check",
        ["{toml}"],
        (RUAMEL, TOMLKIT, PYYAML, "click", "yaml_rs", DIFFLIB, SIGNAL, "structconv.normalize")
        + ("orjson", "structconv.formats.toml_writer")  # only a write of TOML needs them
        + CONVERSION
        + ARGPARSE
        + DATACLASSES,
    ),
    "normalize json": (
        "normalize",
        ["{json}"],
        (
            RUAMEL,
            TOMLKIT,
            PYYAML,
            "click",
            "yaml_rs",
            DIFFLIB,
            "structconv.api",
            "structconv.outcome",
            "pathlib",  # only for a folder or a settings file found (yaml_rs imports it)
            *ARGPARSE,
            *NO_REPAIR_NOR_SETTINGS,
        ),
    ),
    "normalize yaml": (
        "normalize",
        ["{yaml}"],
        (
            TOMLKIT,
            PYYAML,
            "click",
            DIFFLIB,
            "structconv.api",
            "structconv.outcome",
            *ARGPARSE,
            *NO_REPAIR_NOR_SETTINGS,
            *DATACLASSES,  # ruamel.yaml does without them too
        ),
    ),
    "normalize toml": (
        "normalize",
        ["{toml}"],
        (
            RUAMEL,
            PYYAML,
            "click",
            "yaml_rs",
            DIFFLIB,
            "structconv.api",
            "structconv.outcome",
            *ARGPARSE,
            "structconv.fixes",
        ),
    ),
}


def _probe(tmp_path: Path, entry: str, arguments: list[str]) -> dict[str, Any]:
    files = {"out": str(tmp_path / "out.json")}
    for format, text in SMALL.items():
        path = tmp_path / f"small.{format}"
        path.write_text(text, encoding="utf-8")
        files[format] = str(path)
    argv = [argument.format(**files) for argument in arguments]
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, entry, *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    probed: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return probed


def _is(module: str, name: str) -> bool:
    if name.endswith("*"):
        return module.startswith(name[:-1])
    return module == name or module.startswith(name + ".")


@pytest.mark.parametrize("case", list(CASES))
def test_a_command_loads_only_what_it_uses(tmp_path: Path, case: str) -> None:
    entry, arguments, unused = CASES[case]
    probed = _probe(tmp_path, entry, arguments)
    assert probed["code"] in (0, None), probed
    loaded = [
        module
        for module in probed["modules"]
        if module not in ALLOWED and any(_is(module, name) for name in (*NEVER, *unused))
    ]
    assert loaded == [], f"{case} loaded {loaded}"


@pytest.mark.parametrize("case", ["check yaml", "check toml"])
def test_a_check_compiles_no_python(tmp_path: Path, case: str) -> None:
    """The first compile() of a process costs about 3 ms (docs/architecture.md); a check
    of JSON pays it anyway (orjson imports dataclasses, which imports ast)."""
    entry, arguments, _ = CASES[case]
    probed = _probe(tmp_path, entry, arguments)
    assert probed["code"] in (0, None), probed
    assert probed["compiled"] == []


@pytest.mark.parametrize("case", list(CASES))
def test_no_regular_expression_compiles_at_import(tmp_path: Path, case: str) -> None:
    entry, arguments, _ = CASES[case]
    probed = _probe(tmp_path, entry, arguments)
    assert probed["at_import"] == [], "use structconv.patterns.lazy_compile for these"


def test_ctrl_c_while_a_command_starts_exits_130_quietly(tmp_path: Path) -> None:
    """The imports now happen later (a command's module when it runs): an interrupt while
    they run still ends in exit 130 and no traceback."""
    # Stops in the middle of importing the convert command's modules, as a slow start would.
    code = (
        "import sys, time, importlib\n"
        "real = importlib.import_module\n"
        "def slow(name, *args):\n"
        "    if name == 'structconv.cli.convert':\n"
        "        print('importing', flush=True)\n"
        "        time.sleep(30)\n"
        "    return real(name, *args)\n"
        "importlib.import_module = slow\n"
        "from structconv.console import main\n"
        "sys.argv = ['structconv', 'convert', 'x.yaml', '--to', 'json']\n"
        "sys.exit(main())\n"  # as pip's console script calls it
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        preexec_fn=with_sigint_at_default,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "importing"
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err


def test_the_package_loads_its_names_and_submodules_on_first_use(tmp_path: Path) -> None:
    code = (
        "import json, sys, structconv\n"
        "loaded = sorted(name for name in sys.modules if name.startswith('structconv'))\n"
        "names = {name: type(getattr(structconv, name)).__name__ for name in structconv.__all__}\n"
        "print(json.dumps([loaded, names, structconv.errors.ParseError.__name__]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert completed.returncode == 0, completed.stderr
    loaded, names, error = json.loads(completed.stdout)
    assert loaded == ["structconv", "structconv.version"]
    assert names["convert"] == "function" and names["Options"] == "type"
    assert names["FORMATS"] == "tuple" and names["__version__"] == "str"
    assert error == "ParseError"


# Every module of these packages, and these modules: what the commands' plain paths import.
LAZY_PATTERN_PACKAGES = (
    "structconv.formats",
    "structconv.normalize",
    "structconv.cli",
    "structconv.comments",
)
LAZY_PATTERN_MODULES = ("structconv.encoding", "structconv.hooks")


def test_no_module_of_the_conversion_paths_compiles_a_pattern_at_import(tmp_path: Path) -> None:
    """All of formats/, normalize/ and cli/ (every format, not only the cases above)."""
    code = (
        PROBE.split("entry, sys.argv")[0]
        + "import importlib, pkgutil\n"
        + f"names = list({LAZY_PATTERN_MODULES!r})\n"
        + f"for package in {LAZY_PATTERN_PACKAGES!r}:\n"
        + "    names.append(package)\n"
        + "    path = importlib.import_module(package).__path__\n"
        + "    names += [package + '.' + info.name for info in pkgutil.iter_modules(path)]\n"
        + "for name in names:\n"
        + "    importlib.import_module(name)\n"
        + "import json\n"
        + "print(json.dumps(at_import))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert completed.returncode == 0, completed.stderr
    at_import = json.loads(completed.stdout.splitlines()[-1])
    assert at_import == [], "use structconv.patterns.lazy_compile for these"
