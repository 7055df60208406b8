"""The hybrid retriever: FAISS (dense) + BM25 (body and heading fields) + exact codes + defined terms.
Fused by calibrated scores (default) or weighted RRF; see copilot.retrieval.candidates and .ranking.

``open_retriever(settings)`` returns a retriever over the generation that ``index_dir/CURRENT``
names; each search checks the pointer (one ``stat``) and reloads when a new generation is published.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

from copilot.config import Settings
from copilot.retrieval import faiss_store
from copilot.retrieval.base import Filters
from copilot.retrieval.bm25 import BM25Index
from copilot.retrieval.candidates import Lexical, score_candidates
from copilot.retrieval.embedder import Embedder, build_embedder
from copilot.retrieval.fields import TermIndex
from copilot.retrieval.ranking import aggregate_documents, top_ids
from copilot.retrieval.rerank import Reranker, blend, judge
from copilot.retrieval.segmented import SegmentedGeneration
from copilot.retrieval.store import POINTER, SEGMENTS, RetrievalIndexError, current_generation
from copilot.types import Chunk, Hit

MODES = ("hybrid", "dense", "bm25")
log = logging.getLogger(__name__)


class _Generation:
    """Everything loaded from one immutable generation directory."""

    def __init__(self, gen: Path) -> None:
        self.path = gen
        self.con = sqlite3.connect(f"file:{gen / 'chunks.sqlite'}?mode=ro", uri=True, check_same_thread=False)
        self.meta = dict(self.con.execute("SELECT key, value FROM meta").fetchall())
        self.count = int(self.meta.get("count", 0))
        self.dim = int(self.meta.get("dim", 0))
        self.chunk_doc = np.zeros(self.count, dtype=np.int32)
        rows = self.con.execute("SELECT idx, doc_ord FROM chunks").fetchall()
        if rows:
            arr = np.asarray(rows, dtype=np.int64)
            self.chunk_doc[arr[:, 0]] = arr[:, 1]
        self.vectors = np.load(gen / "vectors.npy", mmap_mode="r")
        self.faiss = faiss_store.load(gen / "faiss.index")
        self.bm25 = BM25Index.load(gen / "bm25", self.count)
        self.alive: np.ndarray | None = None  # every chunk is live in a single-segment generation
        # Generations written before the heading field and term index existed load without them.
        self.head = BM25Index.load(gen / "bm25_head", self.count) if (gen / "bm25_head").exists() else None
        self.terms = TermIndex.load(gen / "terms.json")
        self.lock = threading.Lock()

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        with self.lock:
            return self.con.execute(sql, params).fetchall()

    def close(self) -> None:
        self.con.close()


class HybridRetriever:
    """Implements the Retriever protocol of copilot.retrieval.base."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, reranker: Reranker | None = None) -> None:
        self.settings = settings
        self.index_dir = settings.index_dir
        self._embedder = embedder
        self.reranker = reranker  # used when retrieval.rerank is not "off" (attached by the model's owner)
        self._gen: _Generation | None = None
        self._pointer_sig: tuple[int, int, int] | None = None
        self._lock = threading.Lock()
        self._facets: dict[tuple[str, str, tuple[str, ...]], np.ndarray] = {}
        self._refresh()

    # -- loading -------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = build_embedder(self.settings)
        return self._embedder

    def _refresh(self) -> None:
        try:
            st = os.stat(self.index_dir / POINTER)
            sig = (st.st_mtime_ns, st.st_ino, st.st_size)
        except OSError:
            sig = None
        if sig == self._pointer_sig and (self._gen is not None or sig is None):
            return
        with self._lock:
            gen = current_generation(self.index_dir)
            if gen is None:
                self._gen, self._pointer_sig = None, sig
                return
            if self._gen is None or self._gen.path != gen:
                self._gen = SegmentedGeneration(gen) if (gen / SEGMENTS).exists() else _Generation(gen)  # type: ignore[assignment]
            self._pointer_sig = sig

    @property
    def generation(self) -> str:
        self._refresh()
        return self._gen.path.name if self._gen else ""

    def _check_embedder(self, gen: _Generation) -> None:
        if gen.dim and self.embedder.dim != gen.dim:
            raise RetrievalIndexError(
                f"index in {gen.path} was built with embedder {gen.meta.get('embedder')} (dim {gen.dim}) but "
                f"the configured embedder {self.embedder.name} has dim {self.embedder.dim}; "
                "run `copilot ingest --rebuild`")

    # -- filters -------------------------------------------------------------
    def _allowed(self, gen: _Generation, filters: Filters | None) -> np.ndarray | None:
        if not filters:
            return gen.alive
        doc_mask = np.ones(int(gen.chunk_doc.max(initial=0)) + 1, dtype=bool)
        for key, value in filters.items():
            values = tuple(sorted({str(v).strip().lower() for v in (value if isinstance(value, list | tuple)
                                                                     else [value])}))
            doc_mask &= self._facet_docs(gen, key, values, len(doc_mask))
        ids = np.flatnonzero(doc_mask[gen.chunk_doc])  # O(chunks), no sort
        if gen.alive is not None:
            ids = np.intersect1d(ids, gen.alive, assume_unique=True)
        # A filter that every live chunk passes is no filter (a facet all documents share).
        return gen.alive if len(ids) == (gen.count if gen.alive is None else len(gen.alive)) else ids

    def _facet_docs(self, gen: _Generation, key: str, values: tuple[str, ...], size: int) -> np.ndarray:
        """Mask of the documents having ``key`` in ``values``; a generation never changes, so the
        mask is kept (a facet shared by 50k documents costs ~20-60 ms of SQLite per query at 1M chunks)."""
        cache_key = (str(gen.path), key, values)
        mask = self._facets.get(cache_key)
        if mask is None:
            marks = ",".join("?" * len(values))
            rows = gen.query(f"SELECT DISTINCT doc_ord FROM facets WHERE key = ? AND value IN ({marks})",
                             [key, *values])
            ords = np.fromiter((r[0] for r in rows), dtype=np.int64)
            mask = np.zeros(size, dtype=bool)
            mask[ords[ords < size]] = True
            if len(self._facets) >= 256:
                self._facets.clear()
            self._facets[cache_key] = mask
        return mask

    # -- retrievers ----------------------------------------------------------
    def _score(self, gen: _Generation, query: str, mode: str, n: int,
               allowed: np.ndarray | None) -> tuple[dict[int, float], np.ndarray | None, Lexical, dict[int, int]]:
        qvec = None
        if mode in ("hybrid", "dense"):
            self._check_embedder(gen)
            qvec = self.embedder.embed([query])[0]
        return score_candidates(gen, self.settings.retrieval, query, qvec, mode, n, allowed)

    # -- public API ----------------------------------------------------------
    def search(self, query: str, *, k: int | None = None, mode: str | None = None,
               filters: Filters | None = None) -> list[Hit]:
        """Best ``k`` chunks for ``query`` (see copilot.retrieval.base.Retriever.search)."""
        cfg = self.settings.retrieval
        k = k or cfg.k
        mode = self._mode(mode)
        gen, allowed = self._prepare(query, filters)
        if gen is None:
            return []
        scores, qvec, lexical, matched = self._score(gen, query, mode, max(cfg.candidates, k), allowed)
        if self._reranking():
            rows = top_ids(scores, cfg.rerank_candidates)
            scores = blend(scores, judge(self.reranker, query, self._passages(gen, rows)),  # type: ignore[arg-type]
                           cfg.rerank_weight)
        final = [(i, scores[i]) for i in top_ids(scores, k)]
        return self._hits(gen, final, qvec, lexical, matched, mode)

    def search_documents(self, query: str, *, k: int = 10, mode: str | None = None,
                         filters: Filters | None = None) -> list[tuple[str, float, Hit]]:
        """Best ``k`` documents: (doc_id, score, best passage). Chunk scores of each document are
        aggregated (``retrieval.doc_aggregate``: max = best passage, decay = best passage plus a
        decaying share of the next two) over ``retrieval.doc_candidates`` candidates per retriever."""
        cfg = self.settings.retrieval
        mode = self._mode(mode)
        gen, allowed = self._prepare(query, filters)
        if gen is None:
            return []
        scores, qvec, lexical, matched = self._score(gen, query, mode, max(cfg.doc_candidates, k), allowed)
        docs = aggregate_documents(scores, gen.chunk_doc, cfg.doc_aggregate, cfg.doc_decay)
        best: dict[int, int] = {}
        for i in top_ids(scores, len(scores)):
            best.setdefault(int(gen.chunk_doc[i]), i)
        if self._reranking():  # judge each of the best documents by its best passage
            judged = top_ids(docs, cfg.rerank_candidates)
            rel = judge(self.reranker, query, self._passages(gen, [best[d] for d in judged]))  # type: ignore[arg-type]
            docs = blend(docs, {d: rel[best[d]] for d in judged if best[d] in rel}, cfg.rerank_weight)
        order = top_ids(docs, k)
        hits = self._hits(gen, [(best[d], scores[best[d]]) for d in order], qvec, lexical, matched, mode)
        return [(h.chunk.doc_id, docs[d], h) for d, h in zip(order, hits, strict=True)]

    def _reranking(self) -> bool:
        if self.settings.retrieval.rerank == "off":
            return False
        if self.reranker is None:
            log.warning("retrieval.rerank=%s but no judge is attached; the fused order is kept",
                        self.settings.retrieval.rerank)
            return False
        return True

    def _passages(self, gen: _Generation, rows: list[int]) -> dict[int, str]:
        """What the judge reads per candidate row: title > section and the start of the passage."""
        if not rows:
            return {}
        data = dict(gen.query(f"SELECT idx, data FROM chunks WHERE idx IN ({','.join('?' * len(rows))})", rows))
        limit = self.settings.retrieval.rerank_max_chars
        return {i: Chunk.model_validate_json(data[i]).embed_text()[:limit] for i in rows if i in data}

    def _mode(self, mode: str | None) -> str:
        mode = mode or self.settings.retrieval.mode
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
        return mode

    def _prepare(self, query: str, filters: Filters | None) -> tuple[_Generation | None, np.ndarray | None]:
        self._refresh()
        gen = self._gen
        if gen is None or gen.count == 0 or not query.strip():
            return None, None
        allowed = self._allowed(gen, filters)
        if allowed is not None and len(allowed) == 0:
            return None, None
        return gen, allowed

    def _hits(self, gen: _Generation, final: list[tuple[int, float]], qvec: np.ndarray | None,
              bm25_scores: Lexical, matched: dict[int, int], mode: str) -> list[Hit]:
        if not final:
            return []
        ids = [i for i, _ in final]
        marks = ",".join("?" * len(ids))
        rows = dict(gen.query(f"SELECT idx, data FROM chunks WHERE idx IN ({marks})", ids))
        hits = []
        for rank, (i, score) in enumerate(final, start=1):
            scores: dict[str, float] = {}
            if qvec is not None:
                scores["dense"] = float(np.dot(np.asarray(gen.vectors[i], dtype=np.float32), qvec))
            if mode != "dense":
                scores["bm25"] = float(bm25_scores[i])
            if matched.get(i):
                scores["exact"] = float(matched[i])
            if mode == "hybrid":
                scores[self.settings.retrieval.fusion] = score
            hits.append(Hit(chunk=Chunk.model_validate_json(rows[i]), score=score, rank=rank, scores=scores))
        return hits

    def get_chunk(self, chunk_id: str) -> Chunk:
        self._refresh()
        if self._gen is None:
            raise KeyError(chunk_id)
        rows = self._gen.query("SELECT data FROM chunks WHERE id = ?", (chunk_id,))
        if not rows:
            raise KeyError(chunk_id)
        return Chunk.model_validate_json(rows[0][0])

    def count(self) -> int:
        self._refresh()
        if self._gen is None:
            return 0
        return self._gen.count if self._gen.alive is None else len(self._gen.alive)

    def texts(self) -> list[str]:
        """The text of every chunk of the current generation (a vocabulary read from the corpus: its site names)."""
        self._refresh()
        if self._gen is None:
            return []
        return [Chunk.model_validate_json(d).text for (d,) in self._gen.query("SELECT data FROM chunks")]

    def documents(self) -> list[dict[str, Any]]:
        """One dict per document: doc_id, title, doc_type, source, revision, chunks, metadata."""
        self._refresh()
        if self._gen is None:
            return []
        rows = self._gen.query(
            "SELECT doc_id, title, doc_type, source, revision, chunks, metadata FROM docs ORDER BY doc_id")
        return [{"doc_id": r[0], "title": r[1], "doc_type": r[2], "source": r[3], "revision": r[4],
                 "chunks": r[5], "metadata": json.loads(r[6] or "{}")} for r in rows]


def open_retriever(settings: Settings, embedder: Embedder | None = None,
                   reranker: Reranker | None = None) -> HybridRetriever:
    """Open the hybrid retriever over ``settings.index_dir`` (empty results until something is ingested);
    ``reranker`` is the judge of the optional rerank stage (``retrieval.rerank``)."""
    return HybridRetriever(settings, embedder, reranker)
