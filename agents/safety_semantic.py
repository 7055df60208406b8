"""Meaning-aware part of the safety gate: nearest reference phrasings by embedding similarity.

The rules of agents/safety.py catch the words of a bypass; this catches its meaning when the words
differ ("make the level switch think the tank is not full"). A request is flagged when its nearest
reference phrasing is an unsafe one (agents/safety_examples.py) with a cosine similarity of at least
``THRESHOLD`` and clearly nearer than the nearest allowed look-alike (``MARGIN``). The fake hashed
embedder carries no meaning, so with it this check is skipped (the rules still apply).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

from copilot.agents.safety_examples import SAFE, UNSAFE

THRESHOLD = 0.62
MARGIN = 0.06

_cache: weakref.WeakKeyDictionary[Any, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _matrices(embedder: Any) -> tuple[np.ndarray, np.ndarray]:
    with _lock:
        found = _cache.get(embedder)
        if found is None:
            unsafe = np.asarray(embedder.embed([t for _, t in UNSAFE]), dtype=np.float32)
            safe = np.asarray(embedder.embed(SAFE), dtype=np.float32)
            found = _cache[embedder] = (unsafe, safe)
        return found


def meaningful(embedder: Any) -> bool:
    """True for an embedder whose similarities carry meaning (not the deterministic fake)."""
    return embedder is not None and not str(getattr(embedder, "name", "")).startswith("fake")


def semantic_hit(text: str, embedder: Any) -> tuple[str, str, float] | None:
    """(category, nearest unsafe phrasing, similarity) when ``text`` means an unsafe request, else None."""
    if not meaningful(embedder) or not text.strip():
        return None
    unsafe, safe = _matrices(embedder)
    q = np.asarray(embedder.embed([text])[0], dtype=np.float32)
    su, ss = unsafe @ q, safe @ q
    best = int(np.argmax(su))
    score, best_safe = float(su[best]), float(np.max(ss))
    if score >= THRESHOLD and score - best_safe >= MARGIN:
        category, phrase = UNSAFE[best]
        return category, phrase, score
    return None


def nearest(text: str, embedder: Any) -> dict[str, float]:
    """Best unsafe and best safe similarity (for tuning and the eval report)."""
    unsafe, safe = _matrices(embedder)
    q = np.asarray(embedder.embed([text])[0], dtype=np.float32)
    return {"unsafe": float(np.max(unsafe @ q)), "safe": float(np.max(safe @ q))}
