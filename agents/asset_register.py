"""Is a tag a real asset? Checked against the asset register spreadsheet in the index."""

from __future__ import annotations

import re
from typing import Any

REGISTER = re.compile(r"asset[_ -]?register|asset[_ -]?list|equipment[_ -]?register", re.I)


def known_asset(retriever: Any, tag: str) -> bool | None:
    """True/False when an asset register is indexed (it has a row whose asset tag is ``tag``), None without one."""
    if retriever is None:
        return None
    try:
        docs = retriever.documents()
    except Exception:  # noqa: BLE001 - an unreadable index cannot validate, it must not break the answer
        return None
    if not any(REGISTER.search(f"{d.get('doc_id', '')} {d.get('title', '')}") for d in docs):
        return None
    for hit in retriever.search(tag, k=10):
        chunk = hit.chunk
        if chunk.row is None or not REGISTER.search(f"{chunk.doc_id} {chunk.title}"):
            continue
        if re.search(rf"^\s*(?:asset[_ ]?tag|tag)\s*:\s*{re.escape(tag)}\s*$", chunk.text, re.I | re.M):
            return True
    return False


# A part named by its parent's tag: "the motor on P-101", "P-101's drive", "gearbox of CV-401".
COMPONENT_WORD = re.compile(r"\b(motor|drive(?![- ]?(?:end|side)\b)|vfd|inverter|gear ?box|gear reducer|fan|blower|coupling)s?\b", re.I)  # "drive end": a bearing position
_SYNONYMS = {"inverter": "vfd", "gear reducer": "gearbox", "gear box": "gearbox", "blower": "fan"}
# how a resolved part is written into the search query, and read back by the agents (one home for the format)
_NOTE = re.compile(r"\((?:[a-z]+ )+of ([A-Z]{1,5}-\d{1,5}[A-Z]?) is ([A-Z]{1,5}-\d{1,5}[A-Z]?)\)")


def _kind(text: str) -> str:
    word = re.sub(r"\s+", " ", text.lower()).rstrip("s")
    return _SYNONYMS.get(word, word)


def _register_rows(retriever: Any, query: str) -> list[tuple[str, str, str]]:
    """(tag, description, type) of the asset-register rows the search returns for ``query``."""
    out = []
    for hit in retriever.search(query, k=10):
        chunk = hit.chunk
        if chunk.row is None or not REGISTER.search(f"{chunk.doc_id} {chunk.title}"):
            continue
        fields = dict(re.findall(r"^\s*([\w ]+?)\s*:\s*(.*?)\s*$", chunk.text, re.M))
        tag = fields.get("asset_tag") or fields.get("tag") or ""
        if tag:
            out.append((tag, fields.get("description", ""), fields.get("equipment_type") or fields.get("type") or ""))
    return out


def component_tags(retriever: Any, question: str, parents: list[str]) -> list[tuple[str, str, str]]:
    """(kind, parent, part) for each part the question names by its parent's tag and the register lists as
    "<Kind> for <parent>" (or one level further: the drive of M-101, the motor of P-101): "grease the motor
    bearings on P-101" -> ("motor", "P-101", "M-101"). Empty without a register or a component word."""
    kinds = [_kind(w) for w in COMPONENT_WORD.findall(question)]
    if retriever is None or not kinds or not parents:
        return []
    found: list[tuple[str, str, str]] = []
    for parent in parents:
        frontier = [parent]
        for _level in range(2):  # the part itself, or the part of the part (P-101 -> M-101 -> VFD-101)
            children = []
            for tag in frontier:
                for kind in kinds:
                    try:
                        rows = _register_rows(retriever, f"{kind} for {tag}")
                    except Exception:  # noqa: BLE001 - resolving a part is a help, never a failure
                        return found
                    for child, desc, typ in rows:
                        head = desc.split(",")[0].lower()
                        if not re.search(rf"\bfor {re.escape(tag)}\b", desc) or child == parent:
                            continue
                        children.append(child)
                        if (kind in _kind(typ) or kind in head or (kind == "drive" and "drive" in head)) and \
                                not any(f[2] == child for f in found):
                            found.append((kind, parent, child))
            frontier = [c for c in dict.fromkeys(children) if not any(f[2] == c for f in found)]
            if any(f[1] == parent for f in found) or not frontier:
                break
    return found


def annotate_components(query: str, parts: list[tuple[str, str, str]]) -> str:
    """The search query with each resolved part written next to it: "... (motor of P-101 is M-101)"."""
    notes = " ".join(f"({kind} of {parent} is {part})" for kind, parent, part in parts if part not in query)
    return f"{query} {notes}" if notes else query


def annotated_parts(query: str) -> list[str]:
    """The part tags :func:`annotate_components` wrote into a query."""
    return [m.group(2) for m in _NOTE.finditer(query)]


def strip_part_notes(query: str) -> str:
    """The query without the notes :func:`annotate_components` added."""
    return _NOTE.sub(" ", query).strip()
