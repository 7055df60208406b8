"""Do the retrieved sources hold what is asked? The asked attribute and entity, checked in the sources.

Dense similarity does not separate "the documents say" from "they don't" here (a purchase price
question about C-301 retrieves C-301's manual with a high score). So the question's asked attribute
(price, vendor, serial number, a live reading ...) and its entity (an asset tag or code) are looked
for in the sources' text. When the entity is covered but the attribute is not, the answer says what
the documents do cover and who to ask, instead of letting the model guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.agents.figure_quote import figure_gap
from copilot.agents.figures import FRAMEWORK_ITEM, asset_clauses, logical_lines
from copilot.agents.places import named_in, named_sites, places_in
from copilot.agents.reading_check import stated_readings
from copilot.identifiers import identifiers, normalise_dashes
from copilot.tables.planner import EVENT_DATE_COLUMN
from copilot.types import Citation

# a live value: asked outright ("current reading", "live data"), or a moment named together with a question for a
# measured value ("what was the P-101 motor current at 03:00 last night"). A moment alone is a situation being
# described ("slow building pressure this morning (E-245)", "what stage is Riverside in right now"), not a reading.
_MOMENT = r"(?:right now|at the moment|now|at \d{1,2}:\d{2}|last night|yesterday|this morning|today)"
_MEASURE = r"(?:reading|value|vibration|temperature|temp|pressure|flow|speed|load|level|current|amps?|rpm)"
_LIVE_READING = (rf"\b(?:currently reading|current (?:reading|value|vibration|temperature|pressure|flow|speed|load)|"
                 rf"live (?:value|reading|data)|today'?s (?:reading|value)|what is .{{0,30}} reading now)\b|"
                 rf"\A(?=[\s\S]*\b{_MOMENT}\b)(?=[\s\S]*\b(?:what|how (?:high|hot|much|fast|many))(?:'s|s)?\b"
                 rf"[^?.(\n]{{0,40}}\b{_MEASURE}\b|[\s\S]*\bhow (?:hot|warm|cold|fast|loud)\b)")  # "(": a note the search added

# attribute -> (how a question asks for it, what a source that gives it contains, who to ask)
ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    "price": (r"\b(price|prices|cost(?:s|ed)?(?! (?:us |me |them )?(?:the )?(?:most |more |least )?(?:hours|downtime|time|"
              r"production|uptime)\b)|how much (?:did|does|do|was|is|will) .{0,40}\b(?:cost|pay|paid)|paid|"
              r"purchase value|budget(?:ed|s)?|invoice|quotation)\b",
              r"[$€£]|\b(?:price|cost|costs|eur|usd|gbp|budget|invoice)\b", "purchasing or finance"),
    "vendor": (r"\b((?:which|what|who(?:'s| is| was)?)\b[^?.]{0,30}\b(?:vendor|supplier|distributor|reseller)|"
               r"(?:vendor|supplier|distributor)(?:'s)? (?:name|contact)|supplied by|bought from|purchased from|"
               r"contractor name|(?:which company|who) (?:supplied|sold|installed))\b",
               r"\b(?:vendor|supplier|supplied by|distributor)\b", "purchasing"),
    "serial number": (r"\bserial(?: number| no\.?)?\b", r"\bserial\b", "the asset records owner"),
    "warranty": (r"\bwarrant(?:y|ies)\b|\bguarantee\b", r"\bwarrant(?:y|ies)\b|\bguarantee\b", "purchasing"),
    "purchase date": (r"\b(?:when was .{0,40}\b(?:bought|purchased|ordered)|purchase date|date of purchase)\b",
                      r"\b(?:purchase(?:d)?|bought|ordered)\b", "purchasing"),
    "live reading": (_LIVE_READING, r"(?!x)x", "the control room (HMI or historian)"),
    "contact details": (r"\b(?:phone|telephone|mobile) (?:number|no\.?)\b|\be-?mail(?: address)?\b(?! alerts?| notifications?)",
                     r"\b(?:phone|tel\.?|mobile|@)\b|\bextension \d+", "the site directory"),
    "headcount": (r"\bhow many (?:people|staff|employees|technicians|operators) (?:work|are employed)\b|\bheadcount\b",
                  r"\b(?:headcount|employees)\b", "HR"),
    "salary": (r"\b(?:salary|salaries|pay (?:band|grade|scale|rate)|wage|wages|hourly rate|compensation)\b",
               r"\b(?:salary|salaries|pay (?:band|grade|scale)|wage|wages)\b", "HR"),
    "person's name": (r"\b(?:name of (?:the|our|their) (?:\w+ ){0,3}(?:manager|engineer|supervisor|chair|officer|owner|"
                      r"lead|head|director|champion|technician|electrician)|(?:manager|engineer|supervisor|chair|officer|"
                      r"director|champion)(?:'s)? name|who exactly is|name and (?:e-?mail|phone|number|contact)|"
                      r"name please|(?:his|her|their) name|\(name\)|"
                      # the person holding a role at a named place ("who's the site champion at riverside?")
                      r"who(?:'s| is| are)\s+(?:the|our)\s+(?:[\w-]+\s+){0,2}(?:manager|engineer|supervisor|chair|"
                      r"officer|owner|lead|head|director|champion|sponsor|coordinator)s?\s+(?:at|in)\s+(?:the\s+)?"
                      r"(?!(?:this|that|these|those|each|every|our|your|an?|case|charge)\b)[a-z]+(?:\s+(?:works|bay|site|plant))?"
                      r"\s*(?:[?,.;]|$))",
                      r"\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z][a-z]+|\b[A-Z]\. [A-Z][a-z]{2,}\b", "the site directory"),
    # "did legal already clear it", "has the review board formally signed off the copilot yet": a record of a decision
    # taken, which only a dated decision in a source gives (the checklists say how to decide, not what was decided)
    "recorded decision": (r"\b(?:did|has|have|had)\b[^?.]{0,60}\b(?:already|formally|officially|ever)\b[^?.]{0,30}"
                          r"\b(?:clear(?:ed)?|approv\w*|sign(?:ed)? (?:it |this |that )?off|decid\w*|confirm\w*|"
                          r"accept\w*|reject\w*)\b|\b(?:signed|sign) (?:it |this |that )?off\b[^?.]{0,40}\byet\b|"
                          r"\b(?:approved|cleared|decided)\b[^?.]{0,40}\byet\b|"
                          r"\b(?:date|reference|number) of the (?:\w+ )?decision record\b|"
                          r"\b(?:has|have|did)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:AIRB|(?:AI )?(?:review|governance) board|legal|committee|"
                          r"gate chair|works council)\b[^?.]{0,30}\b(?:approv|clear|sign|decid|confirm|accept|reject)\w*",
                          r"\b(?:approved|cleared|signed off|confirmed|rejected|decided)\b[^.\n|]{0,60}\b(?:on|in)\s+"
                          r"(?:\d{1,2}\s+[A-Z][a-z]+\s+)?(?:19|20)\d\d\b",
                          "the AI Review Board secretary (the AI inventory holds the decision records)"),
    "contact person": (r"\b(?:account manager|sales (?:rep|representative|contact)|contact person|who(?:'s| is) our "
                       r"(?:contact|rep)|their (?:phone |mobile )?number)\b",
                       r"\b(?:account manager|sales (?:rep|representative|contact)|contact person|tel\.?|phone)\b",
                       "purchasing or the site directory"),
}
# measured values: asked about an asset, the value must stand next to it (same chunk; in a table, the same row)
_NUM = r"\d+(?:[.,]\d+)?\s?"
QUANTITIES: dict[str, tuple[str, str]] = {
    "full-load current": (r"\b(?:full[- ]load (?:current|amps?)|FL[AC]|current draw|amperage|rated current|how many amps)\b",
                          rf"\bFL[AC]\b|\b{_NUM}A\b|\bamps?\b|\b(?:rated|full[- ]load) current\b"),
    "torque": (r"\btorque\b|\btighten(?:ing)? (?:torque|value)\b|\bN ?m\b",
               rf"\btorque|\b{_NUM}N[·.]?m\b"),
    "quantity": (r"\bhow much (?:oil|grease|lubricant|coolant|refrigerant)\b|"
                 r"\b(?:oil|fill|sump|grease) (?:capacity|quantity|volume)\b",
                 rf"\b{_NUM}(?:L|l|litres?|liters?|ml|kg|g)\b|\bquantity\b"),
}
# a request to act (raise a work order) is not a question the documents must answer
ACTION_REQUEST = re.compile(r"\b(?:create|raise|open|log|make|book|submit|draft)\b.{0,30}\b(?:work[- ]?order|WO|ticket|"
                            r"job|request|decision record)\b", re.I)
_ASKED = {name: re.compile(q, re.I) for name, (q, _s, _w) in ATTRIBUTES.items()}
_GIVEN = {name: re.compile(s, re.I) for name, (_q, s, _w) in ATTRIBUTES.items()}
_ASKED_QTY = {name: re.compile(q, re.I) for name, (q, _s) in QUANTITIES.items()}
_GIVEN_QTY = {name: re.compile(s) for name, (_q, s) in QUANTITIES.items()}


@dataclass
class Coverage:
    """``covered`` False means: answer with :attr:`message`, not with a model draft."""

    covered: bool
    attribute: str | None = None
    entity: str | None = None
    message: str = ""


def asked_attribute(question: str) -> str | None:
    """The attribute the question asks of its entity (price, vendor, live reading ...), or None. A question that
    states its own readings ("PSI ... is 0.18 ... 5 false alarms last night shift, what level are each of those")
    asks where they stand, not for a live reading."""
    for name, pattern in _ASKED.items():
        if pattern.search(question) and not (name == "live reading" and stated_readings(question)):
            return name
    return None


def asked_quantity(question: str) -> str | None:
    for name, pattern in _ASKED_QTY.items():
        if pattern.search(question):
            return name
    return None


def _names(text: str, entity: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(entity)}(?![\w-])", normalise_dashes(text)) is not None


def _mentions(c: Citation, entity: str) -> bool:
    return _names(f"{c.title} {c.section} {c.doc_id} {c.text}", entity)


def _near(c: Citation, entities: list[str]) -> str:
    """The part of a source that speaks about ``entities``: a table's rows that name one (with its
    header); in prose, the clauses about one of them or about no asset at all ("GB-401: ... Foot bolts M20,
    370 N·m" gives no torque for GB-402, named in the next bullet)."""
    if c.row is not None:
        return c.text
    lines = logical_lines(c.text)
    table = sum(line.lstrip().startswith("|") for line in lines) >= 3
    out: list[str] = []
    for line in lines:
        if line.lstrip().startswith("|"):
            if not table or any(_names(line, e) for e in entities):
                out.append(line)
        else:
            out.extend(clause for clause, tags in asset_clauses(line) if not tags or set(tags) & set(entities))
    return "\n".join(out)


# "what payback did the Marlow Bay redesign actually deliver": a result achieved, asked for a place the sources name
ASKS_RESULT = re.compile(r"\b(?:actually|really|in the end|so far|to date|in practice)\b[^?.]{0,20}\b(?:deliver|achiev|"
                         r"sav|return|yield|produc|gain|pa(?:id|y) back)\w*|\bwhat (?:\w+ ){0,4}(?:did|has|have) [^?]{0,80}"
                         r"\b(?:deliver|achieve|save|return|yield)(?:ed)?\b", re.I)
RESULT_MEASURE = re.compile(r"\b(payback|roi|return|saving|benefit|reduction|uptime|downtime|energy)", re.I)
RESULT_GIVEN = re.compile(r"\b(?:delivered|achieved|saved|realised|realized|verified|was reached|reached|gave|yielded)\b",
                          re.I)


def _result_gap(question: str, sources: list[Citation]) -> str | None:
    """The place whose achieved result the question asks when no passage naming that place reports a result with a
    figure ("Payback was reached in month 9" is Halden Works', not Marlow Bay's), else None."""
    if not ASKS_RESULT.search(question):
        return None
    places = named_in(question, {p for c in sources for p in places_in(c.text)})
    if not places:
        return None
    asked = {w.lower() for w in RESULT_MEASURE.findall(question)}

    def reports(sentence: str) -> bool:  # a result with a figure, of the measure asked when one is named
        return bool(RESULT_GIVEN.search(sentence) and re.search(r"\d", sentence)) and \
            (not asked or any(re.search(rf"\b{w}", sentence, re.I) for w in asked))

    for c in sources:
        for para in re.split(r"\n\s*\n", c.text):
            if any(re.search(rf"\b{re.escape(p)}\b", para) for p in places) and \
                    any(reports(s) for s in re.split(r"(?<=[.!?])\s+", para)):
                return None
    return places[0]


def _quantity_gap(question: str, about: list[Citation], entities: list[str]) -> str | None:
    """The measured quantity asked for an asset when no source about the asset gives it, else None."""
    quantity = asked_quantity(question)
    if quantity is None or not entities or not about:
        return None
    if any(_GIVEN_QTY[quantity].search(_near(c, entities)) for c in about):
        return None
    return quantity


# a recorded measurement asked for an asset ("the last megger reading on M-301"): only a record row naming the asset
# with a figure in the measurement's unit gives it (the guide's acceptance limit is no reading)
RECORDED: dict[str, tuple[str, str]] = {
    "insulation resistance": (r"\b(?:megg(?:er|ered|ing)|insulation resistance|IR)\b", r"\d\s?(?:MOhm|MΩ|M\s?ohms?|megohms?)\b"),
    "vibration": (r"\bvib(?:ration)?s?\b", r"\d\s?mm/s\b"),
    "temperature": (r"\btemp(?:erature)?s?\b", r"\d\s?(?:°\s?C|C)\b"),
}
ASKS_RECORDED = re.compile(r"\b(?:last|latest|most recent|previous)\b[^?.]{0,40}\b(?:reading|result|value|measurement|"
                           r"test result)s?\b|\b(?:reading|result|measurement)s?\b[^?.]{0,20}\b(?:last|latest|most recent)\b|"
                           # "when was M-401 last meggered and what did it read"
                           r"\b(?:last|latest)\s+(?:megg(?:ered|ed)|tested|measured)\b[^?]{0,40}\bwhat did it (?:read|show|give)\b",
                           re.I)


def _reading_gap(question: str, sources: list[Citation], entities: list[str]) -> str | None:
    """The kind of recorded measurement asked ("last megger reading") when no record row naming the asked asset
    holds a figure in its unit, else None."""
    if not entities or not ASKS_RECORDED.search(question):
        return None
    kind = next((k for k, (asked, _g) in RECORDED.items() if re.search(asked, question, re.I)), None)
    if kind is None:
        return None
    given = re.compile(RECORDED[kind][1])
    rows = [c for c in sources if c.row is not None and any(_mentions(c, e) for e in entities)]
    return None if any(given.search(c.text) for c in rows) else kind




_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "1st": "1", "2nd": "2", "3rd": "3",
             "4th": "4", "5th": "5"}
