"""Retrieval evaluation on a BEIR dataset: every mode side by side, per-query records, latencies.

Document-level evaluation (the default): each query asks the retriever for its k best documents
(``search_documents``: chunk scores aggregated per document). With ``fetch_k`` set, or for a
retriever without document ranking, it fetches ``fetch_k`` chunks (3 x k unless set), maps them to
their ``doc_id``, removes repeated documents keeping the best position and scores the first k
distinct documents. Chunk-level evaluation scores chunk ids as returned.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from copilot.config import Settings
from copilot.eval.loaders import BeirDataset, DatasetError
from copilot.eval.metrics import RETRIEVAL_METRICS, aggregate, dedupe, latency_summary, query_metrics

MODES = ("bm25", "dense", "hybrid")


def parse_modes(text: str) -> list[str]:
    """``"bm25,dense"`` -> ``["bm25", "dense"]``; unknown modes raise ValueError."""
    modes = [m.strip() for m in text.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise ValueError(f"--modes: unknown mode(s) {bad or text!r}; choose from {','.join(MODES)}")
    return modes


def write_corpus(corpus: dict[str, dict[str, str]], folder: Path) -> Path:
    """Write a BEIR corpus as Markdown files whose front matter carries the exact document id."""
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for doc_id, doc in corpus.items():
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id)[:100] or "doc"
        while stem in used:
            stem += "_"
        used.add(stem)
        head = f"---\nid: {json.dumps(doc_id)}\ntitle: {json.dumps(doc.get('title') or doc_id)}\n---\n\n"
        title = f"# {doc['title']}\n\n" if doc.get("title") else ""
        (folder / f"{stem}.md").write_text(head + title + doc["text"] + "\n", encoding="utf-8")
    return folder


def build_temp_index(settings: Settings, paths: Sequence[Path], workdir: Path, embedder: Any = None,
                     progress: bool = True) -> tuple[Settings, Any]:
    """Ingest ``paths`` into a fresh index under ``workdir`` and return (its settings, its retriever)."""
    from copilot.ingest.pipeline import ingest_paths
    from copilot.retrieval.index import open_retriever

    for p in paths:
        if not Path(p).exists():
            raise DatasetError(f"{p}: path to ingest does not exist")
    temp = settings.model_copy(update={"data_dir": Path(workdir) / "data"})
    report = ingest_paths(temp, [Path(p) for p in paths], embedder=embedder, rebuild=True, progress=progress)
    failed = getattr(report, "failed", [])
    if failed:
        names = ", ".join(f"{f.path}: {f.error}" for f in failed[:3])
        tqdm.write(f"warning: {len(failed)} file(s) failed to ingest ({names})")
    return temp, open_retriever(temp, embedder=embedder)


def evaluate_mode(retriever: Any, dataset: BeirDataset, mode: str, *, k: int = 10, fetch_k: int | None = None,
                  level: str = "doc", progress: bool = True) -> dict[str, Any]:
    """Run every query of ``dataset`` in one mode; return aggregate metrics, latency and per-query rows."""
    if level not in ("doc", "chunk"):
        raise ValueError(f"level must be doc or chunk, got {level!r}")
    fetch = fetch_k or (3 * k if level == "doc" else k)
    # The retriever's own document ranking (chunk scores aggregated per document) unless the caller
    # asked for a fixed number of chunks to dedupe.
    doc_ranking = fetch_k is None and callable(getattr(retriever, "search_documents", None))
    rows = []
    latencies = []
    for qid, text in tqdm(dataset.queries.items(), desc=f"retrieval {mode}", disable=not progress, leave=False):
        t0 = time.perf_counter()
        if level == "doc" and doc_ranking:
            ranking = [doc_id for doc_id, _, _ in retriever.search_documents(text, k=k, mode=mode)]
        else:
            hits = retriever.search(text, k=fetch, mode=mode)
            ids = [h.chunk.doc_id for h in hits] if level == "doc" else [h.chunk.id for h in hits]
            ranking = (dedupe(ids) if level == "doc" else ids)[:k]
        latencies.append(time.perf_counter() - t0)
        qrels = dataset.qrels.get(qid, {})
        rows.append({"id": qid, "query": text, "ranking": ranking,
                     "relevant": sorted(i for i, g in qrels.items() if g > 0),
                     "latency_s": latencies[-1], **query_metrics(ranking, qrels)})
    metrics = aggregate(rows)
    return {
        "metrics": metrics,
        "latency": latency_summary(latencies),
        "queries": len(rows),
        "skipped_no_relevant": sum(1 for r in rows if r["recall@1"] is None),
        "per_query": rows,
    }


def run_retrieval_eval(retriever: Any, dataset: BeirDataset, modes: Sequence[str] = MODES, *, k: int = 10,
                       fetch_k: int | None = None, level: str = "doc", progress: bool = True) -> dict[str, Any]:
    """All requested modes side by side: ``{"modes": {mode: {...}}, "dataset": {...}}``."""
    if not dataset.queries:
        raise DatasetError(f"{dataset.path}: no query has relevance judgements")
    results = {m: evaluate_mode(retriever, dataset, m, k=k, fetch_k=fetch_k, level=level, progress=progress)
               for m in modes}
    return {
        "kind": "retrieval",
        "dataset": {"path": str(dataset.path), "queries": len(dataset.queries), "level": level, "k": k,
                    "fetch_k": fetch_k or (3 * k if level == "doc" else k), "corpus_docs": len(dataset.corpus),
                    "doc_ranking": level == "doc" and fetch_k is None
                    and callable(getattr(retriever, "search_documents", None)),
                    "split": dataset.split},
        "metric_names": list(RETRIEVAL_METRICS),
        "modes": results,
    }
