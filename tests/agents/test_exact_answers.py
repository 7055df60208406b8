"""Exact lookups, procedures, coverage, conflicts and answer shapes (pure functions, no model)."""

from __future__ import annotations

import pytest

from copilot.agents.conflicts import find_conflicts
from copilot.agents.coverage import check_coverage
from copilot.agents.lookup import find_rows, pin_rows, render_rows
from copilot.agents.procedures import pin_procedure, procedure_source, render_procedure
from copilot.agents.shapes import answer_shape
from copilot.identifiers import asset_tag_candidates, fault_codes
from copilot.types import Chunk, Citation, Hit

FAULTS = """| Code | Description | Asset / equipment | Likely causes | First response | Escalation |
|---|---|---|---|---|---|
| E-204 | High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s | P-101 | Misalignment; soft foot | Change over to P-102; take readings | Reliability Engineering |
| E-206 | Bearing housing temperature, alarm 85 °C, trip 95 °C | P-101 | Oil level wrong | Check oil level | Mechanical maintenance |"""
LOTO = """5.1 **Prepare.** Obtain the EIP for the asset.
5.2 **Notify.** Tell the control room.
5.3 **Shut down.** Stop the equipment.
5.4 **Isolate.** Operate every isolation device listed on the EIP. Breakers are switched off and
racked out.
5.5 **Lock and tag.** Apply a lock."""


def _cite(marker, text, doc_id="FC-RIV-001", title="Fault codes", section="", row=None, revision="G"):
    return Citation(marker=marker, chunk_id=f"{doc_id}#{marker}", doc_id=doc_id, title=title, text=text,
                    section=section, row=row, revision=revision)


def _hit(cite: Citation, text: str) -> Hit:
    return Hit(chunk=Chunk(id=cite.chunk_id, doc_id=cite.doc_id, title=cite.title, text=text, row=cite.row), score=1.0)


@pytest.mark.parametrize("question,shape", [
    ("Pump P-101 tripped on E-204. What does it mean and what should I check first?", "fault"),
    ("And how do I isolate it safely before opening the casing?", "procedure"),
    ("What is the lubrication interval for gearbox GB-401?", "lookup"),
    ("P-101 is vibrating badly", "fault"),
    ("Who owns the readiness playbook?", "information"),
    ("a fitter left site with his padlock still on the P-101 breaker. what now", "procedure"),
    ("E-204 on P-101, what do we do?", "fault"),
    ("P-101 is leaking what now?", "fault"),
])
def test_answer_shapes(question, shape):
    assert answer_shape(question) == shape


def test_fault_codes_are_never_asset_tags():
    text = "P-101 tripped on E-204, see SOP-LOTO-001 and part SP-1001"
    assert asset_tag_candidates(text) == ["P-101"] and fault_codes(text) == ["E-204"]


def test_trimmed_source_gets_the_named_row_back_with_its_header():
    trimmed = _cite(1, FAULTS.splitlines()[0] + "\n" + FAULTS.splitlines()[1] + "\n" + FAULTS.splitlines()[3])
    sources = pin_rows([trimmed], [_hit(trimmed, FAULTS)], "P-101 tripped on E-204")
    rows = find_rows(sources, "E-204")
    assert len(rows) == 1 and rows[0].value("First response") == "Change over to P-102; take readings"
    assert rows[0].value("Description").startswith("High vibration")


def test_a_row_that_says_as_another_code_brings_that_row_too():
    e208 = "| E-208 | Mechanical seal leak detected | P-102 | As E-204; faces stuck | Change over to P-101 | Mechanical |"
    head, sep, e204, e206 = FAULTS.splitlines()
    chunk = f"{FAULTS}\n{e208}"
    focused = _cite(1, f"{head}\n{sep}\n...\n{e208}")
    sources = pin_rows([focused], [_hit(focused, chunk)], "P-102 threw E-208, what now?")
    assert [r.value("First response") for r in find_rows(sources, "E-204")] == ["Change over to P-102; take readings"]
    assert find_rows(sources, "E-206") == []  # only the referenced row, not the whole table


