"""What the commands share: how a command is declared, the checks of flag values that
argparse lacks (formats in any case, number ranges, paths), the model's options.

argparse, not click (issue 18): click's import cost 6 ms of every command's start;
argparse costs about 1 ms (gettext) as structconv.cli builds its parsers (no shutil).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from structconv.errors import UsageError

_Number = TypeVar("_Number", int, float)


class Command:
    """One command: its flags, and what it does with them (its exit status).

    `details` are the paragraphs of its --help under the one-line summary, which is kept
    where the command is listed (structconv.cli.COMMANDS, or its Group). A plain class,
    not a dataclass: a dataclass costs a millisecond of every command's start."""

    __slots__ = ("add_arguments", "details", "run")

    def __init__(
        self,
        add_arguments: Callable[[argparse.ArgumentParser], None],
        run: Callable[[argparse.Namespace], int],
        details: str = "",
    ) -> None:
        self.add_arguments = add_arguments
        self.run = run
        self.details = details


class Group:
    """Commands under one name (`structconv tune train`): name -> (summary, command)."""

    __slots__ = ("commands",)

    def __init__(self, commands: Mapping[str, tuple[str, Command]]) -> None:
        self.commands = commands


class FlagError(UsageError):
    """A flag's value that cannot be used, found after parsing (a report's missing
    folder): shown as argparse shows its own, `argument --report: ...`, exit 2."""

    def __init__(self, flag: str, message: str) -> None:
        super().__init__(f"argument {flag}: {message}")


class Failure(Exception):
    """A command that cannot start its work (an extra is not installed): its message
    alone on stderr, exit 1."""


class ReaderGone(Exception):
    """Whoever read stdout stopped (`structconv convert big.json --to yaml | head -1`): no
    file failed, and the command ends quietly (exit 1) instead of naming one. Not an
    OSError, so that it passes the per-file outcomes (outcome.attempt)."""


def format_argument(parser: argparse.ArgumentParser, *names: str, **settings: Any) -> None:
    """A flag naming a format or an alias of one, in any case (`--to JSON`)."""
    from structconv import formats  # here: `structconv --version` needs none

    choices = sorted(set(formats.FORMATS) | set(formats.ALIASES))
    # FMT in the usage line, the names once, in the flag's help (and in the error a wrong one gets).
    settings["help"] = f"{settings.get('help', '')} FMT: {', '.join(choices)}.".lstrip()
    parser.add_argument(*names, type=str.lower, choices=choices, metavar="FMT", **settings)


def int_range(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse `type` taking integers from `low` (to `high`)."""
    return _number_range(int, "an integer", low, high)


def float_range(low: float, high: float | None = None) -> Callable[[str], float]:
    """An argparse `type` taking numbers from `low` (to `high`)."""
    return _number_range(float, "a number", low, high)


def _number_range(
    number: Callable[[str], _Number], kind: str, low: _Number, high: _Number | None
) -> Callable[[str], _Number]:
    bounds = f"from {low} to {high}" if high is not None else f"{low} or more"

    def checked(text: str) -> _Number:
        try:
            value = number(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind}, not {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {bounds}, not {text}")
        return value

    return checked


def file_path(must_exist: bool = False) -> Callable[[str], str]:
    """An argparse `type` for a file's path: never a folder; there already if `must_exist`."""
    return _path("file", must_exist)


def folder_path(must_exist: bool = False) -> Callable[[str], str]:
    """An argparse `type` for a folder's path: never a file; there already if `must_exist`."""
    return _path("folder", must_exist)


def _path(kind: str, must_exist: bool) -> Callable[[str], str]:
    def checked(text: str) -> str:
        if not os.path.exists(text):  # noqa: PTH110 - os.path: pathlib is not loaded yet
            if must_exist:
                raise argparse.ArgumentTypeError(f"{kind} {text!r} does not exist")
            return text
        is_folder = os.path.isdir(text)  # noqa: PTH112
        if kind == "file" and is_folder:
            raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file")
        if kind == "folder" and not is_folder:
            raise argparse.ArgumentTypeError(f"{text!r} is a file; give a folder")
        return text

    return checked


def given_settings(**flags: Any) -> dict[str, Any]:
    """Only the flags the user gave become settings, so Options keeps its defaults."""
    return {name: value for name, value in flags.items() if value is not None}


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """--model and --min-confidence, for the commands that may run the repair model."""
    parser.add_argument(
        "--model",
        type=file_path(must_exist=True),
        metavar="FILE",
        help="A GGUF base model for the repair model (default: the packaged one; "
        "$STRUCTCONV_MODEL).",
    )
    parser.add_argument(
        "--min-confidence",
        type=float_range(0.0, 1.0),
        metavar="0..1",
        help="Hold a model repair for review below this confidence (default 0.5).",
    )


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A second Ctrl-C must not stop the cleanup of the first (it takes milliseconds)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals (and may set their handlers)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
