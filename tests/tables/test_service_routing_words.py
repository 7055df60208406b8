"""Which phrasings count as aggregate (table) questions; a wrong yes costs a model call before the answer."""

import pytest

from copilot.tables.service import is_aggregate_question


@pytest.mark.parametrize("question", [
    "How many work orders were raised for P-101?",
    "What is the mean time between failures of C-301?",
    "Average repair hours per asset in 2023",
    "Top 5 assets by downtime",
    "How many hours of downtime did P-101 have in 2024?",
    "what's the total downtime hours logged against CV-401 in the maintenance history",
    "CV-401 downtime hours in total since 2023?",
    "which assets had emergency work orders in 2025?",
])
def test_aggregate_phrasing(question: str) -> None:
    assert is_aggregate_question(question)


@pytest.mark.parametrize("question", [
    "P-101 tripped on E-204. What does it mean and what should I check first?",
    "What do the oversight levels mean for operators?",
    "What torque for the seal gland nuts?",
    # a measure asked with "how many", not a count of rows
    "how many grams of grease per bearing on the CV-402 drive motor? regrease is due",
    "how many hours is a hot work permit good for?",
    "what is the total head of P-101 at rated flow?",  # a total that is one figure of a guide
    "which pump has a mechanical seal?",
])
def test_manual_questions_are_not_aggregates(question: str) -> None:
    assert not is_aggregate_question(question)