def test_row_answer_copies_cells_in_the_rows_order():
    source = _cite(1, FAULTS)
    text = render_rows(find_rows([source], "E-204"), [source])
    assert text.startswith("**E-204** - High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s")
    assert text.index("Likely causes") < text.index("First response") < text.index("Escalation")
    assert "E-206" not in text and "[1]" in text


def test_spreadsheet_row_is_found_by_its_tag():
    row_text = "asset_tag: GB-401\ncomponent: Gear case\nquantity: 18 L\ninterval: change every 10000 h or 2 years"
    source = _cite(1, row_text, doc_id="lubrication_schedule", title="Lubrication schedule", row=12)
    rows = find_rows([source], "GB-401")
    assert rows and rows[0].value("quantity") == "18 L"
    assert "change every 10000 h or 2 years" in render_rows(rows, [source])


def test_procedure_steps_are_quoted_in_order_after_pinning():
    trimmed = _cite(1, "5.1 **Prepare.** Obtain the EIP for the asset. ...", doc_id="SOP-LOTO-001",
                    title="Lockout/Tagout", section="5. Lockout procedure")
    sources = pin_procedure([trimmed], [_hit(trimmed, LOTO)])
    text = render_procedure(procedure_source(sources))
    assert [line[:3] for line in text.splitlines()[1:]] == ["5.1", "5.2", "5.3", "5.4", "5.5"]
    assert "Breakers are switched off and racked out." in text


def test_coverage_abstains_on_an_attribute_the_sources_do_not_give():
    source = _cite(1, "C-301 oil-injected screw compressor, motor M-301 75 kW.", doc_id="TG-COMP-001")
    cov = check_coverage("What was the purchase price of compressor C-301 in 2019?", [source], "the supervisor")
    assert not cov.covered and cov.attribute == "price" and "C-301" in cov.message and "[1]" in cov.message
    assert check_coverage("What motor drives C-301?", [source], "x").covered


def test_coverage_abstains_on_an_unknown_tag_and_on_live_readings():
    source = _cite(1, "P-101 vibration alarm 4.5 mm/s")
    assert not check_coverage("What is the seal type on P-999?", [source], "x").covered
    assert not check_coverage("What is P-101 vibration reading right now?", [source], "x").covered
    assert not check_coverage("What was the P-101 motor current at 03:00 last night?", [source], "x").covered
    assert not check_coverage("how hot is the P-101 bearing today", [source], "x").covered
    # a moment that only describes the situation is no request for a reading
    assert check_coverage("P-101 tripped this morning on vibration, what should I check?", [source], "x").covered
    assert check_coverage("what stage is the P-101 pilot in right now", [source], "x").covered


def test_a_tag_is_context_for_governance_and_readiness_questions():
    source = _cite(1, "Safety components of machinery under the Machinery Regulation are high-risk (Annex I).")
    question = "HP-501 vendor is pitching an AI vision add-on for the press safety system. how is that classed?"
    assert not check_coverage(question, [source], "x", original=question).covered  # no source names HP-501
    assert check_coverage(question, [source], "x", original=question, about_assets=False).covered


def test_coverage_abstains_on_a_site_no_source_mentions():
    roi = _cite(1, "Worked example (Riverside plant): payback 18 months.", doc_id="PB-006", title="Measuring value")
    gap = check_coverage("What ROI did the predictive maintenance pilot at our Rotterdam plant achieve?", [roi], "x")
    assert not gap.covered and "do not mention Rotterdam" in gap.message
    assert check_coverage("What payback did the pilot at the Riverside plant show?", [roi], "x").covered
    table = _cite(2, FAULTS, title="PLC Alarm and Fault Code Table - Riverside Plant")
    halden = check_coverage("what's the E-204 vibration trip setpoint on the pumps at Halden Works", [table], "x")
    assert not halden.covered and "do not mention Halden" in halden.message  # "Works", capitalised, is a site too


