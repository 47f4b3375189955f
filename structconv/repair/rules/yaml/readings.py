"""The search over readings of broken YAML (repair/search.py's passes), the rules in
the order they are tried, and `repair`, the rules' entry point."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from structconv import frozen
from structconv.errors import ParseError
from structconv.fixes import Fix
from structconv.options import Options
from structconv.repair import provenance
from structconv.repair.edits import EditSession, LineIndex
from structconv.repair.rules import Patched, RuleOutcome
from structconv.repair.rules.yaml.duplicates import _duplicate_key, _guess_drops_a_value
from structconv.repair.rules.yaml.ids import (
    CLOSED,
    DUPLICATE_KEY,
    MISSING_COLON,
    STRAY,
    STRAY_INDENT,
    TAB_INDENTATION,
)
from structconv.repair.rules.yaml.indentation import _block_under_indented, _stray_indent
from structconv.repair.rules.yaml.proposals import _Alternative, _error_offset, _Proposal, _single
from structconv.repair.rules.yaml.quotes import (
    _quote_value,
    _unclosed_flow,
    _unclosed_quote,
    _unescaped_quote,
)
from structconv.repair.rules.yaml.scanner import (
    _CONFLICT_MARKER,
    _ENTRY,
    _MAX_PARSES,
    _MAX_READINGS,
    _MAX_WORK,
    _Scan,
)
from structconv.repair.rules.yaml.spacing import _colon_space, _tab_indentation, _tab_separator
from structconv.repair.search import (
    Budget,
    GiveUp,
    Outcome,
    Read,
    ambiguity,
    distinct,
    passes,
    read_strict,
)


@dataclass
class _Reading:
    history: list[_Alternative] = field(default_factory=list)
    confidence: float = 1.0
    descriptions: list[str] = field(default_factory=list)
    tab_width_chosen: bool = False  # one of several tab widths was taken
    strained: bool = False  # ... and the text still needed an indentation guess after it

    def then(self, alternative: _Alternative, forked: bool) -> _Reading:
        """This reading with `alternative` applied (one of several when `forked`)."""
        chosen = self.tab_width_chosen or (forked and alternative.rule == TAB_INDENTATION)
        return _Reading(
            [*self.history, alternative],
            min(self.confidence, alternative.confidence),
            [*self.descriptions, alternative.description] if forked else self.descriptions,
            chosen,
            self.strained or (self.tab_width_chosen and alternative.rule == STRAY_INDENT),
        )


def _session(original: str, history: Sequence[_Alternative]) -> EditSession:
    session = EditSession(original)
    for alternative in history:
        _apply(session, alternative)
    return session


def _apply(session: EditSession, alternative: _Alternative) -> None:
    for start, end, replacement, message in sorted(
        alternative.edits, key=lambda edit: (edit[0], edit[1]), reverse=True
    ):
        session.replace(start, end, replacement, alternative.rule, message)


@dataclass
class _Branch:
    """A reading being repaired: its text so far (built when first needed), and the
    reader's complaint about it when known."""

    reading: _Reading
    session: EditSession | None = None
    error: ParseError | None = None


def _search(
    text: str, error: ParseError, options: Options
) -> tuple[list[tuple[_Branch, Any]], _Proposal | None]:
    """Every reading that reads, with its data, and where the readings first forked."""
    forks: list[_Proposal] = []
    budget = Budget(runs=_MAX_PARSES, readings=_MAX_READINGS, work=_MAX_WORK)

    def advance(branch: _Branch) -> Read | list[_Branch]:
        session = branch.session = branch.session or _session(text, branch.reading.history)
        if branch.error is None:
            budget.read(session.text)
            data, branch.error = read_strict(session.text, "yaml", options)
            if branch.error is None:
                return Read(data)
        if not branch.error.repairable:
            return []
        proposal = _propose(session.text, branch.error)
        if proposal is None:
            return []
        first, *others = proposal.alternatives
        if others and not forks:
            forks.append(_located(proposal, session))
        forked = [_Branch(branch.reading.then(other, True)) for other in others]
        _apply(session, first)
        return [_Branch(branch.reading.then(first, bool(others)), session), *forked]

    done = passes(_Branch(_Reading(), None, error), advance, budget)
    return done, forks[0] if forks else None


def _located(proposal: _Proposal, session: EditSession) -> _Proposal:
    """The proposal with its line and column in the original text's coordinates."""
    if not session.changed:
        return proposal
    offset = LineIndex(session.text).offset(proposal.line, proposal.column)
    original = _original_offset(session, offset)
    line, column = LineIndex(session.original).line_column(original)
    return replace(proposal, line=line, column=column)


