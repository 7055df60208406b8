"""From a question to a table and a validated plan: table choice heuristics, then a schema-constrained LLM plan.

The model fills a small flat JSON schema built from the table profile (see plan.py), with two
worked examples made from the same table. Its plan is validated with pydantic; on a PlanError the
model gets one retry with the error message. A few cheap, deterministic corrections follow
(a "how many" question gets a count, an "average" question an avg).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

from copilot.identifiers import asset_tag_candidates
from copilot.llm.base import LLM, Message
from copilot.tables.matching import stems
from copilot.tables.period import asked_period, date_column
from copilot.tables.plan import (
    ANY_OF,
    DateRange,
    Filter,
    PlanError,
    TablePlan,
    from_flat,
    plan_schema,
    validate_plan,
)
from copilot.tables.profile import TableProfile
from copilot.words import NUMBER_WORDS

STOP = set("a an the of in on for to and or is are was were be by with what which who how many much does do "
           "have has there any all that this it its from per each me show list give their they as at".split())


# Abbreviations common in CMMS and spreadsheet headers, expanded when naming tables and columns.
ABBREV = {"wo": "work order", "qty": "quantity", "desc": "description", "pm": "preventive maintenance",
          "temp": "temperature", "equip": "equipment", "cm": "corrective maintenance",
          "pdm": "predictive maintenance", "em": "emergency maintenance"}


def tokens(text: str, expand: bool = False) -> set[str]:
    words = text.lower().replace("_", " ").split()
    if expand:
        words = [ABBREV.get(w, w) for w in words]
    return {t for t in stems(" ".join(words)) if t not in STOP and len(t) > 1}


def table_card(p: TableProfile) -> str:
    cols = ", ".join(" ".join(ABBREV.get(w, w) for w in c.lower().replace("_", " ").split()) for c in p.column_names)
    return f"{' '.join(ABBREV.get(w, w) for w in p.name.split('_'))}: {cols}"


def _signature(p: TableProfile, values: set[str]) -> tuple[set[str], set[str]]:
    """Name tokens and all tokens (name, columns, cell values) of a table."""
    name = tokens(p.name, expand=True)
    words = set(name)
    for c in p.columns:
        words |= tokens(c.name, expand=True) | tokens(c.name)
    for v in values:
        words |= tokens(v)
    return name, words


# a question about what happened and when: tables with an event date column (work-order history) fit it
_HISTORY = re.compile(r"\b(?:when (?:did|was|were) (?:\w+ )?last|last time|latest|most recent|history|how many times|"
                      r"(?:happened|occurred) (?:on|in))\b", re.I)
EVENT_DATE_COLUMN = re.compile(r"date|datetime|timestamp|opened|closed|completed|event_date|work_date", re.I)
HISTORY_BONUS = 3.0


def asks_latest_event(question: str, plan: TablePlan) -> bool:
    """A "when did we last ..." question planned as the newest rows of an event table (by its date column)."""
    order = plan.order_by.column or ""
    return bool(_HISTORY.search(question)) and plan.aggregate.fn == "none" and plan.limit is not None and \
        bool(EVENT_DATE_COLUMN.fullmatch(order))


def score_tables(question: str, profiles: list[TableProfile], embedder: Any | None,
                 cache: dict[str, np.ndarray], vocab: dict[str, set[str]] | None = None) -> list[tuple[float, TableProfile]]:
    """Score every table for the question.

    Question words found in a table's name, columns or values count with an IDF weight across tables
    (words in the table name twice): "haul truck" singles out one table, "failure" does not. A multi-word
    cell value or a numeric column named in the question adds a bonus, and so does the embedding
    similarity between the question and a card of the table.
    """
    q = tokens(question)
    qlow = " " + re.sub(r"[^0-9a-z]+", " ", question.lower()) + " "
    qvec = embedder.embed([question])[0] if embedder is not None else None
    values = {p.name: (vocab or {}).get(p.name) or {v.lower() for c in p.columns for v in c.values} for p in profiles}
    sigs = {p.name: _signature(p, values[p.name]) for p in profiles}
    n = len(profiles)
    df = {t: sum(1 for nm, ws in sigs.values() if t in ws) for t in q}
    idf = {t: math.log(1 + n / df[t]) if df[t] else 0.0 for t in q}
    scored = []
    for p in profiles:
        name, words = sigs[p.name]
        s = sum(idf[t] * (2.0 if t in name else 1.0) for t in q if t in words)
        for c in p.columns:
            if c.numeric and tokens(c.name) and tokens(c.name) <= q:
                s += 2.0
            elif len(tokens(c.name)) >= 2 and tokens(c.name) <= q:  # "last overhaul": the register's column
                s += 2.0
        hits = [v for v in values[p.name] if " " in v and len(v) > 3 and f" {v} " in qlow]
        s += min(8.0, 3.0 * len(hits))
        if _HISTORY.search(question) and any(EVENT_DATE_COLUMN.fullmatch(c.name) for c in p.columns):
            s += HISTORY_BONUS  # "when did we last change the seal": a table of dated events, not a schedule
        if qvec is not None:
            if p.name not in cache:
                cache[p.name] = embedder.embed([table_card(p)])[0]  # type: ignore[union-attr]
            s += 4.0 * float(cache[p.name] @ qvec)
        scored.append((s, p))
    return sorted(scored, key=lambda x: -x[0])


def _examples(p: TableProfile) -> str:
    num = [c for c in p.columns if c.numeric]
    cat = [c for c in p.columns if c.categorical and c.values]
    text = [c for c in p.columns if not c.numeric]
    out = []
    if cat:
        c, v = cat[0], next(iter(cat[0].values))
        ex = {"filters": [{"column": c.name, "op": "=", "value": v, "match": "exact"}], "group_by": None,
              "aggregate": "count", "aggregate_column": None, "order_by": None, "direction": "desc",
              "limit": None, "select": []}
        out.append(f"Q: How many rows have {c.name} {v}?\nA: {json.dumps(ex)}")
    if num and text:
        n, t = num[-1], text[min(2, len(text) - 1)]
        thr = int(((n.min or 0) + (n.max or 0)) / 2)
        ex = {"filters": [{"column": n.name, "op": ">", "value": thr}], "group_by": None, "aggregate": "none",
              "aggregate_column": None, "order_by": n.name, "direction": "desc", "limit": None,
              "select": [t.name, n.name]}
        out.append(f"Q: Which {t.name} have a {n.name} above {thr}?\nA: {json.dumps(ex)}")
        g = cat[0] if cat else t
        ex = {"filters": [], "group_by": g.name, "aggregate": "avg", "aggregate_column": n.name, "order_by": "result",
              "direction": "desc", "limit": None, "select": []}
        out.append(f"Q: What is the average {n.name} per {g.name}?\nA: {json.dumps(ex)}")
    return "\n\n".join(out)


RULES = """Rules:
- Use only the columns listed. Text filters: op "=" for a whole value, "contains" for a word inside a longer text.
- match: "exact" when the user's words appear in the table, "fuzzy" for typos or plurals, "semantic" when the user describes a meaning in other words.
- "how many" -> aggregate "count". "average"/"mean" -> "avg". "highest"/"top"/"most" -> order_by with direction "desc" and limit; "lowest" -> "asc".
- "per X"/"for each X" -> group_by X. Numbers in the question become number filters."""


def plan_messages(question: str, p: TableProfile, error: str | None = None) -> list[Message]:
    system = (f"You write JSON query plans for one table. Never write SQL.\n{p.describe()}\n\n{RULES}\n\n"
              f"Examples:\n{_examples(p)}")
    user = f"Q: {question}\nA:"
    msgs: list[Message] = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    if error:
        msgs.append({"role": "user", "content": f"Your previous plan was invalid: {error}. Write a corrected plan."})
    return msgs


_COUNT = re.compile(r"\b(how many|number of|count)\b", re.I)
_SUM = re.compile(r"\b(total|in total|sum of|altogether|combined|cumulative)\b", re.I)
_AVG = re.compile(r"\b(average|mean)\b", re.I)
_HIGH = re.compile(r"\b(?<!at )(highest|most|maximum|largest|biggest|top|worst)\b", re.I)
_LOW = re.compile(r"\b(?<!at )(lowest|least|minimum|smallest|fewest)\b", re.I)
_TOPN = re.compile(r"\btop (\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
# "oldest", "longest": a superlative of one dimension; the rows holding it answer, ordered by that dimension's column
_SUPERLATIVES = [
    (re.compile(r"\b(?:oldest|earliest)\b", re.I), "asc", re.compile(r"year|date|install|commission|built", re.I)),
    (re.compile(r"\b(?:newest|most recent(?:ly)?|latest|last time|when (?:did|was|were) (?:\w+ )?last)\b", re.I), "desc",
     re.compile(r"year|date|install|commission", re.I)),
    (re.compile(r"\blongest\b", re.I), "desc", re.compile(r"downtime|duration|hours|_h$|length|time", re.I)),
    (re.compile(r"\bshortest\b", re.I), "asc", re.compile(r"downtime|duration|hours|_h$|length|time", re.I)),
    (re.compile(r"\b(?:largest|biggest)\b", re.I), "desc", re.compile(r"power|kw|capacity|size|rating", re.I)),
    (re.compile(r"\bsmallest\b", re.I), "asc", re.compile(r"power|kw|capacity|size|rating", re.I)),
]
_PER = re.compile(r"\b(?:per|each|every|by)\b", re.I)
_WHICH = re.compile(r"\b(which|what|list|show)\b", re.I)


def superlative(question: str, p: TableProfile) -> tuple[str, str] | None:
    """(column, direction) for "the oldest asset", "the longest downtime": the table's column of the dimension the
    superlative measures (numeric columns first), or None when the question has none or the table lacks it."""
    for word, direction, dimension in _SUPERLATIVES:
        # the sentence holding the superlative decides ("which has the longest lead time? how many do we keep?")
        said = next((s for s in re.split(r"(?<=[?.!])\s+", question) if word.search(s)), "")
        if said and not (_AVG.search(said) or _COUNT.search(said)):
            fits = sorted((c for c in p.columns if dimension.search(c.name)), key=lambda c: not c.numeric)
            if fits:
                return fits[0].name, direction
    return None


def _as_number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


def _period(plan: TablePlan, question: str, p: TableProfile) -> None:
    """The period the question names, on the table's date column, in place of the model's reading of it
    (``date contains "2024"`` for "since 2024"); a year the model put on another text column goes too."""
    period = asked_period(question)
    column = date_column(p, question, EVENT_DATE_COLUMN) if period else None
    if period is None or column is None:
        return
    years = set(re.findall(r"(?:19|20)\d{2}", period.phrase))

    def reads_period(f: Filter) -> bool:
        c = p.column(f.column)
        return f.column == column or (c is not None and not c.numeric and str(f.value).strip() in years)

    plan.filters = [f for f in plan.filters if not reads_period(f)]
    plan.period = DateRange(column=column, start=period.start, end=period.end)


# unplanned work ("breakdown jobs") is every work-order type but the planned ones
_UNPLANNED = re.compile(r"\b(?:breakdowns?|unplanned|reactive)\b", re.I)
PLANNED_CODES = ("pm", "pdm")


def _coded_filters(plan: TablePlan, question: str, p: TableProfile) -> None:
    """"corrective work orders" -> ``type = "CM"``: a code of a categorical column whose meaning (ABBREV) the
    question names, when the plan has no filter on that column and the question names one code only;
    "breakdown jobs" -> every code but the planned ones (PM, PdM)."""
    words = tokens(question)
    for c in p.columns:
        if c.numeric or not c.categorical or any(f.column == c.name for f in plan.filters) or \
                plan.group_by == c.name and _PER.search(question):
            continue
        named = [v for v in c.values if v.lower() in ABBREV and tokens(ABBREV[v.lower()].split()[0]) <= words]
        planned = [v for v in c.values if v.lower() in PLANNED_CODES] if not named and _UNPLANNED.search(question) else []
        if len(named) == 1:  # "total downtime for corrective jobs" grouped by type: the CM rows, not every type
            plan.filters.append(Filter(column=c.name, op="=", value=named[0], match="exact"))
        elif planned and len(planned) < len(c.values):  # "breakdown jobs": every code but the planned ones
            plan.filters += [Filter(column=c.name, op="!=", value=v, match="exact") for v in planned]
        else:
            continue
        if plan.group_by == c.name:
            plan.group_by = None


_MISSING = re.compile(r"\b(?:no|without|missing|blank|empty|lacking)\s+(?:an?\s+|any\s+)?(?P<words>(?:[\w-]+\s+){0,3}[\w-]+)",
                      re.I)


def _missing(plan: TablePlan, question: str, p: TableProfile) -> None:
    """"which assets have no last overhaul date recorded?": the rows whose column named after "no / without /
    missing" is empty (the model had filtered on a date of its own, 0000-00-00). The column whose every name word
    is among the few words that follow; its filters from the model go."""
    for m in _MISSING.finditer(question):
        words = tokens(m["words"], expand=True)
        named = [c.name for c in p.columns if (t := tokens(c.name, expand=True)) and t <= words]
        if len(named) == 1 and named[0] not in plan.missing:
            plan.missing.append(named[0])
            plan.filters = [f for f in plan.filters if f.column != named[0]]
            if plan.period is not None and plan.period.column == named[0]:
                plan.period = None


# "which asset has had the most work orders / the most downtime hours overall": a ranking of groups ("the highest
# RPN" is one row's value: the rows holding the extreme answer, see correct)
_WHICH_MOST = re.compile(r"\bwhich (?:single |one |particular |individual )?(?P<entity>[a-z_]+)\b(?P<between>.{0,30}?)\b(?P<dir>most|fewest|least)\b"
                         r"(?P<rest>.*)$", re.I)
_EQUIPMENT = re.compile(r"bit|piece|kit|equipment|machines?|assets?|units?|items?|plant", re.I)
_ASSET_COLUMN = re.compile(r"asset|tag|equipment", re.I)
_HOURS = re.compile(r"\b(?:hours|hrs|downtime|time lost|lost time)\b", re.I)
_HOURS_COLUMN = re.compile(r"downtime|_h$|hours", re.I)
_GRAIN = re.compile(r"\b(year|month)s?\b", re.I)
_PER_GRAIN = re.compile(r"\b(?:per|each|every|by|a)\s+(?:calendar\s+)?(year|month)\b", re.I)
_COUNTED = re.compile(r"\b(?:work ?orders?|wos?|jobs?|records?|entries|failures?|breakdowns?|events?|times|callouts?|"
                      r"repairs?|trips?)\b", re.I)


def _ranked_groups(plan: TablePlan, question: str, p: TableProfile) -> bool:
    """"Which asset has had the most work orders" counts rows per asset; "... the most downtime hours overall" sums
    the named numeric column per asset; either way the groups are ranked and the first kept (the model summed nothing,
    or returned the one record with the longest downtime). True when the plan was set here."""
    m = _WHICH_MOST.search(question)
    if m is None or _PER.search(m["between"]):
        return False
    entity = tokens(m["entity"])
    grain = _GRAIN.search(f"{m['entity']}{m['between']}")  # "which full calendar year had the most downtime"
    group = date_column(p, question, EVENT_DATE_COLUMN) if grain else \
        next((c.name for c in p.columns if not c.numeric and entity and entity <= tokens(c.name)), None)
    if group is None and not grain and _EQUIPMENT.fullmatch(m["entity"]):  # "which bit of kit": the asset column
        group = next((c.name for c in p.columns if not c.numeric and _ASSET_COLUMN.search(c.name)), None)
    if group is None:
        return False
    plan.grain = grain[1].lower() if grain else None  # type: ignore[assignment]
    named = [c.name for c in p.columns if c.numeric and tokens(c.name) and tokens(c.name) <= tokens(m["rest"], expand=True)]
    if not named and _HOURS.search(m["rest"]):  # "cost us the most hours": the one downtime-hours column
        named = [c.name for c in p.columns if c.numeric and _HOURS_COLUMN.search(c.name)][:2]
    if len(named) == 1:
        fn, column = "sum", named[0]
    elif _COUNTED.search(m["rest"]):
        fn, column = "count", None
    else:
        return False
    plan.group_by, plan.select = group, []
    plan.aggregate.fn, plan.aggregate.column = fn, column
    plan.order_by.column = "result"
    plan.order_by.direction = "asc" if m["dir"].lower() in ("fewest", "least") else "desc"
    plan.limit = 1
    return True


def _per_grain(plan: TablePlan, question: str, p: TableProfile) -> None:
    """"downtime per year on P-101", "work orders by month": groups by the event date's year or month (the model can
    only group by a whole column), summing the hours column the question names, else counting rows."""
    m = _PER_GRAIN.search(question)
    column = date_column(p, question, EVENT_DATE_COLUMN) if m else None
    if m is None or column is None:
        return
    plan.group_by, plan.grain, plan.select = column, m[1].lower(), []  # type: ignore[assignment]
    named = [c.name for c in p.columns if c.numeric and tokens(c.name) and tokens(c.name) <= tokens(question, expand=True)]
    if not named and _HOURS.search(question):
        named = [c.name for c in p.columns if c.numeric and _HOURS_COLUMN.search(c.name)][:1]
    plan.aggregate.fn, plan.aggregate.column = ("sum", named[0]) if len(named) == 1 else ("count", None)
    plan.order_by.column, plan.order_by.direction = plan.group_by, "asc"


def _several_tags(plan: TablePlan, question: str, p: TableProfile) -> None:
    """"critical spares for HP-501 and HPU-501": the model filters one tag (or both, ANDed: no row); the filters of
    one column on the question's tags become one filter matching any of them."""
    tags = list(dict.fromkeys(asset_tag_candidates(question)))
    if len(tags) < 2:
        return
    for column in dict.fromkeys(f.column for f in plan.filters):
        col = p.column(column)
        on_tags = [f for f in plan.filters if f.column == column and f.op in ("=", "contains")
                   and str(f.value).strip().upper() in tags]
        if col is None or col.numeric or not on_tags:
            continue
        plan.filters = [f for f in plan.filters if f not in on_tags]
        plan.filters.append(Filter(column=column, op=on_tags[0].op, value=ANY_OF.join(tags), match="any_of"))


