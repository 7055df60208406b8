"""What happened, not only to which asset: "when did we last change the mech seal on P-101" asks for the newest
record *of a seal change*, not the newest record of P-101.

A planner that filters on the asset and sorts by date answers with whatever was done last (an oil analysis for
"the latest oil change on GB-401"). Here the question's own words that the table's text holds (seal, oil) and
the kind of work it names (change = replaced, renewed, fitted) must all be in a row for it to answer; when no row
has them, no row answers (the answer says none is recorded) rather than another job's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from copilot.tables.matching import stems

# words of the question form, not of what happened
_FORM = frozenset(
    "when did was were we last latest most recent time times the a an on of for at to in our it they you do does "
    "done have has had is are how many what which who history record records date day ever been get got any "
    "there here this that with and or come came back anything something worry worried about concern should need "
    "look looks like show tell".split())
# one kind of work, however the record words it
_SAME_WORK = (frozenset({"chang", "repla", "renew", "swap", "fit", "fitte", "insta"}),
              frozenset({"sampl", "analy"}))  # "the latest oil sample": the quarterly oil analysis
_DIGIT = re.compile(r"\d")


def _key(stem: str) -> str:
    return stem[:5]


def _words(text: str) -> set[str]:
    return {_key(s) for s in stems(text)}


def subject_terms(question: str, column_names: Iterable[str], text_values: Iterable[str]) -> list[tuple[str, frozenset[str]]]:
    """The question's words about what happened, each with the set of spellings that count for it. A word no text
    value of the table holds is kept (so no row matches) unless it only qualifies the held noun after it:
    "mech seal" looks for seal records, "coupling change" finds no coupling record rather than another job."""
    held: set[str] = set()
    for v in text_values:
        held |= _words(str(v))
    columns = set().union(*(_words(c.replace("_", " ")) for c in column_names)) if column_names else set()
    out: list[tuple[str, frozenset[str]]] = []
    words = re.findall(r"[a-z0-9]+", question.lower())
    for i, word in enumerate(words):
        alts = _alternatives(word, columns)
        if alts is None or any(alts == a for _w, a in out):
            continue
        if not alts & held:  # a word no record holds: a modifier of a held noun ("mech seal") is let go, else
            after = _alternatives(words[i + 1], columns) if i + 1 < len(words) else None  # it must match ("coupling")
            if after is not None and after & held and not any(after == g for g in _SAME_WORK):
                continue
        out.append((word, alts))
    return out


def _alternatives(word: str, columns: set[str]) -> frozenset[str] | None:
    """The spellings that count for ``word``, or None for a word of the question form, a number or a column."""
    (s,) = stems(word) or [""]
    k = _key(s)
    if s in _FORM or word in _FORM or _DIGIT.search(s) or len(s) < 3 or k in columns:
        return None
    return next((group for group in _SAME_WORK if k in group), frozenset({k}))


_CLAUSE = re.compile(r"[;\n]|\.(?:\s|$)")


def row_has(terms: list[tuple[str, frozenset[str]]], row_text: str) -> bool:
    """One clause of the row (a cell, or a part of it between semicolons) holds every subject term: "Replaced 4
    idlers; belt sway tested" is no belt replacement."""
    for clause in _CLAUSE.split(row_text):
        words = _words(clause)
        if all(alts & words for _word, alts in terms):
            return True
    return False
