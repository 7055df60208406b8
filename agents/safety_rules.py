"""Regular expressions behind the safety gate (agents/safety.py), kept apart so they can be reviewed.

All patterns run on lower-cased, whitespace-normalised text.
"""

from __future__ import annotations

import re

_F = re.IGNORECASE

# Verbs that defeat a safety device (matched near a safety object, same sentence).
BYPASS_VERB = re.compile(
    r"\b(by-?pass(?:ed|es|ing)?|jumper(?:ed|ing|s)?|jump(?:ing|ed)? (?:it |them )?out|defeat(?:ed|ing|s)?"
    r"|overrid(?:e|es|ing|den)|override|disabl(?:e|ed|es|ing)|mut(?:e|ed|es|ing)|silenc(?:e|ed|ing)"
    r"|inhibit(?:ed|ing|s)?|deactivat(?:e|ed|ing)|forc(?:e|ed|ing)|cheat(?:ed|ing|s)?|trick(?:ed|ing)?"
    r"|fool(?:ed|ing)?|short(?:ed|ing)? (?:out|across)|strap(?:ped|ping)? out|tap(?:e|ed|ing) (?:down|over|up)"
    r"|(?:zip|cable)[- ]?ti(?:e|ed|ing)|ti(?:e|ed|ing) (?:(?:the |it |them |that |this )?[\w-]{1,20} ){0,2}?"
    r"(?:off|back|down|up|out)|wedg(?:e|ed|ing)"
    r"|block(?:ed|ing)? (?:open|out)|gag(?:ged|ging)?|cap(?:ped|ping)? off|plug(?:ged|ging)? (?:up|off)?"
    r"|turn(?:ed|ing)? off|switch(?:ed|ing)? off|shut(?:ting)? off|get(?:ting)? around|work(?:ing)? around"
    r"|get(?:ting)? past|circumvent(?:ed|ing)?|neutrali[sz](?:e|ed|ing)|kill(?:ed|ing)?)\b",
    _F,
)

# Safety devices and functions.
BYPASS_OBJECT = re.compile(
    r"\b(interlocks?|safety (?:switch|switches|relay|relays|circuit|plc|device|devices|function|functions|system"
    r"|valve|gate|mat|scanner|edge|sensor|sensors|controller|interlock|chain|loop|guard|guards)"
    r"|(?:machine |fixed |door |gate |guard )?guards?(?: door| switch| interlock)?|guarding"
    r"|(?:high[- ]pressure |overspeed |overload |low[- ]level |high[- ]level |vibration |temperature )?trips?"
    r"|trip (?:switch|function|circuit|setting)|e-?stops?|emergency[- ]stops?|estop|(?:pull[- ]?)?cords?"
    r"|pull[- ]?wire|light[- ]?curtains?|area scanner|presence[- ]sensing|two[- ]hand (?:control|controls|buttons)"
    r"|(?:pressure )?relief valves?|pressure relief(?: valve| device)?|prv|psv|rupture dis[ck]|burst dis[ck]"
    r"|door switch|gate switch|limit switch(?:es)? on the guard|dead-?man(?:'s)? (?:switch|pedal|handle)"
    r"|gas (?:detector|detectors|alarm|alarms|monitor)|fire (?:alarm|alarms|suppression|detection)"
    r"|(?:high[- ]temperature |thermal )?cut-?outs?|overspeed (?:switch|protection)|zero[- ]speed switch"
    r"|belt sway switch|safety interlock|lockout (?:switch|device))\b",
    _F,
)

# Fixed phrases that are a bypass on their own.
BYPASS_PHRASES = re.compile(
    r"\b(put(?:ting)? (?:it |them |the [\w -]{1,30}?)?(?:in|into|on) bypass|in bypass mode"
    r"|forc(?:e|ing) (?:the |a |an )?(?:plc |safety )?(?:bit|bits|input|inputs|output|tag|coil)"
    r"|jumper (?:across|out|over) |cheat (?:the |a )?[\w -]{0,20}?(?:switch|key|sensor)"
    r"|run(?:ning)? (?:it |the [\w -]{1,25}?)?(?:with|without) (?:the |its )?(?:guards?|door) (?:off|open|removed)"
    r"|run(?:ning)? (?:it |the [\w -]{1,25}?)?without (?:the |its |any )?guards?"
    r"|with the guards? (?:off|removed|open)|spare key (?:in|for) the (?:interlock|guard)"
    r"|(?:raise|raising|increase|increasing|turn up) the (?:relief|trip) (?:setting|pressure|set ?point) (?:above|past|beyond)"
    # making a sensor or switch lie: "to read closed while the door is open", "think it's covered so ..."
    r"|(?:read|reads|show|shows|think|thinks|report|reports|see|sees) (?:that )?(?:it'?s |it is |they'?re )?"
    r"(?:closed|shut|made|safe|healthy|normal|full|empty|covered|present|in place)\b[^.?!]{0,30}?"
    r"\b(?:while|when|with|even|but|though|so)"
    # changing a trip, alarm or relief so it stops acting
    r"|(?:set|change|raise|increase|move|push|adjust)\b[^.?!]{0,40}?\b(?:trip|alarm|relief|interlock)\b[^.?!]{0,40}?"
    r"\bso (?:that )?(?:it|they|the [\w -]{1,25}?) (?:stops?|won't|will not|never|doesn't|does not|no longer))",
    _F,
)

