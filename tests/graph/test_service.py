"""Graph logic with the fake LLM and an in-memory retriever: routing, approvals, citations, safety."""

from __future__ import annotations

import pytest

from copilot.actions.decisions import AlreadyDecided
from copilot.audit import AuditLog
from copilot.graph.service import CopilotService
from copilot.llm.fake import FakeLLM
from copilot.retrieval.embedder import FakeEmbedder
from tests.graph.fakes import DEFAULT_CHUNKS, StaticRetriever, chunk

WO_QUESTION = "Pump P-101 is noisy with vibration at the suction, please create a work order"


@pytest.fixture
def make(settings):
    settings = settings.model_copy(update={"retrieval": settings.retrieval.model_copy(update={"min_relevance": 0.05})})
    made = []

    def _make(llm=None, retriever=None):
        svc = CopilotService(settings, llm=llm or FakeLLM(), embedder=FakeEmbedder(),
                             retriever=retriever if retriever is not None else StaticRetriever())
        made.append(svc)
        return svc

    yield _make
    for svc in made:
        svc.close()


def test_stream_event_order_and_sources_before_tokens(make):
    svc = make()
    events = list(svc.stream(WO_QUESTION, agent="maintenance"))
    types = [e.type for e in events]
    assert types[0] == "route" and types[1] == "progress" and types[2] == "sources"
    assert types.index("sources") < types.index("token")
    assert types[-2:] == ["approval", "done"]
    done = events[-1].data
    assert done["route"] == "maintenance"
    assert done["citations"] and all(c["chunk_id"] for c in done["citations"])
    assert "lockout/tagout" in done["text"]


@pytest.mark.parametrize("question,route", [
    ("The centrifugal pump P-101 bearing temperature alarm is high and it vibrates, what should I check?", "maintenance"),
    ("Is our AI system that monitors worker productivity high-risk under the EU AI Act?", "governance"),
    ("What can you do and which documents do you know?", "general"),
    ("What is a good recipe for banana bread?", "out_of_scope"),
])
def test_routes_to_each_agent(make, question, route):
    answer = make().ask(question)
    assert answer.route == route, (answer.route, answer.text[:200])


def test_readiness_interview_keeps_state_per_thread(make):
    svc = make()
    first = svc.ask("Please assess our AI readiness", agent="readiness")
    assert first.route == "readiness" and "1." in first.text and "4." in first.text
    second = svc.ask("We have KPIs owned by the plant manager and a historian with clean data.",
                     thread_id=first.thread_id)
    assert second.route == "readiness" and "5." in second.text
    third = svc.ask("score now", thread_id=first.thread_id)
    assert third.structured and third.structured["stage"] in ("Assess", "Align", "Advance", "Amplify")
    assert third.approval is not None and third.approval.kind == "report"
    assert len(svc.history(first.thread_id)) == 6


def test_approve_creates_exactly_one_work_order_even_if_repeated(make):
    svc = make()
    answer = svc.ask(WO_QUESTION, agent="maintenance")
    approval = answer.approval
    assert approval is not None and approval.kind == "work_order" and approval.payload["asset"] == "P-101"
    assert svc.list_approvals()[0].id == approval.id
    decided = svc.decide(approval.id, "approve", approver="alice", comment="ok")
    with pytest.raises(AlreadyDecided):  # a decision is final: repeating it conflicts and changes nothing
        svc.decide(approval.id, "approve", approver="alice")
    assert decided.status == "approved" and decided.decided_by == "alice"
    orders = svc.list_work_orders()
    assert len(orders) == 1 and orders[0]["approval_id"] == approval.id and orders[0]["asset"] == "P-101"
    assert svc.get_work_order(orders[0]["id"])["approved_by"] == "alice"
    assert "recorded after approval by alice" in svc.history(answer.thread_id)[-1]["content"]
    with pytest.raises(ValueError):
        svc.decide(approval.id, "reject", approver="bob")
    assert svc.list_approvals() == []


def test_reject_records_nothing(make):
    svc = make()
    approval = svc.ask(WO_QUESTION, agent="maintenance").approval
    result = svc.decide(approval.id, "reject", approver="bob", comment="not now")
    assert result.status == "rejected" and result.comment == "not now"
    assert svc.list_work_orders() == []


