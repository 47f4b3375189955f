"""Comments carried with their keys between YAML, TOML, JSONC and JSON5; the data never
changes, targets without comments get none, and what has no place is named in a note."""

from __future__ import annotations

from pathlib import Path

from structconv import convert
from structconv.formats import read
from structconv.options import Options

SERVICE_YAML = """\
# Service settings

name: app  # the name
# about servers
servers:
  # first server
  - host: a  # host a
    port: 1
  - host: b
block: |
  # text, not a comment
  more text
nested:
  # leading x
  x: 1
  y: "a # b"  # y's note
# footer
"""


# The list of tables last: written as `[[servers]]` tables, where comments have a place
# (before a plain value, the writer keeps the order with inline tables, which hold none).
SERVICE_YAML_TABLES_LAST = SERVICE_YAML.replace(
    "block: |\n  # text, not a comment\n  more text\n", ""
).replace("# about servers\n", "block: |\n  # text, not a comment\n  more text\n# about servers\n")


def test_yaml_to_toml_to_yaml_keeps_every_comment_with_its_key() -> None:
    toml = convert(SERVICE_YAML_TABLES_LAST, src="yaml", to="toml")
    assert toml.notes == ()
    assert '# Service settings\nname = "app" # the name\n' in toml.text
    assert '# about servers\n# first server\n[[servers]]\nhost = "a" # host a\n' in toml.text
    assert '[nested]\n# leading x\nx = 1\ny = "a # b" # y\'s note\n# footer\n' in toml.text
    back = convert(toml.text, src="toml", to="yaml")
    assert back.data == read(SERVICE_YAML_TABLES_LAST, "yaml", Options())
    assert "servers:\n  # about servers\n  # first server\n  - host: a  # host a\n" in back.text
    assert 'nested:\n  # leading x\n  x: 1\n  y: "a # b"  # y\'s note\n# footer\n' in back.text
    for comment in ("Service settings", "the name", "about servers", "first server", "host a"):
        assert back.text.count(f"# {comment}\n") == 1


def test_comments_inside_inline_tables_are_named_in_a_note() -> None:
    toml = convert(SERVICE_YAML, src="yaml", to="toml")
    assert "servers = [\n" in toml.text  # kept before `block` as inline tables
    assert toml.notes == (
        "2 comment(s) have no place in toml and were left out: $.servers[0].host, $.servers[0]",
    )


def test_yaml_to_jsonc_and_back() -> None:
    jsonc = convert(SERVICE_YAML, src="yaml", to="jsonc")
    assert jsonc.text.startswith('// Service settings\n{\n  "name": "app", // the name\n')
    assert (
        '  // about servers\n  "servers": [\n    // first server\n    {\n      "host": "a", // host a\n'
        in jsonc.text
    )
    assert jsonc.text.endswith('    "y": "a # b" // y\'s note\n  }\n}\n// footer\n')
    assert read(jsonc.text, "jsonc", Options()) == read(SERVICE_YAML, "yaml", Options())
    back = convert(jsonc.text, src="jsonc", to="yaml")
    assert back.text.startswith(
        "# Service settings\nname: app  # the name\n# about servers\nservers:\n"
    )


def test_jsonc_to_yaml_from_a_real_file() -> None:
    path = Path(__file__).parent / "formats" / "fixtures" / "jsonc" / "vscode-extension-samples"
    settings = path / "configuration-sample" / ".vscode" / "settings.json"
    result = convert(settings.read_bytes(), to="yaml", name=settings)
    assert result.source_format == "jsonc"
    assert result.text == (
        "# Place your settings in this file to overwrite default and user settings.\n"
        "files.exclude:\n"
        '  out: false  # set this to true to hide the "out" folder with the compiled JS files\n'
        "search.exclude:\n"
        '  out: true  # set this to false to include "out" folder in search results\n'
        'typescript.tsdk: "./node_modules/typescript/lib"  # we want to use the TS server from'
        " our node_modules folder to control its version\n"
        'typescript.tsc.autoDetect: "off"\n'
        "editor.insertSpaces: false\n"
    )


def test_only_targets_with_comments_get_them() -> None:
    text = "# head\n- a: 1  # one\n  b: 2  # two\n"
    assert convert(text, src="yaml", to="toml", root="rows").text.startswith("# head\n")
    for target in ("json", "csv", "xml"):
        result = convert(text, src="yaml", to=target, root="doc")
        assert "head" not in result.text and "one" not in result.text, target


def test_hash_signs_inside_strings_and_block_scalars_are_text() -> None:
    text = "a: \"x # y\"\nb: |\n  # body\nc: '#'  # real\n"
    assert convert(text, src="yaml", to="toml").text == (
        'a = "x # y"\nb = "# body\\n"\nc = "#" # real\n'
    )


def test_a_comment_without_a_place_is_named_in_a_note() -> None:
    text = "a: 1\nb: null  # gone with its key\n"
    result = convert(text, src="yaml", to="toml", null="drop")
    assert result.text == "a = 1\n"
    assert result.notes == ("1 comment(s) have no place in toml and were left out: $.b",)


def test_comments_inside_a_toml_array_are_named_in_a_note() -> None:
    text = "ports = [\n  80,  # http\n  443,\n]\n"
    result = convert(text, src="toml", to="yaml")
    assert result.text == "ports:\n  - 80\n  - 443\n"
    assert result.notes == ("comments inside $.ports were left out (only entries carry comments)",)


def test_yaml_to_yaml_keeps_comments_too() -> None:
    text = "# head\nkey: value  # note\n"
    assert convert(text, src="yaml", to="yaml").text == text
