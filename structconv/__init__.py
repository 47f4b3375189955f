"""structconv: convert structured data between JSON, YAML, TOML, XML and CSV, exactly.

>>> from structconv import convert
>>> convert('{"a": 1}', to="yaml").text
'a: 1\\n'

The names below are imported on first use (PEP 562), so that `structconv --version`,
the pre-commit hooks and a conversion load only the modules they need.
"""

from __future__ import annotations

import importlib

from structconv.version import __version__

# Not typing.TYPE_CHECKING: importing typing would double the hooks' start-up on a file
# they passed before (structconv.hook_cache); mypy reads the name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from structconv.api import convert, convert_file
    from structconv.edit import (
        Edit,
        EditRefused,
        PathNotFound,
        delete,
        get,
        search,
        set_value,
    )
    from structconv.errors import (
        AmbiguousInput,
        InputChanged,
        ModelUnavailable,
        ParseError,
        RepairRejected,
        RoundTripError,
        StructconvError,
        UnrepresentableError,
        UsageError,
    )
    from structconv.fixes import Ambiguity, Candidate, Fix
    from structconv.formats import FORMATS
    from structconv.formats.detect import detect_format
    from structconv.options import Options
    from structconv.result import Result

# Public name -> the module that defines it.
_HOMES = {
    "convert": "structconv.api",
    "convert_file": "structconv.api",
    **dict.fromkeys(
        ("Edit", "EditRefused", "PathNotFound", "delete", "get", "search", "set_value"),
        "structconv.edit",
    ),
    **dict.fromkeys(
        (
            "AmbiguousInput",
            "InputChanged",
            "ModelUnavailable",
            "ParseError",
            "RepairRejected",
            "RoundTripError",
            "StructconvError",
            "UnrepresentableError",
            "UsageError",
        ),
        "structconv.errors",
    ),
    "FORMATS": "structconv.formats",
    "detect_format": "structconv.formats.detect",
    "Options": "structconv.options",
    **dict.fromkeys(("Ambiguity", "Candidate", "Fix"), "structconv.fixes"),
    "Result": "structconv.result",
}


def __getattr__(name: str) -> Any:
    """A public name, or a submodule (`structconv.errors`, as when this module imported them)."""
    home = _HOMES.get(name)
    if home is not None:
        value = getattr(importlib.import_module(home), name)
    elif not name.startswith("__"):
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # the next lookup finds it without this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


__all__ = [
    "FORMATS",
    "Ambiguity",
    "AmbiguousInput",
    "Candidate",
    "Edit",
    "EditRefused",
    "Fix",
    "InputChanged",
    "ModelUnavailable",
    "Options",
    "ParseError",
    "PathNotFound",
    "RepairRejected",
    "Result",
    "RoundTripError",
    "StructconvError",
    "UnrepresentableError",
    "UsageError",
    "__version__",
    "convert",
    "convert_file",
    "delete",
    "detect_format",
    "get",
    "search",
    "set_value",
]
