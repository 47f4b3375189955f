"""Bytes -> text. JSON and TOML must be UTF-8; CSV may be in a legacy encoding
(Shift_JIS/CP932, CP1252, ...), detected with charset-normalizer, preferring the code
pages spreadsheets save in, and reported in a note (`structconv.notes`);
XML follows its own declaration.
"""

from __future__ import annotations

import codecs

from structconv.errors import ParseError
from structconv.notes import note
from structconv.patterns import lazy_compile

# Byte order marks and the codecs that read (and drop) them, UTF-32 before UTF-16.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_DECLARATION = lazy_compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")

# Formats whose files are often written by spreadsheets in a local code page.
LEGACY_ALLOWED = frozenset({"csv"})
# Formats whose specification allows UTF-8 only, BOM or not (TOML 1.0: "must be UTF-8").
UTF8_ONLY = frozenset({"toml"})


def _bad_bytes(raw: bytes, error: UnicodeDecodeError, format: str) -> ParseError:
    offset = error.start
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return ParseError(
        f"invalid {error.encoding} byte {raw[offset : offset + 1]!r}",
        format=format,
        line=line,
        column=column,
        hint="save the file as UTF-8",
    )


def decode(raw: bytes, format: str | None) -> tuple[str, str]:
    """The text and the encoding it was read in."""
    for bom, name in BOMS:
        if raw.startswith(bom):
            if format in UTF8_ONLY and name != "utf-8-sig":
                raise ParseError(
                    f"the file starts with a {name.upper()} byte order mark; {format.upper()} files must be UTF-8",
                    format=format,
                    line=1,
                    column=1,
                    hint="save the file as UTF-8",
                )
            try:
                return raw.decode(name), name
            except UnicodeDecodeError as error:
                raise _bad_bytes(raw, error, format or "text") from None
    if format == "xml":
        declared = _XML_DECLARATION.match(raw)
        if declared:
            name = declared.group(1).decode("ascii")
            try:
                codecs.lookup(name)
                return raw.decode(name), name.lower()
            except (LookupError, UnicodeDecodeError):
                pass  # the XML parser reports the mismatch with its position
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if format is not None and format not in LEGACY_ALLOWED:
            raise _bad_bytes(raw, error, format) from None
        return _detect_legacy(raw, error, format)


# Kana and kanji (not half-width kana, which Korean bytes read as cp932 would give).
_JAPANESE_SCRIPT = lazy_compile("[\u3041-\u30ff\u4e00-\u9fff]")
# Characters no text file holds: C0 controls other than TAB, LF, CR, and the C1 block.
_CONTROL = lazy_compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEAR = 0.05  # readings whose "chaos" differs less than this are a tie
# The code pages that spreadsheets save in most (Excel on Western and on Japanese Windows),
# tried first in this order, each with the encodings it extends (a best guess among them
# is read in the code page: Excel writes Shift_JIS as CP932, whose NEC and IBM characters
# plain Shift_JIS lacks). Latin-1 text is CP1252 text: the two agree on every byte that
# is not a C1 control, and a file holding C1 controls is not Latin-1.
PREFERRED: dict[str, frozenset[str]] = {
    "cp1252": frozenset({"cp1252", "latin_1"}),
    "cp932": frozenset({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"}),
}
_SHOWN_ALTERNATIVES = 3


def _plausible(text: str, encoding: str) -> bool:
    if _CONTROL.search(text):
        return False
    return encoding != "cp932" or _JAPANESE_SCRIPT.search(text) is not None


def _western_punctuation(raw: bytes) -> tuple[str, str] | None:
    """The CP1252 reading when every non-ASCII character it gives is a space, a
    punctuation mark or a symbol (an acute accent, a curly apostrophe, an en dash, a
    pound sign, no-break spaces): such a file says nothing about its language, the
    detector has little to go on (it read an apostrophe written as an acute accent as
    iso8859_10's I with macron, and no-break spaces as Korean), and these bytes mean
    these marks in the code page Western spreadsheets write. Letters are left to the
    detector: "õ" or "ő" is a question of language it answers."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if not _plausible(text, "cp1252"):
        return None
    import unicodedata  # only for a file that is not UTF-8

    marks = {character for character in text if ord(character) > 127}
    if all(unicodedata.category(character)[0] in "PSZ" for character in marks):
        return text, "cp1252"
    return None


def _detect_legacy(raw: bytes, error: UnicodeDecodeError, format: str | None) -> tuple[str, str]:
    """The reading of a file that is not UTF-8, preferring the common spreadsheet code
    pages (PREFERRED) whenever charset-normalizer is unsure between them and others.

    Short or sparse legacy text leaves the detector unsure: it picks among near-equal
    code pages by small differences, reading CP1252 curly quotes as cp852 ("ôCelebrateö"),
    an acute accent as hp_roman8, no-break spaces as Korean, "crème" as cp1257's "crčme", and short
    Shift_JIS as cp949 (Korean) noise. A preferred code page wins when it decodes every
    byte to text without control characters (cp932: with Japanese script) and the
    detector lists a reading that gives that same text (the code page itself, or one that
    agrees on these bytes, as cp1250 does on curly quotes) within _NEAR of its best
    guess's "chaos". A code page it does not list at all it has ruled out (measured on
    chardet's corpus: Hungarian ISO-8859-2 read as CP1252 would turn "ő" into "õ").
    Korean text rarely decodes as cp932 at all, so a cp932 reading in Japanese script
    is taken to be the file's. Failing those, a file whose only non-ASCII characters
    would be CP1252 punctuation is read as CP1252 (`_western_punctuation`). The note
    (Result.notes) says that the encoding was guessed, and which near readings would
    give other text.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = matches.best()
    if best is None:
        raise _bad_bytes(raw, error, format or "text") from None
    near = [match for match in matches if match.chaos <= best.chaos + _NEAR]
    chosen: tuple[str, str] | None = None
    for encoding, family in PREFERRED.items():
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text, encoding) and (
            best.encoding in family
            or any(encoding in match.could_be_from_charset or str(match) == text for match in near)
        ):
            chosen = (text, encoding)
            break
    if chosen is None:
        chosen = _western_punctuation(raw)
    text, encoding = chosen or (str(best), best.encoding)
    others: list[str] = []
    for match in near:
        if len(others) < _SHOWN_ALTERNATIVES and str(match) != text:
            others.append(match.encoding)
    also = f"; other readings give other text: {', '.join(others)}" if others else ""
    note(
        "encoding",
        f"read as {encoding}: the file is not UTF-8, and its encoding was guessed{also} "
        "(check its accented letters and quotes, or save it as UTF-8)",
    )
    return text, encoding
