"""Governance advisor: EU AI Act tier decided by the triage rules (keywords and meaning), explained by the model
with citations, NIST AI RMF subcategories, controls and a draft decision record (recorded only after human
approval). One tier per answer and per record: the first line states it, other-tier sentences are withheld."""

from __future__ import annotations

import dataclasses
import re

from copilot.agents import governance_rules as R
from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.base import AgentContext, AgentResult, AgentSpec, grounded_messages, say, stream_answer
from copilot.agents.governance_guard import TierGuard, sanitize
from copilot.agents.governance_triage import Decision, triage
from copilot.agents.lookup import Row, search_for
from copilot.agents.precedent import (
    closest_precedent,
    consequences_source,
    examples_source,
    render_precedent,
    tier_consequence,
)
from copilot.agents.prompts.governance import EXPLAIN, INSTRUCTIONS
from copilot.agents.quoted import model_answer, quoted_answer
from copilot.agents.reading_check import reading_answer
from copilot.agents.source_statement import best_sentence
from copilot.agents.timeline import ASKS_WHEN, dated_row, render_dated_row
from copilot.retrieval.base import Filters
from copilot.retrieval.embedder import Embedder, build_embedder
from copilot.types import Citation

RECORD_WORDS = re.compile(r"\b((?:draft|write|record|prepare|create|make|raise|fill in|generate|need)\b[^?.]{0,30}"
                          r"decision record|decision record for|record (?:the|this|a) decision|draft (?:a|the) record|classify|classification|"
                          r"(?<!high-)(?<!high )(?<!minimal )(?<!limited )risk (?:tier|level|category)|which tier|is (?:it|this) high[- ]risk|"
                          r"(?:eu )?ai act (?:tier|category|class\w*|risk)|(?:classed|classified) (?:under|by|in) (?:the )?"
                          r"(?:eu )?ai act|how (?:is|would|will|should) (?:that|this|it) (?:be )?class(?:ed|ified))\b", re.I)


