"""Compose the answer text deterministically from an executed query (no model-written numbers).

The text says what was searched, gives the result as a sentence, a compact Markdown table or a
list, cites the data rows used with markers [1], [2] ... and says plainly when nothing matched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from copilot.tables.execute import QueryResult
from copilot.tables.plan import ANY_OF, TablePlan
from copilot.tables.profile import TableProfile
from copilot.tables.store import ROW_COL, quote_ident
from copilot.types import Citation

MAX_AGG_CITATIONS = 8
MAX_LISTED = 15
WHOLE_ROWS = 3  # an aggregate over this many rows or fewer lists them whole


def fmt_value(v: Any) -> str:
    """Numbers rounded sensibly (integers stay integers, others 2 decimals), None as blank."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.2f}".rstrip("0").rstrip(".") if abs(v) >= 0.01 else f"{v:.3g}"
    return str(v).replace("|", "/").replace("\n", " ")


def noun(profile: TableProfile) -> str:
    """What one row of the table is, for sentences: failure mode, work order, or record."""
    names = " ".join(profile.column_names).lower()
    if "wo_id" in names or "work order" in names:
        return "work order"
    if "failure mode" in names:
        return "failure mode"
    if "code" in names:
        return "failure code"
    return "record"


def plural(word: str, n: int) -> str:
    return word if n == 1 else word + "s"


def describe_filters(result: QueryResult) -> str:
    parts = []
    for f in result.filters:
        if f.method == "number":
            parts.append(f"{f.column} {f.op} {fmt_value(f.value)}")
            continue
        if f.method == "any_of":
            parts.append(f"{f.column} {'naming' if f.op == 'contains' else 'one of'} "
                         f"{', '.join(str(f.value).split(ANY_OF))}")
            continue
        if f.method == "missing":
            parts.append(f"no {f.column}")
            continue
        if f.method == "period":
            parts.append(f"{f.column} {'on or after' if f.op == '>=' else 'before'} {f.value}")
            continue
        op = "contains" if f.op == "contains" else f.op
        text = f'{f.column} {op} "{f.value}"'
        if f.method in ("fuzzy", "semantic") and f.matched:
            shown = "; ".join(f.matched[:4]) + ("; ..." if len(f.matched) > 4 else "")
            text += f" ({f.method} match: {shown})"
        parts.append(text)
    return " and ".join(parts)


def row_citation(marker: int, profile: TableProfile, row: dict[str, Any]) -> Citation:
    n = int(row[ROW_COL])
    cid = f"{profile.doc_id}#row{n}" if profile.sheet is None else f"{profile.doc_id}#{profile.sheet}#row{n}"
    text = "; ".join(f"{k}: {fmt_value(v)}" for k, v in row.items() if k != ROW_COL and v not in (None, ""))
    return Citation(marker=marker, chunk_id=cid, doc_id=profile.doc_id, title=Path(profile.source).name or profile.name,
                    row=n, sheet=profile.sheet, source=profile.source, text=text)


