"""The five cases that broke trust (issue: trustworthy answers), each with the real model over all of knowledge/."""

from __future__ import annotations

import re

import pytest

from copilot.agents.figures import FigurePool, extract
from copilot.config import PROJECT_ROOT, load_settings
from copilot.graph.service import CopilotService

pytestmark = [pytest.mark.real_model, pytest.mark.real_embedder]


@pytest.fixture(scope="module")
def kb(tmp_path_factory, real_embedder, real_llm):
    from copilot.ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("trust")
    settings = load_settings(profile="default", overrides={"data_dir": str(root / "data"), "llm": {"max_tokens": 160}})
    ingest_paths(settings, [PROJECT_ROOT / "knowledge"], embedder=real_embedder, progress=False)
    svc = CopilotService(settings, llm=real_llm, embedder=real_embedder)
    yield svc
    svc.close()


def _no_unsourced_figure(answer, question: str) -> None:
    pool = FigurePool.of([f"{c.title} {c.section} {c.doc_id} row {c.row}\n{c.text}" for c in answer.citations] + [question])
    body = answer.text.split("Note: the sources disagree")[0]
    missing = [f.raw for f in extract(re.sub(r"\[\d+\]", "", body)) if not pool.supports(f)]
    assert not missing, (missing, answer.text)


def test_price_no_document_gives_is_an_abstention(kb):
    q = "What was the purchase price of compressor C-301 in 2019?"
    answer = kb.ask(q)
    assert answer.abstained, answer.text
    assert not re.search(r"[$€£]\s?\d|\d[\d,]* ?(?:USD|EUR|dollars|euros)", answer.text), answer.text
    assert "price" in answer.text.lower()


def test_fault_code_answer_is_its_own_row_then_isolation(kb):
    q = "Pump P-101 tripped on E-204. What does it mean and what should I check first?"
    answer = kb.ask(q, thread_id="trust-e204")
    text = answer.text
    assert "High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s" in text, text
    assert text.index("Misalignment") < text.index("Change over to P-102"), text
    assert "E-206" not in text and "E-201" not in text and "LT-100" not in text, text
    assert "lockout/tagout" in text.lower()
    assert answer.approval is not None and answer.approval.payload["asset"] == "P-101"
    assert "Change over to P-102" in answer.approval.payload["steps"]
    _no_unsourced_figure(answer, q)


def test_isolation_follow_up_quotes_the_procedure_steps_in_order(kb):
    kb.ask("Pump P-101 tripped on E-204. What does it mean and what should I check first?", thread_id="trust-iso")
    answer = kb.ask("And how do I isolate it safely before opening the casing?", thread_id="trust-iso")
    numbers = re.findall(r"^(\d+(?:\.\d+)+)", answer.text, flags=re.M)
    assert len(numbers) >= 3, answer.text
    as_tuples = [tuple(int(p) for p in n.split(".")) for n in numbers]
    assert as_tuples == sorted(as_tuples), answer.text
    assert "cause" not in answer.text.lower(), answer.text
    assert any(c.doc_id.startswith("SOP-") for c in answer.citations)
    assert answer.approval is None


def test_recruitment_ranking_is_high_risk_once(kb):
    answer = kb.ask("We want to use AI to rank job applicants for our maintenance technician roles. "
                    "What is the EU AI Act risk tier?")
    assert answer.route == "governance"
    assert answer.structured and answer.structured["tier"] == "high", answer.text
    assert not re.search(r"\b(minimal|limited)[- ]risk\b", answer.text, re.I), answer.text
    if answer.approval is not None:
        assert answer.approval.payload.get("tier", "high") == "high"


def test_lubrication_lookup_is_exact(kb):
    q = "What is the lubrication interval for gearbox GB-401?"
    answer = kb.ask(q)
    assert "10000 h or 2 years" in answer.text.replace(",", ""), answer.text
    assert "18 L" in answer.text, answer.text
    assert "6 L" not in answer.text
    _no_unsourced_figure(answer, q)


def test_someone_elses_lock_is_answered_by_the_abandoned_lock_rule(kb):
    """Slang for the rule ("cut it off") finds the procedure's section; a permission question is not a lookup."""
    q = ("daves red lock is still on the cv401 lockbox and hes gone home, job's finished. can the shift sup just "
         "cut it off so we can start up")
    answer = kb.ask(q)
    assert not answer.abstained, answer.text
    assert "Maintenance Manager" in answer.text, answer.text
    assert any(c.doc_id == "SOP-LOTO-001" and "abandoned" in (c.section or "").lower() for c in answer.citations)


def test_is_that_a_go_is_decided_by_the_gate_rule(kb):
    q = ("Gate pack for the compressor anomaly model: every mandatory item is a yes, but five advisory items are "
         "still open, each with an owner and a date. Is that a go?")
    answer = kb.ask(q)
    assert answer.text.startswith("**Conditional go**"), answer.text
    assert "within 30 days" in answer.text and any(c.doc_id == "CL-002" for c in answer.citations)


