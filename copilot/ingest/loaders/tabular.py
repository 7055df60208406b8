"""CSV and XLSX: one passage per data row, "column: value" pairs, file/sheet context in the title."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from copilot.ingest.models import LoadedDoc, LoadError
from copilot.ingest.textio import read_text
from copilot.tables.dialect import sniff_dialect
from copilot.tables.workbook import read_workbook
from copilot.types import Chunk


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _headers(raw: list[Any]) -> list[str]:
    out = []
    for i, h in enumerate(raw):
        name = _cell(h)
        out.append(name or f"column {i + 1}")
    return out


def row_text(headers: list[str], values: list[Any]) -> str:
    """Render one row as "column: value" lines, skipping empty cells."""
    lines = []
    for i, value in enumerate(values):
        text = _cell(value)
        if not text:
            continue
        name = headers[i] if i < len(headers) else f"column {i + 1}"
        lines.append(f"{name}: {' '.join(text.split())}")
    return "\n".join(lines)


def _rows_to_chunks(doc_id: str, title: str, headers: list[str], rows: list[list[Any]],
                    sheet: str | None = None) -> list[Chunk]:
    chunks = []
    prefix = f"{doc_id}#{sheet}#row" if sheet else f"{doc_id}#row"
    for n, values in enumerate(rows, start=1):
        text = row_text(headers, values)
        if not text:
            continue
        chunks.append(Chunk(id=f"{prefix}{n}", doc_id=doc_id, text=text, title=title, row=n, sheet=sheet))
    return chunks


def load_csv(path: Path) -> LoadedDoc:
    warnings: list[str] = []
    text = read_text(path, warnings)
    dialect = sniff_dialect(text)
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise LoadError(f"malformed CSV: {exc}") from exc
    rows = [r for r in rows if any(c.strip() for c in r)] if rows else rows
    if len(rows) < 2:
        raise LoadError("CSV has no data rows (a header and at least one row are needed)")
    headers = _headers(rows[0])
    title = f"{path.name} (CSV table)"
    chunks = _rows_to_chunks(path.stem, title, headers, rows[1:])
    return LoadedDoc(doc_id=path.stem, title=title, doc_type="table",
                     metadata={"format": "csv", "columns": headers, "rows": len(rows) - 1},
                     records=chunks, warnings=warnings)


def load_xlsx(path: Path) -> LoadedDoc:
    try:
        book = read_workbook(path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"not a valid XLSX workbook ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises assorted errors on bad input
        raise LoadError(f"cannot open XLSX ({type(exc).__name__}: {exc})") from exc
    chunks: list[Chunk] = []
    sheets: dict[str, int] = {}
    warnings: list[str] = []
    for ws in book:
        rows = [r for r in ws.rows if any(_cell(c) for c in r)]
        if len(rows) < 2:
            continue
        headers = _headers(rows[0])
        for j, note in sorted(ws.notes.items()):
            name = headers[j] if j < len(headers) else f"column {j + 1}"
            warnings.append(f"sheet {ws.title!r}, column {name!r}: {note}")
        title = f"{path.name} / sheet {ws.title}"
        chunks.extend(_rows_to_chunks(path.stem, title, headers, rows[1:], sheet=ws.title))
        sheets[ws.title] = len(rows) - 1
    if not chunks:
        raise LoadError("workbook has no sheet with a header row and data rows")
    return LoadedDoc(doc_id=path.stem, title=f"{path.name} (workbook)", doc_type="table",
                     metadata={"format": "xlsx", "sheets": list(sheets), "rows": sum(sheets.values())},
                     records=chunks, warnings=warnings)
