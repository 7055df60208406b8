"""Cheap lexical routing signals: fault codes, asset tags, strong keywords, terse follow-ups.

Every rule is a ``(regex, weight)`` pair attached to one route; :func:`keyword_scores` sums the
weights of the rules that match. Fault codes and asset tags are "strong" signals for the
maintenance route. Patterns run on the raw text with ``re.IGNORECASE`` unless noted.
"""

from __future__ import annotations

import re

from copilot.identifiers import MENTIONED_ASSET_TAG, MENTIONED_FAULT_CODE

_I = re.IGNORECASE

# Fault / alarm codes and asset tags as a question mentions them (copilot.identifiers holds the rules).
FAULT_CODE = MENTIONED_FAULT_CODE
ASSET_TAG = MENTIONED_ASSET_TAG

_MAINTENANCE = [
    (r"\bpumps?\b|\bmotors?\b|\bcompressors?\b|\bconveyors?\b|\bgear ?box(?:es)?\b|\bchillers?\b|\bboilers?\b", 1.5),
    (r"\b(?:hydraulic|stamping|punch|brake|injection|mechanical|power) press(?:es)?\b|\bpress (?:PR-|ram|die|tonnage)", 1.5),
    (r"\bbearings?\b|\bseals?\b|\bimpellers?\b|\bcouplings?\b|\bshafts?\b|\brotors?\b|\bbelts?\b|\bvalves?\b"
     r"|\bgaskets?\b|\bfans?\b|\bblowers?\b|\bheat exchangers?\b|\bcondensers?\b|\bevaporators?\b|\bfilters?\b"
     r"|\bhoses?\b|\bfittings?\b|\bcontactors?\b|\bfuses?\b|\bbreakers?\b|\bvfds?\b|\bdrives?\b|\bhaul trucks?\b", 1.0),
    (r"\bvibrat\w*|\bcavitat\w*|\boverheat\w*|\bleak\w*|\bnois[ey]\w*|\brattl\w*|\bsqueal\w*|\bgrinding\b|\bknocking\b"
     r"|\bhot\b|\bsmok\w*|\bworn\b|\bwear\b|\bcorro\w*|\bcrack\w*|\bjam\w*|\bstall\w*|\bslipp\w*|\bmisalign\w*", 1.0),
    (r"\balarms?\b|\bfault\w*|\btrip(?:s|ped|ping)?\b|\bshut ?down\b|\bwon'?t start\b|\bkeeps? stopping\b|\bbreakdown\b", 1.0),
    (r"\block-?out\b|\bloto\b|\btag-?out\b|\bwork orders?\b|\bfmea\b|\bsops?\b|\bfailure modes?\b|\brpn\b|\bmtbf\b|\bmttr\b"
     r"|\blubricat\w*|\bgrease\b|\boil (?:level|analysis|pressure|leak)|\bspare parts?\b|\bpreventive maintenance\b"
     r"|\btroubleshoot\w*|\broot cause\b|\bdischarge pressure\b|\bsuction\b|\bamps?\b|\bcurrent draw\b|\brefrigerant\b"
     r"|\binterlocks?\b|\be-?stops?\b|\bguards?\b|\brepair\w*|\breplace\w*|\bisolat\w*", 1.0),
    # the stores: spares, stock and lead times are the plant's own records
    (r"\bspares?\b|\blead ?times?\b|\bin (?:the )?stores\b|\bstores? (?:location|bin)\b|\bbin locations?\b", 1.5),
    # the site's own records and permits to work
    (r"\basset register\b|\bmaintenance history\b|\bdowntime\b|\bconfined spaces?\b|\bgas tests?\b|\bwet well\b"
     r"|\bpermits? to work\b|\bhot work\b|\bfire watch\b|\bzero energy\b|\blocked and tagged\b|\bcriticality\b", 2.0),
]
_GOVERNANCE = [
    # asking for an AI Act tier is a governance question whatever plant equipment the use case names
    (r"\b(?:risk )?tiers?\b|\bemotion recognition\b|\bsocial scoring\b|\bbiometric\w*", 4.0),
    # an AI tool that ranks, scores or watches people is a use case to classify, whatever work it hands out
    (r"\b(?:rank|scor|rat|monitor|profil|track|evaluat|shortlist|screen)\w* (?:our |the |all |each |individual |every )?"
     r"(?:maintenance |shift |field |contract )?(?:technicians|workers|staff|employees|operators|candidates|applicants|"
     r"people|personnel|drivers|engineers|fitters)\b|\b(?:category|class|bucket) (?:would|does|will|do) (?:that|this|it) "
     r"(?:fall|land|sit|come)\b", 3.0),
    # the site's AI Review Board (its chair, its sign-offs, its triage) is the governance body
    (r"\bAIRB\b|\bai (?:review|governance) board\b|\brisk triage\b", 2.5),
    # the governance checklists by number, and what their review finds
    (r"\bCL-?00[457]\b|\bgovernance review\b|\b(?:critical|major|minor)s?\b(?= (?:findings?|or|and|but)\b)|"
     r"\b(?:critical|major|minor) findings?\b|\btwo majors\b", 3.0),
    # how an AI function is classed and from when the rules apply, whatever machine it is part of
    (r"\bhow (?:do|should|would|will|can) (?:we|i|you) (?:classify|class)\b(?! (?:the )?(?:defects?|failures?|faults?"
     r"|images?|parts?|products?|alarms?|work orders?))|\bclassif\w+ (?:under|by) (?:the )?(?:law|act|regulation)"
     r"|\b(?:which|what) (?:ai )?rules apply\b|\bwhen do the rules apply\b", 3.0),
    # the governance review's human-oversight levels H0-H3 ("which oversight level is that? could we run it at H3")
    (r"\boversight levels?\b|\bH[0-3]\b", 2.5),
    # how much an AI system may do on its own, whatever it controls ("let a model act on its own within limits")
    (r"\b(?:act|acts|acting|run|runs|decide|decides|operate|operates) on its own\b|\bautonom\w*|\bself-acting\b"
     r"|\bwithout (?:a |any )?(?:human|person|operator)'?s? (?:approv\w*|sign-?off|check\w*|in the loop)", 2.5),
    # reading people's faces or emotions at work is an AI Act question whichever site asks it
    (r"\b(?:reads?|scans?|analy[sz]\w*|watch\w*) (?:\w+'s |\w+s' |the )?faces?\b|\bfacial (?:expression|recognition|analysis)"
     r"|\bemotion (?:recognition|detection|ai)\b", 2.5),
    (r"\b(?:eu )?ai act\b|\bnist\b|\bai rmf\b|\brmf\b|\biso/?(?:iec)? ?42001\b|\bgdpr\b"
     r"|\bprovider or (?:an? )?deployer\b|\bdeployer or (?:an? )?provider\b", 2.5),
    (r"\bhigh-?risk\b|\brisk (?:tier|class\w*|level|categor\w*|management)\b|\bprohibited\b|\bconformity\b"
     r"|\bbias\w*|\bfairness\b|\bdiscriminat\w*|\b(?:human )?oversight\b|\bhuman[- ]in[- ]the[- ]loop\b"
     r"|\bdecision records?\b|\bcomplian\w*|\bregulat\w*|\btransparen\w*|\baccountab\w*|\bexplainab\w*"
     r"|\bgovernance\b|\bgovern\b|\bethic\w*|\bmodel cards?\b|\bdata protection\b|\bprivacy\b|\bliabilit\w*"
     r"|\bpost-?market\b|\bimpact assessment\b|\bresponsible ai\b|\bdeployers?\b|\bannex\b|\barticle \d+\b|\blegal\w*"
     r"|\bobligations?\b|\baudit\w*|\bpolic(?:y|ies)\b|\bincident report\w*|\bsafeguards?\b|\bcertif\w*", 1.0),
]
_READINESS = [
    (r"\bpilot purgatory\b|\bpilot to production\b|\b(?:ai )?maturity\b|\breadiness\b|\broadmap\b|\bmlops\b"
     r"|\bORI\b|\breadiness index\b", 2.0),
    # building, training and valuing an AI model is readiness, whatever equipment it watches
    (r"\b(?:ai|ml|machine[- ]learning|predictive|failure|anomaly[- ]detection) models?\b|\banomaly detectors?\b"
     r"|\b(?:train|retrain)(?:s|ed|ing)?\b.{0,40}\b(?:models?|classifiers?)\b|\bsupervised\b|\bclassifiers?\b|\bthe ai\b(?! act)|\bworked example\b"
     r"|\buse[- ]case intake\b|\bat intake\b|\bpriority score\b|\bpredict\w* (?:\w+ ){0,3}(?:failures?|breakdowns?)\b"
     r"|\b(?:build|train|develop)\w* (?:a |an |our )?(?:\w+ ){0,2}(?:models?|classifiers?|predictors?)\b", 2.0),
    # running a model in production: shadow mode, false-alarm budget, drift monitoring, whatever it watches
    (r"\bshadow mode\b|\bgo-?live\b|\b(?:data|model|concept|feature) drift\b|\bdrift (?:alarm|monitor\w*|detect\w*)\b"
     r"|\bfalse alarms?\b.{0,60}\b(?:per|a|each) shift\b|\b(?:our|the|advisory|pump|anomaly|AI) model'?s? false alarms?\b"
     r"|\badvisory (?:\w+ )?models?\b"
     r"|\bPSI\s*(?:of\s*)?[=:]?\s*0\.\d+|\benough\b.{0,60}\bto train\b|\bsoft sensors?\b|\bretrain\w*|\bmodel monitoring\b|\btop-?\d+ features?\b"
     r"|\bPSI\b(?=[^.?!]{0,60}\b0\.\d+)|\btop features?\b|\bpage (?:someone|the on-?call)\b"
     # a stage gate of a model's rollout: "G4 gate next week ... 5 advisory items open", whatever it watches
     r"|\bG[1-5] (?:gate|review|meeting)\b|\bgate (?:review|meeting|pack|chair)\b|\b(?:mandatory|advisory) items?\b"
     r"|\banomaly models?\b"
     # the data a model needs, whatever equipment it is about
     r"|\bhow much (?:history|historical data|data)\b|\bfailure examples\b|\blabell?ed (?:data|events|examples)\b"
     r"|\benough (?:data|history|examples|events)\b", 2.5),
    # what a use case saved, for the steering committee: its value, whatever equipment it ran on
    (r"\bhow much did .{0,80}\bsave\b|\bsavings\b|\bsteer(?:ing)? ?co(?:mmittee)?\b|[€$£] (?:number|figure|value)"
     r"|\bpayback\b|\breference case\b|\bclaim\w*\b.{0,40}\b(?:for|to) the (?:ai|model|use case)\b"
     r"|\battribut\w* (?:of |to )?(?:the )?(?:benefit|improvement|saving)"
     r"|\bhow much of the (?:\w+ ){0,2}(?:improvement|saving|benefit)s?\b|\bhypercare\b|\bactive use\b", 2.5),
    # an idea scored at intake and its charter, whatever equipment it is about
    (r"\b(?:use[- ]case )?charter\b|\bworkflow fit\b|\bfeasibility\b", 2.0),
    # the group's other sites appear in the programme playbooks only (the plant documents are Riverside's)
    (r"\bhalden(?: works)?\b|\bmarlow bay\b", 2.0),
    (r"\bpilots?\b|\bscal(?:e|ing|able)\b|\binto production\b|\bin production\b|\brollout\b|\broll(?:ing)? out\b"
     r"|\bbusiness case\b|\broi\b|\bkpis?\b|\buse cases?\b|\bprioriti\w*|\bchange management\b|\bupskill\w*"
     r"|\bskills?\b|\btalent\b|\bdata (?:infrastructure|quality|platform|strategy|foundation|pipeline)s?\b"
     r"|\badoption\b|\bstrategy\b|\bsponsor\w*|\bleadership\b|\bbudget\w*|\bfunding\b|\bproof of concept\b|\bpoc\b"
     r"|\bstakeholders?\b|\bchampions?\b|\bplants?\b.*\b(?:sites|across)\b|\bacross (?:\w+ )?(?:sites|plants)\b"
     r"|\bassess\w*|\bdimensions?\b|\bvalue\b|\benterprise\b|\bphased?\b|\binvest\w*", 1.0),
]
_GENERAL = [
    (r"\bwhat can you\b|\bwho are you\b|\bwhat are you\b|\bwhat do you (?:do|know|cover)\b|\bhow do you work\b"
     r"|\b(?:this|the) copilot\b|\bknowledge base\b|\bwhich documents\b|\bwhat documents\b|\byour sources\b"
     r"|\bhow (?:do|can|should) i use (?:you|this|the copilot)\b|\bcapabilit\w*|\blimitations\b|\bhelp\b$"
     r"|^(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks|thank you)\b|\bupload\w*|\bare you\b", 1.5),
    (r"\b(?:can|do|did|will|would|could) you\b|\byour (?:answers?|sources?|index|documents|knowledge|data)\b"
     r"|\bfor you to\b|\byou (?:store|keep|remember|use|know|support)\b|\bcitations?\b|\banswers?\b", 1.0),
    (r"\byou\b|\byour\b|\bthis (?:tool|assistant|chat|app)\b", 0.5),
]
_OUT_OF_SCOPE = [
    (r"\bweather\b|\brecipes?\b|\bcook\w*|\bbak(?:e|ing)\b|\bjokes?\b|\bpoems?\b|\bsongs?\b|\blyrics\b|\bfootball\b"
     r"|\bsoccer\b|\bbasketball\b|\bstock (?:price|market)\b|\bbitcoin\b|\bcrypto\w*|\bmovies?\b|\bfilms?\b|\bnetflix\b"
     r"|\bvacation\b|\bholiday\b|\bflights?\b|\bhotels?\b|\bbirthday\b|\bdating\b|\bgirlfriend\b|\bboyfriend\b"
     r"|\bhomework\b|\bcapital of\b|\bhoroscope\b|\bcelebrit\w*|\belection\b|\bpresident\b|\bpizza\b|\brestaurant\w*"
     r"|\blottery\b|\bvideo games?\b|\bessay\b|\bnovel\b|\bgarden\w*|\bpets?\b|\bdogs?\b|\bcats?\b", 1.5),
]

