"""Is my reading OK? A reading the user states, placed in the bands of the shown limit row, by rule.

"M-102 IR 80 MOhm ok?", "is it ok to enter with 20.5% oxygen", "C301 at 106 deg, how close to trip": the
guides give limits as bands ("≥ 100 MΩ | 5-100 MΩ trend and investigate; < 5 MΩ do not energise",
"75-95 °C | warning 105 °C; trip 110 °C (E-221)"), and the 1.5B model compares numbers badly (it said
"no" to 20.5 % oxygen against 19.5-23.5 %, and abstained on 80 MΩ). Each number-with-unit the question
states is placed in the bands of the one limit row (a table row or a sentence) with that unit that shares
the most words with the question; the answer says which bands hold it and quotes the row. No row for the
unit, or two rows sharing as many words with different bands: None (the model answers).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.context_focus import table_cells
from copilot.agents.jargon import expand_jargon
from copilot.agents.lookup import markdown_table
from copilot.identifiers import LOOSE_IDENTIFIER
from copilot.types import Citation, Hit
from copilot.words import NUMBER_WORDS

# unit as written -> canonical unit ("% LEL" is its own unit: 5 % LEL is not 5 % oxygen)
_UNITS = [(r"drops?\s*(?:/|a|per)\s*min(?:ute)?\b", "drops/min"), (r"%\s*LEL\b|%\s*of the lower explosive limit", "% LEL"), (r"%|percent\b", "%"), (r"ppm\b", "ppm"),
          (r"M\s?Ω|M\s?ohms?\b|megs?\b|meg\s?ohms?\b|megohms?\b", "MΩ"), (r"mm/s\b", "mm/s"),
          (r"°\s?C\b|deg(?:rees?)?(?:\s?C\b)?|degc\b|celsius\b", "°C"),
          (r"percentage points?\b|pp\b|points?(?=\s+(?:[a-z]+\s+)?(?:gap|difference|drop|spread|lower|higher|worse|"
           r"better|below|above)\b)", "pp"),
          # "3 per shift", "threw 5 false alarms last night shift": a count of false alarms in one shift
          (r"(?:false alarms? )?(?:per|a|/|each) shift\b|false alarms?\b", "per shift"),
          (r"weeks?\b|wks?\b", "wk"), (r"days?\b", "d"), (r"min(?:utes?|s)?\b", "min"), (r"h(?:ours?|rs?)?\b", "h"), (r"bar\s?\(?g\)?|barg?\b", "bar"),
          (r"L/min\b|lpm\b", "L/min"), (r"m³/h\b|m3/h\b", "m³/h"), (r"mg/m³|mg/m3", "mg/m³"), (r"ms\b", "ms"),
          (r"mm\b", "mm"), (r"V\b(?! ?DC)", "V")]
UNIT = "|".join(f"(?:{pattern})" for pattern, _ in _UNITS)
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
READING = re.compile(rf"(?<![\w.-])(?P<n>{NUM})\s*(?P<unit>{UNIT})", re.I)
# a gas test written the way it is read off the detector: "o2 19.8, h2s 3, lel 0, co 0" (the unit left out)
GAS_READING = re.compile(rf"\b(?P<gas>o2|oxygen|lel|h2s|co|cl2|chlorine)\s*(?:[:=]|at|is|of|reads?)?\s*(?P<n>{NUM})"
                         rf"(?!\.?\d)(?!\s*(?:{UNIT}))", re.I)  # the whole number ("O2 20.6%" is not "O2 20")
GAS_UNIT = {"o2": "%", "oxygen": "%", "lel": "% LEL"}  # the toxic gases in ppm
# an index read by its acronym, no unit: "PSI 0.27", "PSI of 0.12" (its unit is the acronym)
INDEX_READING = re.compile(rf"\b(?P<index>[A-Z]{{2,5}})\b(?!-\d)(?:\s*(?:of|=|:|at|is|was|reads?)?|[^.?!]{{0,60}}?\b(?:is|at|"
                           rf"of|reads?|was|hit|hits|reached|reaches|came (?:back|out) at)\b)\s*(?P<n>\d*\.\d+|\d+)(?![\w.%/-])(?!\s*(?i:{UNIT}))")
# a column of a threshold table: "| Signal | Watch level | Action level |"
LEVEL_COLUMN = re.compile(r"\b(?:level|threshold|limit|alarm|trip|warning|action)\b", re.I)
# a ratio has no unit: "selected at 0.75 times the rate of", "a selection-rate ratio of 0.75"
RATIO_READING = re.compile(rf"(?<![\w.-])(?P<n>{NUM})\s*(?:times|x)\s+(?:the\s+)?(?:\w+\s+)?rate\b|"
                           rf"\bratio\s+(?:is\s+|of\s+|at\s+|=\s*)?(?P<m>{NUM})", re.I)
# two groups' selection rates ("day shift picked 45% of the time, night shift 33%"): the ratio of the lower to the
# higher is the reading the four-fifths rule judges
SELECTION = re.compile(r"\b(?:pick|select|chos|shortlist|hir|approv|offer|promot|assign|flag|recommend|nominat)\w*|"
                       r"\bput(?:s|ting)? forward\b", re.I)
# a model's performance measured on two groups ("recall is 91% on day shift but 78% on nights"): judged as their gap
METRIC = re.compile(r"\b(?:recall|precision|accuracy|f1|detection rate|hit rate|false alarm rate)\b", re.I)
PERCENT = re.compile(rf"(?<![\w.-])(?P<n>{NUM})\s*%", re.I)
RANGE = re.compile(rf"(?<![\w.-])(?P<a>{NUM})\s*(?:{UNIT})?\s*(?:-|–|to)\s*(?P<b>{NUM})\s*(?P<unit>{UNIT})", re.I)
_AT_MOST = r"≤|<=|at most|no more than|not (?:more|higher) than|max(?:imum)?(?: of)?|up to"
_BELOW = r"<|below|under|less than"
_AT_LEAST = r"≥|>=|at least|no less than|min(?:imum)?(?: of)?|reach(?:es)?"
_ABOVE = r">|above|over|more than|exceeds?"
BOUND = re.compile(rf"(?P<op>{_AT_MOST}|{_BELOW}|{_AT_LEAST}|{_ABOVE}|must (?:be|stay at|read)|stay at)\s*"
                   rf"(?P<n>{NUM})\s*(?P<unit>{UNIT})", re.I)
RATIO_BOUND = re.compile(rf"\bratio\b.{{0,40}}?(?P<op>{_AT_MOST}|{_BELOW}|{_AT_LEAST}|{_ABOVE})\s*(?P<n>{NUM})(?!\s*(?:{UNIT}))",
                         re.I)
# a column (or clause) naming the band the plant accepts, against one naming an action or an alarm
REQUIRES = re.compile(r"\b(?:must|only (?:when|if)|allowed|accept(?:ed|able)|within|never|do not|stop|at least|at most|"
                      r"no (?:more|less|fewer) than)\b", re.I)
ACTING = re.compile(r"\b(?:alarm|warning|trip|action|stop|investigate|do not|never|change|replace|overhaul|caution|"
                    r"find|repair|derate|critical|finding|fail|trigger)\w*", re.I)
# the question asks for a judgement of the reading, not for the limit itself
ASKS_JUDGEMENT = re.compile(r"\b(?:ok(?:ay)?|fine|safe|normal|acceptable|good|bad|within|in spec|in range|too "
                            r"(?:high|low)|worry\w*|concern\w*|pass|allowed|alright|how close|close to|high|low|"
                            r"enter|go in|start|run|energi[sz]e|what now|what do (?:i|we) do|supposed to do|"
                            r"what (?:should|must) (?:i|we) do|what(?:'s|s| is) the (?:limit|threshold|max(?:imum)?))\b|"
                            r"\?\s*$", re.I)

# asks leave to go ahead ("can I let them go in?", "ok to enter?", "good to go?"): a reading outside its accepted band
# answers "No" (not "should we change the oil?", where outside the band means yes)
_ASKS_YES_NO = re.compile(r"\b(?:can|may|could) (?:i|we|they|he|she|the crew|it)(?: let (?:them|him|her|the crew))? "
                          r"(?:go in|go ahead|enter|start|restart|run|proceed|carry on|continue|energi[sz]e|open)\b|"
                          r"\b(?:ok(?:ay)?|safe|allowed) to (?:go in|go ahead|enter|start|restart|run|proceed|continue|"
                          r"energi[sz]e|open)\b|\bgood to go\b", re.I)
TIME_UNITS = ("min", "h", "d", "wk")
REVISIONS = re.compile(r"\b(?:rev(?:ision)?|approved by|changed?)\b", re.I)  # a document's revision history table
_JUDGING = {"ok", "okay", "fine", "safe", "normal", "acceptable", "good", "bad", "within", "high", "low", "close"}


def canonical_unit(written: str) -> str:
    for pattern, unit in _UNITS:
        if re.fullmatch(pattern, written.strip(), re.I) or (unit == "pp" and re.fullmatch(r"points?", written.strip(), re.I)):
            return unit
    return written.strip()


def _number(text: str) -> float:
    return float(text.replace(",", ""))


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    low_open: bool  # "> 500 ppm": 500 itself is not in the band
    high_open: bool
    unit: str
    clause: str  # as written
    accepting: bool  # the plant's normal / acceptable band, not an alarm or action band

    def holds(self, value: float) -> bool:
        above = self.low is None or value > self.low or (value == self.low and not self.low_open)
        below = self.high is None or value < self.high or (value == self.high and not self.high_open)
        return above and below


@dataclass(frozen=True)
class LimitRow:
    source: Citation
    label: str  # the row's first cell, or the sentence
    header: list[str]
    cells: list[str]
    bands: list[Band]
    words: set[str]


def _clause_band(clause: str, acting_column: bool, reference: Band | None) -> Band | None:
    """The band one clause states ("5-100 MΩ trend and investigate", "below 10 % LEL", "90 °C alarm (E-235)"):
    an accepted band unless the clause or its column names an alarm or an action."""
    accepting = not acting_column and not ACTING.search(clause)
    if m := RANGE.search(clause):
        return Band(_number(m["a"]), _number(m["b"]), False, False, canonical_unit(m["unit"]), clause, accepting)
    if m := BOUND.search(clause):
        return _bound(m["op"].lower(), _number(m["n"]), canonical_unit(m["unit"]), clause, accepting)
    if m := RATIO_BOUND.search(clause):  # "Selection-rate ratio below 0.8 ... is a Critical finding"
        return _bound(m["op"].lower(), _number(m["n"]), "ratio", clause, accepting)
    if (m := READING.search(clause)) and not accepting and reference is not None:
        # "warning 105 °C" beside a normal band of 75-95 °C: the alarm is at and beyond 105 on the normal band's far side
        n, unit = _number(m["n"]), canonical_unit(m["unit"])
        if unit != reference.unit:
            return None
        if reference.high is not None and reference.high <= n:
            return Band(n, None, False, False, unit, clause, False)
        if reference.low is not None and reference.low >= n:
            return Band(None, n, False, False, unit, clause, False)
    return None


def _bound(op: str, n: float, unit: str, clause: str, accepting: bool) -> Band:
    """The band one bound states: "below 10 % LEL", "≥ 100 MΩ", "must be 0 % LEL" (the one accepted value)."""
    if re.fullmatch(_AT_MOST, op, re.I) or re.fullmatch(_BELOW, op, re.I):
        return Band(None, n, False, bool(re.fullmatch(_BELOW, op, re.I)), unit, clause, accepting)
    if op.startswith(("must", "stay")):
        return Band(n, n, False, False, unit, clause, True)
    return Band(n, None, bool(re.fullmatch(_ABOVE, op, re.I)), False, unit, clause, accepting)


_CLAUSE_END = re.compile(r";\s*|,\s+(?=\D)|(?<=[a-z)])\.\s+(?=[A-Z])")


def _clauses(cell: str) -> list[str]:
    """The cell's clauses, split at semicolons, commas and full stops outside brackets ("zone C (restricted, plan a
    repair) up to 4.5 mm/s" is one clause)."""
    out, start, depth = [], 0, 0
    for i, ch in enumerate(cell):
        depth += (ch == "(") - (ch == ")")
        if depth <= 0 and i >= start and (m := _CLAUSE_END.match(cell, i)):
            out.append(cell[start:i])
            start = m.end()
    out.append(cell[start:])
    return [c.strip() for c in out if c.strip()]


