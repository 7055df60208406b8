"""Reading XLSX values, computing formulas that have no cached value (library ``formulas``).

Workbooks written by Excel store each formula's last value; those written by scripts (openpyxl,
pandas) often do not, and ``data_only`` then reads None. Such cells are computed here with the
well-kept ``formulas`` library (an Excel formula parser and compiler) from the other cells' values;
a cell that cannot be computed stays empty and its column is named in ``Sheet.notes`` so the
loader can warn and the table profile can mark it. Formulas are compiled once per relative shape
(``=E2*F2`` and ``=E3*F3`` share one compiled function), so a 5,000-row column costs one compile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FORMULA_CELLS = 20_000
_REF = re.compile(r"\$?([A-Z]{1,3})(\$?)(\d+)")
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass
class Sheet:
    title: str
    rows: list[list[Any]]
    notes: dict[int, str] = field(default_factory=dict)  # 0-based column -> why some values are missing


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


class _Evaluator:
    """Computes formula cells of one workbook; ``grids`` maps upper-cased sheet title -> rows (1-based)."""

    def __init__(self, grids: dict[str, list[list[Any]]]) -> None:
        self.grids = grids
        self.compiled: dict[str, Any] = {}

    def _value(self, sheet: str, row: int, col: int) -> Any:
        import schedula

        rows = self.grids.get(sheet)
        if rows is None:
            raise KeyError(sheet)
        if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
            value = rows[row - 1][col - 1]
            if isinstance(value, _Pending):
                raise LookupError("depends on an uncomputed formula")
            return schedula.EMPTY if value is None or value == "" else value
        return schedula.EMPTY

    def _resolve(self, name: str, sheet: str, delta: int, anchored: set[tuple[str, int]]) -> Any:
        import numpy as np

        if "!" in name:
            sheet, name = name.rsplit("!", 1)
            sheet = sheet.strip("'").upper()
        ends = []
        for part in name.split(":"):
            m = _CELL.match(part)
            if not m:
                raise LookupError(f"unsupported reference {part}")
            col, row = m.group(1), int(m.group(2))
            ends.append((_col_index(col), row if (col, row) in anchored else row + delta))
        if len(ends) == 1:
            return self._value(sheet, ends[0][1], ends[0][0])
        (c1, r1), (c2, r2) = ends
        return np.array([[self._value(sheet, r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)],
                        dtype=object)

    def compute(self, formula: str, sheet: str, row: int) -> Any:
        import formulas
        from formulas.tokens.operand import XlError

        key = _REF.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) if m.group(2) else int(m.group(3)) - row}",
                       formula)
        refs = [(m.group(1), int(m.group(3)), bool(m.group(2))) for m in _REF.finditer(formula)]
        anchored = {(c, r) for c, r, fixed in refs if fixed}
        if any((c, r) in anchored for c, r, fixed in refs if not fixed):
            key = f"{sheet}!{row}!{formula}"  # E2 and $E$2 in one formula: no sharing between rows
        entry = self.compiled.get(key)
        if entry is None:
            try:
                func = formulas.Parser().ast(formula)[1].compile()
            except Exception as exc:  # noqa: BLE001 - remember unsupported formulas, do not re-parse them
                func = exc
            entry = self.compiled[key] = (func, row, anchored)
        func, base_row, anchored = entry
        if isinstance(func, Exception):
            raise ValueError(f"cannot compile {formula}: {func}"[:120])
        args = [self._resolve(name, sheet, row - base_row, anchored) for name in func.inputs]
        value = func(*args)
        value = value.item() if hasattr(value, "item") and getattr(value, "size", 1) == 1 else value
        if isinstance(value, XlError):
            raise ArithmeticError(str(value))
        if hasattr(value, "tolist"):
            raise LookupError("formula returns an array")
        return value


class _Pending:
    def __init__(self, formula: str) -> None:
        self.formula = formula


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet's rows (cached values, or computed where a formula has none). Raises openpyxl errors."""
    import openpyxl

    values = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in values.worksheets}
    finally:
        values.close()
    pending = _formula_cells(path, grids)
    sheets = [Sheet(title, rows) for title, rows in grids.items()]
    if pending:
        _compute(sheets, pending)
    return sheets


def _formula_cells(path: Path, grids: dict[str, list[list[Any]]]) -> list[tuple[str, int, int]]:
    """Mark cells holding a formula without a cached value as _Pending; return their positions."""
    if not any(v is None for rows in grids.values() for r in rows for v in r):
        return []
    import openpyxl

    wb = openpyxl.load_workbook(str(path), read_only=True, data_only=False)
    out: list[tuple[str, int, int]] = []
    try:
        for ws in wb.worksheets:
            rows = grids[ws.title]
            for i, r in enumerate(ws.iter_rows(values_only=True)):
                for j, v in enumerate(r):
                    if (isinstance(v, str) and v.startswith("=") and i < len(rows) and j < len(rows[i])
                            and rows[i][j] is None):
                        rows[i][j] = _Pending(v)
                        out.append((ws.title, i, j))
    finally:
        wb.close()
    return out


def _compute(sheets: list[Sheet], pending: list[tuple[str, int, int]]) -> None:
    grids = {s.title: s.rows for s in sheets}
    ev = _Evaluator({t.upper(): rows for t, rows in grids.items()})
    failures: dict[tuple[str, int], list[str]] = {}
    todo = pending[:MAX_FORMULA_CELLS]
    for _ in range(5):  # formulas that depend on other computed formulas resolve in later passes
        waiting = []
        for title, i, j in todo:
            cell = grids[title][i][j]
            try:
                grids[title][i][j] = ev.compute(cell.formula, title.upper(), i + 1)
            except LookupError:
                waiting.append((title, i, j))
            except Exception as exc:  # noqa: BLE001 - formulas raises many kinds for unsupported functions
                grids[title][i][j] = None
                failures.setdefault((title, j), []).append(f"{type(exc).__name__}: {exc}"[:80])
        if len(waiting) == len(todo):
            break
        todo = waiting
    for title, i, j in todo + pending[MAX_FORMULA_CELLS:]:
        grids[title][i][j] = None
        failures.setdefault((title, j), []).append("could not be computed")
    by_title = {s.title: s for s in sheets}
    for (title, j), errs in failures.items():
        by_title[title].notes[j] = (f"{len(errs)} formula cell(s) without a cached value could not be "
                                    f"computed and are empty (first: {errs[0]})")
