"""Heading-path field, defined-term index, calibrated score fusion and document-level ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval.fields import TermIndex, defined_terms, head_text
from copilot.retrieval.index import open_retriever
from copilot.retrieval.ranking import aggregate_documents, fuse, scale_dense, scale_lexical
from copilot.types import Chunk

GLOSSARY = """# Article 3: Definitions

(1) operator means a provider, deployer or distributor
(2) deployer means a natural or legal person using an AI system under its authority
(3) remote biometric identification system means an AI system for identifying people at a distance
(4) real-time remote biometric identification system means a remote biometric identification system without delay
"""
USES = """# Article 26: Obligations of deployers

Deployers shall use the system according to the instructions. The deployer shall monitor operation
and inform the provider. A deployer keeps logs. Deployers of systems ensure human oversight.
"""


def test_defined_terms_patterns() -> None:
    assert defined_terms(GLOSSARY)[:2] == ["operator", "deployer"]
    assert "real-time remote biometric identification system" in defined_terms(GLOSSARY)
    assert defined_terms('The term "MTBF" means mean time between failures.') == ["mtbf"]
    assert defined_terms("- **NPSH**: net positive suction head\n- **BEP**: best efficiency point") == ["npsh", "bep"]
    assert defined_terms(USES) == []


def test_term_index_matches_only_definitional_queries_and_prefers_longest_term() -> None:
    chunks = [Chunk(id="a", doc_id="a", text="(1) remote biometric identification system means X"),
              Chunk(id="b", doc_id="b", text="(2) real-time remote biometric identification system means Y"),
              Chunk(id="c", doc_id="c", text="(3) deployer means Z")]
    idx = TermIndex.build(chunks)
    got = idx.match("What does real-time remote biometric identification system mean in the Act?")
    assert got[1] == pytest.approx(1.0) and got.get(0, 0) < got[1]
    assert idx.match("What does deployer mean?") == {2: 1.0}
    assert idx.match("obligations of deployer for logging") == {}  # not a definitional question
    assert idx.match("What does deployer have to log and report to whom?") == {}  # term is a small part


def test_term_index_round_trip(tmp_path: Path) -> None:
    idx = TermIndex.build([Chunk(id="a", doc_id="a", text="(1) deployer means Z")])
    idx.save(tmp_path / "terms.json")
    assert TermIndex.load(tmp_path / "terms.json").terms == {"deployer": [0]}
    assert TermIndex.load(tmp_path / "missing.json").terms == {}


def test_head_text() -> None:
    assert head_text(Chunk(id="x", doc_id="d", text="t", title="Pumps", section="Alarms > E-204")) == \
        "Pumps > Alarms > E-204"


def test_scaling_and_fusion() -> None:
    assert scale_lexical(np.array([0.0, 2.0, 4.0])).tolist() == [0.0, 0.5, 1.0]
    assert scale_lexical(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert scale_dense({1: 0.2, 2: 0.6, 3: 0.4}) == pytest.approx({1: 0.0, 2: 1.0, 3: 0.5})
    fused = fuse({"bm25": {1: 1.0, 2: 0.1}, "dense": {1: 0.0, 2: 1.0}}, {"bm25": 1.0, "dense": 0.5})
    # A strong lexical lead survives a weak dense vote (plain RRF would tie these two).
    assert fused[1] > fused[2]


def test_document_aggregation() -> None:
    chunk_doc = np.array([0, 0, 0, 1])
    scores = {0: 0.9, 1: 0.8, 2: 0.7, 3: 1.0}
    assert aggregate_documents(scores, chunk_doc, "max") == {0: 0.9, 1: 1.0}
    dec = aggregate_documents(scores, chunk_doc, "decay", 0.5)
    assert dec[0] == pytest.approx(0.9 + 0.4 + 0.175) and dec[1] == 1.0
    with pytest.raises(ValueError, match="aggregation"):
        aggregate_documents(scores, chunk_doc, "mean")


@pytest.fixture
def act(settings: Settings, tmp_path: Path) -> Settings:
    kb = tmp_path / "act"
    kb.mkdir()
    (kb / "article-003.md").write_text(GLOSSARY, encoding="utf-8")
    (kb / "article-026.md").write_text(USES, encoding="utf-8")
    for i in range(10):
        (kb / f"article-1{i:02d}.md").write_text(f"# Article 1{i:02d}: Other\n\nUnrelated text {i} on fines.\n",
                                                 encoding="utf-8")
    ingest_paths(settings, [kb], progress=False)
    return settings


def test_definition_question_ranks_the_defining_document_first(act: Settings) -> None:
    ret = open_retriever(act)
    q = "What does deployer mean in the Act?"
    # Keyword-only ranking prefers the article that repeats the word; the term field fixes hybrid.
    assert [d for d, _, _ in ret.search_documents(q, k=3, mode="bm25")][0] == "article-026"
    docs = ret.search_documents(q, k=3, mode="hybrid")
    assert docs[0][0] == "article-003" and docs[0][2].chunk.doc_id == "article-003"
    assert docs[0][1] >= docs[1][1]
    hits = ret.search(q, k=2)
    assert hits[0].chunk.doc_id == "article-003" and "score" in hits[0].scores


def test_rrf_fusion_still_available(act: Settings) -> None:
    cfg = act.retrieval.model_copy(update={"fusion": "rrf"})
    ret = open_retriever(act.model_copy(update={"retrieval": cfg}))
    hits = ret.search("What does deployer mean?", k=3)
    assert hits and "rrf" in hits[0].scores


def test_filters_apply_to_document_ranking(act: Settings) -> None:
    ret = open_retriever(act)
    docs = ret.search_documents("deployer", k=5, filters={"doc_id": "article-026"})
    assert [d for d, _, _ in docs] == ["article-026"]
    assert ret.search_documents("deployer", k=5, filters={"doc_id": "nope"}) == []
