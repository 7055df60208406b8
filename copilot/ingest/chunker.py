"""Structure-aware chunking: heading paths become sections; table rows and numbered steps stay whole.

A block's text is cut into *atoms* (a sentence run, one table row, one list item with its
continuation lines) grouped into paragraphs, tables and lists. Atoms are packed greedily up to
``chunk_size`` characters; a table or list that fits in one chunk is never spread over two, a
larger one is split only between rows/steps (a table's header row is repeated). Overlap carries
whole trailing atoms of up to ``chunk_overlap`` characters into the next chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.ingest.models import Block, LoadedDoc
from copilot.types import Chunk

_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*+•])\s+")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z0-9(\"'])")


@dataclass
class Group:
    kind: str  # para | table | list
    atoms: list[str]
    header: list[str] | None = None  # table header lines, repeated when a table is split

    @property
    def size(self) -> int:
        return sum(len(a) + 1 for a in self.atoms)


def _split_long(text: str, size: int, atom: int) -> list[str]:
    """Split an over-long paragraph at sentence ends, then hard at whitespace."""
    pieces: list[str] = []
    for sentence in _SENTENCE.split(text):
        while len(sentence) > size:
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > size // 2 else size
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    atoms: list[str] = []
    for p in pieces:  # re-join short sentences so atoms are not tiny
        if atoms and len(atoms[-1]) + len(p) + 1 <= atom:
            atoms[-1] = f"{atoms[-1]} {p}"
        else:
            atoms.append(p)
    return atoms


def parse_groups(text: str, size: int, overlap: int | None = None) -> list[Group]:
    """Turn block text into paragraph, table and list groups of atoms (atoms of long paragraphs
    are sentence runs no longer than the overlap, so the overlap can carry whole sentences)."""
    atom = max(40, min(size // 3, overlap if overlap is not None else size // 3))
    groups: list[Group] = []
    para: list[str] = []

    def end_para() -> None:
        if para:
            joined = "\n".join(para).strip()
            if joined:
                atoms = [joined] if len(joined) <= size else _split_long(" ".join(joined.split()), size, atom)
                groups.append(Group("para", atoms))
            para.clear()

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if _TABLE_ROW.match(line):
            end_para()
            rows = []
            while i < len(lines) and _TABLE_ROW.match(lines[i]):
                rows.append(lines[i].strip())
                i += 1
            header = rows[:2] if len(rows) >= 2 and _TABLE_SEP.match(rows[1]) else rows[:1]
            groups.append(Group("table", rows, header=header))
            continue
        if _LIST_ITEM.match(line):
            end_para()
            items: list[str] = []
            while i < len(lines):
                cur = lines[i]
                if _LIST_ITEM.match(cur):
                    if items and cur[:1] in (" ", "\t"):
                        items[-1] += "\n" + cur.rstrip()  # nested item stays with its parent step
                    else:
                        items.append(cur.rstrip())
                elif cur.strip() and items and (cur[:1] in (" ", "\t") or not _blank_before(lines, i)):
                    items[-1] += "\n" + cur.rstrip()
                elif not cur.strip() and i + 1 < len(lines) and (
                        _LIST_ITEM.match(lines[i + 1]) or lines[i + 1][:1] in (" ", "\t")) and lines[i + 1].strip():
                    pass  # blank line inside a loose list
                else:
                    break
                i += 1
            groups.append(Group("list", items))
            continue
        if line.strip():
            para.append(line)
        else:
            end_para()
        i += 1
    end_para()
    return groups


def _blank_before(lines: list[str], i: int) -> bool:
    return i > 0 and not lines[i - 1].strip()


def pack(groups: list[Group], size: int, overlap: int) -> list[str]:
    """Greedy packing of atoms into chunk texts, respecting group integrity."""
    chunks: list[str] = []
    cur: list[tuple[int, str]] = []  # (group index, atom)

    def render(items: list[tuple[int, str]]) -> str:
        out, prev = [], None
        for g, atom in items:
            if prev is not None:
                out.append("\n" if g == prev and groups[g].kind != "para" else "\n\n")
            out.append(atom)
            prev = g
        return "".join(out).strip()

    def length(items: list[tuple[int, str]]) -> int:
        return sum(len(a) + 2 for _, a in items)

    def flush() -> list[tuple[int, str]]:
        if not cur:
            return []
        chunks.append(render(cur))
        carry: list[tuple[int, str]] = []
        total = 0
        for g, atom in reversed(cur):
            if total + len(atom) > overlap or groups[g].kind == "table":
                break
            carry.insert(0, (g, atom))
            total += len(atom) + 2
        cur.clear()
        return carry

    for gi, group in enumerate(groups):
        if cur and group.kind != "para" and group.size <= size and length(cur) + group.size > size:
            carry = flush()
            cur.extend(carry if length(carry) + group.size <= size else [])
        for ai, atom in enumerate(group.atoms):
            if cur and length(cur) + len(atom) + 2 > size:
                carry = flush()
                if group.kind == "table" and group.header and ai >= len(group.header):
                    cur.extend((gi, h) for h in group.header)
                elif length(carry) + len(atom) + 2 <= size:
                    cur.extend(carry)
            cur.append((gi, atom))
    if cur:
        chunks.append(render(cur))
    return [c for c in chunks if c.strip()]


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-")


def chunk_document(doc: LoadedDoc, size: int, overlap: int) -> list[Chunk]:
    """Chunk every block of a loaded document; ids are ``doc_id#section-slug#n`` (n counts per section)."""
    out: list[Chunk] = []
    counters: dict[str, int] = {}
    for block in doc.blocks:
        out.extend(_chunk_block(doc, block, size, overlap, counters))
    return out


def _chunk_block(doc: LoadedDoc, block: Block, size: int, overlap: int,
                 counters: dict[str, int]) -> list[Chunk]:
    section = " > ".join(block.section)
    key = _slug(section) if section else (f"p{block.page}" if block.page is not None else "")
    texts = pack(parse_groups(block.text, size, overlap), size, overlap)
    chunks = []
    for text in texts:
        counters[key] = counters.get(key, 0) + 1
        cid = f"{doc.doc_id}#{key}#{counters[key]}" if key else f"{doc.doc_id}#{counters[key]}"
        chunks.append(Chunk(id=cid, doc_id=doc.doc_id, text=text, title=doc.title, section=section,
                            doc_type=doc.doc_type, revision=doc.revision, page=block.page,
                            metadata=dict(doc.metadata)))
    return chunks
