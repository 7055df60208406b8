"""Figures in an answer that no shown source contains: numbers (with their unit), dates, codes and tags.

Deterministic. A *code* is an upper-case token with a digit joined by hyphens (``E-204``, ``P-101``,
``SOP-LOTO-001``, ``HV-101A``); it must occur verbatim (case-insensitive) in some source. A *number* is
compared by value after normalisation (thousands separators dropped, ``5.0`` = ``5``, number words up
to twenty read as digits). When the answer writes a unit right after the number (``75 kW``, ``15 min``),
some source must hold the same value with an equivalent unit (``15 minutes``); a range ``6-8 weeks`` gives
its unit to both ends. Citation markers ``[n]``, list enumerators at the start of a line and figures the
user wrote in the question are not checked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from copilot.agents.figures import CURRENCY, UNITS
from copilot.eval.textmatch import _NUMBER_WORDS

# The product's unit table (spelling -> canonical unit, the claim check's rule), plus its currency signs
# written after a number (``500 €``). Single letters are units only in the case listed in _CASE_SENSITIVE.
_UNIT_OF: dict[str, str] = {unicodedata.normalize("NFKC", k): v for k, v in {**UNITS, **CURRENCY}.items()}  # as _clean reads
_CASE_SENSITIVE = {"A", "V", "W", "N", "t", "m", "g", "l", "L", "h", "s"}
_UNIT_ALT = "|".join(re.escape(s) for s in sorted(_UNIT_OF, key=len, reverse=True))

_NUM = r"\d+(?:[,\u202f\u00a0 ]\d{3})*(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?<![\w.])(?P<a>{_NUM})(?!\d|st\b|nd\b|rd\b|th\b)(?:\s*(?:-|to)\s*(?P<b>{_NUM}))?(?:[\s-]?(?P<unit>{_UNIT_ALT})(?![\w/]))?", re.IGNORECASE)
_MULTIPLIED = re.compile(rf"(?<![\w.])({_NUM})\s?(k|thousand|million)\b", re.IGNORECASE)
_CODE = re.compile(r"(?<![\w-])(?=[A-Z0-9-]*\d)[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![\w-])")
_MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_ENUM = re.compile(r"^\s*(?:[-*]\s*)?\d{1,2}[.)](?=\s)", re.MULTILINE)
# "zero energy", "one of the": words below two are rarely a figure someone could get wrong
_WORDS = re.compile(r"\b(" + "|".join(w for w in _NUMBER_WORDS if w not in ("zero", "one")) + r")\b", re.IGNORECASE)


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    t = t.translate(dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"))
    t = t.replace("**", "").replace("`", "")
    return _WORDS.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], t)


def _value(num: str) -> str:
    """Canonical number: no thousands separators, no trailing decimal zeros (``10,000`` -> ``10000``, ``0.30`` -> ``0.3``)."""
    n = re.sub(r"[,\u202f\u00a0 ]", "", num)
    if "." in n:
        n = n.rstrip("0").rstrip(".")
    n = n.lstrip("0") or "0"
    return f"0{n}" if n.startswith(".") else n  # "0.20" is 0.2, not .2


def _unit(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw in _CASE_SENSITIVE:
        return _UNIT_OF.get(raw.lower())
    low = raw.lower()
    if low in {s.lower() for s in _CASE_SENSITIVE}:
        return None  # e.g. "H" or "S" written in capitals is not a unit
    return _UNIT_OF.get(low)


def codes_in(text: str) -> set[str]:
    """Upper-case codes and tags (E-204, P-101, SP-1001, SOP-LOTO-001) in ``text``, upper-cased."""
    return {c.upper() for c in _CODE.findall(_clean(text))}


def figures_in(text: str, *, skip_enumerators: bool = False) -> set[tuple[str, str | None]]:
    """``{(value, unit or None)}`` of every number in ``text``; numbers inside codes are not counted."""
    t = _MARKER.sub(" ", _clean(text))
    if skip_enumerators:
        t = _ENUM.sub(" ", t)
    t = _CODE.sub(" ", t)
    out: set[tuple[str, str | None]] = set()
    for m in _FIGURE.finditer(t):
        unit = _unit(m.group("unit"))
        for part in (m.group("a"), m.group("b")):
            if part is not None:
                out.add((_value(part), unit))
    for m in _MULTIPLIED.finditer(t):  # "EUR 120k" is 120000 too (a bare "m" is a metre, not a million)
        factor = 1_000 if m.group(2).lower() in ("k", "thousand") else 1_000_000
        out.add((_value(f"{float(_value(m.group(1))) * factor:.2f}"), None))
    return out


def unsupported_figures(answer: str, sources: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """Figures of ``answer`` that no text of ``sources`` holds (``allowed``: texts whose figures are not
    checked, e.g. the user's question). Returns readable items such as ``"75 a"`` or ``"E-239"``.

    A number with a unit is supported by the same value with an equivalent unit, or by the value written
    without any unit; a bare number by the value with or without a unit, or inside a known code."""
    texts = ["\n".join(sources), "\n".join(allowed)]
    known_codes = codes_in(texts[0]) | codes_in(texts[1])
    known = figures_in(texts[0]) | figures_in(texts[1])
    values = {v for v, _u in known} | {_value(n) for c in known_codes for n in re.findall(r"\d+", c)}
    unitless = {v for v, u in known if u is None}
    out = sorted(codes_in(answer) - known_codes)
    for value, unit in sorted(figures_in(answer, skip_enumerators=True), key=lambda p: (p[0], p[1] or "")):
        ok = ((value, unit) in known or value in unitless) if unit else value in values
        if not ok:
            out.append(f"{value} {unit}" if unit else value)
    return out