# "6 weeks or more", "longer than two days", "under 48 h", "3+ weeks": a bound on a duration
_DURATION_BOUND = re.compile(
    r"(?:\b(?P<pre>at least|no less than|more than|over|longer than|above|less than|under|shorter than|within|"
    r"no more than|up to|at most)\s+)?(?<![\w.-])(?P<n>\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")\s*(?P<plus>\+)?\s*"
    r"(?P<unit>weeks?|wks?|days?|months?|hours?|hrs?|h)\b(?:\s+(?P<post>or (?:more|longer|over|above|greater|plus)|"
    r"or (?:less|fewer|under|shorter|below)|plus))?", re.I)
_LONGER = ("more", "longer", "over", "above", "greater", "plus")  # "or more": at least; "or less", "or under": at most
_IN_DAYS = {"h": 1 / 24, "hr": 1 / 24, "hour": 1 / 24, "day": 1.0, "wk": 7.0, "week": 7.0, "month": 30.0}
# a numeric column's time unit, from its name ("lead_time_days", "downtime_h")
_COLUMN_DAYS = {"days": 1.0, "d": 1.0, "h": 1 / 24, "hours": 1 / 24, "hrs": 1 / 24, "weeks": 7.0}


def _duration_bound(plan: TablePlan, question: str, p: TableProfile) -> None:
    """"critical spares that take 6 weeks or more to arrive": ``lead_time_days >= 42`` on the one numeric column
    whose name ends in a time unit (the one the question names, when several do), in place of the model's filters on
    it (it filtered ``>= 6``, or nothing)."""
    m = next((m for m in _DURATION_BOUND.finditer(question) if m["pre"] or m["post"] or m["plus"]), None)
    if m is None:
        return
    timed = [c for c in p.columns if c.numeric and "_" in c.name and c.name.lower().rsplit("_", 1)[-1] in _COLUMN_DAYS]
    named = [c for c in timed if tokens(c.name) - {"days", "day", "h", "hour", "hours"} <= tokens(question) | {"time"}]
    column = timed[0] if len(timed) == 1 else named[0] if len(named) == 1 else None
    if column is None:
        return
    word = (m["pre"] or m["post"] or "plus").lower()
    op = ((">=" if word[3:] in _LONGER else "<=") if word.startswith("or ") else
          ">=" if word in ("at least", "no less than", "plus") else ">" if word in ("more than", "over", "longer than",
                                                                                      "above") else
          "<" if word in ("less than", "under", "shorter than") else "<=")
    n = float(m["n"]) if m["n"][0].isdigit() else float(NUMBER_WORDS[m["n"].lower()])
    unit = m["unit"].lower().rstrip("s")
    value = round(n * _IN_DAYS[unit] / _COLUMN_DAYS[column.name.lower().rsplit("_", 1)[-1]], 2)
    plan.filters = [f for f in plan.filters if f.column != column.name]
    plan.filters.append(Filter(column=column.name, op=op, value=int(value) if value.is_integer() else value))


