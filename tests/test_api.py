from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from structconv import (
    ParseError,
    Result,
    RoundTripError,
    UsageError,
    api,
    convert,
    convert_file,
)
from structconv.api import modules_for
from structconv.formats import Codec, get_codec


def test_convert_returns_a_result_with_text_and_data() -> None:
    result = convert('[{"a": 1}]', to="jsonl")
    assert isinstance(result, Result)
    assert result.text == '{"a":1}\n'
    assert (result.source_format, result.target_format) == ("json", "jsonl")


def test_unknown_setting_and_format_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown setting"):
        convert("{}", to="json", colour="blue")
    with pytest.raises(UsageError, match="unknown format"):
        convert("{}", to="ini")
    with pytest.raises(UsageError, match="null must be"):
        convert("{}", to="json", null="maybe")


def test_depth_limit_is_a_parse_error_with_the_way_out() -> None:
    deep = "[" * 600 + "]" * 600
    with pytest.raises(ParseError, match="max-depth"):
        convert(deep, src="json", to="json")
    assert convert(deep, src="json", to="json", max_depth=1000).data is not None


def test_size_limit_is_a_parse_error_with_the_way_out() -> None:
    with pytest.raises(ParseError, match="max-bytes"):
        convert('{"a": "' + "x" * 100 + '"}', src="json", to="json", max_bytes=50)


def test_bytes_must_be_utf8_for_json_and_the_error_has_a_position() -> None:
    with pytest.raises(ParseError) as caught:
        convert(b'{"a":\n "\xff"}', src="json", to="json")
    assert (caught.value.line, caught.value.column) == (2, 3)


def test_bom_is_accepted() -> None:
    assert convert(b'\xef\xbb\xbf{"a": 1}', to="json").data == {"a": 1}


def test_json_bytes_read_without_decoding_keep_the_strict_readers_checks() -> None:
    """A JSON file's bytes go to orjson undecoded; what it would read differently from
    the strict reader (a repeated key, an integer past 64 bits) and the limits still hold."""
    with pytest.raises(ParseError, match="duplicate key") as caught:
        convert(b'{"a": 1,\n "a": 2}', src="json", to="json", repair="off")
    assert caught.value.line == 2
    big = convert(b"[123456789012345678901234567890]", src="json", to="json").data
    assert big == [123456789012345678901234567890]
    deep = b"[" * 600 + b"]" * 600
    with pytest.raises(ParseError, match="max-depth"):
        convert(deep, src="json", to="json")
    with pytest.raises(ParseError, match="max-bytes"):
        convert(b'{"a": "' + b"x" * 100 + b'"}', src="json", to="json", max_bytes=50)


@pytest.mark.parametrize(
    ("text", "source_format"),
    [
        (b'{"compilerOptions": {"strict": true}, "url": "https://example.com//x"}', "json"),
        (b'{"compilerOptions": {"strict": true}, // on\n}', "jsonc"),
        (b'{"compilerOptions": {"strict": true,},}', "jsonc"),
    ],
)
def test_a_jsonc_file_named_json_is_read_as_jsonc_only_where_it_uses_jsonc(
    tmp_path: Path, text: bytes, source_format: str
) -> None:
    source = tmp_path / "tsconfig.json"
    source.write_bytes(text)
    result = convert_file(source, to="json")
    assert result.source_format == source_format
    assert result.data["compilerOptions"] == {"strict": True}


def test_verification_catches_a_writer_that_loses_data(monkeypatch: pytest.MonkeyPatch) -> None:
    json_codec = get_codec("json")
    lossy = Codec(
        name="json",
        suffixes=json_codec.suffixes,
        loads=json_codec.loads,
        represent=json_codec.represent,
        dumps=lambda data, options: json_codec.dumps({**data, "a": 2}, options),
        reread=json_codec.reread,
    )
    monkeypatch.setattr("structconv.formats.json.CODEC", lossy)
    with pytest.raises(RoundTripError, match=r"\$\.a"):
        convert('{"a": 1}', src="json", to="json")
    assert convert('{"a": 1}', src="json", to="json", verify=False).data == {"a": 1}


