"""Retrieval for one turn: follow-up rewriting, per-agent filters with an unfiltered fallback, table QA."""

from __future__ import annotations

import logging
import re
from typing import Any

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.asset_register import annotated_parts, strip_named_notes, strip_part_notes
from copilot.agents.coverage import asked_attribute
from copilot.agents.figure_lists import ASKS_SET, asked_quantity, pin_figures, pin_named_set
from copilot.agents.figure_lists import DOC_TYPES as FIGURE_DOC_TYPES
from copilot.agents.figure_quote import asked_figure, pin_asked_figure
from copilot.agents.figures import derived_figures
from copilot.agents.jargon import expand_jargon, jargon_notes
from copilot.agents.lookup import pin_named_rows, pin_rows, rows_in
from copilot.agents.places import named_in, places_in
from copilot.agents.procedures import pin_procedure
from copilot.agents.prompts.shared import shared_messages
from copilot.agents.reading_check import pin_limit_rows
from copilot.agents.routing_signals import is_followup
from copilot.agents.safe_way import CANDIDATES as SAFE_WAY_CANDIDATES
from copilot.agents.safe_way import FILTERS as SAFE_WAY_FILTERS
from copilot.agents.shapes import ASKS_PAST, PERMISSION, REFERS_BACK, answer_shape, follow_on_asks, split_asks
from copilot.graph.deps import Deps
from copilot.identifiers import (
    PART_NUMBER,
    asset_tag_candidates,
    canonical_identifiers,
    identifiers,
    is_fault_code,
)
from copilot.retrieval.base import Filters
from copilot.tables.period import asked_period
from copilot.types import Citation, Hit

log = logging.getLogger(__name__)

PRONOUN = re.compile(r"\b(it|its|that|this|those|these|they|them|the same|one)\b", re.I)
REWRITE_PROMPT = (
    "Rewrite the last question so it can be understood without the conversation. Reply with the rewritten "
    "question only.\n\nConversation:\n{history}\n\nLast question: {question}\nRewritten question:"
)


def last_user_turns(messages: list[dict[str, Any]], n: int) -> list[str]:
    return [m["content"] for m in messages if m.get("role") == "user"][-n:] if n else []


def canonical_question(deps: Deps, question: str) -> str:
    """The question with tags and codes typed loosely ("P201", "cv401") written as the documents write them,
    so that every later step (coverage, row lookups, the claim check) recognises them."""
    retriever = deps.retriever
    if retriever is None:
        return question

    def known(tag: str) -> bool:
        try:
            hits = retriever.search(tag, k=3, mode="bm25")
        except Exception:  # noqa: BLE001 - a spelling help must never fail the turn
            return False
        return any(tag in identifiers(h.chunk.text) for h in hits)

    return canonical_identifiers(question, known)


def rewrite_question(deps: Deps, question: str, messages: list[dict[str, Any]]) -> tuple[str, str]:
    """Standalone question for retrieval. Returns (query, method: none|concat|llm)."""
    earlier = last_user_turns(messages[:-1], deps.settings.agents.history_turns)
    if not earlier or not is_followup(question):
        return question, "none"
    concat = f"{earlier[-1]} {question}"
    if not PRONOUN.search(question):
        return concat, "concat"
    turns = [f"{m['role']}: {m['content'][:300]}" for m in messages[:-1][-2 * deps.settings.agents.history_turns:]]
    try:
        out = deps.llm.chat(shared_messages(REWRITE_PROMPT.format(history="\n".join(turns), question=question)),
                            max_tokens=60, temperature=0.0).text.strip().strip('"').splitlines()
    except Exception as exc:  # noqa: BLE001 - rewriting is an optimisation; never fail the turn
        log.warning("question rewrite failed: %s", exc)
        return concat, "concat"
    text = out[0].strip() if out else ""
    if not 5 <= len(text) <= 300 or re.search(r"\bI (do not|don't|cannot)\b", text):
        return concat, "concat"
    return text, "llm"


def _dense(hit: Hit) -> float | None:
    value = hit.scores.get("dense")
    return float(value) if value is not None else None


def best_relevance(hits: list[Hit]) -> float | None:
    scores = [s for s in (_dense(h) for h in hits) if s is not None]
    return max(scores) if scores else None