def _unasked_value(f: Filter, question: str, p: TableProfile) -> bool:
    """A text value the question names neither by its words nor by its column's ("the oldest piece of kit on the
    Riverside asset register": ``manufacturer = "RIV Civil"`` filtered the register down to one civil structure)."""
    c = p.column(f.column)
    if c is None or c.numeric or f.op != "=":
        return False
    words = tokens(question, expand=True)
    return not (tokens(str(f.value), expand=True) & words) and not (tokens(c.name, expand=True) & words)


def correct(plan: TablePlan, question: str, p: TableProfile) -> TablePlan:
    """Cheap deterministic fixes for frequent small-model slips."""
    asked = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", question.replace(",", ""))}
    plan.filters = [f for f in plan.filters if not ((c := p.column(f.column)) is not None and c.numeric and
                                                    _as_number(f.value) not in asked)]  # a threshold nobody asked
    plan.filters = [f for f in plan.filters if not _unasked_value(f, question, p)]
    _several_tags(plan, question, p)
    _duration_bound(plan, question, p)
    _period(plan, question, p)
    _coded_filters(plan, question, p)
    _missing(plan, question, p)
    if _ranked_groups(plan, question, p):
        return plan
    _per_grain(plan, question, p)
    ranked = superlative(question, p)
    if ranked is not None and (not plan.group_by or not _PER.search(question)):  # the rows holding the extreme
        plan.group_by = None  # value, ties kept ("oldest piece of kit": not an average per equipment type)
        plan.order_by.column, plan.order_by.direction = ranked
        plan.aggregate.fn, plan.aggregate.column, plan.limit = "none", None, 1
        return plan
    if _COUNT.search(question) and plan.aggregate.fn == "none":
        plan.aggregate.fn, plan.aggregate.column = "count", None
        plan.order_by.column = None
    elif _SUM.search(question) and plan.aggregate.fn in ("none", "count"):
        named = [c.name for c in p.columns if c.numeric and tokens(c.name) and tokens(c.name) <= tokens(question)]
        if len(named) == 1:  # "total downtime on P-101": the sum of the one numeric column the question names
            plan.aggregate.fn, plan.aggregate.column = "sum", named[0]
            plan.order_by.column = None
    if _AVG.search(question) and plan.aggregate.fn in ("none", "count", "sum"):
        col = plan.aggregate.column or next(
            (c.name for c in p.columns if c.numeric and c.name.lower() in question.lower()), None)
        if col and p.column(col) is not None and p.column(col).numeric:  # type: ignore[union-attr]
            plan.aggregate.fn, plan.aggregate.column = "avg", col
    high, low = _HIGH.search(question), _LOW.search(question)
    agg = plan.aggregate
    if (high or low) and _WHICH.search(question) and agg.fn in ("max", "min") and agg.column and \
            (not plan.group_by or not _PER.search(question)):
        # "which X has the highest Y" asks for the rows, not just the value (nor the maximum per failure mode)
        plan.order_by.column, agg.fn, agg.column, plan.group_by = agg.column, "none", None, None
    if plan.order_by.column or plan.group_by:
        if high and not low:
            plan.order_by.direction = "desc"
        elif low and not high:
            plan.order_by.direction = "asc"
        if (high or low) and plan.limit is None:
            top = _TOPN.search(question)
            plan.limit = (int(n) if (n := top.group(1)).isdigit() else NUMBER_WORDS[n.lower()]) if top else 1
            if plan.group_by and plan.order_by.column is None:
                plan.order_by.column = "result"
    if agg.fn != "none" and not plan.group_by:
        plan.order_by.column, plan.limit = None, None
    if agg.fn == "none" and plan.order_by.column == "result":
        plan.order_by.column = None
    return plan


def make_plan(llm: LLM, question: str, p: TableProfile, max_tokens: int = 160) -> tuple[TablePlan, dict[str, Any]]:
    """Ask the model for a plan (one retry on an invalid plan); return the validated plan and the raw JSON."""
    schema = plan_schema(p)
    error: str | None = None
    raw: dict[str, Any] = {}
    for _ in range(2):
        out = llm.chat(plan_messages(question, p, error), json_schema=schema, max_tokens=max_tokens, temperature=0.0)
        try:
            raw = json.loads(out.text)
            if not isinstance(raw, dict):
                raise PlanError("the plan must be a JSON object")
            plan = validate_plan(from_flat(raw, p.name), p)
            return correct(plan, question, p), raw
        except (json.JSONDecodeError, PlanError) as exc:
            error = str(exc)
    raise PlanError(f"no valid plan after a retry: {error}")
