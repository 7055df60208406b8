"""A tiny in-memory retriever for graph tests (dense cosine with the fake embedder, doc_type filters)."""

from __future__ import annotations

import numpy as np

from copilot.retrieval.embedder import FakeEmbedder
from copilot.types import Chunk, Hit


def chunk(cid: str, title: str, text: str, doc_type: str = "manual", section: str = "", revision: str = "A") -> Chunk:
    return Chunk(id=cid, doc_id=cid.split("#")[0], title=title, section=section, text=text, doc_type=doc_type,
                 revision=revision, source=f"{cid.split('#')[0]}.md")


DEFAULT_CHUNKS = [
    chunk("TG-PUMP#1", "Troubleshooting Guide - Centrifugal Pumps", "Cavitation in pump P-101 shows as noise and "
          "vibration at the suction. Check suction pressure and NPSH margin first. Then inspect the strainer for blockage.",
          section="Cavitation", revision="D"),
    chunk("TG-PUMP#2", "Troubleshooting Guide - Centrifugal Pumps", "High bearing temperature on a pump is caused by "
          "misalignment, over-greasing or a worn bearing. Check the coupling alignment and replace the bearing if worn.",
          section="Bearings", revision="D"),
    chunk("SOP-LOTO#1", "SOP - Lockout Tagout", "Before hands-on work, isolate all energy sources, apply lockout tagout "
          "locks and verify zero energy. A permit to work is required.", doc_type="sop", section="Isolation"),
    chunk("PB-002#1", "AI Readiness Dimensions and Maturity Model", "Readiness is scored on six dimensions: strategy, "
          "data, infrastructure, people, governance and measurement. Each dimension is scored from 1 to 5.",
          doc_type="playbook", section="Dimensions"),
    chunk("CL-004#1", "AI Governance Review Checklist", "Classify each AI use case under the EU AI Act. Safety "
          "components of machinery are high-risk under Annex I. Worker management systems are high-risk under Annex III.",
          doc_type="checklist", section="Classification"),
]


class StaticRetriever:
    """In-memory Retriever: cosine similarity over FakeEmbedder vectors, optional doc_type filter."""

    def __init__(self, chunks: list[Chunk] | None = None) -> None:
        self.chunks = list(chunks if chunks is not None else DEFAULT_CHUNKS)
        self.embedder = FakeEmbedder(384)
        self.vectors = self.embedder.embed([c.embed_text() for c in self.chunks]) if self.chunks else np.zeros((0, 384))
        self.queries: list[tuple[str, dict | None]] = []

    def search(self, query, *, k=None, mode=None, filters=None):
        self.queries.append((query, filters))
        if not self.chunks:
            return []
        q = self.embedder.embed([query])[0]
        sims = self.vectors @ q
        hits = []
        for i in np.argsort(-sims):
            c = self.chunks[i]
            if filters and "doc_type" in filters:
                allowed = filters["doc_type"]
                allowed = [allowed] if isinstance(allowed, str) else allowed
                if c.doc_type not in allowed:
                    continue
            if filters and "doc_id" in filters and c.doc_id != filters["doc_id"]:
                continue
            hits.append(Hit(chunk=c, score=float(sims[i]), rank=len(hits) + 1, scores={"dense": float(sims[i])}))
        return hits[: k or 6]

    def get_chunk(self, chunk_id):
        for c in self.chunks:
            if c.id == chunk_id:
                return c
        raise KeyError(chunk_id)

    def count(self):
        return len(self.chunks)

    def documents(self):
        docs = {}
        for c in self.chunks:
            d = docs.setdefault(c.doc_id, {"doc_id": c.doc_id, "title": c.title, "doc_type": c.doc_type,
                                           "source": c.source, "revision": c.revision, "chunks": 0})
            d["chunks"] += 1
        return list(docs.values())
