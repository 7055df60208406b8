"""Governance advisor prompts."""

from copilot.agents.prompts.shared import direct_answer

# a governance question (not a use case to triage): the answer first, the deciding article or document named
INSTRUCTIONS = direct_answer("AI governance (EU AI Act, NIST AI RMF and the site's governance checklists); name the "
                             "deciding article or checklist")

# The tier is decided by the triage rules before the model is called; the model only explains it.
EXPLAIN = (
    "Task: AI governance advice. The EU AI Act triage rules have decided the risk tier of this use case:\n"
    "Tier: {tier_name}\nDeciding rule: {route}\nWhy: {why}\n"
    "Explain in about 6 lines, citing the sources [n], why this tier applies to the use case and what it "
    "means for the team (main obligations). State the tier exactly as decided. Do not name, suggest or "
    "discuss any other risk tier."
)
