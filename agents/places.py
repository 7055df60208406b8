"""Places the sources name ("at Halden Works", "at Marlow Bay"): a figure or a result given for one place is not
another place's (claim check), and a question about a place the sources name is answered only from passages that
name it (coverage)."""

from __future__ import annotations

import re

AT_PLACE = re.compile(r"\bat ((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+)\b")
NOT_PLACES = frozenset("The This That Least Most First Last Level Stage Gate Step Part Annex Month Week".split())


def places_in(text: str) -> set[str]:
    """The capitalised names written after "at" in ``text`` ("at Marlow Bay" -> Marlow Bay)."""
    return {m.group(1) for m in AT_PLACE.finditer(text) if m.group(1) not in NOT_PLACES}


def named_in(question: str, places: set[str]) -> list[str]:
    """The ``places`` the question names, in any case ("the marlow bay redesign" names Marlow Bay)."""
    return [p for p in sorted(places) if re.search(rf"\b{re.escape(p)}\b", question, re.I)]


# a named site: "our Rotterdam plant", "the Marlow Bay site", "at Halden"; generic words are not names
NAMED_SITE = re.compile(r"\b(?:at|in|from|for|of) (?:our |the )?((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+) "
                        r"(?i:plant|site|factory|mill|works|facility|refinery)\b")
_NOT_NAMES = frozenset("The This That Our Your Their Each Every Whole Which Typical Pilot Main New Old Receiving".split())


def named_sites(question: str) -> list[str]:
    """Sites the question names ("the pilot at our Rotterdam plant" -> Rotterdam)."""
    return [m.group(1) for m in NAMED_SITE.finditer(question) if m.group(1).split()[0] not in _NOT_NAMES]


def asked_places(question: str, texts: list[str]) -> list[str]:
    """The places the question names: sites it calls one ("at our Halden Works plant") and places ``texts`` name
    ("at Marlow Bay") that it uses."""
    return list(dict.fromkeys([*named_sites(question), *named_in(question, {p for t in texts for p in places_in(t)})]))
