"""A plain hook line is read as the hook's argparse parser reads it; any other line is
left to that parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from structconv.hook_arguments import plain_line
from structconv.hooks import NORMALIZE_FLAGS, normalize_parser

SWITCHES = {flag.name for flag in NORMALIZE_FLAGS if flag.kind == "switch"} | {"--no-cache"}
NAMES = st.text(min_size=0, max_size=12).filter(lambda name: not name.startswith("-"))


def test_names_and_switches_are_told_apart() -> None:
    assert plain_line(["--no-cache", "a.yaml", "b c.json", ""], {"--no-cache"}) == (
        ["a.yaml", "b c.json", ""],
        {"--no-cache"},
    )
    assert plain_line([], {"--no-cache"}) == ([], set())


def test_anything_else_goes_to_the_parser() -> None:
    for line in (
        ["--indent", "4", "a.yaml"],  # a value
        ["--no-c", "a.yaml"],  # argparse's abbreviation
        ["-h"],
        ["--", "-a.yaml"],  # a name that starts with "-"
        ["-"],
        ["a.yaml", "--check", "b.yaml"],  # argparse refuses the second run of names
    ):
        assert plain_line(line, SWITCHES) is None, line


@given(st.lists(st.one_of(NAMES, st.sampled_from(sorted(SWITCHES))), max_size=8))
def test_a_plain_line_reads_as_argparse_reads_it(line: list[str]) -> None:
    plain = plain_line(line, SWITCHES)
    if plain is None:  # names, a switch, names: argparse refuses it (exit 2)
        with pytest.raises(SystemExit):
            normalize_parser().parse_args(line)
        return
    paths, given_switches = plain
    parsed = vars(normalize_parser().parse_args(line))
    assert parsed["filenames"] == paths
    for flag in NORMALIZE_FLAGS:
        if flag.kind == "switch":
            assert bool(parsed[flag.dest]) == (flag.name in given_switches)
    assert parsed["no_cache"] == ("--no-cache" in given_switches)
