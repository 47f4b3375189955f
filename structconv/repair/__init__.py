"""Repair of broken input: deterministic rules first, then the local model.

pipeline.py runs it (rules -> strict reader -> provenance validation); rules/ holds
one package per format, each exporting a RULESET; search.py is the one search over
readings; edits.py turns every change into a Fix. Importing this
package loads nothing but `read_or_repair`, the one door the layers above use: clean
input never pays for repair.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from structconv.errors import ParseError
from structconv.formats import read
from structconv.neutral import Data
from structconv.notes import collecting_notes, note
from structconv.options import Options
from structconv.repair.registry import REVIEWED, RULES

if TYPE_CHECKING:
    from structconv.repair.pipeline import Repaired


def read_or_repair(text: str, format: str, options: Options) -> tuple[Data, Repaired | None]:
    """The data of `text`, repaired per options.repair when the strict reader refuses it.

    Clean input never reaches a repair rule or the model: the pipeline is imported only
    on the error path (and for the formats whose rules review clean input for
    ambiguity, such as a CSV with two header rows).
    """
    try:
        with collecting_notes() as read_notes:
            data = read(text, format, options)
    except ParseError as error:
        if options.repair == "off":
            raise
        from structconv.repair import pipeline

        repaired = pipeline.repair(text, format, error, options, options.repair)
        return repaired.data, repaired
    if options.repair != "off" and format in REVIEWED:
        from structconv.repair import pipeline

        reviewed = pipeline.review(text, format, data, options, options.repair)
        if reviewed is not None:
            return reviewed.data, reviewed  # (what the reader noted is not this reading's)
    for kind, message in read_notes.items():
        note(kind, message)
    return data, None


def reviews(format: str) -> bool:
    """Whether the rules of `format` review input that parsed (then clean input of that
    format loads the pipeline too)."""
    return format in REVIEWED


def head_needs_review(format: str, head: str, options: Options) -> bool:
    """Whether a file of a `reviews` format that starts with `head` may read differently
    once reviewed: the streaming path then leaves it to the in-memory path."""
    from structconv.repair import pipeline

    return pipeline.head_needs_review(format, head, options)


def modules_for(source_formats: Iterable[str]) -> set[str]:
    """The repair modules that reading well-formed input of these formats imports (the
    reviews), for a process pool to load once before it starts its workers."""
    needed: set[str] = set()
    for format in source_formats:
        if format in REVIEWED:
            needed.update(("structconv.repair.pipeline", RULES[format]))
    return needed