def test_coverage_abstains_on_a_period_no_source_gives():
    roi = _cite(1, "In its first year it led to 4 interventions, a verified benefit of EUR 300,000.", doc_id="PB-006")
    gap = check_coverage("how much did the Halden anomaly detector save in its second year?", [roi], "x")
    assert not gap.covered and "do not mention the second year, so" in gap.message
    again = "how much did it save in its second year?\nHalden anomaly detector savings second year"
    assert "second year or" not in check_coverage(again, [roi], "x").message
    assert check_coverage("how much did it save in its 1st year?", [roi], "x").covered
    assert check_coverage("how much did it save in year 1?", [roi], "x").covered
    assert check_coverage("can our 2nd year apprentice read the Halden savings?", [roi], "x").covered  # a trainee's year


def test_conflicting_figures_name_the_governing_document():
    sop = _cite(1, "Wait 15 min after switching off the drive for the DC bus to discharge.", doc_id="SOP-LOTO-001")
    cl = _cite(2, "Wait 5 min after switching off the drive so the DC bus can discharge.", doc_id="CL-006")
    conflicts = find_conflicts("Wait 15 min for the drive DC bus to discharge [1].", [sop, cl])
    assert len(conflicts) == 1 and conflicts[0].governing == "SOP-LOTO-001"
    assert conflicts[0].values == {"SOP-LOTO-001": "15 min", "CL-006": "5 min"}
    assert find_conflicts("Isolate the drive [1].", [sop, cl]) == []


def test_coverage_abstains_on_a_measured_value_not_given_for_the_asked_asset():
    seal = _cite(1, "Torque the impeller nut: 150 N·m on P-101/P-102,\n95 N·m on P-201 and P-601/P-602.",
                 doc_id="SOP-SEAL-001")
    conveyor = _cite(2, "CV-401 filter cake belt conveyor, 800 mm belt, 42 m centres.", doc_id="TG-CONV-001")
    cov = check_coverage("What torque do I use on the CV-401 head pulley bolts?", [seal, conveyor], "the planner")
    assert not cov.covered and cov.attribute == "torque" and "CV-401" in cov.message and "[2]" in cov.message
    assert check_coverage("What torque for the P-601 impeller nut?", [seal, conveyor], "x").covered


def test_coverage_reads_only_the_asked_assets_rows_of_a_table():
    register = _cite(1, "| tag | description |\n|---|---|\n| M-301 | Main motor for C-301, 75 kW |\n"
                        "| M-401 | Drive motor for CV-401, 22 kW, FLA 41 A |", doc_id="asset_register")
    assert not check_coverage("whats the full load current on M-301?", [register], "x").covered
    assert check_coverage("full load current of M-401?", [register], "x").covered
    oil = _cite(2, "asset_tag: GB-401\nquantity: 18 L", doc_id="lubrication_schedule", row=3)
    assert check_coverage("How much oil goes in GB-401?", [oil], "x").covered
    assert not check_coverage("How much oil goes in GB-401?", [_cite(3, "GB-401 gearbox, oil CLP 220")], "x").covered


def test_coverage_abstains_on_salary_and_contact_person_questions():
    playbook = _cite(1, "The site champion owns adoption on the shop floor and reports to the plant manager.")
    assert not check_coverage("What is the salary band of a site champion?", [playbook], "x").covered
    vendor = _cite(2, "C-301 service is done by Stanmore Service (contractor).")
    assert not check_coverage("who's our account manager at Stanmore Compressors, and their number",
                              [vendor], "x").covered


HISTORY_ROW = ("wo_id: WO-2023-0577\nasset_tag: VFD-101\ndate: 2023-07-19\n"
               "problem: E-107 heatsink over-temperature trip\naction: Replaced cabinet fan")


def test_a_work_order_record_is_not_the_answer_unless_history_is_asked():
    from copilot.agents.lookup import reference_rows

    history = _cite(1, HISTORY_ROW, doc_id="maintenance_history", title="maintenance_history.csv", row=13)
    rows = find_rows([history], "E-107")
    assert rows and rows[0].is_event and not rows[0].keyed
    assert reference_rows(rows, "VFD heatsink overtemp alarm E-107 - whats the cabinet temp limit") == []
    assert reference_rows(rows, "When was E-107 last seen on VFD-101?") == rows


