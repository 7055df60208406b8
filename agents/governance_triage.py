"""EU AI Act tier by rule: each triage rule is matched to the described use case by keyword pattern or by
meaning (embedding similarity between the use case's clauses and the rule's short descriptions).

The decision is deterministic for a given embedder: the language model never picks the tier, it only
explains it. Precedence: prohibited > high > limited > minimal; transparency duties (Art. 50) are
reported on top of any tier.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass, field

import numpy as np

from copilot.agents.governance_rules import META, MINIMAL_EXAMPLES, NEGATION, RULES, SAFETY_EXCEPTION, Rule
from copilot.retrieval.embedder import Embedder

# Calibrated on all-MiniLM-L6-v2 (cosine of normalised vectors): a rule matches by meaning when its best
# description is at least MEANING_MIN similar to a clause AND beats every minimal-use example by MARGIN.
# Close calls (within REVIEW_BAND of matching) are flagged for review by Group Legal (CL-005).
MEANING_MIN = 0.45
MARGIN = 0.04
REVIEW_BAND = 0.06
ORDER = {"prohibited": 3, "high": 2, "limited": 1, "minimal": 0}
TIER_NAMES = {"prohibited": "prohibited (Art. 5)", "high": "high-risk", "limited": "limited risk (transparency, Art. 50)",
              "minimal": "minimal risk"}


@dataclass
class RuleMatch:
    key: str
    tier: str
    route: str
    label: str
    via: str  # "keyword", "meaning" or "keyword+meaning"
    score: float  # best cosine similarity with the rule's descriptions
    evidence: str  # the clause of the use case that matched


@dataclass
class Decision:
    tier: str
    route: str
    reasons: list[str]
    matches: list[RuleMatch] = field(default_factory=list)
    transparency: bool = False
    needs_review: bool = False
    closest: RuleMatch | None = None  # best non-matching rule (shown when the tier is minimal)
    method: str = "rules"

    @property
    def tier_name(self) -> str:
        return TIER_NAMES[self.tier]


def clauses(text: str) -> list[str]:
    """The use case split into clauses, without classification requests and without negated parts."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", text.strip()):
        s = re.sub(META, " ", sentence, flags=re.I)
        # "alerts that do not identify individuals": drop from a negation to the end of its clause.
        s = re.sub(rf"(?:\b(?:do|does|did|will|would|is|are|was|were|can|could|should|must|shall)\s+)?(?:{NEGATION})"
                   r".*?(?=[,;:]|\bbut\b|$)", " ", s, flags=re.I)
        s = re.sub(r"\s+", " ", s).strip(" ,.;:?!-")
        if len(s.split()) >= 3:
            out.append(s)
    return out


class _Prototypes:
    """Rule descriptions and minimal examples embedded once per embedder."""

    _lock = threading.Lock()
    _cache: dict[tuple[str, int], _Prototypes] = {}

    def __init__(self, embedder: Embedder) -> None:
        texts = [d for r in RULES for d in r.descriptions]
        self.owner = [i for i, r in enumerate(RULES) for _ in r.descriptions]
        vecs = embedder.embed(texts + list(MINIMAL_EXAMPLES))
        self.rules, self.minimal = vecs[: len(texts)], vecs[len(texts):]

    @classmethod
    def get(cls, embedder: Embedder) -> _Prototypes:
        key = (getattr(embedder, "name", type(embedder).__name__), int(getattr(embedder, "dim", 0)))
        with cls._lock:
            if key not in cls._cache:
                cls._cache[key] = cls(embedder)
            return cls._cache[key]


def _similarities(parts: list[str], embedder: Embedder | None) -> tuple[np.ndarray, np.ndarray]:
    """(clauses x rules) best similarity per rule, and (clauses,) best similarity to a minimal example."""
    if embedder is None or not parts:
        return np.zeros((len(parts), len(RULES))), np.ones(len(parts))
    proto = _Prototypes.get(embedder)
    q = embedder.embed(parts)
    per_desc = q @ proto.rules.T
    per_rule = np.full((len(parts), len(RULES)), -1.0)
    for j, owner in enumerate(proto.owner):
        per_rule[:, owner] = np.maximum(per_rule[:, owner], per_desc[:, j])
    return per_rule, (q @ proto.minimal.T).max(axis=1)


