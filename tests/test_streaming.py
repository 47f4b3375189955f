"""Streaming conversion: the same bytes as the in-memory path, atomic, flat in memory."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import structconv
from structconv import streaming
from structconv.cli import main
from structconv.errors import ParseError, UnrepresentableError, UsageError
from structconv.options import Options
from structconv.streaming import can_stream, range_count, split_points, stream_convert

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


# --- one CSV file in ranges, on several processes ----------------------------------------


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Ranges down to one byte (so that small files split with workers=N); the result of
    each attempt to convert in ranges (None: it fell back to one process) is recorded."""
    monkeypatch.setattr(streaming, "MIN_RANGE_BYTES", 1)
    monkeypatch.setattr(streaming, "_parallel_broken", False)
    results: list[int | None] = []
    real = streaming._csv_in_ranges

    def spy(*args: Any) -> int | None:
        result = real(*args)
        if args[3].workers != 1:  # not a reference run in one process
            results.append(result)
        return result

    monkeypatch.setattr(streaming, "_csv_in_ranges", spy)
    return results


def _tricky_csv(path: Path, rows: int, *, newline: str = "\r\n", bom: bool = False) -> Path:
    """Quoted delimiters, quotes and line breaks (LF and CRLF), blank lines, nested columns,
    every kind of cell for inference, rows starting with U+FEFF, "},{" inside text."""
    notes = ['"two\r\nlines"', '"one\nmore, line"', "plain", "", '"say ""hi"""', '"},{"']
    amounts = ["7.30", "7.3", "7", "-0", "1e+16", "x", ""]
    flags = ["true", "false", "TRUE", "t"]
    lines = ["id,name,note,amount,flag,a.b,a.c"]
    for index in range(rows):
        note, amount, flag = notes[index % 6], amounts[index % 7], flags[index % 4]
        lines.append(f"\ufeff{index},Zoë {index},{note},{amount},{flag},{index % 3},b{index}")
        if index % 50 == 0:
            lines.append("")
    text = ("\ufeff" if bom else "") + newline.join(lines) + newline
    path.write_bytes(text.encode())
    return path


def _single(source: Path, target_format: str, settings: dict[str, Any]) -> bytes:
    target = source.with_name(f"single.{target_format}")
    stream_convert(source, target, "csv", target_format, Options(workers=1, **settings))
    return target.read_bytes()


@pytest.mark.parametrize("target_format", ["json", "jsonl"])
@pytest.mark.parametrize(
    ("rows", "newline", "bom", "settings"),
    [
        (700, "\r\n", False, {}),
        (700, "\n", True, {"indent": 0}),
        (300, "\r\n", True, {"indent": 4, "sort_keys": True}),
        (300, "\n", False, {"infer_types": False, "unflatten": False}),
    ],
)
def test_ranges_write_the_same_bytes_as_one_process(
    tmp_path: Path,
    attempts: list[int | None],
    target_format: str,
    rows: int,
    newline: str,
    bom: bool,
    settings: dict[str, Any],
) -> None:
    source = _tricky_csv(tmp_path / "in.csv", rows, newline=newline, bom=bom)
    target = tmp_path / f"out.{target_format}"
    count = stream_convert(source, target, "csv", target_format, Options(workers=3, **settings))
    assert attempts == [count] and count == rows  # converted in ranges, no fallback
    assert target.read_bytes() == _single(source, target_format, settings)
    expected = structconv.convert(source.read_bytes(), src="csv", to=target_format, **settings)
    assert target.read_bytes() == expected.text.encode()
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "in.csv",
        f"out.{target_format}",
        f"single.{target_format}",
    ]


def test_ranges_of_blank_lines_and_integers_past_64_bits(
    tmp_path: Path, attempts: list[int | None]
) -> None:
    source = tmp_path / "in.csv"
    body = "".join(f"{index},{10**30 + index}\n\n\n" for index in range(50))
    source.write_text("a,b\n" + body + "\n" * 200, encoding="utf-8")
    for target_format, settings in [("json", {}), ("jsonl", {}), ("json", {"indent": 0})]:
        target = tmp_path / f"out.{target_format}"
        stream_convert(source, target, "csv", target_format, Options(workers=4, **settings))
        assert target.read_bytes() == _single(source, target_format, settings)
    # orjson cannot write the integers: the JSON run falls back, JSON Lines writes them.
    assert attempts == [None, 50, None]


def test_a_header_only_file_in_ranges(tmp_path: Path, attempts: list[int | None]) -> None:
    source = tmp_path / "in.csv"
    source.write_text("a,b\n" + "\n" * 100, encoding="utf-8")
    for target_format in ("json", "jsonl"):
        target = tmp_path / f"out.{target_format}"
        assert stream_convert(source, target, "csv", target_format, Options(workers=2)) == 0
        assert target.read_bytes() == _single(source, target_format, {})
    assert attempts == [0, 0]


