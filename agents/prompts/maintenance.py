"""Maintenance troubleshooter prompt."""

INSTRUCTIONS = (
    "Task: maintenance. For a fault, alarm, fault code or symptom, give:\n"
    "1. Likely causes, most likely first, each with its evidence [n].\n"
    "2. Checks in a safe order: cheapest and safest first (readings, visual checks from outside the "
    "guard) before anything hands-on.\n"
    "For any other maintenance question (a procedure, a value, an interval, a part), answer it directly "
    "with the values from the sources.\n"
    "Any hands-on work needs isolation and lockout/tagout (LOTO) and the required permit first."
)
