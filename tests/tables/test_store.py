"""Loading CSV/XLSX into SQLite: types, BOM, blank cells, headers, profiles, atomic replace."""

from __future__ import annotations

import sqlite3

import openpyxl
import pytest

from copilot.tables.store import (
    TableStoreError,
    clean_headers,
    db_path,
    list_profiles,
    register_table_file,
    remove_document_tables,
    sanitize_name,
)


def test_profile_types_bom_and_headers(loaded):
    settings, p = loaded
    assert p.name == "mini_fmea"
    assert p.n_rows == 6  # the blank row is skipped
    assert p.column_names[0] == "Subsystem"  # BOM stripped
    assert p.column_names[-1] == "column_10"  # empty header named
    types = {c.name: c.type for c in p.columns}
    assert types["Severity"] == "integer" and types["RPN"] == "integer"
    assert types["Detection"] == "real"
    assert types["Failure Mode"] == "text"
    rpn = p.column("rpn")
    assert (rpn.min, rpn.max) == (4.0, 27.0)
    sub = p.column("Subsystem")
    assert sub.categorical and sub.values == {"Power Unit": 4, "Hydraulic System": 2}
    notes = p.column("Notes")
    assert notes.n_null == 5


def test_rows_numbered_like_the_search_index(loaded):
    settings, p = loaded
    conn = sqlite3.connect(db_path(settings))
    rows = conn.execute('SELECT _row, "Sub-Component", "Detection" FROM mini_fmea ORDER BY _row').fetchall()
    assert rows[0] == (1, "Fuel Tank", 2.0)
    assert rows[-1] == (6, "Hose", 1.5)
    assert conn.execute('SELECT COUNT(*) FROM mini_fmea WHERE "Notes" IS NULL').fetchone()[0] == 5


def test_duplicate_and_empty_headers():
    assert clean_headers(["A", "a", "", "A", "_row"]) == ["A", "a_2", "column_3", "A_3", "_row_data"]
    assert sanitize_name("3 Chiller (v2).csv") == "t_3_chiller_v2_csv"


def test_reingest_replaces_and_bad_file_keeps_old(settings, fmea_csv, tmp_path):
    register_table_file(settings, fmea_csv, "mini")
    fmea_csv.write_text("Subsystem,RPN\nA,1\n", encoding="utf-8")
    [p] = register_table_file(settings, fmea_csv, "mini")
    assert p.n_rows == 1 and [x.name for x in list_profiles(settings)] == ["mini_fmea"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TableStoreError):
        register_table_file(settings, bad, "mini")
    assert list_profiles(settings)[0].n_rows == 1
    remove_document_tables(settings, "mini")
    assert list_profiles(settings) == []


def test_same_stem_other_document_gets_new_name(settings, fmea_csv):
    register_table_file(settings, fmea_csv, "doc_a")
    [p] = register_table_file(settings, fmea_csv, "doc_b")
    assert p.name == "mini_fmea_2"


def test_xlsx_one_table_per_sheet(settings, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pumps"
    ws.append(["Tag", "Flow"])
    ws.append(["P-101", 12.5])
    ws.append([None, None])
    ws.append(["P-102", 7])
    ws2 = wb.create_sheet("Empty")
    ws2.append([None])
    path = tmp_path / "plant.xlsx"
    wb.save(path)
    [p] = register_table_file(settings, path, "plant")
    assert p.name == "plant_pumps" and p.sheet == "Pumps" and p.n_rows == 2
    assert p.column("Flow").type == "real"