_WORDS = {v: k for k, v in _ORDINALS.items() if k.isalpha()}
# "a 2nd year apprentice", "first-year trainees": a person's year of training, not a period of the figures asked
ASKED_PERIOD = re.compile(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th) (year|month|quarter)\b"
                          r"(?![- ](?:apprentices?|students?|trainees?|technicians?|engineers?|fitters?|operators?))|"
                          r"\b(year|month|quarter) ([1-5])\b", re.I)


def asked_periods(question: str) -> list[tuple[str, re.Pattern[str]]]:
    """Periods the question names ("its second year"), each with the pattern of the ways a source writes it
    ("second year", "2nd year", "year 2"). A figure for the first year is not one for the second."""
    out = []
    for m in ASKED_PERIOD.finditer(question):
        n = _ORDINALS[m.group(1).lower()] if m.group(1) else m.group(4)
        unit = (m.group(2) or m.group(3)).lower()
        word, th = _WORDS[n], {"1": "1st", "2": "2nd", "3": "3rd"}.get(n, f"{n}th")
        out.append((f"the {word} {unit}", re.compile(rf"\b(?:{word}|{th}) {unit}|\b{unit} {n}\b", re.I)))
    return out


# "in 2026", "during the year 2025", "in the 2024 readiness assessment" (an event of that year); "the 2026 IR test"
# alone is not asked this way
ASKED_YEAR = re.compile(r"\b(?:in|during|for|throughout|over)\s+(?:the\s+(?:year\s+)?)?((?:19|20)\d{2})\b(?!\s*[-/])",
                        re.I)


