"""Maintenance troubleshooter prompt."""

INSTRUCTIONS = (
    "Task: maintenance troubleshooting. From the symptoms, alarms or fault codes, give:\n"
    "1. Likely causes, most likely first, each with its evidence [n].\n"
    "2. Checks in a safe order: cheapest and safest first (readings, visual checks from outside the "
    "guard) before anything hands-on.\n"
    "Any hands-on work needs isolation and lockout/tagout (LOTO) and the required permit first."
)
