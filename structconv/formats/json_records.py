"""JSON records a batch at a time (formats/records.py): the items of a top-level array,
and the writer of JSON and JSON Lines text.

Reading: the items are read one at a time by the strict reader's own decoder
(json.strict_decoder, the stdlib's C scanner with the same hooks), so they are the
in-memory path's data exactly, refused for the same reasons (duplicate keys, NaN, lone
surrogates, floats that overflow, depth). Measured against ijson (yajl2_c) on a 98 MB
array: 3.1 s against 2.2 s, but ijson keeps the last of duplicate keys silently (checking
them in a Python map_type: 3.8 s), refuses integers past 64 bits, which JSON allows and
structconv keeps, and reports errors without a line; so no dependency. Anything but an
array, and any error, is Unstreamable: the in-memory path reports it, or repairs it.

Writing: see `JsonWriter`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from structconv.errors import RoundTripError
from structconv.formats import json as json_format
from structconv.formats import records
from structconv.formats.records import (
    Batch,
    RecordCodec,
    StartOver,
    Stream,
    TextSource,
    Unstreamable,
    WriterPlan,
)
from structconv.neutral import Data, depth, first_difference
from structconv.options import Options
from structconv.patterns import lazy_compile

_SPACE = lazy_compile(r"[ \t\n\r]*")  # what json.loads skips around values


def read_array(source: TextSource, options: Options) -> Stream:
    """The items of the file's top-level array, in batches, as json.loads reads them."""
    if source.path.stat().st_size > options.max_bytes:
        raise Unstreamable  # the in-memory path refuses it (after reading it whole)
    return Stream(_array_batches(source, options))


def _array_batches(source: TextSource, options: Options) -> Iterator[Batch]:
    """Each item is decoded in place in a buffer of CHUNK_CHARS or more. An item cut by
    the end of the buffer fails to decode at (or, for a string or an escape, near) that
    end: the buffer grows (doubling, so a big item costs linear time) and it is decoded
    again; an item that ends near the end of the buffer is decoded again too, since only
    a container or a string has a closing mark (a number "1" may be "1e+5")."""
    decode = json_format.strict_decoder().raw_decode
    space = _SPACE.match
    surrogate_escape = json_format.SURROGATE_ESCAPE.search
    max_depth = options.max_depth
    batch: Batch = []
    try:
        with source.open() as stream:
            buffer = ""
            position = 0
            at_end = False

            def read_more() -> bool:
                """Drop what was read, append more text; False at the end of the file."""
                nonlocal buffer, position, at_end
                if not at_end:
                    chunk = stream.read(max(records.CHUNK_CHARS, len(buffer) - position))
                    at_end = not chunk
                    if chunk:
                        buffer = buffer[position:] + chunk
                        position = 0
                return not at_end

            def next_char() -> str:
                """The next character that is not whitespace ("" at the end), at `position`."""
                nonlocal position
                while True:
                    position = space(buffer, position).end()  # type: ignore[union-attr]
                    if position < len(buffer):
                        return buffer[position]
                    if not read_more():
                        return ""

            if next_char() != "[":
                raise Unstreamable  # not an array: one value, read whole
            position += 1
            char = next_char()
            while char != "]":
                while True:
                    try:
                        item, end = decode(buffer, position)
                    except json.JSONDecodeError as error:
                        cut = error.pos >= len(buffer) - 6 or error.msg.startswith("Unterminated")
                        if cut and read_more():
                            continue
                        raise Unstreamable from None
                    if len(buffer) - end < 8 and read_more():
                        continue  # a number ("1" of "1e+5") may go on past the buffer
                    break
                if surrogate_escape(buffer, position, end) and json_format.has_lone_surrogate(item):
                    raise Unstreamable
                if (
                    type(item) in (dict, list)
                    and buffer.count("[", position, end) + buffer.count("{", position, end)
                    >= max_depth
                    and depth(item) >= max_depth  # the array holding it is one level more
                ):
                    raise Unstreamable
                batch.append(item)
                if len(batch) >= records.BATCH_RECORDS:
                    yield batch
                    batch = []
                position = end
                char = next_char()
                if char == ",":
                    position += 1
                    char = next_char()
                    if char in ("]", ""):
                        raise Unstreamable  # a trailing comma, or the end
                elif char != "]":
                    raise Unstreamable
            position += 1
            if next_char():
                raise Unstreamable  # more after the array
    except (ValueError, RecursionError, json_format.DuplicateKeyError, UnicodeDecodeError):
        raise Unstreamable from None  # NaN, a float that overflows, a duplicate key, depth
    if batch:
        yield batch


# --- writing ------------------------------------------------------------------------------


def stdlib_dumps(data: Data, options: Options, indent: int | None) -> str:
    """The text json_format.dumps writes where orjson cannot (without its line end)."""
    return json.dumps(
        data,
        ensure_ascii=False,
        indent=indent,
        separators=(",", ":") if not indent else None,
        sort_keys=options.sort_keys,
    )


def _verify_failed(target: str, written: Any, again: Any) -> RoundTripError:
    difference = first_difference(written, again) or ("$", "the written text", "other text")
    return RoundTripError(target, *difference)


