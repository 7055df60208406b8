"""No figure without a source: the deterministic check of every answer sentence.

A sentence whose numbers (with units), prices, dates, codes or asset tags are not in the text of the
source it cites is not shown: when another shown source holds every figure, the sentence is re-cited
to that source; otherwise it is withheld and counted. Figures the user wrote in the question are not
claims. :class:`ClaimGate` applies the same check while an answer streams (a sentence is shown only
once it is complete and checked) and stops an answer that loops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.agents.answerability import FRAME_WORDS, content_terms, shared_terms
from copilot.agents.asset_register import part_parents
from copilot.agents.citations import MARKER, source_header
from copilot.agents.comparison_check import STATED, contradicts_reading, false_comparison
from copilot.agents.figures import (
    FIGURE_CLAUSE,
    Figure,
    FigurePool,
    asset_clauses,
    extract,
    logical_lines,
)
from copilot.agents.places import places_in
from copilot.agents.reading_check import stated_readings
from copilot.agents.row_binding import (
    cell_grids,
    cell_items,
    false_extreme,
    item_named_instead,
    other_rows_word,
    row_named_instead,
    wrong_column,
    wrong_list_item,
    wrong_row,
)
from copilot.identifiers import asset_tag_candidates, fault_codes, identifiers
from copilot.types import Citation, WithheldClaim
from copilot.words import MONTH_PATTERN, NUMBER_WORDS

# a full stop after an abbreviation ("Art. 50", "e.g. a pump") ends no sentence ("No." does: it answers)
_ABBREVIATION = "".join(rf"(?<!\b{a}\.)" for a in ("Art", "art", "Nr", "cf", "vs", "Fig", "Sec", "Para", "approx",
                                                    "e.g", "i.e", "incl", "resp", "Rev", "rev"))
_BOUNDARY = re.compile(rf"(?<=[.!?]){_ABBREVIATION}[ \t]+(?=\S)|\n+")
_NOISE = re.compile(r"[\W\d_]+")
_LIST_NUMBER = re.compile(r"\s*\d{1,2}[.)]")


def split_sentences(text: str) -> list[tuple[str, str]]:
    """(sentence, separator after it) pairs; joining them gives ``text`` back."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if _LIST_NUMBER.fullmatch(text[pos:m.start()]) and "\n" not in m.group(0):
            continue  # "1. The tier is ...": the item's number and its text are one sentence (withheld together)
        out.append((text[pos:m.start()], m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], ""))
    return out