def test_the_last_record_comes_first_when_the_question_asks_for_the_last():
    from copilot.agents.lookup import reference_rows

    older = _cite(1, HISTORY_ROW, doc_id="maintenance_history", title="maintenance_history.csv", row=13)
    newer = _cite(2, HISTORY_ROW.replace("2023-07-19", "2025-02-03").replace("WO-2023-0577", "WO-2025-0102"),
                  doc_id="maintenance_history", title="maintenance_history.csv", row=40)
    rows = find_rows([older, newer], "VFD-101")
    assert [r.value("date") for r in reference_rows(rows, "last VFD-101 trip - what was done?")] == [
        "2025-02-03", "2023-07-19"]
    assert [r.value("date") for r in reference_rows(rows, "VFD-101 trip history")] == ["2023-07-19", "2025-02-03"]


def test_fault_answer_uses_the_codes_own_row_not_a_history_mention():
    from copilot.agents.base import AgentContext
    from copilot.agents.maintenance import MaintenanceAgent
    from copilot.config import load_settings
    from copilot.llm.fake import FakeLLM

    fc = "| Code | Description | Asset | Likely causes | First response |\n|---|---|---|---|---|\n" \
         "| E-107 | VFD heatsink over-temperature | VFD-101 | Blocked filter; fan failed; cabinet above 40 °C | Check fan |"
    sources = [_cite(1, HISTORY_ROW, doc_id="maintenance_history", title="maintenance_history.csv", row=13),
               _cite(2, fc)]
    ctx = AgentContext(settings=load_settings(profile="test"), llm=FakeLLM(), question="E-107 on the VFD, what now?",
                       original="E-107 on the VFD, what now?", thread_id="t", sources=sources)
    rows, searched = MaintenanceAgent._named_rows(ctx, "fault")
    assert [r.marker for r in rows] == [2] and rows[0].keyed and searched == []


def test_a_row_is_found_across_the_gap_a_focused_source_leaves_after_the_header():
    head, sep, e204, e206 = FAULTS.splitlines()
    focused = _cite(1, f"{head}\n{sep}\n...\n{e206}")
    rows = find_rows([focused], "E-206")
    assert [r.keyed for r in rows] == [True] and rows[0].value("First response") == "Check oil level"
    assert find_rows([_cite(1, f"{head}\n{sep}\nSome paragraph.\n{e206}")], "E-206") == []


def test_the_section_named_by_the_question_is_swapped_in_whole_and_definitions_are_not_steps():
    def hit(section: str, text: str, n: int = 1) -> Hit:
        slug = section.lower().replace(" ", "-")
        return Hit(chunk=Chunk(id=f"SOP-SEAL-001#{slug}#{n}", doc_id="SOP-SEAL-001", title="Seal replacement",
                               section=section, text=text, doc_type="sop"), score=1.0)

    parts = hit("4. Parts and tools", "4.1 Parts: new seal.\n4.2 Tools: torque wrench.\n4.3 Sleeve.")
    install = hit("7. Installation", "7.1 Clean the shaft.\n7.2 Fit the seal.\n7.3 Torque the gland nuts.")
    removal = hit("5. Removal", "5.1 Record alignment.\n5.2 Remove the coupling spacer.\n5.3 Fit the setting clips.")
    removal2 = hit("5. Removal", "5.4 Loosen the drive collar set screws.", n=2)
    shown = [Citation.from_chunk(i + 1, h.chunk) for i, h in enumerate([parts, install])]
    question = "Steps for removing the old cartridge seal from P-102?"
    sources = pin_procedure(shown, [parts, install, removal, removal2], question)
    assert [c.section for c in sources] == ["4. Parts and tools", "5. Removal"] and sources[1].marker == 2
    best = procedure_source(sources, question)
    assert best.section == "5. Removal" and "5.4 Loosen the drive collar set screws." in render_procedure(best)
    assert procedure_source(shown, "how do I fit a new seal?").section == "7. Installation"  # parts list is no procedure