def test_a_stated_reading_is_placed_in_its_limit_rows_bands(kb):
    """The model had abstained on 80 MOhm and said "no" to 20.5 % oxygen; the limit rows decide both."""
    answer = kb.ask("M-102 IR 80 MOhm ok?")
    assert '"5-100 MΩ trend and investigate"' in answer.text and "outside" in answer.text, answer.text
    assert any(c.doc_id == "TG-MOTOR-001" for c in answer.citations)
    answer = kb.ask("is it ok to enter the wet well with 20.5% oxygen")
    assert 'within the accepted "19.5 % to 23.5 % by volume"' in answer.text, answer.text


def test_one_figure_for_two_named_things_quotes_each_things_sentence(kb):
    answer = kb.ask("doing the seal on the caustic pump. whats the torque on the impeller nut and on the casing bolts?")
    assert "**impeller nut:**" in answer.text and "95 N·m on P-201" in answer.text, answer.text
    assert "**casing bolts:**" in answer.text and "180 N·m" in answer.text and "55 N·m" not in answer.text
    gap = kb.ask("swapping the inspection cover gasket on gb401. can i just torque the cover bolts to 370 same as the feet?")
    assert gap.abstained and "no torque for the cover bolts" in gap.text, gap.text


def test_a_fault_code_row_is_followed_by_its_guide_checks_and_past_jobs(kb):
    answer = kb.ask("VFD-102 threw E-106 ground fault on starting p-102, operator reset it once and it came straight "
                    "back. what now")
    assert "**Checks in the guide for E-106**" in answer.text and "500 V DC" in answer.text, answer.text
    assert "WO-2024-0470" in answer.text and any(c.doc_id == "TG-MOTOR-001" for c in answer.citations)


def test_a_two_part_ranking_over_the_history_is_computed_part_by_part(kb):
    answer = kb.ask("going through the wo history - which asset has had the most work orders and which one has the "
                    "most downtime hours overall?")
    assert "| P-101 | 11 |" in answer.text and "| P-101 | 103.5 |" in answer.text, answer.text


def test_a_symptom_without_a_code_gets_its_guide_section(kb):
    answer = kb.ask("p-101 is cavitating, gravel noise and the discharge pressure is jumping around. what do i check")
    assert "**Checks in the guide for P-101**" in answer.text and "Cavitation" in answer.text, answer.text
    assert "LT-100" in answer.text and "E-202" not in answer.text.split("**Safety")[0]


def test_an_intake_idea_with_no_data_does_not_go_to_charter_whatever_its_total(kb):
    answer = kb.ask("intake scoring for an idea came out: value 5, data availability 1, feasibility 5, workflow fit 5, "
                    "reuse 5. priority score looks great - does it go forward to charter?")
    assert "**Does not go to charter**" in answer.text and "data-capture action" in answer.text, answer.text


def test_equipment_named_in_words_and_a_reading_without_its_code_reach_the_right_rows(kb):
    # "the caustic pump" is P-201 (asset register); its seal is SP-1021, not another pump's
    answer = kb.ask("have we got a spare seal for the caustic pump in stores? need part no, bin location and lead time")
    assert "SP-1021" in answer.text and "A-02-01" in answer.text and "42" in answer.text, answer.text
    # a trip with a vibration reading on P-101 is E-204's row, answered without the model re-typing it
    q = "night shift, p101 just tripped, portable showed vib 7.8 mm/s on the outboard brg. what now?"
    answer = kb.ask(q)
    assert answer.text.startswith("**E-204**") and "trip 7.1 mm/s" in answer.text, answer.text
    assert "Change over to P-102" in answer.text
    _no_unsourced_figure(answer, q)


def test_a_use_the_documents_forbid_is_answered_no_and_sites_are_compared_from_their_columns(kb):
    answer = kb.ask("Could we let a model run one of our safety instrumented functions on its own under supervised "
                    "autonomy, if HSE signs it off?")
    assert answer.text.startswith("**No.**") and "not permitted on safety instrumented functions" in answer.text, \
        answer.text
    answer = kb.ask("How does Riverside compare with Halden Works on AI readiness, and where is each of them on the "
                    "roadmap?")
    assert "| **ORI** | **2.7** | **2.2** |" in answer.text and "| Riverside | Assess |" in answer.text, answer.text


def test_a_mistyped_figure_is_replaced_by_the_sentence_that_states_it(kb):
    # the model wrote the baseline's "12 weeks"; the answer is the go-live checklist's (or playbook's) 4 weeks
    answer = kb.ask("What is the minimum shadow-mode period before go-live?")
    assert "4 weeks" in answer.text and "12 weeks" not in answer.text, answer.text
    assert not answer.abstained
