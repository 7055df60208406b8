"""An intake idea's priority score and outcome, from the scores a question states and the playbook's tables."""

from __future__ import annotations

from copilot.agents.intake_check import intake_answer
from copilot.types import Citation

INTAKE = Citation(marker=2, chunk_id="i", doc_id="PB-010", title="Use-case intake", text=(
    "| Criterion | Weight | A score of 5 means | A score of 1 means |\n|---|---|---|---|\n"
    "| Value | 30% | big | small |\n| Data availability | 25% | 12 months | none |\n| Feasibility | 20% | proven | research |\n"
    "| Workflow fit | 15% | routine | nobody |\n| Reuse potential | 10% | 10 assets | one-off |\n\n### 3.1 Thresholds\n\n"
    "| Priority score | Outcome |\n|---|---|\n| 3.5 or above | Candidate for charter in the next portfolio review |\n"
    "| 2.5 to 3.4 | Parked; revisit when the blocking criterion improves (often data) |\n"
    "| Below 2.5 | Declined with feedback to the submitter |\n\nAny idea with a data availability score of 1 cannot go to "
    "charter regardless of its total; it is converted into a data-capture action for the data owner."))


def test_the_weighted_score_and_its_outcome_are_computed_from_the_tables():
    text = intake_answer([INTAKE], "value 4, data availability 3, feasibility 3, workflow fit 4, reuse 2 - charter?")
    assert text.startswith("**Priority score 3.35**") and "**Parked;" in text and "(priority score 2.5 to 3.4)" in text


def test_a_criterion_score_that_stops_the_idea_overrides_the_total():
    text = intake_answer([INTAKE], "intake came out: value 5, data availability 1, feasibility 5, workflow fit 5, reuse "
                                   "5. priority score looks great - does it go forward to charter?")
    assert "**Priority score 4.0**" in text and "**Does not go to charter**" in text and "data-capture action" in text
    assert "By the total alone: Candidate for charter in the next portfolio review (priority score 3.5 or above)" in text
    # "workflow 5" names workflow fit (the total was left out)
    text = intake_answer([INTAKE], "Scored an idea: value 5, data 1, feasibility 5, workflow 5, reuse 5. That's a great "
                                   "score right? does it go to charter")
    assert text.startswith("**Priority score 4.0**") and "**Does not go to charter**" in text
    text = intake_answer([INTAKE], "An idea scored 3.8 overall but got a 1 for data availability. Can it go to charter?")
    assert text.startswith("**Does not go to charter**")


def test_no_answer_without_the_scores_or_the_tables():
    assert intake_answer([INTAKE], "value 4 and feasibility 3, does it go to charter?") is None  # not every score
    assert intake_answer([INTAKE], "what does the portfolio review decide?") is None
    assert intake_answer([], "value 4, data availability 3, feasibility 3, workflow fit 4, reuse 2 - charter?") is None


def test_the_weights_table_is_searched_when_the_question_states_scores_and_it_is_not_shown():
    from copilot.agents.intake_check import weights_source
    from copilot.types import Chunk, Hit

    class Index:
        def search(self, query, k=10, **_kw):
            return [Hit(chunk=Chunk(id="pb10#3", doc_id="PB-010", title="Use-case intake", text=INTAKE.text), score=1.0)]

    stop_only = Citation(marker=1, chunk_id="s", doc_id="PB-010", title="Use-case intake", text=INTAKE.text[-160:])
    question = "value 5, data availability 1, feasibility 5, workflow fit 5, reuse 5. does it go to charter?"
    matrix = weights_source(Index(), [stop_only], question)
    assert matrix is not None and matrix.marker == 2
    assert intake_answer([stop_only, matrix], question).startswith("**Priority score 4.0**")
    assert weights_source(Index(), [INTAKE], question) is None  # shown already
    assert weights_source(Index(), [stop_only], "what does the portfolio review decide?") is None
