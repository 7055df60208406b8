"""Named sites compared: their own columns and rows, quoted (no model)."""

from __future__ import annotations

from copilot.agents.entity_compare import compared
from copilot.types import Citation

BASELINE = Citation(marker=1, chunk_id="b", doc_id="PB-002", title="Readiness", section="5. Baseline", text=(
    "| Dimension | Halden Works | Marlow Bay | Riverside | Group |\n|---|---|---|---|---|\n"
    "| Data | 2.5 | 2.0 | 1.8 | 2.1 |\n| **ORI** | **2.7** | **2.3** | **2.2** | **2.4** |"))
POSITION = Citation(marker=2, chunk_id="p", doc_id="PB-003", title="Roadmap", section="6. Current position", text=(
    "| Site | Stage | Next milestone |\n|---|---|---|\n| Halden Works | Advance | Second use case |\n"
    "| Marlow Bay | Align | Pilot to G3 |\n| Riverside | Assess | Gap register approval |"))
QUESTION = "How does Riverside compare with Halden Works on AI readiness, and where is each of them on the roadmap?"


def test_the_compared_names_columns_and_rows_are_quoted():
    text = compared([BASELINE, POSITION], QUESTION)
    assert text is not None
    assert "| Dimension | Halden Works | Riverside |" in text and "| **ORI** | **2.7** | **2.2** |" in text
    assert "Marlow Bay" not in text  # not asked about
    assert "| Halden Works | Advance | Second use case |" in text and "| Riverside | Assess |" in text
    assert "[1]" in text and "[2]" in text


def test_nothing_compared_or_one_name_only_is_left_to_the_model():
    assert compared([BASELINE, POSITION], "What is Riverside's data score?") is None
    assert compared([BASELINE], "How does Riverside compare with the group target of 3.0?") is None


def test_one_sites_standing_summarised_is_its_own_column_and_row():
    """"summarise where Riverside stands - overall index, weakest areas, roadmap stage": the model had written
    "ORI of 4.0 ... in the Align stage"."""
    text = compared([BASELINE, POSITION], "Can you summarise where Riverside stands on AI readiness - overall index, "
                                          "weakest areas, and which stage of the roadmap the site is in?")
    assert text is not None and "| Dimension | Riverside |" in text and "| **ORI** | **2.2** |" in text
    assert "| Riverside | Assess | Gap register approval |" in text and "Halden Works" not in text


def test_the_weakest_dimension_asked_is_read_from_the_sites_column():
    """"I run Riverside. Where do we stand - overall score, weakest area": the model had named Data (1.8); the lowest
    dimension is Measurement (1.7). The ORI row sums up the others and is no candidate."""
    full = Citation(marker=3, chunk_id="f", doc_id="PB-002", title="Readiness", section="5. Baseline", text=(
        "| Dimension | Halden Works | Riverside |\n|---|---|---|\n| Strategy and KPIs | 3.1 | 2.4 |\n"
        "| Data | 2.5 | 1.8 |\n| Governance | 2.9 | 2.9 |\n| Measurement | 2.3 | 1.7 |\n| **ORI** | **2.7** | **1.1** |"))
    text = compared([full], "I run Riverside. Where do we stand on AI readiness - overall score, weakest area?")
    assert text is not None and "Lowest for Riverside: Measurement (1.7)." in text and "Highest" not in text
    both = compared([full], "where does Riverside stand, strongest and weakest dimensions?")
    assert "Lowest for Riverside: Measurement (1.7). Highest for Riverside: Governance (2.9)." in both
    assert "Lowest" not in compared([full], "where does Riverside stand?")


def test_the_weakest_row_of_one_named_column_is_read_without_a_summary_ask():
    full = Citation(marker=3, chunk_id="f", doc_id="PB-002", title="Readiness", section="5. Baseline", text=(
        "| Dimension | Marlow Bay | Riverside |\n|---|---|---|\n| Data | 2.0 | 1.8 |\n| Governance | 2.9 | 2.9 |\n"
        "| Measurement | 1.9 | 1.7 |\n| **ORI** | **2.3** | **2.2** |"))
    text = compared([full, POSITION], "which dimensions at Marlow Bay fall under the gap-register threshold, and which "
                                      "one is weakest?")
    assert text is not None and "Lowest for Marlow Bay: Measurement (1.9)." in text
    assert "Riverside" not in text and "Align" not in text  # only the ranked column, not the roadmap row
    assert compared([POSITION], "which stage is Marlow Bay in, and what is its weakest point?") is None