# a count of events in a year: only an event record's own date is a record of that year (P-201's register row
# shows its last overhaul in 2022; that is no record of its seal failures in 2022)
ASKS_EVENT_COUNT = re.compile(r"\b(?:how many|number of|count)\b.{0,50}\b(?:failures?|trips?|breakdowns?|faults?|alarms?|"
                              r"work[- ]?orders?|WOs?|jobs?|repairs?|times|leaks?|stoppages?|call-?outs?)\b", re.I)


def _dated_text(c: Citation, events: bool) -> str:
    """The text of ``c`` a year is looked for in: for a count of events, a table row's date fields only."""
    if not events or c.row is None:
        return c.text
    return "\n".join(line for line in c.text.splitlines()
                     if EVENT_DATE_COLUMN.fullmatch(line.split(":", 1)[0].strip()))


def asked_years(question: str) -> list[str]:
    """Calendar years the question asks about ("the 2026 IR test" is not asked this way; "in 2026" is)."""
    return list(dict.fromkeys(m.group(1) for m in ASKED_YEAR.finditer(question)))


def check_coverage(question: str, sources: list[Citation], contact: str, original: str | None = None,
                   about_assets: bool = True) -> Coverage:
    """Whether the sources hold the asked attribute for the asked entity (see module docstring), every code, tag
    or part the user's own words name (``original``: "P-101 showing E-999": no source lists E-999), and the year
    the question asks about ("the IR test in 2026": M-102's records are of 2023 and 2025). With ``about_assets``
    False (governance, readiness) a tag is context, not the subject, and is not looked for."""
    named = identifiers(original or "") if about_assets else []
    # a framework's numbered item ("MEASURE 2.9", "GOVERN 1.2") is named in any question, asset or not; a reading
    # ("PSI 0.27", "ORI 3.1") is not an item
    named += [re.sub(r"\s+", " ", m) for m in FRAMEWORK_ITEM.findall(original or "")]
    unknown = [e for e in named if not any(_mentions(c, e) for c in sources)]
    if unknown and sources and not ACTION_REQUEST.search(original or ""):  # a work order for P-777: flagged there
        return Coverage(False, asked_attribute(question), unknown[0],
                        f"The documents I found do not mention {', '.join(unknown)}, so I cannot say what it is or "
                        f"what to do about it from them. Please check the code or tag, or ask {contact}.")
    coverage = _attribute_coverage(question, sources, contact, about_assets)
    named = [c for c in sources if any(_mentions(c, e) for e in identifiers(question))] or sources
    events = bool(ASKS_EVENT_COUNT.search(question))
    years = [y for y in asked_years(question) if not any(re.search(rf"\b{y}\b", _dated_text(c, events)) for c in named)]
    if coverage.covered and years and sources:
        about = f" for {coverage.entity}" if coverage.entity else ""
        return Coverage(False, coverage.attribute, years[0],
                        f"The documents I found have no record of {' or '.join(years)}{about}, so I cannot answer "
                        f"this from them. What they do cover: {what_they_cover(named)}. Please ask {contact}.")
    gap = figure_gap(sources, original or question) if coverage.covered else None
    if gap is not None:  # "can I torque the cover bolts to 370 same as the feet": 370 N·m is the feet's
        kind, thing, near = gap
        given = "; ".join(f"\"{text}\" [{marker}]" for text, marker in near)
        return Coverage(False, kind, thing, f"The documents I found give no {kind} for the {thing}. What they do give: "
                                            f"{given}. Please ask the maintenance engineer or the manufacturer's manual "
                                            f"(or {contact}).")
    return coverage


