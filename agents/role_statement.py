"""Who chairs, signs, approves or must be told: the sentence of the sources that says it, quoted (no model).

"Who chairs the G4 gate?" The 1.5B model answered "the AI product owner"; PB-001 says "Gates are chaired by the
Head of the AI Centre of Excellence (CoE)". A role name carries no figure, so the claim check cannot catch it.
When a question asks who performs one of these acts, the sentence, step or row of the shown sources that names
the act (in any of its forms) and a role, and holds most of the question's distinctive words
(:func:`copilot.agents.source_statement.best_sentence`), is the answer, quoted and cited. A question asking for a
person's name ("who is the site champion at Riverside") asks no act, so it is left to the coverage check.
"""

from __future__ import annotations

import re

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.lookup import markdown_table, markdown_tables
from copilot.agents.source_statement import best_sentence
from copilot.types import Citation

# the asked act -> how a sentence that assigns it is written ("chaired by", "(chair: COO)", "signs", "approval of")
ACTS: dict[str, re.Pattern[str]] = {
    "chair": re.compile(r"\bchair(?:ed|s)\b|\bchair:\s", re.I),
    "sign": re.compile(r"\bsign(?:s|ed|ing)?\b|\bsignatures?\b", re.I),
    "approve": re.compile(r"\bapprov\w*", re.I),
    "decide": re.compile(r"\bdecid\w*|\bdecision\b", re.I),
    "notify": re.compile(r"\bnotif\w*|\breport(?:s|ed)? to\b|\btell\b|\binform(?:s|ed)?\b|\bescalat\w*", re.I),
}
ASKS_WHO = re.compile(r"\bwho(?:'s| is| are| has| have| must| should| does| do (?:i|we)| can| needs? to| gets? to)?\s+"
                      r"(?:(?:to|be|has to|have to|need to|needs to)\s+)?"
                      r"(?P<act>chair|sign|approv|decid|notif|tell|inform|escalat|report)\w*", re.I)
# "who is the AIRB chair by name?", "who's the signatory on the decision record": the act named by its doer
ASKS_WHO_DOER = re.compile(r"\bwho(?:'s| is| are)\s+(?:the|our|their|your)\s+(?:[\w()-]+\s+){0,4}?"
                           r"(?P<act>chair|signator|signer|approver|decision[- ]maker)\w*", re.I)
_ACT_OF = {"chair": "chair", "signator": "sign", "signer": "sign", "approver": "approve", "decision maker": "decide",
           "decision-maker": "decide", "sign": "sign", "approv": "approve", "decid": "decide", "notif": "notify", "tell": "notify",
           "inform": "notify", "escalat": "notify", "report": "notify"}
# a sentence that assigns the act names who does it
ROLE = re.compile(r"\b(?:head|chief|officer|manager|chair|owner|lead|engineer|supervisor|board|committee|AIRB|HSE|"
                  r"legal|coordinator|champion|director|planner|operator|sponsor|steward)\b", re.I)
ROLE_SHARE = 0.5  # of the question's distinctive words; the act and a role are required besides
# "who chairs the AIRB at the moment? I need a name": the documents give roles, never the person holding one now
ASKS_NAME = re.compile(r"\b(?:a |the |their |his |her )?names?\b|\bat the moment\b|\bcurrently\b|\bright now\b|"
                       r"\bthese days\b|\bwho(?:'s| is) (?:it|that) (?:now|today)\b", re.I)


def role_statement(sources: list[Citation], question: str) -> tuple[str, Citation] | None:
    """(the quoted sentence, its source) saying who performs the act the question asks about; None otherwise."""
    m = ASKS_WHO.search(question) or ASKS_WHO_DOER.search(question)
    if m is None or not sources:
        return None
    act = ACTS[_ACT_OF[m["act"].lower()]]
    return best_sentence(sources, question, lambda text: bool(act.search(text)) and bool(ROLE.search(text)),
                         min_share=ROLE_SHARE)


def signoff_table(sources: list[Citation], question: str) -> tuple[str, Citation] | None:
    """(the table, its source) of the sign-offs a document requires ("| Role | Signature confirms |"), quoted whole
    when the question asks who signs ("who signs off G4?": every listed role signs; the model named one); the
    source must share a word with the question beyond the act (the gate's checklist for "G4")."""
    m = ASKS_WHO.search(question) or ASKS_WHO_DOER.search(question)
    if m is None or _ACT_OF[m["act"].lower()] != "sign":
        return None
    asked = content_terms(question) - content_terms("who signs sign off signature")
    for c in sources:
        for header, rows in markdown_tables(c.text):
            if len(header) >= 2 and ROLE_HEADER.search(header[0]) and any(ACTS["sign"].search(h) for h in header[1:]) \
                    and shared_terms(asked, content_terms(f"{c.title} {c.doc_id} {c.section} {c.text}")):
                return markdown_table(header, rows), c
    return None


ROLE_HEADER = re.compile(r"\brole\b|\bwho\b|\bsignator", re.I)


def render_signoffs(table: str, source: Citation) -> str:
    return f"Every role in this table signs ({source.title or source.doc_id}):\n\n{table} [{source.marker}]"


def render_role(sentence: str, source: Citation, question: str = "") -> str:
    """The sentence in the documents' words, cited; when the question asks for a person, first that the documents
    name the role, not who holds it."""
    lead = "The documents do not mention a person by name; they name the role. " if ASKS_NAME.search(question) else ""
    return f"{lead}In the documents' words ({source.title or source.doc_id}): \"{sentence}\" [{source.marker}]"
