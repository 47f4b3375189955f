"""Regular expressions compiled on first use, not at import.

A module's patterns would otherwise all compile when it loads (tens of them for the
YAML reader), and every command that loads it would wait for them, used or not: a
pre-commit hook or a shell loop starts structconv once per file.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

# What a compiled pattern offers; the proxy holds them as its own after the first use.
_ATTRIBUTES = (
    "match",
    "fullmatch",
    "search",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
    "scanner",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


class _Compiled:
    """A _LazyPattern once used: the compiled pattern's bound methods and attributes are
    its own, found without __getattr__ (whose mere presence slows every lookup)."""

    _source: str | bytes
    _flags: int

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


class _LazyPattern:
    """Stands for `re.compile(source, flags)`: the first attribute looked up compiles it,
    copies the compiled pattern's bound methods onto this object and makes it a _Compiled,
    so that later calls cost what the compiled pattern's own do."""

    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        if name not in _ATTRIBUTES:
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        self.__class__ = _Compiled  # type: ignore[assignment]
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


def lazy_compile(source: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """`re.compile(source, flags)`, compiled when first used.

    Use it for module-level patterns only; it is not a re.Pattern for isinstance or for
    the functions of `re` that take a pattern (call its methods instead).
    """
    return cast("re.Pattern[AnyStr]", _LazyPattern(source, int(flags)))
