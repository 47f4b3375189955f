"""Streaming between files that misbehave: an input rewritten while it is read, an
output that cannot be written.

An input that grew while it streamed gave a torn output (the rows read before the
change, then some after) with exit status 0; a write error named the input.
"""

from __future__ import annotations

import dataclasses
import resource
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import structconv
from structconv import InputChanged, formats, streaming
from structconv.formats.records import RecordCodec, Stream
from structconv.options import Options
from tests.reliability.conftest import Run

ROWS = 5000  # several batches (formats.records.BATCH_RECORDS records each)


def _csv(path: Path) -> Path:
    lines = ["id,name"] + [f"{index},name {index}" for index in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _jsonl(path: Path) -> Path:
    path.write_text(
        "".join(f'{{"id": {index}, "name": "name {index}"}}\n' for index in range(ROWS))
    )
    return path


def _after_first_batch(monkeypatch: pytest.MonkeyPatch, format: str, action: Any) -> None:
    """Let the record reader of `format` run `action` once it handed over a batch, as a
    program still writing the file would."""
    original = formats.get_records

    def records_of(name: str) -> RecordCodec | None:
        found = original(name)
        if found is None or found.read is None or name != format:
            return found
        read = found.read

        def reading(source: Any, options: Options) -> Stream:
            stream = read(source, options)

            def batches() -> Iterator[Any]:
                for number, batch in enumerate(stream):
                    if number == 1:
                        action()
                    yield batch

            return Stream(batches(), stream.plain, stream.frame)

        return dataclasses.replace(found, read=reading)

    monkeypatch.setattr(formats, "get_records", records_of)


def _append_after_first_batch(
    monkeypatch: pytest.MonkeyPatch, format: str, path: Path, line: str
) -> None:
    def append() -> None:
        with path.open("a") as stream:
            stream.write(line)

    _after_first_batch(monkeypatch, format, append)


@pytest.mark.parametrize("target", ["json", "jsonl"])
def test_a_csv_file_that_grows_while_it_streams_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    source = _csv(tmp_path / "growing.csv")
    _append_after_first_batch(monkeypatch, "csv", source, "late,row\n")
    out = tmp_path / f"out.{target}"
    with pytest.raises(InputChanged, match="changed while it was read"):
        structconv.convert_file(source, to=target, out=out, workers=1)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["growing.csv"]


@pytest.mark.parametrize("target", ["csv", "json"])
def test_a_jsonl_file_that_grows_while_it_streams_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    source = _jsonl(tmp_path / "growing.jsonl")
    _append_after_first_batch(monkeypatch, "jsonl", source, '{"id": "late", "name": "x"}\n')
    out = tmp_path / f"out.{target}"
    out.write_text("the previous output\n")
    with pytest.raises(InputChanged):
        streaming.stream_convert(source, out, "jsonl", target, Options())
    assert out.read_text() == "the previous output\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["growing.jsonl", out.name]


def test_a_file_replaced_while_it_streams_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same size, another file (a rename over it, as editors and atomic writers do)."""
    source = _jsonl(tmp_path / "replaced.jsonl")

    def replace() -> None:
        twin = tmp_path / "twin.jsonl"
        twin.write_bytes(source.read_bytes())
        twin.replace(source)

    _after_first_batch(monkeypatch, "jsonl", replace)
    with pytest.raises(InputChanged):
        streaming.stream_convert(source, tmp_path / "out.json", "jsonl", "json", Options())
    assert not (tmp_path / "out.json").exists()


def test_the_command_line_reports_a_changed_input_as_a_failed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli.run import run_cli

    source = _csv(tmp_path / "growing.csv")
    _append_after_first_batch(monkeypatch, "csv", source, "late,row\n")
    out = tmp_path / "out.jsonl"
    result = run_cli(["convert", str(source), "--to", "jsonl", "-o", str(out)])
    assert result.exit_code == 1
    assert f"{source}: the file changed while it was read; nothing was written" in result.stderr
    assert not out.exists()


def _small_files_only() -> None:
    """Files this process writes stop at 64 KiB (EFBIG; Python ignores SIGXFSZ)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))


@pytest.mark.parametrize(
    ("source", "target"), [("csv", "jsonl"), ("csv", "json"), ("jsonl", "csv")]
)
def test_a_write_error_names_the_output_not_the_input(
    structconv: Run, tmp_path: Path, source: str, target: str
) -> None:
    path = (_csv if source == "csv" else _jsonl)(tmp_path / f"big.{source}")
    assert path.stat().st_size > 64 << 10
    out = tmp_path / f"out.{target}"
    done = structconv(
        "convert", str(path), "--to", target, "-o", str(out), preexec_fn=_small_files_only
    )
    errors = done.stderr.decode()
    assert done.returncode == 1, errors
    assert errors.startswith(f"{path}: {out}: cannot write: File too large"), errors
    assert sorted(child.name for child in tmp_path.iterdir()) == [path.name]
