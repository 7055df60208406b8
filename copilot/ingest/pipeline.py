"""Incremental, crash-safe ingestion: scan -> load -> chunk -> embed -> write a new index generation.

Unchanged files (same content hash) reuse the previous generation's chunks and vectors, changed
files are re-loaded and replaced, and with ``prune`` files gone from the ingested folders are
dropped. The new generation is published atomically (see copilot.retrieval.store), under an
exclusive writer lock, so a crash or a concurrent reader never sees a half-written index.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from copilot.config import Settings
from copilot.ingest.chunker import chunk_document
from copilot.ingest.loaders import load_file
from copilot.ingest.models import FileResult, IngestReport, LoadError
from copilot.ingest.scan import Candidate, file_hash, scan, under
from copilot.retrieval import store
from copilot.retrieval.embed_cache import EmbedCache, embed_resumable
from copilot.retrieval.embedder import Embedder, build_embedder
from copilot.types import Chunk

log = logging.getLogger(__name__)
TABLE_SUFFIXES = (".csv", ".xlsx")


def _register_table(settings: Settings, path: Path, doc_id: str, result: FileResult) -> None:
    if not settings.tables.enabled or path.suffix.lower() not in TABLE_SUFFIXES:
        return
    try:
        from copilot.tables.store import register_table_file
    except ImportError:
        return
    try:
        register_table_file(settings, path, doc_id)
    except Exception as exc:  # noqa: BLE001 - the table store must never abort ingestion
        result.warnings.append(f"table registration failed: {type(exc).__name__}: {exc}")


def _load(settings: Settings, cand: Candidate, taken: dict[str, str],
          result: FileResult) -> list[Chunk]:
    doc = load_file(cand.path, settings.ingest.max_file_mb)
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
                 rebuild: bool = False, prune: bool = False, progress: bool = True) -> IngestReport:
    """Ingest files and folders into the index; returns a per-file report (failed files never abort)."""
    started = time.perf_counter()
    report = IngestReport()
    index_dir = settings.index_dir
    cands = scan([Path(p) for p in paths], settings.ingest.extensions)
    with store.writer_lock(index_dir):
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
            if key in scanned:
                continue
            if prune and any(under(key, r) for r in roots):
                removed.append(key)
                results[key] = FileResult(key, "removed", rec.doc_id, rec.chunks)
            else:
                kept[key] = rec  # files from other ingest roots stay as they are
        if prev and not todo and not removed:
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
        kept_chunks, prev_vectors = store.read_chunks_by_file(prev, set(kept)) if prev else ({}, None)
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
            except (LoadError, OSError) as exc:
                result.status, result.error = "failed", str(exc)
                if cand.key in prev_files and cand.key not in kept:
                    kept[cand.key] = prev_files[cand.key]
                    result.warnings.append("previous version kept in the index")
                    if prev is not None:
                        kept_chunks.update(store.read_chunks_by_file(prev, {cand.key})[0])
                continue
            except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the run
                result.status, result.error = "failed", f"unexpected {type(exc).__name__}: {exc}"
                continue
            result.doc_id, result.chunks = chunks[0].doc_id, len(chunks)
            taken[result.doc_id] = cand.key
            _register_table(settings, cand.path, result.doc_id, result)
            new_chunks.extend(chunks)
            new_files.extend([cand.key] * len(chunks))
            new_records[cand.key] = store.FileRecord(cand.key, digest, size, mtime, result.doc_id,
                                                     len(chunks), list(result.warnings))
        if prev and not new_chunks and not removed and not rebuild and set(kept) == set(prev_files):
            return _unchanged_report(report, results, prev, prev_files, started)
        cache = EmbedCache(index_dir, emb.name, emb.dim)
        try:
            vectors = _embed(emb, new_chunks, max(settings.embedder.batch_size, 64), progress, cache)
        finally:
            cache.close()
        all_chunks: list[Chunk] = []
        rows: list[int] = []
        files: list[str] = []
        for key in sorted(kept_chunks):
            for chunk, idx in kept_chunks[key]:
                all_chunks.append(chunk)
                rows.append(idx)
                files.append(key)
        old_vecs = (np.asarray(prev_vectors[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
                    if rows and prev_vectors is not None else np.zeros((0, emb.dim), dtype=np.float32))
        all_chunks.extend(new_chunks)
        files.extend(new_files)
        all_vecs = np.concatenate([old_vecs, vectors]) if len(old_vecs) else vectors
        all_chunks, all_vecs, files = _dedupe(all_chunks, all_vecs, files, results)
        records = [rec for key, rec in kept.items()] + list(new_records.values())
        gen = store.new_generation_dir(index_dir)
        try:
            store.write_generation(gen, all_chunks, all_vecs, records, embedder_name=emb.name,
                                   faiss_kind=settings.retrieval.faiss_index, chunk_files=files)
            store.publish(index_dir, gen)
            cache.clear()
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
    report.files = list(results.values())
    report.total_chunks = len(all_chunks)
    report.total_documents = len({c.doc_id for c in all_chunks})
    report.generation, report.published = gen.name, True
    report.new_chunks = len(new_chunks)
    report.seconds = time.perf_counter() - started
    return report


def _unchanged_report(report: IngestReport, results: dict[str, FileResult], prev: Path,
                      prev_files: dict[str, store.FileRecord], started: float) -> IngestReport:
    """Nothing to write: report against the current generation, which stays published."""
    report.files = list(results.values())
    report.total_chunks = int(store.read_meta(prev).get("count", 0))
    report.total_documents = len({r.doc_id for r in prev_files.values()})
    report.generation = prev.name
    report.seconds = time.perf_counter() - started
    return report


def _dedupe(chunks: list[Chunk], vecs: np.ndarray, files: list[str],
            results: dict[str, FileResult]) -> tuple[list[Chunk], np.ndarray, list[str]]:
    seen: set[str] = set()
    keep: list[int] = []
    for i, c in enumerate(chunks):
        if c.id in seen:
            if files[i] in results:
                results[files[i]].warnings.append(f"duplicate chunk id {c.id} dropped")
            continue
        seen.add(c.id)
        keep.append(i)
    if len(keep) == len(chunks):
        return chunks, vecs, files
    return [chunks[i] for i in keep], vecs[keep], [files[i] for i in keep]


def ensure_index(settings: Settings, progress: bool = True) -> IngestReport:
    """Bring the index up to date with ``settings.knowledge_paths`` (cheap no-op when nothing changed)."""
    paths = [Path(p) for p in settings.knowledge_paths if Path(p).exists()]
    if not paths:
        return IngestReport()
    return ingest_paths(settings, paths, prune=True, progress=progress)