def _words(text: str) -> set[str]:
    return content_terms(text.replace("/", " "))


def _table_rows(c: Citation) -> list[LimitRow]:
    lines = c.text.splitlines()
    out, header = [], []
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|") or set(line.strip()) <= set("|-: "):
            if not line.lstrip().startswith("|") and line.strip() not in ("...", "…"):  # "...": rows left out
                header = []
            continue
        cells = table_cells(line)
        if i + 1 < len(lines) and set(lines[i + 1].strip()) <= set("|-: ") and lines[i + 1].strip():
            header = cells
            continue
        if REVISIONS.search(" ".join(header)):
            continue  # "Fire watch extended from 30 to 60 minutes": a change made, not a limit
        bands: list[Band] = list(_level_bands(cells, header))
        reference = None
        for j, (cell, read) in enumerate(zip(cells[1:], _with_label_unit(cells)[1:], strict=True), start=1):
            column = header[j] if j < len(header) else ""
            written = _clauses(cell)
            for k, clause in enumerate(_clauses(read)):
                band = _clause_band(clause, bool(ACTING.search(column)), reference)
                if band is not None and len(written) == len(_clauses(read)):  # quoted as written, read with the unit
                    band = dataclasses.replace(band, clause=written[k])
                if band is not None:
                    bands.append(band)
                    if band.accepting and reference is None:
                        reference = band
        if bands:
            out.append(LimitRow(c, cells[0], header, cells, bands, _words(" ".join(header + cells))))
    return out