def _original_offset(session: EditSession, offset: int) -> int:
    """Where a current offset came from (the nearest original character before an insert)."""
    shift = 0
    for edit in session.edits():
        current_start = edit.start + shift
        if offset < current_start:
            break
        if offset < current_start + len(edit.replacement):
            return edit.start
        shift += len(edit.replacement) - (edit.end - edit.start)
    return max(0, min(offset - shift, len(session.original)))


def repair(text: str, error: ParseError, options: Options) -> RuleOutcome:
    """A repaired text, an Ambiguity, or None (see the module docstring for the rules)."""
    if not error.repairable or _CONFLICT_MARKER.search(text):
        return None
    try:
        found, fork = _search(text, error, options)
    except GiveUp:
        return None
    done = [(branch.reading, branch.session, data) for branch, data in found if branch.session]
    if not done:
        return None
    if any(reading.tab_width_chosen and not reading.strained for reading, _, _ in done):
        # A tab width under which the file still needs an indentation guess is not a
        # reading of it when another width fits as it stands.
        done = [entry for entry in done if not entry[0].strained]
    # A key the indentation guess itself repeated, with another value: dropping the
    # earlier value then is a loss the guess caused, not a duplicate the file has.
    done = [entry for entry in done if not _guess_drops_a_value(entry[1].fixes())]
    if not done:
        return None
    groups = distinct(done, lambda entry: entry[2])
    for group in groups:
        group.sort(key=lambda entry: -entry[0].confidence)
    if len(groups) == 1:  # one result: the pipeline validates it
        reading, session, _ = groups[0][0]
        return Patched(session.text, session.fixes(), reading.confidence)
    # Several results: keep, per result, the first reading that passes validation.
    strict = frozen.replace(options, repair="off")
    kept: list[Outcome[_Reading]] = []
    for group in groups:
        for reading, session, data in group:
            fixes = session.fixes()
            if provenance.check(text, data, fixes, "yaml", strict) is None:
                description = "; ".join(reading.descriptions) or "the repaired text"
                kept.append(Outcome(session.text, fixes, reading.confidence, description, reading))
                break
    if not kept:
        reading, session, _ = groups[0][0]
        return Patched(session.text, session.fixes(), reading.confidence)
    # A reading that has to drop a repeated key's earlier values (the indentation guess put
    # the key back into a mapping that already holds it) loses data that another keeps.
    fewest = min(_duplicates_dropped(outcome.fixes) for outcome in kept)
    kept = [outcome for outcome in kept if _duplicates_dropped(outcome.fixes) == fewest]
    if len(kept) == 1:
        return Patched(kept[0].text, kept[0].fixes, kept[0].confidence)
    assert fork is not None  # several results come from a fork
    return ambiguity("yaml", fork.line, fork.column, fork.question, kept)


def _duplicates_dropped(fixes: Sequence[Fix]) -> int:
    return sum(DUPLICATE_KEY in fix.rule.split("+") for fix in fixes)


def _propose(text: str, error: ParseError) -> _Proposal | None:
    """The first rule that recognises the breakage, and what it proposes."""
    scan = _Scan(text)
    offset = _error_offset(text, error)
    for rule in (
        _tab_indentation,
        _tab_separator,
        _colon_space,
        _duplicate_key,
        _unescaped_quote,
        _unclosed_quote,
        _unclosed_flow,
        _quote_value,
        _block_under_indented,
        _lost_colon,
        _stray_indent,
    ):
        proposal = rule(text, scan, error, offset)
        if proposal is not None:
            if rule is _stray_indent:
                return _or_missing_colon(text, scan, offset, proposal)
            return proposal
    return None


# The value may hold a colon that is no mapping indicator (`image mongo:4.2`).
_KEY_AND_VALUE_WITHOUT_COLON = re.compile(
    r"((?:- +)*)([A-Za-z_][\w.-]*)( +)[^\s:#](?:[^:#]|:(?=\S))*"
)
_KEY_ALONE = re.compile(r"((?:- +)*)([A-Za-z_][\w.-]*)")


