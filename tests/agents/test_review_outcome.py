"""The governance review's outcome for a stated finding, read from the review checklist's outcome table."""

from __future__ import annotations

from copilot.agents.review_outcome import outcome_source, review_outcome
from copilot.types import Chunk, Citation, Hit

REVIEW = Citation(marker=1, chunk_id="r", doc_id="CL-004", title="Governance review", text=(
    "| # | Question | Threshold |\n|---|---|---|\n"
    "| GR-B1 | Is performance reported per shift? | Gap in recall or precision between any two groups of more than "
    "10 percentage points is a Major finding |\n\n"
    "## Review outcome\n\n| Outcome | Condition |\n|---|---|\n"
    "| Approved | No Critical or Major findings |\n"
    "| Approved with conditions | No Critical findings; Major findings have owners and 30-day dates |\n"
    "| Not approved | Any Critical finding; system stays in shadow mode or is suspended |"))


def test_a_stated_reading_graded_by_its_limit_row_decides_the_outcome_row():
    text = review_outcome([REVIEW], "the review found a 14 point recall gap between night and day shift, nothing "
                                    "else open. can it still go live?")
    assert text is not None and "**Approved with conditions**" in text and "GR-B1" in text
    assert "| Approved with conditions | No Critical findings; Major findings have owners and 30-day dates |" in text


def test_a_named_grade_decides_too_and_without_a_grade_or_an_outcome_question_nothing_is_said():
    assert "**Not approved**" in review_outcome([REVIEW], "the review raised one critical finding, can it go live?")
    assert "**Approved**" in review_outcome([REVIEW], "only minor findings were raised, will it be approved?")
    assert review_outcome([REVIEW], "can it go live?") is None  # no finding stated
    assert review_outcome([REVIEW], "what does GR-B1 check for a 14 point recall gap?") is None  # no outcome asked


def test_the_outcome_table_is_searched_when_not_shown():
    class Retriever:
        def search(self, query: str, k: int = 6, **_kw) -> list[Hit]:
            return [Hit(chunk=Chunk(id="r", doc_id="CL-004", title="Governance review", text=REVIEW.text), score=1.0)]

    shown = [Citation(marker=1, chunk_id="x", doc_id="PB-005", title="MLOps", text="Drift monitoring.")]
    found = outcome_source(Retriever(), shown, "one major finding is open, can it go live?")
    assert found is not None and found.marker == 2
    assert outcome_source(Retriever(), [REVIEW], "one major finding is open, can it go live?") is None  # shown


def test_a_negated_grade_is_no_finding():
    """"no critical findings but two majors": Major, not Critical."""
    text = review_outcome([REVIEW], "The CL-004 review came back with no critical findings but two majors. Does that "
                                    "stop us going live?")
    assert text is not None and "**Approved with conditions**" in text and "Critical, " not in text


def test_the_grade_a_reading_lands_in_is_explained_by_the_grading_sentence_searched_when_not_shown():
    """"recall 84% on day shift and 71% on night shift: does that count as a finding and how long do we have to fix
    it?": the reading was graded Major, and the answer stopped there (Major findings are closed within 30 days)."""
    from copilot.agents.reading_check import reading_answer
    from copilot.agents.review_outcome import grade_meaning, grading_source

    grading = Citation(marker=2, chunk_id="g", doc_id="CL-004", title="Governance review", text=(
        "Findings are graded **Critical** (blocks go-live or requires suspension), **Major** (must be closed within "
        "30 days) or **Minor** (closed at the next review)."))

    class Retriever:
        def search(self, query: str, k: int = 6, **_kw) -> list[Hit]:
            return [Hit(chunk=Chunk(id="g", doc_id="CL-004", title="Governance review", text=grading.text), score=1.0)]

    reading = reading_answer([REVIEW], "recall came out at 84% on day shift and 71% on night shift. Does that count as "
                                       "a finding and how long do we have to fix it?")
    found = grading_source(Retriever(), [REVIEW], reading)
    assert found is not None and found.marker == 2
    assert grade_meaning([REVIEW, found], reading) == '- Major finding: "must be closed within 30 days" [2]'
    assert grading_source(Retriever(), [REVIEW], "no grade here") is None and grade_meaning([grading], "x") == ""
