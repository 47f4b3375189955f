"""Streaming conversion: the same bytes as the in-memory path, atomic, flat in memory."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import tempfile
import tracemalloc
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import structconv
from structconv import streaming
from structconv.errors import ParseError, UnrepresentableError, UsageError
from structconv.formats import csv_records
from structconv.formats import records as formats_records
from structconv.formats.csv_records import line_chunks, split_points
from structconv.options import Options
from structconv.streaming import can_stream, planning, ranges, stream_convert
from structconv.streaming.ranges import range_count
from tests.cli.run import run_cli

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
    for source_format, target_format in [("json", "csv"), ("json", "jsonl"), ("xml", "json")]:
        assert can_stream(source_format, target_format, Options())
    assert can_stream("xml", "jsonl", Options())
    assert not can_stream("xml", "jsonl", Options(schema="records.xsd"))  # typed: in memory
    assert not can_stream("json", "json", Options())
    assert not can_stream("yaml", "json", Options())
    assert not can_stream("toml", "jsonl", Options())
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
    """Ranges down to one byte (so that small files split with workers=N), and more ranges
    than processes (which take them as they come); the result of each attempt to convert
    in ranges (None: it fell back to one process) is recorded."""
    monkeypatch.setattr(ranges, "MIN_RANGE_BYTES", 1)
    monkeypatch.setattr(ranges, "CHUNK_BYTES", 1500)
    monkeypatch.setattr(ranges, "_parallel_broken", False)
    results: list[int | None] = []
    real = planning.convert_in_ranges

    def spy(*args: Any) -> int | None:
        result = real(*args)
        if args[4].workers != 1:  # not a reference run in one process
            results.append(result)
        return result

    monkeypatch.setattr(planning, "convert_in_ranges", spy)
    return results


@pytest.fixture(params=["fork", "spawn"])
def start_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How the workers start: forks of this process (where structconv.forking allows it,
    as in a test run on one thread), or new interpreters (elsewhere, e.g. under xdist)."""
    monkeypatch.setattr(ranges, "can_fork", lambda: request.param == "fork")
    return str(request.param)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The workers started, of either kind."""
    workers: list[Any] = []
    real_spawn, real_fork = ranges._start_worker, ranges._fork_worker

    def spawn() -> Any:
        workers.append(real_spawn())
        return workers[-1]

    def fork(task: Any) -> Any:
        workers.append(real_fork(task))
        return workers[-1]

    monkeypatch.setattr(ranges, "_start_worker", spawn)
    monkeypatch.setattr(ranges, "_fork_worker", fork)
    return workers


@pytest.fixture(params=["parent first", "workers first"])
def turns(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> str:
    """Which process converts the ranges after the first: this one, whose claims come
    first on a small file (the workers are still starting), or the workers, when this
    process waits for them to end before it claims its second range."""
    if request.param == "workers first":
        real_take = ranges._Claims.take

        def take(claims: Any, number: int) -> bool:
            for worker in started:
                worker.wait()
            return real_take(claims, number)

        monkeypatch.setattr(ranges._Claims, "take", take)
    return str(request.param)


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
    start_method: str,
    started: list[Any],
    turns: str,
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
    kind = ranges._Forked if start_method == "fork" else ranges._Spawned
    assert len(started) == 2 and all(isinstance(worker, kind) for worker in started)
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
    monkeypatch.setattr(ranges, "can_fork", lambda: False)  # new interpreters
    monkeypatch.setattr(ranges, "_BOOT", "raise SystemExit('no interpreter here')")
    real_start = ranges._start_worker

    def start_and_fail() -> Any:
        worker = real_start()
        worker.wait()  # failed before this process converted its first range
        return worker

    monkeypatch.setattr(ranges, "_start_worker", start_and_fail)
    source = _tricky_csv(tmp_path / "in.csv", 200)
    target = tmp_path / "out.json"
    with pytest.warns(RuntimeWarning, match="no interpreter here"):
        assert stream_convert(source, target, "csv", "json", Options(workers=2)) == 200
    assert target.read_bytes() == _single(source, "json", {})
    assert ranges._parallel_broken
    stream_convert(source, target, "csv", "json", Options(workers=2))  # no second try
    # This process took every range itself, then noticed the worker's end.
    assert attempts == [200, None]


def test_a_worker_that_gets_no_cpu_does_not_hold_the_conversion_back(
    tmp_path: Path, attempts: list[int | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker that has not claimed a range yet (here: never will) is not waited for:
    # this process converts the ranges it reaches first, and ends the worker.
    monkeypatch.setattr(ranges, "can_fork", lambda: False)  # new interpreters
    monkeypatch.setattr(ranges, "_BOOT", "import time\ntime.sleep(60)\n")
    source = _tricky_csv(tmp_path / "in.csv", 300)
    target = tmp_path / "out.json"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert stream_convert(source, target, "csv", "json", Options(workers=2)) == 300
    assert attempts == [300]
    assert not ranges._parallel_broken
    assert target.read_bytes() == _single(source, "json", {})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "out.json", "single.json"]


def test_a_fork_that_fails_leaves_one_process_doing_the_work(
    tmp_path: Path, attempts: list[int | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A failure that is not the input's (here: raised in the fork alone) comes back on the
    # fork's pipe: this process warns, converts in one process, and forks no more.
    monkeypatch.setattr(ranges, "can_fork", lambda: True)
    parent = os.getpid()

    def fail_in_the_fork(task: Any) -> list[str]:
        if os.getpid() != parent:
            raise MemoryError("out of memory in the fork")
        raise AssertionError("only a fork converts claimed ranges")

    monkeypatch.setattr(ranges, "_convert_claimed", fail_in_the_fork)
    monkeypatch.setattr(ranges._Claims, "take", lambda claims, number: False)  # the fork's
    source = _tricky_csv(tmp_path / "in.csv", 300)
    target = tmp_path / "out.json"
    with pytest.warns(RuntimeWarning, match="MemoryError: out of memory in the fork"):
        assert stream_convert(source, target, "csv", "json", Options(workers=2)) == 300
    assert ranges._parallel_broken
    assert attempts == [None]
    assert target.read_bytes() == _single(source, "json", {})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "out.json", "single.json"]


class _Spare:
    """SpareCpus that finds `free` CPUs idle whenever asked."""

    known = True

    def __init__(self, free: float) -> None:
        self.free = free

    def since_last(self, least_seconds: float) -> float:
        return self.free


@pytest.mark.parametrize(("free", "workers"), [(0.3, 0), (1.2, 1), (3.0, 1)])
def test_auto_starts_a_worker_only_for_a_cpu_found_idle(
    tmp_path: Path,
    attempts: list[int | None],
    start_method: str,
    started: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    free: float,
    workers: int,
) -> None:
    monkeypatch.setattr(ranges, "AUTO_RANGE_BYTES", 1)
    monkeypatch.setattr(ranges, "_available_cpus", lambda: 2)
    monkeypatch.setattr(ranges, "SpareCpus", lambda: _Spare(free))
    source = _tricky_csv(tmp_path / "in.csv", 300)
    target = tmp_path / "out.json"
    assert stream_convert(source, target, "csv", "json", Options()) == 300
    assert len(started) == workers  # at most one per CPU beyond this process's own
    assert attempts == [300]
    assert target.read_bytes() == _single(source, "json", {})


def test_range_count() -> None:
    big = 100 * ranges.AUTO_RANGE_BYTES
    assert range_count(big, Options(workers=1)) == 1
    assert range_count(ranges.AUTO_RANGE_BYTES - 1, Options()) == 1  # below one range
    assert range_count(big, Options()) == min(ranges._available_cpus(), 100)
    assert range_count(3 * ranges.MIN_RANGE_BYTES, Options(workers=8)) == 3
    assert range_count(100, Options(workers=8)) == 1
    with pytest.raises(UsageError, match="workers"):
        Options.from_settings({"workers": 0})


def test_a_small_file_starts_no_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*task: Any) -> None:
        raise AssertionError("a worker was started")

    monkeypatch.setattr(ranges, "_start_worker", refuse)
    monkeypatch.setattr(ranges, "_fork_worker", refuse)
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


@given(
    st.lists(st.lists(_FIELDS, min_size=1, max_size=4), min_size=1, max_size=60),
    st.integers(2, 7),
    st.integers(1, 17),
)
def test_cuts_do_not_depend_on_the_size_of_the_reads(
    rows: list[list[str]], parts: int, scan_bytes: int
) -> None:
    """split_points reads into one buffer: quotes and line feeds are counted across its
    refills, wherever they fall."""
    data, _ = _boundaries(rows, "\r\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(data)
        whole = split_points(path, 0, len(data), parts)
        saved = csv_records.SCAN_BYTES
        csv_records.SCAN_BYTES = scan_bytes
        try:
            assert split_points(path, 0, len(data), parts) == whole
        finally:
            csv_records.SCAN_BYTES = saved


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
    done = run_cli(["convert", str(source), "--to", "jsonl", "-o", str(target), "--workers", "2"])
    assert done.exit_code == 0, done.stderr
    assert attempts == [300]
    assert target.read_bytes() == _single(source, "jsonl", {})
    help_text = run_cli(["convert", "--help"]).stdout
    assert "--workers" in help_text and "--jobs" in help_text


def test_auto_is_one_process_inside_a_process_pool() -> None:
    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(range_count, 1 << 40, Options()).result() == 1


# --- JSON arrays: item by item, with the strict reader's own decoder ---------------------


@pytest.fixture(autouse=True)
def _documents_of_any_size_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """convert_file streams JSON and XML documents from 1 MiB; the small files of these
    tests stream too, so that convert_file's streaming branch is what they check."""
    monkeypatch.setattr(planning, "DOCUMENT_STREAM_BYTES", 0)


