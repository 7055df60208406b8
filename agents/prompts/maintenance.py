"""Maintenance troubleshooter prompts, one per answer shape (see :mod:`copilot.agents.shapes`)."""

FAULT = (
    "Task: maintenance troubleshooting. From the symptoms, alarms or fault codes, give:\n"
    "1. Likely causes, most likely first, each with its evidence [n].\n"
    "2. Checks in a safe order: cheapest and safest first (readings, visual checks from outside the "
    "guard) before anything hands-on.\n"
    "Copy every figure exactly as the source writes it. Any hands-on work needs isolation and "
    "lockout/tagout (LOTO) and the required permit first."
)
PROCEDURE = (
    "Task: give the steps of the procedure that answers the question, in the procedure's own order, "
    "as a numbered list copied from the source [n]. Do not turn steps into causes. If no source holds "
    "the procedure, say so."
)
INFORMATION = (
    "Task: answer the question directly in one to three sentences from the sources [n], copying figures "
    "exactly as written. No causes or checks. If the sources do not give the answer, say so."
)
INSTRUCTIONS = FAULT  # the default shape