def search(deps: Deps, query: str, filters: Filters | None, extra: list[tuple[str, Filters | None]]) -> tuple[list[Hit], float | None]:
    """Filtered search, topped up from the whole index when the filter finds too little; plus extra queries."""
    retriever = deps.retriever
    if retriever is None:
        return [], None
    k = deps.settings.retrieval.k
    min_rel = deps.settings.retrieval.min_relevance
    hits = retriever.search(query, k=k, filters=filters) if filters else []
    rel = best_relevance(hits)
    if len(hits) < k // 2 or (rel is not None and rel < min_rel) or (rel is None and not hits):
        seen = {h.chunk.id for h in hits}
        more = [h for h in retriever.search(query, k=k) if h.chunk.id not in seen]
        hits = hits + more[: max(0, k - len(hits))]
        rel = best_relevance(hits)
    if not hits or (rel is not None and rel < min_rel):
        return [], rel
    hits = [h for h in hits if (_dense(h) is None or _dense(h) >= min_rel * 0.8)]
    keyed = keyed_hits(retriever, query, hits, filters)
    hits = keyed + [h for h in hits if all(h.chunk.id != x.chunk.id for x in keyed)]
    for place in named_in(query, known_places(retriever)):
        hits = _second(hits, place_hit(retriever, query, place, hits, filters), 0.0)  # lexical: no dense score
    first = split_asks(query, yes_no=True)[0]
    for ask in follow_on_asks(query, yes_no=True)[:_MAX_KEYS]:  # its best passage second, so the context budget keeps it
        hits = _second(hits, follow_on_hit(retriever, ask, first, hits, filters), min_rel)
    hits = _second(hits, _untagged_section(retriever, query, hits, filters), min_rel)
    hits = _second(hits, _permission_rule(retriever, query, filters), min_rel)
    for note in jargon_notes(query)[:_MAX_KEYS]:  # the slang's documented meaning, searched on its own
        hits = _second(hits, next(iter(retriever.search(note, k=1, filters=filters)), None), min_rel)
    for q, f in extra:
        try:
            found = retriever.search(q, k=1, filters=f)
        except Exception as exc:  # noqa: BLE001
            log.warning("extra query %r failed: %s", q, exc)
            continue
        for h in found:
            if h.chunk.id not in {x.chunk.id for x in hits} and (_dense(h) or 0) >= min_rel:
                hits.append(h)
    return hits, rel


def top_document(hits: list[Hit], doc_types: tuple[str, ...] | None = ("sop",)) -> str | None:
    """The best-ranked document of ``doc_types`` among ``hits`` (None: of any type)."""
    return next((h.chunk.doc_id for h in hits if doc_types is None or h.chunk.doc_type in doc_types), None)


def leading_documents(hits: list[Hit], doc_types: tuple[str, ...], n: int = 2) -> list[str]:
    """The first ``n`` distinct documents of ``doc_types`` among ``hits``, in rank order."""
    return list(dict.fromkeys(h.chunk.doc_id for h in hits if h.chunk.doc_type in doc_types))[:n]


def procedure_sections(deps: Deps, query: str, hits: list[Hit], k: int = 16,
                       doc_types: tuple[str, ...] | None = ("sop",)) -> list[Hit]:
    """The sections of the procedure (SOP) the search ranked first, so the one that answers a "how do I" question
    can be shown even when its words differ from the question ("removing" the seal: section "5. Removal").
    ``doc_types`` widens it to guides and manuals (the section that lists the asked figures), None to the
    first hit's document whatever its type (the overview table that enumerates a playbook's steps)."""
    return document_sections(deps, query, top_document(hits, doc_types), k)


def document_sections(deps: Deps, query: str, doc: str | None, k: int = 16) -> list[Hit]:
    """The passages of document ``doc`` that best match ``query`` (none without a document or an index)."""
    if doc is None or deps.retriever is None:
        return []
    return deps.retriever.search(query, k=k, filters={"doc_id": doc})


