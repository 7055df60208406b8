"""Maintenance troubleshooter: ranked causes, checks in a safe order, LOTO always, work-order proposals."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.asset_register import annotated_parts, known_asset, named_tags
from copilot.agents.base import (
    AgentContext,
    AgentResult,
    AgentSpec,
    TurnChecks,
    grounded_messages,
    say,
    stream_answer,
)
from copilot.agents.cell_lookup import named_row, render_named_row
from copilot.agents.citations import MARKER
from copilot.agents.fault_guide import (
    code_records,
    guide_checks,
    isolation_notes,
    isolation_sequence,
    render_checks,
    render_isolation_notes,
    site_lockout,
    symptom_checks,
)
from copilot.agents.figure_lists import best_figure_list, render_figure_list
from copilot.agents.figure_quote import figure_quote
from copilot.agents.figures import derived_figures
from copilot.agents.implied_code import STATES_EVENT, implied_codes_in
from copilot.agents.list_check import listed_items, render_list
from copilot.agents.lookup import Row, find_rows, reference_rows, reference_sources, render_rows, search_all
from copilot.agents.past_records import (
    ASKS_PART,
    ASKS_STOCK,
    records_answer,
    sheet_row,
    similar_records,
    spare_for,
    spare_row,
)
from copilot.agents.procedures import procedure_source, render_procedure
from copilot.agents.prompts.maintenance import FAULT, INFORMATION, PROCEDURE
from copilot.agents.reading_check import reading_answer
from copilot.agents.row_total import ASKS_TOTAL, row_total
from copilot.agents.safe_way import rule_answer
from copilot.agents.shapes import (
    ASKS_PAST,
    NEXT_STEP,
    PERMISSION,
    REFERS_BACK,
    answer_shape,
    follow_on_asks,
    split_asks,
)
from copilot.identifiers import SEE_CODE, asset_tag_candidates, fault_codes, identifiers
from copilot.retrieval.base import Filters
from copilot.types import Citation, Hit

# a tag's rows answer a lookup only if they hold this share of the question's words ("what insulation resistance
# reading is acceptable for M-101": the register row names the yearly IR test but gives no limit; the guide does)
ROW_ANSWER_SHARE = 0.6
# how a question asks for a schedule or register column: those rows answer it whatever else the question says
ASKED_COLUMNS = [(re.compile(r"\bhow much\b|\bquantity\b|\bhow many (?:grams|g|kg|litres|liters|l|ml)\b", re.I),
                  "quantity"),
                 (re.compile(r"\bhow often\b|\binterval\b|\bfrequency\b", re.I), "interval"),
                 (re.compile(r"\b(?:what|which) (?:kind of |type of |grade of )?(?:grease|oil|lubricant)\b", re.I), "lubricant")]
WANTS_WORK_ORDER = re.compile(
    r"\b(work[- ]?order|\bWO\b|ticket|job card|raise (?:a|an) (?:job|request)|create (?:a|an) (?:job|order))", re.I
)
HANDS_ON = re.compile(
    r"\b(replace|replacing|change out|dismantl\w*|disassembl\w*|open(?:ing)? the|remov\w+|realign\w*|align\w*|"
    r"tighten\w*|repair\w*|inspect\w*|lubricat\w*|grease|bearing|seal|impeller|coupling|gasket|wiring|terminal|"
    r"megger|insulation resistance|strainer|leak\w*|vibrat\w*|overheat\w*|noisy|noise|tripp\w*)\b",
    re.I,
)
LOTO = re.compile(r"\b(LOTO|lock[- ]?out|tag[- ]?out|isolation|isolate|permit to work|zero energy)\b", re.I)
PARTS = re.compile(
    r"\b(mechanical seal|bearings?|impeller|coupling(?: insert)?|gaskets?|wear rings?|strainer|filter|fuse|"
    r"contactor|cooling fan|v-belts?|belts?|o-rings?|shaft sleeve)\b",
    re.I,
)
REPLACES = re.compile(r"\b(?:replac\w*|renew\w*|fit (?:a )?new|change out|swap\w*)\b", re.I)
EMERGENCY = re.compile(r"\b(fire|smoke|smoking|injur\w*|explosion|burning smell)\b", re.I)
HIGH = re.compile(r"\b(trip\w*|leak\w*|seized|overheat\w*|no flow|high alarm|cavitat\w*|shut ?down)\b", re.I)


def detect_assets(text: str) -> list[str]:
    """Asset tags such as P-101, M-201 or VFD-102, in order of appearance (never fault codes)."""
    return asset_tag_candidates(text)


def priority_for(text: str) -> str:
    if EMERGENCY.search(text):
        return "emergency"
    if HIGH.search(text):
        return "high"
    return "medium"


# "what do i look at first", "what should I check": the guide's checks for the described symptom answer it
CHECK_ASK = re.compile(r"\b(?:what (?:do|should|can) (?:i|we) (?:look at|check|inspect)|look at first|check first|"
                       r"where (?:do|should) (?:i|we) start)\b", re.I)
# what a fault code's row answers, whatever words it uses: its meaning, causes and first checks
ROW_ANSWERS = re.compile(r"\b(?:mean\w*|cause\w*|why|check\w*|first|what (?:do|should) (?:i|we) do|fix\w*)\b", re.I)


def answer_follow_ons(ctx: AgentContext, shown: str,
                      fault_row: bool = False) -> tuple[str, str | None, dict[str, float], list[Citation]]:
    """Answers to the questions joined to the first one that ``shown`` (a quoted row, figure list or procedure)
    does not answer (most of their words are not in it): the work-order records naming the code for "has it come
    up before", the spare-parts row of the asset for "whats the stores number for a new seal", else the model,
    checked like any model answer, without hiding the quoted first part.
    Returns (text to append, the model-written part or None, model timings, sources found here)."""
    held = content_terms(shown)
    asks = [a for a in follow_on_asks(ctx.original, yes_no=True)
            if len(shared_terms(content_terms(a), held)) < ROW_ANSWER_SHARE * len(content_terms(a))
            and not (fault_row and ROW_ANSWERS.search(a)) and not NEXT_STEP.fullmatch(a)]
    first = split_asks(ctx.original, yes_no=True)[0]
    named = identifiers(first) or named_tags(ctx.question)  # "raw water pump B": the tag the prepare step resolved
    out, written, timings, added = "", "", {}, []
    quoted_spares: set[str] = set()
    for ask in asks:
        keys = identifiers(ask) or (named if REFERS_BACK.search(ask) else [])
        # the part of the asset the first part named, or the asset of the quoted fault row ("E-223 ... the element")
        tags = [k for k in keys if not fault_codes(k)] or [t for t in named if not fault_codes(t)] or \
            [t for t in asset_tag_candidates(shown) if known_asset(ctx.retriever, t) is not False][:1]
        wanted = ask if PARTS.search(ask) else f"{first} {ask}"  # "P-101 seal leaking, do we have a spare": the seal
        spare = spare_row(ctx.retriever, tags[0], wanted, [*ctx.sources, *added]) if tags and ASKS_PART.search(ask) \
            else None
        row = sheet_row(spare) if spare is not None else None
        if spare is not None and spare.chunk_id in quoted_spares:
            continue  # "do we have a spare seal in stores and what's the part number": one row answers both asks
        if spare is not None and row is not None:  # the part asked for, from the spare-parts table (the model wrote
            text = f"**Spare part for {tags[0]}:**\n\n{render_rows([row], [*ctx.sources, *added, spare])}"  # the tag)
            quoted_spares.add(spare.chunk_id)
            say(ctx, "\n\n" + text)
            out += "\n\n" + text
            added += [spare] if spare not in ctx.sources and spare not in added else []
            continue
        checks = symptom_checks(ctx.retriever, [*ctx.sources, *added], ctx.original) \
            if CHECK_ASK.search(ask) and not fault_row else None
        if checks is not None:  # "... and what do i look at first": the guide's section for the symptom described
            text = render_checks(*checks, (named or ["this symptom"])[0])
            say(ctx, "\n\n" + text)
            out += "\n\n" + text
            added += [checks[0]] if checks[0] not in ctx.sources and checks[0] not in added else []
            continue
        events = [r for k in keys for r in find_rows(ctx.sources, k) if r.is_event] if ASKS_PAST.search(ask) else []
        if events:  # "has that one come up before": the work-order records that name it, verbatim
            text = f"**Records naming {', '.join(keys)}:**\n\n{render_rows(events, ctx.sources)}"
            say(ctx, "\n\n" + text)
            out += "\n\n" + text
            continue
        question = f"{ask} ({', '.join(keys)})" if keys and not identifiers(ask) else ask
        sub = dataclasses.replace(ctx, question=question, original=question, checks=TurnChecks())
        say(ctx, "\n\n")
        text, took = stream_answer(sub, grounded_messages(INFORMATION, sub))
        out += "\n\n" + text.strip()
        written += ("\n\n" if written else "") + text.strip()
        ctx.checks.withheld.extend(sub.checks.withheld)
        ctx.checks.looped = ctx.checks.looped or sub.checks.looped
        ctx.checks.invalid_markers += sub.checks.invalid_markers
        timings = {k: timings.get(k, 0.0) + v for k, v in took.items()}
    return out, written or None, timings, added


_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*])\s+(.*\S)")
_SECTION = re.compile(r"^(?:\*\*)?(?:most )?(?:likely causes|possible causes|causes|checks(?: in a safe order)?|"
                      r"safe checks|next steps|steps)\b", re.I)


def _steps_from(answer: str) -> list[str]:
    """Work-order steps: the list items under the answer's checks section (all items when it has no
    sections). Section headings ("1. Likely causes, most likely first ...") and causes are not steps."""
    items: list[tuple[str, str]] = []
    section = ""
    for line in answer.splitlines():
        m = _LIST_ITEM.match(line)
        text = re.sub(r"\s*\[\d+(?:,\s*\d+)*\]", "", m.group(1) if m else line).strip().strip("*").strip()
        if _SECTION.match(text) or (text.endswith(":") and len(text) < 80):
            section = text.lower()
            continue
        if m and 8 <= len(text) <= 300:
            items.append((section, text))
    checks = [t for sec, t in items if "check" in sec or "step" in sec]
    steps = checks if checks else [t for sec, t in items if "cause" not in sec]
    return steps[:8]


# quantities a question may ask of an asset; a row that does not name the asked one does not answer it
MEASURED = frozenset("flow head pressure speed rpm weight mass capacity voltage current amps efficiency temperature "
                     "price cost budget diameter size length volume torque clearance".split())


class MaintenanceAgent:
    name = "maintenance"

    def filters(self, question: str) -> Filters | None:
        return {"doc_type": ["manual", "sop", "fault_codes", "work_orders", "fmea", "troubleshooting", "table"]}

    def extra_queries(self, question: str) -> list[tuple[str, Filters | None]]:
        """Always fetch the isolation / LOTO procedure too, so the safety block can cite it."""
        return [("lockout tagout isolation procedure zero energy verification", {"doc_type": "sop"})]

    def run(self, ctx: AgentContext) -> AgentResult:
        """Answer in the question's shape: rows for named codes and tags, steps for procedures, the model
        for diagnosis and information; the LOTO block for hands-on work; a work order when one makes sense."""
        shape = answer_shape(ctx.original) if answer_shape(ctx.original) != "information" else answer_shape(ctx.question)
        if shape in ("information", "lookup") and implied_codes_in(ctx.question) and STATES_EVENT.search(ctx.original):
            shape = "fault"  # "gb-401 oil temp 91, do i stop it": the alarm the reading raises (E-235) answers it
        if shape == "information" and ASKS_TOTAL.search(ctx.original) and identifiers(ctx.original):
            shape = "lookup"  # "how many grams total between both bearings of M-101 ... can I use ...": its rows, summed
        reading = reading_answer(ctx.sources, ctx.original)  # "IR 80 MOhm ok?", "filter dp 2.6 bar, how do I swap it"
        judged_only = reading is not None and shape in ("lookup", "information")  # the limit row is the answer
        # "the torque on the impeller nut and on the casing bolts": each thing's sentence, quoted
        quote = None if judged_only or shape == "fault" else figure_quote(ctx.sources, ctx.question)
        symptom = None
        listed: tuple[str, Citation] | None = None
        rows, searched = ([], []) if judged_only or quote else self._named_rows(ctx, shape)
        figures = None if rows or judged_only or quote else best_figure_list(ctx.sources, ctx.question)
        procedure, guide, found = self._procedure(ctx) if shape == "procedure" and not figures else (None, "", [])
        timings: dict[str, float] = {}
        # sources the agent found itself: the asset's isolation sequence or lines, the spare for a past job
        added: list[Citation] = [c for c in found if c not in ctx.sources]
        quoted_records = False
        total: str | None = None  # the sum of the rows' asked quantity (see row_total)
        if judged_only:
            text = model_text = reading
            say(ctx, text)
        elif rows:
            known, added = self._code_context(ctx, rows) if shape == "fault" else ("", [])
            added += searched
            total = next((t for pattern, col in ASKED_COLUMNS if pattern.search(ctx.original)
                          if (t := row_total(rows, col, ctx.original))), None)
            text = model_text = (f"{total}\n\n" if total else "") + render_rows(rows, [*ctx.sources, *searched]) + known + \
                (f"\n\n{reading}" if reading else "")
            say(ctx, text)
        elif quote is not None:
            text = model_text = quote
            say(ctx, text)
        elif figures is not None:
            text = model_text = render_figure_list(figures)
            say(ctx, text)
        elif procedure is not None:
            text = model_text = (f"{reading}\n\n" if reading else "") + guide + render_procedure(procedure)
            say(ctx, text)
        elif shape in ("fault", "procedure") and (symptom := (
                guide_checks(ctx.retriever, ctx.sources, fault_codes(ctx.original)[0]) if fault_codes(ctx.original)
                else symptom_checks(ctx.retriever, ctx.sources, ctx.question))) is not None:
            # "P-101 is cavitating, what do I check", or a code whose row is not shown: the guide's section, quoted
            subject = (fault_codes(ctx.original) or detect_assets(ctx.original) or ["this symptom"])[0]
            text = model_text = (f"{reading}\n\n" if reading else "") + render_checks(*symptom, subject)
            added = [symptom[0]]
            say(ctx, text)
        elif (listed := listed_items(ctx.sources, ctx.original)) is not None:  # "anything else that needs locking?"
            text = model_text = render_list(*listed)
            say(ctx, text)
        elif shape == "information" and PERMISSION.search(ctx.original) and \
                (rule := rule_answer(ctx.sources, ctx.question, *_procedure_search(ctx))) is not None:
            text = model_text = rule[0]  # allowed or required: the rule, quoted (a part no section answers: searched)
            added = rule[1]
            say(ctx, text)
        else:
            records, added = self._records_like_this(ctx)
            if reading:  # a symptom with a reading: where the reading stands, then the diagnosis
                records = f"{reading}\n\n{records}".strip()
            named = named_row(ctx.sources, ctx.original) if not records else None  # "the normal separator dp"
            if records and records_answer(ctx.original):  # happened before, what fixed it, part in stores: quoted
                text = model_text = records
                quoted_records = True
                say(ctx, text)
            else:
                if records:
                    say(ctx, records + "\n\n")
                prompt = {"fault": FAULT, "procedure": PROCEDURE}.get(shape, INFORMATION)
                asked = dataclasses.replace(ctx, sources=reference_sources([*ctx.sources, *added], ctx.original))
                model_text, timings = stream_answer(asked, grounded_messages(prompt, asked),
                                                    check_stated=prompt is INFORMATION and not records,
                                                    lead=render_named_row(named) + "\n\n" if named else "")
                text = (records + "\n\n" + model_text.strip()).strip()
        deterministic = bool(rows) or figures is not None or procedure is not None or judged_only or quote is not None \
            or symptom is not None or listed is not None
        if deterministic:  # "whats E-208 mean? and has that one come up before": the row answers the first part only
            seen = dataclasses.replace(ctx, sources=sorted({c.marker: c for c in [*ctx.sources, *added]}.values(),
                                                           key=lambda c: c.marker))  # with the guide and jobs quoted
            more, model_text, timings, found = answer_follow_ons(seen, text, fault_row=bool(rows) and shape == "fault")
            added += found
            text += more
        hands_on = shape in ("fault", "procedure") and bool(HANDS_ON.search(ctx.question) or HANDS_ON.search(text))
        wants_wo = bool(WANTS_WORK_ORDER.search(ctx.original))
        safety = self._safety_requirements(ctx.sources)
        if (hands_on or wants_wo) and procedure is None:
            block = "\n\n**Safety before hands-on work:** " + "; ".join(safety) + "."
            say(ctx, block)
            text += block
        proposal = None
        assets = detect_assets(ctx.original) or detect_assets(ctx.question)
        diagnosed = shape == "fault" and (bool(rows) or bool(HANDS_ON.search(ctx.original)))
        if wants_wo or (diagnosed and assets):
            proposal = self._work_order(ctx, text, assets, safety, rows)
        return AgentResult(text=text, model_text=model_text, proposal=proposal, timings=timings, added_sources=added,
                           model_called=not (deterministic or quoted_records) or bool(timings),
                           computed=derived_figures(total, ctx.sources, ctx.original) if total else [],
                           structured={"assets": assets, "hands_on": hands_on, "shape": shape,
                                       "rows": [r.key for r in rows]})

    @staticmethod
    def _procedure(ctx: AgentContext) -> tuple[Citation | None, str, list[Citation]]:
        """(the procedure to quote, a lead quoting the asset guide's isolation lines or "", the sources quoted): the
        best-named SOP
        section; for an isolation question ("make the press safe"), the guide of the asked machine's own numbered
        isolation sequence before a general SOP section; with no procedure, the guide's isolation lines for the asset
        ("isolate the drive motor before opening inspection covers") and the site lockout steps."""
        procedure = procedure_source(ctx.sources, ctx.question)
        if procedure is None or "sop" in procedure.doc_id.lower():
            procedure = isolation_sequence(ctx.retriever, ctx.sources, ctx.question) or procedure
        if procedure is not None:
            return procedure, "", [procedure]
        notes = isolation_notes(ctx.retriever, ctx.sources, ctx.question)
        lockout = site_lockout(ctx.retriever, [*ctx.sources, notes[0]]) if notes is not None else None
        if notes is None or lockout is None:
            return None, "", []
        return lockout, render_isolation_notes(*notes) + "\n\n", [notes[0], lockout]

    @staticmethod
    def _records_like_this(ctx: AgentContext) -> tuple[str, list[Citation]]:
        """For "has that happened before" naming no tag: the records describing the same trouble, quoted, and
        for "do we have the part in stores" the spare row for the first record (added as a source when new)."""
        if not ASKS_PAST.search(ctx.original) or identifiers(ctx.original):
            return MaintenanceAgent._asked_spare(ctx)
        records = similar_records(ctx.sources, ctx.original)
        if not records:
            return "", []
        text = "**Records like this in the maintenance history:**\n\n" + render_rows(records, ctx.sources)
        spare = spare_for(ctx.retriever, records[0], ctx.sources) if ASKS_STOCK.search(ctx.original) else None
        if spare is None:
            return text, []
        row = sheet_row(spare)
        text += "\n\n**Spare part for that job:**\n\n" + render_rows([row] if row else [], [*ctx.sources, spare])
        return text, [spare] if spare not in ctx.sources else []

    @staticmethod
    def _asked_spare(ctx: AgentContext) -> tuple[str, list[Citation]]:
        """"the caustic pump seal is weeping, do we have a spare seal and where is it": the asset's spare-parts
        row for the part asked, quoted (the asset named by its tag, or in words resolved by the prepare step)."""
        tags = detect_assets(ctx.original) or named_tags(ctx.question)
        if not tags or not ASKS_PART.search(ctx.original):
            return "", []
        asks = [a for a in [*split_asks(ctx.original, yes_no=True)] if ASKS_PART.search(a)] or [ctx.original]
        spare = spare_row(ctx.retriever, tags[0], asks[0], ctx.sources)
        row = sheet_row(spare) if spare is not None else None
        if spare is None or row is None:
            return "", []
        text = f"**Spare part for {tags[0]}:**\n\n" + render_rows([row], [*ctx.sources, spare])
        return text, [spare] if spare not in ctx.sources else []

    @staticmethod
    def _code_context(ctx: AgentContext, rows: list[Row]) -> tuple[str, list[Citation]]:
        """For a fault code's row: the guide's numbered checks for the code and the latest jobs naming it, quoted
        (the jobs are left to the follow-on when the question asks whether it happened before)."""
        code = next((r.key for r in rows if r.keyed and fault_codes(r.key)), None)
        if code is None:
            return "", []
        text, added = "", []
        guide = guide_checks(ctx.retriever, ctx.sources, code)
        if guide is not None:
            text += "\n\n" + render_checks(*guide, code)
            added.append(guide[0])
        records = [] if ASKS_PAST.search(ctx.original) else code_records(ctx.retriever, [*ctx.sources, *added], code)
        shown = [r for r in (sheet_row(c) for c in records) if r is not None]
        if shown:
            text += f"\n\n**Latest jobs naming {code}:**\n\n" + render_rows(shown, [*ctx.sources, *added, *records])
            added += records
        return text, added

    @staticmethod
    def _named_rows(ctx: AgentContext, shape: str) -> tuple[list[Row], list[Citation]]:
        """For a fault code or a plain lookup: the rows naming the question's codes and tags, from the one
        document whose rows best match the question's words, and the sources searched for them (see _row_per_key)."""
        if shape == "fault":
            keys = fault_codes(ctx.original) or fault_codes(ctx.question)
        elif shape == "lookup":  # with the equipment named by what it is ("the caustic agitator gearbox": AG-201)
            keys = list(dict.fromkeys([*identifiers(ctx.original), *named_tags(ctx.question)])) or \
                identifiers(ctx.question)
        else:
            return [], []
        rows = reference_rows([r for k in keys for r in find_rows(ctx.sources, k)], ctx.original)
        if shape == "lookup":  # "the motor bearings on P-101": M-101's rows, not the pump's
            parts = reference_rows([r for k in annotated_parts(ctx.question) for r in find_rows(ctx.sources, k)],
                                   ctx.original)
            rows = [r for r in parts if r.keyed] or rows
        if shape == "fault":  # the code's own row; "As E-204" in a cell: the referenced row is shown too
            rows = [r for r in rows if r.keyed]
            refs = [code for r in rows for _c, v in r.cells for code in SEE_CODE.findall(v) if code not in keys]
            return rows + [r for code in dict.fromkeys(refs) for r in find_rows(ctx.sources, code) if r.keyed], []
        if not rows:
            return rows, []
        asked = content_terms(ctx.question) - {t for k in keys for t in content_terms(k)}
        by_marker = {c.marker: c for c in ctx.sources}

        def held(r: Row) -> set[str]:
            c = by_marker[r.marker]
            return shared_terms(asked, content_terms(f"{c.title} {c.doc_id} {r.text}".replace("_", " ")))

        wanted = {col for pattern, col in ASKED_COLUMNS if pattern.search(ctx.original)}

        def has_wanted(r: Row) -> bool:
            return bool(wanted) and wanted <= {col.lower() for col, _v in r.cells}

        # rows holding the columns asked for come first ("how much ... how often": the lubrication row, not the
        # register row of the drive motor that names the conveyor)
        best = max(rows, key=lambda r: (has_wanted(r), len(held(r))))
        doc = by_marker[best.marker].doc_id
        chosen = [r for r in rows if by_marker[r.marker].doc_id == doc][:4]
        if has_wanted(best) and ASKS_TOTAL.search(ctx.original) and len(keys) > 1:
            per_key = MaintenanceAgent._row_per_key(ctx, keys, doc, wanted, held, by_marker)
            return per_key or ([], [])
        got = set().union(*(held(r) for r in chosen))
        if has_wanted(best) and shared_terms(asked, got):
            return chosen, []  # "how much grease goes in the CV-402 drive end bearing and how often": quantity, interval
        if asked and len(got) < ROW_ANSWER_SHARE * len(asked):
            return [], []  # the rows do not hold what is asked about the tag: the manuals answer (model, information)
        if shared_terms(asked, MEASURED) - got:
            return [], []  # "what flow and head is P-601 rated for": its register row has power, not flow or head
        return chosen, []

    @staticmethod
    def _row_per_key(ctx: AgentContext, keys: list[str], doc: str, wanted: set[str],
                     held: Callable[[Row], set[str]], by_marker: dict[int, Citation]) -> tuple[list[Row], list[Citation]] | None:
        """For a total over several named assets ("the oil for GB-401, GB-402 and the agitator gearbox, in total"):
        each asset's one row of ``doc`` holding the asked columns, the one sharing most of the question's words;
        a row not shown is searched (its source returned with the rows, numbered on from the shown ones). None when
        an asset has no such row."""
        out: list[Row] = []
        searched: list[Citation] = []
        for key in keys:
            def fits(r: Row, key: str = key) -> bool:
                return wanted <= {col.lower() for col, _v in r.cells} and r.keyed

            rows = [r for r in find_rows([c for c in ctx.sources if c.doc_id == doc], key) if fits(r)]
            if not rows:
                found = search_all(ctx.retriever, [*ctx.sources, *searched], f"{key} {' '.join(sorted(wanted))}",
                                   lambda c, key=key: c.doc_id == doc and any(fits(r) for r in find_rows([c], key)),
                                   k=20, filters={"doc_id": [doc]})
                if not found:
                    return None  # a total missing one of the named assets would be wrong
                by_marker.update({c.marker: c for c in found})
                rows = [r for r in find_rows(found, key) if fits(r)]
            best = max(rows, key=lambda r: len(held(r)))
            out.append(best)
            searched += [by_marker[best.marker]] if by_marker[best.marker] not in ctx.sources else []
        first = max(c.marker for c in ctx.sources) + 1 if ctx.sources else 1
        renumbered = {c.marker: c.model_copy(update={"marker": first + i}) for i, c in enumerate(searched)}
        for row in out:  # the searched rows' sources numbered on from the shown ones, without gaps
            row.marker = renumbered[row.marker].marker if row.marker in renumbered else row.marker
        return out, list(renumbered.values())

    @staticmethod
    def _loto_source(sources: list[Citation]) -> Citation | None:
        for c in sources:
            if LOTO.search(f"{c.title} {c.section}"):
                return c
        for c in sources:
            if LOTO.search(c.text):
                return c
        return None

    def _safety_requirements(self, sources: list[Citation]) -> list[str]:
        loto = self._loto_source(sources)
        ref = f" [{loto.marker}]" if loto else ""
        return [
            f"Isolate the equipment and apply lockout/tagout (LOTO) per the site LOTO procedure{ref}",
            "verify zero energy (electrical, mechanical, pressure, thermal) before touching anything",
            "obtain the required permit to work and wear the specified PPE",
        ]

    def _work_order(self, ctx: AgentContext, answer: str, assets: list[str], safety: list[str],
                    rows: list[Row]) -> dict[str, Any]:
        """A proposed work order: a validated asset, steps from the row's first response or the answer's
        checks, and the documents actually used as its sources."""
        asset = assets[0] if assets else "UNSPECIFIED"
        known = known_asset(ctx.retriever, asset) if assets else None
        first_response = [s.strip() for r in rows for s in r.value("First response").split(";") if s.strip()]
        work = ["Obtain the permit to work; isolate, lock out and verify zero energy"]
        work += first_response or _steps_from(answer) or ["Inspect and diagnose per the troubleshooting guide"]
        # the parts the user names and the parts a step replaces ("check the coupling" needs no coupling)
        replaced = [step for step in work if REPLACES.search(step)]
        parts = sorted({p.lower() for p in PARTS.findall("\n".join([ctx.original, *replaced]))})
        work.append("Remove locks per the LOTO procedure, test run and record the findings")
        used = {int(n) for m in MARKER.finditer(answer) for n in m.group(1).split(",")}
        cited = [c for c in ctx.sources if c.marker in used] or ctx.sources[:4]
        payload = {
            "asset": asset,
            "asset_in_register": known,
            "priority": priority_for(ctx.original),
            "problem": ctx.original.strip()[:1000],
            "steps": work[:10],
            "parts": parts,
            "safety_requirements": [re.sub(r"\s*\[\d+\]", "", s) for s in safety],
            "estimated_duration_h": float(min(8, 2 + len(parts))),
            "sources": list(dict.fromkeys(f"{c.title} ({c.section})" if c.section else c.title for c in cited)),
        }
        note = "" if known is not False else f" - {asset} is NOT in the asset register: check the tag"
        summary = f"Work order for {asset} ({payload['priority']} priority){note}: {ctx.original.strip()[:120]}"
        return {"kind": "work_order", "payload": payload, "summary": summary}


def spec() -> AgentSpec:
    """Grounded on plant documents, answers from tables first, and always fetches the isolation procedure."""
    agent = MaintenanceAgent()
    return AgentSpec(name=agent.name, run=agent.run, grounded=True, needs_retrieval=True, uses_tables=True,
                     filters=agent.filters, extra_queries=agent.extra_queries)


def _procedure_search(ctx: AgentContext) -> tuple[Callable[[str], list[Hit]] | None, Callable[[str], str] | None]:
    """A search of the procedures for one part of a question, and a passage's whole text by its chunk id (None,
    None without an index)."""
    retriever = ctx.retriever
    if retriever is None:
        return None, None

    def whole(chunk_id: str) -> str:
        try:
            return str(retriever.get_chunk(chunk_id).text)
        except Exception:  # noqa: BLE001 - the trimmed text is quoted instead
            return ""

    return (lambda text: retriever.search(text, k=6, filters={"doc_type": "sop"})), whole
