"""An intake idea's priority score from the criterion scores a question states, and the intake outcome, computed.

"intake scoring came out: value 5, data availability 1, feasibility 5, workflow fit 5, reuse 5. does it go forward
to charter?" The 1.5B model said yes (4.0 is above 3.5). The intake playbook says otherwise: "Any idea with a data
availability score of 1 cannot go to charter regardless of its total". Everything is read from the shown sources:
the weights from the scoring matrix (a table with a Criterion and a Weight column), the outcome from the thresholds
table (first column "Priority score": "3.5 or above", "2.5 to 3.4", "Below 2.5"), and any sentence that overrides it
for a criterion's score ("... a <criterion> score of 1 cannot go to charter regardless of its total ..."), quoted.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.lookup import markdown_tables, search_for
from copilot.types import Citation

ASKS = re.compile(r"\b(?:charter|go forward|go ahead|priority|outcome|portfolio|pass intake|through intake|shortlist)",
                  re.I)
_NUM = r"\d+(?:\.\d+)?"
_OWN_WORD = frozenset({"reuse", "value", "feasibility", "data", "workflow"})  # a criterion's first word that names it alone


def _weights(sources: list[Citation]) -> tuple[Citation, dict[str, float]] | None:
    """(source, {criterion: weight}) of the first shown table with a Criterion column and a Weight column in %."""
    for c in sources:
        for header, rows in markdown_tables(c.text):
            names = [h.lower() for h in header]
            if "criterion" in names and "weight" in names:
                i, w = names.index("criterion"), names.index("weight")
                weights = {r[i].lower(): float(m.group(1)) / 100 for r in rows if len(r) > max(i, w)
                           for m in [re.fullmatch(rf"\s*({_NUM})\s*%\s*", r[w])] if m}
                if len(weights) >= 3:
                    return c, weights
    return None


# "value 5, data availability 1, feasibility 5": three or more criterion scores stated
_SCORES = re.compile(r"(?:\b[a-z][a-z ]{2,30}?\s*(?:=|:|of|-)?\s*[1-5](?:\.\d)?\b[,;]?\s*(?:and\s+)?){3,}", re.I)


def weights_source(retriever: Any, sources: list[Citation], question: str) -> Citation | None:
    """The scoring matrix (Criterion and Weight table), searched when the question states criterion scores for an
    intake outcome and no shown source holds it; numbered after the shown sources. None when shown or not found."""
    if not ASKS.search(question) or not _SCORES.search(question):
        return None
    return search_for(retriever, sources, "intake scoring matrix criterion weight priority score",
                      lambda c: _weights([c]) is not None)


def _stated(question: str, criteria: list[str]) -> dict[str, float]:
    """Each criterion's score the question states: "data availability 1", "reuse 5", "a 1 for data availability"."""
    out = {}
    for name in criteria:
        words = name.split()
        # "reuse potential" may be said "reuse"; "workflow fit" is said whole
        said = r"\s+".join(re.escape(w) for w in words) + ("|" + re.escape(words[0]) if words[0] in _OWN_WORD else "")
        m = re.search(rf"\b(?:{said})\w*\s*(?:=|:|of|-|scored|score)?\s*(?P<v>[1-5](?:\.\d)?)(?!\d|\.\d)", question, re.I) or \
            re.search(rf"\b(?P<v>[1-5])\s+(?:for|on|in)\s+(?:{said})", question, re.I)
        if m is not None:
            out[name] = float(m["v"])
    return out


STOP = re.compile(r"[^.\n]*\b(?P<criterion>[a-z]+ [a-z]+) score of (?P<n>[1-5]) cannot\b[^.\n]*\.", re.I)


def _override(sources: list[Citation], question: str) -> tuple[Citation, str] | None:
    """The sentence that stops an idea for one criterion's score ("Any idea with a data availability score of 1
    cannot go to charter regardless of its total; ..."), when the question states that score for that criterion."""
    for c in sources:
        for m in STOP.finditer(c.text):
            name = m["criterion"].lower()
            if _stated(question, [name]).get(name) == float(m["n"]):
                return c, m.group(0).strip()
    return None


def _outcome(sources: list[Citation], score: float) -> tuple[Citation, str, str] | None:
    """(source, band as written, outcome) of the thresholds table row holding ``score``."""
    for c in sources:
        for header, rows in markdown_tables(c.text):
            if not header or header[0].strip().lower() != "priority score":
                continue
            for r in rows:
                band = r[0].lower()
                nums = [float(n) for n in re.findall(_NUM, band)]
                holds = (len(nums) == 2 and nums[0] <= score <= nums[1] + 0.099) or \
                    ("above" in band and nums and score >= nums[0]) or ("below" in band and nums and score < nums[0])
                if holds and len(r) > 1:
                    return c, r[0], r[1]
    return None


def intake_answer(sources: list[Citation], question: str) -> str | None:
    """The priority score of the stated criterion scores and the intake outcome (see module docstring), or None."""
    if not ASKS.search(question):
        return None
    found = _weights(sources)
    stop = _override(sources, question)
    matrix, weights = found if found is not None else (None, {})
    scores = _stated(question, list(weights))
    if not (weights and len(scores) == len(weights)) and stop is None:
        return None  # no weights or not every criterion stated, and nothing stops it: the model answers
    text = ""
    outcome = None
    if matrix is not None and len(scores) == len(weights):
        score = round(sum(weights[k] * v for k, v in scores.items()), 2)
        terms = " + ".join(f"{weights[k]:.2f} x {v:g}" for k, v in scores.items())
        shown = f"{score:.1f}" if round(score, 1) == score else f"{score:g}"  # "4.0", "3.05"
        text = f"**Priority score {shown}**: the weighted sum of your scores with the intake weights, {terms} [{matrix.marker}].\n\n"
        outcome = _outcome(sources, score)
    if stop is not None:
        c, sentence = stop
        band = f"By the total alone: {outcome[2]} (priority score {outcome[1]}) [{outcome[0].marker}]. " if outcome else ""
        return f"{text}{band}**Does not go to charter**, whatever the total: \"{sentence}\" [{c.marker}]"
    if outcome is None:
        return text.strip()
    c, band, result = outcome
    return f"{text}**{result}** (priority score {band}) [{c.marker}]"