_LABEL_UNIT = re.compile(rf"\((?:[^()]*?,\s*)?(?P<unit>{UNIT})\s*\)", re.I)


def _with_label_unit(cells: list[str]) -> list[str]:
    """The row's cells with the unit its label names ("| Iron (ICP, ppm) | < 50 | 50-100 caution ... |") after each
    bare figure, for reading its bands only (the row is quoted as written)."""
    m = _LABEL_UNIT.search(cells[0]) if cells else None
    if m is None:
        return cells
    unit = m["unit"]
    bare = re.compile(rf"(?<![\w.])({NUM})(?!\s*(?:{UNIT}|months?\b|years?\b)|[\w.%°/])", re.I)
    return [cells[0], *(bare.sub(rf"\1 {unit}", c) for c in cells[1:])]


def _level_bands(cells: list[str], header: list[str]) -> list[Band]:
    """"| Population Stability Index (PSI) ... | 0.10 | 0.25 |", "| Share of input tags missing or frozen | 2% | 5% for
    more than 1 hour |" under "Watch level | Action level": from each column's figure up, in the figure's unit or, for
    a bare figure, the unit of the acronym the row names (PSI); the last column reached is the one that applies."""
    if not cells or len(header) != len(cells):
        return []
    acronym = re.search(r"\(([A-Z]{2,5})\)|\b([A-Z]{2,5})\b", cells[0])
    out = []
    for cell, column in zip(cells[1:], header[1:], strict=True):
        m = re.match(rf"\s*(?P<above>more than|above|over|>)?\s*(?P<n>{NUM})\s*(?P<unit>{UNIT})?(?=\s|$)", cell, re.I)
        if not LEVEL_COLUMN.search(column) or m is None:
            continue
        # "| False alarms per shift (advisory models) | more than 2 | more than 4 |": the unit the label names
        per = re.search(r"\bper shift\b", cells[0], re.I)
        unit = canonical_unit(m["unit"]) if m["unit"] else "per shift" if per else \
            acronym and (acronym.group(1) or acronym.group(2))
        if unit:
            out.append(Band(_number(m["n"]), None, bool(m["above"]), False, unit, f"{column}: {cell.strip()}", False))
    if len(out) < 2 or len({b.unit for b in out}) > 1 or not all(a.low < b.low for a, b in zip(out, out[1:], strict=False)):
        return []
    return out


