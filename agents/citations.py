"""Numbered sources for prompts and the check of the [n] markers a model writes.

The prompt shows sources as ``[1] Title - section (rev X)`` blocks. After generation, markers
that point at no shown source are removed and counted; the citations list keeps only the
sources actually cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from copilot.agents.context_focus import QueryTerms, focus
from copilot.agents.safety import sanitize_context
from copilot.llm.base import estimate_tokens
from copilot.types import Citation, Hit

MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


def build_sources(hits: list[Hit], budget_tokens: int, *, question: str | None = None,
                  count: Callable[[str], int] = estimate_tokens, max_sources: int = 4,
                  min_tokens: int = 40, lead_share: float = 0.4) -> list[Citation]:
    """Number the hits as sources so that texts and headers fit ``budget_tokens`` (counted with ``count``).

    With ``question``, the budget is shared out (the top hit gets at least ``lead_share`` of it, the others
    equal shares of what is left, unused tokens pass on) and each text keeps its lines most related to the question
    (see :mod:`copilot.agents.context_focus`). Without it, texts are kept whole and the last one is cut."""
    out: list[Citation] = []
    used = 0
    terms = QueryTerms(question) if question else None
    planned = min(len(hits), max_sources)
    for hit in hits:
        left = budget_tokens - used
        if left < min_tokens and out:
            break
        cite = Citation.from_chunk(len(out) + 1, hit.chunk)
        header = count(f"[{cite.marker}] {source_header(cite)}\n") + 2
        text = sanitize_context(without_overlap(cite.text.strip(), [h.chunk.text for h in hits[:planned]
                                                                    if h is not hit and h.chunk.doc_id == cite.doc_id]))
        if terms is not None:
            slots = max(1, planned - len(out))
            share = left if slots == 1 else (max(left // slots, int(lead_share * left)) if not out else left // slots)
            text = focus(text, terms, max(min_tokens, share - header), count)
        else:
            size = count(text)
            if size > left - header:
                keep = max(200, len(text) * max(1, left - header) // size)
                text = text[:keep].rsplit(" ", 1)[0] + " ..."
        cite.text = text
        used += count(text) + header
        out.append(cite)
    return out


def without_overlap(text: str, others: list[str]) -> str:
    """``text`` without its last lines when another shown chunk of the same document starts with them (the chunker's
    overlap): "6.6 Retest ... every 2 hours" ends the gas-limits chunk and starts the next one, and kept twice it
    crowded the limits table out of the first."""
    lines = text.splitlines()
    starts = [[ln.strip() for ln in o.strip().splitlines()] for o in others]
    for k in range(1, len(lines)):
        tail = [ln.strip() for ln in lines[k:]]
        if any(any(tail) and s[:len(tail)] == tail for s in starts):
            return "\n".join(lines[:k]).rstrip()
    return text


def source_header(c: Citation) -> str:
    head = c.title or c.doc_id
    if c.section and c.section != c.title:
        head += f" - {c.section}"
    extra = []
    if c.page is not None:
        extra.append(f"page {c.page}")
    if c.row is not None:
        extra.append(f"row {c.row}")
    if c.revision:
        extra.append(f"rev {c.revision}")
    return head + (f" ({', '.join(extra)})" if extra else "")


def format_sources(sources: list[Citation]) -> str:
    """``[n] Title - section (rev X)`` followed by the (sanitised) text, one block per source."""
    return "\n\n".join(f"[{c.marker}] {source_header(c)}\n{c.text}" for c in sources)


def check_citations(text: str, sources: list[Citation]) -> tuple[str, list[Citation], int]:
    """Remove markers that point at nothing; return (clean text, cited sources in order, invalid count)."""
    valid = {c.marker: c for c in sources}
    cited: list[int] = []
    invalid = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal invalid
        keep = []
        for part in m.group(1).split(","):
            n = int(part)
            if n in valid:
                keep.append(n)
                if n not in cited:
                    cited.append(n)
            else:
                invalid += 1
        return "".join(f"[{n}]" for n in keep)

    clean = MARKER.sub(fix, text)
    clean = re.sub(r"[ \t]+([.,;:])", r"\1", clean)
    clean = re.sub(r"[ \t]{2,}", " ", clean).strip()
    return clean, [valid[n] for n in cited], invalid


_CONTENT = re.compile(r"[a-z0-9][a-z0-9-]{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def attach_markers(text: str, sources: list[Citation], *, min_shared: int = 3,
                   min_share: float = 0.35) -> tuple[str, list[Citation]]:
    """Add ``[n]`` to each sentence that clearly comes from shown source n (the small model often
    writes no markers). A sentence gets the source sharing the most content words with it, and only
    when at least ``min_shared`` words and ``min_share`` of its words occur there; others stay unmarked."""
    if not sources:
        return text, []
    pools = [(c, set(_CONTENT.findall(f"{c.title} {c.section} {c.text}".lower()))) for c in sources]
    cited: list[Citation] = []
    out: list[str] = []
    pos = 0
    for m in list(_SENTENCE_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        sentence = text[pos:end]
        sep = m.group(0) if m else ""
        pos = m.end() if m else len(text)
        words = set(_CONTENT.findall(sentence.lower()))
        best, best_n = None, 0
        for c, pool in pools:
            n = len(words & pool)
            if n > best_n:
                best, best_n = c, n
        if best is not None and words and best_n >= min_shared and best_n / len(words) >= min_share \
                and not MARKER.search(sentence):
            stripped = sentence.rstrip()
            if stripped and stripped[-1] in ".!?:":
                sentence = f"{stripped[:-1]} [{best.marker}]{stripped[-1]}" + sentence[len(stripped):]
            else:
                sentence = f"{stripped} [{best.marker}]" + sentence[len(stripped):]
            if best not in cited:
                cited.append(best)
        out.append(sentence + sep)
    return "".join(out), sorted(cited, key=lambda c: c.marker)


class MarkerFilter:
    """Streaming filter: holds back text from ``[`` until the marker closes, drops invalid markers."""

    def __init__(self, valid: set[int]) -> None:
        self.valid = valid
        self.buf = ""
        self.dropped = 0  # markers that pointed at no shown source

    def feed(self, piece: str) -> str:
        self.buf += piece
        out = ""
        while self.buf:
            start = self.buf.find("[")
            if start < 0:
                out, self.buf = out + self.buf, ""
                break
            out, self.buf = out + self.buf[:start], self.buf[start:]
            end = self.buf.find("]")
            if end < 0:
                if len(self.buf) > 16 or not re.fullmatch(r"\[[\d,\s]*", self.buf):
                    out, self.buf = out + self.buf[0], self.buf[1:]
                    continue
                break
            token = self.buf[: end + 1]
            self.buf = self.buf[end + 1:]
            m = MARKER.fullmatch(token)
            if m:
                numbers = [int(p) for p in m.group(1).split(",")]
                keep = [n for n in numbers if n in self.valid]
                self.dropped += len(numbers) - len(keep)
                out += "".join(f"[{n}]" for n in keep)
            else:
                out += token
        return out

    def flush(self) -> str:
        out, self.buf = self.buf, ""
        return out