def test_coverage_abstains_on_a_year_no_record_of_the_asset_has():
    ir = _cite(1, "wo_number: WO-2025-0170\nasset_tag: M-102\ndate: 2025-03-25\nfindings: IR 540 MOhm; PI 2.6",
               doc_id="maintenance_history", row=50)
    other = _cite(2, "wo_number: WO-2026-0031\nasset_tag: M-101\ndate: 2026-01-20\nfindings: IR 680 MOhm",
                  doc_id="maintenance_history", row=68)
    cov = check_coverage("what did M-102 megger at in the annual IR test in 2026", [ir, other], "x")
    assert not cov.covered and "2026" in cov.message  # M-101's 2026 record is not M-102's
    assert check_coverage("what did M-102 megger at in the annual IR test in 2025", [ir, other], "x").covered
    assert check_coverage("what did M-102 megger at in its 2025-03 test", [ir], "x").covered  # no year asked
    baseline = _cite(3, "| Site | Data |\n|---|---|\n| Riverside | 1.8 |", doc_id="PB-002", section="Baseline (January 2026)")
    cov = check_coverage("What did Riverside score on Data in the 2024 readiness assessment? is the 1.8 an improvement",
                         [baseline], "x", about_assets=False)
    assert not cov.covered and "no record of 2024" in cov.message  # the user's 1.8 is not a 2024 score


def test_a_count_of_events_in_a_year_needs_an_event_record_of_that_year():
    register = _cite(1, "asset_tag: P-201\ndescription: Caustic soda transfer pump\ninstall_year: 2016\n"
                        "last_overhaul: 2022-05-17", doc_id="asset_register", row=9)
    history = _cite(2, "wo_number: WO-2024-0398\nasset_tag: P-201\ndate: 2024-07-09\nproblem: E-210 caustic seal leak",
                    doc_id="maintenance_history", row=34)
    cov = check_coverage("how many seal failures did the caustic pump P-201 have in 2022", [register, history], "x")
    assert not cov.covered and "2022" in cov.message  # the register's overhaul date is no seal-failure record
    assert check_coverage("how many seal failures did P-201 have in 2024", [register, history], "x").covered
    assert check_coverage("was P-201 overhauled in 2022", [register, history], "x").covered  # not a count: the row says


def test_informal_words_find_the_procedure_section_that_answers():
    defs = _cite(1, "2.1 Authorised person: trained.\n2.2 Affected person: works nearby.\n2.4 Personal lock: red padlock "
                    "at the MCC-01 lock station.", doc_id="SOP-LOTO-001", title="SOP LOTO", section="2. Definitions")
    removal = _cite(2, "10.1 Removed only by the Maintenance Manager with HSE.\n10.2 Try to contact the owner.\n"
                       "10.3 Inspect the equipment.\n10.4 Record on form F-LOTO-03.", doc_id="SOP-LOTO-001",
                    title="SOP LOTO", section="10. Removal of an abandoned lock")
    question = "someones lock is still on the MCC-01 isolator and he's gone home, how do we get it off"
    assert procedure_source([defs, removal], question) is removal
    hits = [Hit(chunk=Chunk(id=c.chunk_id, doc_id=c.doc_id, title=c.title, section=c.section, text=c.text), score=1.0)
            for c in (defs, removal)]
    sources = pin_procedure([defs.model_copy()], hits, question)
    assert [c.section for c in sources] == ["10. Removal of an abandoned lock"]


ROADMAP = """| Stage | Core question | Typical duration | Accountable owner |
|---|---|---|---|
| Assess | Where are we? | 6-8 weeks | Head of the AI CoE |
| Align | Do we agree on priorities? | 3-4 months | AI Steering Committee (chair: Chief Operating Officer) |"""
RACI = """| Activity | Model owner | MLOps eng. |
|---|---|---|
| Monitoring and drift response | A | R |
| None | - | - |"""


def test_a_table_row_named_in_words_is_pinned():
    from copilot.agents.lookup import named_row_keys

    assert named_row_keys("how long is the Align stage and who owns it", [ROADMAP]) == ["Align"]
    assert named_row_keys("who is accountable for a model's monitoring and drift response", [RACI]) == [
        "Monitoring and drift response"]
    assert named_row_keys("none of the stages apply", [RACI, ROADMAP]) == []  # headers and common cells are not keys
    trimmed = _cite(1, "The stages are Assess, Align, Advance and Amplify.", doc_id="PB-003")
    sources = pin_rows([trimmed], [_hit(trimmed, trimmed.text + "\n\n" + ROADMAP)], "how long is the Align stage")
    assert "| Align | Do we agree on priorities? | 3-4 months |" in sources[0].text
    assert sources[0].text.startswith("| Stage | Core question")  # with its header


