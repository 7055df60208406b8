"""A use case's money, computed from the figures the question states, judged against the value hurdles shown.

"Build cost EUR 200k, run cost EUR 40k a year, expected benefit EUR 150k a year. Does that clear the G1 value
case hurdle?" The 1.5B model cannot do this arithmetic reliably (it abstained, or compared the wrong figures).
The value playbook defines it: net benefit over the horizon = benefits minus build (and change) minus the run
cost of each year; ROI = net benefit / total cost; payback = the month in which cumulative benefit reaches
cumulative cost; the G1 hurdle is a benefit-to-cost ratio over that horizon, G5 a payback in months. Here the
stated figures are read (each labelled by the word before it: build, run, change, benefit), the horizon is the
one the shown hurdle or formula names ("over 3 years"), every figure is computed, and each hurdle row of the shown
sources (a table with "Hurdle" in its header, or a sentence "at least three times ... (3:1)") is applied and
quoted. When the question states no build cost and no benefit, or no hurdle or formula is shown, the model
answers as before (None).
"""

from __future__ import annotations

import math
import re
from typing import Any

from copilot.agents.lookup import markdown_tables, search_for
from copilot.types import Citation

ASKS = re.compile(r"\b(?:value case|G1|G5|roi|payback|net benefit|hurdle|business case|worth it|pay (?:for )?itself|"
                  r"pays back|return on)\b", re.I)
_MONEY = re.compile(r"(?P<cur>EUR|€|USD|\$|GBP|£)?\s?(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<mult>k\b|m\b|million\b|"
                    r"thousand\b)?\s?(?P<cur2>EUR|€|USD|GBP)?", re.I)
# "a build+run cost of EUR 250k", "all-in cost": the whole cost over the horizon, not a build cost
_TOTAL_COST = re.compile(r"\bbuild\s*(?:\+|and|&|plus)\s*run\b|\btotal cost\b|\ball-?in\b|\bcost of ownership\b|\bTCO\b",
                         re.I)
# "EUR 600k of benefit over 3 yrs": the benefit over the whole horizon, not a yearly one
_OVER_YEARS = re.compile(r"\bover (?:the )?(?:\d+|two|three|five) (?:years?|yrs?)\b|\bin total\b", re.I)
_LABELS = [("build", re.compile(r"\b(?:build|develop\w*|implement\w*|one-?off|up-?front|capex|invest\w*|set-?up|"
                                r"replicat\w*|roll(?:ing)?[- ]?out)\b", re.I)),
           ("change", re.compile(r"\bchange (?:costs?|management|budget)\b|\btraining cost", re.I)),
           ("run", re.compile(r"\b(?:run(?:ning)?|operat\w*|opex|licen[cs]\w*|support|maintenance cost)\b", re.I)),
           ("benefit", re.compile(r"\b(?:benefits?|savings?|save[sd]?|value|returns?|gains?)\b", re.I))]
# "EUR 6,000 a month": a monthly figure, stated per year as twelve of them
_PER_MONTH = re.compile(r"\s*(?:a|per|each|every|/)\s*month\b|\s*monthly\b|\s*/\s*mo\b", re.I)
_HORIZON = re.compile(r"\bover (\d+|three|two|five) years\b|\b(\d+|three|two|five) years of run\b", re.I)
_WORDS = {"two": 2, "three": 3, "five": 5}
_RATIO = re.compile(r"\bratio of at least (\d+(?:\.\d+)?):1\b|\bat least (\d+(?:\.\d+)?):1\b", re.I)
_PAYBACK = re.compile(r"\bpayback of (\d+) months or less\b", re.I)


def _money(question: str) -> list[tuple[re.Match[str], float]]:
    """The figures the question states with a money unit or a multiplier (bare numbers are counts), with their value."""
    out = []
    for m in _MONEY.finditer(question):
        if not (m["cur"] or m["cur2"] or m["mult"]):
            continue
        mult = (m["mult"] or "").lower()
        value = float(m["n"].replace(",", "")) * (1_000 if mult in ("k", "thousand") else
                                                   1_000_000 if mult in ("m", "million") else 1)
        out.append((m, value))
    return out


def stated_amounts(question: str) -> list[tuple[float, str]]:
    """Each money amount the question states, as (value, currency as written upper-cased: "EUR", "" when none)."""
    return [(value, ("EUR" if (m["cur"] or m["cur2"] or "").upper() in ("EUR", "€") else
                     (m["cur"] or m["cur2"] or "").upper())) for m, value in _money(question)]


def stated_money(question: str) -> dict[str, float]:
    """{build, change, run, benefit: amount} of the figures the question states with a money unit, each labelled
    by the nearest label word before it in its clause (run and benefit are per year; a monthly one is made yearly)."""
    out: dict[str, float] = {}
    money = _money(question)
    figures = [m for m, _v in money]
    for i, (m, value) in enumerate(money):
        value *= 12 if _PER_MONTH.match(question, m.end()) else 1
        # "EUR 180,000 to build": the label after the figure, up to the next figure or clause; else the one before
        end = figures[i + 1].start() if i + 1 < len(figures) else len(question)
        after = re.split(r"[;,.](?:\s|$)| - ", question[m.end():min(end, m.end() + 40)])[0]
        before = re.split(r"[;,.](?:\s|$)", question[max(0, m.start() - 60):m.start()])[-1]
        for text, pick in ((after, min), (before, max)):
            found = [(lab.search(text).start(), name) for name, lab in _LABELS if lab.search(text)]  # type: ignore[union-attr]
            if found:
                name = pick(found)[1]
                name = "total_cost" if name in ("build", "run") and _TOTAL_COST.search(text) else name
                out.setdefault("total_benefit" if name == "benefit" and _OVER_YEARS.search(after) else name, value)
                break
    return out


