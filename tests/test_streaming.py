"""Streaming conversion: the same bytes as the in-memory path, atomic, flat in memory."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import structconv
from structconv.errors import ParseError, UnrepresentableError
from structconv.options import Options
from structconv.streaming import can_stream, stream_convert

PAIRS = [("csv", "json"), ("csv", "jsonl"), ("jsonl", "csv"), ("jsonl", "json")]

CSV_TEXT = (
    "id,name,addr.city,addr.zip,amount,active,note\r\n"
    '1,Ann,Oslo,0150,12.5,true,"a, b"\r\n'
    '2,"Bøb ""the"" builder",Köln,50667,-3,false,"two\r\nlines"\r\n'
    "3,Zoë,東京,100,1e+16,true,\r\n"
)


def _records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": index,
            "name": f"name {index}",
            "addr": {"city": "Oslo" if index % 2 else "Zürich, CH", "zip": f"{index:05d}"},
            "amount": index / 4,
            "active": index % 3 == 0,
            "note": 'say "hi"\n' if index % 7 == 0 else "",
        }
        for index in range(count)
    ]


def _source(tmp_path: Path, source_format: str, size: int) -> Path:
    path = tmp_path / f"in.{source_format}"
    if source_format == "csv":
        body = "".join(
            f'{i},n{i},c{i},{i:05d},{i / 8},{"true" if i % 2 else "false"},"x,\r\ny"\r\n'
            for i in range(size)
        )
        path.write_bytes((CSV_TEXT + body).encode())
    else:
        lines = [json.dumps(record, ensure_ascii=False) for record in _records(size)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_can_stream() -> None:
    for source_format, target_format in PAIRS:
        assert can_stream(source_format, target_format, Options())
    assert can_stream("ndjson", "tsv", Options())
    assert not can_stream("json", "csv", Options())
    assert not can_stream("csv", "yaml", Options())
    assert not can_stream("csv", "nope", Options())


@pytest.mark.parametrize(("source_format", "target_format"), PAIRS)
@pytest.mark.parametrize("size", [0, 3, 5000])
@pytest.mark.parametrize(
    "settings", [{}, {"indent": 0}, {"indent": 4, "sort_keys": True}, {"infer_types": False}]
)
def test_streaming_writes_the_same_bytes_as_converting_in_memory(
    tmp_path: Path, source_format: str, target_format: str, size: int, settings: dict[str, Any]
) -> None:
    source = _source(tmp_path, source_format, size)
    target = tmp_path / f"out.{target_format}"
    count = stream_convert(source, target, source_format, target_format, Options(**settings))
    expected = structconv.convert_file(source, to=target_format, src=source_format, **settings)
    assert target.read_bytes() == expected.text.encode()
    assert count == (len(expected.data) if isinstance(expected.data, list) else 1)


def test_empty_sources(tmp_path: Path) -> None:
    for source_format, target_format in PAIRS:
        source = tmp_path / f"empty.{source_format}"
        source.write_bytes(b"")
        target = tmp_path / f"empty-out.{target_format}"
        assert stream_convert(source, target, source_format, target_format, Options()) == 0
        expected = structconv.convert_file(source, to=target_format, src=source_format).text
        assert target.read_text(encoding="utf-8") == expected


def test_integers_past_64_bits_match_the_stdlib_writer(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    source.write_text("n,f\n1,1.5\n123456789012345678901234567890,2.5\n", encoding="utf-8")
    for target_format in ("json", "jsonl"):
        target = tmp_path / f"big.{target_format}"
        stream_convert(source, target, "csv", target_format, Options())
        expected = structconv.convert_file(source, to=target_format).text
        assert target.read_text(encoding="utf-8") == expected
    assert json.loads((tmp_path / "big.json").read_text())[1]["n"] == 123456789012345678901234567890


def test_a_bad_row_leaves_the_existing_target_untouched(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    rows = "".join(f"{i},x\n" for i in range(20_000))  # the error comes after many batches
    source.write_text("a,b\n" + rows + "1,2,3\n", encoding="utf-8")
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        stream_convert(source, target, "csv", "json", Options())
    assert (caught.value.line, caught.value.column) == (20_002, 5)
    assert caught.value.source == str(source)
    assert target.read_text(encoding="utf-8") == "previous"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "out.json"]


def test_a_refused_value_in_json_lines_names_its_path_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"a": 1}\n\n{"a": 2, "tags": ["x"]}\n', encoding="utf-8")
    target = tmp_path / "out.csv"
    with pytest.raises(UnrepresentableError) as caught:
        stream_convert(source, target, "jsonl", "csv", Options())
    assert caught.value.path == "$[1].tags"
    assert not target.exists()


def test_a_missing_key_in_json_lines_needs_an_empty_cell_policy(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"a": 1, "b": 2}\n{"a": 3}\n', encoding="utf-8")
    with pytest.raises(UnrepresentableError) as caught:
        stream_convert(source, tmp_path / "out.csv", "jsonl", "csv", Options())
    assert caught.value.path == "$[1].b"
    stream_convert(source, tmp_path / "out.csv", "jsonl", "csv", Options(null="empty"))
    assert (tmp_path / "out.csv").read_bytes() == b"a,b\r\n1,2\r\n3,\r\n"


def test_json_lines_errors_carry_the_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"a": 1}\n{"a": 2,}\n', encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        stream_convert(source, tmp_path / "out.json", "jsonl", "json", Options())
    assert caught.value.line == 2


def test_nul_in_a_late_chunk_is_reported_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    rows = "".join(f"{i},{'x' * 100}\n" for i in range(20_000))  # past the first 1 MiB chunk
    source.write_text("a,b\n" + rows + "7,\x00\n", encoding="utf-8")
    with pytest.raises(ParseError, match="NUL") as caught:
        stream_convert(source, tmp_path / "out.json", "csv", "json", Options())
    assert caught.value.line == 20_002


def test_a_legacy_encoded_csv_streams_like_the_in_memory_path(tmp_path: Path) -> None:
    sentence = "Le garçon a mangé une crème brûlée très sucrée, puis il est allé à l'école."
    source = tmp_path / "latin.csv"
    source.write_bytes(("id,texte\r\n" + f'1,"{sentence}"\r\n' * 5).encode("cp1252"))
    target = tmp_path / "latin.json"
    assert stream_convert(source, target, "csv", "json", Options()) == 5
    assert target.read_text(encoding="utf-8") == structconv.convert_file(source, to="json").text


def _peak_bytes(tmp_path: Path, rows: int) -> tuple[int, int]:
    source = tmp_path / f"large-{rows}.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        stream.write("id,name,email,city,amount,active\r\n")
        for index in range(rows):
            stream.write(f"{index},Name {index},u{index}@example.com,Oslo,{index / 4},true\r\n")
    tracemalloc.start()
    try:
        count = stream_convert(source, tmp_path / "large.json", "csv", "json", Options())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    return source.stat().st_size, peak


def test_memory_stays_flat_in_the_input_size(tmp_path: Path) -> None:
    _, small_peak = _peak_bytes(tmp_path, 50_000)
    large_size, large_peak = _peak_bytes(tmp_path, 200_000)
    assert large_size > 10_000_000
    assert large_peak < large_size / 2, f"peak {large_peak:,} bytes for {large_size:,} bytes"
    assert large_peak < small_peak * 1.25, f"peak grew from {small_peak:,} to {large_peak:,}"
