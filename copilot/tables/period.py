"""The period a question names, applied to a table's date column by rule, never by the model.

A small model turns "since 2024" into ``date contains "2024"`` (the 2025 records dropped), "before 2024" into the
same (the opposite of what was asked) and "in 2025" into ``date = "2025"`` (no row matches, so the answer says
none is recorded). :func:`asked_period` reads "since / from / after / before / until / in / during / between"
followed by a year, a month and year, or an ISO date, as a half-open range of ISO dates; :func:`date_column`
picks the column of ISO dates it applies to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from copilot.tables.profile import ColumnProfile, TableProfile
from copilot.words import MONTH_PATTERN, MONTHS

_DATE = rf"(?:(?:{MONTH_PATTERN})\s+)?(?:19|20)\d{{2}}(?:-\d{{2}}(?:-\d{{2}})?)?"
_KEYWORD = r"since|from|starting|after|before|prior to|until|till|up to|in|during|across|throughout|over"
_UNIT = r"(?!\s*(?:h|hrs?|hours?|rpm|kw|mm|m|l|bar|v|kg|%)\b)"  # "in 2000 hours" is no year
_ONE = re.compile(rf"\b(?P<kw>{_KEYWORD})\s+(?:the\s+(?:start|beginning|end)\s+of\s+)?(?P<when>{_DATE})\b{_UNIT}",
                  re.I)
_BETWEEN = re.compile(rf"\bbetween\s+(?P<a>{_DATE})\s+and\s+(?P<b>{_DATE})\b", re.I)
_PARTS = re.compile(rf"(?:(?P<month>(?:{MONTH_PATTERN}))\s+)?(?P<year>\d{{4}})(?:-(?P<mm>\d{{2}})(?:-(?P<dd>\d{{2}}))?)?", re.I)
ISO_DATE = re.compile(r"(?:19|20)\d{2}-\d{2}-\d{2}(?:[ T].*)?")


@dataclass(frozen=True)
class Period:
    """Dates ``start`` <= d < ``end`` (ISO, either may be open) and the words that named them."""

    start: str | None
    end: str | None
    phrase: str


def _span(text: str) -> tuple[date, date] | None:
    """First day of the year, month or day ``text`` names, and the first day after it."""
    m = _PARTS.fullmatch(text.strip())
    if m is None:
        return None
    year = int(m["year"])
    try:
        if m["dd"]:
            first = date(year, int(m["mm"]), int(m["dd"]))
            return first, date.fromordinal(first.toordinal() + 1)
        month = int(m["mm"]) if m["mm"] else MONTHS[m["month"].lower()] if m["month"] else None
        if month:
            first = date(year, month, 1)
            return first, date(year + (month == 12), month % 12 + 1, 1)
        return date(year, 1, 1), date(year + 1, 1, 1)
    except ValueError:
        return None


def asked_period(question: str) -> Period | None:
    """The period the question restricts records to, or None ("how many work orders since March 2024?")."""
    m = _BETWEEN.search(question)
    if m:
        a, b = _span(m["a"]), _span(m["b"])
        if a and b and a[0] < b[1]:
            return Period(a[0].isoformat(), b[1].isoformat(), m.group(0))
    m = _ONE.search(question)
    if m is None:
        return None
    span = _span(m["when"])
    if span is None:
        return None
    kw, first, after = m["kw"].lower(), span[0].isoformat(), span[1].isoformat()
    if kw in ("since", "from", "starting"):
        return Period(first, None, m.group(0))
    if kw == "after":
        return Period(after, None, m.group(0))
    if kw in ("before", "prior to"):
        return Period(None, first, m.group(0))
    if kw in ("until", "till", "up to"):
        return Period(None, after, m.group(0))
    return Period(first, after, m.group(0))


def _dated(c: ColumnProfile) -> bool:
    shown = c.samples or list(c.values)
    return not c.numeric and bool(shown) and all(ISO_DATE.fullmatch(str(v)) for v in shown)


def date_column(p: TableProfile, question: str, preferred: re.Pattern[str]) -> str | None:
    """The column of ISO dates the period applies to: the one the question names ("overhauled since 2024" ->
    last_overhaul), else the one whose name fits ``preferred`` (an event date); None when the table has none
    or the choice is unclear ("installed in 2012" is not about the last overhaul date)."""
    dated = [c for c in p.columns if _dated(c)]
    low = question.lower()
    named = [c for c in dated if any(w in low for w in re.split(r"[_\W]+", c.name.lower()) if len(w) > 3)]
    if len(named) == 1:
        return named[0].name
    fits = [c for c in dated if preferred.fullmatch(c.name)]
    return fits[0].name if len(fits) == 1 else None