def test_a_named_row_in_another_chunk_of_the_document_goes_to_its_own_section():
    from copilot.agents.lookup import pin_named_rows

    anti = _cite(1, "1. Running ten pilots in Align.", doc_id="PB-003", section="7. Anti-patterns")
    overview = _cite(2, "The stages are Assess, Align, Advance and Amplify.", doc_id="PB-003", section="1. Overview")
    second = Hit(chunk=Chunk(id="PB-003#overview#2", doc_id="PB-003", title="Roadmap", section="1. Overview",
                             text=ROADMAP), score=1.0)
    sources = pin_named_rows([anti, overview], [second], "how long is the Align stage and who owns it")
    assert "3-4 months" in sources[1].text and "3-4 months" not in sources[0].text


def test_coverage_abstains_on_a_code_the_user_names_that_no_source_lists():
    table = _cite(1, FAULTS)
    question = "P-101 showing E-999, what is it"
    gap = check_coverage(question, [table], "x", original=question)
    assert not gap.covered and gap.entity == "E-999" and "do not mention E-999" in gap.message
    known = "P-101 tripped on E-204"
    assert check_coverage(known, [table], "x", original=known).covered
    # a follow-up's search rewrite may carry an earlier code no procedure mentions: only the user's words count
    assert check_coverage("And how do I isolate it?\nP-101 E-777 isolate", [table], "x",
                          original="And how do I isolate it?").covered


def test_a_vendor_in_the_story_is_not_a_vendor_asked_for():
    from copilot.agents.coverage import asked_attribute

    assert asked_attribute("vendor is pitching cameras that read operators' facial expressions. can we use it?") is None
    assert asked_attribute("when did we buy GB-402 and from which distributor?") == "vendor"
    assert asked_attribute("who supplied the CV-401 belt") == "vendor"


def test_coverage_abstains_on_a_persons_name_no_source_gives():
    loto = _cite(1, "10.1 An abandoned lock may be removed only by the Maintenance Manager with an HSE representative.",
                 doc_id="SOP-LOTO-001")
    gap = check_coverage("whats the name of the maintenance manager at riverside, need him to sign off", [loto], "x")
    assert not gap.covered and gap.attribute == "person's name"  # a role is not a name ("HSE Manager" had been said)
    record = _cite(2, "wo_number: WO-2023-0210\nasset_tag: M-101\ntechnician: A. Brennan", doc_id="maintenance_history")
    assert check_coverage("name of the technician who did the M-101 IR test", [record], "x").covered
    assert check_coverage("What is the name of the procedure for hot work?", [loto], "x").covered


def test_a_reference_value_is_not_answered_from_a_work_order_record():
    from copilot.agents.lookup import is_event_record, reference_sources

    record = Citation(marker=1, chunk_id="mh#61", doc_id="maintenance_history", title="maintenance_history.csv", row=61,
                      text="wo_number: WO-2025-0590\nasset_tag: P-101\ndate: 2025-11-04\naction: Laser aligned to 0.03 mm")
    guide = Citation(marker=2, chunk_id="tg#5", doc_id="TG-PUMP-001", title="Pumps",
                     text="6. Laser-align to offset <= 0.05 mm and angularity <= 0.05 mm per 100 mm.")
    spare = Citation(marker=3, chunk_id="sp#7", doc_id="spare_parts", title="spare_parts.csv", row=7,
                     text="part_number: SP-1007\ndescription: Coupling flexible element")
    assert is_event_record(record) and not is_event_record(guide) and not is_event_record(spare)
    asked = "alignment tolerance for P-101 after changing the coupling element?"
    assert reference_sources([record, guide, spare], asked) == [guide, spare]
    assert reference_sources([record], asked) == [record]  # nothing else to answer from: left to the checks
    history = "what alignment did we get last time on P-101?"
    assert reference_sources([record, guide], history) == [record, guide]


