"""What has to be in place to leave a roadmap stage or start the next: the stages' criteria sections, quoted."""

from __future__ import annotations

from copilot.agents.stage_criteria import asked_moves, stage_criteria
from copilot.types import Chunk, Citation, Hit

SECTIONS = {
    "3. Stage 2: Align > 3.4 Exit criteria (Align gate)": "1. AI policy approved and AIRB operating.\n"
                                                          "4. At least 80% of site staff have completed Tier 1 training.",
    "4. Stage 3: Advance > 4.2 Entry criteria": "Align gate passed and a scale-out funding envelope approved.",
    "4. Stage 3: Advance > 4.4 Exit criteria (Advance gate)": "1. At least two use cases in production.",
}


class Roadmap:
    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, query: str, k: int = 8, **_kw) -> list[Hit]:
        self.queries.append(query)
        return [Hit(chunk=Chunk(id=section, doc_id="PB-003", title="AI Adoption Roadmap", section=section, text=text),
                    score=1.0) for section, text in SECTIONS.items()]


SITE_ROW = Citation(marker=1, chunk_id="s", doc_id="PB-003", title="AI Adoption Roadmap",
                    section="6. Current position of each site (March 2026)",
                    text="| Site | Stage | Next milestone |\n|---|---|---|\n| Marlow Bay | Align | Pilot to G3 |")


def test_leaving_one_stage_and_starting_the_next_quotes_both_criteria_sections_in_order():
    text, found = stage_criteria(Roadmap(), [SITE_ROW], "Marlow Bay wants to leave Align and start Advance next "
                                                        "quarter. What has to be in place first?")
    assert text.startswith("**To leave Align** (AI Adoption Roadmap, 3.4 Exit criteria (Align gate)) [2]:\n1. AI policy")
    assert "**To start Advance** (AI Adoption Roadmap, 4.2 Entry criteria) [3]:\nAlign gate passed" in text
    assert [c.marker for c in found] == [2, 3]


def test_starting_a_stage_brings_the_exit_criteria_of_the_gate_its_entry_names():
    text, _found = stage_criteria(Roadmap(), [], "what do we need before we can move to Advance?")
    assert text.index("**To leave Align**") < text.index("**To start Advance**")


def test_no_answer_without_a_stage_move_or_its_section():
    assert asked_moves("what is the Align stage about?") == []
    assert stage_criteria(Roadmap(), [], "what has to be in place before we start the pump?") is None  # no such stage
    assert stage_criteria(None, [SITE_ROW], "what has to be in place to leave Align?") is None  # nothing to search