def _fetch_rows(conn: sqlite3.Connection, profile: TableProfile, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    cur = conn.execute(f"SELECT * FROM {quote_ident(profile.name)} WHERE {ROW_COL} IN ({marks}) ORDER BY {ROW_COL}", ids)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def markdown_table(columns: list[str], rows: list[list[Any]]) -> str:
    head = "| " + " | ".join(columns) + " |"
    sep = "|" + "---|" * len(columns)
    body = ["| " + " | ".join(fmt_value(v) for v in r) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def compose(conn: sqlite3.Connection, plan: TablePlan, profile: TableProfile,
            result: QueryResult) -> tuple[str, list[Citation]]:
    """Answer text and citations for ``result``; never adds a value that is not in the result."""
    what = noun(profile)
    where = describe_filters(result)
    cond = f" with {where}" if where else ""
    if result.n_matched == 0:
        return f"No {what} of that kind is recorded in {profile.name}{cond}. None is recorded.", []
    if result.kind == "rows":
        ids = [int(r[0]) for r in result.rows]
    elif result.kind == "aggregate" and result.n_matched <= MAX_LISTED:
        ids = result.row_ids
    elif plan.group_by and result.truncated:  # "which asset had the most downtime": the rows behind the groups shown
        shown = {fmt_value(r[0]) for r in result.rows}
        ids = [int(r[ROW_COL]) for r in _fetch_rows(conn, profile, result.row_ids)
               if fmt_value(plan.group_key(r.get(plan.group_by))) in shown][:MAX_AGG_CITATIONS]
    else:
        ids = result.row_ids[:MAX_AGG_CITATIONS]
    full = _fetch_rows(conn, profile, ids)
    citations = [row_citation(i, profile, r) for i, r in enumerate(full, start=1)]
    marker = {int(r[ROW_COL]): i for i, r in enumerate(full, start=1)}
    refs = " ".join(f"[{c.marker}]" for c in citations)
    n = result.n_matched
    head = f"{n} {plural(what, n)} in {profile.name}{cond}"
    if result.kind == "rows":
        cols = result.columns[1:]
        rows = [[*r[1:], f"[{marker[int(r[0])]}]"] for r in result.rows]
        if len(full) <= WHOLE_ROWS and len(full) == len(result.rows):  # a few rows: every column that has a value
            cols = [c for c in profile.column_names if any(r.get(c) not in (None, "") for r in full)]
            by_id = {int(r[ROW_COL]): r for r in full}
            rows = [[*(by_id[i].get(c) for c in cols), f"[{marker[i]}]"] for i in ids]  # in the ranking's order
        order = plan.order_by.column
        lead = f"{head}" + (f", by {order} ({plan.order_by.direction})" if order else "") + ":"
        more = f"\nShowing {len(rows)} of {n}." if len(rows) < n else ""
        ranked = [r for i in ids for r in full if int(r[ROW_COL]) == i]  # in the ranking's order
        top = _top(plan, profile, ranked, marker) if plan.limit == 1 and n > 1 else ""
        return f"{top}{lead}\n\n{markdown_table([*cols, 'Source'], rows)}{more}", citations
    if result.kind == "aggregate":
        value, count = result.rows[0][0], result.rows[0][1]
        fn, col = plan.aggregate.fn, plan.aggregate.column
        if fn == "count":
            text = f"{fmt_value(value)} {plural(what, int(value or 0))} in {profile.name}{cond}. {refs}"
        elif count == 1:  # "RPN of the turbocharger leaking failure mode": one row's value, not an average
            text = f"{col} is {fmt_value(value)} for the one {what} in {profile.name}{cond}. {refs}"
        else:
            word = {"avg": "average", "sum": "total", "min": "minimum", "max": "maximum"}[fn]
            text = (f"The {word} {col} over {count} {plural(what, int(count))} in {profile.name}{cond} is "
                    f"{fmt_value(value)}. {refs}")
        return (text + _listing(full, marker, profile, n, len(citations))).strip(), citations
    fn, col = plan.aggregate.fn, plan.aggregate.column
    if fn == "count" and len(result.rows) == n and all(r[1] == 1 for r in result.rows):  # one row per group: a count
        text = f"{n} {plural(what, n)} in {profile.name}{cond}. {refs}"
        return (text + _listing(full, marker, profile, n, len(citations))).strip(), citations
    label = "count" if fn == "count" else f"{ {'avg': 'average', 'sum': 'total'}.get(fn, fn)} {col}".strip()
    lead = f"{label.capitalize()} per {plan.group_label} over {head}:"
    rows = [[r[0], r[1], r[2]] for r in result.rows]
    table = markdown_table([plan.group_label, label, "rows"], rows)
    more = "\n(More groups not shown.)" if result.truncated else ""
    if n <= MAX_LISTED:  # "how many EM work orders and on what kit": the work orders themselves, not only per-group counts
        return f"{lead}\n\n{table}{more}{_listing(full, marker, profile, n, len(citations))}", citations
    if plan.group_by and result.truncated and full:  # the shown groups' own rows
        return f"{lead}\n\n{table}{more}{_listing(full, marker, profile, len(full), len(citations))}", citations
    return f"{lead}\n\n{table}{more}\n\nRows cited: {refs}", citations


# a column's unit written in its name: "lead_time_days", "downtime_h", "rated_power_kw"
_UNIT_SUFFIX = {"days": "days", "d": "days", "h": "h", "hours": "h", "min": "min", "kw": "kW", "mm": "mm", "kg": "kg",
                "l": "L", "bar": "bar", "pct": "%", "percent": "%", "eur": "EUR", "usd": "USD", "weeks": "weeks"}


def with_unit(column: str, value: Any) -> str:
    """``value`` with the unit its column's name ends in ("lead_time_days" 70 -> "70 days"), else as formatted."""
    unit = _UNIT_SUFFIX.get(column.lower().rsplit("_", 1)[-1]) if "_" in column else None
    text = fmt_value(value)
    return f"{text} {unit}" if unit and text and unit != "%" else f"{text}{unit}" if unit and text else text


def _top(plan: TablePlan, profile: TableProfile, ranked: list[dict[str, Any]], marker: dict[int, int]) -> str:
    """"Highest lead_time_days: 70 days (SP-1005) [1]." before the rows of a ranking kept to its first (ties kept)."""
    order = plan.order_by.column
    if not order or order == "result" or not ranked or order not in ranked[0]:
        return ""
    key = profile.column_names[0]
    value = ranked[0].get(order)
    named = ", ".join(f"{fmt_value(r.get(key))} [{marker[int(r[ROW_COL])]}]" for r in ranked if r.get(order) == value)
    word = "Highest" if plan.order_by.direction == "desc" else "Lowest"
    return f"{word} {order}: {with_unit(order, value)} ({named}).\n\n"


def _listing(full: list[dict[str, Any]], marker: dict[int, int], profile: TableProfile, n: int, cited: int) -> str:
    """The rows behind an aggregate, cited: every column of up to ``WHOLE_ROWS`` rows (GB-401's oil row with its
    interval), the first four columns of up to ``MAX_LISTED``; a note when only some rows are cited."""
    if n <= MAX_LISTED and full:
        key = profile.column_names if n <= WHOLE_ROWS else profile.column_names[:4]
        lines = [f"- {', '.join(fmt_value(r[k]) for k in key if r.get(k) not in (None, ''))} "
                 f"[{marker[int(r[ROW_COL])]}]" for r in full]
        return "\n\n" + "\n".join(lines)
    return f"\n(First {cited} of {n} rows cited.)" if n > cited else ""