def test_a_budgeted_amount_is_a_price_the_sources_must_hold():
    from copilot.agents.coverage import asked_attribute

    question = "how much is budgeted for the Riverside historian retention upgrade and when does it go live"
    assert asked_attribute(question) == "price"
    retention = Citation(marker=1, chunk_id="dr#26", doc_id="CL-003", title="Data Readiness Checklist",
                         text="Raw one-second data kept 13 months; one-minute aggregates kept 7 years.")
    result = check_coverage(question, [retention], "the site reliability engineer")
    assert not result.covered and result.attribute == "price"


def test_a_yes_no_question_joined_to_the_first_is_a_follow_on_ask():
    from copilot.agents.shapes import ASKS_PAST, follow_on_asks

    assert follow_on_asks("whats E-208 mean? and has that one ever come up before on the standby pump", yes_no=True) == [
        "has that one ever come up before on the standby pump"]
    assert follow_on_asks("what gas readings do we need before entry and do we need the tripod+winch", yes_no=True) == [
        "do we need the tripod+winch"]
    assert follow_on_asks("how long can a pilot run, and can we get more time if its close") == []  # the prompt's split
    assert follow_on_asks("P-101 tripped and is making noise, what do I check") == []  # one question
    # a question after a comma, when the part before it asks something too
    assert follow_on_asks("what gas readings do we need before anyone goes in, how often do we retest, and do they "
                          "need the tripod?", yes_no=True) == ["how often do we retest", "do they need the tripod"]
    assert ASKS_PAST.search("has that one ever come up before") and not ASKS_PAST.search("do we need it before entry")


def test_a_wrapped_figure_continues_its_line_and_each_clause_keeps_its_own_assets():
    from copilot.agents.claim_check import ClaimChecker
    from copilot.agents.figures import logical_lines

    text = "7.4 Torque the impeller nut: 150 N·m on P-101/P-102,\n95 N·m on P-201 and P-601/P-602.\n7.5 Next step."
    assert logical_lines(text)[0].endswith("95 N·m on P-201 and P-601/P-602.") and logical_lines(text)[1] == "7.5 Next step."
    seal = _cite(1, text, doc_id="SOP-SEAL-001")
    checker = ClaimChecker([seal], "impeller nut torque on P-201?")
    assert checker.check("Torque it to 95 N·m [1].") is not None
    assert checker.check("Torque it to 150 N·m [1].") is None  # P-101/P-102's clause


def test_a_figure_given_for_the_assets_its_own_clause_names_is_supported():
    from copilot.agents.claim_check import ClaimChecker

    seal = _cite(1, "7.4 Torque the impeller nut: 150 N·m on P-101/P-102,\n95 N·m on P-201 and P-601/P-602.",
                 doc_id="SOP-SEAL-001")
    checker = ClaimChecker([seal], "impeller nut torque on P-201?")
    assert checker.check("150 N·m on P-101/P-102, 95 N·m on P-201 and P-601/P-602 [1].") is not None
    assert checker.check("On P-101 the nut takes 95 N·m [1].") is None  # 95 N·m is P-201's, not P-101's


def test_a_figure_given_for_a_row_named_by_its_key_must_be_that_rows():
    from copilot.agents.claim_check import ClaimChecker

    baseline = _cite(2, "| Dimension | Halden Works | Riverside |\n|---|---|---|\n| Data | 2.5 | 1.8 |\n"
                        "| Measurement | 2.3 | 1.7 |\n| **ORI** | **2.7** | **2.2** |\n\n"
                        "Riverside's data score of 1.8 reflects a short historian.", doc_id="PB-002")
    checker = ClaimChecker([baseline], "whats riverside's overall score and weakest dimension")
    # 1.8 is the Data row's, ORI is 2.2: the ORI row is quoted instead
    assert checker.check("Riverside's ORI is 1.8 [2].") == \
        'What the source says: "ORI (Halden Works: 2.7; Riverside: 2.2)" [2].'
    assert checker.withheld[-1].reason == "wrong_row"
    assert checker.check("Riverside's ORI is 2.2 [2].") is not None
    assert checker.check("Its Data score is 1.8 [2].") is not None


