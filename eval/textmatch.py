"""Deterministic text normalisation and required-fact matching, plus an embedding fallback.

Normalisation: Unicode NFKC, casefold, typographic dashes/quotes unified, punctuation turned into
spaces (keeping decimal points and percent signs inside numbers), thousands separators removed,
number words up to twenty and round tens turned into digits, ``5.0`` -> ``5``, ``%`` -> ``percent``
and whitespace collapsed. A fact matches when its normalised form occurs in the normalised
answer on word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np

_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100",
}
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"'}
_THOUSANDS = re.compile(r"(?<=\d)[,\u202f\u00a0 ](?=\d{3}(?!\d))")
_TRAILING_ZERO = re.compile(r"\b(\d+)\.0+\b")
_DECIMAL_DOT = re.compile(r"(?<=\d)\.(?=\d)")
_NON_WORD = re.compile(r"[^\w\u2024]+")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")


def normalize(text: str) -> str:
    """Canonical form used for deterministic matching (see module docstring)."""
    t = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES).casefold()
    t = re.sub(r"\[\d+\]", " ", t)  # citation markers are not content
    t = _THOUSANDS.sub("", t)
    t = _TRAILING_ZERO.sub(r"\1", t)
    t = t.replace("%", " percent ")
    t = _DECIMAL_DOT.sub("\u2024", t)  # protect decimal points from punctuation stripping
    t = _NON_WORD.sub(" ", t).replace("_", " ")
    words = [_NUMBER_WORDS.get(w, w) for w in t.split()]
    return " ".join(words).replace("\u2024", ".")


def fact_found(fact: str, answer: str) -> bool:
    """True when the normalised fact occurs in the normalised answer on word boundaries."""
    f = normalize(fact)
    if not f:
        return False
    return f" {f} " in f" {normalize(answer)} "


def sentence_windows(text: str, size: int = 2) -> list[str]:
    """Sentences of ``text`` and every run of ``size`` consecutive sentences."""
    sents = [s.strip() for s in _SENTENCE.split(re.sub(r"\[\d+\]", "", text)) if s and s.strip()]
    windows = list(sents)
    for i in range(len(sents) - size + 1):
        if size > 1:
            windows.append(" ".join(sents[i:i + size]))
    return windows


Embed = Callable[[list[str]], np.ndarray]


def word_windows(text: str, size: int, limit: int = 400) -> list[str]:
    """Every run of ``size`` consecutive words of ``text`` (stride grows so at most ``limit`` windows)."""
    words = re.sub(r"\[\d+\]", "", text).split()
    if len(words) <= size:
        return [" ".join(words)] if words else []
    count = len(words) - size + 1
    stride = max(1, -(-count // limit))
    return [" ".join(words[i:i + size]) for i in range(0, count, stride)]


def semantic_fact_scores(facts: Sequence[str], answer: str, embed: Embed) -> list[float]:
    """Best cosine similarity of each fact to any window of the answer (0 for an empty answer).

    Windows: every sentence, every pair of consecutive sentences, and spans of the fact's word
    count + 2 words, so a short fact is compared with a passage of similar length."""
    sentences = sentence_windows(answer)
    if not facts:
        return []
    if not sentences:
        return [0.0] * len(facts)
    sizes = sorted({len(f.split()) + 2 for f in facts})
    spans = {n: word_windows(answer, n) for n in sizes}
    windows = sentences + [w for n in sizes for w in spans[n]]
    vecs = np.asarray(embed(list(facts) + windows), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs = vecs / np.where(norms == 0, 1, norms)
    fact_vecs, win_vecs = vecs[: len(facts)], vecs[len(facts):]
    sims = fact_vecs @ win_vecs.T
    return [float(row.max()) for row in sims]


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers_present(fact: str, answer_numbers: set[str]) -> bool:
    """Guard for the embedding match: every number of the fact must occur in the answer
    (embeddings barely tell 4.5 mm/s from 7.1 mm/s)."""
    return set(_NUMBER.findall(normalize(fact))) <= answer_numbers


def fact_recall(facts: Sequence[dict], answer: str, embed: Embed | None = None,
                threshold: float = 0.7) -> dict[str, float | int | None | list]:
    """Required-fact recall for one answer.

    ``facts`` are ``{"fact": str, "essential": bool}``. Returns exact recall, semantic recall
    (exact OR embedding similarity >= threshold with every number of the fact present in the
    answer; None without an embedder), the same two over
    essential facts only, and per-fact details.
    """
    if not facts:
        return {"exact": None, "semantic": None, "essential_exact": None, "essential_semantic": None, "facts": []}
    texts = [f["fact"] for f in facts]
    exact = [fact_found(t, answer) for t in texts]
    sims = semantic_fact_scores(texts, answer, embed) if embed is not None else [None] * len(texts)
    answer_numbers = set(_NUMBER.findall(normalize(answer)))
    sem = [e or (s is not None and s >= threshold and numbers_present(t, answer_numbers))
           for t, e, s in zip(texts, exact, sims, strict=True)]
    ess = [i for i, f in enumerate(facts) if f.get("essential", True)]

    def share(flags: list[bool], idx: list[int]) -> float | None:
        return sum(flags[i] for i in idx) / len(idx) if idx else None

    every = list(range(len(facts)))
    return {
        "exact": share(exact, every),
        "semantic": share(sem, every) if embed is not None else None,
        "essential_exact": share(exact, ess),
        "essential_semantic": share(sem, ess) if embed is not None else None,
        "facts": [{"fact": t, "exact": e, "similarity": s, "essential": facts[i].get("essential", True)}
                  for i, (t, e, s) in enumerate(zip(texts, exact, sims, strict=True))],
    }
