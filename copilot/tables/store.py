"""Tables as tables: CSV files and XLSX sheets loaded into SQLite with typed columns and profiles.

Each CSV file (or each XLSX sheet) becomes one SQLite table in ``<data_dir>/tables.sqlite3``.
Every table keeps a ``_row`` column: the 1-based data row number, matching the row passages
of the search index (chunk ids ``{doc_id}#row{n}`` for CSV, ``{doc_id}#{sheet}#row{n}`` for XLSX).
A metadata table ``_copilot_tables`` holds, per table, its document, source file, sheet and a
profile per column (type, min/max, distinct values with counts or sample values).

Tables of an ingested document live and die with it (see copilot.tables.lifecycle): the pipeline
loads them *staged* (invisible) with the file's content hash and makes them live only once the
index generation holding that document is published; a crash in between leaves staged tables that
the next ingest drops.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from copilot.config import Settings
from copilot.tables.dialect import sniff_dialect
from copilot.tables.profile import ColumnProfile, TableProfile, build_column_profile
from copilot.tables.workbook import read_workbook

META = "_copilot_tables"
ROW_COL = "_row"
STAGED_MARK = "__staged_"


class TableStoreError(ValueError):
    """A table file could not be loaded; the message names the file and the problem."""


def db_path(settings: Settings) -> Path:
    return settings.data_dir / "tables.sqlite3"


def connect(settings: Settings) -> sqlite3.Connection:
    """Open the tables database (created on first use) in autocommit mode; transactions are explicit."""
    path = db_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {META} (name TEXT PRIMARY KEY, doc_id TEXT NOT NULL, source TEXT, "
        "sheet TEXT, n_rows INTEGER, profile TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'live', file_hash TEXT)"
    )
    cols = {r[1] for r in conn.execute(f"PRAGMA table_info({META})")}
    if "state" not in cols:  # databases made before tables had a lifecycle
        conn.execute(f"ALTER TABLE {META} ADD COLUMN state TEXT NOT NULL DEFAULT 'live'")
        conn.execute(f"ALTER TABLE {META} ADD COLUMN file_hash TEXT")
    return conn


def quote_ident(name: str) -> str:
    """Quote an SQLite identifier (double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def sanitize_name(text: str) -> str:
    """Lower-case ASCII identifier: letters, digits and underscores, not starting with a digit."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower() or "table"
    if name[0].isdigit():
        name = "t_" + name
    return name[:60]


def clean_headers(raw: list[str]) -> list[str]:
    """Strip BOMs and blanks, name empty headers ``column_N`` and suffix duplicates ``_2``, ``_3``."""
    out: list[str] = []
    taken: set[str] = set()
    for i, h in enumerate(raw, start=1):
        name = re.sub(r"\s+", " ", str(h or "").replace("\ufeff", "")).strip() or f"column_{i}"
        if name.lower() == ROW_COL:
            name = f"{name}_data"
        base, k = name, 1
        while name.lower() in taken:
            k += 1
            name = f"{base}_{k}"
        taken.add(name.lower())
        out.append(name)
    return out


def _parse_cell(text: str) -> int | float | str | None:
    s = text.strip()
    if not s:
        return None
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", s):
        return float(s)
    return s


def _typed_columns(headers: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Decide each column's type (integer, real, text) and convert the cells accordingly."""
    parsed = [[_parse_cell(str(c)) if c is not None else None for c in r] for r in rows]
    types: list[str] = []
    for j in range(len(headers)):
        vals = [r[j] for r in parsed if r[j] is not None]
        if vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            types.append("integer")
        elif vals and all(isinstance(v, int | float) for v in vals):
            types.append("real")
        else:
            types.append("text")
    for r, orig in zip(parsed, rows, strict=True):
        for j, t in enumerate(types):
            if r[j] is None:
                continue
            if t == "real":
                r[j] = float(r[j])  # type: ignore[arg-type]
            elif t == "text":
                r[j] = re.sub(r"\s+", " ", str(orig[j])).strip()
    return types, parsed


def _read_csv(path: Path) -> list[tuple[str | None, list[list[Any]], dict[int, str]]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    try:
        rows = list(csv.reader(io.StringIO(text), sniff_dialect(text)))
    except csv.Error as exc:
        raise TableStoreError(f"{path}: malformed CSV: {exc}") from exc
    return [(None, rows, {})]


def _read_xlsx(path: Path) -> list[tuple[str | None, list[list[Any]], dict[int, str]]]:
    try:
        sheets = read_workbook(path)
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise TableStoreError(f"{path}: cannot open workbook: {exc}") from exc
    return [(s.title, [["" if c is None else c for c in r] for r in s.rows], s.notes) for s in sheets]


def _table_name(conn: sqlite3.Connection, base: str, doc_id: str) -> str:
    """A name not used by any stored table (the caller dropped ``doc_id``'s old tables first)."""
    name, n = base, 1
    while True:
        row = conn.execute(f"SELECT doc_id FROM {META} WHERE name = ?", (name,)).fetchone()
        if row is None:
            return name
        n += 1
        name = f"{base}_{n}"


def register_table_file(settings: Settings, path: Path | str, doc_id: str, source: str | None = None,
                        *, file_hash: str | None = None) -> list[TableProfile]:
    """Load a CSV file or every XLSX sheet into SQLite, replacing earlier tables of ``doc_id`` atomically.

    With ``file_hash`` the tables are *staged*: stored but invisible, and the live tables of
    ``doc_id`` stay as they are until ``copilot.tables.lifecycle.sync`` commits them (the ingest
    pipeline does so after publishing the index). Returns the profiles of the tables created.
    Raises TableStoreError for unreadable files or unsupported formats; the stored tables are
    unchanged in that case.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheets = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        sheets = _read_xlsx(path)
    else:
        raise TableStoreError(f"{path}: not a CSV or XLSX file")
    max_cat = settings.tables.max_categorical
    conn = connect(settings)
    profiles: list[TableProfile] = []
    try:
        conn.execute("BEGIN IMMEDIATE")
        _drop_doc(conn, doc_id, "staged" if file_hash else None)
        for sheet, rows, notes in sheets:
            rows = [r for r in rows if any(str(c).strip() for c in r)]
            if not rows:
                continue
            headers = clean_headers([str(h) for h in rows[0]])
            width = len(headers)
            body = [(list(r) + [""] * width)[:width] for r in rows[1:]]
            types, typed = _typed_columns(headers, body)
            base = sanitize_name(path.stem if sheet is None else f"{path.stem}_{sheet}")
            name = (f"{base}{STAGED_MARK}{secrets.token_hex(4)}" if file_hash
                    else _table_name(conn, base, doc_id))
            cols = ", ".join(f"{quote_ident(h)} {t.upper()}" for h, t in zip(headers, types, strict=True))
            conn.execute(f"CREATE TABLE {quote_ident(name)} ({ROW_COL} INTEGER PRIMARY KEY, {cols})")
            marks = ", ".join("?" * (width + 1))
            conn.executemany(f"INSERT INTO {quote_ident(name)} VALUES ({marks})",
                             [[i, *r] for i, r in enumerate(typed, start=1)])
            columns: list[ColumnProfile] = [
                build_column_profile(h, t, [r[j] for r in typed], max_cat)
                for j, (h, t) in enumerate(zip(headers, types, strict=True))
            ]
            for j, note in notes.items():
                if j < len(columns):
                    columns[j].note = note
            prof = TableProfile(name=name, doc_id=doc_id, source=source or str(path), sheet=sheet,
                                n_rows=len(typed), columns=columns)
            conn.execute(f"INSERT INTO {META} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (name, doc_id, prof.source, sheet, prof.n_rows, prof.model_dump_json(),
                          "staged" if file_hash else "manual", file_hash))
            profiles.append(prof)
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return profiles


def _drop_doc(conn: sqlite3.Connection, doc_id: str, state: str | None = None) -> None:
    """Drop the tables of ``doc_id`` (only those in ``state`` when given)."""
    cond, args = ("doc_id = ? AND state = ?", (doc_id, state)) if state else ("doc_id = ?", (doc_id,))
    for (name,) in conn.execute(f"SELECT name FROM {META} WHERE {cond}", args).fetchall():
        conn.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
    conn.execute(f"DELETE FROM {META} WHERE {cond}", args)


def remove_document_tables(settings: Settings, doc_id: str) -> None:
    """Drop every table that came from ``doc_id`` (for deleted documents)."""
    conn = connect(settings)
    try:
        conn.execute("BEGIN IMMEDIATE")
        _drop_doc(conn, doc_id)
        conn.execute("COMMIT")
    finally:
        conn.close()


def list_profiles(settings: Settings) -> list[TableProfile]:
    """Profiles of every loaded table, ordered by name (empty when no table was ever loaded)."""
    if not db_path(settings).exists():
        return []
    conn = connect(settings)
    try:
        rows = conn.execute(f"SELECT profile FROM {META} WHERE state != 'staged' ORDER BY name").fetchall()
    finally:
        conn.close()
    return [TableProfile.model_validate(json.loads(r[0])) for r in rows]