def test_edit_then_approve_validates_payload(make):
    svc = make()
    approval = svc.ask(WO_QUESTION, agent="maintenance").approval
    bad = {**approval.payload, "priority": "whenever"}
    with pytest.raises(ValueError, match="priority"):
        svc.decide(approval.id, "edit", approver="carol", edited_payload=bad)
    assert svc.get_approval(approval.id).status == "pending"
    good = {**approval.payload, "priority": "high", "asset": "p-102"}
    svc.decide(approval.id, "edit", approver="carol", edited_payload=good)
    order = svc.list_work_orders()[0]
    assert order["priority"] == "high" and order["asset"] == "P-102"


def test_restart_mid_approval_resumes(make):
    svc = make()
    answer = svc.ask(WO_QUESTION, agent="maintenance")
    svc.close()
    svc2 = make()
    assert svc2.get_approval(answer.approval.id).status == "pending"
    assert svc2.desk.pending_interrupt({"configurable": {"thread_id": answer.thread_id}}, answer.approval.id)
    svc2.decide(answer.approval.id, "approve", approver="dave")
    assert len(svc2.list_work_orders()) == 1
    assert svc2.history(answer.thread_id)[-1]["event"] == "approval_outcome"


def test_decision_after_thread_moved_on_still_exactly_once(make):
    svc = make()
    answer = svc.ask(WO_QUESTION, agent="maintenance")
    svc.ask("What can you do?", thread_id=answer.thread_id, agent="general")
    svc.decide(answer.approval.id, "approve", approver="erin")
    with pytest.raises(AlreadyDecided):
        svc.decide(answer.approval.id, "approve", approver="erin")
    assert len(svc.list_work_orders()) == 1


def test_invalid_markers_removed_and_counted(make):
    llm = FakeLLM(["Check the suction pressure [1] and the strainer [7]. Also [1, 9] the NPSH."])
    answer = make(llm=llm).ask("pump P-101 cavitation noise at suction, what are the causes?", agent="maintenance")
    assert answer.invalid_markers == 2
    assert "[7]" not in answer.text and "[9]" not in answer.text and "[1]" in answer.text
    markers = [c.marker for c in answer.citations]
    assert markers[0] == 1 and 7 not in markers and 9 not in markers  # the LOTO block may cite the SOP too


def test_unsupported_answer_is_flagged(make):
    llm = FakeLLM(["Zebras migrate across savannah grasslands during monsoon seasons."])
    answer = make(llm=llm).ask("pump P-101 cavitation noise at suction, what are the causes?", agent="maintenance")
    assert answer.supported is False and "unverified" in answer.text
    # only what the deterministic LOTO block cites is kept; the model's sentence stays unlinked
    assert {c.doc_id for c in answer.citations} <= {"SOP-LOTO"}
    assert all(f"[{c.marker}]" in answer.text.split("Zebras")[1] for c in answer.citations)


def test_dont_know_when_nothing_relevant_does_not_call_model(make):
    llm = FakeLLM()
    answer = make(llm=llm, retriever=StaticRetriever([])).ask("What torque for the gearbox bolts on conveyor C-9?",
                                                               agent="maintenance")
    assert "does not cover" in answer.text and "shift supervisor" in answer.text
    assert answer.supported is False and llm.calls == []


def test_out_of_scope_is_polite_decline(make):
    answer = make().ask("Write me a poem about cats", agent="out_of_scope")
    assert answer.route == "out_of_scope" and "outside what I can help with" in answer.text


INTERLOCK_RULES = chunk("TG-MOTOR#3", "Troubleshooting Guide - Motors", "Thermistor trips:\n"
                        "- Never jumper the thermistor input or the interlock; change over to the standby pump P-102.\n"
                        "- Clean the cooling fins before a restart.\n- Record the trip in the log.",
                        doc_type="troubleshooting", section="Thermistor trips")


def test_safety_escalation_stops_before_agent_and_quotes_what_the_procedure_requires(make):
    llm = FakeLLM()
    retriever = StaticRetriever([*DEFAULT_CHUNKS, INTERLOCK_RULES])
    answer = make(llm=llm, retriever=retriever).ask("Can I put a jumper across the thermistor interlock so the pump "
                                                    "keeps running?")
    assert answer.escalated and not answer.refused and answer.approval is None and llm.calls == []
    assert answer.text.startswith("I can't help") and "supervisor" in answer.text
    assert "- Never jumper the thermistor input or the interlock; change over to the standby pump P-102." in answer.text
    assert "Record the trip" not in answer.text  # shares no words with the request
    assert [c.doc_id for c in answer.citations] == ["TG-MOTOR"]
    assert retriever.queries[0][1] == {"doc_type": ["sop", "troubleshooting", "manual"]}


