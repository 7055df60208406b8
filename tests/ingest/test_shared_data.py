"""Everything in ../shared/data goes through the ordinary ingestion path.

The full set (all docs folders, the FMEA and every chiller CSV including the 4,248 work orders)
is ingested with the fake embedder so the test stays fast on 2 cores; the real MiniLM embedder is
exercised on the NIST MEASURE documents plus a chiller code table (bench/bench_ingest.py times the rest).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval.index import open_retriever


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for r in csv.reader(fh) if any(c.strip() for c in r)) - 1


@pytest.mark.shared_data
def test_all_shared_data_ingests(settings: Settings, shared_data: Path) -> None:
    settings.tables.enabled = False
    paths = [shared_data / "nist_ai_rmf_playbook" / "docs", shared_data / "eu_ai_act" / "docs",
             shared_data / "fmea_haul_truck", shared_data / "assetops_chillers"]
    report = ingest_paths(settings, paths, progress=False)
    assert report.failed == []
    expected = [f for p in paths for f in p.rglob("*") if f.suffix in (".md", ".csv")]
    assert len(expected) >= 72 + 135 + 1 + 7  # docs, FMEA, chiller tables (plus NOTICE.md files)
    assert report.count("added") == len(expected)
    ret = open_retriever(settings)
    docs = {d["doc_id"]: d for d in ret.documents()}
    assert docs["fmea_haul_truck"]["chunks"] == _rows(shared_data / "fmea_haul_truck" / "fmea_haul_truck.csv")
    wo = shared_data / "assetops_chillers" / "all_wo_with_code_component_events.csv"
    assert docs[wo.stem]["chunks"] == _rows(wo) > 4000
    first = ret.get_chunk(f"{wo.stem}#row1")
    assert first.row == 1 and "wo_id: WO259747" in first.text
    hit = ret.search("work order WO259747", k=1)[0]
    assert hit.chunk.id == f"{wo.stem}#row1" and hit.scores["exact"] == 1.0
    article = ret.search("definitions of terms used in this regulation", k=5, mode="bm25")
    assert article and all(h.chunk.source for h in article)


@pytest.mark.shared_data
@pytest.mark.real_embedder
def test_shared_data_with_real_embedder(settings: Settings, shared_data: Path, real_embedder) -> None:
    settings.tables.enabled = False
    measure = sorted((shared_data / "nist_ai_rmf_playbook" / "docs").glob("measure-*.md"))
    paths = [*measure, shared_data / "assetops_chillers" / "failure_codes.csv"]
    report = ingest_paths(settings, paths, embedder=real_embedder, progress=False)
    assert report.failed == [] and report.count("added") == len(measure) + 1 > 10
    ret = open_retriever(settings, real_embedder)
    hit = ret.search("AI risks connected to deployment context informed by domain experts", k=1)[0]
    assert hit.chunk.doc_id == "measure-4-1" and hit.scores["dense"] > 0.4
    code_hit = ret.search("what is failure code M005c", k=3)
    assert code_hit[0].scores.get("exact") and "M005c" in code_hit[0].chunk.text
