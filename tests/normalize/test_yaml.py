"""YAML normalizer: ruamel.yaml round trip with spellings, comments and block text kept."""

from __future__ import annotations

import pytest

from structconv.errors import UsageError
from structconv.normalize import normalize_text
from structconv.normalize.settings import NormalizeSettings


def norm(text: str, **settings: object) -> str:
    return normalize_text(text, "yaml", NormalizeSettings(**settings))  # type: ignore[arg-type]


def test_indentation_becomes_consistent_and_comments_stay() -> None:
    # A comment after a value keeps its column, so comments aligned in a column stay so.
    text = "a:\n    b: 1   # why\n    # about c\n    c:\n    - x\n    - y\n"
    assert norm(text) == "a:\n  b: 1     # why\n  # about c\n  c:\n    - x\n    - y\n"


def test_sequences_unindented_when_configured() -> None:
    assert norm("c:\n  - x\n  - y\n", indent_sequences=False) == "c:\n- x\n- y\n"


def test_indent_below_two_is_a_usage_error_not_a_broken_file() -> None:
    # At indent 1 ruamel.yaml continues this string at column 1, which yaml-rs rejects.
    with pytest.raises(UsageError, match="indent >= 2"):
        norm("id: 'line\n\n  break'\n", indent=1)


@pytest.mark.parametrize(
    "text",
    [
        "id:  # nested\n- {}\n- null\n- null\n",  # found by hypothesis
        "id:\n# about id\n- {}\n- 1\n- x\n- y\n",
        "id:  # n\n- {}  # empty\n- 1\n- 'key: value'\n",
    ],
)
def test_an_empty_flow_mapping_first_in_a_commented_list_keeps_one_item_a_line(
    text: str,
) -> None:
    # ruamel.yaml alone wrote the third item's dash after the second (`- null -`).
    assert norm(text, indent_sequences=False) == text


def test_a_plain_key_of_several_words_is_never_folded_at_the_width() -> None:
    # ruamel.yaml alone wrote `a` and `b: null}` on two lines: a key readers reject.
    text = "a000: {id: null, a000: -10000, a b: null}\n"
    assert norm(text, width=20) == "a000: {id: null,\n    a000: -10000,\n    a b: null}\n"


def test_top_level_sequence_is_not_indented() -> None:
    text = "- a: 1\n  b:\n  - c\n- e\n"
    assert norm(text) == "- a: 1\n  b:\n    - c\n- e\n"


def test_plain_scalar_spellings_are_kept() -> None:
    text = "a: True\nb: ~\nc: +12\nd: .NaN\ne: 0x1F\nf:\ng: null\nh: 1.10\ni: no\n"
    assert norm(text) == text


def test_anchors_and_aliases_are_kept_on_scalars_and_collections() -> None:
    text = "base: &b {x: 1}\nn: &n 5\nuse: *b\nm: *n\n"
    assert norm(text) == text


def test_quote_styles_are_kept() -> None:
    text = "a: 'single'\nb: \"double\"\nc: plain\n"
    assert norm(text) == text


def test_trailing_spaces_go_except_inside_block_scalars() -> None:
    text = "a: 1   \nb: |\n  keep   \n  this\n# note   \n"
    assert norm(text) == "a: 1\nb: |\n  keep   \n  this\n# note\n"


def test_comment_at_end_of_nested_block_stays_in_the_block() -> None:
    text = "a:\n    b: 1\n    # last in a\nc: 2\n"
    assert norm(text) == "a:\n  b: 1\n  # last in a\nc: 2\n"


def test_documents_and_markers_are_kept() -> None:
    text = "---\na: 1\n---\n- 2\n"
    assert norm(text) == text


def test_comment_only_file_is_left_alone() -> None:
    assert norm("# nothing yet\n") == "# nothing yet\n"


def test_sort_keys_moves_comments_with_their_keys() -> None:
    text = "b: 2  # bee\na:\n  z: 1\n  y: 2\n"
    assert norm(text, sort_keys=True) == "a:\n  y: 2\n  z: 1\nb: 2  # bee\n"


def test_long_plain_scalars_fold_at_the_width() -> None:
    text = "k: " + " ".join(["word"] * 30) + "\n"
    result = norm(text, width=40)
    assert max(len(line) for line in result.splitlines()) <= 40
    assert norm(result, width=40) == result


def test_tags_and_merge_keys_are_kept_as_written() -> None:
    text = (
        "base: &base\n  image: app\n  restart: always\n"
        "web:\n  <<: *base\n  command: serve\n"
        "rules:\n  - <<: *base\n    when: never\n"
        "a: !Ref Bucket\n"
        "b: !Sub |\n  echo ${X}\n"
        "c: !GetAtt [Role, Arn]\n"
        "d: !If\n  - cond\n  - !Ref A\n  - !Ref AWS::NoValue\n"
        "e: !secret wifi_password\n"
        "f: !include_dir_named ../integrations\n"
        "g: !GetAZs ''\n"
        "h: !<tag:example.com,2000:app/x> 1\n"
    )
    assert norm(text) == text


