"""Questions asking for a set of figures are answered by quoting the section or table that states them."""

from __future__ import annotations

from copilot.agents.figure_lists import asked_quantity, best_figure_list, pin_figures, render_figure_list
from copilot.types import Chunk, Citation, Hit

INSTALL = """7.3 Slide the cartridge onto the sleeve.
7.4 Torque the impeller nut: 150 N·m on P-101/P-102, 95 N·m on P-201.
7.5 Set the impeller clearance with the adjuster.
7.6 Tighten the casing bolts (M16) in a cross pattern in three stages to 180 N·m.
7.7 Tighten the seal gland nuts (M12) evenly to 35 N·m.
7.8 Tighten the drive collar set screws (M8) to 10 N·m."""
GAS = """6.3 Test from outside the space before anyone enters.

6.4 Entry is allowed only when all readings are within these limits:

| Gas | Acceptable for entry |
|---|---|
| Oxygen (O2) | 19.5 % to 23.5 % by volume |
| Hydrogen sulphide (H2S) | below 5 ppm |

6.5 Retest at least every 2 hours."""
GEARBOX = """| Parameter | Normal | Alarm / action |
|---|---|---|
| Oil sump temperature | 50-80 °C | 90 °C alarm |
| Housing vibration, RMS velocity | ≤ 2.8 mm/s | 4.5 mm/s alarm (E-236) |
- Check foot bolts (370 N·m) and the baseframe for cracks.
- Iron above 100 ppm: investigate."""


def _cite(marker: int, text: str, section: str, doc_id: str = "SOP-SEAL-001") -> Citation:
    return Citation(marker=marker, chunk_id=f"{doc_id}#{section}", doc_id=doc_id, title=doc_id, text=text,
                    section=section)


def test_every_torque_of_the_section_is_quoted_in_order():
    found = best_figure_list([_cite(1, INSTALL, "7. Installation")], "fitting a new seal - what are the torques, in order?")
    text = render_figure_list(found)
    assert [line.split()[1] for line in text.splitlines()[1:]] == ["7.4", "7.6", "7.7", "7.8"]
    assert "7.5" not in text and text.startswith("**SOP-SEAL-001 - 7. Installation** [1]")


def test_a_table_of_limits_is_quoted_with_its_lead_in():
    found = best_figure_list([_cite(1, GAS, "6. Atmospheric testing", "SOP-CSE-001")],
                             "What are the gas test limits before we can enter the wet well?")
    assert found.is_table and found.lines[0].startswith("6.4 Entry is allowed")
    assert any("19.5 % to 23.5 %" in line for line in found.lines) and not any("6.5" in line for line in found.lines)


def test_generic_limits_quote_only_what_the_question_is_about():
    found = best_figure_list([_cite(1, GEARBOX, "Limits", "TG-GBX-001")], "what are the vibration limits for the gearboxes?")
    assert found.is_table and len(found.lines) == 3 and "4.5 mm/s" in found.lines[-1]
    pumps = _cite(1, "| Code | Description | Asset |\n|---|---|---|\n| E-204 | High vibration, alarm 4.5 mm/s | P-101 |\n"
                     "| E-206 | Bearing temperature, alarm 85 °C | P-101 |", "Codes", "FC-RIV-001")
    # one limit asked is no set: the pumps' rows share "vibration" and "alarm" with a gearbox question
    assert best_figure_list([pumps], "what's the vibration alarm limit on the gearboxes?") is None


def test_one_figure_or_no_plural_quantity_is_not_a_figure_list():
    assert asked_quantity("what torque for the impeller nut?") is None
    assert best_figure_list([_cite(1, "7.4 Torque the impeller nut to 150 N·m.", "7.")], "what are the torques?") is None


def test_trimmed_source_gets_its_figures_back_and_the_listing_section_is_pinned():
    trimmed = _cite(1, "7.4 Torque the impeller nut: 150 N·m on P-101/P-102, 95 N·m on P-201.\n...", "7. Installation")
    other = _cite(2, "1.1 This procedure replaces the seal.", "1. Scope")
    hits = [Hit(chunk=Chunk(id=trimmed.chunk_id, doc_id=trimmed.doc_id, title=trimmed.title, text=INSTALL,
                            section=trimmed.section), score=1.0),
            Hit(chunk=Chunk(id="SOP-CSE-001#6", doc_id="SOP-CSE-001", title="CSE", text=GAS, section="6. Atmospheric"),
                score=0.5)]
    sources = pin_figures([trimmed, other], hits, "what are the torques, in order?")
    assert sources[0].text == INSTALL and sources[1] is other
    sources = pin_figures([other, _cite(3, "Bump test the detector.", "6.1")], hits, "what are the gas test limits?")
    assert [c.doc_id for c in sources] == ["SOP-SEAL-001", "SOP-CSE-001"] and sources[1].marker == 3


OVERVIEW = """The process has five steps. What is not allowed is skipping a step or its gate.

| Step | Name | Closing gate |
|---|---|---|
| 1 | Problem definition and KPIs | G1 Value Case |
| 2 | Infrastructure | G2 Foundations |
| 3 | Data management | G2 Foundations |
| 4 | Model engineering | G3 Model Acceptance |
| 5 | Deployment and industrialisation | G4 Go-Live |"""


def test_a_named_set_is_the_table_that_enumerates_it():
    from copilot.agents.figure_lists import named_set

    overview = _cite(3, OVERVIEW, "1. Purpose and scope", "PB-001")
    overview.title = "Pilot-to-Production Process"
    found = named_set([overview], "List the five steps of our pilot-to-production process.")
    assert found is not None and len(found.lines) == 7 and "Model engineering" in found.lines[5]
    assert named_set([overview], "What are the four steps of the process?") is None  # another set
    assert named_set([overview], "How long is step 2?") is None  # not a request for the set


def test_the_enumerating_table_is_pinned_when_the_search_showed_only_the_steps_sections():
    from copilot.agents.figure_lists import pin_named_set

    steps_shown = [_cite(1, "The first step produces agreement.", "2. Step 1", "PB-001"),
                   _cite(2, "Infrastructure is built before the model needs it.", "3. Step 2", "PB-001")]
    hits = [Hit(chunk=Chunk(id="PB-001#1", doc_id="PB-001", title="Pilot-to-Production Process", text=OVERVIEW,
                            section="1. Purpose and scope"), score=0.3)]
    sources = pin_named_set(steps_shown, hits, "List the five steps of our pilot-to-production process.")
    assert [c.chunk_id for c in sources] == [steps_shown[0].chunk_id, "PB-001#1"] and sources[1].marker == 2


def test_clearances_are_not_vibration_velocities():
    faults = ("| Code | Description | Asset |\n|---|---|---|\n| E-204 | High vibration, alarm 4.5 mm/s, trip 7.1 mm/s | P-101 "
              "impeller |\n| E-207 | High vibration, alarm 4.5 mm/s, trip 7.1 mm/s | P-102 impeller |")
    assert best_figure_list([_cite(1, faults, "E-2xx", "FC-RIV-001")], "what are the clearances for the impeller?") is None
