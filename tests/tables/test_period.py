"""The period a question names, as a half-open range of ISO dates."""

from __future__ import annotations

import pytest

from copilot.tables.period import asked_period


@pytest.mark.parametrize("question, start, end", [
    ("corrective WOs on CV-401 since 2024", "2024-01-01", None),
    ("jobs from March 2024 on", "2024-03-01", None),
    ("anything after march 2024?", "2024-04-01", None),
    ("PM work orders before 2024", None, "2024-01-01"),
    ("breakdowns up to 2024-06-30", None, "2024-07-01"),
    ("list the breakdowns on HP-501 in 2025", "2025-01-01", "2026-01-01"),
    ("what failed during Dec 2024", "2024-12-01", "2025-01-01"),
    ("seal changes between 2023 and 2024", "2023-01-01", "2025-01-01"),
    # "across 2024" had been no period: the total of every year was given as 2024's
    ("how many hours of downtime did P-101 rack up on work orders across 2024 in total?", "2024-01-01", "2025-01-01"),
    ("jobs on CV-401 throughout 2025", "2025-01-01", "2026-01-01"),
    ("downtime over 2024", "2024-01-01", "2025-01-01"),
])
def test_periods(question, start, end):
    p = asked_period(question)
    assert p is not None and (p.start, p.end) == (start, end)


@pytest.mark.parametrize("question", ["the 2024 jobs on P-101", "seal life 2000 h in service",
                                      "in 2024-13-45", "seals fail in 2000 hours", "between 2025 and 2023",
                                      "pumps running over 2000 hours"])
def test_no_period(question):
    assert asked_period(question) is None
