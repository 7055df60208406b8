"""BM25 keyword index (bm25s) over Chunk.embed_text(), with our code-preserving tokenizer."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from copilot.retrieval.tokenize import tokenize


class BM25Index:
    """Wraps a bm25s index; ``scores(query)`` returns one score per chunk (0 when no term matches)."""

    def __init__(self, model: bm25s.BM25 | None, size: int) -> None:
        self.model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> BM25Index:
        if not texts:
            return cls(None, 0)
        model = bm25s.BM25()
        model.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(model, len(texts))

    def save(self, directory: Path) -> None:
        if self.model is not None:
            self.model.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> BM25Index:
        if size == 0 or not directory.exists():
            return cls(None, 0)
        return cls(bm25s.BM25.load(str(directory), show_progress=False, mmap=False), size)

    def scores(self, query: str) -> np.ndarray:
        if self.model is None:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self.model.vocab_dict
        ids = [vocab[t] for t in tokenize(query) if t in vocab]  # a repeated word counts twice, as in bm25s
        return self.scores_from_ids(ids)

    def scores_from_ids(self, ids: list[int]) -> np.ndarray:
        """Sum of the precomputed per-(token, chunk) BM25 scores over the query's token ids.

        bm25s keeps them as a CSC matrix (one column per token) and, without numba, sums columns with
        ``np.add.at``; rows are unique within a column, so a plain indexed add is the same sum and
        about 10x faster on long posting lists (a frequent word in 1M chunks)."""
        out = np.zeros(self.size, dtype=np.float32)
        if self.model is None:
            return out
        sc = self.model.scores
        data, indices, indptr = sc["data"], sc["indices"], sc["indptr"]
        for t in ids:
            start, end = int(indptr[t]), int(indptr[t + 1])
            out[indices[start:end]] += data[start:end]
        return out