def _attribute_coverage(question: str, sources: list[Citation], contact: str, about_assets: bool = True) -> Coverage:
    attribute = asked_attribute(question)
    sites = [s for s in named_sites(question) if not any(_mentions(c, s) for c in sources)]
    sites += [name for name, written in asked_periods(question) if not any(written.search(c.text) for c in sources)]
    sites = list(dict.fromkeys(sites))  # the question and its search rewrite may name the same one
    if sites and sources:  # a site or a period the question names, that no source mentions
        msg = (f"The documents I found do not mention {' or '.join(sites)}, so I cannot answer this from them. "
               f"Please ask {contact}.")
        return Coverage(False, attribute, sites[0], msg)
    if ACTION_REQUEST.search(question) and attribute is None:
        return Coverage(True)
    place = _result_gap(question, sources)
    if place is not None:
        about = [c for c in sources if re.search(rf"\b{re.escape(place)}\b", c.text)]
        return Coverage(False, "result", place, f"The documents do not record what was achieved at {place}. What they "
                                                f"do cover about {place}: {what_they_cover(about)}. Please ask the "
                                                f"use-case owner or the AI CoE value lead (or {contact}).")
    entities = identifiers(question) if about_assets else []
    about = [c for c in sources if any(_mentions(c, e) for e in entities)] if entities else list(sources)
    entity = entities[0] if entities else None
    if entities and sources and not about:
        msg = (f"The documents I found do not mention {', '.join(entities)}, so I cannot answer this from them. "
               f"Please check the tag or ask {contact}.")
        return Coverage(False, attribute, entity, msg)
    reading = _reading_gap(question, sources, entities)
    if reading is not None:
        return _not_covered(f"recorded {reading} reading", ", ".join(entities), about,
                            "the maintenance planner (CMMS records) or Electrical Maintenance", contact)
    if attribute is None:
        attribute = _quantity_gap(question, about, entities)
        if attribute is None:
            return Coverage(True, None, entity)
        return _not_covered(attribute, entity, about, "the maintenance engineer or the manufacturer's manual", contact)
    if any(_GIVEN[attribute].search(c.text) for c in about):
        return Coverage(True, attribute, entity)
    return _not_covered(attribute, entity, about, ATTRIBUTES[attribute][2], contact)


def _not_covered(attribute: str, entity: str | None, about: list[Citation], who: str, contact: str) -> Coverage:
    """What the documents do cover about the entity, and who to ask for the missing attribute."""
    subject = f" for {entity}" if entity else ""
    covered = f" What they do cover{subject}: {what_they_cover(about)}." if about else ""
    msg = (f"The documents do not give the {attribute}{subject}.{covered} "
           f"Please ask {who} (or {contact}).")
    return Coverage(False, attribute, entity, msg)


def what_they_cover(sources: list[Citation], limit: int = 3) -> str:
    """``Title [1][2]; Title [3]``: the documents behind ``sources``, with their markers."""
    by_doc: dict[str, list[int]] = {}
    for c in sources:
        by_doc.setdefault(c.title or c.doc_id, []).append(c.marker)
    return "; ".join(f"{title} {''.join(f'[{m}]' for m in marks)}" for title, marks in list(by_doc.items())[:limit])


def not_stated_message(sources: list[Citation], contact: str) -> str:
    """The abstention when the sources are on the subject but do not state the asked fact."""
    covered = f" They cover: {what_they_cover(sources)}." if sources else ""
    return (f"The documents I found do not state this, so I will not guess.{covered} "
            f"Please check the records or ask {contact}.")
