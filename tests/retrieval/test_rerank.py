"""Optional rerank stage: blending, a failing judge, and the retriever with a fake judge (and the real model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval.index import open_retriever
from copilot.retrieval.rerank import blend, judge

DOCS = {
    "pump.md": "# Pump P-101 seal leak\n\nA leaking mechanical seal on pump P-101 is replaced after isolating the pump.",
    "valve.md": "# Valve V-7 maintenance\n\nThe pump seal is not covered here; valve V-7 packing is tightened yearly.",
    "motor.md": "# Motor M-3 bearings\n\nMotor bearings are greased every 2000 hours; the pump seal is checked too.",
}


class KeywordJudge:
    """Fake judge: relevance 1 for passages containing ``word``, else 0; records what it was shown."""

    name = "fake"

    def __init__(self, word: str) -> None:
        self.word, self.seen = word, []

    def relevance(self, query: str, passages: list[str]) -> list[float]:
        self.seen.append((query, list(passages)))
        return [1.0 if self.word in p.lower() else 0.0 for p in passages]


class BrokenJudge:
    name = "broken"

    def relevance(self, query: str, passages: list[str]) -> list[float]:
        raise RuntimeError("model gone")


def _retriever(settings: Settings, tmp_path: Path, **retrieval):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    cfg = settings.model_copy(update={"retrieval": settings.retrieval.model_copy(update=retrieval)})
    ingest_paths(cfg, [folder], progress=False)
    return open_retriever(cfg)


def test_blend_keeps_fused_order_without_judgement_and_lifts_judged() -> None:
    scores = {1: 2.0, 2: 1.0, 3: 0.5}
    assert blend(scores, {}, 0.5) == {1: 0.5, 2: 0.25, 3: 0.125}
    lifted = blend(scores, {3: 1.0, 1: 0.0}, 0.5)
    assert sorted(lifted, key=lambda k: -lifted[k]) == [3, 1, 2]
    assert blend({}, {1: 1.0}, 0.5) == {}


def test_judge_failures_keep_the_fused_order() -> None:
    assert judge(BrokenJudge(), "q", {1: "a"}) == {}
    short = KeywordJudge("x")
    short.relevance = lambda q, p: [1.0]  # type: ignore[method-assign]
    assert judge(short, "q", {1: "a", 2: "b"}) == {}
    assert judge(KeywordJudge("bearing"), "q", {4: "Motor bearings", 5: "pump"}) == {4: 1.0, 5: 0.0}


def test_rerank_reorders_chunks_and_documents(settings: Settings, tmp_path: Path) -> None:
    off = _retriever(settings, tmp_path, rerank="off")
    query = "pump seal"
    base = [h.chunk.doc_id for h in off.search(query, k=3)]
    assert base[0] == "pump"
    ret = open_retriever(off.settings.model_copy(update={"retrieval": off.settings.retrieval.model_copy(
        update={"rerank": "llm", "rerank_candidates": 3, "rerank_weight": 0.8})}), reranker=KeywordJudge("bearings"))
    assert ret.search(query, k=3)[0].chunk.doc_id == "motor"
    query_seen, passages = ret.reranker.seen[-1]
    assert query_seen == query and len(passages) == 3 and all(len(p) <= 600 for p in passages)
    assert ret.search_documents(query, k=3)[0][0] == "motor"
    broken = open_retriever(ret.settings, reranker=BrokenJudge())
    assert [h.chunk.doc_id for h in broken.search(query, k=3)] == base  # blended, same order
    assert [h.chunk.doc_id for h in open_retriever(ret.settings).search(query, k=3)] == base  # no judge attached


@pytest.mark.real_model
def test_real_model_judges_an_answering_passage_higher(real_llm) -> None:
    from copilot.llm.relevance import LLMRelevance

    judge_ = LLMRelevance(real_llm)
    query = "How often are the motor bearings greased?"
    rel = judge_.relevance(query, ["Motor bearings are greased every 2000 hours with lithium grease.",
                                   "The valve packing is tightened once a year during the shutdown.",
                                   "Motor bearings are greased every 2000 hours with lithium grease."])
    assert len(rel) == 3 and all(0.0 <= r <= 1.0 for r in rel)
    assert rel[0] > rel[1] + 0.2  # the answering passage is judged clearly more relevant
    assert rel[0] == pytest.approx(rel[2], abs=0.02)  # the same passage after another one on the cached prefix
    assert real_llm.chat([{"role": "user", "content": "Reply with the single word: pump"}],
                         max_tokens=8, temperature=0).text.strip()  # the chat path still works after scoring
