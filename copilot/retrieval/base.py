"""The retrieval protocol the agents, API and eval use.

``copilot.retrieval.index.open_retriever(settings, embedder=None)`` returns a :class:`Retriever`
over the index in ``settings.index_dir`` (built by ``copilot.ingest.pipeline``).
"""

from __future__ import annotations

from typing import Protocol

from copilot.types import Chunk, Hit

Filters = dict[str, str | list[str]]  # front-matter key -> value or any-of values, e.g. {"doc_type": "sop"}


class Retriever(Protocol):
    def search(self, query: str, *, k: int | None = None, mode: str | None = None,
               filters: Filters | None = None) -> list[Hit]:
        """Best ``k`` chunks for ``query``; mode is hybrid | dense | bm25 (default from settings).
        Hit.scores carries "dense" (cosine similarity, when computed), "bm25" and "exact" where they apply."""

    def get_chunk(self, chunk_id: str) -> Chunk:
        """Raises KeyError for an unknown id."""

    def count(self) -> int:
        """Number of chunks in the index."""

    def documents(self) -> list[dict]:
        """One dict per document: doc_id, title, doc_type, source, revision, chunks."""
