"""What kind of answer a maintenance question needs, so the small model is asked for one shape only.

``fault``: a fault code or a symptom to diagnose (meaning, causes, first checks, then isolation);
``procedure``: how to do a task (the procedure's steps in order); ``lookup``: a named tag, code or
part and one of its attributes (read from its row); ``information``: anything else (a direct answer).
Aggregates over tables are decided earlier by the table planner.
"""

from __future__ import annotations

import re

from copilot.identifiers import fault_codes, identifiers

PROCEDURE = re.compile(
    r"\bhow (?:do|should|can|must|would) (?:i|we|you|one)\b(?! (?:know|tell))|\bhow to\b|\bprocedure\b|\bsteps?\b"
    r"|\bwhat (?:is|are) the (?:[\w-]+ ){0,2}(?:steps|sequence)\b|\bin what order\b|\bwalk me through\b"
    r"|\bwhat(?:'s| is|s)? the (?:actual |proper |right |correct |official )?(?:process|procedure|way to)\b", re.I)
# a situation, then "what now?" (no fault, no symptom): the procedure for that situation
WHAT_NOW = re.compile(r"\bwhat (?:now|do (?:i|we) do(?: now)?)\s*\??\s*$", re.I)
# a joined "what's supposed to happen?": the action of the row or band quoted for the first part answers it
NEXT_STEP = re.compile(r"\s*(?:what(?:'s| is)? (?:supposed to|meant to|should|going to) happen(?: next| now)?|"
                       r"what happens(?: next| now)?|what now|what do (?:i|we) do(?: now| next)?)\s*\??\s*", re.I)
SYMPTOM = re.compile(
    r"\b(trip(?:s|ped|ping)?|alarm\w*|fault\w*|vibrat\w*|leak\w*|overheat\w*|noisy|noise|hot(?! work)|smok\w*|won'?t start|"
    r"keeps? stopping|cavitat\w*|seized|stuck|failed|failing|broken|what (?:should|do|can|must) (?:i|we) check|check first|"
    r"why (?:is|does|did|do)|what causes|root cause|troubleshoot\w*|diagnos\w*)\b", re.I)


# "can the shift sup just cut it off?", "do I need a hot work permit to grind?": whether something is allowed or
# required is answered by a rule the procedures state in words (a direct answer, not a diagnosis)
# ("at what temp do we have to stop the conveyor" asks a value: no question word may open the clause)
PERMISSION = re.compile(r"(?:^|(?<=[.?!,;:])|\b(?:and|but|so|or)\b)(?:(?!\b(?:what|which|how|who|why|when|where)\b)"
                        r"[^.?!,;:])*?(?:"
                        r"\b(?:can|may|could|must|should) (?:i|we|he|she|they|you|(?:the|a|an|our|my) \w+(?: \w+)?)"
                        r"(?: just| still| now)? (?!(?:get|have|see|find|know|check|tell|give|look)\b)[a-z]+|"
                        r"\b(?:is it|are we|am i|is \w+) (?:ok(?:ay)?|allowed|permitted|fine)\b|"
                        r"\bdo (?:i|we|you|they) (?:really |actually |still |even )?(?:need|have to)\b)", re.I)


def answer_shape(question: str) -> str:
    """fault | procedure | lookup | information (see module docstring)."""
    if fault_codes(question) and not PROCEDURE.search(question):
        return "fault"
    if PROCEDURE.search(question):
        return "procedure"
    if PERMISSION.search(question) and not re.search(r"\bwhat should i check|\bcheck first\b", question, re.I):
        return "information"
    if SYMPTOM.search(question):
        return "fault"
    if WHAT_NOW.search(question):
        return "procedure"
    if identifiers(question):
        return "lookup"
    return "information"


# "how far do I move combustibles and how long is the fire watch after": a second question joined by "and"
_JOINED = r"(?:,|\s)\s*(?:and|&|\+|also|plus)\s+"
_WH = r"(?:how|what|when|who|which|where|whats|what's)\b"
FOLLOW_ON = re.compile(_JOINED + r"(?=" + _WH + r")", re.I)
# "Are we good to go in? If not, can the lads go in wearing breathing apparatus?": a second question after the first's "?"
_NEXT_QUESTION = r"\?\s+(?:(?:if (?:not|so)|otherwise|and|also|then),?\s+)?"
# "whats E-208 mean? and has that one ever come up before", "... and do we need the tripod": a yes/no question joined
FOLLOW_ON_ANY = re.compile(f"(?:{_JOINED}|{_NEXT_QUESTION})" + r"(?=" + _WH +
                           r"|(?:do|does|did|is|are|has|have|can|could|would|will|may|should|must|"
                           r"was|were)\s+"
                           r"(?:we|i|you|it|that|this|there|they|the|a|an|any)\b)", re.I)


# "what gas readings do we need before anyone goes in, how often do we retest": a question after a comma, when the
# part before the comma is a question too ("P-101 tripped, what should I check" is one question)
_COMMA_ASK = re.compile(r",\s+(?=" + _WH + r")", re.I)
_ASKS = re.compile(r"\b" + _WH, re.I)
# "P-101 seal leaking, do we have a spare in stores?": a yes/no question after a described situation is its own ask
_COMMA_YES_NO = re.compile(r",\s+(?=(?:do|does|is|are|have|has|can|should)\s+(?:we|i|you|there|they)\b)", re.I)


def split_asks(question: str, yes_no: bool = False) -> list[str]:
    """The question's parts: the first question, then each one joined to it (see :func:`follow_on_asks`)."""
    parts: list[str] = []
    for part in (FOLLOW_ON_ANY if yes_no else FOLLOW_ON).split(question):
        if yes_no and len(situation := _COMMA_YES_NO.split(part, maxsplit=1)) == 2 and not _ASKS.search(situation[0]):
            parts += [situation[0], situation[1]]
            continue
        pieces = _COMMA_ASK.split(part)
        head = pieces[0]
        for piece in pieces[1:]:
            if _ASKS.search(head):
                parts.append(head)
                head = piece
            else:
                head = f"{head}, {piece}"
        parts.append(head)
    return [p.strip(" ?,") for p in parts]


def follow_on_asks(question: str, yes_no: bool = False) -> list[str]:
    """The questions joined to the first one ("... and how long is the fire watch after", "..., how often do we
    retest"), each searched on its own so its passage is shown too; [] for a single question. ``yes_no`` also
    splits off a joined yes/no question ("... and do we need the tripod"), for the parts a quoted answer leaves
    open; the model's prompt keeps those in one question (asked as a separate line, it answered a bare "Yes")."""
    return [p for p in split_asks(question, yes_no)[1:] if len(p.split()) >= 3]


# "has that one ever come up before", "did we see it last time": asks the records, not the manuals
ASKS_PAST = re.compile(r"\bever\b|\b(?:come up|happened|occurred|seen|had|failed) (?:\w+ )?before\b|\bprevious(?:ly)?\b|"
                       r"\blast time\b|\bin the past\b|\bhistory\b", re.I)

# a joined question that points back at what the first part named: "has that one come up before", "is it in stores"
REFERS_BACK = re.compile(r"\b(?:it|its|that|this|those|these|they|them|the same|that one|this one)\b", re.I)
