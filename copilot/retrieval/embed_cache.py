"""Crash-resumable embedding: vectors are checkpointed per batch in SQLite, keyed by embedder and text.

An ingest of a large archive embeds for hours; if it dies (power cut, OOM, Ctrl-C) the next run
finds the vectors already computed in ``index_dir/embed-cache.sqlite`` and only embeds the rest.
The cache is cleared after a generation is published, so it never grows beyond one run's work.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

FILE = "embed-cache.sqlite"


def _key(embedder_name: str, text: str) -> str:
    return hashlib.blake2b(f"{embedder_name}\x00{text}".encode(), digest_size=16).hexdigest()


class EmbedCache:
    """Get/put float32 vectors by (embedder name, text); every ``put`` is committed (a checkpoint)."""

    def __init__(self, index_dir: Path, embedder_name: str, dim: int) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / FILE
        self.name, self.dim = embedder_name, dim
        self.con = sqlite3.connect(self.path)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")

    def get(self, texts: list[str]) -> dict[int, np.ndarray]:
        keys = [_key(self.name, t) for t in texts]
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            marks = ",".join("?" * len(part))
            found.update(self.con.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part).fetchall())
        out = {}
        for i, k in enumerate(keys):
            blob = found.get(k)
            if blob is not None and len(blob) == 4 * self.dim:
                out[i] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put(self, texts: list[str], vectors: np.ndarray) -> None:
        rows = [(_key(self.name, t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
                for t, v in zip(texts, vectors, strict=True)]
        with self.con:
            self.con.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", rows)

    def close(self) -> None:
        self.con.close()

    def clear(self) -> None:
        """Drop the checkpoint (after the generation that used it was published)."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def embed_resumable(embed: Callable[[list[str]], np.ndarray], texts: list[str], dim: int, batch: int,
                    cache: EmbedCache | None, on_progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Embed ``texts`` in batches, reusing and checkpointing vectors in ``cache`` when given."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    done = cache.get(texts) if cache is not None else {}
    for i, v in done.items():
        out[i] = v
    if on_progress and done:
        on_progress(len(done))
    todo = [i for i in range(len(texts)) if i not in done]
    for start in range(0, len(todo), batch):
        idx = todo[start:start + batch]
        part = [texts[i] for i in idx]
        vecs = embed(part)
        out[idx] = vecs
        if cache is not None:
            cache.put(part, vecs)
        if on_progress:
            on_progress(len(idx))
    return out