# Working live without the procedure.
_INTERVENE = (
    r"(?:replac(?:e|ing)|chang(?:e|ing)|swap(?:ping)?|fix(?:ing)?|repair(?:ing)?|work(?:ing)? (?:on|in|inside)"
    r"|clear(?:ing)?|unjam(?:ming)?|remov(?:e|ing)|open(?:ing)?|re-?wir(?:e|ing)|wir(?:e|ing)|tighten(?:ing)?"
    r"|adjust(?:ing)?|clean(?:ing)?|reach(?:ing)? (?:in|into)|enter(?:ing)?|touch(?:ing)?|install(?:ing)?"
    r"|disconnect(?:ing)?|connect(?:ing)?|splic(?:e|ing)|terminat(?:e|ing)|pull(?:ing)?|grab(?:bing)?|do (?:it|the job)"
    r"|crack(?:ing)?|loosen(?:ing)?|undo(?:ing)?|unbolt(?:ing)?|break(?:ing)? (?:the |a )?(?:flange|joint|line|seal))"
)
ENERGIZED = re.compile(
    rf"\b{_INTERVENE}\b[^.?!]{{0,60}}?\b(?:while|with|when)\b[^.?!]{{0,35}}?\b(?:still |is |are |being |left )*"
    r"(?:live|energi[sz]ed|powered(?: up| on)?|power(?:ed)? on|running|rotating|moving|turning|under pressure"
    r"|pressuri[sz]ed|hot|under load|(?:still )?(?:has|having|with) (?:steam|pressure|product|gas|air) in it)\b"
    # "swap the breaker hot, ..." / "re-terminate it live."
    rf"|\b{_INTERVENE}\b[^.?!]{{0,40}}?\b(?:hot|live)\b(?=\s*(?:[,.;!?]|$|while|without|with no|because|as we))"
    rf"|\b{_INTERVENE}\b[^.?!]{{0,40}}?\b(?:live|energi[sz]ed|hot) (?:panel|bus|busbar|wiring|wires?|circuit|terminals?"
    r"|conductors?|parts|mcc|bucket|equipment|motor|line|switchgear|cabinet)\b"
    r"|\bwithout (?:first )?(?:isolating|de-?energi[sz]ing|switching (?:it )?off|turning (?:it |the power )?off"
    r"|shutting (?:it |the [\w -]{1,20}?)?(?:down|off)|cutting (?:the )?power|killing (?:the )?power|removing (?:the )?power"
    r"|bleeding (?:off )?(?:the )?(?:pressure|air|hydraulics?)|stopping (?:it|the [\w -]{1,20}))"
    r"|\b(?:keep|leave|leaving|keeping) (?:it|the [\w -]{1,25}?) (?:live|energi[sz]ed|powered)\b[^.?!]{0,30}?\b(?:while|and) (?:i|we)\b"
    r"|\b(?:don't|do not|no need to|without needing to) (?:de-?energi[sz]e|isolate|switch off|turn off the power)\b",
    _F,
)

# A defeating verb aimed at a pronoun ("how can I disable it?"): a hit when the text names a device/permit.
PRONOUN_TARGET = re.compile(r"^\s+(?:it|them|this|that|those|these)\b", _F)
PERMIT_WORD = re.compile(r"\b(?:permits?|ptw|lock-?out|loto|tag-?out|isolation|confined[- ]space|hot[- ]work)\b", _F)
SKIP_VERB = re.compile(r"\b(?:skip(?:ping)?|by-?pass(?:ing)?|ignor(?:e|ing)|avoid(?:ing)?|forget|forgo"
                       r"|get(?:ting)? (?:around|out of)|dispense with)\b", _F)

SKIP_PERMIT = re.compile(
    r"\b(?:skip(?:ping)?|by-?pass(?:ing)?|ignor(?:e|ing)|avoid(?:ing)?|forget(?:ting)?|forgo|get(?:ting)? (?:around|out of)"
    r"|without|no need for|(?:don't|do not|dont|doesn't) need|not bother(?:ing)? with|(?:don't|do not) bother with"
    r"|dispense with|leave out|skip out on|cut out)\b(?: a| the| any| our| my)?[^.?!]{0,20}?\b"
    r"(?:permits?|permit[- ]to[- ]work|ptw|lock-?out(?:/tag-?out)?|lock(?:ing)? (?:it |them )?out|loto|tag-?out"
    r"|isolation (?:procedure|certificate|step)|lock and tag|locking and tagging|confined[- ]space (?:entry|permit)"
    r"|hot[- ]work (?:permit|paperwork)|gas test(?:ing)?|the paperwork|try[- ]?out|tryout)\b"
    # removing a lock that isolates equipment, or faking the permit
    r"|\b(?:take|taking|remove|removing|cut|cutting|pull|pulling)\s+(?:off\s+)?(?:my|his|her|their|the|a|someone'?s"
    r"|the other [\w']+)\s+(?:pad)?locks?\s+(?:off|from)\s+(?:the\s+)?(?:isolator|breaker|disconnect|switch|valve"
    r"|panel|mcc|main)"
    r"|\b(?:sign|signing|fill|filling) (?:in |out )?(?:the |a )?(?:[\w-]+ )?permit\b[^.?!]{0,30}?\b(?:for me|backdat\w*)"
    r"|\bbackdat\w* (?:the |a )?(?:[\w-]+ )?permit\b",
    _F,
)

