"""End to end with the real components: the shared FMEA sheet, the real embedder and the bundled 1.5B model."""

from __future__ import annotations

import pytest

from copilot.tables.service import TableQA
from copilot.tables.store import register_table_file


@pytest.mark.shared_data
def test_shared_csvs_load_with_bom_and_types(settings, shared_data):
    [fmea] = register_table_file(settings, shared_data / "fmea_haul_truck" / "fmea_haul_truck.csv", "fmea_haul_truck")
    assert fmea.n_rows == 330 and fmea.column("RPN").type == "integer" and fmea.column("RPN").max == 36
    [codes] = register_table_file(settings, shared_data / "assetops_chillers" / "failure_codes.csv", "failure_codes")
    assert codes.column_names[0] == "category"  # the UTF-8 BOM is not part of the header
    assert codes.column("category").values["Leaks and Seepage"] == 10


@pytest.mark.real_model
@pytest.mark.real_embedder
@pytest.mark.shared_data
def test_fmea_question_end_to_end(real_settings, real_llm, real_embedder, shared_data):
    register_table_file(real_settings, shared_data / "fmea_haul_truck" / "fmea_haul_truck.csv", "fmea_haul_truck")
    qa = TableQA(real_settings, real_llm, real_embedder)
    question = "Which haul truck sub-components have failure modes with an RPN of 32?"
    assert qa.needs_table(question)
    ans = qa.answer(question)
    assert ans is not None and not ans.empty
    for sub in ("Belts", "Electronic control unit (ECU)", "Activation System & Gauge"):
        assert sub in ans.text
    assert {c.chunk_id for c in ans.citations} >= {"fmea_haul_truck#row32", "fmea_haul_truck#row330"}
