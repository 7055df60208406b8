"""Data passed between loaders, the chunker and the pipeline, and the ingest report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from copilot.types import Chunk


class LoadError(Exception):
    """A file that cannot be ingested; the message says precisely why."""


@dataclass
class Block:
    """A run of text under one heading path (and, for PDFs, one page)."""

    text: str
    section: list[str] = field(default_factory=list)
    page: int | None = None


@dataclass
class LoadedDoc:
    """What a loader returns: document metadata plus either text blocks (to chunk) or ready records."""

    doc_id: str
    title: str
    doc_type: str = ""
    revision: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    records: list[Chunk] = field(default_factory=list)  # one passage per row/record, already final
    warnings: list[str] = field(default_factory=list)


@dataclass
class FileResult:
    path: str
    status: str  # added | updated | unchanged | removed | failed
    doc_id: str = ""
    chunks: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    """Outcome of one ingest run: one FileResult per file seen, plus index totals."""

    files: list[FileResult] = field(default_factory=list)
    total_chunks: int = 0
    total_documents: int = 0
    generation: str = ""
    published: bool = False
    seconds: float = 0.0
    new_chunks: int = 0  # chunks embedded in this run

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    def summary(self) -> dict[str, int]:
        out = {s: self.count(s) for s in ("added", "updated", "unchanged", "removed", "failed")}
        out["chunks"] = self.total_chunks
        out["new_chunks"] = self.new_chunks
        out["documents"] = self.total_documents
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "generation": self.generation,
            "published": self.published,
            "seconds": round(self.seconds, 3),
            "files": [f.__dict__ for f in self.files],
        }
