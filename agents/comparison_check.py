"""A comparison the answer states between two of its own figures must hold.

"The ORI of Riverside's site is 2.2, which is above the scale-out eligibility threshold of 3.0": both figures are in
the sources, so the figure check passes, but 2.2 is not above 3.0 and the answer that follows ("Yes, it can scale")
is wrong. A sentence that puts one number above or below another ("X is above / below / higher than / less than Y",
"X exceeds Y", "X meets Y") is checked by arithmetic when both numbers have the same unit (or neither has one); a
comparison that does not hold is withheld like any unsupported claim. Negation ("is not above") is honoured.
"""

from __future__ import annotations

import re

from copilot.agents.figures import _UNIT_RE, NUMBER, extract


def _value(name: str) -> str:
    return rf"(?P<{name}>(?<![\w.-])(?:{NUMBER})(?:\s?(?:{_UNIT_RE})(?![\w/³]))?)"


_LINK = r"(?:,?\s*(?:which|that|this|it)\s+)?(?:is|are|was|were|sits|stands|lies|remains|comes in|came in)"
_DEGREE = r"(?:\s+(?:well|still|just|slightly|far|clearly|comfortably|already))?"
_OPS = {"above": ">", "over": ">", "higher than": ">", "greater than": ">", "more than": ">",
        "below": "<", "under": "<", "lower than": "<", "less than": "<", "at least": ">=", "at most": "<="}
_OP = "|".join(sorted(map(re.escape, _OPS), key=len, reverse=True))
_BETWEEN = r"(?:[^\s.;!?\d]+\s+){0,6}?"
# "step 4 is above step 6", "zone C up to 4.5": a number that labels a step, level or year is not a quantity
_LABEL = re.compile(r"\b(?:step|steps|level|levels|tier|stage|zone|gate|item|row|line|page|section|version|rev|year|"
                    r"in|since|by|point|article|art|annex|no|number|#)\.?\s*$", re.I)
STATED = re.compile(
    _value("a") + rf"\s*{_BETWEEN}{_LINK}{_DEGREE}\s+(?P<neg>not\s+)?(?P<op>{_OP})\s+{_BETWEEN}"
    + _value("b")
    + "|" + _value("c") + rf"\s+{_BETWEEN}(?P<verb>exceeds|exceeded|meets|met|does not exceed|doesn't exceed|"
      rf"does not meet|doesn't meet)\s+{_BETWEEN}" + _value("d"), re.I)
_VERBS = {"exceeds": ">", "exceeded": ">", "meets": ">=", "met": ">=", "does not exceed": "<=",
          "doesn't exceed": "<=", "does not meet": "<", "doesn't meet": "<"}


def _figure(text: str) -> tuple[float, str] | None:
    found = [f for f in extract(text, min_bare=0) if f.kind in ("number", "money")]
    if not found:
        return None
    try:
        return float(found[0].value), found[0].unit
    except ValueError:
        return None


def _holds(a: float, op: str, b: float) -> bool:
    return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]


def false_comparison(sentence: str) -> str | None:
    """The first stated comparison of two same-unit numbers in ``sentence`` that arithmetic contradicts, as
    written ("2.2, which is above the scale-out eligibility threshold of 3.0"), or None."""
    for m in STATED.finditer(sentence):
        first, second = (m.start("a"), m.start("b")) if m["a"] is not None else (m.start("c"), m.start("d"))
        if _LABEL.search(sentence[:first]) or _LABEL.search(sentence[:second]):
            continue
        if m["a"] is not None:
            left, right, op = _figure(m["a"]), _figure(m["b"]), _OPS[m["op"].lower()]
            negated = bool(m["neg"])
        else:
            left, right, op = _figure(m["c"]), _figure(m["d"]), _VERBS[re.sub(r"\s+", " ", m["verb"].lower())]
            negated = False
        if left is None or right is None or (left[1] and right[1] and left[1] != right[1]):
            continue
        if _holds(left[0], op, right[0]) == negated:
            return m.group(0)
    return None


_AGAINST = re.compile(rf"(?P<op>{_OP}|exceeds|exceeding)\s+(?:the\s+(?:[\w-]+\s+){{0,3}}?(?:of\s+)?)?" + _value("b"), re.I)


def contradicts_reading(sentence: str, readings: list[tuple[float, str, set[str]]]) -> str | None:
    """A comparison of one of the user's stated readings that the reading itself contradicts, as written: "The iron
    level is above 100 ppm" when the question said "iron 75 ppm". ``readings`` are (value, the unit as written in
    the question, the words near it); the clause before the comparison must name exactly one reading of that unit."""
    for m in _AGAINST.finditer(sentence):
        clause = re.split(r"[,;:.]\s", sentence[:m.start()])[-1]
        if _LABEL.search(clause) or any(f.kind == "number" for f in extract(clause, min_bare=0)):
            continue  # "step 4 is above", or a figure of its own: false_comparison judges those
        right = _figure(m["b"])
        if right is None or not right[1]:
            continue
        words = set(re.findall(r"[a-z0-9]+", clause.lower()))
        named = [(v, u) for v, u, near in readings if u == right[1] and words & near]
        if len(named) != 1:
            continue
        op = _OPS.get(m["op"].lower(), ">")
        if not _holds(named[0][0], op, right[0]):
            return m.group(0)
    return None
