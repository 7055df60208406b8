"""Plain-text rendering for the UI: agent profiles, starters, sources and decision notes."""

from __future__ import annotations

from typing import Any

from copilot.types import ApprovalRequest, Citation

PROFILES: dict[str, dict[str, Any]] = {
    "Auto": {"agent": None, "about": "Routes each question to the right agent.", "starters": [
        ("Pump cavitation", "Pump P-101 is cavitating and vibrating. What should I check first?"),
        ("Scale a pilot", "Our predictive maintenance pilot works on one line. What blocks scaling it plant-wide?"),
    ]},
    "Readiness": {"agent": "readiness", "about": "Scores AI readiness and drafts a phased roadmap.", "starters": [
        ("Assess readiness", "Assess our readiness to scale a vision inspection pilot: data is siloed, no MLOps."),
        ("Roadmap", "Draft a phased roadmap to move from pilot to production for energy optimisation."),
    ]},
    "Governance": {"agent": "governance", "about": "Classifies AI use cases by risk and lists controls.",
                   "starters": [
        ("Classify a use case", "Classify an AI system that decides forklift access to the warehouse by risk."),
        ("Controls", "Which NIST AI RMF controls apply to a model that flags worker safety incidents?"),
    ]},
    "Maintenance": {"agent": "maintenance", "about": "From symptoms and fault codes to checks and a work order.",
                    "starters": [
        ("Troubleshoot a fault", "Chiller CH-2 trips on high condenser pressure. Likely causes and checks?"),
        ("Work order", "Pump P-101 is cavitating. Propose a work order for the checks."),
    ]},
}


def agent_for(profile: str | None) -> str | None:
    return PROFILES.get(profile or "Auto", PROFILES["Auto"])["agent"]


def source_name(c: Citation) -> str:
    """The element name of a source: its marker, so every ``[n]`` in the answer links to it."""
    return f"[{c.marker}]"


def source_text(c: Citation) -> str:
    """Markdown shown when a source is opened: provenance, then the exact passage given to the model."""
    facts = [("Document", c.title or c.doc_id), ("Section", c.section), ("Page", c.page), ("Sheet", c.sheet),
             ("Row", c.row), ("Revision", c.revision), ("File", c.source)]
    head = "\n".join(f"**{k}:** {v}  " for k, v in facts if v not in (None, ""))
    passage = "\n".join(f"> {line}" if line.strip() else ">" for line in c.text.strip().splitlines())
    return f"### Source {c.marker}\n\n{head}\n\n**Passage used:**\n\n{passage}"


def sources_list(citations: list[Citation]) -> str:
    """A "Sources" footer; each ``[n]`` is a link Chainlit opens as that source."""
    if not citations:
        return ""
    return "\n\n**Sources**\n" + "\n".join(f"- {source_name(c)} {c.label()}" for c in citations)


def decision_text(req: ApprovalRequest, record: dict[str, Any] | None) -> str:
    verb = "approved" if req.status == "approved" else "rejected"
    text = f"{req.kind.replace('_', ' ').capitalize()} `{req.id}` {verb} by **{req.decided_by}**."
    if record:
        rid = record.get("id") or record.get("wo_id") or record.get("record_id")
        text += f" Stored as `{rid}`."
    return text


def ingest_summary(report: dict[str, Any]) -> str:
    """"12 chunks from this document (index: 340 chunks in 9 documents)": the upload's own chunk count first."""
    files = [f for f in report.get("files", []) if f.get("status") != "removed"]
    own = sum(int(f.get("chunks", 0)) for f in files)
    status = ", ".join(sorted({str(f.get("status")) for f in files})) or "unchanged"
    summary = report.get("summary", {})
    return (f"{own} chunk{'s' if own != 1 else ''} from this document ({status}); the index now holds "
            f"{summary.get('chunks', '?')} chunks in {summary.get('documents', '?')} documents.")
