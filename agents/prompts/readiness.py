"""Readiness assessor prompts and the questions it asks (three or four at a time)."""

INSTRUCTIONS = (
    "Task: AI readiness. Answer the question about readiness, maturity stages (Assess, Align, Advance, "
    "Amplify) or scaling AI pilots from the sources [n]."
)

SCORE = (
    "Score this organisation's AI readiness on each dimension from 1 (absent) to 5 (leading), using only "
    "what the description says; when it says nothing about a dimension, score 1 or 2. Give one short piece "
    "of evidence per dimension quoted or paraphrased from the description.\n"
    "Description:\n"
)

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
