"""Stated quantities against a checklist's minimums."""

from __future__ import annotations

from copilot.agents.thresholds import threshold_answer
from copilot.types import Citation

DR = Citation(marker=1, chunk_id="c", doc_id="CL-003", title="Data Readiness Checklist", text=(
    "| ID | Check | Threshold | Critical |\n|---|---|---|---|\n"
    "| DR-02 | History available at full resolution for training | At least 12 months, or at least 2 complete "
    "production campaigns for batch products | C |\n"
    "| DR-15 | Enough examples per target class | At least 20 confirmed events per failure mode for supervised "
    "models | C |\n| DR-07 | Completeness of non-critical tags | At least 90% | |"))
Q = ("We want a supervised failure-prediction model for a pump fleet. We have {} months of historian data and about "
     "{} confirmed seal failures. Does that pass data readiness?")


def test_each_stated_quantity_is_compared_with_its_rows_minimum():
    text = threshold_answer([DR], Q.format(8, 12))
    assert text is not None and text.startswith("**Does not pass**")
    assert '8 months: below the minimum (DR-02): "At least 12 months' in text
    assert '12 confirmed seal failures: below the minimum (DR-15): "At least 20 confirmed events' in text
    assert threshold_answer([DR], Q.format(18, 25)).startswith("**Passes**")
    assert "below" in threshold_answer([DR], Q.format(2, 25)).split("DR-02")[0]  # 2 months, whatever else passes


def test_no_rule_answer_without_a_row_for_every_quantity_or_a_pass_question():
    assert threshold_answer([DR], "We have 8 months of data and 3 sensors. Does that pass data readiness?") is not None
    assert threshold_answer([DR], "We have 8 months of data. What does DR-02 ask for?") is None  # no pass question
    assert threshold_answer([DR], "We log 40 tags per second. Is that enough?") is None  # no quantity with a unit row
    assert threshold_answer([], Q.format(8, 12)) is None


def test_a_count_named_by_several_words_is_still_a_stated_quantity():
    text = threshold_answer([DR], "we've got 12 confirmed outer race bearing failures on pumps. is that enough to train a "
                                  "supervised failure classifier?")
    assert text is not None and "12 confirmed outer race bearing failures: below the minimum (DR-15)" in text
