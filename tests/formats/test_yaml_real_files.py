"""Real YAML files (tests/fixtures/real/yaml, sources in its SOURCES.md): CloudFormation
templates, Home Assistant and GitLab CI configurations, a compose file with merge keys.

Each reads; its data is ruamel.yaml's and PyYAML's reading with the tags other than the
core ones read as the tag convention says; YAML -> JSON -> YAML keeps the data and the
tags; `structconv normalize` keeps every tag and merge key as written; and
`structconv-check` passes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.nodes import ScalarNode, SequenceNode

from structconv import convert
from structconv.formats.yaml import CODEC
from structconv.formats.yaml_tags import key_of_tag
from structconv.hooks import check_main
from structconv.neutral import first_difference
from structconv.normalize import normalize_text
from structconv.options import Options

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "yaml"
FILES = sorted(path for path in FIXTURES.iterdir() if path.suffix in (".yaml", ".yml"))


def _tagged(constructor: Any, node: Any) -> dict[str, Any]:
    """A node with a tag other than the core ones, as the tag convention reads it."""
    if isinstance(node, ScalarNode | yaml.ScalarNode):
        value: Any = node.value
    elif isinstance(node, SequenceNode | yaml.SequenceNode):
        value = list(constructor.construct_sequence(node, deep=True))
    else:
        value = dict(constructor.construct_mapping(node, deep=True))
    tag = node.tag if isinstance(node.tag, str) else node.tag.value
    return {key_of_tag(tag): value}


class _RuamelConstructor(SafeConstructor):
    """A class of its own: a constructor registered on ruamel.yaml's classes would apply to
    every reader in the process (normalize's round-trip reader included)."""


_RuamelConstructor.add_multi_constructor(
    "!", lambda constructor, suffix, node: _tagged(constructor, node)
)


def ruamel_reading(text: str) -> Any:
    reader = YAML(typ="safe", pure=True)  # YAML 1.2
    reader.Constructor = _RuamelConstructor
    return reader.load(text)


class _PyYAMLReader(yaml.SafeLoader):
    pass


_PyYAMLReader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: _tagged(loader, node),  # type: ignore[arg-type]
)


def pyyaml_reading(text: str) -> Any:
    """YAML 1.1 (yes/no, 010): none of these files spells a value the two versions differ on."""
    return yaml.load(text, Loader=_PyYAMLReader)  # a SafeLoader subclass


def tags_of(text: str) -> Counter[str]:
    """Every tag of the text, with how often it is written (aliases not expanded)."""
    return Counter(
        event.tag
        for event in yaml.parse(text, Loader=yaml.CSafeLoader)
        if getattr(event, "tag", None) not in (None, "!")
    )


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_reads_as_ruamel_yaml_and_pyyaml_do(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = CODEC.loads(text, Options())
    assert first_difference(ruamel_reading(text), data) is None
    assert first_difference(pyyaml_reading(text), data) is None


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_yaml_json_yaml_keeps_the_data_and_the_tags(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    as_json = convert(text, src="yaml", to="json")
    back = convert(as_json.text, src="json", to="yaml").text
    assert first_difference(as_json.data, convert(back, src="yaml", to="json").data) is None
    assert set(tags_of(back)) == set(tags_of(text))
    assert first_difference(ruamel_reading(back), ruamel_reading(text)) is None


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_normalize_keeps_tags_and_merge_keys_as_written(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    normalized = normalize_text(text, "yaml")
    assert tags_of(normalized) == tags_of(text)
    assert normalized.count("<<: *") == text.count("<<: *")
    assert normalize_text(normalized, "yaml") == normalized


def test_structconv_check_passes_on_files_of_each_kind(capsys: pytest.CaptureFixture[str]) -> None:
    texts = [path.read_text(encoding="utf-8") for path in FILES]
    tags = sum((tags_of(text) for text in texts), Counter[str]())
    assert {"!Ref", "!GetAtt", "!Sub", "!If", "!secret", "!include", "!reference"} <= set(tags)
    assert sum("<<: *" in text for text in texts) >= 2
    assert check_main([str(path) for path in FILES]) == 0
    assert capsys.readouterr().err == ""
