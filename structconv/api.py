"""The pipeline: detect -> read -> represent -> write -> verify."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from structconv import comments, formats
from structconv.atomic import write_atomic
from structconv.encoded import keep, keeping_bytes, utf8
from structconv.encoding import decode
from structconv.errors import (
    AmbiguousInput,
    ParseError,
    RepairRejected,
    UsageError,
)
from structconv.facts import keeping_facts
from structconv.formats import write
from structconv.formats.detect import detect_format
from structconv.names import Format
from structconv.neutral import Data
from structconv.notes import collecting_notes
from structconv.options import Options
from structconv.repair import head_needs_review, read_or_repair, reviews
from structconv.repair import modules_for as repair_modules
from structconv.result import Result
from structconv.source import over_limit, read_input

if TYPE_CHECKING:
    from structconv.repair.pipeline import Repaired


def _source_format(text: str, src: str | None, name: str | os.PathLike[str] | None) -> Format:
    if src is not None:
        return formats.canonical_name(src)
    return detect_format(text, None if name is None else os.fspath(name))


def _read(
    text: str | bytes,
    src: str | None,
    name: str | os.PathLike[str] | None,
    options: Options,
) -> tuple[str | None, str, Format, Data, Repaired | None]:
    """(decoded text, encoding, source format, data, repair) of `text`; the decoder and
    the readers tell what they guessed or renamed through `structconv.notes`. The text is
    None where JSON was read from its bytes (it holds no comments to carry)."""
    if isinstance(text, bytes):
        hinted = src or (formats.format_from_suffix(os.fspath(name)) if name is not None else None)
        if len(text) > options.max_bytes:
            raise over_limit(options.max_bytes, hinted or "input", len(text))
        hinted_format = None if hinted is None else formats.canonical_name(hinted)
        if hinted_format == "json":
            # Strict JSON that orjson reads is JSON, not JSONC, whatever the file's name
            # (a comment or a trailing comma makes it invalid): the text is decoded, and
            # JSONC looked for, only where orjson refuses the bytes.
            from structconv.formats import json as json_format

            data = json_format.loads_utf8(text)
            if data is not None:
                return None, "utf-8", "json", data, None
        decoded, encoding = decode(text, hinted_format)
    else:
        decoded, encoding = text.removeprefix("\ufeff"), "utf-8"
    source_format = _source_format(decoded, src, name)
    with keeping_bytes():  # for the reader, which may test the text on its bytes
        if isinstance(text, bytes) and encoding == "utf-8":
            keep(decoded, text)
        data, repaired = read_or_repair(decoded, source_format, options)
    return decoded, encoding, source_format, data, repaired


def convert(
    text: str | bytes,
    *,
    to: str,
    src: str | None = None,
    name: str | os.PathLike[str] | None = None,
    **settings: Any,
) -> Result:
    """Convert `text` (or raw bytes) to the format `to`.

    `src` names the source format (detected from `name`'s extension, then from the
    content, when omitted); `settings` are the fields of Options (indent, null,
    root, schema, repair, ...). Broken input is repaired per `repair` (default
    "auto"); every change is on Result.fixes.
    """
    options = Options.from_settings(settings)
    target_format = formats.canonical_name(to)
    try:
        with keeping_facts():  # what the reader proves of `data`, the writer need not check
            with collecting_notes() as read_notes:
                decoded, encoding, source_format, data, repaired = _read(text, src, name, options)
            with collecting_notes() as written:
                output, represented = write(data, target_format, options, source_format)
    except (ParseError, RepairRejected, AmbiguousInput) as error:
        raise error.with_source(os.fspath(name)) if name is not None else error from None
    notes: tuple[str, ...] = ()
    if encoding not in ("utf-8", "utf-8-sig") and "encoding" not in read_notes:
        notes = (f"read as {encoding}",)
    notes += tuple(read_notes.values()) + tuple(written.values())
    if decoded is not None and comments.worth_carrying(decoded, source_format, target_format):
        from structconv.comments import carrying

        source_text = decoded if repaired is None else repaired.text
        output, left_out = carrying.carry(
            source_text, source_format, output, represented, target_format, options
        )
        notes += left_out
    result = Result(
        text=output,
        data=represented,
        source_format=source_format,
        target_format=target_format,
        encoding=encoding,
        notes=notes,
    )
    if repaired is None:
        return result
    return replace(
        result,
        fixes=repaired.fixes,
        confidence=repaired.confidence,
        used_model=repaired.used_model,
        notes=notes + repaired.notes,
        repaired=repaired.text,
    )


def modules_for(sources: Iterable[str | os.PathLike[str]], to: str) -> list[str]:
    """The modules that converting these files to `to` imports on first use, for a
    process pool to load once before it starts its workers instead of in each of them.

    Only what well-formed input needs: the source and target formats, streaming, and the
    rules that review input which parsed; the repair of broken input loads more when it
    runs. Sources are known by their suffix (others are detected from their content).
    """
    # os.path, not PurePath: 12 ms instead of 53 ms for 10,000 names, before a batch starts
    suffixes = {os.path.splitext(source)[1].lower() for source in sources}  # noqa: PTH122
    source_formats = {formats.SUFFIXES[suffix] for suffix in suffixes if suffix in formats.SUFFIXES}
    target_format = formats.canonical_name(to)
    from structconv import streaming  # its plan; a fork of this process then has it loaded

    needed = {formats.MODULES[target_format], *formats.WRITER_MODULES.get(target_format, ())}
    needed.update(formats.MODULES[source_format] for source_format in source_formats)
    needed |= streaming.modules_for(source_formats, target_format)
    needed |= repair_modules(source_formats)
    needed |= comments.modules_for(source_formats, target_format)
    return sorted(needed)


# How much of a file the review of a streamed source looks at (its first records).
_REVIEW_HEAD_BYTES = 1 << 18


def _head_needs_review(source: Path, source_format: str, options: Options) -> bool:
    """Whether a file about to stream must be read in memory, where it is reviewed."""
    if options.repair == "off" or not reviews(source_format):
        return False
    try:
        with source.open("rb") as stream:
            head = stream.read(_REVIEW_HEAD_BYTES)
    except OSError:
        return False  # the streaming path reports the error with its context
    if len(head) == _REVIEW_HEAD_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    try:
        text, _ = decode(head, source_format)
    except ParseError:
        return True  # let the in-memory path report (or repair) it
    return head_needs_review(source_format, text, options)


def _may_stream(source_format: str, target_format: str) -> bool:
    """Whether both formats have a record module, without which nothing streams: the others
    need not load structconv.streaming (a tenth of a small file's conversion)."""
    try:
        return all(
            formats.canonical_name(name) in formats.RECORD_MODULES
            for name in (source_format, target_format)
        )
    except UsageError:
        return False


def convert_file(
    path: str | os.PathLike[str],
    *,
    to: str,
    out: str | os.PathLike[str] | None = None,
    src: str | None = None,
    **settings: Any,
) -> Result:
    """Convert the file at `path`; with `out`, write the result there atomically.

    CSV and JSON Lines sources written to `out` stream with flat memory, and so do a JSON
    array to CSV or JSON Lines and record-like XML to JSON or JSON Lines, from 1 MiB (XML
    to JSON Lines at any size; see structconv.streaming); a streamed Result carries the
    record count, not the text.
    """
    source = Path(path)
    source_format = src or formats.format_from_suffix(source)
    if out is not None and source_format is not None and _may_stream(source_format, to):
        from structconv import streaming

        options = Options.from_settings(settings)
        if streaming.should_stream(source, source_format, to, options) and not _head_needs_review(
            source, formats.canonical_name(source_format), options
        ):
            try:
                with collecting_notes() as written:
                    records = streaming.stream_convert(source, out, source_format, to, options)
            except streaming.Unstreamable:
                records = None  # not an array, not record-like, or an error: read it whole
            except ParseError:
                if options.repair == "off":
                    raise
                records = None  # the in-memory path below repairs (nothing was written)
            if records is not None:
                return Result(
                    text="",
                    data=None,
                    source_format=formats.canonical_name(source_format),
                    target_format=formats.canonical_name(to),
                    records=records,
                    notes=tuple(written.values()),
                )
    limit = settings.get("max_bytes", Options.max_bytes)
    try:
        raw = read_input(source, limit, source_format or "input")
    except OSError as error:
        raise UsageError(f"{source}: cannot read: {error.strerror}") from None
    except ParseError as error:
        raise error.with_source(os.fspath(source)) from None
    with keeping_bytes():  # the writer's bytes of result.text, not encoded again
        result = convert(raw, to=to, src=src, name=source, **settings)
        if out is not None:
            try:
                write_atomic(out, utf8(result.text))
            except OSError as error:
                raise UsageError(f"{out}: cannot write: {error.strerror}") from None
    return result