def _write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _failure(action: Any, *args: Any, **settings: Any) -> tuple[str, str, int, int]:
    """The error `action(*args, **settings)` raises: (type, message, line, column)."""
    with pytest.raises(structconv.StructconvError) as caught:
        action(*args, **settings)
    error = caught.value
    return (
        type(error).__name__,
        str(error),
        getattr(error, "line", 0),
        getattr(error, "column", 0),
    )


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the size of the reads and batches (to cut items and batches everywhere)."""

    def set_sizes(chars: int, batch: int = formats_records.BATCH_RECORDS) -> None:
        monkeypatch.setattr(formats_records, "CHUNK_CHARS", chars)
        monkeypatch.setattr(formats_records, "BATCH_RECORDS", batch)

    return set_sizes


JSON_ARRAYS = [
    "[]",
    " [ ]\n",
    "[1,2,3]",
    "[1.5e+3, -0, -0.0, 1E5, 123456789012345678901234567890, 0.1, 1e-400, 12345678]",
    '["a\\u00e9\\ud83d\\ude00", "\\"q\\"", "\\\\", "tab\\tnew\\nline", "é 東京 😀", "\\u2028"]',
    '[true, false, null, {"a": [1, {"b": null}], "c": {}}, [], [[]], {"": ""}]',
    '[\n  {"id": 1, "name": "Ann", "addr": {"city": "Oslo"}},\n'
    '  {"id": 2, "name": "Bob", "addr": {"city": "Köln"}}\n]\n',
    '\t[\r\n1\r\n,\r\n"x"\r\n]\r\n',
]
RECORD_ARRAYS = [text for text in JSON_ARRAYS if text.startswith("[\n  {")] + [
    '[{"a": 1, "b": "x,y"}, {"a": 2, "b": "say \\"hi\\"\\nthere"}, {"a": 3.5, "b": ""}]',
    '[{"n": 123456789012345678901234567890, "t": true}, {"n": -1, "t": false}]',
]


@pytest.mark.parametrize("text", JSON_ARRAYS)
@pytest.mark.parametrize("chars", [1, 2, 3, 5, 8, 1 << 18])
def test_json_arrays_stream_to_json_lines_as_in_memory(
    tmp_path: Path, small_chunks: Any, text: str, chars: int
) -> None:
    small_chunks(chars, 2)
    source = _write_text(tmp_path / "in.json", text)
    target = tmp_path / "out.jsonl"
    count = stream_convert(source, target, "json", "jsonl", Options())
    expected = structconv.convert(text, src="json", to="jsonl")
    assert target.read_text(encoding="utf-8") == expected.text
    assert count == len(expected.data)


@pytest.mark.parametrize("text", RECORD_ARRAYS)
@pytest.mark.parametrize("chars", [1, 7, 1 << 18])
@pytest.mark.parametrize("settings", [{}, {"delimiter": ";"}, {"unflatten": False}])
def test_json_arrays_of_records_stream_to_csv_as_in_memory(
    tmp_path: Path, small_chunks: Any, text: str, chars: int, settings: dict[str, Any]
) -> None:
    small_chunks(chars, 2)
    source = _write_text(tmp_path / "in.json", text)
    target = tmp_path / "out.csv"
    stream_convert(source, target, "json", "csv", Options(**settings))
    expected = structconv.convert(text, src="json", to="csv", **settings)
    assert target.read_bytes() == expected.text.encode()


@pytest.mark.parametrize("spool", [True, False])
def test_json_to_csv_reads_the_source_once_when_the_survey_keeps_the_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: Any, spool: bool
) -> None:
    """The survey keeps the flat records in a temporary file for the second pass; where
    none can be made, the second pass reads the source again: the same bytes either way."""
    from structconv.formats import csv_records, json_records

    small_chunks(7, 2)
    if not spool:

        def no_file(*args: Any, **kwargs: Any) -> Any:
            raise OSError("no room")

        monkeypatch.setattr(csv_records.tempfile, "TemporaryFile", no_file)
    reads: list[Any] = []
    records_of = planning.records_of

    def counted(name: str) -> Any:
        codec = records_of(name)
        if codec is not json_records.RECORDS:
            return codec
        return dataclasses.replace(
            codec, read=lambda *args: reads.append(args) or json_records.read_array(*args)
        )

    monkeypatch.setattr(planning, "records_of", counted)
    text = json.dumps([{"id": n, "a": {"b": n / 3, "c": None}, "t": "=x"} for n in range(50)])
    source = _write_text(tmp_path / "in.json", text)
    target = tmp_path / "out.csv"
    assert stream_convert(source, target, "json", "csv", Options(null="empty")) == 50
    expected = structconv.convert(text, src="json", to="csv", null="empty")
    assert target.read_bytes() == expected.text.encode()
    assert len(reads) == (1 if spool else 2)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_json_arrays_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    text = RECORD_ARRAYS[0]
    source = _write_text(tmp_path / "in.json", text, encoding)
    for target_format in ("jsonl", "csv"):
        target = tmp_path / f"out.{target_format}"
        assert stream_convert(source, target, "json", target_format, Options()) == 2
        expected = structconv.convert(source.read_bytes(), src="json", to=target_format)
        assert target.read_bytes() == expected.text.encode()


JSON_REFUSED = {
    "NaN": "[1, NaN]",
    "Infinity": "[2, -Infinity]",
    "a float that overflows": "[1, 1e400]",
    "a duplicate key": '[{"a": 1}, {"a": 1, "b": 2, "a": 3}]',
    "a lone surrogate": '[{"a": "\\ud800"}]',
    "a lone surrogate key": '[{"\\udc00x": 1}]',
    "a trailing comma": "[1, 2,]",
    "a missing comma": "[1 2]",
    "a missing comma in a record": '[{"a": 1 "b": 2}]',
    "data after the array": "[1] 2",
    "an unclosed array": "[1, 2",
    "an unterminated string": '["abc',
    "a control character": '["a\x01b"]',
    "a leading zero": "[01]",
    "a single quote": "['a']",
    "a comment": "[1 // one\n]",
    "an object": '{"a": [1]}',
    "a scalar": "7",
    "nothing": "  \n",
    "a byte order mark twice": "\ufeff[1]",
}


@pytest.mark.parametrize("name", list(JSON_REFUSED))
@pytest.mark.parametrize("chars", [1, 4, 1 << 18])
def test_json_input_the_stream_cannot_settle_goes_to_the_in_memory_path(
    tmp_path: Path, small_chunks: Any, name: str, chars: int
) -> None:
    small_chunks(chars)
    text = JSON_REFUSED[name]
    source = _write_text(tmp_path / "in.json", text, "utf-8-sig" if "twice" in name else "utf-8")
    for target_format in ("jsonl", "csv"):
        target = tmp_path / f"out.{target_format}"
        with pytest.raises(streaming.Unstreamable):
            stream_convert(source, target, "json", target_format, Options())
        assert not target.exists()
        # Through convert_file: exactly the in-memory path's error (strict), or its repair.
        whole = _failure(
            structconv.convert,
            source.read_bytes(),
            src="json",
            to=target_format,
            name=source,
            repair="off",
        )
        convert_file = structconv.convert_file
        assert _failure(convert_file, source, to=target_format, out=target, repair="off") == whole
        assert sorted(path.name for path in tmp_path.iterdir()) == ["in.json"]


def test_a_broken_json_array_is_repaired_as_in_memory(tmp_path: Path) -> None:
    text = '[{"a": 1, "b": "x"},\n {"a": 2, "b": "y"},\n]\n'
    source = _write_text(tmp_path / "in.json", text)
    result = structconv.convert_file(source, to="csv", out=tmp_path / "out.csv")
    expected = structconv.convert(text, src="json", to="csv")
    assert result.fixes == expected.fixes and result.fixes
    assert (tmp_path / "out.csv").read_bytes() == expected.text.encode()


def test_a_record_csv_cannot_hold_is_reported_after_the_rest_parses(tmp_path: Path) -> None:
    """In memory the whole input is read before anything is represented: a later syntax
    error comes first, and a clean input reports the record with its path."""
    records = [{"a": index, "tags": ["x"] if index == 3 else "y"} for index in range(3000)]
    text = json.dumps(records)
    source = _write_text(tmp_path / "in.json", text)
    target = tmp_path / "out.csv"
    with pytest.raises(UnrepresentableError) as caught:
        stream_convert(source, target, "json", "csv", Options())
    assert caught.value.path == "$[3].tags"
    broken = _write_text(tmp_path / "broken.json", text[:-1] + ", NaN]")
    with pytest.raises(streaming.Unstreamable):
        stream_convert(broken, target, "json", "csv", Options())
    whole = _failure(structconv.convert, broken.read_bytes(), src="json", to="csv", name=broken)
    assert whole[0] == "ParseError"
    assert _failure(structconv.convert_file, broken, to="csv", out=target) == whole
    assert not target.exists()


def test_json_depth_limits_as_in_memory(tmp_path: Path) -> None:
    def nested(levels: int) -> str:
        return "[" + "[" * levels + "]" * levels + "]"

    streamed = []
    cases = [
        (200, {}),
        (511, {}),
        (512, {}),
        (700, {}),
        (4, {"max_depth": 5}),
        (5, {"max_depth": 5}),
    ]
    for levels, settings in cases:
        text = nested(levels)
        source = _write_text(tmp_path / "in.json", text)
        target = tmp_path / "out.jsonl"
        try:
            expected = structconv.convert(text, src="json", to="jsonl", **settings).text
        except structconv.ParseError:
            with pytest.raises(streaming.Unstreamable):
                stream_convert(source, target, "json", "jsonl", Options(**settings))
            continue
        stream_convert(source, target, "json", "jsonl", Options(**settings))
        assert target.read_text(encoding="utf-8") == expected, levels
        streamed.append(levels)
    assert streamed == [200, 511, 4]  # 512 levels in the array: 513, over the limit


def test_a_json_file_over_max_bytes_goes_to_the_in_memory_path(tmp_path: Path) -> None:
    source = _write_text(tmp_path / "in.json", "[1, 2, 3, 4, 5, 6, 7, 8, 9]")
    with pytest.raises(streaming.Unstreamable):
        stream_convert(source, tmp_path / "out.jsonl", "json", "jsonl", Options(max_bytes=10))
    whole = _failure(
        structconv.convert, source.read_bytes(), src="json", to="jsonl", name=source, max_bytes=10
    )
    assert "over the limit" in whole[1]
    target = tmp_path / "out.jsonl"
    assert _failure(structconv.convert_file, source, to="jsonl", out=target, max_bytes=10) == whole


_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.lists(_JSON_VALUES, max_size=6),
    st.sampled_from([None, 0, 1, 3]),
    st.booleans(),
    st.integers(1, 12),
)
def test_any_json_array_streams_as_in_memory(
    items: list[Any], indent: int | None, ascii_only: bool, chars: int
) -> None:
    text = json.dumps(items, indent=indent, ensure_ascii=ascii_only)
    expected = structconv.convert(text, src="json", to="jsonl").text
    saved = formats_records.CHUNK_CHARS, formats_records.BATCH_RECORDS
    formats_records.CHUNK_CHARS, formats_records.BATCH_RECORDS = chars, 2
    try:
        with tempfile.TemporaryDirectory() as folder:
            source = _write_text(Path(folder) / "in.json", text)
            target = Path(folder) / "out.jsonl"
            assert stream_convert(source, target, "json", "jsonl", Options()) == len(items)
            assert target.read_text(encoding="utf-8") == expected
    finally:
        formats_records.CHUNK_CHARS, formats_records.BATCH_RECORDS = saved


def _json_records_file(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        stream.write("[\n")
        for index in range(count):
            record = {
                "id": index,
                "name": f"Name {index}",
                "email": f"u{index}@example.com",
                "address": {"city": "Oslo", "zip": f"{index:05d}"},
                "amount": index / 4,
                "active": index % 3 == 0,
            }
            stream.write(("  " if index == 0 else ",\n  ") + json.dumps(record))
        stream.write("\n]\n")
    return path


@pytest.mark.parametrize("target_format", ["csv", "jsonl"])
def test_json_array_memory_stays_flat_in_the_input_size(tmp_path: Path, target_format: str) -> None:
    peaks = []
    for count in (8_000, 32_000):
        source = _json_records_file(tmp_path / f"in-{count}.json", count)
        tracemalloc.start()
        try:
            written = stream_convert(
                source, tmp_path / f"out.{target_format}", "json", target_format, Options()
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert written == count
        peaks.append((source.stat().st_size, peak))
    (_, small_peak), (large_size, large_peak) = peaks
    assert large_size > 4_000_000  # converted in memory, it takes about 95 MB (tracemalloc)
    assert large_peak < small_peak * 1.25, f"peak grew from {small_peak:,} to {large_peak:,}"
    assert large_peak < 8_000_000, f"peak {large_peak:,} bytes: more than a few batches"


# --- XML records: iterparse, one record element at a time --------------------------------

XML_RECORD_LIKE = {
    "plain": "<r><a>1</a><a>2</a></r>",
    "attributes": '<?xml version="1.0"?>\n<r>\n  <a x="1">t</a>\n  <a><b>1</b><b>2</b><c/></a>\n</r>\n',
    "mixed content": "<r><a>Hello <b>w</b>!</a><a><b/><c/><b/></a>\n</r>",
    "namespaces in records": '<r><p:a xmlns:p="u" p:x="1"><p:b/></p:a><p:a xmlns:p="u"/></r>',
    "default namespace in records": '<r><a xmlns="u"><b/></a><a xmlns="u">x</a></r>',
    "xml:lang": '<r><a xml:lang="en">x</a><a xml:space="preserve"> </a></r>',
    "an entity reference": '<!DOCTYPE r [<!ENTITY e "x">]><r><a>&e; y</a><a>z</a></r>',
    "CDATA and escapes": "<r><a><![CDATA[<x>]]></a><a>&amp;&lt;&#x1F600;</a></r>",
    "comments and PIs": "<r><!-- c --><a>1</a><?pi x?><a>2</a><!-- d --></r><!-- e -->",
    "a record's name inside records": "<r><a><a>in</a></a><a>2</a></r>",
    "the root's name for records": "<a><a>1</a><a>2</a></a>",
    "a byte order mark": "\ufeff<r><a>é</a><a>ü</a></r>",
    "declared UTF-8": '<?xml version="1.0" encoding="utf-8"?><r><a>é</a><a/></r>',
    "line ends": "<r>\r\n<a>x\r\ny</a>\r\n<a a='1\r\n2'/>\r\n</r>",
    "empty records": "<r><a/><a></a><a> </a></r>",
    "a DOCTYPE": '<!DOCTYPE r SYSTEM "records.dtd"><r><a>1</a><a>2</a></r>',
}
XML_NOT_RECORD_LIKE = {
    "an attribute on the root": '<r x="1"><a/><a/></r>',
    "a namespace on the root": '<r xmlns="u"><a/><a/></r>',
    "a prefixed root": '<p:r xmlns:p="u"><a/><a/></p:r>',
    "text before the records": "<r>t<a/><a/></r>",
    "text between records": "<r><a/>t<a/></r>",
    "text after the records": "<r><a/><a/>t</r>",
    "an entity between records": '<!DOCTYPE r [<!ENTITY e "x">]><r><a/>&e;<a/></r>',
    "another element between": "<r><a/><b/><a/></r>",
    "another element after": "<r><a/><a/><b/></r>",
    "another element before": "<r><b/><a/><a/></r>",
    "the same tag, another prefix": '<r><p:a xmlns:p="u"/><q:a xmlns:q="u"/></r>',
    "one record": "<r><a>1</a></r>",
    "no record": "<r> </r>",
    "an empty root": "<r/>",
    "not well-formed": "<r><a>1</a><a>2</r>",
    "an undeclared prefix": "<r><a>1</a><p:a>2</p:a></r>",
    "Latin-1": '<?xml version="1.0" encoding="ISO-8859-1"?><r><a>caf\xe9</a><a>y</a></r>',
}
XML_SETTINGS = [{}, {"indent": 0}, {"indent": 4, "sort_keys": True}]


def _xml_file(path: Path, text: str) -> Path:
    encoding = "latin-1" if "ISO-8859-1" in text else "utf-8"
    path.write_bytes(text.encode(encoding))
    return path


def _record_lines(data: dict[str, Any]) -> str:
    """The JSON Lines of an in-memory document {root: {name: [records]}}: one per record."""
    ((_, element),) = data.items()
    ((_, records),) = element.items()
    return "".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n" for record in records
    )


@pytest.mark.parametrize("name", list(XML_RECORD_LIKE))
@pytest.mark.parametrize("records", [1, formats_records.BATCH_RECORDS])
def test_record_like_xml_streams_the_in_memory_data(
    tmp_path: Path, small_chunks: Any, name: str, records: int
) -> None:
    small_chunks(formats_records.CHUNK_CHARS, records)
    source = _xml_file(tmp_path / "in.xml", XML_RECORD_LIKE[name])
    for settings in XML_SETTINGS:
        target = tmp_path / "out.json"
        count = stream_convert(source, target, "xml", "json", Options(**settings))
        expected = structconv.convert(source.read_bytes(), src="xml", to="json", **settings)
        assert target.read_bytes() == expected.text.encode(), settings
        assert count >= 2
    target = tmp_path / "out.jsonl"
    count = stream_convert(source, target, "xml", "jsonl", Options())
    expected = structconv.convert(source.read_bytes(), src="xml", to="json")
    assert target.read_text(encoding="utf-8") == _record_lines(expected.data)
    assert count == len(target.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("name", list(XML_NOT_RECORD_LIKE))
def test_xml_that_is_not_record_like_goes_to_the_in_memory_path(tmp_path: Path, name: str) -> None:
    source = _xml_file(tmp_path / "in.xml", XML_NOT_RECORD_LIKE[name])
    for target_format in ("json", "jsonl"):
        target = tmp_path / f"out.{target_format}"
        with pytest.raises(streaming.Unstreamable):
            stream_convert(source, target, "xml", target_format, Options())
        assert not target.exists()
    for settings in [{}, {"repair": "off"}, {"repair": "off", "indent": 0}]:
        try:
            expected = structconv.convert(source.read_bytes(), src="xml", to="json", **settings)
        except structconv.StructconvError:
            whole = _failure(
                structconv.convert,
                source.read_bytes(),
                src="xml",
                to="json",
                name=source,
                **settings,
            )
            target = tmp_path / "out.json"
            assert (
                _failure(structconv.convert_file, source, to="json", out=target, **settings)
                == whole
            )
            continue
        result = structconv.convert_file(source, to="json", out=tmp_path / "out.json", **settings)
        assert (tmp_path / "out.json").read_bytes() == expected.text.encode()
        assert result.records is None and result.fixes == expected.fixes


@pytest.mark.parametrize(
    "raw",
    [
        "<r><a>é</a><a/></r>".encode("utf-16"),
        "<r><a>é</a><a/></r>".encode("utf-16-le"),
        "<r><a>é</a><a/></r>".encode("utf-32"),
        '<?xml version="1.0" encoding="windows-1252"?><r><a>\xe9</a><a/></r>'.encode("cp1252"),
        '<?xml version="1.0" encoding="UTF-16"?><r><a/><a/></r>'.encode("utf-16"),
    ],
    ids=["UTF-16", "UTF-16 without BOM", "UTF-32", "windows-1252", "declared UTF-16"],
)
def test_xml_in_another_encoding_is_read_as_in_memory(tmp_path: Path, raw: bytes) -> None:
    """api.convert decodes the bytes itself; libxml2 must not decode them another way."""
    source = tmp_path / "in.xml"
    source.write_bytes(raw)
    target = tmp_path / "out.json"
    with pytest.raises(streaming.Unstreamable):
        stream_convert(source, target, "xml", "json", Options())
    try:
        expected = structconv.convert(raw, src="xml", to="json", repair="off").text
    except structconv.StructconvError:
        whole = _failure(structconv.convert, raw, src="xml", to="json", name=source, repair="off")
        assert (
            _failure(structconv.convert_file, source, to="json", out=target, repair="off") == whole
        )
        return
    structconv.convert_file(source, to="json", out=target, repair="off")
    assert target.read_text(encoding="utf-8") == expected


def test_json_lines_of_xml_records_convert_back_to_the_document(tmp_path: Path) -> None:
    text = (
        '<catalog><book id="1"><title>A &amp; B</title><tag>x</tag><tag>y</tag></book>'
        "<book><title>Plain</title></book><book>just text</book></catalog>"
    )
    source = _xml_file(tmp_path / "catalog.xml", text)
    result = structconv.convert_file(source, to="jsonl", out=tmp_path / "books.jsonl")
    assert result.records == 3 and result.text == ""
    lines = (tmp_path / "books.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"@id": "1", "title": "A & B", "tag": ["x", "y"]},
        {"title": "Plain"},
        "just text",
    ]
    back = structconv.convert_file(tmp_path / "books.jsonl", to="xml", root="catalog", item="book")
    assert structconv.convert(back.text, src="xml", to="json").data == (
        structconv.convert(text, src="xml", to="json").data
    )


def test_xml_streaming_keeps_the_readers_security_settings(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    text = (
        f'<!DOCTYPE r [<!ENTITY s SYSTEM "{secret.as_uri()}"><!ENTITY e "expanded">]>'
        "<r><a>&s;</a><a>&e;</a><a x='&e;'/></r>"
    )
    source = _xml_file(tmp_path / "in.xml", text)
    target = tmp_path / "out.jsonl"
    stream_convert(source, target, "xml", "jsonl", Options())
    written = target.read_text(encoding="utf-8")
    assert "SECRET" not in written and "&s;" in written
    assert written == _record_lines(structconv.convert(text, src="xml", to="json").data)
    laughs = "".join(f'<!ENTITY l{level} "{f"&l{level - 1};" * 10}">' for level in range(1, 10))
    bomb = _xml_file(
        tmp_path / "bomb.xml", f'<!DOCTYPE r [<!ENTITY l0 "ha">{laughs}]><r><a>&l9;</a><a/></r>'
    )
    with pytest.raises(streaming.Unstreamable):  # libxml2 refuses it: so does the in-memory path
        stream_convert(bomb, target, "xml", "jsonl", Options())
    whole = _failure(structconv.convert, bomb.read_bytes(), src="xml", to="json", name=bomb)
    assert "billion-laughs" in whole[1]
    assert _failure(structconv.convert_file, bomb, to="json", out=tmp_path / "bomb.json") == whole


def test_xml_depth_limits_as_in_memory(tmp_path: Path) -> None:
    def nested(levels: int) -> str:
        return "<r>" + ("<a>" * levels + "x" + "</a>" * levels) * 2 + "</r>"

    cases = [(10, {"max_depth": 12}), (11, {"max_depth": 12}), (300, {}), (250, {})]
    for levels, settings in cases:
        source = _xml_file(tmp_path / "in.xml", nested(levels))
        target = tmp_path / "out.json"
        try:
            expected = structconv.convert(
                source.read_bytes(), src="xml", to="json", repair="off", **settings
            ).text
        except structconv.ParseError:
            with pytest.raises(streaming.Unstreamable):
                stream_convert(source, target, "xml", "json", Options(**settings))
            whole = _failure(
                structconv.convert,
                source.read_bytes(),
                src="xml",
                to="json",
                name=source,
                **settings,
            )
            assert (
                _failure(structconv.convert_file, source, to="json", out=target, **settings)
                == whole
            )
            continue
        stream_convert(source, target, "xml", "json", Options(**settings))
        assert target.read_text(encoding="utf-8") == expected, levels


def _xml_records_file(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n<records>\n')
        for index in range(count):
            stream.write(
                f'  <record id="{index}" active="{index % 2 == 0}">\n'
                f"    <name>Zoë {index}</name>\n    <email>u{index}@example.com</email>\n"
                f"    <tags><tag>a</tag><tag>b{index % 7}</tag></tags>\n"
                f'    <address><city>Oslo</city><geo lat="59.9" lon="10.7"/></address>\n'
                f"    <note>say &quot;hi&quot; &amp; wave</note>\n  </record>\n"
            )
        stream.write("</records>\n")
    return path


_PEAK_SCRIPT = """
import sys
from structconv.options import Options
from structconv.streaming import stream_convert
count = stream_convert(sys.argv[1], sys.argv[2], "xml", "jsonl", Options())
status = open("/proc/self/status").read()
peak = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
print(count, int(peak.split()[1]) * 1024)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_xml_memory_stays_flat_in_the_input_size(tmp_path: Path) -> None:
    """libxml2's tree is not Python memory (tracemalloc cannot see it): the peak resident
    set of a fresh process (VmHWM, counted from its exec) is measured instead."""
    import subprocess
    import sys

    peaks = []
    for count in (5_000, 80_000):
        source = _xml_records_file(tmp_path / f"in-{count}.xml", count)
        done = subprocess.run(
            [sys.executable, "-c", _PEAK_SCRIPT, str(source), str(tmp_path / "out.jsonl")],
            capture_output=True,
            text=True,
            check=True,
        )
        written, peak = map(int, done.stdout.split())
        assert written == count
        peaks.append((source.stat().st_size, peak))
    (small_size, small_peak), (large_size, large_peak) = peaks
    assert large_size > 20_000_000
    growth = large_peak - small_peak
    # A tree of the whole input would grow by several times its size; a streamed one moves
    # by allocator noise only (up to about 1 MB seen between machines).
    assert growth < (large_size - small_size) / 5, (
        f"peak grew from {small_peak:,} to {large_peak:,} bytes for {large_size:,} bytes"
    )


