"""A stated amount cut to the share a shown rule allows (no model)."""

from __future__ import annotations

from copilot.agents.share_rule import share_answer, share_source
from copilot.types import Chunk, Citation, Hit

RULE = Citation(marker=2, chunk_id="a", doc_id="PB-006", title="Measuring value", section="4. Attributing benefits", text=(
    "When several improvement initiatives touch the same KPI (for example a reliability programme and an AI anomaly "
    "detector on the same pumps), the value register must show how the benefit is split. Without a controlled "
    "comparison, the AI use case may claim at most 50% of the measured improvement, unless the product owner and the "
    "finance business partner agree a different split in writing."))
QUESTION = ("reliability program and our AI anomaly detector were both running on the same cooling water pumps last "
            "year. downtime savings worth EUR 600,000 total, no control group. how much can the AI use case put in the "
            "value register?")


def test_the_capped_share_of_the_stated_amount_is_computed_and_the_rule_quoted_whole():
    text = share_answer([RULE], QUESTION)
    assert text.startswith("**At most EUR 300,000**: 50% of your EUR 600,000, by the rule \"Without a controlled")
    assert "unless the product owner and the finance business partner agree a different split in writing.\" [2]" in text


def test_no_answer_without_one_amount_a_share_ask_or_a_close_rule():
    assert share_answer([RULE], "how much can the AI use case claim?") is None  # no amount
    assert share_answer([RULE], "savings EUR 600,000 against EUR 100,000 cost, how much can we claim?") is None  # two
    assert share_answer([RULE], "savings EUR 600,000. what is the payback?") is None  # no share asked
    other = Citation(marker=1, chunk_id="o", doc_id="X", title="Other", text="Spend up to 10% of the budget on training.")
    assert share_answer([other], QUESTION) is None  # shares too few of the question's words


def test_the_rule_is_searched_when_not_shown():
    class Retriever:
        def search(self, query: str, k: int = 6, **_kw) -> list[Hit]:
            return [Hit(chunk=Chunk(id="a", doc_id="PB-006", title="Measuring value", text=RULE.text), score=1.0)]

    shown = [Citation(marker=1, chunk_id="x", doc_id="PB-006", title="Measuring value", text="ROI formulas.")]
    found = share_source(Retriever(), shown, QUESTION)
    assert found is not None and found.marker == 2
    assert share_source(Retriever(), [RULE], QUESTION) is None  # shown already
