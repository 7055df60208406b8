"""Maintenance agent: asset tags, LOTO block, work-order proposal rules."""

from __future__ import annotations

from agents.base import AgentContext
from agents.maintenance import MaintenanceAgent, detect_assets, priority_for
from copilot.llm.fake import FakeLLM
from copilot.types import Citation


def _ctx(settings, question, answer):
    loto = Citation(marker=2, chunk_id="s#1", doc_id="SOP-LOTO-001", title="Lockout/Tagout (LOTO) Procedure", text="x")
    pump = Citation(marker=1, chunk_id="p#1", doc_id="TG-PUMP-001", title="Pump guide", text="y")
    return AgentContext(settings=settings, llm=FakeLLM([answer]), question=question, original=question,
                        thread_id="t", sources=[pump, loto])


def test_detect_assets_and_priority():
    assert detect_assets("P-101 and VFD-101 tripped; P-101 again") == ["P-101", "VFD-101"]
    assert priority_for("smoke from the motor") == "emergency"
    assert priority_for("pump trips on overload") == "high"
    assert priority_for("question about lubrication intervals") == "medium"


def test_hands_on_fault_gets_loto_citing_sop_and_work_order(settings):
    result = MaintenanceAgent().run(_ctx(settings, "P-101 bearing is hot, what should I do?",
                                         "1. Check the bearing temperature trend [1]\n2. Replace the bearing if worn [1]"))
    assert "lockout/tagout (LOTO) per the site LOTO procedure [2]" in result.text
    wo = result.proposal["payload"]
    assert result.proposal["kind"] == "work_order" and wo["asset"] == "P-101"
    assert "bearing" in wo["parts"] and wo["steps"][0].startswith("Obtain the permit")
    assert any("Replace the bearing" in s for s in wo["steps"])


def test_information_question_without_asset_has_no_work_order(settings):
    result = MaintenanceAgent().run(_ctx(settings, "What does alarm code E-204 mean?", "It means low suction [1]."))
    assert result.proposal is None


def test_work_order_steps_are_the_checks_not_headings_or_causes():
    from agents.maintenance import _steps_from

    answer = ("1. Likely causes, most likely first, each with its evidence [1]:\n"
              "   - Misalignment of the coupling [1]\n   - Soft foot under the motor [2]\n"
              "2. Checks in a safe order:\n"
              "   - Take portable vibration readings at the bearing housings [1]\n"
              "   - Check the hold-down bolts and grout [2]\n")
    assert _steps_from(answer) == ["Take portable vibration readings at the bearing housings",
                                   "Check the hold-down bolts and grout"]
    assert _steps_from("1. Check the bearing temperature trend [1]\n2. Replace the bearing if worn [1]") == [
        "Check the bearing temperature trend", "Replace the bearing if worn"]
    assert _steps_from("**Likely causes:**\n- Worn impeller [1]\n- Blocked strainer [1]") == []