def test_convert_file_streams_json_and_xml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    json_source = _write_text(tmp_path / "in.json", RECORD_ARRAYS[0])
    result = structconv.convert_file(json_source, to="csv", out=tmp_path / "out.csv")
    assert result.records == 2 and result.text == ""
    source = _xml_file(tmp_path / "in.xml", XML_RECORD_LIKE["attributes"])
    result = structconv.convert_file(source, to="json", out=tmp_path / "out.json")
    assert result.records == 2 and result.source_format == "xml"
    # Below DOCUMENT_STREAM_BYTES a document is read whole (same bytes, and text and data),
    # except XML -> JSON Lines, which only streaming writes.
    monkeypatch.setattr(planning, "DOCUMENT_STREAM_BYTES", 1 << 20)  # the default
    whole = structconv.convert_file(source, to="json", out=tmp_path / "whole.json")
    assert whole.records is None and whole.text.encode() == (tmp_path / "out.json").read_bytes()
    whole = structconv.convert_file(json_source, to="csv", out=tmp_path / "whole.csv")
    assert whole.records is None and whole.data == [
        {"id": "1", "name": "Ann", "addr": {"city": "Oslo"}},
        {"id": "2", "name": "Bob", "addr": {"city": "Köln"}},
    ]
    assert structconv.convert_file(source, to="jsonl", out=tmp_path / "out.jsonl").records == 2
    done = run_cli(["convert", str(source), "--to", "jsonl", "-o", str(tmp_path / "out.jsonl")])
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == (
        '{"@x":"1","#text":"t"}\n{"b":["1","2"],"c":""}\n'
    )