class ClaimChecker:
    """Checks sentences against numbered sources; ``question`` figures are the user's own."""

    def __init__(self, sources: list[Citation], question: str = "") -> None:
        self.sources = {c.marker: c for c in sources}
        entities = identifiers(question)
        # a spreadsheet row about another asset cannot support a figure about the asked one (wrong row); asked for a
        # part ("the CV-402 drive motor", noted M-402), the parent's own rows (its pulley bearings) are another asset's
        parents = part_parents(question)
        on_rows = [e for e in entities if e not in parents] if parents else entities
        usable = [c for c in sources if c.row is None or not on_rows or any(e in c.text for e in on_rows)]
        tags = asset_tag_candidates(question)
        # a section's number ("2. Stage 1: Assess > 2.3 Key activities") is not a figure the section states
        self.pools = {c.marker: FigurePool.of([c.title, _SECTION_NUMBER.sub(" ", c.section or ""), c.doc_id,
                                               _about(c.text, tags, entities)]) for c in usable}
        # each clause of each source with the assets it names (see _asset_binding)
        self.named_clauses = [(set(tags), FigurePool.of([cl])) for c in sources for cl, tags in asset_clauses(c.text)
                              if tags]
        # clauses naming no asset: a figure one of them holds is general ("3.2 Wait 15 minutes after opening the
        # breaker"), not another asset's
        self.general = FigurePool.of([cl for c in sources for cl, tags in asset_clauses(c.text) if not tags])
        # every logical line of every source with its figures, for _other_topic (built once, not per sentence)
        self.lines = [(c, line, FigurePool.of([line])) for c in sources for line in logical_lines(c.text)]
        self.in_rows = FigurePool.of([c.text for c in sources if c.row is not None])
        self.text_pools = [(c, FigurePool.of([c.text])) for c in sources]  # each source's own figures, for _other_record
        self.asked = {f.key for f in extract(question, min_bare=0)} | {
            ("code", f.value, "") for f in extract(question) if f.kind == "code"}
        self.grids = cell_grids([c.text for c in sources])  # word cells of every table, for other_rows_word
        self.question_terms = content_terms(question)
        # the words of the question's asks, without the context stated before them ("crew going into WW-101 tomorrow
        # to dig out silt. ... how often do we retest"): the objects a figure may be asked for, for _other_topic
        self.ask_terms = content_terms(" ".join(asks)) if (asks := _ask_sentences(question)) else self.question_terms
        # the places the sources name ("at Halden Works", "at Marlow Bay"), for _other_place
        self.places = {p for c in sources for p in places_in(c.text)}
        # the readings the user states, with their unit as the figure check writes it, for contradicts_reading
        self.readings = [(r.value, unit, r.near) for r in stated_readings(question)
                         for unit in {f.unit for f in extract(r.said, min_bare=0) if f.unit}]
        # "how many AIRB members ...": the things counted, for _unsourced_count
        counted = _ASKS_COUNT.search(question)
        self.counted = rf"{re.escape(counted['noun'][:-1])}s?\b" if counted else None
        self.asks_finer = bool(_ASKS_FINER.search(question))  # "what month", "which day": a year does not answer it
        self.question_text = question
        self.withheld: list[WithheldClaim] = []

    def claims(self, sentence: str) -> list[Figure]:
        text = MARKER.sub("", sentence)
        return [f for f in extract(text) if f.key not in self.asked]

    def states(self, sentence: str) -> bool:
        """Whether the sentence claims something checkable: a figure, or one number compared with another."""
        return bool(self.claims(sentence)) or bool(STATED.search(MARKER.sub("", sentence)))

    def check(self, sentence: str) -> str | None:
        """The sentence to show (possibly re-cited), or None when it is withheld."""
        if _LEADING_MARKERS.match(sentence) and MARKER.sub("", sentence).strip():  # "[2] The tier is ...": cite at the end
            lead = sentence[:len(sentence) - len(sentence.lstrip())]
            marks = [int(n) for m in MARKER.finditer(sentence) for n in m.group(1).split(",")]
            sentence = lead + _recite(MARKER.sub("", sentence).strip(), list(dict.fromkeys(marks)))
        blank = PLACEHOLDER.search(sentence) or self._title_as_answer(sentence) or self._header_fragment(sentence)
        if blank:  # "approved on [date]": a template, not an answer
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[blank.group(0)]))
            return None
        kind = _wrong_kind(MARKER.sub("", sentence))
        if kind:  # "the part number for the new bearings is GB-601": GB-601 is the gearbox's asset tag
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[kind],
                                               reason="wrong_kind"))
            return None
        wrong = false_comparison(MARKER.sub("", sentence))
        if wrong:  # "2.2, which is above the threshold of 3.0": the arithmetic says otherwise
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[wrong],
                                               reason="false_comparison"))
            return None
        count = self._unsourced_count(MARKER.sub("", sentence))
        if count:  # "3 AIRB members need to be present" for "how many AIRB members ...": no source counts them
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[count]))
            return None
        vague = self._year_for_finer(MARKER.sub("", sentence))
        if vague:  # "what month is it due?" answered "in 2026": the year is sourced, the month asked is not
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[vague]))
            return None
        contradicted = contradicts_reading(MARKER.sub("", sentence), self.readings)
        if contradicted:  # "the iron level is above 100 ppm" of the user's "iron 75 ppm"
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[contradicted],
                                               reason="false_comparison"))
            return None
        extreme = false_extreme(MARKER.sub("", sentence), self.grids)
        if extreme:  # "the weakest area is Data (1.8)": Measurement is 1.7
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[extreme],
                                               reason="false_comparison"))
            return None
        swapped = other_rows_word(MARKER.sub("", sentence), self.grids)
        if swapped:  # "Riverside is in the Align stage": Align is another row's cell (the table says Assess)
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=[swapped],
                                               reason="wrong_row"))
            return None
        claims = self.claims(sentence)
        bound = {f.key: self._asset_binding(sentence, f) for f in claims}
        other = {f.key for f in claims if self._other_topic(sentence, f) or self._other_place(sentence, f)
                 or self._other_gas(sentence, f) or self._deadline_as_period(sentence, f)
                 or self._other_record(sentence, f)}
        figures = [f for f in claims if not bound[f.key] or f.key in other]
        if not figures:
            return sentence
        cited = [int(n) for m in MARKER.finditer(sentence) for n in m.group(1).split(",")]
        cited = [n for n in cited if n in self.pools]
        misread = [f for f in figures if bound[f.key] is False or f.key in other or self._misread(sentence, f)]
        if misread:
            self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(),
                                               figures=[f.raw or f.value for f in misread], cited=cited,
                                               reason="wrong_row"))
            return self._row_instead(sentence, misread)
        if cited and all(any(self.pools[n].supports(f) for n in cited) for f in figures):
            return sentence
        support = {n: sum(p.supports(f) for f in figures) for n, p in self.pools.items()}
        if all(any(p.supports(f) for p in self.pools.values()) for f in figures):
            ranked = sorted((n for n, s in support.items() if s), key=lambda n: (-support[n], n))
            need, chosen = set(range(len(figures))), []
            for n in ranked:
                covers = {i for i, f in enumerate(figures) if self.pools[n].supports(f)}
                if covers & need:
                    chosen.append(n)
                    need -= covers
            return _recite(sentence, sorted(chosen))
        missing = [f.raw or f.value for f in figures if not any(p.supports(f) for p in self.pools.values())]
        self.withheld.append(WithheldClaim(sentence=MARKER.sub("", sentence).strip(), figures=missing,
                                           cited=cited))
        return None

    def _unsourced_count(self, sentence: str) -> str | None:
        """The count a sentence gives for the things a "how many <things>" question asks about, as written, when no
        source writes that number (digits or word) within three words before one of those things ("3 AIRB members"
        when no document gives a quorum); None otherwise. Bare small numbers escape the figure check: this is it."""
        if self.counted is None:
            return None
        m = re.search(rf"(?<![\w.])(?P<n>\d{{1,3}}|{_COUNT_WORDS})\s+(?:[\w-]+\s+){{0,2}}?{self.counted}", sentence, re.I)
        if m is None:
            return None
        n = m["n"].lower()
        forms = {n, str(NUMBER_WORDS[n])} if n in NUMBER_WORDS else {n, *(w for w, v in NUMBER_WORDS.items() if str(v) == n)}
        said = "|".join(re.escape(f) for f in forms)
        held = any(re.search(rf"(?<![\w.])(?:{said})\s+(?:[\w-]+\s+){{0,3}}?{self.counted}", c.text, re.I)
                   for c in self.sources.values())
        return None if held else m.group(0)

    def _year_for_finer(self, sentence: str) -> str | None:
        """A year given where the question asks for a month or a day ("what month is the upgrade scheduled to be
        finished?" -> "in 2026"), the sentence naming no month: the asked precision is not answered."""
        if not self.asks_finer or _MONTH_NAMED.search(sentence):
            return None
        year = re.search(r"\b(?:19|20)\d{2}\b", sentence)
        return year.group(0) if year and year.group(0) not in self.question_text else None

    def _title_as_answer(self, sentence: str) -> re.Match[str] | None:
        """"The function that covers incident tracking is [4] Plant Copilot User Guide - ...": a source's marker and
        title standing where the answer belongs."""
        m = _MARKER_THEN_TITLE.search(sentence)
        source = self.sources.get(int(m.group(1))) if m else None
        title = (source.title or source.doc_id) if source else ""
        return m if m and title and m.group(2).lower().startswith(title[:20].lower()) else None

    def _header_fragment(self, sentence: str) -> re.Match[str] | None:
        """A piece of a source's title and heading standing as a sentence ("What it can help with > The three
        assistants (rev B)."): the model copied a source label, it states nothing."""
        plain = re.sub(r"\s+", " ", MARKER.sub("", sentence)).strip(" .")
        if len(plain) < 12:
            return None
        heads = [re.sub(r"\s+", " ", source_header(c)).lower() for c in self.sources.values()]
        return re.match(r".+", plain) if any(plain.lower() in h for h in heads) else None

    def _asset_binding(self, sentence: str, fig: Figure) -> bool | None:
        """Whether the sources give ``fig`` for the assets the sentence's own clause names: True ("150 N·m on
        P-101/P-102" copied from the procedure is true whatever the question asked), False (the sources give it
        only for other assets: "on P-101 the nut takes 95 N·m" when 95 N·m is P-201's), None (the clause names no
        asset, or no source ties the figure to one)."""
        for clause in FIGURE_CLAUSE.split(MARKER.sub("", sentence)):
            named = set(asset_tag_candidates(clause))
            if named and FigurePool.of([clause]).supports(fig):
                holders = [tags for tags, pool in self.named_clauses if pool.supports(fig)]
                if any(named & tags for tags in holders):
                    return True
                return False if holders and not self.general.supports(fig) else None
        return None

    def _other_topic(self, sentence: str, fig: Figure) -> bool:
        """Every passage that holds ``fig`` is about something else than the sentence that gives it: "the fire watch
        is 47 seconds" when 47 s is only "one full belt revolution of CV-401 takes about 47 s". Judged on the
        sentence's clause when it has three or more content words ("tighten it to 95 N·m" says too little), and only
        against prose: table rows and records name their subject in a header or a field name the sentence rarely repeats."""
        text = MARKER.sub("", sentence)
        clause = next((c for c in _TOPIC_CLAUSE.split(text) if FigurePool.of([c]).supports(fig)), text)
        tag_parts = {t for tag in identifiers(clause) for t in content_terms(tag)}  # "CV-401" says which asset, not what
        words = {w for w in content_terms(clause) if not any(ch.isdigit() for ch in w)} - _UNIT_WORDS - tag_parts
        if len(words) < 3:
            return False
        holders = [(c, line) for c, line, pool in self.lines if pool.supports(fig)]
        if holders and all("|" in line for _c, line in holders) and not self.in_rows.supports(fig):
            # only table rows hold it: the cell items that give it ("logs kept at least 6 months" of the high-risk
            # row) must share a word with the sentence ("registered in the EU database ... within 6 months")
            return not any(shared_terms(words, content_terms(item)) for _c, line in holders
                           for item in cell_items(line, fig))
        if self.in_rows.supports(fig) or any("|" in line or _FIELD.match(line) for _c, line in holders):
            return False  # a record holds it, or prose too: the row binding judges those
        # the asked object the figure is given for, in the question's words just before the figure ("the casing
        # bolts is 55 N·m" of "the torque on the impeller nut and on the casing bolts"): a passage holding the figure
        # for another object ("coupling spacer ... bolts at 55 N·m") shares a word, but not half of those
        before = clause[:clause.find(fig.raw)] if fig.raw and fig.raw in clause else clause
        asked = shared_terms(content_terms(" ".join(before.split()[-OBJECT_WORDS:])) - tag_parts, self.ask_terms)
        # a passage sharing two of the asked words with the clause is about the asked thing ("the fire watch has to
        # hang around for at least 60 minutes": fire, watch), whatever slang precedes the figure; words framing the
        # figure do not count ("the minimum shadow-mode period" and "Minimum baseline period" share only the frame)
        return bool(holders) and not any(
            shared_terms(words, held) and (len(asked) < 2 or 2 * len(shared_terms(asked, held)) >= len(asked)
                                           or len(shared_terms(shared_terms(words, held), self.ask_terms)
                                                  - FRAME_WORDS) >= 2)
            for held in (content_terms(f"{c.title} {c.section} {line}") for c, line in holders))

    def _other_record(self, sentence: str, fig: Figure) -> bool:
        """A code only spreadsheet rows hold, given for a thing none of those rows names: "the model of the light
        curtain is POCV-32" when POCV-32 is the part number of HP-501's pilot-operated check valve cartridge."""
        if fig.kind != "code":
            return False
        holders = [c for c, pool in self.text_pools if pool.supports(fig)]
        if not holders or any(c.row is None for c in holders):
            return False
        text = MARKER.sub("", sentence)
        clause = next((c for c in _TOPIC_CLAUSE.split(text) if FigurePool.of([c]).supports(fig)), text)
        words = {w for w in content_terms(clause.replace(fig.raw, " ")) if not any(ch.isdigit() for ch in w)} - \
            _RECORD_WORDS - {t for tag in identifiers(clause) for t in content_terms(tag)}
        # "the oil grade for G-001 is HP-500D": the rows hold it as a model, and an oil grade is no field's code
        fields = {name for c in holders for line in c.text.splitlines() for name, _, value in [line.partition(":")]
                  if value and FigurePool.of([value]).supports(fig)}
        asked = words & _NO_RECORD_CODE
        if asked and not any(shared_terms(asked, content_terms(f.replace("_", " "))) for f in fields):
            return True
        return bool(words) and not any(shared_terms(words, content_terms(c.text.replace("_", " "))) for c in holders)

    def _other_place(self, sentence: str, fig: Figure) -> bool:
        """The sentence gives ``fig`` for a place the sources name, and every passage holding it is about another
        place: "the acoustic leak detection at Marlow Bay delivered EUR 612,000" when 612,000 is the Halden Works
        detector's net benefit. Prose only (a table names its places in the header)."""
        named = [p for p in self.places if re.search(rf"\b{re.escape(p)}\b", MARKER.sub("", sentence))]
        if not named:
            return False
        holders = [(c, line) for c, line, pool in self.lines if pool.supports(fig)]
        if not holders or any("|" in line or _FIELD.match(line) for _c, line in holders):
            return False
        # the line, or else the passage it is in, names the place ("A detector ... at Halden Works cost ...; three-year
        # net benefit ... EUR 612,000")
        return not any(p in f"{c.title} {c.section} {line}" for p in named for c, line in holders) and \
            all(any(p in f"{c.title} {c.section} {c.text}" for p in self.places - set(named)) for c, _line in holders)

    def _other_gas(self, sentence: str, fig: Figure) -> bool:
        """The sentence gives ``fig`` for one gas and every source clause holding it names another: "Oxygen
        concentration: 0 ppm" when the record reads "H2S 0 ppm, O2 20.9 %". Clauses are a line's parts between
        commas and semicolons; a clause naming no gas says nothing either way."""
        said = _gases(MARKER.sub("", sentence))
        if len(said) != 1:
            return False
        named = [_gases(clause) for _c, line, pool in self.lines if pool.supports(fig)
                 for clause in re.split(r"[;,]|\band\b", line) if FigurePool.of([clause]).supports(fig)]
        named = [g for g in named if g]
        return bool(named) and not any(said & g for g in named)

    def _row_instead(self, sentence: str, misread: list[Figure]) -> str | None:
        """What the source says instead of a sentence that took its figure from the wrong table row or listed item:
        the row or item the sentence is about, quoted with its source ("AI literacy ... from 2 August 2025" -> the 2
        February 2025 row). None when the sentence names no one row or item."""
        plain = MARKER.sub("", sentence)
        found = {(n, row) for f in misread for n, p in self.pools.items() if p.supports(f)
                 for row in [row_named_instead(plain, f, self.sources[n].text) or
                             item_named_instead(plain, f, self.sources[n].text)] if row}
        if len(found) != 1:
            return None
        (n, row), = found
        lead = _LIST_LEAD.match(sentence).group(0)  # the indent and list number stay
        return f'{lead}What the source says: "{row}" [{n}].'

    def _deadline_as_period(self, sentence: str, fig: Figure) -> bool:
        """The sentence repeats ``fig`` as a period ("re-review it every 30 days") where every source gives it as a
        deadline or a duration ("Major findings must be closed within 30 days"): a once-off limit is not a cycle."""
        if not fig.unit or not fig.raw or not _PERIOD_BEFORE.search(MARKER.sub("", sentence).split(fig.raw)[0]):
            return False
        held = [line for _c, line, pool in self.lines if pool.supports(fig)]
        return bool(held) and not any(_PERIOD_BEFORE.search(before) or _PERIODIC_AFTER.match(after)
                                      for line in held for before, after in _around(line, fig))

    def _misread(self, sentence: str, fig: Figure) -> bool:
        """Every source holding ``fig`` holds it in a table row other than the one the sentence is about."""
        holding = [n for n, p in self.pools.items() if p.supports(fig)]
        plain = MARKER.sub("", sentence)
        return bool(holding) and all(wrong_row(plain, fig, self.sources[n].text) or
                                     wrong_list_item(plain, fig, self.sources[n].text) or
                                     wrong_column(plain, fig, self.sources[n].text) for n in holding)




