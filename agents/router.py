"""Request routing: explicit choice, patterns, nearest labelled examples, conversation, then the LLM.

Signals, strongest first:

1. ``explicit``: an agent named by the user or the API caller always wins.
2. ``pattern``: fault codes (E-204), asset tags (P-101) and strong keywords (lexical scores).
3. ``knn``: a similarity-weighted vote of the nearest labelled training examples.
4. ``context``: a terse follow-up ("and what about the seal?") keeps the previous route when
   the other signals are weak.
5. ``llm``: only when the signals disagree or the confidence is below
   ``settings.agents.router_confidence`` and an LLM is given, the model picks among the top
   candidates with a JSON-schema-constrained answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from copilot.agents.prompts.shared import SHARED_PREFIX
from copilot.agents.routing_examples import DEFAULT_EXAMPLE_FILES, KnnIndex, build_index
from copilot.agents.routing_signals import decided_route, is_followup, keyword_scores, strong_maintenance
from copilot.config import Settings
from copilot.llm.base import LLM, Message
from copilot.retrieval.embedder import Embedder
from copilot.types import ROUTES

log = logging.getLogger(__name__)

RouteMethod = Literal["explicit", "pattern", "knn", "llm", "context"]

ALIASES: dict[str, str] = {
    "readiness_assessor": "readiness", "assessor": "readiness", "maturity": "readiness",
    "governance_advisor": "governance", "advisor": "governance",
    "troubleshooter": "maintenance", "maintenance_troubleshooter": "maintenance",
    "help": "general", "oos": "out_of_scope", "out-of-scope": "out_of_scope",
}

DESCRIPTIONS: dict[str, str] = {
    "readiness": "AI readiness and maturity, a site's readiness scores (ORI, Operational Readiness Index) and weakest "
                 "dimension, moving AI pilots to production, scaling, roadmaps, KPIs, data and skills",
    "governance": "AI governance: EU AI Act, NIST AI RMF, AI risk classification, bias, human oversight, decision records",
    "maintenance": "equipment problems: symptoms, alarms, fault codes, pumps, motors, compressors, SOPs, LOTO, "
                   "work orders, FMEA",
    "general": "questions about this copilot itself, its knowledge base, what it can do, greetings and help",
    "out_of_scope": "anything unrelated to industrial AI or plant maintenance (weather, recipes, sport, jokes)",
}

RULES_TEXT = [
    "- Regulation, risk class, compliance, bias, oversight or decision records of an AI system is governance, "
    "even when the AI system is about equipment.",
    "- Planning, scaling, rolling out, KPIs, value, skills or maturity of an AI project is readiness; so is building, "
    "training or measuring the value of an AI model, even when the model watches equipment.",
    "- Maintenance is only for fixing, inspecting or operating physical equipment.",
    "- Questions about the copilot itself are general; anything else unrelated is out_of_scope.",
]

# Fixed text (all routes), so llama.cpp can reuse the KV cache of this prefix between calls.
TIEBREAK_TASK = (
    "You route requests for an industrial AI copilot. Choose the single best route for the request.\nRoutes:\n"
    + "\n".join(f"- {r}: {d}" for r, d in DESCRIPTIONS.items()) + "\nRules:\n" + "\n".join(RULES_TEXT)
    + '\nAnswer only with JSON like {"route": "..."}.'
)

KW_WEIGHT = 0.35  # how much one unit of keyword score adds to the kNN probabilities
KNN_K = 10
CONTENDER_SHARE = 0.5
KNN_TEMPERATURE = 0.1


class RouteDecision(BaseModel):
    """Where a request goes, how sure the router is, and how it decided."""

    route: str = Field(description="One of copilot.types.ROUTES.")
    confidence: float = Field(ge=0.0, le=1.0)
    method: RouteMethod
    scores: dict[str, float] = Field(default_factory=dict)


def normalise_agent(name: str | None) -> str | None:
    """Map an explicit agent name (or alias) to a route; None/""/"auto" mean no choice."""
    if name is None:
        return None
    key = name.strip().lower().replace(" ", "_")
    if key in ("", "auto"):
        return None
    key = ALIASES.get(key, key)
    if key not in ROUTES:
        raise ValueError(f"unknown agent {name!r}; choose one of: {', '.join(ROUTES)} (or 'auto')")
    return key


DECISIVE_KW = 4.0  # keyword evidence this strong, and DECISIVE_RATIO times any other route's, is not put to the LLM
DECISIVE_RATIO = 3.0


def _decisive(kw: dict[str, float], top: str) -> bool:
    """The keywords alone decide ("what payback did the Marlow Bay redesign deliver": payback and a programme site
    against one "leak"): the top route holds overwhelming keyword evidence and the LLM would only add noise."""
    others = max((v for r, v in kw.items() if r != top), default=0.0)
    return kw.get(top, 0.0) >= DECISIVE_KW and kw.get(top, 0.0) >= DECISIVE_RATIO * max(others, 1.0)


class Router:
    """Routes one user turn to readiness, governance, maintenance, general or out_of_scope."""

    def __init__(self, settings: Settings, embedder: Embedder | None, llm: LLM | None = None,
                 examples_path: Path | str | Sequence[Path | str] | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.llm = llm
        self.threshold = settings.agents.router_confidence
        if examples_path is None:
            self.example_files = list(DEFAULT_EXAMPLE_FILES)
        elif isinstance(examples_path, str | Path):
            self.example_files = [Path(examples_path)]
        else:
            self.example_files = [Path(p) for p in examples_path]
        self._index: KnnIndex | None = None

    @property
    def index(self) -> KnnIndex | None:
        if self._index is None and self.embedder is not None:
            self._index = build_index(self.embedder, self.example_files)
        return self._index

    # -- signals -------------------------------------------------------------------------------
    def signals(self, text: str) -> tuple[dict[str, float], dict[str, float], float]:
        """(kNN probabilities, keyword scores, best example similarity) for one text."""
        knn: dict[str, float] = {}
        best = 0.0
        index = self.index
        if index is not None and index.examples:
            assert self.embedder is not None
            knn, best = index.vote(self.embedder.embed([text])[0], k=KNN_K,
                                   temperature=KNN_TEMPERATURE)
        return knn, keyword_scores(text), best

    @staticmethod
    def combine(knn: dict[str, float], kw: dict[str, float]) -> dict[str, float]:
        raw = {r: knn.get(r, 0.0) + KW_WEIGHT * kw.get(r, 0.0) for r in ROUTES}
        total = sum(raw.values())
        if total <= 0:
            return {r: 0.0 for r in ROUTES}
        return {r: round(v / total, 4) for r, v in raw.items()}

    # -- public entry point --------------------------------------------------------------------
    def route(self, text: str, *, history: list[dict[str, Any]] | None = None,
              explicit: str | None = None) -> RouteDecision:
        """Decide the route of ``text``; ``history`` is the earlier turns, ``explicit`` an agent choice."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        chosen = normalise_agent(explicit)
        if chosen is not None:
            return RouteDecision(route=chosen, confidence=1.0, method="explicit", scores={chosen: 1.0})
        if not text.strip():
            raise ValueError("cannot route an empty message")
        decided = decided_route(text)
        if decided is not None:
            return RouteDecision(route=decided, confidence=1.0, method="pattern",
                                 scores={r: float(r == decided) for r in ROUTES})
        knn, kw, _best = self.signals(text)
        scores = self.combine(knn, kw)
        if not any(scores.values()):
            scores = {r: (1.0 if r == "general" else 0.0) for r in ROUTES}
            knn = {}
        top = max(scores, key=lambda r: scores[r])
        confidence = scores[top]
        knn_top = max(knn, key=lambda r: knn[r]) if knn else None
        kw_top = max(kw, key=lambda r: kw[r]) if kw else None
        strong = bool(strong_maintenance(text))
        method: RouteMethod = "pattern" if (strong and top == "maintenance") or knn_top is None or (
            kw_top == top and knn_top != top) else "knn"

        previous = self._previous_route(history)
        if previous and is_followup(text) and not (strong and previous != "maintenance") and (
                confidence < self.threshold or top in ("general", "out_of_scope") or top == previous):
            conf = max(confidence, scores.get(previous, 0.0), self.threshold)
            return RouteDecision(route=previous, confidence=round(min(conf, 1.0), 4), method="context",
                                 scores=scores)

        disagree = knn_top is not None and kw_top is not None and knn_top != kw_top and kw.get(kw_top, 0) >= 1.0
        if self.llm is not None and (confidence < self.threshold or disagree) and not (
                strong and top == "maintenance" and confidence >= self.threshold) and not _decisive(kw, top):
            picked = self._ask_llm(text, scores)
            if picked is not None:
                return RouteDecision(route=picked, confidence=scores[picked], method="llm", scores=scores)
        return RouteDecision(route=top, confidence=confidence, method=method, scores=scores)

    # -- helpers -------------------------------------------------------------------------------
    def _previous_route(self, history: list[dict[str, Any]] | None) -> str | None:
        """The route of the last turn: a stored ``route`` key, else the last user message re-routed."""
        if not history:
            return None
        for turn in reversed(history):
            route = turn.get("route") if isinstance(turn, dict) else None
            if route in ("readiness", "governance", "maintenance"):
                return str(route)
        for turn in reversed(history):
            if isinstance(turn, dict) and turn.get("role") == "user" and str(turn.get("content", "")).strip():
                knn, kw, _ = self.signals(str(turn["content"]))
                scores = self.combine(knn, kw)
                top = max(scores, key=lambda r: scores[r])
                if scores[top] >= self.threshold and top in ("readiness", "governance", "maintenance"):
                    return top
                return None
        return None

    def candidates(self, scores: dict[str, float], limit: int = 3) -> list[str]:
        """The routes the LLM may choose from: the close contenders only (at least ``CONTENDER_SHARE`` of the top
        score): a route at 0.07 against 0.60 is not a tie to break, whatever equipment the request names."""
        ranked = sorted(ROUTES, key=lambda r: -scores.get(r, 0.0))
        floor = max(0.05, CONTENDER_SHARE * scores.get(ranked[0], 0.0))
        return [r for r in ranked[:limit] if scores.get(r, 0.0) >= floor]

    def tiebreak_messages(self, text: str, candidates: list[str]) -> list[Message]:
        """The prompt for the LLM: route descriptions, disambiguation rules, nearest examples as few-shot turns.

        It starts with the system message every call shares (its KV state stays cached); the routing task
        opens the first user turn."""
        turns: list[Message] = []
        index = self.index
        if index is not None and index.examples and self.embedder is not None:
            near = index.neighbours(self.embedder.embed([text])[0], k=len(index.examples))
            per_route = {r: [ex for ex, _ in near if ex.route == r][:2] for r in candidates}
            for i in (1, 0):  # second-nearest first, so the nearest examples sit next to the request
                for r in reversed(candidates):
                    if len(per_route[r]) > i:
                        turns.append({"role": "user", "content": f'Request: "{per_route[r][i].text}"'})
                        turns.append({"role": "assistant", "content": json.dumps({"route": r})})
        turns.append({"role": "user", "content": f'Request: "{text}"'})
        turns[0] = {"role": "user", "content": f"{TIEBREAK_TASK}\n\n{turns[0]['content']}"}
        return [{"role": "system", "content": SHARED_PREFIX}, *turns]

    def _ask_llm(self, text: str, scores: dict[str, float]) -> str | None:
        options = self.candidates(scores)
        if len(options) < 2:  # one close contender: no tie to break (the model had picked a route at 0.25 of 0.56)
            return None
        schema = {"type": "object", "properties": {"route": {"type": "string", "enum": options}},
                  "required": ["route"]}
        assert self.llm is not None
        try:
            result = self.llm.chat(self.tiebreak_messages(text, options), json_schema=schema,
                                   max_tokens=16, temperature=0.0)
            route = json.loads(result.text).get("route")
        except Exception as exc:  # a broken tie-break must never break routing
            log.warning("router tie-break failed: %s", exc)
            return None
        return route if route in options else None
