"""Labelled routing examples and the nearest-neighbour vote over their embeddings.

Examples come from JSONL files with lines ``{"text", "route", "split"}``; only the ``train``
split (or lines without a split) is used, so held-back test items never leak into the router.
Embeddings are computed once per process for a given embedder and set of files.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copilot.jsonl import read_jsonl_lines
from copilot.retrieval.embedder import Embedder
from copilot.types import ROUTES

# eval/ sits beside agents/ both in the repository and where the package is installed (copilot/agents, copilot/eval)
DATASETS_DIR = Path(__file__).resolve().parents[1] / "eval" / "datasets"
DEFAULT_EXAMPLE_FILES: tuple[Path, ...] = (DATASETS_DIR / "routing.jsonl", DATASETS_DIR / "routing_extra_train.jsonl")


@dataclass(frozen=True)
class Example:
    text: str
    route: str


def load_items(path: Path, split: str | None = None) -> list[dict]:
    """Read a routing JSONL file, validating every line; keep only ``split`` when given."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"routing dataset not found: {path}")
    items: list[dict] = []
    for n, item in read_jsonl_lines(path, ValueError):
        if not isinstance(item.get("text"), str) or not item["text"].strip():
            raise ValueError(f"{path}:{n}: each line needs a non-empty string 'text'")
        if item.get("route") not in ROUTES:
            raise ValueError(f"{path}:{n}: route {item.get('route')!r} is not one of {', '.join(ROUTES)}")
        if split is None or item.get("split", "train") == split:
            items.append(item)
    return items


def load_examples(paths: list[Path]) -> list[Example]:
    """Training examples (split 'train' or no split) from every existing file, de-duplicated."""
    seen: set[str] = set()
    out: list[Example] = []
    for path in paths:
        if not Path(path).is_file():
            continue
        for item in load_items(path, split="train"):
            key = item["text"].strip().lower()
            if key not in seen:
                seen.add(key)
                out.append(Example(item["text"].strip(), item["route"]))
    return out


class KnnIndex:
    """Embedded examples with a similarity-weighted vote of the ``k`` nearest."""

    def __init__(self, examples: list[Example], vectors: np.ndarray) -> None:
        self.examples = examples
        self.vectors = vectors
        self.labels = np.array([ex.route for ex in examples])

    def neighbours(self, query: np.ndarray, k: int) -> list[tuple[Example, float]]:
        if not self.examples:
            return []
        sims = self.vectors @ query
        top = np.argsort(-sims)[:k]
        return [(self.examples[i], float(sims[i])) for i in top]

    def vote(self, query: np.ndarray, k: int = 7, temperature: float = 0.05) -> tuple[dict[str, float], float]:
        """Per-route probability from a softmax over the k nearest similarities, and the best similarity."""
        near = self.neighbours(query, k)
        if not near:
            return {}, 0.0
        sims = np.array([s for _, s in near])
        weights = np.exp((sims - sims.max()) / temperature)
        scores: dict[str, float] = {}
        for (ex, _), w in zip(near, weights, strict=True):
            scores[ex.route] = scores.get(ex.route, 0.0) + float(w)
        total = sum(scores.values())
        return {r: v / total for r, v in scores.items()}, float(sims.max())


_CACHE: dict[tuple, KnnIndex] = {}
_LOCK = threading.Lock()


def _signature(paths: list[Path]) -> tuple:
    sig = []
    for p in paths:
        p = Path(p)
        if p.is_file():
            st = p.stat()
            sig.append((str(p.resolve()), st.st_mtime_ns, st.st_size))
    return tuple(sig)


def build_index(embedder: Embedder, paths: list[Path]) -> KnnIndex:
    """Embed the training examples once per (embedder, files) in this process."""
    key = (getattr(embedder, "name", type(embedder).__name__), getattr(embedder, "dim", 0), _signature(paths))
    with _LOCK:
        if key not in _CACHE:
            examples = load_examples(paths)
            dim = int(getattr(embedder, "dim", 0))
            vectors = (embedder.embed([ex.text for ex in examples]) if examples
                       else np.zeros((0, dim), dtype=np.float32))
            _CACHE[key] = KnnIndex(examples, np.asarray(vectors, dtype=np.float32))
        return _CACHE[key]
