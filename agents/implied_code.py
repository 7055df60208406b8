"""The alarm code a technician means without typing it: "p101 tripped, vib 7.8 mm/s on the outboard brg".

Technicians name the asset and what the HMI or a portable meter showed, rarely the code. The site's alarm-code
table has one row per code with the asset it is raised on and what it measures ("E-204 | High vibration, alarm
4.5 mm/s RMS, trip 7.1 mm/s | P-101"). When the question names an asset and one measured quantity, and exactly
one row of an alarm table is for that asset and that quantity, that row's code is the one meant; the search
query is written with it ("(P-101 vibration alarm is E-204)"), so the row is pinned whole and answered as a named
code. Several matching rows (two temperature alarms on one motor) or none leave the question as it was.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.lookup import markdown_tables
from copilot.identifiers import fault_codes

# what the user's words measure -> how an alarm description names it
QUANTITIES: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    ("vibration", re.compile(r"\b(?:vib\w*|shak\w*|mm/s)", re.I), re.compile(r"\bvibration\b", re.I)),
    ("temperature", re.compile(r"\b(?:temp\w*|hot|overheat\w*|deg\w*)\b|°\s?C\b|\b\d+\s?C\b", re.I),
     re.compile(r"\btemperature\b", re.I)),
    ("pressure", re.compile(r"\b(?:pressure|bar|psi)\b", re.I), re.compile(r"\bpressure\b", re.I)),
    ("current", re.compile(r"\b(?:current|amps?|overload)\b", re.I), re.compile(r"\b(?:current|overload)\b", re.I)),
    ("level", re.compile(r"\blevel\b", re.I), re.compile(r"\blevel\b", re.I)),
    ("flow", re.compile(r"\bflow\b", re.I), re.compile(r"\bflow\b", re.I)),
]
_CODE_HEADER = re.compile(r"^(?:code|alarm|fault code|alarm code)$", re.I)
_ASSET_HEADER = re.compile(r"\b(?:asset|equipment|tag)\b", re.I)


def _measured(question: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(name, described) for name, said, described in QUANTITIES if said.search(question)]


def implied_codes(retriever: Any, question: str, tags: list[str]) -> list[tuple[str, str, str]]:
    """(tag, quantity, code) for the one alarm row of each named asset and the one quantity the question
    measures (see the module docstring); empty when the question names a code, no quantity, or several."""
    measured = _measured(question)
    if retriever is None or fault_codes(question) or len(measured) != 1 or not tags:
        return []
    quantity, described = measured[0]
    found: list[tuple[str, str, str]] = []
    for tag in tags:
        try:
            hits = retriever.search(f"{tag} {quantity} alarm", k=8, filters={"doc_type": "fault_codes"})
        except Exception:  # noqa: BLE001 - a help for the search, never a failure
            return found
        codes: set[str] = set()
        for hit in hits:
            for header, rows in markdown_tables(hit.chunk.text):
                code_col = next((i for i, h in enumerate(header) if _CODE_HEADER.match(h.strip())), None)
                asset_col = next((i for i, h in enumerate(header) if _ASSET_HEADER.search(h)), None)
                if code_col is None or asset_col is None:
                    continue
                for cells in rows:
                    if len(cells) != len(header):
                        continue
                    assets = re.split(r"[,;/ ]+", cells[asset_col])
                    text = " ".join(c for i, c in enumerate(cells) if i not in (code_col, asset_col))
                    if tag in assets and described.search(cells[1] if code_col == 0 else text):
                        codes.add(cells[code_col].strip())
        if len(codes) == 1:
            found.append((tag, quantity, codes.pop()))
    return found


# the question reports what happened (a reading, a trip), not a limit looked up ("what's the vibration trip limit")
STATES_EVENT = re.compile(r"\b(?:tripp(?:ed|ing)|alarm(?:ed|ing)|went off|showing|shows|reading|reads)\b|"
                          r"(?<![-\w.])\d+(?:\.\d+)?(?![-\d])", re.I)
_NOTE = re.compile(r"\([A-Z]{1,5}-\d{1,5}[A-Z]? [a-z]+ alarm is ([A-Z]{1,3}-\d{2,4})\)")


def implied_codes_in(query: str) -> list[str]:
    """The codes :func:`annotate_codes` wrote into a query."""
    return [m.group(1) for m in _NOTE.finditer(query)]


def annotate_codes(query: str, implied: list[tuple[str, str, str]]) -> str:
    """The search query with each implied code written next to it: "... (P-101 vibration alarm is E-204)"."""
    notes = " ".join(f"({tag} {quantity} alarm is {code})" for tag, quantity, code in implied if code not in query)
    return f"{query} {notes}" if notes else query