class _CountingText(str):
    """A chunk that counts the characters searched in it or copied with it: the work
    that grows with the text kept from earlier chunks when a line never ends."""

    work = 0

    def rfind(self, *arguments: Any) -> int:
        _CountingText.work += len(self)
        return super().rfind(*arguments)

    def __add__(self, other: str) -> str:
        _CountingText.work += len(self) + len(other)
        return str(self) + other

    def __radd__(self, other: str) -> str:
        _CountingText.work += len(self) + len(other)
        return other + str(self)


class _Chunks(io.StringIO):
    def __init__(self, chunks: list[str]) -> None:
        super().__init__()
        self.chunks = chunks

    def read(self, size: int | None = -1) -> str:
        return _CountingText(self.chunks.pop(0)) if self.chunks else ""


@pytest.mark.parametrize("chunks", [200, 400])
def test_a_line_without_end_is_not_searched_or_copied_again_at_each_chunk(
    chunks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV without a line break took quadratic time (100 MB: 36 s): each chunk was
    joined to all the text before it and the whole searched again."""
    monkeypatch.setattr(_CountingText, "work", 0)
    size = 1000
    stream = _Chunks(["x" * size] * chunks + ["\r\nlast"])
    lines = [line for batch in line_chunks(stream) for line in batch]
    assert lines == ["x" * size * chunks + "\r\n", "last"]
    assert _CountingText.work <= 2 * size * (chunks + 1)


def test_csv_tables_and_headerless_rows_give_the_in_memory_result(tmp_path: Path) -> None:
    """--table reads the whole file (tables are found before any is read); a JSON array
    of arrays, large enough to stream, is written as rows in memory."""
    assert not can_stream("csv", "json", Options(table=1))
    tables = tmp_path / "tables.csv"
    tables.write_text("a,b\nx,1\ny,2\n\nc,d,e\n3,4,5\n6,7,8\n", encoding="utf-8")
    out = tmp_path / "second.json"
    structconv.convert_file(tables, to="json", out=out, table=2)
    assert json.loads(out.read_text()) == [{"c": 3, "d": 4, "e": 5}, {"c": 6, "d": 7, "e": 8}]
    arrays = tmp_path / "rows.json"
    arrays.write_text(json.dumps([[i, f"name {i}"] for i in range(60_000)]), encoding="utf-8")
    assert arrays.stat().st_size > streaming.DOCUMENT_STREAM_BYTES
    written = tmp_path / "rows.csv"
    structconv.convert_file(arrays, to="csv", out=written)
    assert written.read_text().startswith("0,name 0\n1,name 1\n")


@pytest.mark.parametrize("text", ["a,b\n1,2\n3,4\r5,6", "a,b\n1,2\r3,4\r", "a\n1\r\r2"])
def test_lone_carriage_returns_after_the_last_line_feed_end_lines(
    tmp_path: Path, text: str
) -> None:
    """The text after a file's last \\n went to csv as one line: a \\r in it was "a new-line
    character seen in unquoted field" to the streaming reader (convert_file then read the
    file again in memory)."""
    source = tmp_path / "in.csv"
    source.write_bytes(text.encode())
    target = tmp_path / "out.json"
    expected = structconv.convert(text, src="csv", to="json")
    assert stream_convert(source, target, "csv", "json", Options()) == len(expected.data)
    assert target.read_bytes() == expected.text.encode()
