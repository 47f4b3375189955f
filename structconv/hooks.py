"""pre-commit entry points: `structconv-normalize` (rewrites) and `structconv-check` (parses).

Both follow pre-commit-hooks' shape, `main(argv) -> int`, with argparse, as the
`structconv` command: a hook starts once per commit, so its start-up time is the user's
wait. A plain line (file names after switches; structconv.hook_arguments) is read
without importing argparse. Only the readers of the formats actually staged get
imported (ruamel.yaml for YAML files, lxml for XML, tomlkit for TOML), never the repair
model.

`structconv-normalize` returns 1 when it rewrote a file (pre-commit then reports
"files were modified by this hook" and the commit stops, so the user can look at the
changes and stage them) and when a file cannot be read or normalized. It never
repairs unless `--repair rules|auto` is in the hook's args.
"""

# Annotations are evaluated, not postponed: typing would compile a NamedTuple's (see
# docs/architecture.md, "The layers").
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from structconv.errors import StructconvError, UsageError
from structconv.hook_arguments import plain_line

if TYPE_CHECKING:
    import argparse

    from structconv.normalize.runner import RunOptions


class Flag(NamedTuple):  # not a dataclass: both hooks define it at start-up (docs/architecture.md)
    """One flag of the normalize command (`structconv normalize`, the hook)."""

    name: str  # "--sort-keys"
    help: str
    kind: str  # "int", "switch" (given or not), "toggle" (--x / --no-x), "choice", "path"
    choices: tuple[str, ...] = ()
    default: Any = None  # None: not given, so the settings file decides
    setting: bool = True  # a field of NormalizeSettings; else one of RunOptions

    @property
    def dest(self) -> str:
        return self.name.removeprefix("--").replace("-", "_")


# The flags of `structconv normalize` (cli/normalize.py) and `structconv-normalize`
# (below), declared once.
NORMALIZE_FLAGS: tuple[Flag, ...] = (
    Flag("--check", "Write nothing; exit 1 if a file would change.", "switch", (), False, False),
    Flag(
        "--diff", "Write nothing; print a unified diff of each change.", "switch", (), False, False
    ),
    Flag(
        "--repair",
        "Broken files: off (report them), rules, auto (rules, then the model); fixes are listed.",
        "choice",
        ("off", "rules", "auto"),
        "off",
        False,
    ),
    Flag("--indent", "Spaces per level (default 2, or the config's).", "int"),
    Flag("--width", "Line width for short arrays and folding (default 88).", "int"),
    Flag("--sort-keys", "Sort mapping keys (default off).", "switch"),
    Flag("--indent-sequences", "YAML: indent a list under its key (default on).", "toggle"),
    Flag(
        "--config",
        "Settings file (default: .structconv.toml or [tool.structconv] found upward).",
        "path",
        setting=False,
    ),
)


def run_options(values: Mapping[str, Any]) -> "RunOptions":
    """What one normalize run does, from its parsed flags (by `dest`)."""
    from structconv.normalize.runner import RunOptions

    settings = {flag.dest: values[flag.dest] for flag in NORMALIZE_FLAGS if flag.setting}
    return RunOptions(
        check=values["check"],
        diff=values["diff"],
        repair=values["repair"],
        config=values["config"],
        flags=settings,
    )


def add_normalize_flags(parser: "argparse.ArgumentParser") -> None:
    """NORMALIZE_FLAGS, in their order, as `parser`'s options."""
    import argparse

    for flag in NORMALIZE_FLAGS:
        if flag.kind == "switch":
            parser.add_argument(
                flag.name, action="store_true", default=flag.default, help=flag.help
            )
        elif flag.kind == "toggle":
            parser.add_argument(
                flag.name, action=argparse.BooleanOptionalAction, default=None, help=flag.help
            )
        elif flag.kind == "choice":
            parser.add_argument(
                flag.name,
                choices=flag.choices,
                default=flag.default,
                help=f"{flag.help} Default: %(default)s.",
            )
        elif flag.kind == "path":  # read (or refused, exit 2) by normalize.settings
            parser.add_argument(flag.name, metavar="FILE", help=flag.help)
        else:
            parser.add_argument(flag.name, type=int, metavar="N", help=flag.help)