class GovernanceAgent:
    name = "governance"

    def filters(self, question: str) -> Filters | None:
        return {"doc_type": ["checklist", "playbook", "regulation", "standard", "policy", "framework"]}

    def extra_queries(self, question: str) -> list[tuple[str, Filters | None]]:
        """A use case to classify: the triage checklist too, so the rule-decided tier can cite it."""
        if wants_triage(question):
            return [("EU AI Act risk triage: prohibited practices, high-risk areas of Annex III, Annex I products, "
                     "transparency obligations", {"doc_type": "checklist"})]
        return []

    def run(self, ctx: AgentContext) -> AgentResult:
        if not wants_triage(ctx.original):
            quoted = quoted_answer(ctx, INSTRUCTIONS)  # "what are the four functions of the NIST AI RMF": the table, quoted
            if quoted is not None:
                return quoted
            return model_answer(ctx, INSTRUCTIONS)
        embedder = _embedder(ctx)
        decision = triage(ctx.question, embedder)
        examples = examples_source(ctx.retriever, ctx.sources)  # the site's worked examples, when not shown
        # the tier line cites the triage checklist: shown, else the worked examples' passage of it found above
        triage_source = rule_source(ctx.sources) or (rule_source([examples]) if examples else None)
        head = first_line(decision, triage_source)
        precedent = closest_precedent([*ctx.sources, *([examples] if examples else [])], ctx.original,
                                      decision.tier, embedder)
        head += render_precedent(*precedent) if precedent else ""
        rule = deciding_rule(ctx, decision, [*ctx.sources, *([examples] if examples else [])])
        head += f"**The rule** ({rule[1].title or rule[1].doc_id}): \"{rule[0]}\" [{rule[1].marker}]\n\n" if rule else ""
        reading = reading_answer(ctx.sources, ctx.original)  # "selected at 0.75 times the rate": the review's limit
        head += f"{reading}\n\n" if reading else ""
        say(ctx, head)
        prompt = EXPLAIN.format(tier_name=decision.tier_name, route=decision.route, why="; ".join(decision.reasons))
        guard = TierGuard(decision.tier, decision.transparency, ctx.emit, decision.route, prompt=prompt)
        raw, timings = stream_answer(dataclasses.replace(ctx, emit=guard.feed), grounded_messages(prompt, ctx),
                                     given=f"{decision.route} {first_line(decision)}")  # "Art. 50" is the rules'
        guard.flush()
        obligations = obligations_source(ctx, decision.tier)
        # found here and quoted above (the worked example, the rule's sentence), then the obligations (new or whole)
        added: list[Citation] = []
        for c in (triage_source, precedent[2] if precedent else None, rule[1] if rule else None):
            if c is not None and c not in ctx.sources and not any(c is a for a in added):
                added.append(c)
        if obligations is not None and obligations not in ctx.sources:
            taken = {c.marker for c in [*ctx.sources, *added]}
            reused = any(c.doc_id == obligations.doc_id and c.marker == obligations.marker for c in ctx.sources)
            if obligations.marker in taken and not reused:
                obligations.marker = max(taken) + 1  # numbered next like the ones found above: renumber
            added.append(obligations)
        shown = [*ctx.sources, *added]
        practice = consequences_source(ctx.retriever, shown)  # "| Minimal | Standard controls; CL-004 every 12 months |"
        consequence = tier_consequence([*shown, *([practice] if practice else [])], decision.tier)
        added += [practice] if practice is not None and consequence and f"[{practice.marker}]" in consequence else []
        block = _compose(decision, obligations, consequence)
        when = applies_from(ctx, decision, [*ctx.sources, *added]) if ASKS_WHEN.search(ctx.original) else None
        if when is not None:  # "how is that classed, and from when?": the timeline row of the deciding route
            row, cite = when
            block += "\n\n**Applies from:** " + render_dated_row(row, cite)
            added += [cite] if cite not in ctx.sources and cite not in added else []
        say(ctx, block)
        model_text, _ = sanitize(raw, decision.tier, decision.transparency, decision.route)
        structured = _structured(decision, guard.withheld)
        proposal = {"kind": "decision_record", "payload": _payload(ctx, decision),
                    "summary": f"Governance decision record: {decision.tier_name} ({decision.route})"}
        return AgentResult(text=head + guard.text + block, model_text=model_text, proposal=proposal,
                           structured=structured, timings=timings, model_called=True, added_sources=added)


def _embedder(ctx: AgentContext) -> Embedder | None:
    """The retriever's embedder (already loaded), else the configured one; None only if neither can load."""
    emb = getattr(ctx.retriever, "embedder", None)
    if emb is not None:
        return emb
    try:
        return build_embedder(ctx.settings)
    except Exception:  # noqa: BLE001 - keyword rules still decide; the decision says it was not matched by meaning
        return None


