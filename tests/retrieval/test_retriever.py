"""Hybrid retriever: modes, fusion, exact code match, filters, dense scores, reload, documents."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval import store
from copilot.retrieval.embedder import FakeEmbedder
from copilot.retrieval.fusion import rrf
from copilot.retrieval.index import open_retriever
from copilot.retrieval.store import RetrievalIndexError
from copilot.retrieval.tokenize import codes_in_query, codes_in_text, tokenize

DOCS = {
    "pump-sop.md": """---
id: pump-sop
title: Pump restart procedure
doc_type: sop
site: north
equipment: [P-101, P-102]
---
## Restart
1. Open suction valve.
2. Vent casing.
""",
    "pump-alarms.md": """---
id: pump-alarms
title: Pump alarm list
doc_type: manual
site: south
equipment: [P-101]
---
## Alarms
Alarm E-204 means low suction pressure on the pump. Alarm E-205 means high vibration.
""",
    "chiller.md": """---
id: chiller-guide
title: Chiller condenser cleaning
doc_type: manual
site: north
equipment: CH-01
---
## Condenser
Clean condenser tubes to remove fouling; high approach temperature indicates fouling.
""",
}
FILLER = "General maintenance note {i} about lubrication schedules and housekeeping of the plant floor."


@pytest.fixture
def index(settings: Settings, tmp_path: Path) -> Settings:
    kb = tmp_path / "kb"
    kb.mkdir()
    for name, text in DOCS.items():
        (kb / name).write_text(text, encoding="utf-8")
    for i in range(30):
        (kb / f"note-{i}.md").write_text(f"# Note {i}\n\n{FILLER.format(i=i)}\n", encoding="utf-8")
    ingest_paths(settings, [kb], progress=False)
    return settings


def test_tokenizer_keeps_codes() -> None:
    toks = tokenize("Alarm E-204 on P-101A pumps leaking")
    assert "e-204" in toks and "p-101a" in toks and "pump" in toks and "leak" in toks
    assert codes_in_query("what is e-204 and p101?") == ["E204", "P101"]
    assert codes_in_text("tag MT010b and WO259747 and CH-01") == {"MT010B", "WO259747", "CH01"}


def test_rrf_weights() -> None:
    fused = rrf({"dense": [1, 2], "bm25": [2, 3], "exact": [3]}, {"dense": 1, "bm25": 1, "exact": 2}, 60)
    assert max(fused, key=fused.get) == 3  # exact match weight lifts id 3
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)


def test_modes_and_dense_score_on_every_hit(index: Settings) -> None:
    ret = open_retriever(index)
    for mode in ("hybrid", "dense"):
        hits = ret.search("condenser fouling cleaning", k=3, mode=mode)
        assert hits[0].chunk.doc_id == "chiller-guide"
        assert all("dense" in h.scores and -1.0 <= h.scores["dense"] <= 1.0 for h in hits)
        assert [h.rank for h in hits] == [1, 2, 3]
    bm = ret.search("condenser fouling cleaning", k=3, mode="bm25")
    assert bm[0].chunk.doc_id == "chiller-guide" and "dense" not in bm[0].scores
    with pytest.raises(ValueError, match="unknown retrieval mode"):
        ret.search("x", mode="magic")


def test_exact_code_match_wins(index: Settings) -> None:
    ret = open_retriever(index)
    hits = ret.search("what does e-205 mean", k=3)
    assert hits[0].chunk.doc_id == "pump-alarms" and hits[0].scores["exact"] == 1.0
    # a code with no hyphen in the query still matches the hyphenated code in the text
    assert ret.search("E205", k=1)[0].chunk.doc_id == "pump-alarms"


def test_filters(index: Settings) -> None:
    ret = open_retriever(index)
    hits = ret.search("pump", k=10, filters={"doc_type": "sop"})
    assert {h.chunk.doc_id for h in hits} == {"pump-sop"}
    hits = ret.search("pump", k=10, filters={"equipment": "p-101", "site": "south"})
    assert {h.chunk.doc_id for h in hits} == {"pump-alarms"}
    hits = ret.search("maintenance", k=10, filters={"site": ["north", "south"]})
    assert {h.chunk.doc_id for h in hits} <= {"pump-sop", "pump-alarms", "chiller-guide"}
    assert ret.search("pump", filters={"site": "mars"}) == []
    # the filter applies before the cut: a weak match of the allowed doc still comes back
    hits = ret.search("lubrication schedules housekeeping", k=2, filters={"equipment": "CH-01"})
    assert [h.chunk.doc_id for h in hits] == ["chiller-guide"]


def test_documents_and_get_chunk(index: Settings) -> None:
    ret = open_retriever(index)
    docs = {d["doc_id"]: d for d in ret.documents()}
    assert docs["pump-sop"]["doc_type"] == "sop" and docs["pump-sop"]["chunks"] == 1
    assert docs["chiller-guide"]["metadata"]["equipment"] == "CH-01"
    chunk = ret.get_chunk("pump-sop#restart#1")
    assert "2. Vent casing." in chunk.text
    with pytest.raises(KeyError):
        ret.get_chunk("nope")


def test_empty_index(settings: Settings) -> None:
    ret = open_retriever(settings)
    assert ret.count() == 0 and ret.search("anything") == [] and ret.documents() == []


def test_embedder_mismatch_is_a_clear_error(index: Settings) -> None:
    ret = open_retriever(index, FakeEmbedder(64))
    with pytest.raises(RetrievalIndexError, match="--rebuild"):
        ret.search("pump")
    assert ret.search("pump", mode="bm25")  # keyword search still works


def test_reader_sees_new_generation_and_writers_serialise(index: Settings, tmp_path: Path) -> None:
    ret = open_retriever(index)
    before = ret.count()
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "gearbox.md").write_text("# Gearbox\n\nGearbox oil change every 2000 hours.\n", encoding="utf-8")
    done = threading.Event()

    def write() -> None:
        ingest_paths(index, [extra], progress=False)
        done.set()

    with store.writer_lock(index.index_dir):
        t = threading.Thread(target=write)
        t.start()
        time.sleep(0.5)
        assert not done.is_set() and ret.count() == before  # the second writer waits for the lock
    t.join(30)
    assert done.is_set() and ret.count() == before + 1
    assert ret.search("gearbox oil change", k=1)[0].chunk.doc_id == "gearbox"


def test_hnsw_index(settings: Settings, tmp_path: Path) -> None:
    settings.retrieval.faiss_index = "hnsw"
    kb = tmp_path / "kb"
    kb.mkdir()
    for name, text in DOCS.items():
        (kb / name).write_text(text, encoding="utf-8")
    ingest_paths(settings, [kb], progress=False)
    ret = open_retriever(settings)
    assert ret.search("condenser fouling", k=1, mode="dense")[0].chunk.doc_id == "chiller-guide"
    assert ret.search("condenser", k=3, mode="dense", filters={"doc_type": "sop"})[0].chunk.doc_id == "pump-sop"


def test_filter_every_document_passes_is_no_filter(index: Settings) -> None:
    ret = open_retriever(index, FakeEmbedder(index.embedder.fake_dim))
    gen = ret._gen
    docs = [r[0] for r in gen.query("SELECT DISTINCT value FROM facets WHERE key = 'doc_id'")]
    assert ret._allowed(gen, {"doc_id": docs}) is None  # nothing to restrict: searched unfiltered
    some = ret._allowed(gen, {"doc_id": docs[0]})
    assert some is not None and 0 < len(some) < gen.count
    assert ret.search("pump", k=5, filters={"doc_id": docs}) == ret.search("pump", k=5)
