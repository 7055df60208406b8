"""Is that a go? The go-live gate's outcome decided by the gate checklist's own rule, not by the model.

Asked "every mandatory item is a yes, five advisory items are still open, is that a go?", the 1.5B model said
"Yes, it is a go"; the checklist's Outcomes say more than three open advisory items make at best a conditional
go. When the question states the mandatory items' status and how many advisory items are open, and a shown
source holds the Outcomes lines, the outcome is read from them: a failed mandatory item is a no go; otherwise up
to the Go line's "at most N advisory items open" it is a go, above it a conditional go. The deciding Outcomes
line is quoted as written.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.lookup import search_for
from copilot.agents.reading_check import Placed, placed_readings, quote_row
from copilot.types import Citation
from copilot.words import NUMBER_WORDS

NUMBERS = {"no": 0, "none": 0, "zero": 0, "a single": 1, **NUMBER_WORDS}
_N = r"\d{1,2}|" + "|".join(sorted(NUMBERS, key=len, reverse=True))
_STILL = r"(?:still |actually |now |even |really )?"  # "can we still go live"
ASKS_GO = re.compile(rf"\b(?:is (?:that|this|it) {_STILL}(?:a )?(?:go|pass)|go or no[- ]go|(?:do|would|will|can|could) "
                     rf"we {_STILL}(?:pass|get an? (?:plain |straight |clean |full )?go|go live|go ahead)|"
                     rf"pass (?:the )?(?:g4|gate)|gate (?:outcome|decision|result)|(?:can|could) (?:it|this|that|we) "
                     rf"{_STILL}go live|(?:what|which) (?:gate )?(?:outcome|result|decision) "
                     r"(?:do|would|will|should) we get|what (?:is|would be|will be|'s) the (?:gate )?(?:outcome|result))\b",
                     re.I)
ADVISORY_OPEN = re.compile(rf"\b(?P<n>{_N}) (?:of the )?(?:\w+ )?advisory (?:items?|points?|criteria) (?:are |is )?"
                           rf"(?:still )?(?:open|outstanding|not (?:yet )?closed)\b|"
                           rf"\badvisory (?:items? )?(?:still )?(?:open|outstanding)\W{{1,3}}(?P<m>{_N})\b", re.I)
MANDATORY_MET = re.compile(r"\b(?:every|all|each) (?:of the )?mandatory (?:items?|criteria|points?) (?:is |are )?"
                           r"(?:a |an )?(?:yes|met|passed|ticked|green|done|closed)\b|"
                           r"\bmandatory (?:items? )?(?:are )?all (?:met|yes|passed|green|closed)\b", re.I)
MANDATORY_FAILED = re.compile(rf"\b(?:{_N}|some|a) mandatory (?:items?|criteria|points?) (?:is |are )?(?:still )?"
                              r"(?:failed|not met|a no|no|open|red|missing)\b", re.I)
# "PR-03, PR-09, PR-15, PR-23 and PR-26 are still open": the open items by their codes (each row gives its type)
_CODE = r"\b[A-Z]{2,4}-\d{1,3}\b"
OPEN_CODES = re.compile(rf"(?P<codes>{_CODE}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*|\s*,\s*and\s+){_CODE})*)\s+(?:are|is)\s+"
                        r"(?:still\s+)?(?:open|outstanding|not (?:yet )?(?:closed|done|met))\b")
OUTCOME = re.compile(r"^[ \t]*[-*][ \t]*\*\*(?P<name>Go|Conditional go|No go)\*\*:[ \t]*(?P<rule>.+)$", re.M)
AT_MOST = re.compile(rf"\bat most (?P<n>{_N}) advisory items? open\b", re.I)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBERS[text.lower()]


def _outcomes(sources: list[Citation]) -> tuple[Citation, dict[str, str]] | None:
    for c in sources:
        lines = {m["name"].lower(): m.group(0).strip() for m in OUTCOME.finditer(c.text)}
        if {"go", "conditional go", "no go"} <= set(lines):
            return c, lines
    return None


def outcomes_source(retriever: Any, sources: list[Citation], question: str) -> Citation | None:
    """The gate checklist's Outcomes lines, searched when the question asks for the gate's outcome and no shown
    source holds them; numbered after the shown sources. None when shown, not asked or not found."""
    if not ASKS_GO.search(question):
        return None
    return search_for(retriever, sources, "gate outcomes go conditional go no go mandatory advisory items open",
                      lambda c: _outcomes([c]) is not None)


def _failed_mandatory(sources: list[Citation], question: str) -> Placed | None:
    """A stated reading outside the accepted band of a mandatory gate item ("only 82% of the operators have done
    the user training": PR-24, type M, at least 90%)."""
    for placed in placed_readings(sources, question) or []:
        types = [v for h, v in zip(placed.row.header, placed.row.cells, strict=False) if h.strip().lower() == "type"]
        if placed.accepted is False and types and types[0].strip().upper() == "M":
            return placed
    return None


def _item_types(sources: list[Citation], codes: list[str], retriever: Any = None) -> dict[str, str]:
    """Each gate item code's Type cell (M or A) from the checklist's rows, searched by code when not shown."""
    found: dict[str, str] = {}

    def read(text: str) -> None:
        for code in codes:
            if code not in found and (m := re.search(rf"^\|\s*{re.escape(code)}\s*\|.*\|\s*(M|A)\s*\|\s*$", text, re.M)):
                found[code] = m.group(1)

    for c in sources:
        read(c.text)
    for code in [c for c in codes if c not in found] if retriever is not None else []:
        try:
            for hit in retriever.search(code, k=4, mode="bm25"):
                read(hit.chunk.text)
        except Exception:  # noqa: BLE001 - an unknown type leaves the outcome to the model
            return found
    return found


def _open_items(sources: list[Citation], question: str, retriever: Any) -> tuple[list[str], list[str]] | None:
    """(open mandatory codes, open advisory codes) the question lists, or None when it lists none or a code's
    type is unknown."""
    m = OPEN_CODES.search(question)
    if m is None:
        return None
    codes = list(dict.fromkeys(re.findall(_CODE, m["codes"])))
    types = _item_types(sources, codes, retriever)
    if len(types) < len(codes):
        return None
    return [c for c in codes if types[c] == "M"], [c for c in codes if types[c] == "A"]


def gate_outcome(sources: list[Citation], question: str, retriever: Any = None) -> str | None:
    """The answer to "is that a go?" by the Outcomes rule of a shown gate checklist, or None (the model answers)
    when the question does not state the items' status or no shown source holds the Outcomes. A stated reading
    that fails a mandatory item's criterion is a failed mandatory item."""
    if not ASKS_GO.search(question):
        return None
    found = _outcomes(sources)
    if found is None:
        return None
    reading = _failed_mandatory(sources, question)
    listed = _open_items(sources, question, retriever)
    failed = MANDATORY_FAILED.search(question) or reading or (listed and listed[0])
    met = MANDATORY_MET.search(question)
    advisory = ADVISORY_OPEN.search(question)
    if not (failed or (met and (advisory or listed))):
        return None
    source, lines = found
    if reading is not None:
        name, why = "No go", f"a mandatory item is not met ({reading.row.label}, type M)"
    elif listed and listed[0]:
        name, why = "No go", f"open items {', '.join(listed[0])} are mandatory (type M)"
    elif failed:
        name, why = "No go", "a mandatory item is not met"
    else:
        limit = AT_MOST.search(lines["go"])
        if limit is None:
            return None
        by_code = listed is not None and not advisory  # counted from the listed codes, not a stated number
        n = len(listed[1]) if by_code else _number(advisory["n"] or advisory["m"])
        most = _number(limit["n"])
        name = "Go" if n <= most else "Conditional go"
        which = f" ({', '.join(listed[1])}, type A)" if by_code else ""
        why = (f"all mandatory items are met and {n} advisory items are open{which}, "
               f"{'within' if n <= most else 'more than'} the {limit['n']} a plain go allows")
    tag = f"[{source.marker}]"
    shown = [name.lower()] + (["conditional go"] if reading is not None else [])  # "as a conditional?": its rule too
    detail = f"{reading.line}\n\n{quote_row(reading.row)} [{reading.row.source.marker}]\n" if reading else ""
    return (f"**{name}**, by the gate's own rule {tag}: {why}.\n{detail}\n"
            f"From the gate's outcomes ({source.title}):\n" + "\n".join(f"{lines[n]} {tag}" for n in shown))
