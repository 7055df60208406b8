"""Do the retrieved sources hold what is asked? The asked attribute and entity, checked in the sources.

Dense similarity does not separate "the documents say" from "they don't" here (a purchase price
question about C-301 retrieves C-301's manual with a high score). So the question's asked attribute
(price, vendor, serial number, a live reading ...) and its entity (an asset tag or code) are looked
for in the sources' text. When the entity is covered but the attribute is not, the answer says what
the documents do cover and who to ask, instead of letting the model guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.identifiers import identifiers, normalise_dashes
from copilot.types import Citation

# attribute -> (how a question asks for it, what a source that gives it contains, who to ask)
ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    "price": (r"\b(price|prices|cost|costs|costed|how much (?:did|does|do|was|is|will) .{0,40}\b(?:cost|pay|paid)|paid|"
              r"purchase value|budget|invoice|quotation)\b",
              r"[$€£]|\b(?:price|cost|costs|eur|usd|gbp|budget|invoice)\b", "purchasing or finance"),
    "vendor": (r"\b(vendor|supplier|supplied by|bought from|purchased from|distributor|reseller|contractor name|"
               r"which company (?:supplied|sold|installed))\b",
               r"\b(?:vendor|supplier|supplied by|distributor)\b", "purchasing"),
    "serial number": (r"\bserial(?: number| no\.?)?\b", r"\bserial\b", "the asset records owner"),
    "warranty": (r"\bwarrant(?:y|ies)\b|\bguarantee\b", r"\bwarrant(?:y|ies)\b|\bguarantee\b", "purchasing"),
    "purchase date": (r"\b(?:when was .{0,40}\b(?:bought|purchased|ordered)|purchase date|date of purchase)\b",
                      r"\b(?:purchase(?:d)?|bought|ordered)\b", "purchasing"),
    "live reading": (r"\b(?:right now|at the moment|currently reading|current (?:reading|value|vibration|"
                     r"temperature|pressure|flow|speed|load)|live (?:value|reading|data)|today'?s (?:reading|value)|"
                     r"what is .{0,30} reading now)\b",
                     r"(?!x)x", "the control room (HMI or historian)"),
    "phone number": (r"\b(?:phone|telephone|mobile) (?:number|no\.?)\b|\bemail address\b",
                     r"\b(?:phone|tel\.?|mobile|@)\b|\bextension \d+", "the site directory"),
    "headcount": (r"\bhow many (?:people|staff|employees|technicians|operators) (?:work|are employed)\b|\bheadcount\b",
                  r"\b(?:headcount|employees)\b", "HR"),
}
# a request to act (raise a work order) is not a question the documents must answer
ACTION_REQUEST = re.compile(r"\b(?:create|raise|open|log|make|book|submit|draft)\b.{0,30}\b(?:work[- ]?order|WO|ticket|"
                            r"job|request|decision record)\b", re.I)
_ASKED = {name: re.compile(q, re.I) for name, (q, _s, _w) in ATTRIBUTES.items()}
_GIVEN = {name: re.compile(s, re.I) for name, (_q, s, _w) in ATTRIBUTES.items()}


@dataclass
class Coverage:
    """``covered`` False means: answer with :attr:`message`, not with a model draft."""

    covered: bool
    attribute: str | None = None
    entity: str | None = None
    message: str = ""


def asked_attribute(question: str) -> str | None:
    for name, pattern in _ASKED.items():
        if pattern.search(question):
            return name
    return None


def _mentions(c: Citation, entity: str) -> bool:
    hay = normalise_dashes(f"{c.title} {c.section} {c.doc_id} {c.text}")
    return re.search(rf"(?<![\w-]){re.escape(entity)}(?![\w-])", hay) is not None


def check_coverage(question: str, sources: list[Citation], contact: str) -> Coverage:
    """Whether the sources hold the asked attribute for the asked entity (see module docstring)."""
    attribute = asked_attribute(question)
    if ACTION_REQUEST.search(question) and attribute is None:
        return Coverage(True)
    entities = identifiers(question)
    about = [c for c in sources if any(_mentions(c, e) for e in entities)] if entities else list(sources)
    entity = entities[0] if entities else None
    if entities and sources and not about:
        msg = (f"The documents I found do not mention {', '.join(entities)}, so I cannot answer this from them. "
               f"Please check the tag or ask {contact}.")
        return Coverage(False, attribute, entity, msg)
    if attribute is None:
        return Coverage(True, None, entity)
    if any(_GIVEN[attribute].search(c.text) for c in about):
        return Coverage(True, attribute, entity)
    who = ATTRIBUTES[attribute][2]
    subject = f" for {entity}" if entity else ""
    covered = ""
    if about:
        by_doc: dict[str, list[int]] = {}
        for c in about:
            by_doc.setdefault(c.title or c.doc_id, []).append(c.marker)
        names = "; ".join(f"{title} {''.join(f'[{m}]' for m in marks)}" for title, marks in list(by_doc.items())[:3])
        covered = f" What they do cover{subject}: {names}."
    msg = (f"The documents do not give the {attribute}{subject}.{covered} "
           f"Please ask {who} (or {contact}).")
    return Coverage(False, attribute, entity, msg)
