"""Trustworthy answers through the whole graph, with the fake LLM: figures checked, honest abstention,
exact rows, quoted procedures, work orders only when they make sense."""

from __future__ import annotations

import pytest

from copilot.audit import AuditLog
from copilot.graph.service import CopilotService
from copilot.llm.fake import FakeLLM
from copilot.retrieval.embedder import FakeEmbedder
from tests.graph.fakes import StaticRetriever, chunk

FAULTS = """| Code | Description | Asset / equipment | Likely causes | First response | Escalation |
|---|---|---|---|---|---|
| E-204 | High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s | P-101 | Misalignment; soft foot; bearing defect | Change over to P-102; take portable vibration readings | Reliability Engineering, P2 work order |
| E-206 | Bearing housing temperature, alarm 85 °C, trip 95 °C | P-101 | Oil level wrong; contaminated oil | Check oil level and condition | Mechanical maintenance |"""
LOTO = """5.1 **Prepare.** Obtain the EIP for the asset.
5.2 **Notify.** Tell the control room and all affected persons.
5.3 **Shut down.** Stop the equipment by its normal stopping method.
5.4 **Isolate.** Operate every isolation device listed on the EIP.
5.5 **Lock and tag.** Apply a lock and a completed tag to every isolation point."""
CHUNKS = [
    chunk("FC-RIV-001#2", "PLC Alarm and Fault Code Table", FAULTS, doc_type="fault_codes", section="E-2xx codes"),
    chunk("SOP-LOTO-001#5", "Lockout/Tagout", LOTO, doc_type="sop", section="5. Lockout procedure"),
    chunk("TG-COMP-001#1", "Screw compressor C-301", "Compressor C-301 is driven by motor M-301 (75 kW). "
          "Service the compressor every 4000 h.", section="Scope"),
    chunk("asset_register#row1", "asset_register.csv", "asset_tag: P-101\ndescription: Raw water pump\n"
          "manufacturer: Aldermoor Pumps", doc_type="table"),
]
for c in CHUNKS[3:]:
    c.row = 1


@pytest.fixture
def make(settings):
    settings = settings.model_copy(update={"retrieval": settings.retrieval.model_copy(update={"min_relevance": 0.0}),
                                           "tables": settings.tables.model_copy(update={"enabled": False})})
    made = []

    def _make(llm=None):
        svc = CopilotService(settings, llm=llm or FakeLLM(), embedder=FakeEmbedder(), retriever=StaticRetriever(CHUNKS))
        made.append(svc)
        return svc

    yield _make
    for svc in made:
        svc.close()


def test_invented_price_is_never_streamed_and_a_withheld_central_claim_abstains(make):
    svc = make(FakeLLM(["Compressor C-301 sold for $75,000 in 2019 [1]. It is driven by motor M-301 [1]."]))
    events = list(svc.stream("Tell me about compressor C-301", agent="maintenance"))
    streamed = "".join(e.data["text"] for e in events if e.type == "token")
    answer = events[-1].data
    assert "75,000" not in streamed and "75,000" not in answer["text"]
    assert answer["abstained"] and answer["citations"] == []
    assert answer["withheld_claims"][0]["figures"] == ["$75,000", "2019"]
    audit = [r for r in AuditLog(svc.settings.db_path).records() if r["kind"] == "turn"][-1]
    assert audit["payload"]["abstained"] and audit["payload"]["withheld_claims"]


def test_price_question_the_sources_cannot_answer_is_declined_without_the_model(make):
    llm = FakeLLM(["It cost $75,000 [1]."])
    answer = make(llm).ask("What did compressor C-301 cost us?", agent="maintenance")
    assert answer.abstained and "price" in answer.text and "75,000" not in answer.text
    assert "TG-COMP" in answer.text or "Screw compressor" in answer.text  # what the documents do cover


def test_withheld_sentence_is_counted_but_the_rest_is_shown(make):
    svc = make(FakeLLM(["The vibration alarm on P-101 is at 4.5 mm/s [1]. It draws 75 amps at full load [1]."]))
    answer = svc.ask("P-101 is noisy, what should I check?", agent="maintenance")  # no quantity: no implied alarm
    assert "4.5 mm/s" in answer.text and "amps" not in answer.text and not answer.abstained
    assert [w.figures for w in answer.withheld_claims] == [["75 amps"]]