USE_CASE = re.compile(
    r"\b(we (?:want|plan|intend)(?= (?:to|an?|some|our)\b)|we (?:use|are (?:building|buying|deploying|considering|looking at))|we(?: would|'d) like|"
    r"we(?:'re| are)? (?:thinking (?:of|about)|considering) (?:using|buying|deploying|installing|adding|an?)|our (?:ai|model|system|tool)(?! (?:governance|board|polic|strateg|team|literacy|review|centre|center|coe))|"
    r"we(?:'re| are|'d| would)? (?:(?:like|love|need|to|now|also|just|already|use|using|run|running|have|get|got|deploy\w*|"
    r"buy\w*|bought|build\w*|built|install\w*|introduc\w*|pilot\w*|trial\w*|test\w*|adopt\w*|add\w*|want\w*|plan\w*|"
    r"consider\w*|look\w* at|thinking of|evaluat\w*|roll\w* out|put\w*|generat\w*|creat\w*|mak\w*|train\w*|"
    r"develop\w*|offer\w*|provid\w*|launch\w*|sell\w*|integrat\w*) ){1,2}(?:an? |the |our |some )?"
    r"(?:ai|chat ?bots?|llms?|models?|cameras?|assistants?|"
    r"synthetic|generative)|uses? an? (?:ai|llm|model|chat ?bot)|"
    r"use case|deploy\w* (?:an?|the|our|this|that|it|them)\b(?! prohibited\b)|deploy(?:s|ed|ing)?(?=\s*\?)|roll(?:ing)? out|"
    r"an? (?:ai|ml)(?: (?:system|tool|model))? (?:that|to|which)|an? (?:[\w-]+ ){0,2}(?:model|system|tool|function|feature|"
    r"add-on) (?:that|which)|how (?:does|would|will) (?:this|that|it) triage|"
    r"(?:how|where) (?:does|would|will|do) (?:this|that|it|they) (?:land|sit|fall|fit|come out)|"
    r"\w+ wants? to(?! (?:know|check|see|understand|confirm|find out|ask|hear))|\w+ wants? an? (?:\w+ )?(?:model|ai|tool|system)|"
    r"how (?:would|should|do|will) we class(?:ify)? (?:that|this|it)|(?:is (?:it|this|that) |are we )?(?:allowed|permitted|banned)|is (?:it|this|that) (?:legal|lawful)|"
    r"(?:is|are) (?:it|this|that|they|we) (?:ok(?:ay)?|fine|alright|compliant)(?=[^?.]{0,30}\bai act\b)|"
    r"(?:is|be|are|count as|classed as|classified as) (?:an? |this |it |that )?(?:high|minimal|limited)[- ]risk|"
    r"(?:high|minimal|limited)[- ]risk(?=\s*\?)|"
    r"(?<!high-)(?<!high )(?<!minimal )(?<!limited )risk (?:tier|class|level|category)|(?:what|which) tier(?! did)|tier (?:is|would|does) (?:it|this|that)|"
    r"can we (?:use|deploy|run|install|trial|pilot|test|try))\b", re.I)


# a question about a decision already taken ("on what date did the AIRB approve ..., and the record number"): the
# records answer it, not a new classification
# "on what date did the AIRB approve it" asks about a past decision; "from what date do those rules apply" does not
ASKS_PAST_DECISION = re.compile(r"\b(?:on )?(?:what|which) (?:date|day|year)\b(?![^?.]{0,40}\b(?:apply|applies|start|"
                                r"begin|come into|take effect|in force|kick in)\b)|\bwhen (?:did|was|were)\b|"
                                r"\bdid (?:the )?(?:airb|board|review board|committee) (?:give|assign|decide|approve|class)|"
                                r"\brecord (?:number|no\b|id\b)|\bwho (?:approved|signed|decided)\b", re.I)


# another governance topic asked about an AI system ("could we run a model at H3 on a trip loop", "the reporting
# deadlines for a high-risk system's serious incident"): the review checklist answers, not a new classification
OTHER_TOPIC = re.compile(r"\bH[0-3]\b|\boversight levels?\b|\bserious incidents?\b|\breporting deadlines?\b|"
                         r"\b(?:critical|major|minor) findings?\b|\bhow often\b", re.I)
ASKS_TIER = re.compile(r"\b(?:what|which)\b[^?.]{0,30}\b(?:tier|category|risk level|risk class)\b|\btier\s*\?|\bclass(?:ed|ified|ify)\b"
                       r"[^?.]{0,20}\b(?:under|as)\b(?! high)|\bis (?:it|this|that) (?:high[- ]risk|prohibited)\b", re.I)


def wants_triage(text: str) -> bool:
    """A request to classify or record a use case, or a described use of AI; not a question about a past decision
    nor one about another governance topic of the system (oversight level, incident reporting) that asks no tier."""
    if OTHER_TOPIC.search(text) and not ASKS_TIER.search(text):
        return False
    return bool(RECORD_WORDS.search(text) or _describes_use_case(text)) and not ASKS_PAST_DECISION.search(text)


def _describes_use_case(text: str) -> bool:
    """A described use of AI, or a question whether a use is allowed or which tier it is in: the triage decides."""
    return bool(USE_CASE.search(text))


def first_line(d: Decision, source: Citation | None = None) -> str:
    """The deterministic opening line: the one tier of this answer, cited to the triage checklist when shown."""
    review = " Close call: refer to Group Legal before the AIRB decides (CL-005)." if d.needs_review else ""
    cite = f" [{source.marker}]" if source is not None else ""
    return f"**EU AI Act risk tier: {d.tier_name}** ({d.route}; decided by the triage rules){cite}.{review}\n\n"


