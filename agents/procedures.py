"""Procedure answers quoted from the procedure: its numbered steps, in order, never rewritten."""

from __future__ import annotations

import re

from copilot.agents.citations import source_header
from copilot.types import Citation, Hit

STEP = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|\d+[.)]|[a-z][.)])\s+\S")


# a numbered step or a bullet point: the units a guide states its rules in ("- Never jumper the thermistor")
ITEM = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|\d+[.)]|[a-z][.)]|[-*])\s+\S")


def steps(text: str, start: re.Pattern[str] = STEP) -> list[str]:
    """The numbered steps of ``text`` as written (continuation lines joined to their step); ``start=ITEM``
    takes bullet points too."""
    out: list[str] = []
    open_step = False  # a bullet after the numbered steps ends the last one ("- Oil trapped under the POCV ...")
    for line in text.splitlines():
        if start.match(line):
            out.append(line.strip())
            open_step = True
        elif open_step and line.strip() and not line.lstrip().startswith(("#", "|")):
            if start is STEP and ITEM.match(line):
                open_step = False
            else:
                out[-1] += " " + line.strip()
        elif line.lstrip().startswith("#") and out:
            break
    return out


_WORD = re.compile(r"[a-z]{4,}")
# numbered sections that are not the steps of a task (definitions, scope, roles, parts lists, training, records)
NOT_STEPS = re.compile(r"definition|purpose|scope|revision|parts|tools|training|records|related|responsibilit|roles|"
                       r"who may", re.I)
_SKIP = frozenset("what when where which with from that this they them have does should would could there about "
                  "before after safely safe steps step procedure".split())


# how people say what a procedure's headings say: "get the lock off" is its removal, "he's gone home" an abandoned lock
_INFORMAL = ((re.compile(r"\b(?:get|take|cut|pull)\s+(?:\w+\s+){0,2}off\b|\bunlock\b", re.I), "removal"),
             (re.compile(r"\b(?:gone|went)\s+home|\bleft\s+(?:the\s+)?(?:site|plant|for the day)|\boff\s+shift\b|"
                         r"\bon\s+(?:holiday|leave)\b|\bcan'?t\s+(?:be\s+)?(?:found|reached|find)", re.I), "abandoned"),
             # "how do i make the press safe to swap the element": its isolation of stored energy
             (re.compile(r"\bmake\s+(?:\w+\s+){0,3}safe\b|\bsafe\s+to\s+(?:work|swap|open|change|enter)", re.I),
              "isolate isolation energy"))


def in_procedure_words(question: str) -> str:
    """``question`` with the words a procedure heading uses for its informal phrases appended."""
    extra = [word for pattern, word in _INFORMAL if pattern.search(question)]
    return " ".join([question, *extra])


def stems(text: str) -> set[str]:
    """Five-letter stems of the content words of ``text`` (question words and procedure filler left out)."""
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _SKIP}


def procedure_source(sources: list[Citation], question: str = "", min_steps: int = 3) -> Citation | None:
    """The procedure (SOP) source with at least ``min_steps`` numbered steps whose section heading and
    steps share most words with the question (ties: the better-ranked source)."""
    candidates = [c for c in sources if is_procedure(c) and len(steps(c.text)) >= min_steps]
    candidates = [c for c in candidates if not NOT_STEPS.search(c.section)] or candidates
    if not candidates:
        return None
    asked = stems(in_procedure_words(question))

    def score(c: Citation) -> tuple[int, int]:  # the guide of the asked machine ("the press") before a general SOP
        return 3 * len(asked & stems(c.section)) + 2 * len(asked & stems(c.title)) + len(asked & stems(c.text)), -c.marker

    best = max(candidates, key=score)
    # "whats the proper way to train [the belt]": the LOTO "Training and audits" heading shares one word, the belt
    # guide's "Belt runs off to one side" heading two: a guide section named better than any procedure answers it
    guides = [len(asked & stems(c.section)) for c in sources if not is_procedure(c)]
    return None if max(guides, default=0) > len(asked & stems(best.section)) else best


# a guide's own numbered sequence: "Isolate all of them under SOP-LOTO-001:" then 1. 2. 3. 4.
_LEADS_STEPS = re.compile(r"^.*\b(?:isolat\w*|procedure|sequence|in this order)\b[^\n]*:[ \t]*$", re.I | re.M)


def is_procedure(c: Citation) -> bool:
    """A standard operating procedure, a section that says it is a procedure, or a passage that introduces its
    numbered steps as an isolation sequence or procedure."""
    return "sop" in (c.doc_id or "").lower() or c.title.lower().startswith(("sop", "procedure")) \
        or "procedure" in c.section.lower() or bool(_LEADS_STEPS.search(c.text))


def render_procedure(cite: Citation) -> str:
    head = f"**{source_header(cite)}** [{cite.marker}]"
    return head + "\n" + "\n".join(steps(cite.text))


def pin_procedure(sources: list[Citation], hits: list[Hit], question: str = "") -> list[Citation]:
    """Give every procedure source all of its steps back (the context budget may have trimmed them), and
    make sure the section that best answers ``question`` is shown: among ``hits`` (which may hold the other
    sections of the procedure), the best one replaces the last source when it is not shown yet."""
    chunks = {h.chunk.id: h.chunk for h in hits}
    for c in sources:
        chunk = chunks.get(c.chunk_id)
        if chunk is not None and is_procedure(c) and len(steps(chunk.text)) > max(2, len(steps(c.text))):
            c.text = chunk.text
    if not question or not sources:
        return sources
    shown = {c.chunk_id for c in sources}
    titled = {w for w in stems(in_procedure_words(question)) if len(w) >= 5}  # "removing" -> "remov" (Removal); not "lock"
    unseen = [Citation.from_chunk(1000 + i, h.chunk) for i, h in enumerate(hits)  # shown sources win ties
              if h.chunk.id not in shown and titled & stems(h.chunk.section)]
    best = procedure_source([c for c in sources if c.chunk_id in chunks] + unseen, question)
    if best is None:
        return sources
    rest = {h.chunk.id: h.chunk.text for h in hits if h.chunk.doc_id == best.doc_id and h.chunk.section == best.section
            and h.chunk.id > best.chunk_id}  # the section's later chunks ("...#removal#2")
    best.text = "\n".join([best.text, *(rest[k] for k in sorted(rest))])
    if best.chunk_id not in shown:
        best.marker = sources[-1].marker
        sources = [*sources[:-1], best]
    return sources
