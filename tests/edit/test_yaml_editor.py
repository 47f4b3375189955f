from __future__ import annotations

import pytest

from structconv.edit.core import delete_in_text, set_in_text
from structconv.edit.splice import EditRefused

TEXT = """\
# deployment
replicas: &n 2  # how many
image: 'nginx:1.25'
env:
  - name: A   # first
    value: "1"
  - {name: B, value: x}
script: |
  echo hi

labels:
  app: web
  tier: front
base: &base
  cpu: 1
worker:
  <<: *base
  memory: 2
ref: !Ref Bucket
"""


def changed(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_set_keeps_comment_anchor_and_quote_style() -> None:
    edit = set_in_text(TEXT, "replicas", 3, "yaml")
    assert changed(TEXT, edit.text) == [
        ("replicas: &n 2  # how many", "replicas: &n 3  # how many")
    ]
    edit = set_in_text(TEXT, "image", "nginx:1.27", "yaml")
    assert changed(TEXT, edit.text) == [("image: 'nginx:1.25'", "image: 'nginx:1.27'")]
    assert (edit.first_line, edit.last_line) == (3, 3)


def test_set_inside_block_and_flow_collections() -> None:
    edit = set_in_text(TEXT, "env[0].value", "2", "yaml")
    assert changed(TEXT, edit.text) == [('    value: "1"', '    value: "2"')]
    edit = set_in_text(TEXT, "env[1].value", "y z", "yaml")
    assert changed(TEXT, edit.text) == [("  - {name: B, value: x}", "  - {name: B, value: y z}")]


def test_a_string_that_would_read_as_another_type_is_quoted() -> None:
    edit = set_in_text(TEXT, "labels.tier", "true", "yaml")
    assert '  tier: "true"' in edit.text


def test_new_key_goes_at_the_end_of_its_mapping_at_its_indentation() -> None:
    edit = set_in_text(TEXT, "labels.owner", "team-a", "yaml")
    assert "  tier: front\n  owner: team-a\nbase: &base\n" in edit.text
    assert edit.text.count("\n") == TEXT.count("\n") + 1


def test_new_mapping_value_in_block_style_with_the_files_list_indentation() -> None:
    edit = set_in_text(TEXT, "labels.extra", {"a": [1, 2]}, "yaml")  # lists indented here
    assert "  tier: front\n  extra:\n    a:\n      - 1\n      - 2\nbase:" in edit.text
    flat = set_in_text("a:\n- 1\nb:\n  c: 1\n", "b.d", [2], "yaml")  # and not here
    assert flat.text == "a:\n- 1\nb:\n  c: 1\n  d:\n  - 2\n"


def test_delete_removes_the_entry_lines_only() -> None:
    edit = delete_in_text(TEXT, "labels.app", "yaml")
    assert "labels:\n  tier: front\n" in edit.text
    edit = delete_in_text(TEXT, "env[0]", "yaml")
    assert "env:\n  - {name: B, value: x}\n" in edit.text
    edit = delete_in_text(TEXT, "env[1].name", "yaml")
    assert "  - {value: x}\n" in edit.text


def test_replacing_a_block_scalar_keeps_the_blank_line_after_it() -> None:
    edit = set_in_text(TEXT, "script", "echo bye", "yaml")
    assert "script: echo bye\n\nlabels:" in edit.text


def test_anchored_node_used_by_an_alias_is_refused() -> None:
    with pytest.raises(EditRefused, match=r"anchored \(&base\)"):
        set_in_text(TEXT, "base.cpu", 4, "yaml")


def test_merged_key_is_overridden_by_set_and_refused_by_delete() -> None:
    edit = set_in_text(TEXT, "worker.cpu", 4, "yaml")
    assert "  memory: 2\n  cpu: 4\nref:" in edit.text
    with pytest.raises(EditRefused, match="merge key"):
        delete_in_text(TEXT, "worker.cpu", "yaml")


def test_a_tag_stays_when_the_path_steps_into_it() -> None:
    edit = set_in_text(TEXT, 'ref."!Ref"', "Other", "yaml")
    assert edit.text.endswith("ref: !Ref Other\n")


def test_documents_of_a_stream_are_named_by_index() -> None:
    stream = "a: 1\n---\na: 2  # second\n"
    edit = set_in_text(stream, "[1].a", 3, "yaml")
    assert edit.text == "a: 1\n---\na: 3  # second\n"
