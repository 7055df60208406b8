"""TableQA: the single entry point the agents use for exact questions over ingested spreadsheets.

    qa = TableQA(settings, llm, embedder)
    if qa.needs_table(question):
        ans = qa.answer(question)   # TableAnswer or None when no table fits

The model only fills a schema-constrained plan; the answer text is composed from the result.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from copilot.config import Settings
from copilot.llm.base import LLM, LLMError
from copilot.tables.answer import compose
from copilot.tables.execute import refit_empty, repair_filter_columns, ungroup_by_key
from copilot.tables.matching import ValueMatcher, stems
from copilot.tables.plan import PlanError
from copilot.tables.planner import asks_latest_event, make_plan, score_tables
from copilot.tables.profile import TableProfile
from copilot.tables.store import connect, list_profiles, quote_ident
from copilot.tables.subject import subject_terms
from copilot.types import Citation

log = logging.getLogger(__name__)

_STRONG = re.compile(
    r"\b(how many|number of|count|average|mean (of|value|time)|sum of|highest|lowest|top \d+|"
    r"greater than|more than|less than|fewer than|at least|at most|equal to|for each|"
    r"list (all|every)|rank|ranked|sorted|oldest|newest|longest|shortest|earliest|largest|biggest|smallest|"
    r"latest|most recent|last time|when (?:did|was|were) (?:\w+ )?last|"
    r"which (?:\w+ ){1,3}?(?:has|had|have|got|saw|needed|took|cost|costs|caused|lost)\b.{0,20}?\b(?:the )?"
    r"(?:most|fewest|least)|the (?:most|fewest|least) (?:downtime|hours|work orders|failures|trips|breakdowns|jobs)|"
    # "which assets had emergency work orders in 2025": the records filtered, listed
    r"which (?:\w+ ){1,2}?(?:had|have|has|got|saw|needed|raised) (?:\w+ ){0,3}?(?:work orders?|wos?|jobs?|breakdowns?|"
    r"failures?|callouts?)|"
    # "the total downtime hours logged against CV-401": a sum over the records
    r"total (?:\w+ ){0,2}?(?:downtime|hours|hrs|work orders|wos|jobs|breakdowns|failures|stoppages)|"
    r"(?:downtime|hours|hrs) (?:\w+ ){0,3}?in total)\b",
    re.I)
# "how many do we keep", "how many have we got in stores": the stock of one part (its row), not a count of rows
_STOCK_HELD = re.compile(r"\bhow many (?:\w+ ){0,3}?(?:do|does|have) (?:we|they|the stores?|stores) (?:got )?"
                         r"(?:keep|have|hold|stock|carry|got)\b(?![^?.]{0,40}\b(?:that|which|with|where|whose)\b)", re.I)
# A bare "mean" is not an average: "what does E-204 mean?" is a manual question.
# Words such as "per", "above" or "maximum" are everywhere in manual questions
# ("as per SOP", "vibration above 7.1 mm/s"): they do not send a question to a table.
_WEAK = re.compile(r"\b(which|list|show|is there|are there|any|what)\b", re.I)
MIN_TABLE_SCORE = 2.0
# long one-word column names that are everyday words in manual questions too (not a sign of a table question);
# other long ones ("criticality", "manufacturer") are: "which assets are criticality A?"
_PLAIN = frozenset("description component equipment components location responsible operation condition "
                   "procedure frequency quantity".split())


def _text_values(conn: Any, profile: TableProfile, limit: int = 20000) -> list[str]:
    """The text cells of ``profile``'s table (first ``limit`` rows), for the subject words of a question."""
    cols = [c.name for c in profile.columns if not c.numeric]
    if not cols:
        return []
    sel = ", ".join(quote_ident(c) for c in cols)
    rows = conn.execute(f"SELECT {sel} FROM {quote_ident(profile.name)} LIMIT ?", [limit]).fetchall()
    return [str(v) for r in rows for v in r if v is not None]


# "how many grams of grease per bearing", "how many hours is the permit good for": a measure, not a count of rows
_HOW_MANY_UNITS = re.compile(r"\bhow many (?:grams?|g|kg|kilos?|litres?|liters?|l|ml|mm|millimetres?|metres?|m|"
                             r"hours?|hrs?|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|years?|bar|ppm|volts?|"
                             r"amps?|kw|rpm|degrees?|newton[- ]metres?|nm|turns?|drops?)\b"
                             # "how many hours of downtime", "how many days lost": a total over records still
                             r"(?!\s+(?:of\s+)?(?:downtime|lost|stoppage|outage|repair|work|did|were|have|has|had)\b)", re.I)


def is_aggregate_question(question: str) -> bool:
    """True for counting, ranking, aggregation or comparison phrasing ("how many", "average", "top 5")."""
    return bool(_STRONG.search(_HOW_MANY_UNITS.sub(" ", _STOCK_HELD.sub(" ", question))))


