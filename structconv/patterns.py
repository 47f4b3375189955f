"""Regular expressions compiled on first use, not at import; a scan for long runs.

A module's patterns would otherwise all compile when it loads (tens of them for the
YAML reader), and every command that loads it would wait for them, used or not: a
pre-commit hook or a shell loop starts structconv once per file.
"""

from __future__ import annotations

import functools
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


@functools.cache
def _run_patterns(
    character_class: str, kind: type[AnyStr]
) -> tuple[bytes, re.Pattern[AnyStr], re.Pattern[AnyStr]]:
    """A translation table (the ASCII characters of the class to "0", any other byte to
    " "), a run of the class, and a run of it at the end, for text of `kind` (str or bytes)."""
    member = re.compile(character_class)
    table = bytes(48 if byte < 128 and member.fullmatch(chr(byte)) else 32 for byte in range(256))
    run, tail = f"{character_class}+", rf"{character_class}*\Z"
    if kind is bytes:
        compiled: tuple[re.Pattern[Any], ...] = (
            re.compile(run.encode("ascii")),
            re.compile(tail.encode("ascii")),
        )
    else:
        compiled = (re.compile(run), re.compile(tail))
    return table, compiled[0], compiled[1]


def long_run(text: AnyStr, character_class: str, length: int) -> bool:
    """Whether `text` holds `length` (at least 2) characters of a class (of ASCII
    characters) in a row. In UTF-8 bytes, runs of ASCII characters are the text's own: no
    byte of a longer sequence is ASCII.

    Such a run covers two consecutive samples taken every length // 2 characters, so only
    the runs through such pairs are measured (a scan of every position took 0.2 s on 20 MB).
    The pairs are found in the samples as ASCII bytes, translated so that the class reads
    "0" ("00": two in a row), with bytes.find at C speed (a regex over the samples took
    twice as long). A character outside ASCII becomes "?" there: a pair it makes look
    like one of the class (where "?" is in it) is only measured for nothing.
    """
    if len(text) < length:
        return False  # (and no pattern compiled for a small file)
    table, run, tail = _run_patterns(character_class, type(text))
    stride = length // 2
    sampled = text[::stride]
    samples = (
        sampled if isinstance(sampled, bytes) else sampled.encode("ascii", "replace")
    ).translate(table)
    pair = samples.find(b"00")
    while pair != -1:
        at = pair * stride
        forward = run.match(text, at)
        if forward is not None and forward.end() >= at + stride:
            backward = tail.search(text, max(0, at - length), at)
            if backward and forward.end() - backward.start() >= length:
                return True
        pair = samples.find(b"00", pair + 1)
    return False