_ASKS_COUNT = re.compile(r"\bhow many (?:[\w-]+ ){0,2}?(?P<noun>[a-z]{3,}s)\b(?! (?:of|per)\b)", re.I)
_COUNT_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_ASKS_FINER = re.compile(r"\b(?:what|which) (?:month|day|date|week)\b|\bexact date\b|\bwhat day\b", re.I)
# a month named (the figure reader's month names), a quarter, or an ISO year-month
_MONTH_NAMED = re.compile(rf"\b(?:{MONTH_PATTERN}|q[1-4]|quarter|(?:19|20)\d{{2}}-\d{{2}})\b",
                          re.I)
_LIST_LEAD = re.compile(r"\s*(?:(?:\d{1,2}[.)]|[-*•])\s+)?")

_GASES = {"oxygen": re.compile(r"\b(?:oxygen|O2)\b", re.I),
          "hydrogen sulphide": re.compile(r"\b(?:H2S|hydrogen sulph?fide|hydrogen sulfide)\b", re.I),
          "carbon monoxide": re.compile(r"\b(?:CO|carbon monoxide)\b"),
          "flammable gas": re.compile(r"\b(?:flammable|LEL|methane)\b", re.I),
          "chlorine": re.compile(r"\b(?:chlorine|Cl2)\b", re.I)}


