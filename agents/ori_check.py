"""ORI from the six dimension scores a question gives, and the scale-out rule applied to it, computed.

"our site self-assessment came out S 3.0, D 2.5, I 3.0, P 3.0, G 3.5, M 2.0. whats the ORI and are we eligible to
scale?" The 1.5B model answered "3.0, eligible"; the weighted mean with the playbook's weights is 2.825 and the
scale-out rule (a shown source's "ORI of at least 3.0 and no dimension below 2.5") says no. The ORI is the
weighted mean with the weights of :data:`copilot.agents.readiness_report.DIMENSIONS` (PB-002 section 2); the
rule's two thresholds are read from the shown source and its row quoted.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.lookup import markdown_tables, search_for
from copilot.agents.readiness_report import DIMENSIONS
from copilot.types import Citation

# how a question names each dimension: its code letter or its name
NAMES = {"strategy": r"s|strategy(?: and kpis)?", "data": r"d|data", "infrastructure": r"i|infra(?:structure)?(?: and mlops)?",
         "people": r"p|people(?: and change)?", "governance": r"g|governance", "measurement": r"m|measurement"}
_SCORE = r"\s*(?:=|:|-)?\s*(?P<v>[1-5](?:\.\d)?)\b"
ASKS = re.compile(r"\bori\b|\b(?:readiness|overall|weighted) (?:index|score)\b|\boverall readiness\b|\beligib\w*"
                  r"|\bscale[- ]?out\b|\bscale\b", re.I)
RULE = re.compile(r"ORI of at least (?P<ori>\d(?:\.\d+)?) and no dimension below (?P<low>\d(?:\.\d+)?)", re.I)
# "are we ok for go-live?": the weakest-link rule ("Any dimension scored 1 | G4 Go-Live is blocked until ...")
GO_LIVE = re.compile(r"\bgo[- ]?live\b|\bG4\b|\b(?:into|in|for) production\b|\blaunch\b|\bdeploy\w*", re.I)
SCALE = re.compile(r"\beligib\w*|\bscal(?:e|ing)\b|\breplicat\w*|\bother (?:sites|lines)\b", re.I)
WEAKEST = re.compile(r"any dimension scored (?P<n>\d(?:\.\d+)?)\b", re.I)


def given_scores(question: str) -> dict[str, float] | None:
    """All six dimension scores the question states ("S 3.0, D 2.5, ..." or "strategy 3, data 2.5, ..."), else None."""
    out: dict[str, float] = {}
    for key, name in NAMES.items():
        m = re.search(rf"(?<![\w.])(?:{name}){_SCORE}", question, re.I)
        if m is None:
            return None
        out[key] = float(m["v"])
    return out


# "if we get Data up to 2.5 and Measurement up to 2.5": a dimension's score changed, written with its full name
_CHANGED = r"\s+(?:score\s+)?(?:(?:went |goes |go |gets? |got |is |were |was |comes? )?(?:up |down )?(?:to|at|of|=|:)\s*)(?P<v>[1-5](?:\.\d)?)\b"
WHAT_IF = re.compile(r"\bif\b|\bwould\b|\bsuppose\b|\bwhat if\b", re.I)


# "measurement only got a 1", "data was scored 2": one dimension's score said in words
_SAID_SCORE = r"\b[^.,;?!\d]{0,25}?\b(?:got|scored|score of|at|of|is|was|came (?:out|in) at)\s+(?:an?\s+|only\s+)?" \
              r"(?P<v>[1-5](?:\.\d)?)(?![\d.%])"


def stated_dimensions(question: str) -> dict[str, float]:
    """The dimension scores the question states by name, some or all ("measurement only got a 1"), by dimension key
    (a letter alone is no dimension here: "G4" is a gate)."""
    out: dict[str, float] = {}
    for key, name in NAMES.items():
        long = name.split("|", 1)[1]  # the dimension's name, not its letter
        m = re.search(rf"\b(?:{long}){_SCORE}", question, re.I) or re.search(rf"\b(?:{long}){_SAID_SCORE}", question, re.I)
        if m is not None:
            out[key] = float(m["v"])
    return out


def weakest_link_source(retriever: Any, sources: list[Citation], question: str) -> Citation | None:
    """The weakest-link rule, searched when the question asks about go-live with a dimension score stated and no
    shown source holds the rule (numbered after the shown sources)."""
    if not (ASKS.search(question) and GO_LIVE.search(question) and stated_dimensions(question)):
        return None
    return search_for(retriever, sources, "decision rules weakest-link rule any dimension scored 1 G4 go-live blocked",
                      lambda c: WEAKEST.search(c.text) is not None)


def _site_column(sources: list[Citation], question: str) -> tuple[Citation, str, dict[str, float]] | None:
    """(source, site, {dimension: score}) of the shown table of scores per dimension whose site column the question
    names ("Riverside plant manager here": PB-002's "| Dimension | Halden Works | Marlow Bay | Riverside | Group |")."""
    for c in sources:
        for header, rows in markdown_tables(c.text):
            if not header or header[0].strip().lower() != "dimension":
                continue
            for j, site in enumerate(header[1:], start=1):
                if not re.search(rf"\b{re.escape(site.strip())}\b", question, re.I):
                    continue
                column = {key: float(r[j].strip("* ")) for r in rows if len(r) > j
                          and re.fullmatch(r"\*{0,2}\d(?:\.\d+)?\*{0,2}", r[j].strip())
                          for key, name in NAMES.items() if re.fullmatch(name, r[0].strip(), re.I) and len(r[0].strip()) > 1}
                if len(column) == len(NAMES):
                    return c, site.strip(), column
    return None


def _what_if(sources: list[Citation], question: str) -> tuple[dict[str, float], str] | None:
    """The six scores of "if we get Data up to 2.5 and Measurement up to 2.5 ... everything else stays": the named
    site's column of the shown scores table, with the question's changed scores in place; and how they were made."""
    if not WHAT_IF.search(question) or (found := _site_column(sources, question)) is None:
        return None
    source, site, scores = found
    changed = {key: float(m["v"]) for key, name in NAMES.items()
               for m in [re.search(rf"\b(?:{name.split('|', 1)[1]}){_CHANGED}", question, re.I)] if m}
    if not changed:
        return None
    said = ", ".join(f"{DIMENSIONS[k][0]} {v:g}" for k, v in changed.items())
    kept = ", ".join(f"{DIMENSIONS[k][0]} {v:g}" for k, v in scores.items() if k not in changed)
    return {**scores, **changed}, f"your {said} with {site}'s other scores ({kept}) [{source.marker}]"


def ori_answer(sources: list[Citation], question: str) -> str | None:
    """The ORI of the stated scores (or of a site's shown scores with the question's changes) and, when a shown
    source holds the scale-out rule, whether it is met."""
    if not ASKS.search(question):
        return None
    scores = given_scores(question)
    made = "your scores"
    if scores is None and (what_if := _what_if(sources, question)) is not None:
        scores, made = what_if
    if scores is None:
        partial = stated_dimensions(question) if GO_LIVE.search(question) else {}
        go_live = _go_live(sources, partial) if partial else None
        if go_live is not None:  # "ORI 3.1 but measurement only got a 1. can we go through G4?": whatever the ORI
            return go_live
        return _stated_ori_answer(sources, question)
    ori = round(sum(scores[k] * DIMENSIONS[k][1] for k in scores), 3)  # 2.9999999999999996 is 3.0, not below it
    terms = " + ".join(f"{DIMENSIONS[k][1]:.2f} x {scores[k]:g}" for k in scores)
    text = f"**ORI {round(ori, 3):g}** ({round(ori, 1):.1f} to one decimal): the weighted mean of {made}, {terms}."
    go_live = _go_live(sources, scores) if GO_LIVE.search(question) else None
    if go_live is not None:
        text = f"{text}\n\n{go_live}"
        if not SCALE.search(question):
            return text
    rule = next(((c, m) for c in sources for m in [RULE.search(c.text)] if m), None)
    if rule is None:
        return text
    source, m = rule
    need, floor = float(m["ori"]), float(m["low"])
    low = [f"{DIMENSIONS[k][0]} {v:g}" for k, v in scores.items() if v < floor]
    short = ([f"ORI {round(ori, 3):g} is below {m['ori']}"] if ori < need else []) + \
        ([f"{', '.join(low)} below {m['low']}"] if low else [])
    verdict = ("**Not eligible to scale out**: " + "; ".join(short) if short else "**Eligible to scale out**")
    line = next((ln.strip() for ln in source.text.splitlines() if RULE.search(ln)), m.group(0))
    return f"{text}\n\n{verdict} [{source.marker}]. The rule: {line} [{source.marker}]"


def _go_live(sources: list[Citation], scores: dict[str, float]) -> str | None:
    """The weakest-link rule of a shown source applied to the stated scores: which dimensions block G4 Go-Live."""
    found = next(((c, m) for c in sources for m in [WEAKEST.search(c.text)] if m), None)
    if found is None:
        return None
    source, m = found
    floor = float(m["n"])
    line = next((ln.strip() for ln in source.text.splitlines() if WEAKEST.search(ln)), m.group(0))
    low = [f"{DIMENSIONS[k][0]} {v:g}" for k, v in scores.items() if v <= floor]
    verdict = (f"**Go-live is blocked by the weakest-link rule**: {', '.join(low)}" if low
               else f"**The weakest-link rule does not block go-live**: no dimension is scored {m['n']}")
    return f"{verdict} [{source.marker}]. The rule: {line} [{source.marker}]"


# "our site index came out at 2.2", "ORI of 2.9": the index itself, stated without the six scores
STATED_ORI = re.compile(r"\b(?:ori|(?:overall )?readiness index|site index|index)\b[^0-9?.!]{0,30}?(?<![\w.])"
                        r"(?P<v>[1-5](?:\.\d{1,3})?)(?![\w.])", re.I)


def _stated_ori_answer(sources: list[Citation], question: str) -> str | None:
    """A stated ORI against the scale-out rule's ORI threshold; the rule's dimension floor is named as still to
    check (the scores are not stated). None without a stated ORI or a shown rule."""
    stated = STATED_ORI.search(question)
    rule = next(((c, m) for c in sources for m in [RULE.search(c.text)] if m), None)
    if stated is None or rule is None:
        return None
    source, m = rule
    ori, need = float(stated["v"]), float(m["ori"])
    line = next((ln.strip() for ln in source.text.splitlines() if RULE.search(ln)), m.group(0))
    if ori < need:
        verdict = f"**Not eligible to scale out**: ORI {ori:g} is below {m['ori']}"
    else:
        verdict = (f"**The ORI part is met** (ORI {ori:g}, at least {m['ori']}); eligibility also needs no dimension "
                   f"below {m['low']}, and your dimension scores are not stated")
    return f"{verdict} [{source.marker}]. The rule: {line} [{source.marker}]"