def normalize_parser() -> "argparse.ArgumentParser":
    parser = _hook_parser(
        "structconv-normalize",
        "Rewrite data files in their canonical layout; the data never changes.",
        "files to normalize",
    )
    add_normalize_flags(parser)
    return parser


def _hook_parser(prog: str, description: str, files: str) -> "argparse.ArgumentParser":
    """A hook's parser: the files pre-commit passes, and --no-cache."""
    import argparse

    from structconv.help_layout import HelpLayout

    parser = argparse.ArgumentParser(prog=prog, description=description, formatter_class=HelpLayout)
    parser.add_argument("filenames", nargs="*", help=files)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="Neither skip nor record the files that passed before (see README, pre-commit).",
    )
    return parser


# The switches a plain line may hold (structconv.hook_arguments), by their `dest`.
_NO_CACHE = "--no-cache"
_NORMALIZE_SWITCHES = {flag.name: flag.dest for flag in NORMALIZE_FLAGS if flag.kind == "switch"}


def main(argv: Sequence[str] | None = None) -> int:
    """`structconv-normalize`: 0 nothing changed, 1 rewrote or failed, 2 usage."""
    from structconv.normalize.runner import run

    arguments = sys.argv[1:] if argv is None else list(argv)
    plain = plain_line(arguments, {_NO_CACHE, *_NORMALIZE_SWITCHES})
    if plain is None:
        parser = normalize_parser()
        values = vars(parser.parse_args(arguments))
        paths, no_cache = values["filenames"], values["no_cache"]
    else:
        paths, given = plain
        values = {flag.dest: flag.default for flag in NORMALIZE_FLAGS}
        values.update({dest: True for name, dest in _NORMALIZE_SWITCHES.items() if name in given})
        no_cache = _NO_CACHE in given
    try:
        return run(paths, run_options(values), remember=not no_cache)
    except UsageError as error:
        normalize_parser().error(str(error))  # exits 2


def check_file(path: str, remember: bool = False) -> str | None:
    """None when `path` parses in its format, else the `path:line:col: message` line;
    `remember`: record a file that parses in structconv.hook_cache."""
    from structconv import formats, hook_cache
    from structconv.encoding import decode
    from structconv.formats.detect import detect_format
    from structconv.options import Options

    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        return f"{path}: cannot read: {error.strerror}"
    try:
        hinted = formats.format_from_suffix(path)
        text, _ = decode(raw, hinted)
        name = detect_format(text, path)
        # A YAML file may hold several documents (Kubernetes manifests, for one).
        formats.read(text, name, Options(multi_document=name == "yaml"))
    except StructconvError as error:
        from structconv.normalize.runner import error_line  # only for a file that fails

        return error_line(path, error)
    if remember:
        hook_cache.remember("check", path, raw)
    return None


def check_main(argv: Sequence[str] | None = None) -> int:
    """`structconv-check`: parse each file with the strict reader; 1 when one does not parse."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    plain = plain_line(arguments, {_NO_CACHE})
    if plain is None:
        parsed = _hook_parser(
            "structconv-check",
            "Check that data files parse; report errors as path:line:col: message.",
            "files to check",
        ).parse_args(arguments)
        paths, no_cache = parsed.filenames, parsed.no_cache
    else:
        paths, no_cache = plain[0], _NO_CACHE in plain[1]
    failed = 0
    for path in paths:
        problem = check_file(os.fspath(path), remember=not no_cache)
        if problem is not None:
            print(problem, file=sys.stderr)
            failed += 1
    return 1 if failed else 0
