"""One figure asked for one or more named things, answered by quoting the sentence that gives each.

"Whats the torque on the impeller nut and on the casing bolts?" names two things and one kind of figure. The
1.5B model gave one torque for both, or took "55 N·m" from the coupling spacer's bolts. Here each named thing
gets the one step or sentence of the shown sources that states a figure of the asked kind (N·m for a torque) and
names every word of the thing; it is quoted verbatim and cited. When any named thing has no such sentence, the
model answers as before (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.agents.context_focus import split_units
from copilot.agents.figure_lists import restored_and_unseen
from copilot.agents.lookup import TABLE_LINE
from copilot.agents.procedures import stems
from copilot.identifiers import LOOSE_IDENTIFIER, asset_tag_candidates
from copilot.types import Citation, Hit

_FIGURE = r"\d[\d.,]*\s?"
# the asked kind of figure (one of it, named by its noun) -> how a source writes one
KINDS: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    ("torque", re.compile(r"\btorque\b|\btightening (?:torque|value)\b", re.I), re.compile(_FIGURE + r"N\s?·?\s?m\b")),
    ("clearance", re.compile(r"\b(?:clearance|gap|end ?float|run-?out)\b", re.I), re.compile(_FIGURE + r"mm(?![\w/])")),
    ("oil quantity", re.compile(r"\b(?:oil (?:quantity|volume|capacity|fill)|how much oil)\b", re.I),
     re.compile(_FIGURE + r"L\b")),
]
# "the torque on the impeller nut and on the casing bolts": what follows the kind's noun, up to the question's end;
# "can I torque the cover bolts to 370": the thing between the verb and the figure
_OBJECTS = re.compile(r"^\s*(?:value\s+|setting\s+|spec\s+)?(?:on|for|of|to use on|to use for)\s+(?P<things>[^?;.!]+)|"
                      r"^\s+(?P<thing>(?:the|my|our|those|these)\s+[^?;.!]+?)\s+(?:up )?to\s+\d", re.I)
_AND = re.compile(r"\s*(?:,|\band\b|&|\+)\s*(?:(?:on|for|of)\s+)?", re.I)
_FILLER = re.compile(r"^(?:the|a|an|our|my|this|that|those|these)\s+", re.I)
# "the casing bolts on p101 when it goes back together": the thing ends where a clause about the job begins
_CLAUSE = re.compile(r"\s+(?:when|after|before|during|while|if|once|because|so that|as part of|for the (?:job|seal job|"
                     r"overhaul|rebuild))\b.*$", re.I)


@dataclass(frozen=True)
class Asked:
    kind: str  # "torque"
    unit: re.Pattern[str]
    things: list[str]  # as the question names them ("impeller nut", "casing bolts")


def asked_figure(question: str) -> Asked | None:
    """The kind of figure and the things it is asked for; None when the question asks for no single kind of figure
    of named things (a set of figures, "the torques", is :mod:`figure_lists`' job)."""
    for kind, noun, unit in KINDS:
        m = noun.search(question)
        if m is None:
            continue
        objects = _OBJECTS.match(question[m.end():])
        if objects is None:
            return None
        named = objects["things"] or objects["thing"]
        things = [_FILLER.sub("", _CLAUSE.sub("", t.strip())) for t in _AND.split(_CLAUSE.sub("", named)) if t.strip()]
        things = [t for t in things if _thing_stems(t)]
        return Asked(kind, unit, things) if things else None
    return None


def _thing_stems(thing: str) -> set[str]:
    """The words naming the thing; its asset tags are left to the ranking (a step rarely repeats P-101)."""
    return stems(LOOSE_IDENTIFIER.sub(" ", thing))


def _units(c: Citation) -> list[str]:
    units = (re.sub(r"^(?:\s*\.\.\.\s*)+|(?:\s*\.\.\.\s*)+$", "", u) for u in split_units(c.text))  # "...": cut
    return [u for u in units if u and not TABLE_LINE.match(u)]


def sentence_for(sources: list[Citation], unit: re.Pattern[str], thing: str, question: str) -> tuple[str, int] | None:
    """The step or sentence of ``sources`` that states a figure written as ``unit`` and names every word of
    ``thing``, with its source marker: of several, the one naming the question's asset tags and sharing most words
    with the question (then the better-ranked source)."""
    wanted = _thing_stems(thing)
    tags = set(asset_tag_candidates(question))
    asked = stems(question)
    found = [(bool(tags & set(asset_tag_candidates(u))), len(asked & stems(u)), -c.marker, u, c.marker)
             for c in sources for u in _units(c) if unit.search(u) and wanted <= stems(u)]
    if not found:
        return None
    *_score, text, marker = max(found)
    return _shortened(text.strip(), unit, wanted), marker


def _shortened(text: str, unit: re.Pattern[str], wanted: set[str]) -> str:
    """A long paragraph cut to its subject ("- GB-401: ...") and the sentences stating the figure."""
    sentences = re.split(r"(?<=[.;])\s+(?=[A-Z])", text)
    if len(sentences) <= 2:
        return text
    keep = [s for s in sentences[1:] if unit.search(s)]
    head = sentences[0] if not unit.search(sentences[0]) else ""
    lead = head.split(":")[0] + ": ..." if ":" in head and wanted <= stems(" ".join([head.split(":")[0], *keep])) else ""
    return " ".join([lead or sentences[0], *keep]) if keep and (lead or wanted <= stems(" ".join(keep))) else text


def figure_quote(sources: list[Citation], question: str) -> str | None:
    """Each named thing with the sentence stating its figure, quoted and cited; None when one has none."""
    asked = asked_figure(question)
    if asked is None:
        return None
    lines = []
    for thing in asked.things:
        found = sentence_for(sources, asked.unit, thing, question)
        if found is None:
            return None
        text, marker = found
        lines.append(f"- **{thing}:** \"{text}\" [{marker}]")
    return "In the documents' words:\n" + "\n".join(lines)


def figure_gap(sources: list[Citation], question: str, limit: int = 3) -> tuple[str, str, list[tuple[str, int]]] | None:
    """(kind, thing, what the sources do state) for the first named thing no shown sentence gives the asked figure
    for ("the torque for the inspection cover bolts": only the foot bolts' 370 N·m is stated), when the sources state
    that kind of figure for something; None when every thing has its sentence or the question asks no such figure."""
    asked = asked_figure(question)
    if asked is None:
        return None
    for thing in asked.things:
        if sentence_for(sources, asked.unit, thing, question) is None:
            near = [(_shortened(u.strip(), asked.unit, set()), c.marker) for c in sources for u in _units(c)
                    if asked.unit.search(u) and _thing_stems(thing) & stems(u)]
            return (asked.kind, thing, near[:limit]) if near else None
    return None


def pin_asked_figure(sources: list[Citation], hits: list[Hit], question: str) -> list[Citation]:
    """For a figure asked for named things: a source whose chunk (trimmed by the context budget) states a thing's
    figure gets its full text back, and a passage among ``hits`` stating a figure no shown source states takes the
    last source's place (one per thing, the first thing's last)."""
    asked = asked_figure(question)
    if asked is None or not sources:
        return sources

    def count(text: str) -> int:
        probe = [Citation(marker=0, chunk_id="", doc_id="", title="", text=text)]
        return sum(sentence_for(probe, asked.unit, t, question) is not None for t in asked.things)

    unseen = restored_and_unseen(sources, hits, count)
    slot = len(sources) - 1
    for thing in asked.things:
        if sentence_for(sources, asked.unit, thing, question) is not None or slot < 1:
            continue
        found = sentence_for(unseen, asked.unit, thing, question)
        if found is not None:
            cite = next(c for c in unseen if c.marker == found[1] and sentence_for([c], asked.unit, thing, question))
            cite.marker = sources[slot].marker
            sources = [*sources[:slot], cite, *sources[slot + 1:]]
            slot -= 1
    return sources
