"""Run a validated TablePlan on SQLite with bound parameters and quoted, profile-checked identifiers.

Text filters are first resolved against the column's distinct values (see matching.py) and
become ``IN (?, ...)`` lists, so the model's text never reaches SQL as code. Rankings keep ties
at the cut-off ("highest RPN" returns every row that shares the top value).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from pydantic import BaseModel, Field

from copilot.tables.matching import MatchResult, ValueMatcher
from copilot.tables.plan import ANY_OF, GRAIN_WIDTH, RESULT, Filter, PlanError, TablePlan
from copilot.tables.profile import TableProfile
from copilot.tables.store import ROW_COL, quote_ident
from copilot.tables.subject import row_has

_SQL_OPS = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_SQL_FNS = {"count": "COUNT", "sum": "SUM", "avg": "AVG", "min": "MIN", "max": "MAX"}
MAX_CITED_ROWS = 500


class ResolvedFilter(BaseModel):
    column: str
    op: str
    value: Any
    method: str = "number"
    matched: list[str] = Field(default_factory=list)


class QueryResult(BaseModel):
    """What a plan returned: result table, the data rows it used, how text values were resolved."""

    table: str
    columns: list[str]
    rows: list[list[Any]]
    row_ids: list[int]  # _row of every data row matched by the filters (capped)
    n_matched: int
    kind: str  # "rows" | "aggregate" | "grouped"
    filters: list[ResolvedFilter] = Field(default_factory=list)
    sql: str = ""
    params: list[Any] = Field(default_factory=list)
    truncated: bool = False


def _where(conn: sqlite3.Connection, plan: TablePlan, profile: TableProfile,
           matcher: ValueMatcher) -> tuple[str, list[Any], list[ResolvedFilter]]:
    clauses: list[str] = []
    params: list[Any] = []
    resolved: list[ResolvedFilter] = []
    for f in plan.filters:
        col = profile.column(f.column)
        if col is None:  # validate_plan guarantees this never happens; keep the executor safe anyway
            raise PlanError(f"unknown column {f.column!r}")
        q = quote_ident(col.name)
        if col.numeric:
            clauses.append(f"{q} {_SQL_OPS[f.op]} ?")
            params.append(f.value)
            resolved.append(ResolvedFilter(column=col.name, op=f.op, value=f.value))
            continue
        if f.match == "any_of":  # several exact values (a question naming several tags): their rows together
            parts = [matcher.resolve(v, _distinct(conn, profile.name, col.name), "exact", f.op)
                     for v in str(f.value).split(ANY_OF)]
            m = MatchResult(list(dict.fromkeys(v for part in parts for v in part.values)), "any_of")
        else:
            m = matcher.resolve(str(f.value), _distinct(conn, profile.name, col.name), f.match, f.op)
        resolved.append(ResolvedFilter(column=col.name, op=f.op, value=f.value, method=m.method, matched=m.values))
        marks = ", ".join("?" * len(m.values))
        if f.op == "!=":
            if m.values:
                clauses.append(f"({q} NOT IN ({marks}) OR {q} IS NULL)")
                params.extend(m.values)
        elif m.values:
            clauses.append(f"{q} IN ({marks})")
            params.extend(m.values)
        else:
            clauses.append("0")
    for name in plan.missing:
        clauses.append(f"({quote_ident(name)} IS NULL OR trim({quote_ident(name)}) = '')")
        resolved.append(ResolvedFilter(column=name, op="is empty", value="", method="missing"))
    if plan.period is not None:
        q = quote_ident(plan.period.column)
        for op, value in ((">=", plan.period.start), ("<", plan.period.end)):
            if value:
                clauses.append(f"{q} {op} ?")
                params.append(value)
                resolved.append(ResolvedFilter(column=plan.period.column, op=op, value=value, method="period"))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params, resolved


def _with_subject(conn: sqlite3.Connection, profile: TableProfile, where: str, params: list[Any],
                  subject: list[tuple[str, frozenset[str]]]) -> tuple[str, list[Any]]:
    """``where`` narrowed to the rows whose text columns hold every subject word."""
    text_cols = [c.name for c in profile.columns if not c.numeric]
    sel = ", ".join(quote_ident(c) for c in text_cols)
    rows = conn.execute(f"SELECT {ROW_COL}, {sel} FROM {quote_ident(profile.name)}{where}", params).fetchall()
    keep = sorted(r[0] for r in rows if row_has(subject, "\n".join(str(v) for v in r[1:] if v is not None)))
    clause = f"{ROW_COL} IN ({', '.join('?' * len(keep))})" if keep else "0"
    return (f"{where} AND {clause}" if where else f" WHERE {clause}"), [*params, *keep]


def _distinct(conn: sqlite3.Connection, table: str, column: str) -> list[str]:
    q = quote_ident(column)
    rows = conn.execute(f"SELECT DISTINCT {q} FROM {quote_ident(table)} WHERE {q} IS NOT NULL LIMIT 20000")
    return [str(r[0]) for r in rows.fetchall()]


def ungroup_by_key(plan: TablePlan, profile: TableProfile) -> None:
    """A total grouped by a column whose every value is its own row ("sum downtime per wo_number") is one total:
    the group is dropped so the answer states it (the planner grouped by the record id)."""
    col = profile.column(plan.group_by) if plan.group_by else None
    if col is None or plan.grain or plan.aggregate.fn in ("none", "count") or col.n_null or \
            col.n_distinct < profile.n_rows:
        return
    plan.group_by = None
    plan.order_by.column = None


def repair_filter_columns(conn: sqlite3.Connection, plan: TablePlan, profile: TableProfile,
                          matcher: ValueMatcher) -> None:
    """Move a text filter to another column when its value is absent from the chosen column but is an
    exact value of exactly one other text column ("Fuel Cooler" put on Component instead of Sub-Component)."""
    for f in plan.filters:
        col = profile.column(f.column)
        if col is None or col.numeric or f.op == "!=" or f.match == "any_of":
            continue
        contains = f.op == "contains"
        if matcher.exact(str(f.value), _distinct(conn, profile.name, col.name), contains):
            continue
        others = [c.name for c in profile.columns if not c.numeric and c.name != col.name
                  and matcher.exact(str(f.value), _distinct(conn, profile.name, c.name), contains)]
        whole = [c for c in others if matcher.exact(str(f.value), _distinct(conn, profile.name, c), False)]
        if len(others) == 1 or len(whole) == 1:
            f.column = whole[0] if len(whole) == 1 else others[0]
            if len(whole) == 1:
                f.op = "="
        elif not others:
            _split_value(conn, plan, profile, matcher, f, contains)


def refit_empty(conn: sqlite3.Connection, plan: TablePlan, profile: TableProfile, matcher: ValueMatcher,
                max_rows: int, subject: list[tuple[str, frozenset[str]]] | None = None) -> tuple[TablePlan, QueryResult]:
    """Execute ``plan``; when its filters together match no row, move one text filter to another text column
    that holds its value and where the filters then match ("radiator leaks": "leak" on the failure mode, not
    on the effect column the model chose), or else leave out a text filter whose words no cell holds. The first
    such plan in column order, else the plan as it was."""
    result = execute_plan(conn, plan, profile, matcher, max_rows, subject)
    if result.n_matched or len(plan.filters) < 2:
        return plan, result
    for i, f in enumerate(plan.filters):
        col = profile.column(f.column)
        if col is None or col.numeric or f.op == "!=" or f.match == "any_of":
            continue
        for other in profile.columns:
            if other.numeric or other.name == f.column or \
                    not matcher.exact(str(f.value), _distinct(conn, profile.name, other.name), f.op == "contains"):
                continue
            moved = plan.model_copy(deep=True)
            moved.filters[i].column = other.name
            tried = execute_plan(conn, moved, profile, matcher, max_rows, subject)
            if tried.n_matched:
                return moved, tried
    texts = [c.name for c in profile.columns if not c.numeric]
    for i, f in enumerate(plan.filters):  # words no cell holds ("wo_number contains 'raw water pump A'" beside
        col = profile.column(f.column)    # asset_tag = P-101, the tag those words were resolved to): left out
        if col is None or col.numeric or f.op == "!=" or f.match == "any_of" or any(
                matcher.exact(str(f.value), _distinct(conn, profile.name, c), True) for c in texts):
            continue
        dropped = plan.model_copy(deep=True)
        del dropped.filters[i]
        tried = execute_plan(conn, dropped, profile, matcher, max_rows, subject)
        if tried.n_matched:
            return dropped, tried
    return plan, result


def _split_value(conn: sqlite3.Connection, plan: TablePlan, profile: TableProfile, matcher: ValueMatcher,
                 f: Filter, contains: bool) -> None:
    """"Chiller Expansion Valve" on Failure Mode -> Equipment = "Chiller" and Failure Mode = "Expansion Valve",
    when the leading or trailing words are exactly a value of one other text column and the rest matches."""
    words = str(f.value).split()
    own = _distinct(conn, profile.name, f.column)
    texts = [c.name for c in profile.columns if not c.numeric and c.name != f.column]
    for k in range(1, len(words)):
        for part, rest in ((" ".join(words[:k]), " ".join(words[k:])), (" ".join(words[-k:]), " ".join(words[:-k]))):
            if not matcher.exact(rest, own, contains):
                continue
            homes = [c for c in texts if matcher.exact(part, _distinct(conn, profile.name, c), False)]
            if len(homes) == 1:
                f.value = rest
                plan.filters.append(Filter(column=homes[0], op="=", value=part, match="exact"))
                return


def _default_select(plan: TablePlan, profile: TableProfile) -> list[str]:
    if plan.select:
        return plan.select
    names = profile.column_names
    if len(names) <= 6:
        return names
    wanted = set(names[:4]) | {f.column for f in plan.filters}
    if plan.order_by.column and plan.order_by.column != RESULT:
        wanted.add(plan.order_by.column)
    return [n for n in names if n in wanted]


def execute_plan(conn: sqlite3.Connection, plan: TablePlan, profile: TableProfile, matcher: ValueMatcher,
                 max_rows: int = 50, subject: list[tuple[str, frozenset[str]]] | None = None) -> QueryResult:
    """Execute a plan already checked by ``validate_plan`` against ``profile``. ``subject``: words every matched
    row's text must hold as well (:mod:`copilot.tables.subject`)."""
    t = quote_ident(profile.name)
    where, params, resolved = _where(conn, plan, profile, matcher)
    if subject:
        where, params = _with_subject(conn, profile, where, params, subject)
        resolved.append(ResolvedFilter(column="record text", op="contains", value=" + ".join(w for w, _a in subject),
                                       method="words"))
    ids = [r[0] for r in conn.execute(f"SELECT {ROW_COL} FROM {t}{where} ORDER BY {ROW_COL}", params).fetchall()]
    base = {"table": profile.name, "row_ids": ids[:MAX_CITED_ROWS], "n_matched": len(ids), "filters": resolved}
    agg, order = plan.aggregate, plan.order_by
    direction = "DESC" if order.direction == "desc" else "ASC"
    limit = min(plan.limit or max_rows, max_rows)
    if agg.fn != "none":
        target = quote_ident(agg.column) if agg.column else "*"
        expr = f"{_SQL_FNS[agg.fn]}({'*' if agg.fn == 'count' and not agg.column else target})"
        label = f"{agg.fn}({agg.column})" if agg.column else "count"
        if plan.group_by:
            g = quote_ident(plan.group_by)
            if plan.grain:  # "per year": the date's first characters
                g = f"substr({g}, 1, {GRAIN_WIDTH[plan.grain]})"
            by = g if order.column == plan.group_by else "result"
            if order.column is None and agg.fn == "count":
                direction = "DESC"
            sql = (f"SELECT {g}, {expr} AS result, COUNT(*) AS n FROM {t}{where} GROUP BY {g} "
                   f"ORDER BY {by} {direction}, {g} LIMIT ?")
            rows = [list(r) for r in conn.execute(sql, [*params, limit + 1]).fetchall()]
            return QueryResult(columns=[plan.group_label, label, "rows"], rows=rows[:limit], kind="grouped", sql=sql,
                               params=params, truncated=len(rows) > limit, **base)
        sql = f"SELECT {expr}, COUNT(*) FROM {t}{where}"
        rows = [list(r) for r in conn.execute(sql, params).fetchall()]
        return QueryResult(columns=[label, "rows"], rows=rows, kind="aggregate", sql=sql, params=params, **base)
    cols = list(_default_select(plan, profile))
    ocol = order.column if order.column and order.column != RESULT else None
    if ocol and ocol not in cols:
        cols.append(ocol)
    order_sql = f" ORDER BY {quote_ident(ocol)} {direction}, {ROW_COL}" if ocol else f" ORDER BY {ROW_COL}"
    sel = ", ".join([ROW_COL, *(quote_ident(c) for c in cols)])
    sql = f"SELECT {sel} FROM {t}{where}{order_sql} LIMIT ?"
    fetched = [list(r) for r in conn.execute(sql, [*params, max_rows + 1]).fetchall()]
    rows = fetched[:limit]
    if ocol and plan.limit and len(fetched) > len(rows) and rows:
        k = 1 + cols.index(ocol)
        last = rows[-1][k]
        rows += [r for r in fetched[limit:] if r[k] == last]
    return QueryResult(columns=[ROW_COL, *cols], rows=rows, kind="rows", sql=sql, params=params,
                       truncated=len(fetched) > len(rows), **base)