def pin_exact(deps: Deps, query: str, question: str, hits: list[Hit], sources: list[Citation]) -> list[Citation]:
    """What must be shown whole for the question, whatever the context budget trimmed: the rows of the codes and
    tags it names, the procedure section that answers "how do I", the table that enumerates a named set ("the five
    steps of ..."), the section that lists a set of figures ("the torques"); the last three may come from other
    sections of the top document, searched once per document."""
    searched: dict[str | None, list[Hit]] = {}

    def with_sections(doc_types: tuple[str, ...] | None, doc: str | None = None) -> list[Hit]:
        doc = doc or top_document(hits, doc_types)
        if doc not in searched:
            searched[doc] = document_sections(deps, query, doc)
        return hits + searched[doc]

    sources = pin_rows(sources, hits, f"{question}\n{query}")
    if not identifiers(question):  # a row named in words may sit in another chunk of the top document
        sources = pin_named_rows(sources, with_sections(None), question)
    if answer_shape(question) == "procedure":
        sources = pin_procedure(sources, with_sections(("sop",)), question)
    if ASKS_SET.search(question):
        sources = pin_named_set(sources, with_sections(None), question)
    if deps.retriever is not None:  # "dripping 4 drops a minute, is that acceptable": the limit the search missed
        sources = pin_limit_rows(sources, lambda q: deps.retriever.search(q, k=8), question)
    if asked_figure(question) is not None:  # "the torque on the impeller nut and on the casing bolts"
        found = [h for doc in leading_documents(hits, FIGURE_DOC_TYPES) for h in with_sections(None, doc)]
        sources = pin_asked_figure(sources, list({h.chunk.id: h for h in [*hits, *found]}.values()), question)
    if asked_quantity(question) is not None:
        # the two leading guides or procedures: "what gas readings before entering the wet well" ranks the pump
        # guide first (it names the wet well); the confined-space SOP's testing section lists the readings
        found = [h for doc in leading_documents(hits, FIGURE_DOC_TYPES) for h in with_sections(None, doc)]
        sources = pin_figures(sources, list({h.chunk.id: h for h in found}.values()), question)
    return sources


def without_tags(text: str, tags: list[str]) -> str:
    """``text`` with the tags and codes ``tags`` blanked out, for a search on its other words."""
    for tag in tags:
        text = re.sub(rf"(?<![\w-]){re.escape(tag)}(?![\w-])", " ", text, flags=re.I)
    return text


def follow_on_hit(retriever: Any, ask: str, first: str, hits: list[Hit], filters: Filters | None) -> Hit | None:
    """The best passage for one follow-on ask of the query (``first`` is the query's first ask). "Has that one come up
    before" is searched with the code the first ask named, among the records. An ask referring back to a tag ("how
    often do we retest while they're down there", "how long is the permit good for if it runs long") is searched
    with the tag, and within the document the first ask's words (without the tag) lead to; of the two passages not
    shown yet, the one holding more of the ask's own words (the SOP's retest interval or permit validity, not the
    wet well's register row or the conveyor's chute row)."""
    ask = strip_named_notes(strip_part_notes(ask))  # the notes at the query's end name the first ask's equipment
    named = identifiers(first)
    records = {"doc_type": "table"} if ASKS_PAST.search(ask) else filters  # the work-order history
    if identifiers(ask) or not named or not REFERS_BACK.search(ask):
        return next(iter(retriever.search(ask, k=1, filters=records)), None)
    tagged = retriever.search(f"{ask} {' '.join(named)}", k=1, filters=records)[:1]
    if ASKS_PAST.search(ask):  # the code's records
        return next(iter(tagged), None)
    lead = retriever.search(f"{ask} {expand_jargon(without_tags(first, named))}", k=1, filters=filters)[:1]
    scoped = retriever.search(ask, k=1, filters={"doc_id": lead[0].chunk.doc_id})[:1] if lead else []
    found = [*scoped, *tagged]  # a tie goes to the passage of the document the first ask leads to
    new = [h for h in found if all(h.chunk.id != x.chunk.id for x in hits)]
    asked = content_terms(ask)
    return max(new, key=lambda h: len(shared_terms(asked, content_terms(h.chunk.text)))) if new else next(iter(found), None)


def _second(hits: list[Hit], best: Hit | None, min_rel: float) -> list[Hit]:
    """``hits`` with ``best`` second, so the context budget keeps it; unchanged when it is missing, weak, or already
    first or second."""
    if best is None or (_dense(best) or 0) < min_rel or any(h.chunk.id == best.chunk.id for h in hits[:2]):
        return hits
    rest = [h for h in hits[1:] if h.chunk.id != best.chunk.id]
    return [hits[0], best, *rest] if hits else [best]


def _untagged_section(retriever: Any, query: str, hits: list[Hit], filters: Filters | None) -> Hit | None:
    """"crew going into WW-101 tomorrow ... whats the max H2S for entry": the tag pulls every passage naming the wet
    well (the register row, the rescue and isolation sections) ahead of the section with the gas limits. The first ask
    is searched without its tags; its best passage is returned when it is another section of a document the search
    ranked among its first three (the right document, the wrong section), not a spreadsheet row (another asset's)."""
    first = split_asks(query, yes_no=True)[0]
    tags = identifiers(first)
    if not tags:
        return None
    best = next(iter(retriever.search(without_tags(first, tags), k=1, filters=filters)), None)
    if best is None or best.chunk.row is not None or any(h.chunk.id == best.chunk.id for h in hits) or \
            best.chunk.doc_id not in {h.chunk.doc_id for h in hits[:3]}:
        return None
    return best


