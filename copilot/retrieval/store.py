"""On-disk index generations: SQLite chunks/docs/files/facets/codes, vectors, FAISS, BM25.

Layout of ``settings.index_dir``::

    CURRENT            JSON pointer {"generation": "gen-..."}; replaced atomically (os.replace)
    .lock              fcntl lock file taken exclusively by writers
    gen-<time>-<rand>/ one immutable generation directory (time to the microsecond: names sort in creation order)

A writer builds a new generation in a fresh directory, fsyncs it and only then swaps the pointer,
so a crash at any point leaves the previous generation untouched and readers never see half an index.

Append-only segments: a generation directory may hold only the chunks added since an earlier one
and a ``segments.json`` naming the earlier directories it builds on (oldest first), each with the
file keys that are dead in it (replaced or removed since). Adding one file then writes one small
directory instead of copying the whole index; the pipeline compacts into one full generation when
segments pile up. Directories are never modified after publication, so crash safety is unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from copilot.retrieval import faiss_store
from copilot.retrieval.bm25 import BM25Index
from copilot.retrieval.fields import TermIndex, head_text
from copilot.retrieval.tokenize import codes_in_text
from copilot.types import Chunk

POINTER = "CURRENT"
LOCK = ".lock"
SEGMENTS = "segments.json"
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE chunks (idx INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, doc_ord INTEGER NOT NULL,
                     file TEXT, data TEXT NOT NULL);
CREATE TABLE docs (ord INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL, title TEXT, doc_type TEXT,
                   source TEXT, revision TEXT, chunks INTEGER, metadata TEXT);
CREATE TABLE files (path TEXT PRIMARY KEY, hash TEXT, size INTEGER, mtime_ns INTEGER, doc_id TEXT,
                    chunks INTEGER, warnings TEXT);
CREATE TABLE facets (doc_ord INTEGER, key TEXT, value TEXT);
CREATE TABLE codes (code TEXT, idx INTEGER);
"""
INDEXES = """
CREATE INDEX facets_kv ON facets (key, value);
CREATE INDEX codes_code ON codes (code);
CREATE INDEX chunks_file ON chunks (file);
"""


class RetrievalIndexError(RuntimeError):
    """Raised for an unusable index (e.g. built with a different embedder)."""


@dataclass
class FileRecord:
    path: str
    hash: str
    size: int
    mtime_ns: int
    doc_id: str
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)


