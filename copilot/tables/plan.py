"""The query plan: a flat, validated description of a table query (the model never writes SQL).

``TablePlan`` is what the executor runs. ``plan_schema(profile)`` is the JSON schema given to
the LLM's grammar for one table: column names are enums, text filters and numeric filters are
separate ``anyOf`` branches, and every nullable enum lists ``null`` inside the enum itself
(llama.cpp does not enforce an ``enum`` inside a ``"type": [..., "null"]`` union).
``validate_plan(raw, profile)`` turns the model's JSON into a TablePlan or raises PlanError.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from copilot.tables.profile import TableProfile

Op = Literal["=", "!=", "<", "<=", ">", ">=", "contains"]
# "any_of": the value is several exact values joined by ANY_OF ("HP-501 | HPU-501"), set by rule for a question
# naming several tags (planner.correct), never offered to the model (plan_schema lists the other three)
Match = Literal["exact", "fuzzy", "semantic", "any_of"]
ANY_OF = " | "
AggFn = Literal["count", "sum", "avg", "min", "max", "none"]
RESULT = "result"  # order_by target meaning "the aggregate value"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
GRAIN_WIDTH = {"year": 4, "month": 7}  # characters of an ISO date that name its year, its month
NUMERIC_OPS = ("=", "!=", "<", "<=", ">", ">=")
TEXT_OPS = ("=", "!=", "contains")


class PlanError(ValueError):
    """A plan that cannot run on its table; the message says which field is wrong and why."""


class Filter(BaseModel):
    column: str
    op: Op = "="
    value: str | int | float
    match: Match = "exact"


class Aggregate(BaseModel):
    fn: AggFn = "none"
    column: str | None = None


class OrderBy(BaseModel):
    column: str | None = None
    direction: Literal["asc", "desc"] = "desc"


class DateRange(BaseModel):
    """Rows whose ISO date ``column`` is in [start, end) (either may be open); set by rule from the question's
    words (:mod:`copilot.tables.period`), never by the model."""

    column: str
    start: str | None = None
    end: str | None = None


class TablePlan(BaseModel):
    """One query over one ingested table."""

    table: str
    filters: list[Filter] = Field(default_factory=list)
    group_by: str | None = None
    aggregate: Aggregate = Field(default_factory=Aggregate)
    order_by: OrderBy = Field(default_factory=OrderBy)
    limit: int | None = Field(None, ge=1, le=10000)
    select: list[str] = Field(default_factory=list)
    period: DateRange | None = None
    missing: list[str] = Field(default_factory=list)  # columns that must be empty ("no last overhaul date"), by rule
    # "which year had the most downtime": group_by (an ISO date column) is grouped by its year or month, by rule
    grain: Literal["year", "month"] | None = None

    @property
    def group_label(self) -> str:
        """What the groups are called: the column, or "year of date" when grouped by a date's year."""
        return f"{self.grain} of {self.group_by}" if self.grain and self.group_by else self.group_by or ""

    def group_key(self, value: object) -> str:
        """The group a cell of ``group_by`` falls in ("2024" for "2024-03-12" by year)."""
        text = "" if value is None else str(value)
        return text[:GRAIN_WIDTH[self.grain]] if self.grain else text


def plan_schema(profile: TableProfile) -> dict[str, Any]:
    """Flat JSON schema for the model's plan over ``profile`` (see module docstring)."""
    cols = profile.column_names
    num = [c.name for c in profile.columns if c.numeric]
    text = [c.name for c in profile.columns if not c.numeric]
    branches: list[dict[str, Any]] = []
    if text:
        branches.append({"type": "object", "properties": {
            "column": {"enum": text}, "op": {"enum": list(TEXT_OPS)}, "value": {"type": "string"},
            "match": {"enum": ["exact", "fuzzy", "semantic"]}},
            "required": ["column", "op", "value", "match"]})
    if num:
        branches.append({"type": "object", "properties": {
            "column": {"enum": num}, "op": {"enum": list(NUMERIC_OPS)}, "value": {"type": "number"}},
            "required": ["column", "op", "value"]})
    return {
        "type": "object",
        "properties": {
            "filters": {"type": "array", "items": {"anyOf": branches}, "maxItems": 4},
            "group_by": {"enum": [*cols, None]},
            "aggregate": {"enum": ["none", "count", "sum", "avg", "min", "max"]},
            "aggregate_column": {"enum": [*num, None]},
            "order_by": {"enum": [*cols, RESULT, None]},
            "direction": {"enum": ["desc", "asc"]},
            "limit": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 1000}, {"type": "null"}]},
            "select": {"type": "array", "items": {"enum": cols}, "maxItems": 6},
        },
        "required": ["filters", "group_by", "aggregate", "aggregate_column", "order_by", "direction", "limit",
                     "select"],
    }


