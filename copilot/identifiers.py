"""Plant identifiers in text: fault/alarm codes, asset tags, part and document numbers (one home for the rule).

``E-204`` is a fault code, ``P-101`` an asset tag, ``SP-1001`` a spare part, ``WO-2023-0104`` a work
order, ``SOP-LOTO-001`` a document id. Which family an identifier belongs to is decided here, so the
agents, the claim check and the work-order validation agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Any code-like identifier: letters, a dash, digits (and more dash groups): E-204, P-101A, SOP-LOTO-001.
IDENTIFIER = re.compile(r"\b[A-Z]{1,5}(?:-[A-Z]{2,8})*-\d{2,5}[A-Z]?(?:-\d{2,5})?\b")
FAULT_CODE = re.compile(r"\b(?:E|F|ALM|ALR|ERR|FLT|W)-\d{2,5}\b")
DOC_ID = re.compile(r"\b(?:SOP|TG|CL|PB|FC|WI|MAN)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")
PART_NUMBER = re.compile(r"\bSP-\d{3,5}\b")
WORK_ORDER = re.compile(r"\bWO-\d{4}-\d{3,5}\b")
# Looser forms in a user's question, as routing signals for the maintenance route: "E-204", "F012",
# "fault 31", "alarm code 1203"; asset tags P-101, M-203A, CV-12 (not standards or model names).
MENTIONED_FAULT_CODE = re.compile(
    r"\b(?:E|F|A|ALM|ALR|ERR|FLT|W)-?\d{2,5}\b|\b(?:fault|alarm|error|trip|warning)(?: code)?\s*#?\d{1,5}\b"
    r"|\bcode\s+[A-Z]{0,3}-?\d{2,5}\b",
)
MENTIONED_ASSET_TAG = re.compile(r"\b(?!(?:ISO|IEC|GPT|SOC|NIS|EN|ANSI|COVID|ART|RMF|AI)-)[A-Z]{1,3}-\d{1,4}[A-Z]?\b")
# Codes kept as one search token (BM25, exact match): E-204, P-101A, TT-4501 and hyphen-less ones like
# MT010b, CWC04013, WO259747 (matched case-sensitively in documents, case-insensitively in queries).
CODE_TOKEN_PATTERN = r"\b(?:[A-Z]{1,4}-\d{2,4}[A-Z]?|[A-Z]{1,4}\d{2,6}[a-z]?)\b"
# A table cell that refers to another code: "As E-204".
SEE_CODE = re.compile(r"\bAs ([A-Z]{1,4}-\d{2,5})\b")
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


# A tag or code typed without its dash or in lower case, as users type on a phone: "P201", "cv401", "e204".
LOOSE_IDENTIFIER = re.compile(r"\b([A-Za-z]{1,4})(-?)(\d{2,5})([A-Za-z]?)\b")


def canonical_identifiers(text: str, known: Callable[[str], bool]) -> str:
    """``text`` with each loosely typed identifier written the way the documents write it ("P201" ->
    "P-201"), only where ``known`` confirms the dashed form exists ("VG220" stays: no document has VG-220)."""
    def fix(m: re.Match[str]) -> str:
        canonical = f"{m.group(1).upper()}-{m.group(3)}{m.group(4).upper()}"
        if m.group(0) == canonical:
            return canonical
        return canonical if known(canonical) else m.group(0)
    return LOOSE_IDENTIFIER.sub(fix, text)