def _or_missing_colon(text: str, scan: _Scan, offset: int | None, proposal: _Proposal) -> _Proposal:
    """A line that reads as a stray indentation may as well follow a `key value` line
    that lost its colon (`b 1` above `c: 2`): that reading is offered beside it."""
    if offset is None:
        return proposal
    line = scan.line_at(offset)
    previous = next(
        (
            scan.lines[number]
            for number in range(line.index - 1, -1, -1)
            if scan.lines[number].kind != "blank"
        ),
        None,
    )
    if previous is None or previous.kind != "content" or previous.lead > line.lead:
        return proposal
    end = previous.comment if previous.comment is not None else previous.end
    content = text[previous.content_start : end].rstrip()
    if previous.lead == line.lead:  # `b 1` above `c: 2`: `b: 1`
        match = _KEY_AND_VALUE_WITHOUT_COLON.fullmatch(content)
    else:  # `b` above more indented lines: `b:` holding them
        match = _KEY_ALONE.fullmatch(content)
        if match is not None and line.lead <= previous.lead + len(match.group(1)):
            match = None  # `- - a` over ` 0`: not below the key, so `a:` could not hold it
        earlier = next(
            (
                scan.lines[number]
                for number in range(previous.index - 1, -1, -1)
                if scan.lines[number].kind not in ("blank", "comment")
            ),
            None,
        )
        if earlier is not None and earlier.kind == "content" and earlier.lead < previous.lead:
            end = earlier.comment if earlier.comment is not None else earlier.end
            if _KEY_ALONE.fullmatch(text[earlier.content_start : end].rstrip()):
                match = None  # `this` + ` is` + `  x: 1`: words of one plain scalar, no keys
    if match is None:
        return proposal
    colon = previous.content_start + match.end(2)
    missing = _Alternative(
        ((colon, colon, ":", f"'{match.group(2)}' lost the colon after it: added"),),
        MISSING_COLON,
        STRAY,
        f"line {previous.number} is '{match.group(2)}: ...' without its colon",
    )
    return _Proposal(
        proposal.alternatives + (missing,),
        proposal.question or f"line {line.number}: an indentation slip, or a lost colon above",
        proposal.line,
        proposal.column,
    )


# `image mongo:4.2`: a name, spaces, one word (prose `shared by two pods` is no key's)
_KEY_SPACE_VALUE = re.compile(r"((?:- +)*)([A-Za-z_][\w.-]*)( +)([^\s#\"'&*!|>%@`][^\s#]*)")


def _lost_colon(text: str, scan: _Scan, error: ParseError, offset: int | None) -> _Proposal | None:
    """`image mongo:4.2` or a lone `expose` over its items, among the `key:` lines of a
    mapping (the line above it at its key column is one): the key lost its colon. Only
    the last line at the refused line's indentation or less, above it, is looked at."""
    if offset is None or not error.message.startswith(("simple key expect ':'", "could not find")):
        return None
    refused = scan.line_at(offset)
    content_lines = [line for line in scan.lines[: refused.index] if line.kind == "content"]
    at_end = not text[refused.content_start : refused.end].strip()  # (past the last line)
    candidates = [line for line in content_lines if at_end or line.lead <= refused.lead]
    if not candidates:
        return None
    line = candidates[-1]
    items_below = any(other.lead > line.lead for other in content_lines if other.index > line.index)
    end = line.comment if line.comment is not None else line.end
    content = text[line.content_start : end].rstrip()
    above = next(
        (
            other
            for other in reversed(content_lines)
            if other.index < line.index and other.lead <= line.lead
        ),
        None,
    )
    if above is None:
        return None
    above_end = above.comment if above.comment is not None else above.end
    above_content = text[above.content_start : above_end]
    dashes = re.match(r"(?:-[ \t]+)*", above_content)
    key_column = above.lead + (dashes.end() if dashes else 0)
    if key_column != line.lead or not _ENTRY.match(above_content[dashes.end() if dashes else 0 :]):
        return None
    if line.comment is not None:
        return None  # `this is #not a: key`: what the comment holds may be the line's
    if items_below:
        match = _KEY_ALONE.fullmatch(content)
    else:
        match = _KEY_SPACE_VALUE.fullmatch(content)
        if match is not None and ": " in match.group(4):
            match = None
    if match is None or match.group(1):
        return None
    colon = line.content_start + match.end(2)
    return _single(
        _Alternative(
            ((colon, colon, ":", f"'{match.group(2)}' lost the colon after it: added"),),
            MISSING_COLON,
            CLOSED,
            f"line {line.number} is '{match.group(2)}: ...' without its colon",
        ),
        line.number,
        match.end(2) + line.lead + 1,
    )