def from_flat(raw: dict[str, Any], table: str) -> dict[str, Any]:
    """Map the model's flat JSON (``aggregate``, ``aggregate_column``, ``order_by``, ``direction``) to plan fields."""
    agg = raw.get("aggregate")
    if not isinstance(agg, dict):
        agg = {"fn": agg or "none", "column": raw.get("aggregate_column")}
    order = raw.get("order_by")
    if not isinstance(order, dict):
        order = {"column": order, "direction": raw.get("direction") or "desc"}
    return {"table": raw.get("table", table), "filters": raw.get("filters") or [], "group_by": raw.get("group_by"),
            "aggregate": agg, "order_by": order, "limit": raw.get("limit"), "select": raw.get("select") or []}


def _check_column(profile: TableProfile, name: str | None, field: str) -> str | None:
    if name is None or name == "":
        return None
    col = profile.column(name)
    if col is None:
        raise PlanError(f"{field}: unknown column {name!r} in table {profile.name}; "
                        f"known columns: {', '.join(profile.column_names)}")
    return col.name


def validate_plan(raw: dict[str, Any] | TablePlan, profile: TableProfile) -> TablePlan:
    """Validate a plan against the table profile; canonicalise column names; raise PlanError on any problem."""
    try:
        plan = raw if isinstance(raw, TablePlan) else TablePlan.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise PlanError(f"invalid plan: {problems}") from exc
    if plan.table != profile.name:
        raise PlanError(f"table: plan names {plan.table!r} but runs on {profile.name!r}")
    for i, f in enumerate(plan.filters):
        f.column = _check_column(profile, f.column, f"filters[{i}].column") or ""
        col = profile.column(f.column)
        assert col is not None
        if col.numeric:
            if f.op == "contains":
                raise PlanError(f"filters[{i}]: 'contains' needs a text column, {col.name!r} is numeric")
            if isinstance(f.value, str):
                try:
                    f.value = float(f.value.strip())
                except ValueError as exc:
                    raise PlanError(f"filters[{i}].value: {col.name!r} is numeric, {f.value!r} is not a number") from exc
        else:
            if f.op not in TEXT_OPS:
                raise PlanError(f"filters[{i}].op: {f.op!r} needs a numeric column, {col.name!r} is text")
            f.value = str(f.value).strip()
            if not f.value and f.op != "=":
                raise PlanError(f"filters[{i}].value: empty text value")
    for f in [f for f in plan.filters if f.value == ""]:  # column = "": the rows where it is empty
        plan.filters.remove(f)
        if f.column not in plan.missing:
            plan.missing.append(f.column)
    if plan.period is not None:
        plan.period.column = _check_column(profile, plan.period.column, "period.column") or ""
        for end in (plan.period.start, plan.period.end):
            if end is not None and not _ISO.fullmatch(end):
                raise PlanError(f"period: {end!r} is not an ISO date (YYYY-MM-DD)")
    plan.missing = [c for c in (_check_column(profile, m, "missing") for m in plan.missing) if c]
    plan.group_by = _check_column(profile, plan.group_by, "group_by")
    plan.select = [c for c in (_check_column(profile, s, "select") for s in plan.select) if c]
    agg = plan.aggregate
    agg.column = _check_column(profile, agg.column, "aggregate.column")
    if agg.fn in ("sum", "avg", "min", "max"):
        if agg.column is None:
            raise PlanError(f"aggregate: {agg.fn} needs a numeric column")
        col = profile.column(agg.column)
        if col is not None and not col.numeric:
            raise PlanError(f"aggregate: {agg.fn} needs a numeric column, {agg.column!r} is text")
    if plan.order_by.column == RESULT:
        if agg.fn == "none":
            plan.order_by.column = None
    else:
        plan.order_by.column = _check_column(profile, plan.order_by.column, "order_by.column")
    return plan
