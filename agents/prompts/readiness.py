"""Readiness assessor prompts and the questions it asks (three or four at a time)."""

from copilot.agents.prompts.shared import direct_answer

INSTRUCTIONS = direct_answer("AI readiness, maturity stages and scaling AI pilots")

# One short call per known dimension. The description comes first so every call after the first reuses the
# cached prompt prefix (system message + description); only the dimension tail is new.
SCORE_HEAD = (
    "Score this organisation's AI readiness from its own description, one dimension at a time, from 1 "
    "(initial) to 5 (optimising), using only what the description says.\nDescription:\n"
)
SCORE_TAIL = (
    "\n\nDimension: {label}\nWhat the description says about it: {evidence}\nLevels (CL-001):\n{rubric}\n"
    "Give the level that this evidence supports (a stated gap or absence is level 1 or 2)."
)
RUBRICS: dict[str, str] = {  # CL-001 rubrics, shortened
    "strategy": "1 no targets, no sponsor; 2 goals mostly technical, informal sponsor; 3 business KPIs and sponsors "
                "for most use cases; 4 every use case has baseline, target and scale funding; 5 AI targets in the "
                "business plan",
    "data": "1 scattered spreadsheets, under 3 months of history, no owners; 2 historian but free-text events, ad hoc "
            "extracts; 3 at least 12 months of history, owners named, catalog; 4 structured failure codes, automated "
            "quality alerts, lineage; 5 data products reused across sites",
    "infrastructure": "1 laptops or single servers, manual copying, no monitoring; 2 shared pilot platform, manual "
                      "deployments; 3 dev/test/prod separated, registry, release pipeline; 4 automated pipelines, "
                      "drift monitoring, tested rollback; 5 self-service platform, infrastructure as code",
    "people": "1 no training, users meet the tool at go-live; 2 training for pilot teams only; 3 tiered training, site "
              "champion, change impact assessed; 4 over 80% trained, ambassadors on every shift, adoption tracked; "
              "5 staff co-build use cases",
    "governance": "1 no policy, no review; 2 policy drafted, reviews on request; 3 policy approved, review board meets, "
                  "systems triaged, oversight documented; 4 bias testing, independent review, incident drills; "
                  "5 governance metrics reported to the board",
    "measurement": "1 success by anecdote, no baselines; 2 technical metrics only; 3 baselines and value register; "
                   "4 controlled comparisons, regular benefit reviews; 5 value data drive portfolio decisions",
}

QUESTIONS: list[tuple[str, str]] = [
    ("strategy", "Which business KPIs should the AI use case move, and who owns them?"),
    ("data", "Which data (sensors, historians, work orders) is available, how clean is it, and who owns it?"),
    ("infrastructure", "How would a model be deployed and monitored in production (edge, cloud, MLOps tooling)?"),
    ("people", "Who will use the outputs day to day, and how will they be trained and involved?"),
    ("governance", "Is there an AI governance process (risk review, approvals, documentation)?"),
    ("measurement", "How will you measure value against a baseline after go-live?"),
    ("strategy", "Is there an executive sponsor and a funded plan beyond the pilot?"),
    ("data", "Is the data labelled and linked to failures or outcomes you care about?"),
    ("infrastructure", "Can the OT network feed data to the model reliably and securely?"),
    ("people", "Do operations, maintenance and IT agree on roles (who decides, who acts on alerts)?"),
    ("governance", "Who signs off a model before it goes live, and who can roll it back?"),
    ("measurement", "Which leading indicators (adoption, alert precision) will you track?"),
]
BATCH = 4
