"""Figures in text: numbers with their units, prices, dates and plant identifiers, normalised.

The claim check compares the figures of an answer with the figures of its sources. Both sides go
through the same normalisation: thousands separators dropped (``10,000`` = ``10000``), unit spellings
unified (``hours`` = ``h``, ``litres`` = ``L``), unicode dashes made ASCII (``E–204`` = ``E-204``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.identifiers import IDENTIFIER, asset_tag_candidates, normalise_dashes
from copilot.types import Citation
from copilot.words import MONTH_PATTERN, MONTHS

# unit spelling -> canonical unit (longest spellings first in the regex); the answer eval reads the same table
UNITS: dict[str, str] = {
    "%": "%", "percent": "%", "per cent": "%",
    "°c": "c", "deg c": "c", "degc": "c", "°f": "f",
    "bar(g)": "bar", "barg": "bar", "bar": "bar", "mbar": "mbar", "kpa": "kpa", "mpa": "mpa", "psi": "psi", "pa": "pa",
    "mm/s": "mm/s", "m/s": "m/s", "m³/h": "m3/h", "m3/h": "m3/h", "l/min": "l/min", "l/h": "l/h",
    "kwh": "kwh", "kw": "kw", "mw": "mw", "w": "w", "kva": "kva",
    "kv": "kv", "v": "v", "volts": "v", "ma": "ma", "a": "a", "amps": "a", "amp": "a", "amperes": "a",
    "hz": "hz", "rpm": "rpm", "r/min": "rpm",
    "mohm": "mohm", "mω": "mohm", "megohm": "mohm", "megohms": "mohm", "ohm": "ohm", "ω": "ohm",
    "hours": "h", "hour": "h", "hrs": "h", "hr": "h", "h": "h",
    "minutes": "min", "minute": "min", "mins": "min", "min": "min",
    "seconds": "s", "second": "s", "secs": "s", "sec": "s", "s": "s", "ms": "ms",
    "days": "d", "day": "d", "weeks": "wk", "week": "wk", "months": "mo", "month": "mo",
    "years": "yr", "year": "yr", "yrs": "yr",
    "litres": "l", "liters": "l", "litre": "l", "liter": "l", "l": "l", "ml": "ml",
    "kg": "kg", "g": "g", "tonnes": "t", "tonne": "t", "tons": "t", "t": "t",
    "nm": "nm", "n·m": "nm", "n m": "nm", "kn": "kn", "n": "n",
    "mm": "mm", "cm": "cm", "m": "m", "µm": "um", "um": "um", "microns": "um", "micron": "um",
    "ppm": "ppm", "db": "db", "db(a)": "db", "dba": "db",
    "usd": "usd", "eur": "eur", "dollars": "usd", "euros": "eur", "gbp": "gbp",
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
CURRENCY = {"$": "usd", "€": "eur", "£": "gbp"}
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?P<cur>[$€£])\s?(?P<cval>{NUMBER})(?:\s?(?P<mult>k|m|million|thousand)\b)?"
    rf"|(?<![\w.])(?P<wval>{NUMBER})\s?(?P<wmult>million|thousand|billion|bn|k)?\s?(?P<wcur>euros?|eur|usd|dollars?|gbp|pounds)\b"
    rf"|(?<![\w.])(?P<val>{NUMBER})(?:\s?(?P<unit>{_UNIT_RE})(?![\w/³]))?",
    re.IGNORECASE,
)
# a framework's numbered item as written in capitals: NIST AI RMF "GOVERN 1.1", "MEASURE 2.11", "MANAGE 2.4"
FRAMEWORK_ITEM = re.compile(r"\b(?:GOVERN|MAP|MEASURE|MANAGE)[ \t]+\d{1,2}\.\d{1,2}\b")
_DATE = re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b")
# "2 August 2025", "2nd of Aug. 2025", "August 2, 2025", "August 2025": one date, checked to the day (or month); the
# year stays a number of its own ("in 2025" is supported by any 2025 date)
_WRITTEN_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{MONTH_PATTERN})\.?,?\s+(?P<y1>(?:19|20)\d{{2}})"
    rf"|(?P<m2>{MONTH_PATTERN})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d{{2}})"
    rf"|(?P<m3>{MONTH_PATTERN})\.?,?\s+(?P<y3>(?:19|20)\d{{2}}))\b", re.IGNORECASE)


def _written_date(m: re.Match[str]) -> tuple[str, int]:
    """The ISO value of a written date ("2025-08-02", or "2025-08" without a day) and where its year starts."""
    for n in "123":
        if m.group(f"y{n}"):
            month = MONTHS[m.group(f"m{n}").lower()]
            day = m.groupdict().get(f"d{n}")
            value = f"{m.group(f'y{n}')}-{month:02d}" + (f"-{int(day):02d}" if day else "")
            return value, m.start(f"y{n}")
    raise ValueError(m.group(0))
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "billion": 1e9, "bn": 1e9}
_WORD_CURRENCY = {"euro": "eur", "eur": "eur", "usd": "usd", "dollar": "usd", "gbp": "gbp", "pound": "gbp"}


# numbers written as words, for counts said in prose ("three members", "a single site")


@dataclass(frozen=True)
class Figure:
    """One checkable figure: ``kind`` is number, money, date or code; ``unit`` may be empty."""

    kind: str
    value: str
    unit: str = ""
    raw: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.value, self.unit


def _num(text: str) -> str:
    value = float(text.replace(",", ""))
    return str(int(value)) if value == int(value) else repr(value)


def extract(text: str, *, min_bare: float = 10.0) -> list[Figure]:
    """The figures of ``text``. Bare numbers below ``min_bare`` (list numbers, "one or two") are skipped,
    as are the digits inside identifiers and dates (which are figures of their own)."""
    text = normalise_dashes(text)
    out: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for m in IDENTIFIER.finditer(text):
        out.append(Figure("code", m.group(0).upper(), raw=m.group(0)))
        taken.append(m.span())
    for m in FRAMEWORK_ITEM.finditer(text):  # "MANAGE 2.4": a framework's numbered item is a code, not 2.4
        if not any(a <= m.start() < b for a, b in taken):
            out.append(Figure("code", " ".join(m.group(0).split()), raw=m.group(0)))
            taken.append(m.span())
    for m in _DATE.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            out.append(Figure("date", m.group(0), raw=m.group(0)))
            taken.append(m.span())
    for m in _WRITTEN_DATE.finditer(text):
        if not any(a <= m.start() < b for a, b in taken) and "may" not in m.group(0):  # "we may 2025" is no date
            value, year_at = _written_date(m)
            out.append(Figure("date", value, raw=m.group(0)))
            taken.append((m.start(), year_at))
    for m in _FIGURE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m.group("wcur"):
            value = float(m.group("wval").replace(",", "")) * _MULT.get((m.group("wmult") or "").lower(), 1)
            out.append(Figure("money", _num(str(value)), _WORD_CURRENCY[m.group("wcur").lower().rstrip("s")],
                              m.group(0)))
            continue
        if m.group("cur"):
            value = float(m.group("cval").replace(",", "")) * _MULT.get((m.group("mult") or "").lower(), 1)
            out.append(Figure("money", _num(str(value)), CURRENCY[m.group("cur")], m.group(0)))
            continue
        unit = UNITS.get((m.group("unit") or "").lower(), "")
        value = _num(m.group("val"))
        if unit in ("usd", "eur", "gbp"):
            out.append(Figure("money", value, unit, m.group(0)))
        elif unit or float(value) >= min_bare or "." in value:
            out.append(Figure("number", value, unit, m.group(0)))
    return out


# a list item starts "3. ", "2) " or "7.4 "; "95 N·m on P-201" continues the line before it
_STARTS_ITEM = re.compile(r"^\s*(?:[|#>*•-]|\d+(?:\.\d+)*[.)]\s|\d+(?:\.\d+)+\s|[A-Za-z][\w ()/%.-]{0,60}:\s)")


_BULLET = re.compile(r"^\s*[-*•]\s")


def logical_lines(text: str) -> list[str]:
    """The lines of ``text`` with hard-wrapped prose joined: "... for at least 60" + "minutes after it ends" is one
    line, so "60 minutes" is found; table rows, list items, headings and "field: value" lines stay lines (a heading
    or a table row takes no continuation; a bullet only indented ones)."""
    out: list[str] = []
    for line in text.splitlines():
        if out and line.strip() and out[-1].strip() and not _STARTS_ITEM.match(line) and \
                not out[-1].lstrip().startswith(("|", "#")) and \
                (line[:1].isspace() or not _BULLET.match(out[-1])):  # a bullet's own lines are indented
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


# "150 N·m on P-101/P-102, 95 N·m on P-201": a new clause starts where a figure follows a comma or semicolon
FIGURE_CLAUSE = re.compile(r"[,;]\s+(?=\d)")


def asset_clauses(text: str) -> list[tuple[str, list[str]]]:
    """Each clause of each logical line with the asset tags it is about: its own, else those of the clause before
    it on the line ("Design data for P-101: 350 m³/h at 45 m head, 1480 rpm" - the rpm is P-101's too)."""
    out: list[tuple[str, list[str]]] = []
    for line in logical_lines(text):
        current: list[str] = []
        # a line's label names what the whole line is about: "Design data for P-101 and P-102: ... driven by 55 kW
        # motors M-101/M-102 ... NPSH required is 4.2 m" - the NPSH is the pumps' too, not only the motors'
        about = label_tags(line)
        for clause in FIGURE_CLAUSE.split(line):
            current = asset_tag_candidates(clause) or current
            out.append((clause, list(dict.fromkeys([*current, *about]))))
    return out


_LINE_LABEL = re.compile(r"^\s*([^:|]{3,80}?):\s")


def label_tags(line: str) -> list[str]:
    """The asset tags a line's label names ("Design data for P-101 and P-102: ..." -> P-101, P-102), else []."""
    label = _LINE_LABEL.match(line)
    return asset_tag_candidates(label.group(1)) if label else []


@dataclass
class FigurePool:
    """The figures of a set of texts, for membership tests that tolerate a unit written in a
    column name (``rated_power_kw: 75`` supports "75 kW")."""

    keys: set[tuple[str, str, str]]
    values: set[str]
    lines: list[tuple[set[str], str]]  # (values on the line, lower-cased line) for unit-in-line matches

    @classmethod
    def of(cls, texts: list[str]) -> FigurePool:
        keys: set[tuple[str, str, str]] = set()
        values: set[str] = set()
        lines: list[tuple[set[str], str]] = []
        for text in texts:
            for line in logical_lines(normalise_dashes(text)):
                figs = extract(line, min_bare=0)
                if not figs:
                    continue
                # a date's year supports "in 2025" (a written date's year is a number of its own already)
                figs += [Figure("number", f.value[:4]) for f in figs if f.kind == "date"]
                keys.update(f.key for f in figs)
                vals = {f.value for f in figs}
                values.update(vals)
                lines.append((vals, line.lower()))
        return cls(keys, values, lines)

    def supports(self, fig: Figure) -> bool:
        if fig.key in self.keys:
            return True
        if fig.kind == "code":
            return any(fig.value.lower() in line for _, line in self.lines)
        if fig.kind == "money":
            return False  # a price must be written as a price
        if fig.kind == "date":  # "February 2025" is supported by "2 February 2025"
            return len(fig.value) == 7 and any(k[0] == "date" and k[1].startswith(fig.value) for k in self.keys)
        if not fig.unit:
            return fig.value in self.values
        spellings = [u for u, c in UNITS.items() if c == fig.unit and len(u) > 1]
        for vals, line in self.lines:
            if fig.value in vals and any(re.search(rf"(?<![a-z]){re.escape(s)}(?![a-z])", line.replace("_", " "))
                                         for s in spellings):
                return True
        return False


def derived_figures(text: str, sources: list[Citation], question: str) -> list[str]:
    """The figures of a rule-made ``text`` that no source and not the question holds: what the copilot computed
    (an ORI, a selection-rate ratio, a total), as written. The Answer lists them so evaluators count them apart
    from figures found nowhere."""
    # the sources the text cites (all of them when it cites none): a figure another source happens to hold is still
    # computed ("EUR 300,000" is 50% of the stated EUR 600,000, and also the Halden example's yearly benefit)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    shown = [c for c in sources if c.marker in cited] or sources
    pool = FigurePool.of([question, *(c.text for c in shown)])
    plain = re.sub(r"\[\d+\]", " ", text)  # a citation marker is no figure
    return list(dict.fromkeys(f.raw or f.value for f in extract(plain, min_bare=0) if not pool.supports(f)))
