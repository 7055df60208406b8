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

    def sparse_ready(self) -> bool:
        """Whether copilot.retrieval.lexical can read the posting lists directly (bm25s's eager
        scores, a variant without a non-occurrence term)."""
        return self.model is not None and getattr(self.model, "nonoccurrence_array", None) is None

    def token_ids(self, query: str) -> list[int]:
        """Vocabulary ids of the query's tokens, in query order (repeats kept, as bm25s scores them)."""
        if self.model is None:
            return []
        vocab = self.model.vocab_dict
        return [int(vocab[t]) for t in tokenize(query) if t in vocab]

    def scores(self, query: str) -> np.ndarray:
        if self.model is None:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self.model.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.model.get_scores(tokens), dtype=np.float32)