# asking which AI Act tier a use is in decides the route whatever the use is about ("a model flagging odd vibration
# on the pumps ... what tier is that?"): the plant words describe the use case, the question is a governance one
ASKS_AI_ACT_TIER = re.compile(r"\b(?:what|which) (?:(?:eu )?ai act |risk )?tier\b(?! (?:did|was|were)\b)|\brisk tier\b"
                              r"|\bclass(?:ed|ified)? under the (?:eu )?ai act\b|\bunder the (?:eu )?ai act\b.{0,40}\btier\b"
                              r"|(?:^|[.!?;:,-]\s*)(?:(?:eu )?ai act |risk )?tier\s*\?",  # "... no automatic actions. Tier?"
                              _I)


# an idea's intake outcome asked ("scored value 4, data 2, ... what's its priority score"): readiness (PB-010), whatever
# equipment the idea watches (the cooling tower fan gearbox drew it to maintenance)
ASKS_INTAKE_OUTCOME = re.compile(r"\bpriority score\b|\b(?:go|goes|going|get|gets|make it|move|moves) (?:forward )?to "
                                 r"charter\b", _I)
INTAKE_SCORING = re.compile(r"\bintake\b|\bworkflow fit\b|\breuse (?:potential )?(?:score|of|=|:)?\s*[1-5]\b", _I)