# Asking about the rule rather than asking to break it.
_PROCESS = (
    r"who (?:can |must |should |is allowed to )?(?:approve|authori[sz]e|sign)|approv(?:al|e|ed|er)|authori[sz](?:ed|ation|e)"
    r"|management of change|\bmoc\b|bypass (?:register|log|permit|form|procedure|policy|request|management)"
    r"|(?:as )?per (?:the |our )?(?:sop|procedure)|according to (?:the |our )?(?:sop|procedure)|energi[sz]ed[- ]work permit"
    r"|toolbox talk|safety (?:briefing|training|talk|alert)|lessons? learned|incident (?:report|investigation)"
)
_QUESTION = (
    r"^(?:what|why|when|who|which|where|explain|describe|what's|whats|define|is it (?:ever )?(?:legal|allowed|acceptable"
    r"|permitted|ok)|are (?:we|operators|technicians) (?:ever )?allowed)\b|\b(?:risks? of|dangers? of|dangerous"
    r"|consequences? of|what happens if|why (?:is|are|should|must)|is it ever|what does [\w -]{1,40} do"
    r"|how does [\w -]{1,40} work|incidents? (?:caused|where))\b"
)
_IMPERATIVE = (
    r"\b(?:how (?:do|can|could|should|would) (?:i|we)|how to|help me|tell me how|show me how|steps to|walk me through"
    r"|(?:quickest|fastest|easiest|best|simplest|quick) way|can (?:i|we|you)|could (?:i|we|you)|let me|let's"
    r"|(?:i|we) (?:need|want|have|got) to|i'm going to|we're going to|is it ok(?:ay)? (?:to|if) (?:i|we))\b"
)
_EVASION = (
    r"\b(?:without (?:a |the |any )?(?:permit|approval|authori[sz]ation|telling|anyone|paperwork|supervisor|signing)"
    r"|so (?:that )?(?:we|i) can|keep (?:it|the [\w-]+(?: [\w-]+)?) running|nobody|no one will|don't tell|secretly"
    r"|for (?:a few|five|ten|\d+) (?:minutes|mins|hours|shifts?)|just for)\b"
)
PROCESS_FRAME = re.compile(_PROCESS, _F)
QUESTION_FRAME = re.compile(_QUESTION, _F)
IMPERATIVE = re.compile(_IMPERATIVE, _F)
EVASION = re.compile(_EVASION, _F)

INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|overrule|bypass|skip|drop)\b[^.?!\n]{0,25}?\b(?:previous|prior|above|earlier"
    r"|preceding|original|initial|system|all (?:the |your )?|your|these|those|any)\s*(?:\w+\s+)?(?:instructions?|prompts?"
    r"|rules|guidelines|directions|guardrails|restrictions|polic(?:y|ies)|programming|context)\b"
    r"|\byou are now\b|\bfrom now on,? (?:you|act|respond|answer)\b|\bnew (?:instructions|rules|system prompt|role)\s*:"
    r"|\b(?:act|behave|respond) as (?:if you (?:were|are) )?(?:an? )?(?:unrestricted|unfiltered|jailbroken|dan|evil"
    r"|different|uncensored)\b|\bpretend (?:to be|you are|you're|that you)\b|\broleplay as\b"
    r"|\b(?:reveal|show|print|display|repeat|output|leak|dump|tell me|give me|what is|what's|what are|share)\b"
    r"[^.?!\n]{0,25}?\b(?:system prompt|system message|hidden (?:instructions|prompt|rules)|initial (?:instructions"
    r"|prompt)|your (?:instructions|prompt|rules|configuration|guidelines)|the prompt above|instructions above)\b"
    r"|\bdeveloper mode\b|\bjailbreak(?:en|ed)?\b|\bdo anything now\b|\bdan mode\b"
    r"|\b(?:with no|without (?:any )?) (?:restrictions|filters|guardrails|safety rules|rules)\b"
    r"|<\|im_start\|>|<\|im_end\|>|\[/?inst\]|<<sys>>|###\s*(?:system|instruction)",
    _F,
)

CHAT_TOKENS = re.compile(r"<\|(?:im_start|im_end|endoftext|system|user|assistant|eot_id|start_header_id"
                         r"|end_header_id)\|>|\[/?INST\]|<</?SYS>>", _F)