def test_fault_code_answer_is_the_row_without_the_model(make):
    llm = FakeLLM(["E-204 means the bearing temperature is high [1]."])
    answer = make(llm).ask("Pump P-101 tripped on E-204. What does it mean and what should I check first?")
    assert answer.text.startswith("**E-204** - High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s")
    assert "E-206" not in answer.text and "lockout/tagout" in answer.text.lower()
    assert "E-204 means" not in answer.text and answer.timings.get("llm_total") is None
    wo = answer.approval.payload
    assert wo["asset"] == "P-101" and wo["asset_in_register"] is True
    assert "Change over to P-102" in wo["steps"] and wo["sources"][0].startswith("PLC Alarm")


def test_a_trip_with_a_reading_but_no_code_is_answered_from_the_alarm_row_it_raised(make):
    llm = FakeLLM(["The pump tripped on high temperature [1]."])
    answer = make(llm).ask("night shift, p101 tripped, vib was 7.8 mm/s on the outboard bearing. what now?",
                           agent="maintenance")
    assert answer.text.startswith("**E-204** - High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s")
    assert "E-206" not in answer.text and answer.timings.get("llm_total") is None


def test_procedure_question_quotes_the_steps_and_proposes_nothing(make):
    answer = make().ask("How do I isolate pump P-101 before opening the casing?", agent="maintenance")
    lines = [ln for ln in answer.text.splitlines() if ln[:1].isdigit()]
    assert [ln[:3] for ln in lines] == ["5.1", "5.2", "5.3", "5.4", "5.5"]
    assert answer.approval is None


def test_unknown_asset_is_flagged_in_the_work_order(make):
    answer = make().ask("Create a work order for P-777 leak, replace seal", agent="maintenance")
    assert answer.approval is not None and answer.approval.payload["asset"] == "P-777"
    assert answer.approval.payload["asset_in_register"] is False
    assert "NOT in the asset register" in answer.approval.summary


def test_looping_model_is_stopped_and_trimmed(make):
    loop = "Check the oil level. " * 40
    answer = make(FakeLLM([f"Likely causes on P-101 [1]. {loop}"])).ask("P-101 is noisy, why?", agent="maintenance")
    assert answer.text.count("Check the oil level") == 1


HISTORY = chunk("maintenance_history#row7", "maintenance_history.csv",
                "wo_number: WO-2024-0722\nasset_tag: P-101\ndate: 2024-12-17\nproblem: E-204 vibration 5.1 mm/s\n"
                "cause: Soft foot\naction: Shimmed the feet", doc_type="table")
HISTORY.row = 7


def test_a_tag_typed_without_its_dash_is_read_as_the_tag(make):
    answer = make(FakeLLM(["The pump cost $12,000 [1]."])).ask("what did p101 cost us", agent="maintenance")
    assert answer.abstained and "P-101" in answer.text  # the coverage check knew the tag: no price for P-101


def test_a_question_joined_to_a_fault_code_gets_the_records_that_name_it(make, settings):
    CHUNKS.append(HISTORY)
    try:
        llm = FakeLLM(["It happened once [1]."])
        answer = make(llm).ask("whats E-204 mean? and has that one ever come up before", agent="maintenance")
    finally:
        CHUNKS.remove(HISTORY)
    assert answer.text.startswith("**E-204** - High vibration")
    assert "**Records naming E-204:**" in answer.text and "Shimmed the feet" in answer.text
    assert "It happened once" not in answer.text and answer.timings.get("llm_total") is None


def test_a_second_question_the_row_does_not_answer_is_answered_by_the_model_and_checked(make):
    llm = FakeLLM(["Lock the breaker and verify zero energy [2]. Then wait 45 minutes [2]."])
    answer = make(llm).ask("P-101 tripped on E-204, what does it mean and do we need a permit to work on it?",
                           agent="maintenance")
    assert answer.text.startswith("**E-204** - High vibration")
    assert "Lock the breaker and verify zero energy" in answer.text and "45 minutes" not in answer.text
    assert [w.figures for w in answer.withheld_claims] == [["45 minutes"]] and not answer.abstained
