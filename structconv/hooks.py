"""pre-commit entry points: `structconv-normalize` (rewrites) and `structconv-check` (parses).

Both follow pre-commit-hooks' shape, `main(argv) -> int`, with argparse rather than
click: a hook starts once per commit, so its start-up time is the user's wait. Only
the readers of the formats actually staged get imported (ruamel.yaml for YAML files,
lxml for XML, tomlkit for TOML), never the repair model.

`structconv-normalize` returns 1 when it rewrote a file (pre-commit then reports
"files were modified by this hook" and the commit stops, so the user can look at the
changes and stage them) and when a file cannot be read or normalized. It never
repairs unless `--repair rules|auto` is in the hook's args.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from structconv.errors import StructconvError, UsageError


def normalize_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="structconv-normalize",
        description="Rewrite data files in their canonical layout; the data never changes.",
    )
    parser.add_argument("filenames", nargs="*", help="files to normalize")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if one would change"
    )
    parser.add_argument("--diff", action="store_true", help="write nothing; print unified diffs")
    parser.add_argument("--repair", choices=("off", "rules", "auto"), default="off")
    parser.add_argument("--indent", type=int, help="spaces per level (default 2)")
    parser.add_argument("--width", type=int, help="line width (default 88)")
    parser.add_argument("--sort-keys", action="store_true", default=None, help="sort mapping keys")
    parser.add_argument(
        "--indent-sequences",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="YAML: indent a list under its key (default on)",
    )
    parser.add_argument("--config", help="settings file (default: found upward from each file)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`structconv-normalize`: 0 nothing changed, 1 rewrote or failed, 2 usage."""
    from structconv.normalize.runner import RunOptions, run

    parser = normalize_parser()
    arguments = parser.parse_args(argv)
    flags = {
        "indent": arguments.indent,
        "width": arguments.width,
        "sort_keys": arguments.sort_keys,
        "indent_sequences": arguments.indent_sequences,
    }
    options = RunOptions(
        check=arguments.check,
        diff=arguments.diff,
        repair=arguments.repair,
        config=arguments.config,
        flags=flags,
    )
    try:
        return run(arguments.filenames, options)
    except UsageError as error:
        parser.error(str(error))  # exits 2


def check_file(path: str) -> str | None:
    """None when `path` parses in its format, else the `path:line:col: message` line."""
    from pathlib import Path

    from structconv import formats
    from structconv.encoding import decode
    from structconv.formats.detect import detect_format
    from structconv.normalize.runner import error_line
    from structconv.options import Options

    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        return f"{path}: cannot read: {error.strerror}"
    try:
        hinted = formats.format_from_suffix(path)
        text, _ = decode(raw, hinted)
        name = detect_format(text, path)
        # A YAML file may hold several documents (Kubernetes manifests, for one).
        formats.read(text, name, Options(multi_document=name == "yaml"))
    except StructconvError as error:
        return error_line(path, error)
    return None


def check_main(argv: Sequence[str] | None = None) -> int:
    """`structconv-check`: parse each file with the strict reader; 1 when one does not parse."""
    parser = argparse.ArgumentParser(
        prog="structconv-check",
        description="Check that data files parse; report errors as path:line:col: message.",
    )
    parser.add_argument("filenames", nargs="*", help="files to check")
    arguments = parser.parse_args(argv)
    failed = 0
    for path in arguments.filenames:
        problem = check_file(os.fspath(path))
        if problem is not None:
            print(problem, file=sys.stderr)
            failed += 1
    return 1 if failed else 0
