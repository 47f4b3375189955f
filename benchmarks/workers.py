"""The conversions the benchmarks time in a fresh process each: structconv's, the floors'
and the Python peers'.

    python benchmarks/workers.py NAME SRC DST [SETTINGS_JSON]

A small script of its own, importing only what each worker needs, so that a row's time
is its own work plus Python's start: the workers used to run as `--worker` of
convert_bench.py and streaming_bench.py, whose compilation and imports (argparse, csv,
dataclasses, platform, ...) added about 0.1 s to every floor's run and to structconv's
alike, which brought each ratio closer to 1.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _structconv(src: str, dst: str, settings: dict[str, Any]) -> None:
    from structconv import convert_file

    to = settings.pop("to")
    convert_file(src, to=to, out=dst, **settings)


def _stream_convert(src: str, dst: str, settings: dict[str, Any]) -> None:
    from pathlib import Path

    from structconv.options import Options
    from structconv.streaming import stream_convert

    to = settings.pop("to")
    source_format = settings.pop("src")
    stream_convert(Path(src), Path(dst), source_format, to, Options.from_settings(settings))


def _yaml_rs_orjson(src: str, dst: str, settings: dict[str, Any]) -> None:
    import orjson
    import yaml_rs

    with open(src, encoding="utf-8") as source:
        data = yaml_rs.loads(source.read())
    with open(dst, "wb") as out:
        out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def _pyyaml_json(src: str, dst: str, settings: dict[str, Any]) -> None:
    import json

    import yaml

    with open(src, "rb") as source:
        data = yaml.load(source, Loader=yaml.CSafeLoader)
    with open(dst, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)


def _orjson_yaml_rs(src: str, dst: str, settings: dict[str, Any]) -> None:
    import orjson
    import yaml_rs

    with open(src, "rb") as source:
        data = orjson.loads(source.read())
    with open(dst, "w", encoding="utf-8") as out:
        out.write(yaml_rs.dumps(data))


def _json_pyyaml(src: str, dst: str, settings: dict[str, Any]) -> None:
    import json

    import yaml

    with open(src, "rb") as source:
        data = json.loads(source.read())
    with open(dst, "w", encoding="utf-8") as out:
        yaml.dump(data, out, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)


def _tomllib_orjson(src: str, dst: str, settings: dict[str, Any]) -> None:
    import tomllib

    import orjson

    with open(src, encoding="utf-8") as source:
        data = tomllib.loads(source.read())
    with open(dst, "wb") as out:
        out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def _yaml_rs_tomlkit(src: str, dst: str, settings: dict[str, Any]) -> None:
    import tomlkit
    import yaml_rs

    with open(src, encoding="utf-8") as source:
        data = yaml_rs.loads(source.read())
    with open(dst, "w", encoding="utf-8") as out:
        out.write(tomlkit.dumps(data))


def _yaml_rs_tomli_w(src: str, dst: str, settings: dict[str, Any]) -> None:
    import tomli_w
    import yaml_rs

    with open(src, encoding="utf-8") as source:
        data = yaml_rs.loads(source.read())
    with open(dst, "w", encoding="utf-8") as out:
        out.write(tomli_w.dumps(data))


def element_data(element: Any) -> Any:
    """xmltodict's mapping: attributes as @name, text as #text, repeats as lists."""
    result: dict[str, Any] = {f"@{name}": value for name, value in element.attrib.items()}
    for child in element:
        value = element_data(child)
        if child.tag in result:
            existing = result[child.tag]
            if isinstance(existing, list):
                existing.append(value)
            else:
                result[child.tag] = [existing, value]
        else:
            result[child.tag] = value
    text = (element.text or "").strip()
    if not result:
        return text or None
    if text:
        result["#text"] = text
    return result


def _lxml_orjson(src: str, dst: str, settings: dict[str, Any]) -> None:
    import orjson
    from lxml import etree

    root = etree.parse(src).getroot()
    data = {root.tag: element_data(root)}
    with open(dst, "wb") as out:
        out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def _lxml_iterparse_jsonl(src: str, dst: str, settings: dict[str, Any]) -> None:
    """lxml iterparse + orjson: each <record> child of the root as one line, then freed."""
    import orjson
    from lxml import etree

    with open(dst, "wb") as out:
        for _, element in etree.iterparse(src, events=("end",), tag="record"):
            out.write(orjson.dumps(element_data(element)) + b"\n")
            element.clear(keep_tail=True)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]


def _csv_json(src: str, dst: str, settings: dict[str, Any]) -> None:
    import csv
    import json

    with open(src, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(dst, "w", encoding="utf-8") as out:
        json.dump(rows, out, ensure_ascii=False, indent=2)


def _csv_jsonl(src: str, dst: str, settings: dict[str, Any]) -> None:
    import csv
    import json

    with (
        open(src, encoding="utf-8", newline="") as handle,
        open(dst, "w", encoding="utf-8") as out,
    ):
        for row in csv.DictReader(handle):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


WORKERS: dict[str, Callable[[str, str, dict[str, Any]], None]] = {
    "structconv": _structconv,
    "stream_convert": _stream_convert,
    "yaml_rs_orjson": _yaml_rs_orjson,
    "pyyaml_json": _pyyaml_json,
    "orjson_yaml_rs": _orjson_yaml_rs,
    "json_pyyaml": _json_pyyaml,
    "tomllib_orjson": _tomllib_orjson,
    "yaml_rs_tomlkit": _yaml_rs_tomlkit,
    "yaml_rs_tomli_w": _yaml_rs_tomli_w,
    "lxml_orjson": _lxml_orjson,
    "lxml_iterparse_jsonl": _lxml_iterparse_jsonl,
    "csv_json": _csv_json,
    "csv_jsonl": _csv_jsonl,
}


def command(name: str, src: str, dst: str, settings: dict[str, Any] | None = None) -> list[str]:
    """The command line that runs worker `name` in a fresh process."""
    import json
    import os

    return [sys.executable, os.path.abspath(__file__), name, src, dst, json.dumps(settings or {})]


def main(argv: list[str]) -> int:
    import json

    name, src, dst, settings = argv
    WORKERS[name](src, dst, json.loads(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