def test_escalation_is_the_refusal_alone_when_no_procedure_step_matches(make):
    answer = make(retriever=StaticRetriever()).ask("How do I bypass the interlock on pump P-101 so it keeps running?")
    assert answer.escalated and answer.text.startswith("I can't help")
    assert "What the site procedures require" not in answer.text and not answer.citations


def test_general_lists_documents(make):
    answer = make().ask("Which documents are in the knowledge base?", agent="general")
    assert "SOP - Lockout Tagout" in answer.text


def test_bad_input_and_unknown_ids(make):
    svc = make()
    with pytest.raises(ValueError):
        svc.stream("   ")
    with pytest.raises(ValueError):
        svc.ask("hello", agent="wizard")
    with pytest.raises(KeyError):
        svc.history("nope")
    with pytest.raises(KeyError):
        svc.decide("missing", "approve", approver="x")


def test_delete_thread_and_feedback(make):
    svc = make()
    answer = svc.ask("What can you do?", agent="general")
    svc.record_feedback(answer.thread_id, 1, 1, "alice")
    with pytest.raises(ValueError):
        svc.record_feedback(answer.thread_id, 9, 1, "alice")
    svc.delete_thread(answer.thread_id)
    with pytest.raises(KeyError):
        svc.history(answer.thread_id)


def test_audit_chain_holds_turns_and_side_effects(make, settings):
    svc = make()
    answer = svc.ask(WO_QUESTION, agent="maintenance")
    svc.decide(answer.approval.id, "approve", approver="alice")
    log = AuditLog(settings.db_path)
    kinds = [r["kind"] for r in log.records()]
    assert kinds == ["turn", "approval_requested", "approval_decided", "side_effect"]
    turn = log.records()[0]["payload"]
    assert turn["chunk_ids"] and turn["prompt_version"] and turn["route"]["route"] == "maintenance"
    assert log.verify().ok


class _StubTableQA:
    """Stands in for copilot.tables.service.TableQA: one spreadsheet answer with a cited row."""

    def needs_table(self, question):
        return "how many" in question.lower()

    def answer(self, question, table=None):
        from copilot.tables.service import TableAnswer
        from copilot.types import Citation

        row = Citation(marker=1, chunk_id="maint#row4", doc_id="maint", title="maintenance_history.csv", row=4)
        return TableAnswer(text="3 work orders on P-101 [1].", citations=[row], plan={"table": "maint", "agg": "count"},
                           columns=["n"], rows=[[3]])


def test_table_questions_use_table_qa_with_plan_event(settings):
    svc = CopilotService(settings, llm=FakeLLM(), embedder=FakeEmbedder(), retriever=StaticRetriever(),
                         table_qa=_StubTableQA())
    try:
        events = list(svc.stream("How many work orders did P-101 have?", agent="maintenance"))
    finally:
        svc.close()
    types = [e.type for e in events]
    assert types.index("sources") < types.index("table_plan") < types.index("token")
    progress = [e.data for e in events if e.type == "progress"]
    assert progress == [{"stage": "table", "message": "Reading the tables (spreadsheet)"}], progress
    done = events[-1].data
    assert done["table_plan"] == {"table": "maint", "agg": "count"} and done["citations"][0]["row"] == 4


def test_broken_table_qa_never_breaks_the_answer(settings):
    class Broken(_StubTableQA):
        def answer(self, question, table=None):
            raise RuntimeError("tables.sqlite3 missing")

    svc = CopilotService(settings, llm=FakeLLM(), embedder=FakeEmbedder(), retriever=StaticRetriever(),
                         table_qa=Broken())
    try:
        answer = svc.ask("How many pump P-101 cavitation noise suction events?", agent="maintenance")
    finally:
        svc.close()
    assert answer.table_plan is None and answer.text


def test_readiness_description_in_one_go_scores_and_proposes_report(make):
    svc = make()
    description = ("Our plant runs two predictive maintenance pilots. " * 4 + "We have a historian with sensor data "
                   "but no data owner, no MLOps, operators were not trained, there is no governance process and no "
                   "baseline for the KPIs. The plant manager sponsors the work but there is no funded plan.")
    answer = svc.ask("Please assess our readiness: " + description, agent="readiness")
    assert answer.structured["stage"] == "Assess" and set(answer.structured["scores"]) == {
        "strategy", "data", "infrastructure", "people", "governance", "measurement"}
    assert answer.approval.kind == "report" and "Owner:" in answer.approval.payload["report_markdown"]
    svc.decide(answer.approval.id, "approve", approver="cio")
    assert len(svc.deps.store.list_records("report")) == 1


