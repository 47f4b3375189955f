"""What happened to one file, and running one conversion into that outcome.

The `structconv convert` command reports a single file through the same outcome as a
batch's (structconv.batch), without loading the batch machinery.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, NamedTuple

from structconv.atomic import write_atomic
from structconv.errors import (
    AmbiguousInput,
    ParseError,
    RepairRejected,
    StructconvError,
)
from structconv.result import Result

if TYPE_CHECKING:
    from structconv.fixes import Fix


# NamedTuple, not a dataclass, as for every record a one-file command defines at start-up:
# a dataclass compiles its methods there (0.5-2 ms each; docs/architecture.md, layers).
class FileOutcome(NamedTuple):
    """What happened to one file; `line`/`column` are 0 when the error has no position."""

    source: str
    output: str | None
    ok: bool
    source_format: str | None = None
    target_format: str | None = None
    encoding: str | None = None
    error: str | None = None
    line: int = 0
    column: int = 0
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    # What a repair changed (also on a refused repair: the fixes it attempted).
    fixes: tuple[Fix, ...] = ()
    confidence: float = 1.0
    used_model: bool = False
    # The class of the error: ParseError, RepairRejected, AmbiguousInput, ...
    error_kind: str | None = None

    def error_line(self) -> str:
        """`path:line:col: message`, the form editors and CI logs understand."""
        where = f"{self.source}:{self.line}:{self.column}" if self.line else self.source
        return f"{where}: {self.error}"

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON-ready data (asdict's deep copies cost 0.1 ms a file)."""
        record = self._asdict()
        record["fixes"] = [fix.__dict__.copy() for fix in self.fixes]
        record["notes"] = list(self.notes)
        return record


def save_for_review(source: str, refused: RepairRejected) -> str | None:
    """Keep a repair held for review beside its input, as `<input>.review.json`.

    Only a held repair (it passed validation, the model was not sure enough) is kept:
    a refused one is wrong, not uncertain. Returns the file's path (None: nothing kept).
    """
    if not refused.held or source == "-":
        return None
    path = f"{source}.review.json"
    record = {
        "source": source,
        "format": refused.format,
        "reason": refused.why,
        "confidence": refused.confidence,
        "line": refused.line,
        "column": refused.column,
        "candidate_data": refused.candidate_data,
        "candidate_text": refused.candidate_text,
        "fixes": [asdict(fix) for fix in refused.fixes],
    }
    write_atomic(path, json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def attempt(source: str, output: str | None, to: str, action: Callable[[], Result]) -> FileOutcome:
    """Run one conversion; every structconv or OS failure becomes an outcome, never an exception."""
    started = time.perf_counter()
    try:
        result = action()
    except (ParseError, RepairRejected, AmbiguousInput) as error:
        refused = error if isinstance(error, RepairRejected) else None
        review = save_for_review(source, refused) if refused is not None else None
        return FileOutcome(
            source,
            None,
            False,
            source_format=error.format,
            target_format=to,
            error=error.brief if isinstance(error, ParseError) else str(error),
            line=error.line,
            column=error.column,
            seconds=time.perf_counter() - started,
            fixes=refused.fixes if refused else (),
            confidence=refused.confidence if refused else 0.0,
            error_kind=type(error).__name__,
            notes=(f"the candidate is saved for review in {review}",) if review else (),
        )
    except (StructconvError, OSError) as error:
        return FileOutcome(
            source,
            None,
            False,
            target_format=to,
            error=str(error),
            seconds=time.perf_counter() - started,
            error_kind=type(error).__name__,
        )
    return FileOutcome(
        source,
        output,
        True,
        source_format=result.source_format,
        target_format=result.target_format,
        encoding=result.encoding,
        notes=result.notes,
        seconds=time.perf_counter() - started,
        fixes=result.fixes,
        confidence=result.confidence,
        used_model=result.used_model,
    )
