"""Incremental, crash-safe ingestion: scan -> load -> chunk -> embed -> write a new index generation.

Unchanged files (same content hash) reuse the previous generation's chunks and vectors, changed
files are re-loaded and replaced, and with ``prune`` files gone from the ingested folders are
dropped. The new generation is published atomically (see copilot.retrieval.store), under an
exclusive writer lock, so a crash or a concurrent reader never sees a half-written index.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from copilot.config import Settings
from copilot.db import cluster_lock
from copilot.ingest.chunker import chunk_document
from copilot.ingest.generation import can_append, write_next
from copilot.ingest.models import FileResult, IngestReport, LoadError
from copilot.ingest.sandbox import parse_file
from copilot.ingest.scan import Candidate, file_hash, scan, under
from copilot.ingest.table_hooks import register_table as _register_table
from copilot.ingest.table_hooks import sync_tables as _sync_tables
from copilot.retrieval import store
from copilot.retrieval.embed_cache import EmbedCache, embed_resumable
from copilot.retrieval.embedder import Embedder, build_embedder
from copilot.types import Chunk

log = logging.getLogger(__name__)


def _load(settings: Settings, cand: Candidate, taken: dict[str, str],
          result: FileResult) -> list[Chunk]:
    doc = parse_file(cand.path, settings.ingest)
    result.warnings.extend(doc.warnings)
    owner = taken.get(doc.doc_id)
    if owner is not None and owner != cand.key:
        new_id = f"{doc.doc_id}~{hashlib.sha1(cand.key.encode()).hexdigest()[:6]}"
        result.warnings.append(f"doc id {doc.doc_id!r} already used by {owner}; using {new_id!r}")
        old = doc.doc_id
        doc.doc_id = new_id
        for rec in doc.records:
            rec.doc_id = new_id
            rec.id = new_id + rec.id[len(old):]
    chunks = doc.records or chunk_document(doc, settings.ingest.chunk_size, settings.ingest.chunk_overlap)
    for c in chunks:
        c.source = cand.source
        c.doc_type = c.doc_type or doc.doc_type
        c.revision = c.revision or doc.revision
        if doc.records:
            c.metadata = {**doc.metadata, **c.metadata}
    if not chunks:
        raise LoadError("no text to index after parsing")
    return chunks


def _embed(embedder: Embedder, chunks: list[Chunk], batch: int, progress: bool,
           cache: EmbedCache | None = None) -> np.ndarray:
    """Embed with a progress bar (rate and ETA); batches are checkpointed in ``cache`` to resume a crash."""
    texts = [c.embed_text() for c in chunks]
    with tqdm(total=len(chunks), desc="embed", unit="chunk", disable=not progress, leave=False,
              smoothing=0.1) as bar:
        return embed_resumable(embedder.embed, texts, embedder.dim, batch, cache, bar.update)


def ingest_paths(settings: Settings, paths: list[Path], *, embedder: Embedder | None = None,
                 rebuild: bool = False, prune: bool = False, progress: bool = True,
                 remove: set[str] | None = None, follow_symlinks: bool = False) -> IngestReport:
    """Ingest files and folders into the index; returns a per-file report (failed files never abort).

    ``remove`` names index keys (absolute paths) to drop whatever the scan finds; symlinks that
    leave an ingested folder are skipped unless ``follow_symlinks``.
    """
    started = time.perf_counter()
    report = IngestReport()
    index_dir = settings.index_dir
    cands = scan([Path(p) for p in paths], settings.ingest.extensions, follow_symlinks=follow_symlinks)
    # one ingestion at a time cluster-wide (database lock with storage.url), then on this index folder
    with cluster_lock(settings.storage.url, "ingest"), store.writer_lock(index_dir):
        store.cleanup(index_dir)
        prev = None if rebuild else store.current_generation(index_dir)
        prev_files = store.read_files(prev) if prev else {}
        roots = {c.root for c in cands if not c.error}
        # Decide per file: unchanged / to load.
        todo: list[tuple[Candidate, str, int, int]] = []
        kept: dict[str, store.FileRecord] = {}
        results: dict[str, FileResult] = {}
        for cand in tqdm(cands, desc="scan", unit="file", disable=not progress, leave=False):
            if cand.error:
                results[cand.key] = FileResult(cand.source, "failed", error=cand.error)
                continue
            st = cand.path.stat()
            digest = file_hash(cand.path)
            old = prev_files.get(cand.key)
            if old and old.hash == digest:
                kept[cand.key] = old
                results[cand.key] = FileResult(cand.source, "unchanged", old.doc_id, old.chunks)
            else:
                todo.append((cand, digest, st.st_size, st.st_mtime_ns))
        scanned = {c.key for c in cands}
        removed = []
        for key, rec in prev_files.items():
            if key in scanned and not (remove and key in remove):
                continue
            if (remove and key in remove) or (prune and any(under(key, r) for r in roots)):
                removed.append(key)
                results[key] = FileResult(key, "removed", rec.doc_id, rec.chunks)
            else:
                kept[key] = rec  # files from other ingest roots stay as they are
        if prev and not todo and not removed:
            _sync_tables(settings, list(prev_files.values()))
            return _unchanged_report(report, results, prev, prev_files, started)
        emb = embedder or build_embedder(settings)
        if prev and store.read_meta(prev).get("embedder") != emb.name:
            log.warning("embedder changed (%s -> %s): re-embedding everything",
                        store.read_meta(prev).get("embedder"), emb.name)
            for key in [k for k in kept if k in scanned]:
                rec = kept.pop(key)
                cand = next(c for c in cands if c.key == key)
                st = cand.path.stat()
                todo.append((cand, rec.hash, st.st_size, st.st_mtime_ns))
            kept = {}  # files outside this run cannot be re-embedded: they are dropped
        taken = {rec.doc_id: key for key, rec in kept.items()}
        new_chunks: list[Chunk] = []
        new_files: list[str] = []
        new_records: dict[str, store.FileRecord] = {}
        for cand, digest, size, mtime in tqdm(todo, desc="load", unit="file", disable=not progress, leave=False):
            status = "updated" if cand.key in prev_files else "added"
            result = FileResult(cand.source, status)
            results[cand.key] = result
            try:
                chunks = _load(settings, cand, taken, result)
            except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the run
                expected = isinstance(exc, LoadError | OSError)
                result.status = "failed"
                result.error = str(exc) if expected else f"unexpected {type(exc).__name__}: {exc}"
                if cand.key in prev_files and cand.key not in kept:
                    kept[cand.key] = prev_files[cand.key]
                    result.warnings.append("previous version kept in the index")
                continue
            result.doc_id, result.chunks = chunks[0].doc_id, len(chunks)
            taken[result.doc_id] = cand.key
            _register_table(settings, cand.path, result.doc_id, result, digest)
            new_chunks.extend(chunks)
            new_files.extend([cand.key] * len(chunks))
            new_records[cand.key] = store.FileRecord(cand.key, digest, size, mtime, result.doc_id,
                                                     len(chunks), list(result.warnings))
        if prev and not new_chunks and not removed and not rebuild and set(kept) == set(prev_files):
            _sync_tables(settings, list(prev_files.values()))
            return _unchanged_report(report, results, prev, prev_files, started)
        cache = EmbedCache(settings.index_dir, emb.name, emb.dim)
        try:
            vectors = _embed(emb, new_chunks, max(settings.embedder.batch_size, 64), progress, cache)
        finally:
            cache.close()
        records = [rec for key, rec in kept.items()] + list(new_records.values())
        live_docs = {r.doc_id for r in records}
        # Tables of documents leaving the index go first: a crash after this never lets them answer.
        _sync_tables(settings, records, drop={r.doc_id for r in prev_files.values()} - live_docs)
        append = not rebuild and can_append(settings, prev, len(new_chunks), emb.name)
        gen, total = write_next(settings, prev, kept, new_chunks, vectors, new_files, new_records, emb.name,
                                emb.dim, results, append=append)
        _sync_tables(settings, records)
        cache.clear()
    report.files = list(results.values())
    report.total_chunks = total
    report.total_documents = len(live_docs)
    report.generation, report.published = gen.name, True
    report.new_chunks = len(new_chunks)
    report.seconds = time.perf_counter() - started
    return report


def _unchanged_report(report: IngestReport, results: dict[str, FileResult], prev: Path,
                      prev_files: dict[str, store.FileRecord], started: float) -> IngestReport:
    """Nothing to write: report against the current generation, which stays published."""
    report.files = list(results.values())
    report.total_chunks = store.total_count(prev)
    report.total_documents = len({r.doc_id for r in prev_files.values()})
    report.generation = prev.name
    report.seconds = time.perf_counter() - started
    return report


def ensure_index(settings: Settings, progress: bool = True) -> IngestReport:
    """Bring the index up to date with ``settings.knowledge_paths`` (cheap no-op when nothing changed)."""
    paths = [Path(p) for p in settings.knowledge_paths if Path(p).exists()]
    if not paths:
        return IngestReport()
    return ingest_paths(settings, paths, prune=True, progress=progress)
