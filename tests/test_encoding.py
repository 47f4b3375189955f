"""Bytes -> text (structconv.encoding): legacy code pages of real CSV files, guessed and said."""

from __future__ import annotations

from pathlib import Path

import pytest

from structconv import convert
from structconv.encoding import decode
from structconv.notes import collecting_notes

REAL = Path(__file__).parent / "fixtures" / "real" / "csv"
CP1252_FILES = sorted(REAL.glob("*_cp1252.csv"))


@pytest.mark.parametrize("path", CP1252_FILES, ids=[path.name for path in CP1252_FILES])
def test_real_cp1252_excerpts_read_as_cp1252(path: Path) -> None:
    """Short excerpts of published CSVs: the detector alone read some as cp1250 (same
    text, wrong name), mac_iceland, iso8859_10 or Korean (wrong text)."""
    raw = path.read_bytes()
    text, encoding = decode(raw, "csv")
    assert (text, encoding) == (raw.decode("cp1252"), "cp1252")


def test_real_shift_jis_excerpt_reads_as_cp932() -> None:
    raw = (REAL / "prefectures_cp932.csv").read_bytes()
    result = convert(raw, src="csv", to="json")
    assert result.encoding == "cp932"
    assert result.data[10] == {"コード": 11, "都道府県": "埼玉県", "県庁所在地": "さいたま市"}


def test_curly_quotes_in_cp1252_read_as_such_and_the_guess_is_noted() -> None:
    raw = "id,event\r\n1,“Celebrate” party\r\n2,Bob’s place\r\n".encode("cp1252")  # noqa: RUF001
    result = convert(raw, src="csv", to="json")
    assert result.encoding == "cp1252"
    assert result.data == [
        {"id": 1, "event": "“Celebrate” party"},
        {"id": 2, "event": "Bob’s place"},  # noqa: RUF001
    ]
    (note,) = result.notes
    assert note.startswith("read as cp1252: the file is not UTF-8, and its encoding was guessed")
    assert "other readings give other text: cp852" in note


def test_a_reading_the_detector_ruled_out_is_not_preferred() -> None:
    """Hungarian in ISO-8859-2: CP1252 decodes every byte too ("ő" as "õ"), but the
    detector does not list it; its own reading stands."""
    sentence = "Árvíztűrő tükörfúrógép, öt szép szűz lány őrült írót nyúz. "
    text = "sor,szöveg\r\n" + "".join(f'{i},"{sentence * 4}"\r\n' for i in range(20))
    decoded, encoding = decode(text.encode("iso-8859-2"), "csv")
    assert decoded == text
    assert encoding in ("iso8859_2", "cp1250")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("имя,город\nИван,Москва\nОльга,Казань\n", "cp1251"),  # noqa: RUF001
        ("이름,가격\n사과,100\n", "cp949"),
    ],
    ids=["cp1251", "cp949"],
)
def test_other_scripts_keep_their_code_page(text: str, codec: str) -> None:
    with collecting_notes() as notes:
        decoded, encoding = decode(text.encode(codec), "csv")
    assert decoded == text and encoding == codec
    assert notes["encoding"].startswith(f"read as {codec}")


def test_utf8_needs_no_guess() -> None:
    with collecting_notes() as notes:
        assert decode("a,b\n1,é\n".encode(), "csv") == ("a,b\n1,é\n", "utf-8")
    assert notes == {}
