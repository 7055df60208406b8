"""Questions that ask for a set of figures, or a named set of items, are answered by quoting the source.

"Fitting a new seal - what are the torques, in order?" or "what are the gas test limits before entry?"
ask for several figures of one kind. A small model picks one of them, or the wrong one ("pH 6-9"). Here the
section that states them is found and every step or table that gives such a figure is quoted verbatim and
cited: no figure is re-typed, dropped or merged. "List the five steps of our pilot-to-production process"
asks for a named set: the table that enumerates it (first column "Step", five rows) is quoted whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from copilot.agents.citations import source_header
from copilot.agents.lookup import TABLE_LINE
from copilot.agents.procedures import ITEM, stems, steps
from copilot.types import Citation, Hit
from copilot.words import NUMBER_WORDS

_FIGURE = r"\d[\d.,]*\s?"
# a plural quantity the question asks for -> how a source writes one of them
# (the asked words, how one such figure is written, whether a step must also name what the question is about:
# "the torques" are the N·m figures of a section; "the vibration limits" are not every figure near the word limit)
QUANTITIES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"\btorques\b|\btightening (?:torques|values)\b", re.I), re.compile(_FIGURE + r"N\s?·?\s?m\b")),
    (re.compile(r"\btemperatures\b", re.I), re.compile(_FIGURE + r"°\s?C\b")),
    (re.compile(r"\bpressures\b", re.I), re.compile(_FIGURE + r"bar\b")),
    (re.compile(r"\b(?:clearances|gaps|tolerances)\b", re.I), re.compile(_FIGURE + r"mm(?![\w/])")),  # not mm/s
    (re.compile(r"\b(?:limits|thresholds|set ?points|settings|acceptance criteria)\b|"
                r"\bgas (?:readings|levels|tests?|test results|values)\b|\breadings (?:do (?:we|i) need|needed|required)\b",
                re.I),
     re.compile(_FIGURE + r"(?:%|ppm|mm/s|mm|bar|°\s?C|N\s?·?\s?m|kW|A|V|MΩ|MOhm|L|h|min|s)(?![\w/])")),
]
DOC_TYPES = ("sop", "manual", "troubleshooting")  # where a section states figures (not records or tables)
MIN_FIGURES = 2  # a set: one figure is an ordinary lookup, answered as one


@dataclass
class FigureList:
    """The quoted lines (steps, or a table with its lead-in) of one source that give the asked figures."""

    cite: Citation
    lines: list[str]
    is_table: bool


def asked_quantity(question: str) -> re.Pattern[str] | None:
    """How the figures the question asks for are written ("N·m" for "the torques"), or None."""
    return next((unit for asked, unit in QUANTITIES if asked.search(question)), None)


def _tables(text: str) -> list[tuple[str, list[str]]]:
    """Each Markdown table of ``text`` with the non-empty line just before it (its lead-in)."""
    out: list[tuple[str, list[str]]] = []
    lead, rows = "", []
    for line in text.splitlines():
        if TABLE_LINE.match(line):
            rows.append(line.strip())
            continue
        if rows:
            out.append((lead, rows))
            rows = []
        if line.strip():
            lead = line.strip()
    if rows:
        out.append((lead, rows))
    return out


def figure_list(cite: Citation, question: str, unit: re.Pattern[str]) -> FigureList | None:
    """The table whose lead-in and header share words with the question and give the figures, else the steps
    of ``cite`` that state such a figure; None below :data:`MIN_FIGURES`."""
    asked = stems(question)
    about = asked - stems(" ".join(m.group(0) for asked_re, _u in QUANTITIES for m in asked_re.finditer(question)))
    for lead, rows in _tables(cite.text):
        lead = lead if lead.endswith(":") else ""  # "... within these limits:", not the paragraph before
        figures = [r for r in rows[2:] if unit.search(r)]
        named = [r for r in figures if about & stems(r)]  # "the vibration limits": the vibration row only
        if len(figures) >= MIN_FIGURES and (named or asked & stems(f"{lead} {rows[0]}")):
            return FigureList(cite, ([lead] if lead else []) + rows[:2] + (named or rows[2:]), is_table=True)
    generic = unit is QUANTITIES[-1][1]
    found = [s for s in steps(cite.text, ITEM)
             if unit.search(s) and not TABLE_LINE.match(s) and (not generic or about & stems(s))]
    return FigureList(cite, found, is_table=False) if len(found) >= MIN_FIGURES else None


def best_figure_list(sources: list[Citation], question: str) -> FigureList | None:
    """The source that best answers a question asking for a set of figures: most words shared with the
    question (section heading counted three times), then most figures, then the better rank."""
    unit = asked_quantity(question)
    if unit is None:
        return None
    asked = stems(question)
    lists = [f for f in (figure_list(c, question, unit) for c in sources) if f is not None]
    if not lists:
        return None

    def score(f: FigureList) -> tuple[int, int, int]:
        shared = 3 * len(asked & stems(f.cite.section)) + len(asked & stems(" ".join(f.lines)))
        return shared, len(f.lines), -f.cite.marker

    return max(lists, key=score)


ASKS_SET = re.compile(r"\b(?:list|name|what are|which are|give me|tell me)\b[^?]{0,80}?\bthe "
                      r"(?:(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten) )?(?:\w+ ){0,2}"
                      r"(steps|stages|phases|dimensions|gates|pillars|levels|functions)\b", re.I)


def named_set(sources: list[Citation], question: str) -> FigureList | None:
    """The table that enumerates the set the question names ("the five steps of ..."): its first column is the
    set's noun (Step, Stage, ...), it has as many rows as the question says (two or more when it gives no
    number), and its source shares a word with the question beyond the noun; None otherwise."""
    m = ASKS_SET.search(question)
    if m is None:
        return None
    count = m.group(1)
    wanted = None if count is None else int(count) if count.isdigit() else NUMBER_WORDS[count.lower()]
    noun = m.group(2).lower().rstrip("s")
    about = stems(question) - stems(m.group(2))
    for cite in sources:
        for lead, rows in _tables(cite.text):
            body = [r for r in rows[2:] if r.strip("| ")]
            first = rows[0].strip("| ").split("|")[0].strip().lower()
            fits = len(body) == wanted if wanted else len(body) >= 2
            if first.rstrip("s") == noun and fits and about & stems(f"{cite.title} {cite.section} {lead} {cite.text}"):
                return FigureList(cite, rows, is_table=True)
    return None


def render_figure_list(found: FigureList) -> str:
    head = f"**{source_header(found.cite)}** [{found.cite.marker}]"
    body = "\n".join(found.lines) if found.is_table else "\n".join(f"- {line}" for line in found.lines)
    return f"{head}\n{body}"


def restored_and_unseen(sources: list[Citation], hits: list[Hit], count: Callable[[str], int]) -> list[Citation]:
    """Give each source its chunk's full text back when that holds more of what ``count`` counts (the context
    budget trimmed it); return the hits not shown, as citations that would take the last source's place."""
    chunks = {h.chunk.id: h.chunk for h in hits}
    for c in sources:
        chunk = chunks.get(c.chunk_id)
        if chunk is not None and count(chunk.text) > count(c.text):
            c.text = chunk.text
    shown = {c.chunk_id for c in sources}
    return [Citation.from_chunk(sources[-1].marker, h.chunk) for h in hits if h.chunk.id not in shown]


