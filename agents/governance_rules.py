"""Keyword signals for the EU AI Act tier, and the controls / NIST AI RMF subcategories per tier."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PROHIBITED = [
    (r"social scor\w*", "social scoring (Art. 5(1)(c))"),
    (r"emotion\w* (?:recognition|detection|analysis)\b.*\b(?:worker|employee|staff|workplace|operator)s?|"
     r"(?:worker|employee|staff|workplace|operator)s?\b.*\bemotion\w* (?:recognition|detection|analysis)",
     "emotion recognition in the workplace (Art. 5(1)(f))"),
    (r"subliminal|manipulat\w+ (?:behaviou?r|workers|people)", "manipulative techniques (Art. 5(1)(a))"),
    (r"untargeted scraping|scrap\w+ facial images", "untargeted facial image scraping (Art. 5(1)(e))"),
    (r"biometric categori[sz]\w+.*\b(?:race|religio\w*|political|sexual|union)", "biometric categorisation by sensitive traits (Art. 5(1)(g))"),
]
ANNEX_III = [
    (r"recruit\w*|hiring|cv screening|screen\w* (?:cv|candidates|applicants)|promotion|terminat\w+|"
     r"(?:worker|employee|staff|operator)s?\b.*\b(?:performance|productivity|monitor\w*|evaluat\w*|rank\w*|task allocation)|"
     r"(?:performance|productivity) (?:monitoring|evaluation|scoring) of (?:worker|employee|staff|operator)s?|shift allocation",
     "employment and workers management (Annex III point 4)"),
    (r"critical infrastructure|(?:electricity|power|gas|water|heating) (?:grid|supply|network|distribution)|"
     r"safety component .*\b(?:grid|pipeline|road traffic)", "critical infrastructure (Annex III point 2)"),
    (r"biometric identification|face recognition|facial recognition", "biometrics (Annex III point 1)"),
    (r"credit scor\w*|creditworth\w*|insurance pric\w*", "access to essential services (Annex III point 5)"),
    (r"exam\w* scor\w*|student admission|education\w* access", "education and vocational training (Annex III point 3)"),
]
ANNEX_I = (
    r"safety (?:component|function)|interlock|emergency stop|e-stop|light curtain|safety plc|collaborative robot|"
    r"cobot|machine guard|protective device|(?:lift|elevator|pressure equipment|medical device)s?\b"
)
TRANSPARENCY = r"chatbot|chat bot|assistant that (?:talks|answers)|generat\w+ (?:text|images?|video|audio|content)|deepfake|emotion recognition|virtual agent"


@dataclass
class TierSignals:
    tier: str | None = None  # None: rules inconclusive
    route: str = ""
    reasons: list[str] = field(default_factory=list)
    transparency: bool = False


def rule_signals(text: str) -> TierSignals:
    """Deterministic tier signals from the use-case description."""
    low = text.lower()
    sig = TierSignals(transparency=bool(re.search(TRANSPARENCY, low)))
    for pattern, label in PROHIBITED:
        if re.search(pattern, low):
            sig.tier, sig.route = "prohibited", "Art. 5"
            sig.reasons.append(label)
            return sig
    if re.search(ANNEX_I, low):
        sig.tier, sig.route = "high", "Art. 6(1) + Annex I"
        sig.reasons.append("safety component of a product under Annex I harmonisation law (e.g. Machinery Regulation)")
    for pattern, label in ANNEX_III:
        if re.search(pattern, low):
            sig.tier = "high"
            sig.route = sig.route + "; Art. 6(2) + Annex III" if sig.route else "Art. 6(2) + Annex III"
            sig.reasons.append(label)
    if sig.tier is None and sig.transparency:
        sig.tier, sig.route = "limited", "Art. 50"
        sig.reasons.append("interacts with people or generates content (transparency duties)")
    return sig


ARTICLES = {
    "prohibited": ["Art. 5 (prohibited practices)", "Art. 99 (penalties)"],
    "high": ["Art. 6 (classification)", "Art. 9 (risk management)", "Art. 10 (data governance)",
             "Art. 11 + Annex IV (technical documentation)", "Art. 12 (logging)", "Art. 13 (instructions for use)",
             "Art. 14 (human oversight)", "Art. 15 (accuracy, robustness, cybersecurity)", "Art. 26 (deployer duties)"],
    "limited": ["Art. 50 (transparency obligations)", "Art. 4 (AI literacy)"],
    "minimal": ["Art. 4 (AI literacy)", "Art. 95 (voluntary codes of conduct)"],
}
NIST = {
    "prohibited": ["GOVERN 1.1", "GOVERN 1.2", "MAP 1.1", "MANAGE 1.1"],
    "high": ["GOVERN 1.1", "GOVERN 2.1", "GOVERN 3.2", "GOVERN 4.1", "MAP 1.1", "MAP 3.5", "MAP 5.1",
             "MEASURE 2.5", "MEASURE 2.6", "MEASURE 2.7", "MEASURE 2.11", "MANAGE 2.4", "MANAGE 4.1"],
    "limited": ["GOVERN 1.1", "MAP 1.1", "MAP 3.5", "MEASURE 2.8", "MANAGE 4.1"],
    "minimal": ["GOVERN 1.1", "MAP 1.1", "MEASURE 2.5", "MANAGE 4.1"],
}
CONTROLS = {
    "prohibited": ["Do not deploy: stop the project and inform legal/compliance",
                   "Record the decision and the reason in the AI inventory"],
    "high": ["Risk management system over the lifecycle", "Data governance: representative, documented training data",
             "Automatic event logging kept at least 6 months", "Conformity assessment and CE marking before use",
             "Registration in the EU database where required", "Post-market monitoring and incident reporting"],
    "limited": ["Tell users they interact with an AI system", "Mark generated content as AI-generated",
                "Keep an AI inventory entry and an owner"],
    "minimal": ["AI inventory entry with owner and purpose", "Basic validation before go-live and monitoring after",
                "AI literacy for the people who use it"],
}
DOCUMENTATION = {
    "prohibited": ["Decision record of the stop"],
    "high": ["Technical documentation (Annex IV)", "Instructions for use", "Risk register", "Data sheet",
             "Fundamental-rights impact assessment where the deployer must do one (Art. 27)"],
    "limited": ["Use-case card", "User notice text"],
    "minimal": ["Use-case card", "Validation report"],
}
TESTS = {
    "prohibited": [],
    "high": ["Accuracy on held-out plant data", "Robustness (sensor drift, missing data, adversarial inputs)",
             "Bias / fairness across worker groups or shifts", "Cybersecurity review", "Fail-safe behaviour test"],
    "limited": ["Accuracy spot checks", "Disclosure shown to every user"],
    "minimal": ["Accuracy on held-out data", "Drift monitoring after go-live"],
}
OVERSIGHT = {
    "prohibited": "Not applicable: the practice must not be deployed.",
    "high": "Named, trained people can understand, override and stop the system (Art. 14); no automatic action on people or safety functions without review.",
    "limited": "A named owner reviews complaints and output samples.",
    "minimal": "The process owner reviews performance each quarter.",
}
SIGN_OFFS = {
    "prohibited": ["Legal / compliance", "AI governance board"],
    "high": ["Use-case owner", "AI governance board", "Safety / functional-safety engineer", "Data protection officer", "Works council where workers are affected"],
    "limited": ["Use-case owner", "AI governance lead"],
    "minimal": ["Use-case owner"],
}
