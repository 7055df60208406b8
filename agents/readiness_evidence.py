"""Evidence for each readiness dimension, quoted from the user's own description.

A dimension whose evidence is empty is *unknown*: it is asked about, never scored. Clauses are matched to
dimensions by patterns over what people write when describing a use case (a KPI, an owner, the data, the
deployment, the users, reviews, a baseline); labelled descriptions ("KPI: ...", "Users: ...") map by label.
"""

from __future__ import annotations

import re

PATTERNS: dict[str, str] = {
    "strategy": r"\bkpis?\b|\btargets?\b|\bgoals?\b|\bobjectives?\b|business case|\bsponsor\w*|(?<!data )\bowne[rd]\b|owned by|"
                r"accountab\w+|strateg\w+|roadmap|\boee\b|\bdowntime\b|\byield\b|\bscrap\b|\bbudget\w*|\bfund\w*|"
                r"prioriti\w+|use cases?|\breduce\b|\bcut\b|\bby \d+ ?%|\bpilots?\b",
    "data": r"\bdata\b|historian|\bsensors?\b|\btags?\b|\blabel\w*|\bcmms\b|work orders?|\brecords?\b|\breadings\b|"
            r"measurements|\blogs?\b|database|spreadsheets?|\bsamples?\b|\bimages\b|dataset|(?:months|years) of|"
            r"free[- ]text|failure (?:codes|history)|\bscada\b",
    "infrastructure": r"deploy\w*|\bedge\b|\bcloud\b|\bservers?\b|on[- ]prem\w*|\bmlops\b|pipelines?|registry|"
                      r"\bdmz\b|\bnetwork\b|kubernetes|docker|containers?|azure|\baws\b|platform|infrastructure|"
                      r"integrat\w+|\bapi\b|\bdcs\b|\bplc\b|\blaptops?\b|roll ?back|monitored in production|"
                      r"\bhmi\b|\bgpu\b|model (?:monitoring|versions?)",
    "people": r"\busers?\b|\boperators?\b|technicians?|\bengineers?\b|\btrain(?:ed|ing)\b|\bskills?\b|"
              r"change management|champions?|ambassadors?|involv\w+|\badopt\w*|literacy|\bteams?\b|\bstaff\b|"
              r"planners?|\bshifts?\b|data scientists?|scepti\w+|resist\w*",
    "governance": r"governance|risk (?:review|assessment|classification|triage)|\bpolic(?:y|ies)\b|review board|\bairb\b|"
                  r"approv\w+|sign[- ]?offs?|oversight|ai act|complian\w+|\baudit\w*|works council|\bgdpr\b|\bdpia\b|"
                  r"model cards?|decision records?|\blegal\b|ethic\w*",
    "measurement": r"baselines?|\broi\b|measur\w+|\bvalue\b|benefits?|payback|\btrack\w*|\bsavings?\b|"
                   r"before[- /]and[- ]after|\ba/b\b|controlled comparison|adoption rate|business case review|"
                   r"\bquarterly review|value register|finance",
}
LABELS: dict[str, str] = {  # "Label: text" lines in a structured description
    "kpi": "strategy", "kpis": "strategy", "goal": "strategy", "target": "strategy", "owner": "strategy",
    "sponsor": "strategy", "strategy": "strategy", "data": "data", "deployment": "infrastructure",
    "infrastructure": "infrastructure", "platform": "infrastructure", "mlops": "infrastructure", "users": "people",
    "people": "people", "training": "people", "team": "people", "governance": "governance", "risk": "governance",
    "measurement": "measurement", "baseline": "measurement", "value": "measurement", "roi": "measurement",
}
MAX_QUOTE = 160
FRAGMENT = r",\s+(?!\d)|\s+but\s+|\s+(?:and|while|whereas)\s+(?=(?:no|not|there|we|our|the|they|it)\b)"
# Requests to be assessed carry no evidence ("Please score our readiness", "score now").
REQUEST = (r"^(?:(?:please|can you|could you|we want to|we'd like to|i want to)\s+)?(?:score|assess|evaluate|rate)\b"
           r"|\bscore (?:it|now|us)\b|\bthat'?s all\b")


def clauses(description: str) -> list[str]:
    """Sentences and list items of the description (labels kept, whitespace normalised)."""
    parts = re.split(r"(?<=[.!?;])\s+|\n+|\s+-\s+(?=[A-Z])|\u2022", description)
    return [re.sub(r"\s+", " ", p).strip(" -*\t") for p in parts if len(p.split()) >= 2]


def find_evidence(description: str) -> dict[str, list[str]]:
    """Per dimension, the user's clauses that speak about it (empty list = unknown)."""
    found: dict[str, list[str]] = {k: [] for k in PATTERNS}
    for clause in clauses(description):
        low = clause.lower()
        if re.search(REQUEST, low) and len(low.split()) <= 12:
            continue
        label = re.match(r"([a-z ]{2,20}):", low)
        if label and label.group(1).strip() in LABELS:  # a labelled line speaks about its label's dimension
            found[LABELS[label.group(1).strip()]].append(clause)
            continue
        fragments = [f.strip() for f in re.split(FRAGMENT, clause) if len(f.split()) >= 2] or [clause]
        for key, pattern in PATTERNS.items():
            hits = [f for f in fragments if re.search(pattern, f.lower())]
            for f in hits[:2]:
                if f not in found[key]:
                    found[key].append(f)
    return found


def quote(clauses_: list[str]) -> str:
    """The evidence as the user wrote it, in quotes, shortened at a word boundary."""
    text = " ... ".join(clauses_[:2])
    if len(text) > MAX_QUOTE:
        text = text[:MAX_QUOTE].rsplit(" ", 1)[0] + " ..."
    return f"\u201c{text}\u201d"
