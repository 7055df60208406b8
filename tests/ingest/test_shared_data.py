"""Every kind of file in ../shared/data goes through the ordinary ingestion path (real embedder).

The 4,248-row work-order CSV is covered by bench/bench_ingest.py (too slow for a unit test on 2 cores).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval.index import open_retriever

SMALL_CHILLER = ("component.csv", "failure_codes.csv", "failure_mode.csv", "meter.csv",
                 "primary_failure_codes.csv", "anomaly_to_failure_code_mapping.csv")


@pytest.mark.shared_data
@pytest.mark.real_embedder
def test_shared_data_ingests(settings: Settings, shared_data: Path, real_embedder) -> None:
    settings.tables.enabled = False
    paths = [shared_data / "nist_ai_rmf_playbook" / "docs", shared_data / "eu_ai_act" / "docs",
             shared_data / "fmea_haul_truck" / "fmea_haul_truck.csv",
             *(shared_data / "assetops_chillers" / name for name in SMALL_CHILLER)]
    report = ingest_paths(settings, paths, embedder=real_embedder, progress=False)
    assert report.failed == []
    assert report.count("added") == 72 + 135 + 1 + len(SMALL_CHILLER)
    ret = open_retriever(settings, real_embedder)
    docs = {d["doc_id"]: d for d in ret.documents()}
    assert {"govern-1-1", "annex-01", "fmea_haul_truck", "failure_codes"} <= set(docs)
    assert docs["fmea_haul_truck"]["chunks"] == 329
    row = ret.get_chunk("fmea_haul_truck#row1")
    assert row.row == 1 and "Subsystem: Power Unit" in row.text
    hit = ret.search("Legal and regulatory requirements involving AI are understood", k=1)[0]
    assert hit.chunk.doc_id == "govern-1-1"
    code_hit = ret.search("what is failure code M005c", k=3)
    assert code_hit[0].scores.get("exact") and "M005c" in code_hit[0].chunk.text