TRIAGE_DOC = re.compile(r"\b(?:triage|AI Act|risk classification)\b", re.I)
TIER_TEXT = re.compile(r"\b(?:Annex III|Annex I|Article 5|Art\. ?5|Article 50|Art\. ?50|high-risk|prohibited)\b", re.I)


def deciding_rule(ctx: AgentContext, d: Decision, shown: list[Citation]) -> tuple[str, Citation] | None:
    """The triage checklist's own sentence for the rule that decided the tier ("4. Employment and worker management:
    ... task allocation based on individual behaviour ..."), searched when no shown passage holds it; None for a
    tier no rule decided (minimal) or when the checklist has no such sentence."""
    deciding = [m for m in d.matches if m.tier == d.tier]
    if not deciding:
        return None
    label = deciding[0].label

    def states(c: Citation) -> tuple[str, Citation] | None:
        found = best_sentence([c], label, lambda _t: True) if TRIAGE_DOC.search(f"{c.title} {c.doc_id}") else None
        # half the rule's words at least: a passage cut before the rule's own line offers a neighbour ("facial
        # recognition databases" for "emotion recognition at the workplace")
        named = content_terms(label)
        return found if found and 2 * len(shared_terms(named, content_terms(found[0]))) >= len(named) else None

    def triage_list(c: Citation) -> bool:  # the triage questionnaire itself, before a guide that names the tiers
        return "triage" in f"{c.title} {c.doc_id}".lower()

    found = next((q for c in shown if triage_list(c) and (q := states(c)) is not None), None)
    if found is None:
        extra = search_for(ctx.retriever, shown, f"{label} {deciding[0].route} triage",
                           lambda c: triage_list(c) and states(c) is not None)
        found = states(extra) if extra is not None else None
    return found or next((q for c in shown if (q := states(c)) is not None), None)


def rule_source(sources: list[Citation]) -> Citation | None:
    """The shown source the triage rules restate: an AI Act triage checklist or guide that names the tiers."""
    return next((c for c in sources if TRIAGE_DOC.search(f"{c.title} {c.doc_id}") and TIER_TEXT.search(c.text)), None)


OBLIGATIONS_DOC = "CL-007"  # the checklist that publishes what each tier requires (the rule set below, kept equal)
TIER_SECTION = {"prohibited": "prohibited", "high": "high-risk", "limited": "limited risk", "minimal": "minimal risk"}


def obligations_source(ctx: AgentContext, tier: str) -> Citation | None:
    """The section of the obligations checklist (CL-007) for ``tier``, whole (all its passages, not the part the
    context budget kept): the source of the rule block's articles, NIST subcategories, controls and sign-offs.
    It keeps the marker of a shown passage of that section, else takes the next one; None when the knowledge
    base has no such checklist."""
    want = TIER_SECTION[tier]
    shown = next((c for c in ctx.sources if c.doc_id == OBLIGATIONS_DOC and want in (c.section or "").lower()), None)
    if ctx.retriever is None:
        return shown
    try:
        hits = ctx.retriever.search(f"{want} tier obligations", k=8, filters={"doc_id": OBLIGATIONS_DOC})
    except Exception:  # noqa: BLE001 - the block is still shown, cited to what was shown if anything
        return shown
    parts = sorted((h.chunk for h in hits if want in (h.chunk.section or "").lower()), key=lambda c: _part(c.id))
    if not parts:
        return shown
    whole = Citation.from_chunk(shown.marker if shown is not None else len(ctx.sources) + 1, parts[0])
    whole.text = "\n".join(dict.fromkeys(c.text for c in parts))
    return whole