# "every 30 days", "each 6 months", "once per 12 months": a figure given as a period (the words just before it)
_PERIOD_BEFORE = re.compile(r"\b(?:every|each|once (?:a|per|in|every)|per)\s*(?:\w+\s+)?$", re.I)
_PERIODIC_AFTER = re.compile(r"\s*(?:intervals?|cycles?|-?\s*monthly|-?\s*weekly|-?\s*yearly)\b", re.I)


def _around(line: str, fig: Figure) -> list[tuple[str, str]]:
    """(the words before, the text after) each place ``line`` writes ``fig``."""
    out = []
    for m in re.finditer(r"\d[\d,.]*", line):
        if FigurePool.of([line[m.start():m.start() + len(fig.raw) + 8]]).supports(fig):
            out.append((line[max(0, m.start() - 30):m.start()], line[m.end():]))
    return out


_SECTION_NUMBER = re.compile(r"(?:^|(?<=> ))\s*\d+(?:\.\d+)*\.?(?=\s)")
# a part number stated as a code: "the part number ... is GB-601", "stores code: E-204"
_PART_CLAIM = re.compile(r"\b(?:part|stores|stock|catalogue|spare|order|item) (?:number|no\.?|code|id)s?\b[^.;]{0,60}?"
                         r"\b(?:is|are|was|:|=)\s*\**(?P<code>[A-Z][A-Z0-9]*-[A-Z0-9-]+)", re.I)