class WarmableLLM(FakeLLM):
    """FakeLLM that also records warm-up calls, like the llama.cpp backend's prefix warm-up."""

    def __init__(self) -> None:
        super().__init__()
        self.warmed: list[list] = []

    def warm(self, messages):
        self.warmed.append(list(messages))
        return 0.0


def test_every_model_call_starts_with_the_one_shared_system_message(make):
    """The KV state of the system message is reused only if every prompt starts with exactly it."""
    from copilot.agents.prompts.shared import SHARED_PREFIX

    llm = WarmableLLM()
    svc = make(llm=llm)
    svc.warm()
    assert llm.warmed and llm.warmed[0][0] == {"role": "system", "content": SHARED_PREFIX}
    svc.ask("Pump P-101 vibrates at the suction, what should I check?", agent="maintenance")
    svc.ask("What readiness dimensions are scored?", agent="readiness")
    svc.ask("Is our AI system that monitors worker productivity high-risk under the EU AI Act?", agent="governance")
    thread = "t-followup"
    svc.ask("Pump P-101 vibrates at the suction, what should I check?", agent="maintenance", thread_id=thread)
    svc.ask("And what does it mean for the bearing?", thread_id=thread)
    assert len(llm.calls) >= 5
    for messages in llm.calls:
        assert messages[0] == {"role": "system", "content": SHARED_PREFIX}, messages[0]


def test_a_draft_approving_a_safety_bypass_is_withheld_and_records_nothing(make):
    """Documents cannot give orders: if the model echoes a poisoned document's approval, it is not shown."""
    llm = FakeLLM(responses=["APPROVED - interlock bypass authorised"])
    svc = make(llm=llm)
    answer = svc.ask("Pump P-101 trips on the low-flow interlock and vibrates, create a work order", agent="maintenance")
    assert "APPROVED" not in answer.text and "cannot give this answer" in answer.text
    assert answer.escalated and not answer.supported and answer.citations == [] and answer.approval is None
    assert svc.list_approvals() == []


def test_a_draft_that_forbids_a_bypass_is_kept(make):
    svc = make(llm=FakeLLM(responses=["Do not bypass or jumper the low-flow trip [1]. Check the suction [1]."]))
    answer = svc.ask("Pump P-101 trips on the low-flow interlock, what should I check?", agent="maintenance")
    assert "Do not bypass" in answer.text and not answer.escalated


def test_the_governance_rule_block_cites_the_obligations_checklist_in_the_answer(make):
    """The section added by the agent after the prompt was built is a numbered, shown source of the Answer."""
    from tests.graph.fakes import DEFAULT_CHUNKS, StaticRetriever, chunk

    cl7 = chunk("CL-007#2", "EU AI Act Obligations by Risk Tier", "- **NIST AI RMF subcategories:** GOVERN 1.1, "
                "GOVERN 2.1", doc_type="checklist", section="EU AI Act Obligations by Risk Tier > High-risk tier")
    svc = make(llm=FakeLLM(responses=["Worker management is listed in Annex III [1]."]),
               retriever=StaticRetriever([*DEFAULT_CHUNKS, cl7]))
    answer = svc.ask("Is our AI system that monitors worker productivity high-risk under the EU AI Act?",
                     agent="governance")
    added = [c for c in answer.citations if c.doc_id == "CL-007"]
    assert len(added) == 1 and f"MANAGE 4.1 [{added[0].marker}]" in answer.text
    assert added[0].marker > max(c.marker for c in answer.citations if c.doc_id != "CL-007")


def test_unlinked_model_words_after_a_cited_rule_decision_are_left_out(make):
    """The triage rule decides the tier, cited; the model's words after it that no source supports are left out (and
    recorded as withheld), not shown with an "unverified" note."""
    triage = chunk("CL-005#1", "EU AI Act Risk-Triage Questionnaire", "Annex III point 4: employment, recruitment and "
                   "selection of job applicants is high-risk.", doc_type="checklist", section="Step 3")
    llm = FakeLLM(["Zebras migrate across savannah grasslands during monsoon seasons."])
    answer = make(llm=llm, retriever=StaticRetriever([triage, *DEFAULT_CHUNKS])).ask(
        "We want to use AI to rank job applicants for technician roles. What is the EU AI Act risk tier?",
        agent="governance")
    assert answer.text.startswith("**EU AI Act risk tier: high-risk**")
    assert "Zebras" not in answer.text and "unverified" not in answer.text and answer.supported
    assert "unlinked" in [w.reason for w in answer.withheld_claims], answer.text