def test_each_clause_is_read_for_the_row_it_names():
    from copilot.agents.claim_check import ClaimChecker

    table = _cite(1, "| Dimension | Riverside |\n|---|---|\n| People | 2.2 |\n| Governance | 2.9 |\n| **ORI** | **2.2** |",
                  doc_id="PB-002")
    checker = ClaimChecker([table], "overall score")
    assert checker.check("The overall score is 2.2, and Governance is 2.9 [1].") is not None
    assert checker.check("Governance is 2.2 [1].") == 'What the source says: "Governance (Riverside: 2.9)" [1].'


def test_a_clause_without_its_own_tag_is_about_the_asset_named_before_it():
    from copilot.agents.claim_check import ClaimChecker

    guide = _cite(1, "Design data for P-101 and P-102: 350 m³/h at 45 m head, 1480 rpm. NPSH required is 4.2 m at\n"
                     "rated flow, 6.0 m at 420 m³/h. Minimum continuous stable flow is 90 m³/h.", doc_id="TG-PUMP-001")
    checker = ClaimChecker([guide], "what flow and head is cooling water pump P-601 rated for")
    assert checker.check("P-601 is rated for 90 m³/h and a head of 4.2 m [1].") is None  # P-101/P-102's data
    assert ClaimChecker([guide], "P-101 head").check("P-101 needs 4.2 m NPSH at rated flow [1].") is not None


def test_a_quantity_given_for_a_sibling_asset_does_not_cover_the_asked_one():
    scope = _cite(1, "- GB-401: three-stage gearbox driving CV-401. Splash lubricated, 18 L gear oil. Foot bolts M20,\n"
                     "  370 N·m.\n- GB-402: shaft-mounted helical gearbox on CV-402, 6 L ISO VG 220.", doc_id="TG-GBX-001")
    cov = check_coverage("what torque for the GB-402 mounting bolts?", [scope], "x")
    assert not cov.covered and cov.attribute == "torque" and cov.entity == "GB-402"
    assert check_coverage("GB-401 foot bolt torque?", [scope], "x").covered


def test_a_stated_reading_is_not_a_live_reading_asked_and_an_unknown_framework_item_is_named():
    from copilot.agents.coverage import check_coverage

    guide = Citation(marker=1, chunk_id="c", doc_id="TG-COMP-001", title="Screw compressors",
                     text="| Airend discharge temperature | 75-95 °C | warning 105 °C; trip 110 °C (E-221) | C-301 |\n"
                          "Standby C-302 takes over.")
    original = "C-301 showing disch temp 107C warning, room is 36 deg today. swap to C-302? what do i check"
    # the graph passes the user's words and the search query (with the notes it added) on two lines
    question = f"{original}\n{original} (C-301 temperature alarm is E-221)"
    assert check_coverage(question, [guide], "the supervisor", original).covered
    nist = Citation(marker=1, chunk_id="n", doc_id="CL-007", title="Obligations",
                    text="| MANAGE 2.4 | Means to switch off a system. |")
    asked = "What does NIST AI RMF MEASURE 2.9 ask for?"
    gap = check_coverage(asked, [nist], "the supervisor", asked, about_assets=False)
    assert not gap.covered and "MEASURE 2.9" in gap.message
    known = "What does NIST AI RMF MANAGE 2.4 ask for?"
    assert check_coverage(known, [nist], "the supervisor", known, about_assets=False).covered
    # a reading by its acronym is no framework item: "PSI 0.27 ... what does that trigger" is not "unknown PSI 0.27"
    drift = "drift monitor shows PSI 0.27 on one of the top-10 features over the last 7 days. what does that trigger?"
    assert "PSI 0.27" not in check_coverage(drift, [nist], "the supervisor", drift, about_assets=False).message


def test_a_name_and_email_asked_is_called_contact_details():
    """"who's our data protection officer? need a name and email": the abstention had said "the phone number"."""
    from copilot.agents.coverage import asked_attribute

    assert asked_attribute("who's our data protection officer? need a name and email to send the DPIA to") == \
        "contact details"
