"""Resolve a user's text value against a column's distinct values: exact, fuzzy, semantic.

The chain always starts with the cheapest, most precise method and stops at the first one that
finds something: exact (case-insensitive, also ignoring plurals and -ing/-ed endings) ->
fuzzy (rapidfuzz, ``settings.tables.fuzzy_threshold``) -> semantic (embedder cosine similarity,
``settings.tables.semantic_threshold``). A plan's ``match`` says how far the chain may go:
``exact`` and ``fuzzy`` stop after fuzzy (typos are always forgiven), ``semantic`` goes all the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from copilot.config import Settings

_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A very small stemmer: leaks/leaking/leaked -> leak, batteries -> battery."""
    w = word.lower()
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("sses", "ss"), ("shes", "sh"), ("ches", "ch"),
                         ("xes", "x"), ("s", "")):
        if len(w) > len(suffix) + 2 and w.endswith(suffix) and not w.endswith("ss"):
            return w[: -len(suffix)] + repl
    return w


def stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower())]


@dataclass
class MatchResult:
    values: list[str]
    method: str  # "exact" | "fuzzy" | "semantic" | "none"
    scores: dict[str, float] = field(default_factory=dict)


class ValueMatcher:
    """Matches text values against distinct column values; caches embeddings of candidate lists."""

    def __init__(self, settings: Settings, embedder: object | None = None) -> None:
        self.fuzzy_threshold = settings.tables.fuzzy_threshold
        self.semantic_threshold = settings.tables.semantic_threshold
        self.embedder = embedder
        self._cache: dict[tuple[str, ...], np.ndarray] = {}

    def exact(self, value: str, candidates: list[str], contains: bool) -> list[str]:
        v = value.strip().lower()
        vs = " ".join(stems(value))
        out = []
        for c in candidates:
            cl = c.lower()
            if contains:
                ok = v in cl or (bool(vs) and f" {vs} " in f" {' '.join(stems(c))} ")
            else:
                ok = cl == v or " ".join(stems(c)) == vs
            if ok:
                out.append(c)
        return out

    def fuzzy(self, value: str, candidates: list[str], contains: bool) -> dict[str, float]:
        vs = " ".join(stems(value))
        scores: dict[str, float] = {}
        digits = set(re.findall(r"\d+", value))
        for c in candidates:
            if set(re.findall(r"\d+", c)) != digits and (digits or not contains):
                continue  # "Chiller 5" is not a typo of "Chiller 6"
            cs = " ".join(stems(c))
            score = max(fuzz.ratio(value.lower(), c.lower()), fuzz.ratio(vs, cs))
            if len(vs) >= 4:
                # every stemmed word of the value appears (approximately) among the candidate's words
                score = max(score, fuzz.token_set_ratio(vs, cs) if set(vs.split()) <= set(cs.split()) else 0)
                if contains or len(vs.split()) == 1:
                    score = max(score, fuzz.partial_ratio(vs, cs) if len(cs) >= len(vs) else 0)
            if score >= self.fuzzy_threshold:
                scores[c] = float(score)
        return scores

    def semantic(self, value: str, candidates: list[str]) -> dict[str, float]:
        if self.embedder is None or not candidates:
            return {}
        key = tuple(candidates)
        if key not in self._cache:
            self._cache[key] = self.embedder.embed(list(candidates))  # type: ignore[attr-defined]
        q = self.embedder.embed([value])[0]  # type: ignore[attr-defined]
        sims = self._cache[key] @ q
        return {c: float(s) for c, s in zip(candidates, sims, strict=True) if s >= self.semantic_threshold}

    def resolve(self, value: str, candidates: list[str], match: str = "exact", op: str = "=") -> MatchResult:
        """Distinct values that the user's ``value`` refers to, and the method that found them."""
        contains = op == "contains"
        found = self.exact(value, candidates, contains)
        if found:
            return MatchResult(found, "exact", {c: 100.0 for c in found})
        scores = self.fuzzy(value, candidates, contains)
        if scores:
            return MatchResult(sorted(scores, key=lambda c: -scores[c]), "fuzzy", scores)
        if match == "semantic":
            scores = self.semantic(value, candidates)
            if scores:
                return MatchResult(sorted(scores, key=lambda c: -scores[c]), "semantic", scores)
        return MatchResult([], "none")