def _prose_items(text: str) -> list[str]:
    """The paragraphs and list items of ``text`` outside tables, each as one line."""
    items: list[list[str]] = [[]]
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith(("|", "#")) or re.match(r"\s*(?:\d+(?:\.\d+)*\.?|[-*])\s", line):
            items.append([])
        if line.strip() and not line.lstrip().startswith("|"):
            items[-1].append(line.strip())
    return [" ".join(item) for item in items if item]


def _sentence_rows(c: Citation) -> list[LimitRow]:
    """Each paragraph or list item stating limits in sentences, with the sentences that state them."""
    out = []
    for item in _prose_items(c.text):
        bands, said = [], []
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", item):
            # a sentence states a limit when it requires or forbids ("entry only when", "stop if it reaches")
            if not (REQUIRES.search(sentence) or ACTING.search(sentence)):
                continue
            # "Above 5 drops/min or a steady stream, plan replacement": the sentence's action is the clause's
            found = [b for clause in _clauses(sentence) if (b := _clause_band(
                clause, bool(ACTING.search(sentence)) and not REQUIRES.search(clause), None)) is not None
                and (BOUND.search(clause) or RANGE.search(clause))]
            if found:  # one band: shown with its whole sentence ("... and for at least 60 minutes after it ends.");
                # several ("zone A up to 1.4 mm/s, zone B up to 2.8 mm/s, ..."): each with its own clause
                bands += [dataclasses.replace(b, clause=sentence.strip()) for b in found] if len(found) == 1 else found
                said.append(sentence.strip())
        if bands:
            out.append(LimitRow(c, " ".join(said), [], [" ".join(said)], bands, _words(item)))
    return out