def _permission_rule(retriever: Any, query: str, filters: Filters | None) -> Hit | None:
    """For "do I need a hot work permit to grind a burr off the CV-401 frame?", "can an apprentice change the seal":
    the procedure passage that says what needs the permit or who may do the work, searched among the procedures
    without the asset tags (which pull the equipment's guides ahead of it: the hot work SOP's scope, "grinding ...
    needs a hot work permit", was not among the six sources, and the model answered "No, you do not need one")."""
    allowed = (filters or {}).get("doc_type")
    if not PERMISSION.search(query) or (allowed and "sop" not in (allowed if isinstance(allowed, list) else [allowed])):
        return None
    return next(iter(retriever.search(without_tags(query, identifiers(query)), k=1, filters={"doc_type": "sop"})), None)


def search_rules(deps: Deps, query: str) -> list[Hit]:
    """For an escalated request: many procedure and guide passages, for :mod:`copilot.agents.safe_way` to quote from."""
    if deps.retriever is None:
        return []
    return deps.retriever.search(query, k=SAFE_WAY_CANDIDATES, filters=SAFE_WAY_FILTERS)


_PLACES: dict[tuple[int, str], set[str]] = {}


def known_places(retriever: Any) -> set[str]:
    """The sites the indexed documents name ("pumps at Riverside", "at Marlow Bay"), read once per index generation."""
    texts = getattr(retriever, "texts", None)
    if texts is None:
        return set()
    key = (id(retriever), str(getattr(retriever, "generation", "")))
    if key not in _PLACES:
        _PLACES.clear()
        _PLACES[key] = {p for text in texts() for p in places_in(text)}
    return _PLACES[key]


def place_hit(retriever: Any, query: str, place: str, hits: list[Hit], filters: Filters | None) -> Hit | None:
    """The passage naming a site the question names ("I run Riverside, where do we stand"), when no hit names it: the
    best lexical match of the question among passages that name the site (the baseline table's Riverside column)."""
    named = re.compile(rf"\b{re.escape(place)}\b", re.I)
    if any(named.search(h.chunk.text) for h in hits):
        return None
    return next((h for h in retriever.search(f"{place} {query}", k=_KEY_CANDIDATES, mode="bm25", filters=filters)
                 if named.search(h.chunk.text)), None)


def _holds_keyed_row(hit: Hit, key: str) -> bool:
    return any(r.keyed for r in rows_in(hit.chunk.text, key, is_sheet_row=hit.chunk.row is not None))


def keyed_hits(retriever: Any, query: str, hits: list[Hit], filters: Filters | None) -> list[Hit]:
    """The passage holding the row keyed by each fault code or part number the question names, when the search missed
    it: "E-205 came up on the pump panel" finds guides and work orders that mention E-205 ahead of the alarm
    table's own E-205 row. Looked up by the identifier alone (lexical, no embedding). Only codes and part
    numbers, which have one defining row: an asset tag has many (register, lubrication, spares), and forcing
    one in would push a guide out of the context. A part named by its parent ("the motor on P-101", annotated
    M-101 by :func:`copilot.agents.asset_register.annotate_components`) gets its rows that best match the question."""
    found: list[Hit] = []
    for key in [k for k in identifiers(query) if is_fault_code(k) or PART_NUMBER.fullmatch(k)][:_MAX_KEYS]:
        if any(_holds_keyed_row(h, key) for h in hits + found):
            continue
        match = next((h for h in retriever.search(key, k=_KEY_CANDIDATES, mode="bm25", filters=filters)
                      if _holds_keyed_row(h, key)), None)
        if match is not None and all(match.chunk.id != h.chunk.id for h in found):
            found.append(match)
    words = strip_named_notes(strip_part_notes(query))  # the user's words: "raw water pump" twice outranks "grease"
    for tag in asset_tag_candidates(words):
        words = words.replace(tag, " ")
    words = " ".join(words.split())
    for part in annotated_parts(query)[:_MAX_KEYS]:  # "the motor on P-101": M-101's rows that hold the asked words
        rows = [h for h in retriever.search(f"{part} {words}", k=_KEY_CANDIDATES, mode="bm25", filters=filters)
                if _holds_keyed_row(h, part)]
        # the part's rows of the table that matches best first ("DE and NDE": both of M-101's lubrication rows)
        rows = sorted(rows, key=lambda h: h.chunk.doc_id != rows[0].chunk.doc_id)
        found += [h for h in rows[:_PART_ROWS] if all(h.chunk.id != x.chunk.id for x in found)]  # first, even if ranked
    return found