def applies_from(ctx: AgentContext, d: Decision, shown: list[Citation]) -> tuple[Row, Citation] | None:
    """The row of the AI Act timeline (a dated table) for the deciding route, from the shown sources or found
    by a search; None when no dated row clearly matches the route."""
    about = re.sub(r"\bArt\.", "Article", f"when does it apply {d.tier_name} {d.route} {'; '.join(d.reasons)}")
    found = dated_row(shown, about)
    if found is not None or ctx.retriever is None:
        return found
    try:
        hits = ctx.retriever.search(f"timeline dates obligations apply {d.route}", k=6, filters={"doc_type": "checklist"})
    except Exception:  # noqa: BLE001 - the decision stands without its date
        return None
    found = dated_row([Citation.from_chunk(0, h.chunk) for h in hits], about)
    if found is None:
        return None
    row, cite = found  # a new source, numbered after the shown ones
    return row, cite.model_copy(update={"marker": max((c.marker for c in shown), default=0) + 1})


def _part(chunk_id: str) -> int:
    tail = chunk_id.rsplit("#", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _compose(d: Decision, source: Citation | None = None, practice: str | None = None) -> str:
    tier = d.tier
    why = "; ".join(d.reasons)
    if tier == "minimal" and d.closest is not None:
        why += f" (closest rule, not matched: {d.closest.label})"  # no score: it reads as a figure of the law
    cite = f" [{source.marker}]" if source is not None else ""
    lines = [
        "",
        "Why: " + why,
        "**Deciding / applicable articles:** " + ", ".join(_articles(d)) + cite,
        "**NIST AI RMF:** " + ", ".join(R.NIST[tier]) + cite,
        "**Controls:** " + "; ".join(R.CONTROLS[tier]) + cite,
        "**Documentation:** " + "; ".join(R.DOCUMENTATION[tier]) + cite,
        "**Tests:** " + ("; ".join(R.TESTS[tier]) or "none") + cite,
        "**Human oversight:** " + R.OVERSIGHT[tier] + cite,
        "**Sign-offs:** " + ", ".join(R.SIGN_OFFS[tier]) + cite,
        *([practice] if practice else []),
        "The tier is provisional until the AI Review Board confirms it. A draft decision record awaits approval "
        "before it is recorded.",
    ]
    return "\n\n" + "\n".join(lines)


def _articles(d: Decision) -> list[str]:
    extra = ["Art. 50 (transparency obligations)"] if d.transparency and d.tier in ("high", "minimal") else []
    return R.ARTICLES[d.tier] + extra


def _structured(d: Decision, withheld: list[str]) -> dict:
    return {"tier": d.tier, "route": d.route, "reasons": d.reasons, "method": d.method,
            "transparency": d.transparency, "needs_review": d.needs_review,
            "matches": [dataclasses.asdict(m) for m in d.matches],
            "closest": dataclasses.asdict(d.closest) if d.closest else None,
            "withheld_other_tier": withheld}


def _payload(ctx: AgentContext, d: Decision) -> dict:
    tier = d.tier
    return {
        "use_case": ctx.question[:2000], "risk_tier": tier, "route": d.route, "articles": _articles(d),
        "nist_subcategories": R.NIST[tier], "controls": R.CONTROLS[tier], "documentation": R.DOCUMENTATION[tier],
        "tests": R.TESTS[tier], "human_oversight": R.OVERSIGHT[tier], "sign_offs": R.SIGN_OFFS[tier],
        "rationale": "; ".join(d.reasons)[:1000], "needs_review": d.needs_review,
        "matched_rules": [m.key for m in d.matches],
        "sources": [c.title for c in ctx.sources[:4]],
    }


def spec() -> AgentSpec:
    """Grounded on the governance documents. A use case a triage rule names by its keywords is triaged even when the
    search finds no passage close enough ("wristbands that pick up stress levels to rank engagement for the bonus":
    nothing above the relevance floor, and the answer was "the knowledge base does not cover this"); one no rule
    names is not called minimal risk on no sources."""
    agent = GovernanceAgent()
    return AgentSpec(name=agent.name, run=agent.run, grounded=True, needs_retrieval=True, about_assets=False,
                     filters=agent.filters, extra_queries=agent.extra_queries, starts_without_sources=named_by_a_rule)


def named_by_a_rule(text: str) -> bool:
    """A use case to classify that a triage rule matches by its keywords alone (no embedder, no sources needed)."""
    return wants_triage(text) and bool(triage(text, None).matches)
