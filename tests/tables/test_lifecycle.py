"""Tables live and die with their document; CSV dialects; formulas without cached values (issue 16 #6, #7)."""

from __future__ import annotations

import sqlite3

import openpyxl
import pytest

from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval.embedder import FakeEmbedder
from copilot.tables import lifecycle
from copilot.tables.store import db_path, list_profiles, register_table_file


def _ingest(settings, *paths, **kw):
    return ingest_paths(settings, list(paths), embedder=FakeEmbedder(384), progress=False, **kw)


def _all_tables(settings) -> set[str]:
    con = sqlite3.connect(db_path(settings))
    rows = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    return rows - {"_copilot_tables"}


def test_deleted_spreadsheet_takes_its_table_along(settings, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "confidential_costs.csv").write_text("Item,Cost\nseal,67890\n", encoding="utf-8")
    (kb / "parts.csv").write_text("Part,Qty\nbolt,4\n", encoding="utf-8")
    _ingest(settings, kb)
    assert {p.name for p in list_profiles(settings)} == {"confidential_costs", "parts"}
    (kb / "confidential_costs.csv").unlink()
    _ingest(settings, kb, prune=True)
    assert {p.name for p in list_profiles(settings)} == {"parts"} and _all_tables(settings) == {"parts"}


def test_staged_tables_are_invisible_until_committed(settings, tmp_path):
    csv = tmp_path / "costs.csv"
    csv.write_text("Item,Cost\nseal,1\n", encoding="utf-8")
    register_table_file(settings, csv, "costs", file_hash="h1")
    assert list_profiles(settings) == []
    assert lifecycle.sync(settings, {"other": "x"}) == {"committed": 0, "dropped": 1}
    register_table_file(settings, csv, "costs", file_hash="h1")
    assert lifecycle.sync(settings, {"costs": "h1"}) == {"committed": 1, "dropped": 0}
    assert [p.name for p in list_profiles(settings)] == ["costs"] and _all_tables(settings) == {"costs"}
    register_table_file(settings, csv, "manual")  # loaded by hand (copilot tables load): left alone
    lifecycle.sync(settings, {})
    assert {(p.name, p.doc_id) for p in list_profiles(settings)} == {("costs_2", "manual")}


def test_tables_from_before_the_lifecycle_go_with_their_document(settings, tmp_path):
    csv = tmp_path / "old.csv"
    csv.write_text("Item,Cost\nseal,67890\n", encoding="utf-8")
    register_table_file(settings, csv, "old")
    con = sqlite3.connect(db_path(settings))
    con.execute("UPDATE _copilot_tables SET state = 'live'")  # as stored by earlier versions
    con.commit()
    lifecycle.sync(settings, {"old": "h"})
    assert [p.name for p in list_profiles(settings)] == ["old"]
    lifecycle.sync(settings, {})
    assert list_profiles(settings) == [] and _all_tables(settings) == set()


@pytest.mark.parametrize("text", ["Tag;Mode;RPN\nP-101;Seal leak;120\nP-102;Bearing;80\n",
                                  "Tag\tMode\tRPN\nP-101\tSeal leak\t120\nP-102\tBearing\t80\n"])
def test_semicolon_and_tab_csv_are_split_into_columns(settings, tmp_path, text):
    csv = tmp_path / "fmea.csv"
    csv.write_text(text, encoding="utf-8")
    [p] = register_table_file(settings, csv, "fmea")
    assert p.column_names == ["Tag", "Mode", "RPN"] and p.column("RPN").type == "integer"


def test_formulas_without_cached_values_are_computed_or_marked(settings, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "FMEA"
    ws.append(["Mode", "S", "O", "D", "RPN", "Custom"])
    for i, (s, o, d) in enumerate([(7, 3, 2), (5, 5, 5), (9, 2, 4)], start=2):
        ws.append([f"mode {i}", s, o, d, f"=B{i}*C{i}*D{i}", f"=NOSUCHFUNCTION(B{i})"])
    path = tmp_path / "fmea.xlsx"
    wb.save(path)  # openpyxl stores no cached values: data_only reads None for every formula
    [p] = register_table_file(settings, path, "fmea")
    con = sqlite3.connect(db_path(settings))
    assert [r[0] for r in con.execute(f'SELECT "RPN" FROM "{p.name}" ORDER BY _row')] == [42, 125, 72]
    assert p.column("RPN").note is None and "could not be computed" in (p.column("Custom").note or "")
    report = _ingest(settings, path)
    [res] = report.files
    assert res.status == "added" and any("'Custom'" in w and "could not be computed" in w for w in res.warnings)