def limit_rows(sources: list[Citation]) -> list[LimitRow]:
    """Every table row and sentence of the sources that states a band with a unit."""
    return [row for c in sources for row in (*_table_rows(c), *_sentence_rows(c))]


@dataclass(frozen=True)
class Stated:
    value: float
    unit: str
    said: str  # as written
    near: set[str]  # the words of its part of the question ("h2s" of "h2s 3 ppm, co 0")
    lead: set[str] = dataclasses.field(default_factory=set)  # the word just before it ("rejecting" of "rejecting 45%")


_PERIOD = re.compile(r"\b(?:over|during|within|in|for)\s+(?:the\s+)?(?:last|past|previous|first)\s+$", re.I)
_WINDOW = re.compile(r"\s*(?:over|in|per|within|every|/)\s*(?:the\s+)?(?:last\s+|first\s+)?(?:a\s+)?", re.I)
# "the 800mm cake belt", "our 50 mm seals": a size naming the equipment, not a reading of it
_SIZE_BEFORE = re.compile(r"\b(?:the|our|that|this|those|these)\s+$", re.I)
_SIZE_AFTER = re.compile(r"\s*(?!(?:reading|value|result|measurement|level|figure|gap|drop|rise|offset|runout|play)s?\b)"
                         r"[a-z]{3,}\b(?!\s*(?:\?|$))", re.I)


# "three weeks of shadow mode": a duration written in words is a reading too
_WORD_DURATION = re.compile(rf"\b({'|'.join(NUMBER_WORDS)})(?=\s+(?:weeks?|days?|months?|hours?|minutes?|years?)\b)", re.I)


def stated_readings(question: str) -> list[Stated]:
    """Each number with a unit the question states, in order (a gas test's bare numbers get the gas's unit)."""
    question = _WORD_DURATION.sub(lambda m: str(NUMBER_WORDS[m.group(1).lower()]), question)
    # "dripping 3-4 drops a minute": a range stated as the reading is judged by its upper end (its two ends are not
    # readings of their own)
    ranges = [(m.start(), _number(m["b"]), canonical_unit(m["unit"]), m) for m in RANGE.finditer(question)]
    found = ranges + [(m.start(), _number(m["n"]), canonical_unit(m["unit"]), m) for m in READING.finditer(question)]
    found += [(m.start(), _number(m["n"]), GAS_UNIT.get(m["gas"].lower(), "ppm"), m)
              for m in GAS_READING.finditer(question)]
    found = [f for f in found if f in ranges or not any(r[3].start() <= f[3].start("n") < r[3].end() for r in ranges)]
    found += [(m.start(), _number(m["n"] or m["m"]), "ratio", m) for m in RATIO_READING.finditer(question)]
    # an index read by its acronym, unless a gas reading already reads that number ("LEL 0" is the gas's % LEL)
    found += [(m.start(), _number(m["n"]), m["index"].upper(), m) for m in INDEX_READING.finditer(question)
              if not any(f[3].re is GAS_READING and f[3].start("n") == m.start("n") for f in found)]
    rates = list(PERCENT.finditer(question))
    if len(rates) != 2:
        return _stated(question, found)
    low, high = sorted(_number(r["n"]) for r in rates)
    against = f"{rates[0].group(0)} against {rates[1].group(0)}"
    metric = METRIC.search(question)  # a performance metric's two groups are compared by their gap, not their ratio
    if metric and not any(f[2] == "pp" for f in found):
        gap = round(high - low, 1)
        return _one_reading(Stated(gap, "pp", f"{against} ({metric.group(0)} gap {gap:g} percentage points)",
                                   _asked_terms(question) | {"gap", metric.group(0).lower()}), question, found)
    if SELECTION.search(question) and not RATIO_READING.search(question) and high > 0:
        ratio = round(low / high, 2)
        return _one_reading(Stated(ratio, "ratio", f"{against} (selection-rate ratio {ratio:g})",
                                   _asked_terms(question) | {"ratio", "selection", "rate"}), question, found)
    return _stated(question, found)


def _one_reading(pair: Stated, question: str, found: list[tuple[int, float, str, re.Match[str]]]) -> list[Stated]:
    """Two rates read as one reading (their gap or ratio), first; the question's other readings after it."""
    return [pair, *_stated(question, [f for f in found if f[2] != "%"])]