def _wrong_kind(sentence: str) -> str | None:
    """The code a sentence gives as a part number when it is an asset tag or an alarm code, else None."""
    m = _PART_CLAIM.search(sentence)
    if m is None:
        return None
    code = m["code"].upper()
    return code if asset_tag_candidates(code) == [code] or fault_codes(code) == [code] else None


def _gases(text: str) -> set[str]:
    """The gases ``text`` names (a gas test's quantities are told apart by the gas, not by the unit)."""
    return {name for name, pattern in _GASES.items() if pattern.search(text)}


def _family(tag: str) -> str:
    return tag.split("-", 1)[0]


# a blank the model left to fill: "[date]", "[number]", "[insert name]", "<value>", "XX.X"
PLACEHOLDER = re.compile(r"\[(?:date|number|name|value|amount|figure|time|year|insert[^\]]{0,30}|tbd|x+|n)\]|"
                         r"\[(?:the |his |her |their |current )?(?:name|e-?mail|date|phone|contact|number)\b[^\]\d]{0,40}\]|"
                         r"<(?:date|number|name|value)>|\bX{2,}(?:\.X+)?\b|"
                         # a source marker standing where the date belongs: "the last review was conducted on [2]"
                         r"\b(?:conducted|held|done|due|approved|signed|reviewed|completed|scheduled|dated|expires?|"
                         r"expired|issued|published)\s+(?:(?!(?:on|by|at|in|for)\b)[\w-]+\s+){0,6}(?:on|by|at|in|for)\s+"
                         r"\[\d+\](?:\s*\[\d+\])*(?=\s*(?:and\b|[.,;]|$))|"
                         # a marker standing where the answer belongs: "the function that covers incident tracking is [4]."
                         r"\b(?:is|are|was|were|be|called|named)\s+\[\d+(?:,\s*\d+)*\](?=\s*(?:[.;]|$))", re.I)