_MAX_KEYS = 3
_PART_ROWS = 3
_KEY_CANDIDATES = 12

_DIAGNOSTIC = re.compile(
    r"\b(what should i|check first|why (is|does|did|do)|how (do|to|should|can) i|troubleshoot|"
    r"what does \S+ mean|what causes|root cause)\b", re.I)


# attributes no plant spreadsheet column answers, even in "number of ..." phrasing
_NEVER_IN_TABLES = ("contact details", "contact person", "salary", "live reading", "serial number")


def _rows_lead(deps: Deps, question: str) -> bool:
    """Send a question to the tables only if it asks for an aggregate, or names no tag or code and its best
    search hit is a spreadsheet row: "what torque for the seal gland nuts" mentions words found in the work-order
    table, but a manual answers it, and a table plan costs a model call."""
    from copilot.tables.service import is_aggregate_question

    attribute = asked_attribute(question)
    if attribute in _NEVER_IN_TABLES:
        return False  # "the phone number of the Hestor Gear engineer": the coverage check vets the sources first
    if is_aggregate_question(question):
        return True
    if attribute is not None:
        return False  # one thing's price or vendor ("unit price of the seal"), not a count: coverage check first
    if identifiers(question):
        return False  # a named tag, code or part: its own row answers, exactly (copilot.agents.lookup)
    if _DIAGNOSTIC.search(question):
        return False  # "what does E-204 mean, what should I check first": the manuals answer that
    retriever = deps.retriever
    if retriever is None:
        return True
    hits = retriever.search(question, k=1)
    return bool(hits) and hits[0].chunk.row is not None


def table_answer(deps: Deps, question: str, on_table: Any = None) -> dict[str, Any] | None:
    """TableQA result for spreadsheet questions, or None; a failure never breaks the answer.
    ``on_table(names)`` is called just before a table plan runs (for progress messages)."""
    qa = deps.table_qa
    if qa is None:
        return None
    try:
        if not qa.needs_table(question):
            return None
        if not _rows_lead(deps, question):
            return None
        if on_table is not None:
            on_table(", ".join(p.name for p in getattr(qa, "profiles", list)()[:3]) or "spreadsheet")
        parts = table_parts(question)
        if len(parts) > 1 and all(qa.needs_table(p) and _rows_lead(deps, p) for p in parts[1:]):
            first = qa.answer(parts[0])  # "... and which job was the longest": the first part's table answers it
            answers = [first, *(qa.answer(p, table=first.table if first else None) for p in parts[1:])]
        else:
            answers = [qa.answer(question)]
    except Exception as exc:  # noqa: BLE001 - missing tables never break an answer
        log.warning("table QA failed: %s", exc)
        return None
    if any(ans is None or ans.empty for ans in answers):
        return None
    texts, citations, offset = [], [], 0
    for ans in answers:  # each part's rows numbered after the previous part's
        texts.append(re.sub(r"\[(\d+)\]", lambda m, o=offset: f"[{int(m.group(1)) + o}]", ans.text))
        citations += [c.model_copy(update={"marker": c.marker + offset}) for c in ans.citations]
        offset = max((c.marker for c in citations), default=offset)
    return {"text": "\n\n".join(texts), "citations": [c.model_dump() for c in citations],
            "computed": derived_figures("\n\n".join(texts), citations, question),
            "plan": answers[0].plan if len(answers) == 1 else {"parts": [a.plan for a in answers]},
            "rows": sum(len(a.rows) for a in answers)}


_WHICH_NOUN = re.compile(r"\bwhich (?!one\b)(\w+)", re.I)


def table_parts(question: str) -> list[str]:
    """"Which asset has had the most work orders and which one has the most downtime hours": one table question per
    part, "which one" given the first part's noun."""
    parts = split_asks(question)
    # "how many work orders on P-101 ... and which job was the longest": every part is about the question's tags
    # (named in the first part, or by the search's note at the end: "(the raw water pump is P-101)")
    tags = identifiers(question)
    parts = [p if identifiers(p) or not tags else f"{p} ({', '.join(tags)})" for p in parts]
    # "how many work orders did P-101 have during 2023 and how many hours of downtime did they add up to": a part
    # referring back to the first part's records keeps its period
    period = asked_period(parts[0])
    parts = [parts[0], *(f"{p} ({period.phrase})" if period and REFERS_BACK.search(p) and not asked_period(p) else p
                         for p in parts[1:])]
    noun = _WHICH_NOUN.search(parts[0])
    if noun is None:
        return parts
    return [parts[0], *(re.sub(r"\bwhich one\b", f"which {noun.group(1)}", p, flags=re.I) for p in parts[1:])]
