"""Bytes -> text. JSON and TOML must be UTF-8; CSV may be in a legacy encoding
(Shift_JIS/CP932, CP1252, ...), detected with charset-normalizer and reported;
XML follows its own declaration.
"""

from __future__ import annotations

import codecs
import re

from structconv.errors import ParseError

# Byte order marks and the codecs that read (and drop) them, UTF-32 before UTF-16.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_DECLARATION = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")

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
_JAPANESE_SCRIPT = re.compile("[\u3041-\u30ff\u4e00-\u9fff]")
_NEAR = 0.05  # guesses whose "chaos" differs less than this are a tie


def _detect_legacy(raw: bytes, error: UnicodeDecodeError, format: str | None) -> tuple[str, str]:
    """charset-normalizer's best guess, except that among near-equal guesses the
    Western and the Japanese code pages win: short CP1252 text otherwise reads as
    cp1257 or cp1250, silently turning "crème" into "crčme", and short Shift_JIS text
    as cp949 (Korean) whose Hangul is noise. Korean text rarely decodes as cp932 at
    all (measured: it is not among the guesses), so a near-tie cp932 reading in
    Japanese script is taken to be the file's."""
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = matches.best()
    if best is None:
        raise _bad_bytes(raw, error, format or "text") from None
    for match in matches:
        if match.chaos > best.chaos + _NEAR:
            continue
        if match.encoding == "cp1252":
            return str(match), "cp1252"
        if match.encoding == "cp932" and _JAPANESE_SCRIPT.search(str(match)):
            return str(match), "cp932"
    return str(best), best.encoding
