"""Reading a generation made of append-only segments as one index (see copilot.retrieval.store).

Global chunk ids are the segments' ids laid end to end. The first (base) segment's FAISS index is
loaded and the later segments' vectors are added to it in memory; the SQLite files are attached to
one connection behind temporary views named like the tables (``chunks``, ``docs``, ``facets``,
``codes``), so the retriever's queries run unchanged; chunks of dead files are left out of the
views and of ``alive``. BM25: the base keeps its own scores; the chunks of later segments (few, by
the compaction policy) are scored here with the base's document frequencies added to theirs, so
their scores stay comparable to the base's.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from copilot.retrieval import faiss_store
from copilot.retrieval.bm25 import BM25Index
from copilot.retrieval.fields import TermIndex, head_text
from copilot.retrieval.store import segments
from copilot.retrieval.tokenize import tokenize
from copilot.types import Chunk

MAX_SEGMENTS = 8  # SQLite attaches at most 10 databases; the pipeline compacts before this


class _Stacked:
    """Row access over the segments' vector files without copying them."""

    def __init__(self, parts: list[np.ndarray]) -> None:
        self.parts = parts
        self.starts = np.cumsum([0] + [len(p) for p in parts])

    def __getitem__(self, i: int) -> np.ndarray:
        k = int(np.searchsorted(self.starts, i, side="right")) - 1
        return self.parts[k][i - self.starts[k]]

    def __len__(self) -> int:
        return int(self.starts[-1])