@contextlib.contextmanager
def writer_lock(index_dir: Path, timeout_s: float = 600.0) -> Iterator[None]:
    """Exclusive fcntl lock for writers; waits up to ``timeout_s`` for another writer to finish."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as fh:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another ingest holds {index_dir / LOCK}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def current_generation(index_dir: Path) -> Path | None:
    """The generation directory the pointer names, or None when no index was published."""
    try:
        name = json.loads((index_dir / POINTER).read_text(encoding="utf-8"))["generation"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    gen = index_dir / name
    return gen if (gen / "chunks.sqlite").is_file() else None


def new_generation_dir(index_dir: Path) -> Path:
    """A new generation directory whose name sorts in creation order (cleanup keeps the newest by name): to the
    microsecond, so several generations made within one second (quick successive ingests) still sort right."""
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f".{int(now % 1 * 1_000_000):06d}"
    gen = index_dir / f"gen-{stamp}-{secrets.token_hex(3)}"
    gen.mkdir(parents=True)
    return gen


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, gen: Path, keep: int = 2) -> None:
    """Atomically point CURRENT at ``gen``; then delete older generations (keeping ``keep``)."""
    for f in gen.iterdir():
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(gen)
    tmp = index_dir / f".{POINTER}.{secrets.token_hex(4)}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"generation": gen.name, "published": time.time()}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync_dir(index_dir)
    cleanup(index_dir, keep=keep)


def cleanup(index_dir: Path, keep: int = 2) -> None:
    """Remove unpublished (crashed) generation dirs and all but the newest ``keep`` published ones
    (with every segment directory those still build on)."""
    current = current_generation(index_dir)
    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    keep_names = {current.name} if current else set()
    older = [g for g in gens if current and g.name < current.name]
    keep_names.update(g.name for g in older[-(keep - 1):] if keep > 1)
    for name in list(keep_names):
        keep_names.update(p.name for p, _ in segments(index_dir / name))
    for gen in gens:
        if gen.name not in keep_names:
            shutil.rmtree(gen, ignore_errors=True)
    for tmp in index_dir.glob(f".{POINTER}.*.tmp"):
        tmp.unlink(missing_ok=True)


def _facets(doc: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [("doc_id", doc["doc_id"]), ("doc_type", doc.get("doc_type") or "")]
    for key, value in (doc.get("metadata") or {}).items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((key, str(v)) for v in values if not isinstance(v, dict | list) and v is not None)
    return [(k, v.strip().lower()) for k, v in pairs if v != ""]


def write_generation(gen: Path, chunks: list[Chunk], vectors: np.ndarray, files: list[FileRecord],
                     *, embedder_name: str, faiss_kind: str = "flat",
                     chunk_files: list[str] | None = None) -> None:
    """Write a complete generation (SQLite, vectors.npy, faiss.index, bm25/, bm25_head/, terms.json) into ``gen``."""
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    faiss_kind = faiss_store.resolve_kind(faiss_kind, len(chunks))
    docs: dict[str, dict[str, Any]] = {}
    for c in chunks:
        d = docs.setdefault(c.doc_id, {"doc_id": c.doc_id, "title": c.title, "doc_type": c.doc_type,
                                       "source": c.source, "revision": c.revision, "chunks": 0,
                                       "metadata": c.metadata})
        d["chunks"] += 1
    doc_ord = {doc_id: i for i, doc_id in enumerate(docs)}
    con = sqlite3.connect(gen / "chunks.sqlite")
    try:
        con.executescript(SCHEMA)
        dim = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        con.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("embedder", embedder_name), ("dim", str(dim)), ("count", str(len(chunks))),
            ("faiss", faiss_kind), ("created", str(time.time()))])
        con.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)", (
            (i, c.id, doc_ord[c.doc_id], chunk_files[i] if chunk_files else c.source, c.model_dump_json())
            for i, c in enumerate(chunks)))
        con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (
            (doc_ord[d["doc_id"]], d["doc_id"], d["title"], d["doc_type"], d["source"], d["revision"],
             d["chunks"], json.dumps(d["metadata"], default=str)) for d in docs.values()))
        con.executemany("INSERT INTO facets VALUES (?, ?, ?)", (
            (doc_ord[d["doc_id"]], k, v) for d in docs.values() for k, v in _facets(d)))
        con.executemany("INSERT INTO codes VALUES (?, ?)", (
            (code, i) for i, c in enumerate(chunks) for code in codes_in_text(c.embed_text())))
        con.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", (
            (f.path, f.hash, f.size, f.mtime_ns, f.doc_id, f.chunks, json.dumps(f.warnings)) for f in files))
        con.executescript(INDEXES)
        con.commit()
    finally:
        con.close()
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    np.save(gen / "vectors.npy", vecs)
    faiss_store.save(faiss_store.build(vecs, faiss_kind) if len(vecs) else faiss_store.build(
        np.zeros((0, max(dim, 1)), dtype=np.float32)), gen / "faiss.index")
    BM25Index.build([c.embed_text() for c in chunks]).save(gen / "bm25")
    write_fields(gen, chunks)


def write_fields(gen: Path, chunks: list[Chunk]) -> None:
    """The extra fields of copilot.retrieval.fields: a heading-path BM25 and the defined terms."""
    BM25Index.build([head_text(c) for c in chunks]).save(gen / "bm25_head")
    TermIndex.build(chunks).save(gen / "terms.json")


def segments(gen: Path) -> list[tuple[Path, set[str]]]:
    """The segment directories of a generation, oldest first, each with its dead file keys."""
    try:
        data = json.loads((gen / SEGMENTS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [(gen, set())]
    return [(gen.parent / s["name"], set(s["dead"])) for s in data["segments"]]


def write_segments(gen: Path, prev: Path, dead: set[str]) -> None:
    """Make ``gen`` (holding only new chunks) build on ``prev``'s segments, with ``dead`` keys removed."""
    out = []
    for seg, old_dead in segments(prev):
        out.append({"name": seg.name, "dead": sorted(old_dead | (dead & set(_own_files(seg))))})
    out.append({"name": gen.name, "dead": []})
    (gen / SEGMENTS).write_text(json.dumps({"segments": out}), encoding="utf-8")


def total_count(gen: Path) -> int:
    """Live chunks in a generation, across its segments."""
    total = 0
    for seg, dead in segments(gen):
        total += int(read_meta(seg).get("count", 0))
        total -= sum(r.chunks for k, r in _own_files(seg).items() if k in dead)
    return total


def read_files(gen: Path) -> dict[str, FileRecord]:
    """The live files of a generation (across its segments): key -> FileRecord."""
    out: dict[str, FileRecord] = {}
    for seg, dead in segments(gen):
        out.update({k: r for k, r in _own_files(seg).items() if k not in dead})
    return out


def _own_files(gen: Path) -> dict[str, FileRecord]:
    con = sqlite3.connect(f"file:{gen / 'chunks.sqlite'}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT path, hash, size, mtime_ns, doc_id, chunks, warnings FROM files").fetchall()
    finally:
        con.close()
    return {r[0]: FileRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "[]")) for r in rows}


def read_meta(gen: Path) -> dict[str, str]:
    con = sqlite3.connect(f"file:{gen / 'chunks.sqlite'}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()


def read_chunks_by_file(gen: Path, paths: set[str]) -> tuple[dict[str, list[tuple[Chunk, int]]], np.ndarray]:
    """Chunks (with their vector row) of the given live files in ``gen``, and the generation's vectors."""
    out: dict[str, list[tuple[Chunk, int]]] = {}
    parts: list[np.ndarray] = []
    offset = 0
    for seg, dead in segments(gen):
        con = sqlite3.connect(f"file:{seg / 'chunks.sqlite'}?mode=ro", uri=True)
        try:
            for idx, file, data in con.execute("SELECT idx, file, data FROM chunks ORDER BY idx"):
                if file in paths and file not in dead:
                    out.setdefault(file, []).append((Chunk.model_validate_json(data), offset + idx))
        finally:
            con.close()
        parts.append(np.load(seg / "vectors.npy", mmap_mode="r"))
        offset += len(parts[-1])
    vectors = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return out, vectors