class TableAnswer(BaseModel):
    """An answer computed from a table: text with [n] markers, the cited rows, the plan and the raw result."""

    text: str
    citations: list[Citation] = Field(default_factory=list)
    plan: dict[str, Any] = Field(default_factory=dict)
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    empty: bool = False
    table: str = ""


class TableQA:
    """Question answering over the tables in ``<data_dir>/tables.sqlite3``."""

    def __init__(self, settings: Settings, llm: LLM, embedder: Any | None = None) -> None:
        self.settings = settings
        self.llm = llm
        self.embedder = embedder
        self.matcher = ValueMatcher(settings, embedder)
        self._cards: dict[str, np.ndarray] = {}
        self._vocab: dict[str, set[str]] = {}

    def _vocabulary(self, profiles: list[TableProfile]) -> dict[str, set[str]]:
        """Short distinct text values per table (normalised like the question), for table choice."""
        missing = [p for p in profiles if p.name not in self._vocab]
        if missing:
            conn = connect(self.settings)
            try:
                for p in missing:
                    vals: set[str] = set()
                    for c in p.columns:
                        if c.numeric:
                            continue
                        q = quote_ident(c.name)
                        rows = conn.execute(f"SELECT DISTINCT {q} FROM {quote_ident(p.name)} "
                                            f"WHERE length({q}) BETWEEN 4 AND 40 LIMIT 5000").fetchall()
                        vals |= {re.sub(r"[^0-9a-z]+", " ", str(r[0]).lower()).strip() for r in rows}
                    self._vocab[p.name] = {v for v in vals if len(v) > 3}
            finally:
                conn.close()
        return self._vocab

    def profiles(self) -> list[TableProfile]:
        return list_profiles(self.settings) if self.settings.tables.enabled else []

    def needs_table(self, question: str) -> bool:
        """Cheap check: counting/ranking/aggregation/filter phrasing or a table/column name, and a table loaded."""
        profiles = self.profiles()
        if not profiles:
            return False
        if is_aggregate_question(question):
            return True
        return bool(_WEAK.search(question)) and self._mentions_table(question, profiles) or \
            self._mentions_table(question, profiles, numeric_only=True)

    def _mentions_table(self, question: str, profiles: list[TableProfile], numeric_only: bool = False) -> bool:
        """A multi-word or acronym column/table name, or a multi-word cell value, appears in the question.
        ``numeric_only``: a distinctive numeric column ("RPN of the turbocharger leaking failure mode"), which
        asks for a value of a row whatever the question's form."""
        q = " " + " ".join(stems(question)) + " "
        qlow = " " + re.sub(r"[^0-9a-z]+", " ", question.lower()) + " "
        for p in profiles:
            names = [(c.name, c.numeric) for c in p.columns]
            for n, numeric in ([] if numeric_only else [(p.name, False)]) + names:
                n = n.replace("_", " ")
                s = " ".join(stems(n))
                distinctive = " " in s or (n.isupper() and len(n) >= 2) or (len(n) >= 9 and n.lower() not in _PLAIN)
                if distinctive and f" {s} " in q and (numeric or not numeric_only):
                    return True
            if numeric_only:
                continue
            if any(" " in v and f" {v} " in qlow for v in self._vocabulary([p]).get(p.name, ())):
                return True
        return False

    def choose_table(self, question: str) -> TableProfile | None:
        """The best-fitting table, or None when nothing fits well enough."""
        profiles = self.profiles()
        scored = score_tables(question, profiles, self.embedder, self._cards, self._vocabulary(profiles))
        if not scored or scored[0][0] < MIN_TABLE_SCORE:
            return None
        return scored[0][1]

    def answer(self, question: str, table: str | None = None) -> TableAnswer | None:
        """Plan, execute and compose an answer; None when no table fits or no valid plan can be made. ``table``:
        the table to use (a later part of a question asked about the table its first part was answered from)."""
        profile = next((p for p in self.profiles() if p.name == table), None) if table else self.choose_table(question)
        if profile is None:
            return None
        try:
            plan, _raw = make_plan(self.llm, question, profile)
        except (PlanError, LLMError) as exc:
            log.warning("table plan failed for %r on %s: %s", question, profile.name, exc)
            return None
        conn = connect(self.settings)
        try:
            repair_filter_columns(conn, plan, profile, self.matcher)
            ungroup_by_key(plan, profile)
            subject = subject_terms(question, profile.column_names, _text_values(conn, profile)) \
                if asks_latest_event(question, plan) else None
            plan, result = refit_empty(conn, plan, profile, self.matcher, self.settings.tables.max_rows, subject)
            text, citations = compose(conn, plan, profile, result)
        finally:
            conn.close()
        plan_dict = plan.model_dump()
        plan_dict["resolved_filters"] = [f.model_dump() for f in result.filters]
        return TableAnswer(text=text, citations=citations, plan=plan_dict, columns=result.columns,
                           rows=result.rows, empty=result.n_matched == 0, table=profile.name)