def test_yaml_1_1_tags_are_kept() -> None:
    # ruamel.yaml alone wrote `!! binary` (another tag), then `!!%20binary`, and so on.
    assert norm("h: !!binary aGk=\n") == "h: !!binary 'aGk='\n"
    assert norm("h: !!binary |\n  aGk=\n") == "h: !!binary |\n  aGk=\n"
    assert norm("p: !!pairs\n  - a: 1\n  - a: 2\n") == "p: !!pairs\n  - a: 1\n  - a: 2\n"


def test_a_tagged_block_sequence_keeps_the_comments_in_and_after_it() -> None:
    # ruamel.yaml alone dropped both comments (the file was then refused).
    text = "a: !If\n  - x # why\n  - y\n\n# about b\nb: 1\n"
    assert norm(text) == text


def test_comment_lines_before_the_first_document_marker_are_kept() -> None:
    # ruamel.yaml alone dropped them: a license header (the file was then refused).
    text = "# Licensed to you\n#   under a license  \n\n---\nversion:   '3'\n"
    assert norm(text) == "# Licensed to you\n#   under a license\n\n---\nversion: '3'\n"


@pytest.mark.parametrize("indicator", [">", ">-"])
def test_more_indented_lines_of_a_folded_scalar_are_never_folded(indicator: str) -> None:
    """A Home Assistant template in a `>` scalar: its more-indented lines are kept as
    they are by YAML (no folding there), so breaking one at the width would change the
    text; ruamel.yaml broke them (`...Find shelter and` / `avoid going outside.`)."""
    line = "Severe winds are detected at {{ wind_speed | round }} mph. Find shelter and avoid going outside."
    text = (
        f"message: {indicator}\n"
        "  {% if wind_severity == 'severe' %}\n"
        f"    {line}\n"
        "  {% endif %}{{ garage_warning }}\n"
        "other: >\n"
        "  a folded paragraph keeps its folds\n"
        "  where the author put them\n"
    )
    assert normalize_text(text, "yaml") == text


def test_a_comment_left_shallower_than_the_lines_around_it_goes_with_the_next_line() -> None:
    """Re-indenting the sequences left a comment at its old column, shallower than the
    items around it (at column 0, or moving two columns left on every pass so that
    normalize never settled, in a Home Assistant dashboard); it takes the next item's."""
    text = (
        "cards:\n- type: stack\n  cards:\n  - type: a\n    name: A\n\n"
        "  # about b\n  - type: b\n    name: B\n# the end\n"
    )
    expected = (
        "cards:\n  - type: stack\n    cards:\n      - type: a\n        name: A\n\n"
        "      # about b\n      - type: b\n        name: B\n# the end\n"
    )
    assert normalize_text(text, "yaml") == expected
    assert normalize_text(expected, "yaml") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Parameters:\n  LowMemoryAlarmThreshold:\n    Description: Low memory alarm threshold."
        " Alert when memory falls below this value.  In bytes\n",
        'job:\n  script:\n    - echo "All files            |    99.3 |    97.91 |     100 |'
        '     100 |                   "\n',
    ],
    ids=["cloudformation", "gitlab-ci"],
)
def test_a_plain_scalar_is_never_folded_after_a_run_of_spaces(text: str) -> None:
    """ruamel.yaml moves a word that passes the width to the next line after writing the
    spaces before it, so a break after two spaces lost one (`value.  In bytes` read back
    as `value. In bytes`); a plain scalar holding such a run is written unbroken."""
    assert normalize_text(text, "yaml") == text


@pytest.mark.parametrize(
    "text",
    [
        "- id: x\n  action:\n    # Disable this\n    - service: a\n      entity_id: b\n",
        "- id: x\n  cards:\n  # Fallback\n  - type: entities\n    title: C\n",
    ],
    ids=["indented-sequence", "flush-sequence"],
)
def test_a_comment_opening_a_nested_block_settles_with_its_first_entry(text: str) -> None:
    """Home Assistant automations (a top-level list): a comment between `action:` and its
    first item moved between two columns on every pass, so normalize never settled; it
    takes the first item's indentation."""
    result = normalize_text(text, "yaml")
    lines = result.splitlines()
    comment = next(index for index, line in enumerate(lines) if line.lstrip().startswith("#"))
    assert lines[comment].index("#") == lines[comment + 1].index("-")
    assert normalize_text(result, "yaml") == result
