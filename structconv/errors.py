"""The exceptions structconv raises; nothing else ever escapes the public API.

Every message tells the user where the problem is and what to do next.
"""

from __future__ import annotations

from typing import Any


class StructconvError(Exception):
    """Base class: catch this to handle any structconv failure."""


class UsageError(StructconvError, ValueError):
    """The caller asked for something that cannot be done (unknown format, bad option)."""


class ParseError(StructconvError, ValueError):
    """The input is not valid in its format.

    `line` and `column` are 1-based; 0 means unknown. `source` names the file
    when there is one, so the CLI can print `path:line:col: message`.
    """

    def __init__(
        self,
        message: str,
        *,
        format: str,
        line: int = 0,
        column: int = 0,
        snippet: str = "",
        hint: str = "",
        source: str | None = None,
    ) -> None:
        self.message = message
        self.format = format
        self.line = line
        self.column = column
        self.snippet = snippet
        self.hint = hint
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        where = f" at line {self.line}, column {self.column}" if self.line else ""
        return f"{self.format}: {self.message}{where}" + (f" ({self.hint})" if self.hint else "")

    @property
    def brief(self) -> str:
        """The message without the position, for `path:line:col: ...` lines."""
        return f"{self.format}: {self.message}" + (f" ({self.hint})" if self.hint else "")

    def with_source(self, source: str) -> ParseError:
        return ParseError(
            self.message,
            format=self.format,
            line=self.line,
            column=self.column,
            snippet=self.snippet,
            hint=self.hint,
            source=source,
        )


class UnrepresentableError(StructconvError, ValueError):
    """The data holds a value the target format cannot hold; `path` names it."""

    def __init__(self, path: str, target: str, why: str, option: str = "") -> None:
        self.path = path
        self.target = target
        self.why = why
        self.option = option
        message = f"{target}: cannot write {path}: {why}"
        if option:
            message += f"; {option}"
        super().__init__(message)


class RoundTripError(StructconvError):
    """The written text does not read back as the same data (a writer bug; nothing is written)."""

    def __init__(self, target: str, path: str, expected: Any, got: Any) -> None:
        self.target = target
        self.path = path
        self.expected = expected
        self.got = got
        super().__init__(
            f"{target}: the output does not read back as the input data at {path}: "
            f"expected {expected!r}, read back {got!r}; nothing was written. "
            "Please report this with the input file."
        )
