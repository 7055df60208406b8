"""Governance advisor prompts."""

INSTRUCTIONS = (
    "Task: AI governance advice. Explain which EU AI Act obligations and NIST AI RMF functions apply "
    "to the use case and why, citing the sources [n]. Name the deciding articles. Keep it to about 8 lines."
)

# The tier is decided by the triage rules before the model is called; the model only explains it.
EXPLAIN = (
    "Task: AI governance advice. The EU AI Act triage rules have decided the risk tier of this use case:\n"
    "Tier: {tier_name}\nDeciding rule: {route}\nWhy: {why}\n"
    "Explain in about 6 lines, citing the sources [n], why this tier applies to the use case and what it "
    "means for the team (main obligations). State the tier exactly as decided. Do not name, suggest or "
    "discuss any other risk tier."
)