# "... is [4] Plant Copilot User Guide", "the next meeting is scheduled for [3] [EU AI Act Risk-Triage ...]"
_MARKER_THEN_TITLE = re.compile(r"\b(?:is|are|was|were|be|called|named|(?:scheduled|held|due|set|planned|booked|fixed)\s+"
                                r"(?:for|on|at|in))\s+\[(\d+)\]\s+\[?(.{10,})", re.I)
OBJECT_WORDS = 6  # the words before a figure that name what it is given for
_ASKING = re.compile(r"\?|^\W*(?:what|whats|which|how|when|where|who|why|can|could|is|are|do|does|should|must|will|"
                     r"would|tell|give|list|show)\b", re.I)


def _ask_sentences(question: str) -> list[str]:
    """The question's sentences that ask (a question mark, or a question word first), not the ones stating context."""
    return [s for s in re.split(r"(?<=[.!?])\s+", question) if _ASKING.search(s)]
_TOPIC_CLAUSE = re.compile(r"[;]\s+|,\s+(?:and|but|while)\s+|\s+(?:and then|whereas)\s+")
_FIELD = re.compile(r"^\s*[a-z][a-z0-9_ ]{0,40}:\s")  # "quantity: 18 L", a record's field
# words naming a code's kind, not the thing it belongs to ("the model of the light curtain is ...")
_RECORD_WORDS = frozenset("model part number code type spare order ordering reference ref manufacturer maker make "
                          "stock stores item id".split())
