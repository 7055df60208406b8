"""Index fields beside the chunk body: the heading path and the terms a chunk defines.

* ``head_text(chunk)``: document title and heading path ("Article 3: Definitions",
  "GOVERN 1.1: Legal ... > Suggested actions"), indexed as a separate BM25 field so a query
  about a document's subject matches every passage of it (a field boost, as in BM25F).
* ``defined_terms(text)``: terms a passage *defines* (``(4) deployer means ...``,
  ``"MTBF" means ...``, ``- **MTBF**: ...`` in a glossary). ``TermIndex.match(query)`` finds the
  passages that define the longest term a definitional query asks about ("what does deployer mean").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from copilot.retrieval.tokenize import tokenize
from copilot.types import Chunk

_NUMBERED = re.compile(r"^\s*\(?\d{1,3}[a-z]?\)?\.?\s+['\"“‘]?(?P<term>[^\n()'\"“”‘’:;]{2,90}?)['\"”’]?\s*,?\s+"
                       r"(?:means|shall mean|refers to|is defined as)\b", re.MULTILINE)
_QUOTED = re.compile(r"['\"“‘](?P<term>[^\n'\"“”‘’]{2,80})['\"”’]\s*,?\s+(?:means|shall mean|refers to|is defined as)\b")
_GLOSSARY = re.compile(r"^\s*(?:[-*+]\s+)?\*\*(?P<term>[^*\n]{2,60}?)\*\*\s*(?:\([^)\n]{1,20}\))?\s*[:—–-]\s+\S",
                       re.MULTILINE)
# Words that only say "this is a definition question" and carry no subject.
_INTENT = frozenset(tokenize(
    "what does mean means meaning define defined definition term terms what is are who counts count as "
    "considered under according in the act regulation eu ai act law this how is the word phrase explain"))
_DEFINITIONAL = re.compile(r"\b(mean|means|meaning|define[sd]?|definition|counts? as|what is|what are|who is"
                           r"|who counts|term)\b", re.IGNORECASE)


def head_text(chunk: Chunk) -> str:
    """Title and heading path of a chunk (the BM25 "head" field)."""
    return " > ".join(p for p in (chunk.title, chunk.section) if p)


def defined_terms(text: str) -> list[str]:
    """Terms defined in ``text`` (lower-cased, in order, without repeats)."""
    seen: list[str] = []
    for pattern in (_NUMBERED, _QUOTED, _GLOSSARY):
        for m in pattern.finditer(text):
            term = " ".join(m.group("term").split()).strip(" ,.;").lower()
            if term and len(term.split()) <= 8 and term not in seen:
                seen.append(term)
    return seen


class TermIndex:
    """Defined term -> chunk rows; ``match(query)`` scores rows defining the term a query asks about."""

    def __init__(self, terms: dict[str, list[int]]) -> None:
        self.terms = terms
        self._tokens = {t: tuple(tokenize(t)) for t in terms}
        self._by_token: dict[str, list[str]] = {}
        for term, toks in self._tokens.items():
            for tok in set(toks):
                self._by_token.setdefault(tok, []).append(term)

    @classmethod
    def build(cls, chunks: list[Chunk]) -> TermIndex:
        terms: dict[str, list[int]] = {}
        for i, c in enumerate(chunks):
            for t in defined_terms(c.text):
                if tokenize(t):
                    terms.setdefault(t, []).append(i)
        return cls(terms)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.terms), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TermIndex:
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return cls({})

    def match(self, query: str, min_coverage: float = 0.6) -> dict[int, float]:
        """Rows defining the longest term whose words all occur in a definitional ``query``.

        The score is the share of the query's subject words (intent words like "what does ... mean
        in the Act" removed) the term covers; nothing is returned below ``min_coverage`` or when the
        query does not ask for a meaning."""
        if not self.terms or not _DEFINITIONAL.search(query):
            return {}
        q = tokenize(query)
        qset = set(q)
        subject = {t for t in q if t not in _INTENT} or qset
        best: dict[int, float] = {}
        for term in {t for tok in qset for t in self._by_token.get(tok, ())}:
            toks = self._tokens[term]
            if not toks or not set(toks) <= qset:
                continue
            coverage = len(set(toks) & subject) / len(subject) if subject else 0.0
            if coverage < min_coverage:
                continue
            for row in self.terms[term]:
                best[row] = max(best.get(row, 0.0), coverage)
        return best