def decided_route(text: str) -> str | None:
    """A route the question's own ask decides before any vote (an AI Act tier asked: governance; an intake outcome
    asked: readiness), else None."""
    if ASKS_AI_ACT_TIER.search(text):
        return "governance"
    return "readiness" if ASKS_INTAKE_OUTCOME.search(text) and INTAKE_SCORING.search(text) else None


RULES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    route: [(re.compile(p, _I), w) for p, w in rules]
    for route, rules in (("maintenance", _MAINTENANCE), ("governance", _GOVERNANCE), ("readiness", _READINESS),
                         ("general", _GENERAL), ("out_of_scope", _OUT_OF_SCOPE))
}
STRONG_WEIGHT = 3.0  # a fault code or asset tag


def strong_maintenance(text: str) -> list[str]:
    """Fault codes and asset tags found in the text (case-sensitive, as written on plates and HMIs)."""
    return [m.group(0) for m in FAULT_CODE.finditer(text)] + [m.group(0) for m in ASSET_TAG.finditer(text)]


def keyword_scores(text: str) -> dict[str, float]:
    """Summed rule weights per route (each distinct matched word counts once)."""
    scores: dict[str, float] = {}
    for route, rules in RULES.items():
        seen: set[str] = set()
        total = 0.0
        for pattern, weight in rules:
            for m in pattern.finditer(text):
                word = m.group(0).lower()
                if word not in seen:
                    seen.add(word)
                    total += weight
        if total:
            scores[route] = total
    if strong_maintenance(text):
        scores["maintenance"] = scores.get("maintenance", 0.0) + STRONG_WEIGHT
    return scores


_FOLLOWUP_START = re.compile(
    r"^\s*(?:and|but|also|so|then|ok(?:ay)?|what about|how about|and what|what if|same for|why|which one|"
    r"how (?:long|often|much|many)|is it|are they|does it|do they|can it|should i|should we|what else|anything else|"
    r"more on|tell me more|go on|explain (?:that|it|more))\b", _I)
_PRONOUN = re.compile(r"\b(?:it|its|that|this|those|these|they|them|the same|one)\b", _I)


def is_followup(text: str) -> bool:
    """A terse turn that leans on the conversation ("and what about the seal?", "why is that?")."""
    words = text.split()
    if len(words) > 12:
        return False
    return bool(_FOLLOWUP_START.search(text)) or (len(words) <= 6 and bool(_PRONOUN.search(text)))
