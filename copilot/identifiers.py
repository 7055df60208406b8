"""Plant identifiers in text: fault/alarm codes, asset tags, part and document numbers (one home for the rule).

``E-204`` is a fault code, ``P-101`` an asset tag, ``SP-1001`` a spare part, ``WO-2023-0104`` a work
order, ``SOP-LOTO-001`` a document id. Which family an identifier belongs to is decided here, so the
agents, the claim check and the work-order validation agree.
"""

from __future__ import annotations

import re

# Any code-like identifier: letters, a dash, digits (and more dash groups): E-204, P-101A, SOP-LOTO-001.
IDENTIFIER = re.compile(r"\b[A-Z]{1,5}(?:-[A-Z]{2,8})*-\d{2,5}[A-Z]?(?:-\d{2,5})?\b")
FAULT_CODE = re.compile(r"\b(?:E|F|ALM|ALR|ERR|FLT|W)-\d{2,5}\b")
DOC_ID = re.compile(r"\b(?:SOP|TG|CL|PB|FC|WI|MAN)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")
PART_NUMBER = re.compile(r"\bSP-\d{3,5}\b")
WORK_ORDER = re.compile(r"\bWO-\d{4}-\d{3,5}\b")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


def normalise_dashes(text: str) -> str:
    """Unicode dashes and minus signs become ASCII '-'."""
    return text.translate(_DASHES)


def identifiers(text: str) -> list[str]:
    """Code-like identifiers in order of first appearance (dashes normalised, upper case kept)."""
    seen: list[str] = []
    for m in IDENTIFIER.finditer(normalise_dashes(text)):
        if m.group(0) not in seen:
            seen.append(m.group(0))
    return seen


def is_fault_code(token: str) -> bool:
    return bool(FAULT_CODE.fullmatch(token))


def asset_tag_candidates(text: str) -> list[str]:
    """Identifiers that could be asset tags: not fault codes, documents, parts or work orders."""
    return [t for t in identifiers(text)
            if not (FAULT_CODE.fullmatch(t) or DOC_ID.fullmatch(t) or PART_NUMBER.fullmatch(t)
                    or WORK_ORDER.fullmatch(t))]


def fault_codes(text: str) -> list[str]:
    return [t for t in identifiers(text) if FAULT_CODE.fullmatch(t)]