def test_a_stray_quote_that_misplaces_a_cut_falls_back_to_one_process(
    tmp_path: Path, attempts: list[int | None]
) -> None:
    # 5" is a stray quote inside an unquoted field, which the strict reader takes as text:
    # counted, it makes the quoted line breaks below look like row boundaries.
    rows = [f'{index},"multi\nline {index}"' for index in range(400)]
    source = tmp_path / "in.csv"
    source.write_text('a,b\n1,5" screen\n' + "\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "out.json"
    assert stream_convert(source, target, "csv", "json", Options(workers=2)) == 401
    assert attempts == [None]
    assert target.read_bytes() == _single(source, "json", {})
    assert json.loads(target.read_bytes())[0] == {"a": 1, "b": '5" screen'}


def test_an_error_in_a_later_range_has_its_file_line_and_leaves_no_file(
    tmp_path: Path, attempts: list[int | None]
) -> None:
    source = tmp_path / "in.csv"
    rows = [f'{index},"x\r\ny"' for index in range(3000)]
    rows[2500] = "2500,x,extra"
    source.write_text("a,b\r\n" + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    target = tmp_path / "out.json"
    with pytest.raises(ParseError) as caught:
        stream_convert(source, target, "csv", "json", Options(workers=2))
    # Each row before it spans two lines; the bad row starts on line 2 + 2 * 2500.
    assert (caught.value.line, caught.value.column) == (5002, 8)
    assert caught.value.source == str(source)
    assert attempts == [None]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv"]
    with pytest.raises(ParseError) as again:
        structconv.convert_file(source, to="json", out=target, repair="off", workers=2)
    assert (again.value.line, again.value.column) == (5002, 8)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv"]


def test_a_worker_that_cannot_start_leaves_one_process_doing_the_work(
    tmp_path: Path, attempts: list[int | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "_BOOT", "raise SystemExit('no interpreter here')")
    source = _tricky_csv(tmp_path / "in.csv", 200)
    target = tmp_path / "out.json"
    with pytest.warns(RuntimeWarning, match="no interpreter here"):
        assert stream_convert(source, target, "csv", "json", Options(workers=2)) == 200
    assert target.read_bytes() == _single(source, "json", {})
    assert streaming._parallel_broken
    stream_convert(source, target, "csv", "json", Options(workers=2))  # no second try
    assert attempts == [None, None]


def test_range_count() -> None:
    big = 100 * streaming.AUTO_RANGE_BYTES
    assert range_count(big, Options(workers=1)) == 1
    assert range_count(streaming.AUTO_RANGE_BYTES - 1, Options()) == 1  # below one range
    assert range_count(big, Options()) == min(streaming._available_cpus(), 100)
    assert range_count(3 * streaming.MIN_RANGE_BYTES, Options(workers=8)) == 3
    assert range_count(100, Options(workers=8)) == 1
    with pytest.raises(UsageError, match="workers"):
        Options.from_settings({"workers": 0})


def test_a_small_file_starts_no_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("a worker was started")

    monkeypatch.setattr(streaming, "_start_worker", refuse)
    source = _tricky_csv(tmp_path / "in.csv", 100)
    assert stream_convert(source, tmp_path / "out.json", "csv", "json", Options()) == 100


def _boundaries(rows: list[list[str]], newline: str) -> tuple[bytes, set[int]]:
    """The text csv.writer gives for `rows`, and the byte offsets where its rows end."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=newline)
    ends = set()
    size = 0
    for row in rows:
        writer.writerow(row)
        size = len(out.getvalue().encode())
        ends.add(size)
    return out.getvalue().encode(), ends


_FIELDS = st.text(alphabet='ab,"\r\n é', max_size=8)


@given(
    st.lists(st.lists(_FIELDS, min_size=1, max_size=4), min_size=1, max_size=60),
    st.sampled_from(["\n", "\r\n"]),
    st.integers(2, 7),
)
def test_cuts_fall_on_row_boundaries(rows: list[list[str]], newline: str, parts: int) -> None:
    data, ends = _boundaries(rows, newline)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(data)
        cuts = split_points(path, 0, len(data), parts)
    assert len(cuts) < parts
    assert cuts == sorted(set(cuts))
    assert all(0 < cut < len(data) and cut in ends for cut in cuts)


def test_a_quoted_line_break_across_the_middle_moves_the_cut(tmp_path: Path) -> None:
    head = b"a,b\r\n" + b"1,x\r\n" * 10
    field = b'2,"' + b"long\r\n" * 20 + b'end"\r\n'
    tail = b"3,y\r\n" * 10
    path = tmp_path / "in.csv"
    path.write_bytes(head + field + tail)
    middle = (len(head) + len(field) + len(tail)) // 2
    assert len(head) < middle < len(head) + len(field)
    assert split_points(path, 0, path.stat().st_size, 2) == [len(head) + len(field)]
    assert split_points(path, 0, path.stat().st_size, 200)[-1] < path.stat().st_size


def test_the_command_line_takes_workers(tmp_path: Path, attempts: list[int | None]) -> None:
    source = _tricky_csv(tmp_path / "in.csv", 300)
    target = tmp_path / "out.jsonl"
    runner = CliRunner()
    done = runner.invoke(
        main, ["convert", str(source), "--to", "jsonl", "-o", str(target), "--workers", "2"]
    )
    assert done.exit_code == 0, done.output
    assert attempts == [300]
    assert target.read_bytes() == _single(source, "jsonl", {})
    help_text = runner.invoke(main, ["convert", "--help"]).output
    assert "--workers" in help_text and "--jobs" in help_text


def test_auto_is_one_process_inside_a_process_pool() -> None:
    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(range_count, 1 << 40, Options()).result() == 1