def _rules(sources: list[Citation]) -> tuple[int | None, list[tuple[str, str, Citation]]]:
    """(horizon in years, [(decision point, hurdle as written, source)]) from the shown sources."""
    horizon = None
    hurdles: list[tuple[str, str, Citation]] = []
    for c in sources:
        for m in _HORIZON.finditer(c.text):
            word = (m.group(1) or m.group(2)).lower()
            horizon = horizon or (int(word) if word.isdigit() else _WORDS[word])
        for header, rows in markdown_tables(c.text):
            if any("hurdle" in h.lower() for h in header):
                hurdles += [(r[0], r[1], c) for r in rows if len(r) >= 2]
        for sentence in re.split(r"(?<=[.!?])\s+", c.text):
            if _RATIO.search(sentence) and not any(h[1] in sentence or sentence in h[1] for h in hurdles) \
                    and "|" not in sentence:
                hurdles.append(("Value case", sentence.strip(" -*0123456789."), c))
    return horizon, hurdles


def hurdles_source(retriever: Any, sources: list[Citation], question: str) -> Citation | None:
    """The value hurdles and formulas, searched when the question states a build cost and a benefit and no shown
    source gives a hurdle with its horizon; numbered after the shown sources."""
    money = stated_money(question) if ASKS.search(question) else {}
    if not _costed(money):
        return None
    return search_for(retriever, sources, "ROI formulas investment hurdles value case payback",
                      lambda c: all(_rules([c])))


def _costed(money: dict[str, float]) -> bool:
    """A cost (a build cost or the whole cost) and a benefit (yearly or over the horizon) are stated."""
    return bool({"build", "total_cost"} & money.keys()) and bool({"benefit", "total_benefit"} & money.keys())


def value_answer(sources: list[Citation], question: str) -> str | None:
    """The computed figures and each shown hurdle's verdict (see the module docstring), or None."""
    if not ASKS.search(question):
        return None
    money = stated_money(question)
    if not _costed(money):
        return None
    horizon, hurdles = _rules(sources)
    if not hurdles or horizon is None:
        return None
    build, change, run = money.get("build", 0.0), money.get("change", 0.0), money.get("run", 0.0)
    yearly = "total_cost" not in money and "total_benefit" not in money  # payback needs yearly figures
    cost = money.get("total_cost", build + change + horizon * run)
    gain = money.get("total_benefit", horizon * money.get("benefit", 0.0))
    net = gain - cost
    ratio = gain / cost
    monthly = (money.get("benefit", 0.0) - run) / 12
    payback = math.ceil((build + change) / monthly) if yearly and monthly > 0 else None
    eur = "EUR " if re.search(r"EUR|€", question) else ""
    made = "as you stated it" if "total_cost" in money else f"build {build:,.0f}" + \
        (f" + change {change:,.0f}" if change else "") + (f" + {horizon} x run {run:,.0f}" if run else "")
    paid = f"; payback in month {payback}" if payback else "; payback never (the run cost is not covered)" if yearly else ""
    lines = [f"**Computed from your figures over {horizon} years:** benefit {eur}{gain:,.0f}; cost {eur}{cost:,.0f} "
             f"({made}); net benefit {eur}{net:,.0f}; ROI {math.floor(100 * net / cost + 0.5)}%; "
             f"benefit-to-cost ratio {ratio:.2f}:1{paid}."]
    # "does that clear G1", "the scale-out hurdle": that decision point's hurdle only (none named: every hurdle)
    flat = re.sub(r"[-\s]+", " ", question.lower())
    asked = [h for h in hurdles if re.sub(r"^G[1-5]\s+", "", h[0]).lower().replace("-", " ") in flat
             or set(re.findall(r"\bG[1-5]\b", h[0])) & set(re.findall(r"\bG[1-5]\b", question))]
    for point, hurdle, c in asked or hurdles:
        need = _RATIO.search(hurdle)
        months = _PAYBACK.search(hurdle)
        if need:
            target = float(need.group(1) or need.group(2))
            verdict = "clears it" if ratio >= target else "does not clear it"
            lines.append(f"- **{point}** (\"{hurdle}\" [{c.marker}]): {ratio:.2f}:1 against {target:g}:1, **{verdict}**.")
        elif months and payback is not None:
            verdict = "clears it" if payback <= int(months.group(1)) else "does not clear it"
            lines.append(f"- **{point}** (\"{hurdle}\" [{c.marker}]): payback in month {payback} against "
                         f"{months.group(1)} months, **{verdict}** on these expected figures.")
    return "\n".join(lines) if len(lines) > 1 else None