# what a record's code never is unless its field says so (an oil grade, a price, a serial number)
_NO_RECORD_CODE = frozenset("oil grease lubricant lube viscosity grade price cost serial".split())
_UNIT_WORDS = frozenset("mm m s min minute minutes h hour hours day days week weeks month months year years bar kw nm "
                        "g kg l litre litres percent ppm".split())
_LEADING_MARKERS = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]")


def _about(text: str, tags: list[str], asked: list[str]) -> str:
    """``text`` without the lines that name another asset of the asked kind and nothing asked
    ("95 N·m on P-201 and P-601" cannot support a figure asked for P-101)."""
    if not tags:
        return text
    families = {_family(t) for t in tags}
    kept = []
    # a wrapped paragraph is one line (its asset may be named on another); "150 N·m on P-101/P-102, 95 N·m on
    # P-201" is two clauses, each figure with its own assets
    for line, named in asset_clauses(text):
        if any(a in named or a in identifiers(line) for a in asked):
            kept.append(line)
            continue
        if not any(_family(n) in families for n in named):
            kept.append(line)
    return "\n".join(kept)


# "According to [2], the checklist requires ...": with its marker moved to the end, the phrase is left dangling
_DANGLING = re.compile(r"^(\s*(?:\d{1,2}[.)]\s+)?)(?:according to|as (?:stated|shown|given|described|set out) in|as per|"
                       r"per|see)\s*,\s*(\w)", re.I)


def _recite(sentence: str, markers: list[int]) -> str:
    bare = re.sub(r"\s+([.!?:;])", r"\1", MARKER.sub("", sentence)).rstrip()
    bare = _DANGLING.sub(lambda m: m.group(1) + m.group(2).upper(), bare)
    tag = "".join(f"[{n}]" for n in markers)
    if bare and bare[-1] in ".!?:;":
        return f"{bare[:-1]} {tag}{bare[-1]}"
    return f"{bare} {tag}"


@dataclass
class ClaimReport:
    text: str
    withheld: list[WithheldClaim] = field(default_factory=list)
    central_withheld: bool = False


