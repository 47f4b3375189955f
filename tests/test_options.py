"""Options are checked however they are made: directly, from settings, or replaced."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from structconv import formats, frozen
from structconv.errors import UsageError
from structconv.names import REPAIR_MODES, Format
from structconv.options import Options

BAD = [
    ({"null": "bogus"}, "null must be error, drop or empty, not 'bogus'"),
    ({"repair": "maybe"}, "repair must be one of off, rules, auto, llm, not 'maybe'"),
    ({"delimiter": ";;"}, "delimiter must be one character other than a quote"),
    ({"delimiter": '"'}, "delimiter must be one character other than a quote"),
    ({"workers": 0}, "workers must be at least 1, not 0"),
    ({"min_confidence": 1.5}, "min_confidence must be within 0 and 1"),
    ({"toml_version": "0.5"}, "toml_version must be one of 1.0, 1.1, not '0.5'"),
    ({"yaml_tags": "ignore"}, "yaml_tags must be one of keep, drop, refuse"),
    ({"yaml_merge": "merge"}, "yaml_merge must be one of expand, keep"),
]


@pytest.mark.parametrize(("settings", "message"), BAD)
def test_a_bad_value_is_refused_however_options_are_made(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        Options(**settings)
    with pytest.raises(UsageError, match=message):
        Options.from_settings(settings)
    with pytest.raises(UsageError, match=message):
        frozen.replace(Options(), **settings)


def test_an_unknown_setting_names_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown setting\(s\): nul; known: .*null"):
        Options.from_settings({"nul": "drop"})


def test_good_values_are_kept() -> None:
    options = Options(null="drop", repair="rules", delimiter="\t", workers=2, toml_version="1.0")
    assert (options.null, options.repair, options.delimiter) == ("drop", "rules", "\t")


def test_the_literal_names_are_the_registry_and_the_modes() -> None:
    assert get_args(Format) == formats.FORMATS
    assert REPAIR_MODES == ("off", "rules", "auto", "llm")
