"""Plain data types shared by every layer (no behaviour, no heavy imports)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

ROUTES: tuple[str, ...] = ("readiness", "governance", "maintenance", "general", "out_of_scope")


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Chunk(BaseModel):
    """A searchable passage with its provenance."""

    id: str
    doc_id: str
    text: str
    title: str = ""
    section: str = ""  # heading path, "Pumps > Cavitation"
    source: str = ""  # file path relative to the ingest root when possible
    doc_type: str = ""
    revision: str | None = None
    page: int | None = None
    row: int | None = None
    sheet: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def embed_text(self) -> str:
        """What is embedded and keyword-indexed: title and section travel with the text."""
        head = " > ".join(p for p in (self.title, self.section) if p)
        return f"{head}\n{self.text}" if head else self.text

    def location(self) -> str:
        return location_label(self.section, self.page, self.sheet, self.row, self.revision)


class Hit(BaseModel):
    """A retrieved chunk with its fused score and per-retriever scores."""

    chunk: Chunk
    score: float
    rank: int = 0
    scores: dict[str, float] = Field(default_factory=dict)  # e.g. {"dense": 0.71, "bm25": 12.3, "exact": 1}


def location_label(section: str | None, page: int | None, sheet: str | None, row: int | None,
                   revision: str | None) -> str:
    """Where a passage sits, for people: ``section 4.2, page 12, sheet Alarms, row 7, rev. C`` (parts it has)."""
    parts = [section and f"section {section}", page is not None and f"page {page}", sheet and f"sheet {sheet}",
             row is not None and f"row {row}", revision and f"rev. {revision}"]
    return ", ".join(p for p in parts if p)


class Citation(BaseModel):
    marker: int
    chunk_id: str
    doc_id: str
    title: str
    section: str = ""
    page: int | None = None
    row: int | None = None
    sheet: str | None = None
    revision: str | None = None
    source: str = ""
    text: str = ""

    @classmethod
    def from_chunk(cls, marker: int, chunk: Chunk) -> Citation:
        return cls(
            marker=marker, chunk_id=chunk.id, doc_id=chunk.doc_id, title=chunk.title, section=chunk.section,
            page=chunk.page, row=chunk.row, sheet=chunk.sheet, revision=chunk.revision, source=chunk.source,
            text=chunk.text,
        )

    def location(self) -> str:
        return location_label(self.section, self.page, self.sheet, self.row, self.revision)

    def label(self) -> str:
        """The source as a footer names it: ``Title (section 4.2, page 12)``, or the document id without a title."""
        where = self.location()
        return (self.title or self.doc_id) + (f" ({where})" if where else "")


class ApprovalRequest(BaseModel):
    """Something that will be recorded or sent once a named human approves it."""

    id: str
    kind: Literal["work_order", "decision_record", "report"]
    thread_id: str
    payload: dict[str, Any]
    summary: str = ""
    status: Literal["pending", "approved", "rejected"] = "pending"
    created_at: str = Field(default_factory=utcnow)
    decided_by: str | None = None
    decided_at: str | None = None
    comment: str | None = None
    requested_by: str | None = None  # the owner of the thread that asked for it


class WithheldClaim(BaseModel):
    """An answer sentence not shown because a figure in it is in none of the shown sources, or is another table
    row's figure than the row the sentence is about."""

    sentence: str
    figures: list[str] = Field(default_factory=list)  # the figures no shown source holds
    cited: list[int] = Field(default_factory=list)  # the markers the sentence cited
    # unsourced: a figure in no shown source; wrong_row: the sources give the figure for another table row or
    # another asset than the one the sentence names; false_comparison: it puts one number above or below another and
    # arithmetic says otherwise; wrong_kind: a code of one kind given as another (an asset tag or an alarm code
    # given as a part number); unlinked: model-written text beside a cited rule block or quoted row that cites no
    # source and shares too few words with them (left out rather than shown as unverified)
    reason: Literal["unsourced", "wrong_row", "false_comparison", "wrong_kind", "unlinked"] = "unsourced"


class SourceConflict(BaseModel):
    """Two shown sources give different figures for the same thing; ``governing`` is the one that applies."""

    topic: str
    values: dict[str, str]  # doc_id -> figure as written
    governing: str  # doc_id
    reason: str


class Answer(BaseModel):
    """What the graph returns for one user turn."""

    thread_id: str
    route: str
    route_confidence: float = 0.0
    text: str
    citations: list[Citation] = Field(default_factory=list)
    invalid_markers: int = 0
    supported: bool = True
    refused: bool = False
    escalated: bool = False
    approval: ApprovalRequest | None = None
    structured: dict[str, Any] | None = None  # agent-specific JSON result (assessment, classification, plan)
    table_plan: dict[str, Any] | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    usage: dict[str, int] = Field(default_factory=dict)
    withheld_claims: list[WithheldClaim] = Field(default_factory=list)
    # figures computed by rule from the question's and the sources' figures (an ORI, a ratio, a table total): in no
    # source by nature, listed so that evaluators tell them from figures found nowhere
    computed: list[str] = Field(default_factory=list)
    abstained: bool = False  # the documents do not hold what was asked; the answer says so
    conflicts: list[SourceConflict] = Field(default_factory=list)