def test_convert_file_writes_atomically_and_names_the_file_in_errors(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text('{"a": 1}')
    out = tmp_path / "out.jsonl"
    out.write_text("previous")
    with pytest.raises(Exception, match="JSON Lines"):
        convert_file(source, to="jsonl", out=out)
    assert out.read_text() == "previous"
    bad = tmp_path / "bad.json"
    bad.write_text("{,}")
    with pytest.raises(ParseError) as caught:
        convert_file(bad, to="json", out=out)
    assert caught.value.source == str(bad)
    assert out.read_text() == "previous"


def test_convert_file_writes_the_json_writers_bytes_without_encoding_the_text_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.yaml"
    source.write_text("名前: 山田\nscore: 1.5\n", encoding="utf-8")
    written: list[str | bytes] = []
    monkeypatch.setattr(api, "write_atomic", lambda target, text: written.append(text))
    result = convert_file(source, to="json", out=tmp_path / "out.json")
    assert written == [result.text.encode()]
    assert isinstance(written[0], bytes)  # the writer's own bytes, not an encode of the text


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        convert_file(tmp_path / "nope.json", to="json")


def test_a_streamed_csv_with_two_header_rows_is_reviewed_like_one_read_whole(
    tmp_path: Path,
) -> None:
    """convert_file to a file streams CSV; a head that reads differently once reviewed
    (two header rows) goes through the in-memory path instead, so both agree."""
    source = Path(__file__).parent / "golden" / "malformed" / "csv" / "gsheets_year_groups.csv"
    whole = convert(source.read_bytes(), src="csv", to="json")
    assert whole.fixes
    streamed = convert_file(source, to="json", out=tmp_path / "out.json")
    assert streamed.fixes == whole.fixes
    assert json.loads((tmp_path / "out.json").read_text()) == json.loads(whole.text)
    strict = convert_file(source, to="json", out=tmp_path / "strict.json", repair="off")
    assert strict.records is not None and not strict.fixes


@pytest.mark.parametrize("second", ["大阪", "合計", "りんご"])
def test_short_shift_jis_reads_as_japanese_not_korean(second: str) -> None:
    text = f"店舗,売上\n{second},100\n"
    result = convert(text.encode("cp932"), src="csv", to="json")
    assert result.encoding == "cp932"
    assert result.data == [{"店舗": second, "売上": 100}]


def test_korean_stays_korean() -> None:
    text = "이름,가격\n사과,100\n"
    result = convert(text.encode("cp949"), src="csv", to="json")
    assert result.encoding == "cp949" and result.data == [{"이름": "사과", "가격": 100}]


def test_modules_for_names_what_the_batch_formats_need() -> None:
    modules = modules_for(["a.csv", "b/c.YML", "notes.txt"], "toml")
    assert modules == [
        "structconv.comments.carrying",  # YAML's comments go to TOML with their keys
        "structconv.formats.csv",
        "structconv.formats.json",  # what TOML's writer needs, and its reader not
        "structconv.formats.toml",
        "structconv.formats.toml_writer",
        "structconv.formats.yaml",
        "structconv.repair.pipeline",
        "structconv.repair.rules.csv",
        "structconv.streaming",
        "tomlkit",
        "yaml",
    ]
    assert modules_for(["a.json"], "json") == ["structconv.formats.json", "structconv.streaming"]


# Converts one file of each format after importing only what modules_for names, then
# lists the modules the conversions still imported.
_FIRST_USE = """
import importlib, json, sys
from structconv.api import convert_file, modules_for
sources, target, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
for name in modules_for(sources, target):
    importlib.import_module(name)
before = set(sys.modules)
for index, source in enumerate(sources):
    convert_file(source, to=target, out=f"{out}/{index}.{target}", root="r")
print(json.dumps(sorted(set(sys.modules) - before)))
"""


@pytest.mark.parametrize("target", ["json", "toml", "xml"])
def test_modules_for_leaves_nothing_to_import_on_first_use(tmp_path: Path, target: str) -> None:
    texts = {
        "json": '{"a": [1, 2], "b": {"c": "x"}}',
        "yaml": "# c\na: [1, 2]\nb:\n  c: x\n",
        "toml": 'a = [1, 2]\n[b]\nc = "x"\n',
        "xml": "<r><a>1</a><a>2</a><b><c>x</c></b></r>",
        "csv": 'a,b\n1,"x, y"\n2,z\n',
    }
    sources = []
    for suffix, text in texts.items():
        path = tmp_path / f"in.{suffix}"
        path.write_text(text, encoding="utf-8")
        sources.append(str(path))
    out = tmp_path / "out"
    out.mkdir()
    completed = subprocess.run(
        [sys.executable, "-c", _FIRST_USE, json.dumps(sources), target, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    late = [name for name in json.loads(completed.stdout) if not name.startswith("encodings.")]
    assert late == []


def test_what_the_reader_noted_goes_with_its_reading_only() -> None:
    """The reader renames the blank names of `,2024,2025`; once review reads the two
    header rows as one, the renaming is not this reading's, and no note says it."""
    grouped = (
        ",2024,,2025,\nregion,sales,units,sales,units\nNorth,1,2,3,4\nSouth,5,6,7,8\nWest,9,1,2,3\n"
    )
    merged = convert(grouped, src="csv", to="json")
    assert merged.data[0]["2024"] == {"sales": 1, "units": 2}
    assert merged.notes == ()
    renamed = convert("id,x,x\n1,2,3\n", src="csv", to="json")
    assert renamed.notes and "'x' -> 'x_2'" in renamed.notes[0]