class JsonWriter:
    """How records become JSON or JSON Lines bytes, a batch at a time (RecordWriter).

    With options.verify, orjson's text is proven exact by the types of the values, as the
    in-memory path proves it (json_format.orjson_writes_exactly): orjson writes str, int,
    bool and finite floats in dicts and lists exactly, or raises. Records of a `plain`
    stream (CSV's and XML's) are made of those alone, so their proof is the reader's;
    other records are walked. A batch without a proof is read back and compared, as the
    stdlib's text always is.

    A `frame` (XML's {root: {name: [records]}}) puts the records, indented two levels
    more, inside the text the in-memory writer gives that document; JSON Lines writes
    the records alone, one a line.
    """

    surveys = False

    def __init__(self, target: str, options: Options, plan: WriterPlan) -> None:
        self.target = target
        self.options = options
        # orjson (raises StartOver where it cannot), else the stdlib, as `dumps` decides.
        self.fast = not plan.fallback and (target == "jsonl" or options.indent in (0, 2))
        self.exact = plan.plain
        self.indent = options.indent or None
        self.flags = orjson.OPT_SORT_KEYS if options.sort_keys else 0
        self.pad = b""
        if target == "jsonl":
            self.opening = self.separator = self._closing = self._empty = b""
            return
        if self.indent == 2:
            self.flags |= orjson.OPT_INDENT_2
        self.opening, self.separator = (b"[\n", b",\n") if self.indent else (b"[", b",")
        self._cut = len(self.opening)
        self._closing = b"\n]\n" if self.indent else b"]\n"
        self._empty = b"[]\n"
        if plan.frame:
            self.opening, self._closing = self._frame_text(plan.frame, ["\ue000structconv\ue000"])
            self._empty = b"".join(self._frame_text(plan.frame, []))
            self.pad = b" " * (2 * options.indent) if self.indent else b""

    def _frame_text(self, frame: tuple[str, ...], items: list[str]) -> tuple[bytes, bytes]:
        """What the in-memory JSON text of the frame holds before its first record and
        after its last (the same writer writes it around a placeholder string)."""
        data: Any = items
        for key in reversed(frame):
            data = {key: data}
        text = (
            json_format.dumps(data, self.options)
            if self.fast
            else stdlib_dumps(data, self.options, self.indent) + "\n"
        )
        if not items:
            return text.encode(), b""
        before, _, after = text.partition(f'"{items[0]}"')
        return before.rstrip(" ").encode(), after.encode()

    def survey(self, batches: Iterable[Batch]) -> Iterator[Batch] | None:
        """Nothing to learn first: the pieces follow the records."""
        return None

    def closing(self, count: int) -> bytes:
        return self._closing if count else self._empty

    def piece(self, batch: Batch) -> bytes:
        if self.target == "jsonl":
            return self._lines(batch)
        options, flags = self.options, self.flags
        if self.fast:
            try:
                chunk = orjson.dumps(batch, option=flags)
            except orjson.JSONEncodeError:
                raise StartOver from None
            if (
                options.verify
                and not (self.exact or json_format.orjson_writes_exactly(batch))
                and orjson.dumps(orjson.loads(chunk), option=flags) != chunk
            ):
                raise _verify_failed("json", batch, orjson.loads(chunk))
        else:
            text = stdlib_dumps(batch, options, self.indent)
            if options.verify and stdlib_dumps(json.loads(text), options, self.indent) != text:
                raise _verify_failed("json", batch, json.loads(text))
            chunk = text.encode()
        # The batch as an array, its brackets cut off: "[\n" and "\n]" when indented.
        piece = chunk[self._cut : -self._cut]
        return self.pad + piece.replace(b"\n", b"\n" + self.pad) if self.pad else piece

    def _lines(self, batch: Batch) -> bytes:
        """One compact record per line, as formats.jsonl writes them (orjson, falling back
        to the stdlib for a record orjson cannot write).

        The batch is dumped as one array: between records that are mappings, "},{" stands
        once per boundary, and inside a record only within a string or a nested list; so
        when it occurs exactly len(batch) - 1 times, replacing it by "}\n{" splits the
        records (compact JSON has no other line break to count).
        """
        flags = self.flags
        array = chunk = b""
        if set(map(type, batch)) == {dict}:
            with contextlib.suppress(orjson.JSONEncodeError):
                array = orjson.dumps(batch, option=flags)
                chunk = array[1:-1].replace(b"},{", b"}\n{") + b"\n"
        if not chunk or chunk.count(b"\n") != len(batch):
            lines: list[bytes] = []
            for record in batch:
                try:
                    lines.append(orjson.dumps(record, option=flags))
                except orjson.JSONEncodeError:
                    lines.append(stdlib_dumps(record, self.options, None).encode())
            chunk = b"\n".join(lines) + b"\n"
            array = b"[" + b",".join(lines) + b"]"
        if (
            self.options.verify
            and not (self.exact or json_format.orjson_writes_exactly(batch))
            and orjson.dumps(orjson.loads(array), option=flags) != array
        ):
            # orjson reads integers past 64 bits as floats: check those strictly.
            again = [json.loads(line) for line in chunk[:-1].split(b"\n")]
            difference = first_difference(batch, again)
            if difference is not None:
                raise RoundTripError("jsonl", *difference)
        return chunk


def json_writer(options: Options, plan: WriterPlan) -> JsonWriter:
    return JsonWriter("json", options, plan)


RECORDS = RecordCodec(read=read_array, writer=json_writer)