def _stated(question: str, found: list[tuple[int, float, str, re.Match[str]]]) -> list[Stated]:
    """The found numbers in order, without a time window's length (see :func:`stated_readings`)."""
    out = []
    previous_end = -1
    for _start, value, unit, m in sorted(found, key=lambda f: f[0]):
        window = unit in TIME_UNITS and (previous_end >= 0 and _WINDOW.fullmatch(question[previous_end:m.start()])
                                         or _PERIOD.search(question[:m.start()]))
        previous_end = m.end()
        if window:  # "6mm over 10 mins", "over the last 7 days": the time measured over, not a reading of its own
            continue
        if unit == "mm" and _SIZE_BEFORE.search(question[:m.start()]) and _SIZE_AFTER.match(question, m.end()):
            continue
        if unit == "per shift" and not re.search(r"\bshifts?\b", _sentence_at(question, m.start()), re.I):
            continue  # "5 false alarms this week": a count, not a rate per shift
        part = next(p for p in re.finditer(r"(?:[^,;:?!.]|[.:](?=\d))+", question)
                    if p.start() <= m.start() < p.end())  # the comma-separated part holding it
        out.append(Stated(value, unit, m.group(0).strip(), _asked_terms(part.group(0)),
                          _lead_word(question[part.start():m.start()])))
    return out


# words before a reading that say how it was read or how exact it is, not what it measures
_LEAD_FILLER = re.compile(r"(?:\s+(?:about|around|roughly|approximately|approx\.?|nearly|almost|some|only|just|"
                          r"at|of|is|are|was|were|now|still|by|to|on))+\s*$", re.I)
_GENERIC_LEAD = frozenset("reading reads read showing shows show measured measuring measure got getting gets value "
                          "level levels result results sample samples".split())


def _lead_word(before: str) -> set[str]:
    """What the reading measures when the word just before it names it ("rejecting" of "operators are rejecting about
    45% of the alerts"); empty after a generic word ("reading 5.2 mm/s")."""
    words = re.findall(r"[\w-]+", _LEAD_FILLER.sub("", " " + before))
    lead = content_terms(words[-1]) if words else set()
    return set() if lead & _GENERIC_LEAD else lead


