"""Writing the next index generation: append a small segment, or compact everything into one.

Appending (the usual case for an upload or a few changed files) writes only the new chunks and
marks the replaced or removed files dead in the earlier segments (copilot.retrieval.store); the
whole index is rewritten only on --rebuild, when the embedder or FAISS kind changed, or when the
later segments would hold more than a quarter of the base (at least ``MIN_APPEND`` chunks) or
number ``MAX_SEGMENTS``. Either way the new directory is complete and fsynced before the pointer moves.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from copilot.config import Settings
from copilot.ingest.models import FileResult
from copilot.retrieval import store
from copilot.retrieval.faiss_store import resolve_kind
from copilot.retrieval.segmented import MAX_SEGMENTS
from copilot.types import Chunk

MIN_APPEND = 2000


def can_append(settings: Settings, prev: Path | None, n_new: int, embedder_name: str) -> bool:
    """True when ``n_new`` chunks may go into a new segment on top of ``prev``."""
    if prev is None:
        return False
    segs = store.segments(prev)
    base = store.read_meta(segs[0][0])
    count = int(base.get("count", 0))
    later = sum(int(store.read_meta(seg).get("count", 0)) for seg, _ in segs[1:]) + n_new
    have = resolve_kind(base.get("faiss", "flat"), count)
    if base.get("embedder") != embedder_name or count == 0 \
            or have != resolve_kind(settings.retrieval.faiss_index, count + later):
        return False  # an "auto" index that outgrows exact search is rebuilt as IVF
    return len(segs) < MAX_SEGMENTS and later <= max(MIN_APPEND, int(base.get("count", 0)) // 4)


def write_next(settings: Settings, prev: Path | None, kept: dict[str, store.FileRecord],
               new_chunks: list[Chunk], vectors: np.ndarray, new_files: list[str],
               new_records: dict[str, store.FileRecord], embedder_name: str, dim: int,
               results: dict[str, FileResult], *, append: bool) -> tuple[Path, int]:
    """Write and publish the next generation; returns (its directory, live chunks in it)."""
    index_dir = settings.index_dir
    gen = store.new_generation_dir(index_dir)
    try:
        if append and prev is not None:
            chunks, vecs, files = dedupe(new_chunks, vectors, new_files, results)
            store.write_generation(gen, chunks, vecs, list(new_records.values()), embedder_name=embedder_name,
                                   faiss_kind=settings.retrieval.faiss_index, chunk_files=files)
            store.write_segments(gen, prev, set(store.read_files(prev)) - set(kept))
        else:
            chunks, vecs, files = _merge(prev, kept, new_chunks, vectors, new_files, dim, results)
            records = list(kept.values()) + list(new_records.values())
            store.write_generation(gen, chunks, vecs, records, embedder_name=embedder_name,
                                   faiss_kind=settings.retrieval.faiss_index, chunk_files=files)
        store.publish(index_dir, gen)
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen, store.total_count(gen)


def _merge(prev: Path | None, kept: dict[str, store.FileRecord], new_chunks: list[Chunk], vectors: np.ndarray,
           new_files: list[str], dim: int, results: dict[str, FileResult]
           ) -> tuple[list[Chunk], np.ndarray, list[str]]:
    """All kept chunks (with their stored vectors) followed by the new ones."""
    kept_chunks, prev_vectors = store.read_chunks_by_file(prev, set(kept)) if prev else ({}, None)
    all_chunks: list[Chunk] = []
    rows: list[int] = []
    files: list[str] = []
    for key in sorted(kept_chunks):
        for chunk, idx in kept_chunks[key]:
            all_chunks.append(chunk)
            rows.append(idx)
            files.append(key)
    old_vecs = (np.asarray(prev_vectors[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
                if rows and prev_vectors is not None else np.zeros((0, dim), dtype=np.float32))
    all_chunks.extend(new_chunks)
    files.extend(new_files)
    all_vecs = np.concatenate([old_vecs, vectors]) if len(old_vecs) else vectors
    return dedupe(all_chunks, all_vecs, files, results)


def dedupe(chunks: list[Chunk], vecs: np.ndarray, files: list[str],
           results: dict[str, FileResult]) -> tuple[list[Chunk], np.ndarray, list[str]]:
    """Drop repeated chunk ids (the first wins), with a warning on the file that repeated one."""
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