def pin_figures(sources: list[Citation], hits: list[Hit], question: str) -> list[Citation]:
    """For a question asking for a set of figures: every source gets its chunk's full text back when the context
    budget trimmed some of those figures away, and the passage among ``hits`` (which may hold other sections of
    the documents) that lists the most of them replaces the last source when it is not shown."""
    unit = asked_quantity(question)
    if unit is None or not sources:
        return sources
    unseen = restored_and_unseen(sources, hits, lambda text: len(unit.findall(text)))
    best = best_figure_list([*sources, *unseen], question)
    if best is not None and best.cite.chunk_id in {c.chunk_id for c in unseen}:
        sources = [*sources[:-1], best.cite]
    return sources


def pin_named_set(sources: list[Citation], hits: list[Hit], question: str) -> list[Citation]:
    """For a question naming a set ("the five steps of ..."): a source whose (trimmed) text lost rows of a table
    its chunk holds gets the chunk's full text back, and the passage among ``hits`` (which may hold other
    sections of the document) with the table that enumerates the set replaces the last source when none shows it."""
    if not ASKS_SET.search(question) or not sources:
        return sources
    unseen = restored_and_unseen(sources, hits, lambda text: sum(len(rows) for _lead, rows in _tables(text)))
    if named_set(sources, question) is not None:
        return sources
    found = named_set(unseen, question)
    return [*sources[:-1], found.cite] if found is not None else sources