def check_text(text: str, sources: list[Citation], question: str = "") -> ClaimReport:
    """Check every sentence of ``text``; the answer's central claim is its first sentence with figures."""
    checker = ClaimChecker(sources, question)
    kept: list[str] = []
    central: bool | None = None
    for sentence, sep in split_sentences(text):
        if _marker_run(sentence):
            continue
        has_claims = checker.states(sentence)
        shown = checker.check(sentence)
        if has_claims and central is None:
            central = shown is None
        if shown is not None:
            kept.append(shown + sep)
    out = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
    return ClaimReport(out, checker.withheld, bool(central) or (bool(checker.withheld) and not out))


NEAR_REPEAT_WORDS = 8
MARKER_RUN = 4  # a line of this many source markers and no words is a loop ("[3] [3] [3] [3] ...")


def _norm(sentence: str) -> str:
    return _NOISE.sub(" ", MARKER.sub("", sentence).lower()).strip()


def _marker_run(text: str) -> bool:
    """Markers and nothing else, at least :data:`MARKER_RUN` of them."""
    return not _norm(text) and len(MARKER.findall(text)) >= MARKER_RUN


class ClaimGate:
    """Streaming filter: shows a sentence only when it is complete and checked, drops repeated
    sentences and sets ``looping`` when the model repeats itself (the caller stops generating)."""

    def __init__(self, checker: ClaimChecker, *, max_repeats: int = 2, max_sentence_chars: int = 700) -> None:
        self.checker = checker
        self.buf = ""
        self.seen: dict[str, int] = {}
        self.max_repeats = max_repeats
        self.max_sentence_chars = max_sentence_chars
        self.looping = False
        self.shown: list[str] = []
        self.first_claim: bool | None = None

    def _repeat_of(self, key: str) -> str:
        """``key``, or the key of a sentence seen before that holds every word of it (8 words or more): "The system
        is high-risk because ..." after "The AI system is high-risk (route A) because ..." is a loop too, while
        "check the oil level in the compressor ..." after "... in the gearbox ..." says something new."""
        words = set(key.split())
        if len(words) < NEAR_REPEAT_WORDS:
            return key
        return next((seen for seen in self.seen if words <= set(seen.split())), key)

    def _release(self, sentence: str, sep: str) -> str:
        if _marker_run(sentence):
            self.looping = True
            return ""
        key = self._repeat_of(_norm(sentence))
        if key and len(key) > 12:
            self.seen[key] = self.seen.get(key, 0) + 1
            if self.seen[key] > 1:
                if self.seen[key] > self.max_repeats:
                    self.looping = True
                return ""
        has_claims = self.checker.states(sentence)
        shown = self.checker.check(sentence)
        if has_claims and self.first_claim is None:
            self.first_claim = shown is None
        if shown is None:
            return ""
        self.shown.append(shown + sep)
        return shown + sep

    def feed(self, piece: str) -> str:
        if self.looping:
            return ""
        self.buf += piece
        parts = split_sentences(self.buf)
        complete, self.buf = (parts, "") if parts and parts[-1][1] else (parts[:-1], parts[-1][0] if parts else "")
        out = "".join(self._release(s, sep) for s, sep in complete if not self.looping)
        if self.looping:  # stopped on a repeat: the start of the next sentence is not shown either
            self.buf = ""
            return out
        if len(self.buf) > self.max_sentence_chars and _repeats_inside(self.buf):
            self.buf = _trim_repetition(self.buf)
            self.looping = True
        elif _marker_run(self.buf):  # markers with no words in between: nothing more is coming
            self.buf = ""
            self.looping = True
        return out

    def flush(self) -> str:
        tail, self.buf = self.buf, ""
        return self._release(tail, "") if tail.strip() else ""

    @property
    def text(self) -> str:
        return re.sub(r"\n{3,}", "\n\n", "".join(self.shown)).strip()


def _repeats_inside(text: str, size: int = 40, times: int = 3) -> bool:
    tail = text[-size:]
    return len(tail) == size and text.count(tail) >= times


def _trim_repetition(text: str, size: int = 40) -> str:
    tail = text[-size:]
    first = text.find(tail)
    cut = text[: first + size]
    return cut.rsplit(",", 1)[0].rstrip() + " ..."
