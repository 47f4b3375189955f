"""JSON Lines: one JSON value per line; the data is the list of those values."""

from __future__ import annotations

from typing import Any

from structconv.errors import ParseError, UnrepresentableError
from structconv.formats import Codec
from structconv.formats import json as json_format
from structconv.neutral import Data
from structconv.options import Options


def loads(text: str, options: Options) -> list[Data]:
    records: list[Any] = []
    # Only "\n" ends a record: str.splitlines() would also split at U+2028 and
    # friends, which may stand raw inside a JSON string.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(json_format.CODEC.loads(line, options))
        except ParseError as error:
            raise line_error(error, number, line[:200]) from None
    return records


def line_error(error: ParseError, number: int, snippet: str) -> ParseError:
    """The JSON reader's error in one line, placed at that line of the file."""
    return ParseError(
        error.message,
        format="jsonl",
        line=number,
        column=error.column,
        snippet=snippet,
        hint=error.hint,
    )


def represent(data: Data, options: Options) -> list[Data]:
    if not isinstance(data, list):
        raise UnrepresentableError(
            "$",
            "jsonl",
            "JSON Lines holds a list of values, one per line; this is a " + type(data).__name__,
            "convert to json instead, or wrap the value in a list",
        )
    represented: list[Any] = json_format.represent(data, options)
    return represented


def dumps(data: list[Any], options: Options) -> str:
    compact = Options(indent=0, sort_keys=options.sort_keys)
    return "".join(json_format.dumps(record, compact) for record in data)


CODEC = Codec(
    name="jsonl",
    suffixes=(".jsonl", ".ndjson"),
    loads=loads,
    represent=represent,
    dumps=dumps,
    reread=loads,
)
