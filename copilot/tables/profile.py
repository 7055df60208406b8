"""Column and table profiles: what the planner and the validator know about each table."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, Field

ColumnType = Literal["integer", "real", "text"]


class ColumnProfile(BaseModel):
    """Type and value summary of one column."""

    name: str
    type: ColumnType
    n_null: int = 0
    n_distinct: int = 0
    min: float | None = None
    max: float | None = None
    categorical: bool = False
    values: dict[str, int] = Field(default_factory=dict)  # distinct value -> count (categorical text only)
    samples: list[str] = Field(default_factory=list)
    note: str | None = None  # why values are missing, e.g. formulas that could not be computed

    @property
    def numeric(self) -> bool:
        return self.type in ("integer", "real")


class TableProfile(BaseModel):
    """One SQLite table made from a CSV file or an XLSX sheet."""

    name: str
    doc_id: str
    source: str = ""
    sheet: str | None = None
    n_rows: int = 0
    columns: list[ColumnProfile] = Field(default_factory=list)

    def column(self, name: str) -> ColumnProfile | None:
        """The column called ``name`` (exact, then case-insensitive), or None."""
        for c in self.columns:
            if c.name == name:
                return c
        low = name.strip().lower()
        return next((c for c in self.columns if c.name.lower() == low), None)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def describe(self, max_values: int = 12) -> str:
        """Compact text description for prompts: one line per column."""
        lines = [f"Table {self.name} ({self.n_rows} rows). Columns:"]
        for c in self.columns:
            if c.numeric:
                detail = f"number, {_fmt(c.min)} to {_fmt(c.max)}"
            elif c.categorical and c.values and sum(map(len, c.values)) / len(c.values) <= 40:
                vals = list(c.values)[:max_values]
                more = ", ..." if len(c.values) > max_values else ""
                detail = "text, values: " + "; ".join(vals) + more
            else:
                detail = "text, e.g. " + "; ".join(s[:40] for s in (c.samples or list(c.values))[:3])
            if c.note:
                detail += f" (incomplete: {c.note})"
            lines.append(f"- {c.name}: {detail}")
        return "\n".join(lines)


def _fmt(v: float | None) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def build_column_profile(name: str, type_: ColumnType, cells: list[Any], max_categorical: int) -> ColumnProfile:
    """Profile a column from its typed cells (None for blanks)."""
    vals = [v for v in cells if v is not None]
    prof = ColumnProfile(name=name, type=type_, n_null=len(cells) - len(vals), n_distinct=len(set(vals)))
    if type_ in ("integer", "real") and vals:
        prof.min, prof.max = float(min(vals)), float(max(vals))
        counts = Counter(vals)
        if len(counts) <= max_categorical:
            prof.values = {_fmt(float(k)): n for k, n in sorted(counts.items())}
        return prof
    counts = Counter(str(v) for v in vals)
    if counts and len(counts) <= max_categorical:
        prof.categorical = True
        prof.values = dict(counts.most_common())
    seen: list[str] = []
    for v in vals:
        if str(v) not in seen:
            seen.append(str(v))
        if len(seen) >= 5:
            break
    prof.samples = seen
    return prof
