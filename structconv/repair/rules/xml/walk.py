"""The walk token by token, the search over its choices (repair/search.py's replay),
and `repair`, the rules' entry point."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from structconv.errors import ParseError
from structconv.options import Options
from structconv.repair.edits import LineIndex, apply_edits
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.rules.xml.elements import _Item, _Open
from structconv.repair.rules.xml.end_tags import _EndTags
from structconv.repair.rules.xml.ids import (
    ATTRIBUTE_QUOTE,
    ATTRIBUTE_SPACING,
    COMMENT_DOUBLE_HYPHEN,
    DECLARATION_POSITION,
    DECLARATION_QUOTES,
    DOCTYPE_KEYWORD,
    DUPLICATE_ATTRIBUTE,
    EXTRA_DECLARATION,
    STRAY_TEXT,
    UNQUOTED_ATTRIBUTE,
)
from structconv.repair.rules.xml.tokenizer import (
    _DECLARED_ENCODING,
    _DECLARED_STANDALONE,
    _DECLARED_VERSION,
    _ENTITY_DECLARATION,
    _EXTERNAL_DTD,
    _GOOD_DECLARATION,
    _MAX_CANDIDATES,
    _MAX_WALKS,
    _NAME_RE,
    _PARAMETER_REFERENCE,
    _SPACE,
    _tokens,
    _Unrepairable,
)
from structconv.repair.search import (
    Budget,
    Choices,
    GiveUp,
    Outcome,
    ambiguity,
    distinct,
    read_strict,
    replay,
)
from structconv.repair.spelling import typographic_inner

if TYPE_CHECKING:
    from structconv.repair.rules.xml.tokenizer import _Token


class _Walk(_EndTags):
    """One walk over the tokens, with the choices made so far; the edits it needs."""

    # -------------------------------------------------- tokens

    def run(self) -> None:
        last = len(self.tokens) - 1
        for index, token in enumerate(self.tokens):
            if token.kind == "truncated" and index != last:
                raise _Unrepairable("markup cut short")
            getattr(self, f"on_{token.kind}")(token)
            if token.kind != "text":
                self.only_text_so_far = False
            elif self.text[token.start : token.end].strip(_SPACE):
                self.text_before = True
        self.at_end()

    def before_root(self) -> bool:
        return not self.roots and not self.root_open

    def on_text(self, token: _Token) -> None:
        blank = not self.text[token.start : token.end].strip(_SPACE)
        if self.stack:
            if not blank:
                self.stack[-1].items.append(_Item(token.start, token.end))
            self.changes.extend(self.references(token.start, token.end, None))
        elif not blank:
            where = "before the root element" if self.before_root() else "after the root element"
            self.change(
                token.start,
                token.end,
                "",
                STRAY_TEXT,
                f"text {where} (not part of the document) removed",
                0.7,
            )

    def on_cdata(self, token: _Token) -> None:
        if self.stack:
            self.stack[-1].items.append(_Item(token.start, token.end))
        else:
            self.change(
                token.start,
                token.end,
                "",
                STRAY_TEXT,
                "CDATA section outside the root element removed",
                0.7,
            )

    def on_comment(self, token: _Token) -> None:
        if token.broken:
            self.change(
                token.start,
                token.end,
                "",
                COMMENT_DOUBLE_HYPHEN,
                "comment holding '--' (not allowed in XML) removed; comments are not data",
                0.99,
            )

    def on_pi(self, token: _Token) -> None:
        return None

    def on_truncated(self, token: _Token) -> None:
        return None  # the end of the text: at_end decides

    def on_declaration(self, token: _Token) -> None:
        prologue = self.before_root() and self.only_text_so_far
        if not prologue:
            self.change(
                token.start,
                token.end,
                "",
                EXTRA_DECLARATION if not self.before_root() else DECLARATION_POSITION,
                "XML declaration not at the start of the document (a concatenated document) removed",
                0.99,
            )
            return
        if token.start > 0 and self.text[: token.start] != "\ufeff" and not self.text_before:
            begin = 1 if self.text.startswith("\ufeff") else 0
            self.change(
                begin,
                token.start,
                "",
                DECLARATION_POSITION,
                "whitespace before the XML declaration (it must come first) removed",
                0.99,
            )
        declaration = self.text[token.start : token.end]
        if _GOOD_DECLARATION.fullmatch(declaration):
            return
        version = _DECLARED_VERSION.search(declaration)
        encoding = _DECLARED_ENCODING.search(declaration)
        standalone = _DECLARED_STANDALONE.search(declaration)
        rebuilt = f'<?xml version="{version.group(1) if version else "1.0"}"'
        if encoding:
            rebuilt += f' encoding="{encoding.group(1)}"'
        if standalone:
            rebuilt += f' standalone="{standalone.group(1)}"'
        rebuilt += "?>"
        self.change(
            token.start,
            token.end,
            rebuilt,
            DECLARATION_QUOTES,
            "malformed XML declaration rewritten from what it declares",
            0.95,
        )

    def on_doctype(self, token: _Token) -> None:
        if not self.before_root():
            self.change(
                token.start,
                token.end,
                "",
                EXTRA_DECLARATION,
                "DOCTYPE after the root element (a concatenated document) removed",
                0.99,
            )
            return
        doctype = self.text[token.start : token.end]
        self.declared.update(_ENTITY_DECLARATION.findall(doctype))
        # Entities declared outside the text (an external DTD, parameter entities) are
        # unknown here: references are left as the reader leaves them.
        self.external_dtd = self.external_dtd or bool(
            _EXTERNAL_DTD.match(doctype) or _PARAMETER_REFERENCE.search(doctype)
        )
        if token.broken:
            self.change(
                token.start + 2,
                token.start + 9,
                "DOCTYPE",
                DOCTYPE_KEYWORD,
                "DOCTYPE keyword written in upper case (XML is case-sensitive)",
                0.99,
            )

    def on_start(self, token: _Token) -> None:
        self.attribute_fixes(token)
        if not self.stack:
            if token.self_closing:
                self.roots.append((token.start, token.end))
            else:
                self.root_open = True
        if token.self_closing:
            if self.stack:
                self.stack[-1].items.append(_Item(token.start, token.end, token.name))
            return
        self.stack.append(_Open(token.name, token))

    def attribute_fixes(self, token: _Token) -> None:
        seen: dict[str, str] = {}
        for attribute in token.attributes:
            if attribute.name in seen:
                if seen[attribute.name] != attribute.value:
                    raise _Unrepairable(
                        f"the attribute {attribute.name!r} twice, with different values"
                    )
                end = attribute.value_start + len(attribute.value) + (1 if attribute.quote else 0)
                start = attribute.name_start
                while start > token.start and self.text[start - 1] in _SPACE:
                    start -= 1
                self.change(
                    start,
                    end,
                    "",
                    DUPLICATE_ATTRIBUTE,
                    f"attribute {attribute.name!r} given twice with the same value: the second removed",
                    0.9,
                )
                continue
            seen[attribute.name] = attribute.value
            if not attribute.spaced:
                self.change(
                    attribute.name_start,
                    attribute.name_start,
                    " ",
                    ATTRIBUTE_SPACING,
                    "space inserted between attributes",
                    0.99,
                )
            value_end = attribute.value_start + len(attribute.value)
            if attribute.lost:
                at = attribute.value_start if attribute.lost == "open" else value_end
                self.change(
                    at,
                    at,
                    attribute.quote,
                    ATTRIBUTE_QUOTE,
                    f"the value of attribute {attribute.name!r} lost its {attribute.lost}ing "
                    f"quote: {attribute.quote} added",
                    0.85,
                )
            if attribute.quote:
                self.changes.extend(
                    self.references(attribute.value_start, value_end, attribute.quote)
                )
                continue
            quoted = typographic_inner(attribute.value)
            if quoted is not None:  # `a=“x”`: the typographic quotes stand for '"'
                self.change(
                    attribute.value_start,
                    attribute.value_start + 1,
                    '"',
                    UNQUOTED_ATTRIBUTE,
                    f"typographic quotes of attribute {attribute.name!r} replaced by '\"'",
                    0.95,
                )
                self.changes.extend(self.references(attribute.value_start + 1, value_end - 1, '"'))
                self.change(
                    value_end - 1,
                    value_end,
                    '"',
                    UNQUOTED_ATTRIBUTE,
                    f"typographic quotes of attribute {attribute.name!r} replaced by '\"'",
                    0.95,
                )
                continue
            inner = self.references(attribute.value_start, value_end, '"')
            value = attribute.value
            for fix in sorted(inner, key=lambda fix: -fix.start):
                offset = fix.start - attribute.value_start
                value = value[:offset] + fix.replacement + value[fix.end - attribute.value_start :]
            self.change(
                attribute.value_start,
                value_end,
                f'"{value}"',
                UNQUOTED_ATTRIBUTE,
                f"unquoted value of attribute {attribute.name!r} quoted"
                + ("; " + "; ".join(fix.message for fix in inner) if inner else ""),
                min([0.95, *(fix.confidence for fix in inner)]),
            )


def _walks(text: str, options: Options) -> list[_Walk]:
    """Every walk the choices lead to (the first takes the first reading everywhere)."""
    begin = 1 if text.startswith("\ufeff") else 0
    tokens = _tokens(text, begin)
    wrapper = options.root if options.root and _NAME_RE.fullmatch(options.root) else "root"

    def walk(choices: Choices) -> _Walk:
        walk = _Walk(text, tokens, choices, wrapper)
        walk.run()
        return walk

    return [walk for walk, _ in replay(walk, Budget(runs=_MAX_WALKS, readings=_MAX_CANDIDATES))]


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """Repair the whole text in one walk (several when a choice gives different data)."""
    try:
        walks = _walks(text, options)
    except (_Unrepairable, GiveUp):
        return None
    readings: list[tuple[Outcome[_Walk], Any]] = []
    for walk in walks:
        if not walk.changes:
            continue
        patched, fixes = apply_edits(text, [change.edit for change in walk.changes])
        data, problem = read_strict(patched, "xml", options)
        if problem is None:
            description = "; ".join(dict.fromkeys(walk.choices.taken.values()))
            confidence = min(change.confidence for change in walk.changes)
            readings.append((Outcome(patched, fixes, confidence, description, walk), data))
    groups = distinct(readings, lambda reading: reading[1])
    if not groups:
        return None
    decisions = walks[0].decisions
    if len(groups) == 1 or not decisions:
        first = groups[0][0][0]
        return Patched(first.text, first.fixes, first.confidence)
    line, column = LineIndex(text).line_column(decisions[0].offset)
    return ambiguity("xml", line, column, decisions[0].message, [group[0][0] for group in groups])
