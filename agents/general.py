"""General agent (what the copilot is, which documents it knows, and what its user guide says about how it works)
and the out-of-scope decline."""

from __future__ import annotations

import re

from copilot.agents.base import AgentContext, AgentResult, AgentSpec, say
from copilot.agents.prompts.shared import direct_answer
from copilot.agents.quoted import model_answer, quoted_answer
from copilot.retrieval.base import Filters

CAPABILITIES = (
    "I am Industrial Copilot, running fully on this site's hardware. I can help with:\n"
    "- **AI readiness**: score your organisation or a use case on six dimensions and draft a phased roadmap;\n"
    "- **AI governance**: classify an AI use case under the EU AI Act and NIST AI RMF, list the controls and "
    "draft a decision record;\n"
    "- **Maintenance troubleshooting**: from symptoms, alarms or fault codes to likely causes, safe checks and "
    "a proposed work order.\n"
    "Every answer cites the plant documents it uses, and nothing is recorded without a person's approval."
)
# asks for the list of documents ("which documents do you have?"), not how the copilot uses them ("how does it cite
# its sources?": the capabilities, which say that every answer cites its documents)
LIST_DOCS = re.compile(r"\b(?:(?:which|what|list|show)\b[^?]{0,30}\b(?:documents?|docs|sources|files|manuals)\b(?! work)|"
                       r"knowledge base|what do you know)\b", re.I)


# greetings and "what can you do": the capabilities, no document needed
CAPABILITY_ASK = re.compile(r"^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks?|thank you|help)\b|"
                            r"\bwhat (?:can|do) you (?:do|know|cover|help)|\bwho are you\b|\bwhat are you\b|"
                            r"\bhow (?:do|can) (?:you|i use you)\b|\bwhat is (?:this|the) (?:copilot|assistant)\b", re.I)


ABOUT_THE_COPILOT = direct_answer("how this plant copilot works: its approvals, sources, roles and limits")


def about_itself(question: str) -> bool:
    """A greeting, a capabilities question or a request for the document list: answered without sources."""
    return bool(CAPABILITY_ASK.search(question) or LIST_DOCS.search(question)) or len(question.split()) <= 3


class GeneralAgent:
    name = "general"

    def filters(self, question: str) -> Filters | None:
        return None

    def run(self, ctx: AgentContext) -> AgentResult:
        if ctx.sources and not about_itself(ctx.original):  # "could we let it raise work orders without approval?"
            return quoted_answer(ctx, ABOUT_THE_COPILOT) or model_answer(ctx, ABOUT_THE_COPILOT)  # what the user guide says, cited
        text = CAPABILITIES
        if LIST_DOCS.search(ctx.original) and ctx.retriever is not None:
            try:
                docs = ctx.retriever.documents()
            except Exception:  # noqa: BLE001 - an unreadable index must not break the answer
                docs = []
            if docs:
                lines = [f"- {d.get('title') or d.get('doc_id')} ({d.get('doc_type') or 'document'}"
                         + (f", rev {d['revision']}" if d.get("revision") else "") + ")" for d in docs[:60]]
                more = f"\n... and {len(docs) - 60} more." if len(docs) > 60 else ""
                noun = "document" if len(docs) == 1 else "documents"
                text = f"The knowledge base holds {len(docs)} {noun}:\n" + "\n".join(lines) + more
            else:
                text = "The knowledge base is empty: add documents with `copilot ingest PATH`."
        say(ctx, text)
        return AgentResult(text=text, grounded=False)


class OutOfScopeAgent:
    name = "out_of_scope"

    def filters(self, question: str) -> Filters | None:
        return None

    def run(self, ctx: AgentContext) -> AgentResult:
        text = ("Sorry, that is outside what I can help with. I answer questions about AI readiness and "
                "scaling AI pilots, AI governance (EU AI Act, NIST AI RMF) and plant maintenance "
                "troubleshooting, from this site's documents.")
        say(ctx, text)
        return AgentResult(text=text, grounded=False)


def general_spec() -> AgentSpec:
    """What the copilot is and which documents it knows (no sources needed); anything more specific about how it
    works is answered from the retrieved documents (its user guide), grounded like any answer."""
    return AgentSpec(name=GeneralAgent.name, run=GeneralAgent().run, grounded=True, needs_retrieval=True,
                     starts_without_sources=about_itself, about_assets=False)


def out_of_scope_spec() -> AgentSpec:
    """Not grounded: the fixed decline."""
    return AgentSpec(name=OutOfScopeAgent.name, run=OutOfScopeAgent().run)