def _sentence_at(text: str, at: int) -> str:
    """The sentence of ``text`` holding position ``at``."""
    start = max(text.rfind(end, 0, at) for end in ".?!") + 1
    ends = [i for i in (text.find(end, at) for end in ".?!") if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def _asked_terms(question: str) -> set[str]:
    """The question's content words, its slang in the documents' words and its tags written as the documents do."""
    expanded = expand_jargon(question)
    tags = {f"{letters}-{digits}".lower() for letters, _dash, digits, _suffix in LOOSE_IDENTIFIER.findall(expanded)}
    words = {w for w in content_terms(READING.sub(" ", expanded)) if len(w) > 1 and w not in _JUDGING}
    return words | tags


def _bands_for(row: LimitRow, unit: str, asked: set[str]) -> list[Band]:
    """The row's bands in ``unit``; in a row stating limits for several things (CL-006 V-7: entry, then hot work),
    only the clauses about the asked thing."""
    bands = [b for b in row.bands if b.unit == unit]
    if sum(b.accepting for b in bands) < 2:
        return bands
    shared = [len(shared_terms(asked, content_terms(b.clause))) for b in bands]
    return [b for b, n in zip(bands, shared, strict=True) if n == max(shared)] if max(shared) else bands


def _verdict(value: float, said: str, bands: list[Band]) -> tuple[str, tuple[object, ...]]:
    """The sentence placing the reading, and what decides it (rows with the same signature agree)."""
    accepted = [b for b in bands if b.accepting]
    actions = [b for b in bands if not b.accepting]
    inside = [b for b in actions if b.holds(value)]
    open_up = [b for b in inside if b.high is None and b.low is not None]  # "> 500 ppm", "Action level: 0.25"
    capped = [b for b in inside if b.low is None and b.high is not None]  # "zone B up to 2.8", "zone C up to 4.5"
    inside = [b for b in inside if b not in open_up and b not in capped] + \
        ([max(open_up, key=lambda b: b.low)] if open_up else []) + ([min(capped, key=lambda b: b.high)] if capped else [])
    ahead = [b for b in actions if b.low is not None and value < b.low]  # the next alarm or trip not reached yet
    parts = []
    ok = any(b.holds(value) for b in accepted) if accepted else None
    if accepted:
        parts.append(f"{'within' if ok else 'outside'} the accepted \"{accepted[0].clause}\"")
    parts += [f"in the band \"{b.clause}\"" for b in inside]
    nearest = min(ahead, key=lambda b: b.low or 0) if ahead and (ok is False or inside) else None
    if nearest is not None:
        parts.append(f"not yet at \"{nearest.clause}\"")
    signature = (ok, tuple((b.low, b.high) for b in [*accepted[:1], *inside, *([nearest] if nearest else [])]))
    return (f"**{said}** is " + ", ".join(parts) if parts and (accepted or inside) else "", signature)


def quote_row(row: LimitRow) -> str:
    """The limit row as a one-row Markdown table under its header."""
    return quote_rows([row])


def quote_rows(rows: list[LimitRow]) -> str:
    """Limit rows of one table as a Markdown table under the first row's header."""
    return markdown_table(rows[0].header, [row.cells for row in rows])


@dataclass(frozen=True)
class Placed:
    """One stated reading placed in its limit row: the answer line, the row, and whether it is within the row's
    accepted band (None when the row states only alarm or action bands)."""

    line: str
    row: LimitRow
    accepted: bool | None
    reached: str = ""  # the level column whose figure the reading reached ("Watch level"), for a threshold table


_DAYS = {"h": 1 / 24, "d": 1.0, "wk": 7.0}  # a time unit's length in days


def _in_limit_unit(value: float, unit: str, rows: list[LimitRow]) -> tuple[float, str]:
    """A duration in the time unit of the limits when none is in its own ("10 days of shadow mode" against "at least
    4 weeks"); any other reading as stated."""
    if unit not in _DAYS or any(b.unit == unit for row in rows for b in row.bands):
        return value, unit
    other = next((b.unit for row in rows for b in row.bands if b.unit in _DAYS), None)
    return (round(value * _DAYS[unit] / _DAYS[other], 2), other) if other else (value, unit)


def _measured_words(row: LimitRow) -> set[str]:
    """The words of what a limit row measures: its cells without their asides ("Share of alerts acknowledged with a
    recorded decision (accept or reject)" measures acknowledging, not rejecting); the label keeps its own ("Oxygen
    (O2)")."""
    return _words(" ".join([row.cells[0], *(re.sub(r"\([^()]*\)", " ", c) for c in row.cells[1:])]))


def placed_readings(sources: list[Citation], question: str) -> list[Placed] | None:
    """Each stated reading placed in its limit row's bands; None (the model answers) when a reading has no row, the
    rows sharing most words with the question place it differently, or the question asks for no judgement."""
    readings = stated_readings(question)
    if not readings or not ASKS_JUDGEMENT.search(question):
        return None
    rows = limit_rows(sources)
    asked = _asked_terms(question)
    out: list[Placed] = []
    for reading in readings:
        value, unit, said = reading.value, reading.unit, reading.said
        value, unit = _in_limit_unit(value, unit, rows)
        fits = [((len(shared_terms(reading.lead, _measured_words(row))), len(shared_terms(reading.near, row.words)),
                  len(shared_terms(asked, row.words)), bool(row.header),
                  len(shared_terms(asked, _words(f"{row.source.title} {row.source.section}"))),
                  len(shared_terms(asked, _words(row.source.text)))),
                 row) for row in rows if any(b.unit == unit for b in row.bands)]
        if unit in TIME_UNITS and (not fits or max(score for score, _ in fits)[:2] == (0, 0)):
            continue  # "a 10 min job", "over the last 7 days": a duration no limit row is about is context, not a reading
        if not fits or max(score for score, _ in fits)[:3] == (0, 0, 0) and len(fits) > 1:
            return None  # no row for the unit, or none of several is about the asked thing
        best = max(score for score, _ in fits)
        if best[:2] == (0, 0) and sum(r.unit == reading.unit for r in readings) > 1:
            continue  # "water 700 ppm, iron 40 ppm": iron's reading is not the water row's (no row names iron)
        verdicts = [(_verdict(value, said, _bands_for(row, unit, asked)), row) for score, row in fits if score == best]
        if len({signature for (_text, signature), _row in verdicts}) > 1 or not verdicts[0][0][0]:
            return None
        (text, signature), row = verdicts[0]
        where = row.label if row.header else "in its words"
        out.append(Placed(f"- {text} ({row.source.title}, {where}) [{row.source.marker}]", row, signature[0],
                          _reached(row, unit, value)))
    return out or None


def _reached(row: LimitRow, unit: str, value: float) -> str:
    """The highest level column of a threshold row ("Watch level | Action level") whose figure ``value`` reaches."""
    levels = [b for b in row.bands if b.unit == unit and b.low is not None and b.high is None and value >= b.low
              and any(b.clause.startswith(f"{column}: ") for column in row.header[1:] if LEVEL_COLUMN.search(column))]
    return max(levels, key=lambda b: b.low or 0).clause.split(":")[0] if levels else ""


def _level_sentence(placed: Placed) -> str:
    """The sentence of the row's source saying what reaching its level means ("A watch level creates a ticket for
    the model owner to review within 5 working days."), cited; empty when none names the level."""
    level = placed.reached.lower()
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", placed.row.source.text):
        if level and level in sentence.lower() and not sentence.lstrip().startswith("|"):
            return f"{placed.reached}: \"{sentence.strip()}\" [{placed.row.source.marker}]"
    return ""


def reading_answer(sources: list[Citation], question: str) -> str | None:
    """Each stated reading placed in its limit row's bands, with the row quoted (see :func:`placed_readings`)."""
    placed = placed_readings(sources, question)
    if not placed:
        return None
    quoted: dict[tuple[int, tuple[str, ...]], list[LimitRow]] = {}  # rows of one table quoted together; sentences in the line
    for p in placed:
        rows = quoted.setdefault((p.row.source.marker, tuple(p.row.header)), [])
        if p.row.header and p.row not in rows:
            rows.append(p.row)
    tables = [f"{quote_rows(rows)} [{rows[0].source.marker}]" for rows in quoted.values() if rows]
    meaning = list(dict.fromkeys(s for p in placed if p.reached and (s := _level_sentence(p))))
    outside = [p for p in placed if p.accepted is False]
    # several readings with one outside its accepted band: that one decides, so it leads ("6 ppm H2S" of a gas test)
    lead = ("**No.** " if _ASKS_YES_NO.search(question) else "") + "**Not within the documented limits:** " + "; ".join(
        f"{p.line.split('**')[1]} ({p.row.label})" for p in outside) + "\n\n" if outside and len(placed) > 1 else ""
    return lead + "Your reading against the documented limits:\n" + "\n".join(p.line for p in placed) + \
        "".join(f"\n\n{t}" for t in tables) + ("\n\n" + "\n".join(f"- {m}" for m in meaning) if meaning else "")


def limit_queries(question: str) -> list[tuple[str, str]]:
    """(unit, search query) for each stated reading of a question asking for a judgement: the reading's words and
    its unit, to find the limit row or sentence when the search on the whole question missed it ("4 drops a
    minute, is that acceptable": the seal SOP's run-in leakage limit)."""
    if not ASKS_JUDGEMENT.search(question):
        return []
    return [(r.unit, f"{' '.join(sorted(r.near))} {r.unit} limit acceptable") for r in stated_readings(question)]


def pin_limit_rows(sources: list[Citation], search: Callable[[str], list[Hit]], question: str) -> list[Citation]:
    """For each reading of :func:`limit_queries` whose unit no shown source gives a limit for (or, for one of several
    readings in one unit, no limit row naming what it measures), its query is searched
    (only then: most questions show their limit row already) and the first hit stating a band in that unit and
    sharing a word with the question takes the last source's place (comes after it when only one is shown)."""
    asked = _asked_terms(question)
    slot = len(sources) - 1
    readings = stated_readings(question)
    for (unit, query), reading in zip(limit_queries(question), readings if ASKS_JUDGEMENT.search(question) else [],
                                      strict=False):
        same_unit = sum(r.unit == unit for r in readings) > 1  # "water 700 ppm, iron 40 ppm": each needs its own row
        if any(b.unit == unit and (not same_unit or shared_terms(reading.near, row.words))
               for row in limit_rows(sources) for b in row.bands):
            continue
        for h in search(query):
            shown = next((i for i, c in enumerate(sources) if c.chunk_id == h.chunk.id), None)
            # one source shown (or none left to give way): the limit row comes after it, numbered next
            marker = sources[slot].marker if slot >= 1 else max((c.marker for c in sources), default=0) + 1
            cite = Citation.from_chunk(sources[shown].marker if shown is not None else marker, h.chunk)
            # of several readings in one unit, the row must name this one's thing ("iron 75 ppm": not a water row)
            if not any(b.unit == unit for row in limit_rows([cite]) for b in row.bands
                       if shared_terms(reading.near if same_unit else asked, row.words)):
                continue
            if shown is not None:  # shown, but trimmed to other rows by the context budget: its whole text back
                sources = [*sources[:shown], sources[shown].model_copy(update={"text": h.chunk.text}),
                           *sources[shown + 1:]]
                break
            sources = [*sources[:slot], cite, *sources[slot + 1:]] if slot >= 1 else [*sources, cite]
            slot -= 1
            break
    return sources
