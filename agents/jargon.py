"""Shop-floor words the documents write otherwise: "megger" is an insulation resistance test.

A technician asks "annual megger on M-102 came back at 45 meg, whats the limit"; the motor guide writes
"Insulation resistance ... >= 100 MOhm". The embedder does not know the slang (best cosine 0.22, below the
relevance floor, so the turn said the knowledge base does not cover it). The search query gets the documents'
words in brackets after the slang, the way parts named by their parent are noted; the question shown is unchanged.
"""

from __future__ import annotations

import re

# slang -> how the site's documents write it (only terms whose meaning is fixed in maintenance work)
JARGON: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), words) for p, words in (
    (r"\bmegg(?:er|ered|ing|ed)\b|\bmeg(?:ger)? test\b", "insulation resistance test"),
    (r"\b\d+(?:[.,]\d+)?\s?megs?\b|\b\d+(?:[.,]\d+)?\s?meg(?:ohms?|-ohms?)\b", "MΩ"),
    (r"\bmech\.? seals?\b", "mechanical seal"),
    (r"\bg(?:/)?bx\b|\bg/box\b", "gearbox"),
    (r"\bIR (?:test|reading|value|result)s?\b|\bIR\b(?=\s*(?:[:=]|is|of|at|was)?\s*\d)", "insulation resistance"),
    (r"\bVSDs?\b|\binverters?\b", "variable frequency drive VFD"),
    (r"\bRCA\b(?!-)", "root cause analysis"),
    (r"\bFe\b(?=\s*[:=]?\s*\d)", "iron"),  # an oil report's iron reading, "Fe 75 ppm"
    # a way to stop an AI system at once, as governance documents write it
    (r"\bkill[- ]?switch(?:es)?\b|\boff[- ]switch(?:es)?\b|\bbig red button\b", "override, disengage or switch off"),
    # welding, an angle grinder or torch cutting outside a welding bay is hot work under a permit ("grinding" is a noise)
    (r"\bweld(?:er|ers|ing|ed)?\b|\bangle grinder\b|\b(?:cutting |oxy-?acetylene )?torch\b|\bbrazing\b",
     "hot work permit"),
    (r"\bSIS\b|\bSIFs?\b|\bsafety trips?\b|\btrip (?:loops?|systems?)\b", "safety instrumented functions"),
    # a gate checklist's two kinds of item, and its outcome without conditions, as people say them
    (r"\bnice[- ]to[- ]haves?\b(?: (?:checklist )?items?)?|\boptional (?:checklist )?items?\b", "advisory (A) items"),
    (r"\bmust[- ]haves?\b(?: (?:checklist )?items?)?", "mandatory (M) items"),
    (r"\b(?:straight|clean|plain|outright|unconditional) go\b", "Go decision"),
    # "how long can a pilot run from G1 before we have to make the call": the pilot's timebox and its decision
    (r"\bhow long (?:can|may|should|does|do|is) (?:a|the|our|this|that) pilot (?:run|last|go on|take|allowed)\b|"
     r"\bpilot (?:length|duration)\b", "pilot timebox"),
    (r"\bmake (?:the|a) call\b", "decision"),
    # "can we just keep it running as a pilot", "can we keep going": what the documents call continuing
    (r"\bkeep (?:it |them |the \w+ )?(?:going|running|on)\b|\bcarry(?:ing)? on\b", "continue"),
    # "can we just stretch the permit till 6pm": how long a permit is valid
    (r"\b(?:stretch|extend|prolong|renew)\w* (?:the |our |my |his |her |a )?(?:hot work |work )?permit\b|"
     r"\bpermit\b[^.?!]{0,30}\b(?:stretch|extend|prolong)\w*", "permit is valid for one shift"),
    # someone else's lock left on ("his red lock is still on ... can we cut it off"): the abandoned-lock rule
    (r"\b(?:cut|cutting|take|taking|pull|pulling|remove|removing|grind|grinding|bolt[- ]?crop\w*) (?:it |his |her |their "
     r"|the |that |somebody's |someone's |\w+'s )?(?:lock |padlock )?off\b|\b(?:his|her|their|\w+s|\w+'s) (?:red |personal )?"
     r"(?:lock|padlock) (?:is )?still on\b", "removal of an abandoned lock"),
))


def expand_jargon(query: str) -> str:
    """``query`` with the documents' words after each slang term: "megger (insulation resistance test)"."""
    out = query
    for pattern, words in JARGON:
        if " ".join(words.split()[:2]).lower() in out.lower():  # the documents' words are there already
            continue
        out = pattern.sub(lambda m, w=words: f"{m.group(0)} ({w})", out, count=1)
    return out


def jargon_notes(query: str) -> list[str]:
    """The documents' words :func:`expand_jargon` added to ``query`` (searched on their own as well: "cut his lock
    off" is about the abandoned-lock rule, which a search on the whole question ranks below the asset's guides)."""
    return [words for pattern, words in JARGON if f"({words})" in query]
