"""What the commands share: the format choice, the settings given, the model's options."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

import click

from structconv import formats

FORMAT_CHOICE = click.Choice(
    sorted(set(formats.FORMATS) | set(formats.ALIASES)), case_sensitive=False
)


def given_settings(**flags: Any) -> dict[str, Any]:
    """Only the flags the user gave become settings, so Options keeps its defaults."""
    return {name: value for name, value in flags.items() if value is not None}


def model_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--model and --min-confidence, for the commands that may run the repair model."""
    command = click.option(
        "--min-confidence",
        type=click.FloatRange(0.0, 1.0),
        help="Hold a model repair for review below this confidence (default 0.5).",
    )(command)
    return click.option(
        "--model",
        type=click.Path(exists=True, dir_okay=False),
        help="A GGUF base model for the repair model (default: the packaged one; $STRUCTCONV_MODEL).",
    )(command)


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
