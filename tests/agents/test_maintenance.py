"""Maintenance agent: asset tags, LOTO block, work-order proposal rules."""

from __future__ import annotations

from copilot.agents.base import AgentContext
from copilot.agents.maintenance import MaintenanceAgent, detect_assets, priority_for
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


def test_work_order_parts_are_named_or_replaced_not_merely_checked(settings):
    """"check the coupling" in a step is no coupling to draw from stores."""
    result = MaintenanceAgent().run(_ctx(settings, "GB-401 is running hot and noisy, what should I do?",
                                         "1. Check the coupling alignment [1]\n2. Replace the gasket on the cover [1]"))
    parts = result.proposal["payload"]["parts"]
    assert "gasket" in parts and "coupling" not in parts


def test_information_question_without_asset_has_no_work_order(settings):
    result = MaintenanceAgent().run(_ctx(settings, "What does alarm code E-204 mean?", "It means low suction [1]."))
    assert result.proposal is None


def test_work_order_steps_are_the_checks_not_headings_or_causes():
    from copilot.agents.maintenance import _steps_from

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


REGISTER_ROW = ("asset_tag: M-101\ndescription: Motor for P-101, 55 kW\nrated_power_kw: 55\n"
                "maintenance_strategy: annual insulation resistance test, monthly vibration")
LUBE_ROW = "asset_tag: GB-401\ncomponent: Gear oil\nlubricant: ISO VG 220\nquantity: 18 L\ninterval: 10000 h or 2 years"


def test_a_tags_row_answers_a_lookup_only_when_it_holds_what_is_asked(settings):
    def run(question: str, row: str, doc: str):
        cite = Citation(marker=1, chunk_id=f"{doc}#row3", doc_id=doc, title=f"{doc}.csv (CSV table)", text=row, row=3)
        ctx = AgentContext(settings=settings, llm=FakeLLM(["The guide gives 100 MOhm at 500 V DC [1]."]),
                           question=question, original=question, thread_id="t", sources=[cite])
        return MaintenanceAgent().run(ctx)

    ir = run("What insulation resistance reading is acceptable for M-101, and at what test voltage?", REGISTER_ROW,
             "asset_register")
    assert ir.model_called and ir.structured["rows"] == []  # the row names the test, not the limit: the model answers
    lube = run("What is the lubrication interval for gearbox GB-401?", LUBE_ROW, "lubrication_schedule")
    assert not lube.model_called and lube.structured["rows"] == ["GB-401"]
    assert "- interval: 10000 h or 2 years" in lube.text
    # "how much ... how often" asks the schedule's columns: its row answers, whatever else the question says
    grease = run("how much oil goes in the GB-401 drive end and how often?", LUBE_ROW, "lubrication_schedule")
    assert not grease.model_called and "- quantity: 18 L" in grease.text


def test_a_yes_no_ask_after_a_described_situation_is_its_own_ask():
    """"P-101 seal leaking, do we have a spare in stores?": the checks answer the situation, the spare row the ask."""
    from copilot.agents.shapes import follow_on_asks, split_asks

    assert split_asks("P-101 seal leaking, do we have a spare in stores?", yes_no=True) == [
        "P-101 seal leaking", "do we have a spare in stores"]
    assert follow_on_asks("P-101 tripped, what should I check", yes_no=True) == []  # one question
    assert split_asks("P-101 seal leaking, do we have a spare in stores?") == [
        "P-101 seal leaking, do we have a spare in stores"]  # the model's prompt keeps it whole


def test_a_second_question_after_the_first_question_mark_is_its_own_ask():
    from copilot.agents.shapes import NEXT_STEP, follow_on_asks

    question = "H2S 7 ppm. Are we good to go in? If not, can the lads just go in wearing breathing apparatus?"
    assert follow_on_asks(question, yes_no=True) == ["can the lads just go in wearing breathing apparatus"]
    assert follow_on_asks(question) == []  # the model's prompt keeps a yes/no ask in the question
    asks = follow_on_asks("Rejecting 45% of alerts. Are we missing a target, and what's supposed to happen?", yes_no=True)
    assert asks == ["what's supposed to happen"] and NEXT_STEP.fullmatch(asks[0])


def test_a_total_over_named_assets_takes_each_assets_own_row_and_searches_the_ones_not_shown(settings):
    from copilot.types import Chunk, Hit

    def row(tag: str, component: str, lubricant: str, quantity: str) -> str:
        return (f"asset_tag: {tag}\ncomponent: {component}\nlubricant: {lubricant}\nquantity: {quantity}\n"
                "interval: Change every 2 years")

    gear, breather = row("GB-401", "Gear case", "Mineral EP gear oil", "18 L"), \
        row("GB-401", "Desiccant breather", "Silica gel cartridge", "1")

    class Retriever:
        def __init__(self, *texts: str) -> None:
            self.chunks = [Chunk(id=f"lubrication_schedule#row{i}", doc_id="lubrication_schedule", text=t, row=i)
                           for i, t in enumerate(texts, start=10)]
            self.filters: list[object] = []

        def search(self, query: str, k: int = 8, filters=None):
            self.filters.append(filters)
            return [Hit(chunk=c, score=1.0) for c in self.chunks][:k]

    def cite(marker: int, text: str) -> Citation:
        return Citation(marker=marker, chunk_id=f"lubrication_schedule#r{marker}", doc_id="lubrication_schedule",
                        title="lubrication_schedule.csv (CSV table)", text=text, row=marker)

    question = "oil change on GB-401 and GB-402 in one outage, how much gear oil do we need in total?"
    shown = [cite(1, row("GB-402", "Gear case", "Mineral EP gear oil", "6 L"))]
    retriever = Retriever(breather, gear)
    ctx = AgentContext(settings=settings, llm=FakeLLM(["unused"]), question=question, original=question,
                       thread_id="t", sources=shown, retriever=retriever)
    result = MaintenanceAgent().run(ctx)
    assert result.text.startswith("**Total: 24 L** (18 L + 6 L") and not result.model_called  # in the asked order
    assert "Desiccant breather" not in result.text  # the asset's row sharing the question's words (gear oil)
    assert [c.marker for c in result.added_sources] == [2] and "18 L" in result.added_sources[0].text
    assert retriever.filters == [{"doc_id": ["lubrication_schedule"]}]
    # an asset whose row cannot be found: no total (a sum missing one asset would be wrong)
    ctx = AgentContext(settings=settings, llm=FakeLLM(["unused"]), question=question, original=question,
                       thread_id="t", sources=shown, retriever=Retriever(breather))
    assert "Total" not in MaintenanceAgent().run(ctx).text