class _DeltaBM25:
    """BM25 (Lucene variant, bm25s defaults) for the later segments' chunks, with the base's statistics."""

    def __init__(self, base: BM25Index, texts: list[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.base, self.k1, self.b = base, k1, b
        self.docs = [Counter(tokenize(t)) for t in texts]
        self.lens = np.asarray([sum(d.values()) for d in self.docs], dtype=np.float32)
        self.avgdl = float(self.lens.mean()) if len(self.lens) else 1.0
        self.df = Counter(t for d in self.docs for t in d)

    def _base_df(self, token: str) -> int:
        model = self.base.model
        if model is None or token not in model.vocab_dict:
            return 0
        tid = model.vocab_dict[token]
        ptr = model.scores["indptr"]
        return int(ptr[tid + 1] - ptr[tid])

    def scores(self, query: str) -> np.ndarray:
        n = self.base.size + len(self.docs)
        out = np.zeros(len(self.docs), dtype=np.float32)
        for token in set(tokenize(query)):
            df = self.df.get(token, 0)
            if not df:
                continue
            df += self._base_df(token)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for i, doc in enumerate(self.docs):
                tf = doc.get(token, 0)
                if tf:
                    out[i] += idf * tf / (tf + self.k1 * (1 - self.b + self.b * self.lens[i] / self.avgdl))
        return out


class _StackedBM25:
    def __init__(self, base: BM25Index, delta: _DeltaBM25, base_count: int) -> None:
        self.base, self.delta, self.base_count = base, delta, base_count

    def scores(self, query: str) -> np.ndarray:
        base = self.base.scores(query) if self.base_count else np.zeros(0, dtype=np.float32)
        return np.concatenate([np.asarray(base, dtype=np.float32)[: self.base_count], self.delta.scores(query)])


class SegmentedGeneration:
    """Same attributes and ``query`` as copilot.retrieval.index._Generation, over several segments."""

    def __init__(self, gen: Path) -> None:
        self.path = gen
        segs = segments(gen)
        self.con = sqlite3.connect("file::memory:", uri=True, check_same_thread=False)
        self.con.execute("CREATE TEMP TABLE dead (seg INTEGER, file TEXT)")
        counts, doc_counts, views = [], [], {"chunks": [], "docs": [], "facets": [], "codes": []}
        off = doff = 0
        dead_ids: list[np.ndarray] = []
        for k, (seg, dead) in enumerate(segs):
            self.con.execute(f"ATTACH DATABASE ? AS s{k}", (f"file:{seg / 'chunks.sqlite'}?mode=ro",))
            self.con.executemany("INSERT INTO dead VALUES (?, ?)", [(k, f) for f in dead])
            count = int(self.con.execute(f"SELECT value FROM s{k}.meta WHERE key = 'count'").fetchone()[0])
            ndocs = int(self.con.execute(f"SELECT COUNT(*) FROM s{k}.docs").fetchone()[0])
            alive = f"file NOT IN (SELECT file FROM dead WHERE seg = {k})"
            dead_docs = (f"ord NOT IN (SELECT d.ord FROM s{k}.docs d JOIN s{k}.files f ON f.doc_id = d.doc_id "
                         f"WHERE f.path IN (SELECT file FROM dead WHERE seg = {k}))")
            views["chunks"].append(f"SELECT idx + {off} AS idx, id, doc_ord + {doff} AS doc_ord, file, data "
                                   f"FROM s{k}.chunks WHERE {alive}")
            views["docs"].append(f"SELECT ord + {doff} AS ord, doc_id, title, doc_type, source, revision, chunks, "
                                 f"metadata FROM s{k}.docs WHERE {dead_docs}")
            views["facets"].append(f"SELECT doc_ord + {doff} AS doc_ord, key, value FROM s{k}.facets")
            views["codes"].append(f"SELECT code, idx + {off} AS idx FROM s{k}.codes")
            if dead:
                rows = self.con.execute(f"SELECT idx FROM s{k}.chunks WHERE file IN "
                                        f"(SELECT file FROM dead WHERE seg = {k})").fetchall()
                dead_ids.append(np.asarray([r[0] + off for r in rows], dtype=np.int64))
            counts.append(count)
            doc_counts.append(ndocs)
            off, doff = off + count, doff + ndocs
        for name, parts in views.items():
            self.con.execute(f"CREATE TEMP VIEW {name} AS " + " UNION ALL ".join(parts))
        self.meta = dict(self.con.execute("SELECT key, value FROM s0.meta").fetchall())
        self.count, self.dim = off, int(self.meta.get("dim", 0))
        self.meta["count"] = str(off)
        self.chunk_doc = np.zeros(self.count, dtype=np.int32)
        starts = np.cumsum([0] + counts)
        dstarts = np.cumsum([0] + doc_counts)
        for k in range(len(segs)):  # straight from each table: the views' dead-file test is not needed here
            rows = self.con.execute(f"SELECT idx, doc_ord FROM s{k}.chunks").fetchall()
            if rows:
                arr = np.asarray(rows, dtype=np.int64)
                self.chunk_doc[arr[:, 0] + starts[k]] = arr[:, 1] + dstarts[k]
        dead_all = np.concatenate(dead_ids) if dead_ids else np.zeros(0, dtype=np.int64)
        self.alive: np.ndarray | None = np.setdiff1d(np.arange(self.count), dead_all) if len(dead_all) else None
        parts = [np.load(seg / "vectors.npy", mmap_mode="r") for seg, _ in segs]
        self.vectors: Any = _Stacked(parts)
        self.faiss = faiss_store.load(segs[0][0] / "faiss.index")
        for part in parts[1:]:
            if len(part):
                self.faiss.add(np.ascontiguousarray(part, dtype=np.float32))
        base_bm25 = BM25Index.load(segs[0][0] / "bm25", counts[0])
        texts = [_text(d) for k in range(1, len(segs))
                 for (d,) in self.con.execute(f"SELECT data FROM s{k}.chunks ORDER BY idx")]
        self.bm25: Any = _StackedBM25(base_bm25, _DeltaBM25(base_bm25, texts), counts[0])
        self.head, self.terms = _fields([seg for seg, _ in segs], counts, self.con)
        self.lock = threading.Lock()

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        with self.lock:
            return self.con.execute(sql, params).fetchall()

    def close(self) -> None:
        self.con.close()


def _fields(segs: list[Path], counts: list[int], con: sqlite3.Connection) -> tuple[Any, TermIndex]:
    """The heading-path BM25 and the defined-term index over all segments (ids laid end to end), like
    the bm25 field; a base written before these fields existed gives no heading field."""
    starts = np.cumsum([0] + counts)
    merged: dict[str, list[int]] = {}
    for k, seg in enumerate(segs):
        for term, ids in TermIndex.load(seg / "terms.json").terms.items():
            merged.setdefault(term, []).extend(int(i) + int(starts[k]) for i in ids)
    head = None
    if (segs[0] / "bm25_head").exists():
        base = BM25Index.load(segs[0] / "bm25_head", counts[0])
        heads = [head_text(Chunk.model_validate_json(d)) for k in range(1, len(segs))
                 for (d,) in con.execute(f"SELECT data FROM s{k}.chunks ORDER BY idx")]
        head = _StackedBM25(base, _DeltaBM25(base, heads), counts[0])
    return head, TermIndex(merged)


def _text(data: str) -> str:
    return Chunk.model_validate_json(data).embed_text()
