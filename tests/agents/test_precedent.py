"""The closest worked example beside the rule-decided tier, only when its tier is the decided one."""

from __future__ import annotations

import pytest

from copilot.agents.precedent import closest_precedent, render_precedent
from copilot.types import Citation

EXAMPLES = Citation(marker=3, chunk_id="cl5#ex", doc_id="CL-005", title="Risk-Triage Questionnaire", text=(
    "| System | Provisional tier | Reason |\n|---|---|---|\n"
    "| Vibration-based anomaly detection on cooling-water pumps | Minimal | Advisory only |\n"
    "| Shift roster optimiser that allocates tasks using individual performance history | High-risk (Annex III, area 4) | "
    "Task allocation |\n"
    "| Camera-based PPE compliance alerts that do not identify individuals | Minimal, subject to GDPR review | "
    "re-triage if faces are stored |"))


@pytest.mark.real_embedder
def test_the_closest_example_of_the_decided_tier_is_quoted(real_embedder):
    use = "cameras on the loading bay that alert when someone isn't wearing a hard hat, without identifying who it is"
    found = closest_precedent([EXAMPLES], use, "minimal", real_embedder)
    assert found is not None and found[1][0].startswith("Camera-based PPE")
    assert "Minimal, subject to GDPR review" in render_precedent(*found) and "[3]" in render_precedent(*found)
    # the rules decided another tier: the example is not shown (one tier per answer)
    assert closest_precedent([EXAMPLES], use, "high", real_embedder) is None
    # nothing like it among the examples
    assert closest_precedent([EXAMPLES], "a chatbot on the supplier portal answering delivery questions", "limited",
                             real_embedder) is None


def test_no_examples_or_no_embedder_no_precedent():
    assert closest_precedent([], "anything", "minimal", None) is None
    assert closest_precedent([EXAMPLES], "anything", "minimal", None) is None


def test_the_decided_tier_row_of_the_site_consequences_table_is_quoted():
    from copilot.agents.precedent import tier_consequence

    table = Citation(marker=4, chunk_id="cl5#out", doc_id="CL-005", title="Risk-Triage Questionnaire", text=(
        "| Tier | Consequence at Northbridge |\n|---|---|\n| High-risk | Full obligations; CL-004 review every 3 months |\n"
        "| Transparency | Disclosure in the interface; CL-004 every 6 months |\n| Minimal | Standard controls; CL-004 every "
        "12 months |"))
    assert tier_consequence([table], "minimal") == ("**Minimal, consequence at Northbridge:** Standard controls; CL-004 "
                                                    "every 12 months [4]")
    assert "every 6 months" in tier_consequence([table], "limited")
    assert tier_consequence([table], "prohibited") is None and tier_consequence([EXAMPLES], "minimal") is None
