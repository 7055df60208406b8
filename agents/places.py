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