def triage(use_case: str, embedder: Embedder | None) -> Decision:
    """Decide the EU AI Act tier of a described use case from the triage rules (keywords and meaning).

    Keyword matches decide. Without any keyword match, the rule most similar in meaning to a clause decides
    when it is similar enough and beats every minimal-use example. A meaning-only candidate of a higher tier
    than the keyword decision, or a near miss, flags the decision for review instead of changing it.
    """
    low = use_case.lower()
    parts = clauses(use_case)
    if len(parts) > 1:
        parts.append(" ".join(parts))  # meaning that spans sentences
    sims, minimal = _similarities(parts, embedder)
    if parts and embedder is not None:  # "alert when someone isn't wearing a hard hat, without identifying who":
        # the whole description, negations kept, is what the minimal examples are compared with too
        whole = re.sub(r"\s+", " ", re.sub(META, " ", use_case, flags=re.I)).strip()
        minimal = np.maximum(minimal, _similarities([whole], embedder)[1][0])
    allowed = [not r.requires or bool(re.search(r.requires, low)) for r in RULES]
    sims = np.where(np.array(allowed)[None, :], sims, -1.0) if len(parts) else sims
    keyword: list[RuleMatch] = []
    for j, rule in enumerate(RULES):
        hit = next((p for p in parts if rule.keywords and re.search(rule.keywords, p.lower())), None)
        if allowed[j] and hit:
            score = float(sims[:, j].max()) if len(parts) else 0.0
            keyword.append(RuleMatch(rule.key, rule.tier, rule.route, rule.label, "keyword", round(score, 3), hit))
    meaning: dict[str, RuleMatch] = {}
    closest: RuleMatch | None = None
    review = False
    for i, part in enumerate(parts):
        j = int(sims[i].argmax())
        score, gap, rule = float(sims[i, j]), float(sims[i, j] - minimal[i]), RULES[j]
        match = RuleMatch(rule.key, rule.tier, rule.route, rule.label, "meaning", round(score, 3), part)
        if score >= MEANING_MIN and gap >= MARGIN:
            if rule.key not in meaning or score > meaning[rule.key].score:
                meaning[rule.key] = match
        elif score >= MEANING_MIN - REVIEW_BAND and gap >= MARGIN - REVIEW_BAND:
            review = True
        if closest is None or score > closest.score:
            closest = dataclasses.replace(match, via="none")
    if keyword:
        top = max(ORDER[m.tier] for m in keyword)
        review = review or any(ORDER[m.tier] > top for m in meaning.values())
        for m in keyword:
            if m.key in meaning:
                m.via = "keyword+meaning"
        return _decide(keyword, closest, review, use_case)
    return _decide(list(meaning.values()), closest, review, use_case)


def _decide(matches: list[RuleMatch], closest: RuleMatch | None, review: bool, use_case: str) -> Decision:
    transparency = any(m.tier == "limited" for m in matches) or any(
        m.key in ("emotion_workplace", "emotion_other", "biometric_categorisation") for m in matches)
    if any(m.key == "emotion_workplace" for m in matches) and re.search(SAFETY_EXCEPTION, use_case, re.I):
        # Art. 5(1)(f) excepts medical or safety reasons; CL-005 treats these as biometric systems, always reviewed.
        matches = [_as_biometric(m) if m.key == "emotion_workplace" else m for m in matches]
        review = True
    if any(m.key == "emotion_workplace" for m in matches):
        matches = [m for m in matches if m.key != "emotion_other"]
    if not matches:
        return Decision("minimal", "no Art. 5 practice, no Annex I or Annex III area, no Art. 50 trigger",
                        ["no prohibited practice, high-risk area or transparency trigger matched the description"],
                        [], False, review, closest)
    tier = max(matches, key=lambda m: ORDER[m.tier]).tier
    deciding = [m for m in matches if m.tier == tier]
    route = "; ".join(dict.fromkeys(m.route for m in deciding))
    if transparency and tier in ("high", "minimal"):
        route += "; Art. 50 transparency"
    reasons = [f"{m.label} ({m.route}; matched by {m.via}: \"{m.evidence[:120]}\")" for m in deciding]
    return Decision(tier, route, reasons, matches, transparency, review, closest)


def _as_biometric(m: RuleMatch) -> RuleMatch:
    return RuleMatch("emotion_safety", "high", "Art. 6(2) + Annex III point 1(c)",
                     "biometrics: emotion or fatigue recognition for safety reasons (Art. 5(1)(f) exception)",
                     m.via, m.score, m.evidence)


def rule_by_key(key: str) -> Rule:
    return next(r for r in RULES if r.key == key)
