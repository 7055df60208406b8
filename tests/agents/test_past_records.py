from __future__ import annotations

import dataclasses

from copilot.agents.past_records import ASKS_PART, similar_records, spare_for, spare_row
from copilot.types import Chunk, Citation, Hit

DRIFT = ("wo_number: WO-2025-0390\nasset_tag: HP-501\ndate: 2025-08-12\ntype: CM\nproblem: Ram drifting down 15 mm in "
         "10 min when stopped at top\ncause: Pilot-operated check valve seat leaking\naction: Replaced POCV cartridge")
SEAL = ("wo_number: WO-2024-0101\nasset_tag: P-101\ndate: 2024-02-01\ntype: CM\nproblem: Seal leaking at the top of "
        "the gland\ncause: Worn faces\naction: Replaced seal")
CARTRIDGE = ("part_number: SP-5003\ndescription: Pilot-operated check valve cartridge\nused_on: HP-501\n"
             "stores_location: Main stores H-01-03\nmin_qty: 1")
OTHER = "part_number: SP-5001\ndescription: Return line filter element\nused_on: HP-501\nstores_location: H-01-01"
QUESTION = "press ram is creeping down when parked at the top, has that happened before + what fixed it?"


def _row(marker: int, text: str, doc: str) -> Citation:
    return Citation(marker=marker, chunk_id=f"{doc}#row{marker}", doc_id=doc, title=f"{doc}.csv", text=text, row=marker)


class _Retriever:
    def __init__(self, *texts: str) -> None:
        self.chunks = [Chunk(id=f"spare_parts#row{i}", doc_id="spare_parts", text=t, row=i) for i, t in enumerate(texts)]

    def search(self, query: str, k: int = 8, filters=None):
        return [Hit(chunk=c, score=1.0) for c in self.chunks][:k]


def test_the_record_describing_the_same_trouble_is_found_without_a_tag():
    sources = [_row(1, SEAL, "maintenance_history"), _row(2, DRIFT, "maintenance_history")]
    found = similar_records(sources, QUESTION)
    assert [r.key for r in found] == ["WO-2025-0390"] and found[0].marker == 2
    assert similar_records(sources, "the belt on the conveyor squeals, has it happened before") == []


def test_the_spare_for_the_record_is_its_assets_part_sharing_the_records_words():
    record = similar_records([_row(1, DRIFT, "maintenance_history")], QUESTION)[0]
    spare = spare_for(_Retriever(OTHER, CARTRIDGE), record, [_row(1, DRIFT, "maintenance_history")])
    assert spare is not None and "SP-5003" in spare.text and spare.marker == 2  # a new source, numbered next
    assert spare_for(_Retriever(OTHER), record, []) is None  # shares no words with the job
    assert spare_for(_Retriever(DRIFT), record, []) is None  # a work order is no spare-parts row


def test_the_part_asked_after_a_fault_is_the_assets_spare_row():
    seal = ("part_number: SP-1021\ndescription: Cartridge mechanical seal 35 mm with quench\nused_on: P-201\n"
            "stores_location: Main stores A-02-01")
    other_asset = seal.replace("SP-1021", "SP-1001").replace("P-201", "P-101")
    ask = "whats the stores number for a new seal"
    assert ASKS_PART.search(ask) and ASKS_PART.search("part number of the filter") and not ASKS_PART.search("what now")
    found = spare_row(_Retriever(other_asset, seal), "P-201", ask, [])
    assert found is not None and "SP-1021" in found.text  # P-101's seal is another asset's part
    assert spare_row(_Retriever(other_asset), "P-201", ask, []) is None


def test_the_maintenance_agent_quotes_the_records_and_the_spare_before_the_model(settings):
    from copilot.agents.base import AgentContext
    from copilot.agents.maintenance import MaintenanceAgent
    from copilot.llm.fake import FakeLLM

    question = QUESTION + " do we have the part in stores"
    ctx = AgentContext(settings=settings, llm=FakeLLM(["Yes: the check valve seat leaked [1]."]), question=question,
                       original=question, thread_id="t", sources=[_row(1, DRIFT, "maintenance_history")],
                       retriever=_Retriever(OTHER, CARTRIDGE))
    result = MaintenanceAgent().run(ctx)
    assert result.text.startswith("**Records like this in the maintenance history:**\n\n**WO-2025-0390**")
    assert "- cause: Pilot-operated check valve seat leaking" in result.text and "**SP-5003**" in result.text
    assert "- stores_location: Main stores H-01-03" in result.text and not result.model_called  # the records answer all
    assert [c.marker for c in result.added_sources] == [2]
    asks_more = dataclasses.replace(ctx, original=QUESTION + " and what should I check first?")
    more = MaintenanceAgent().run(asks_more)  # a part the records do not answer: the model answers after them
    assert more.model_called and more.text.startswith("**Records like this") and "seat leaked" in more.text


def test_a_part_named_by_one_word_is_found_when_the_rest_asks_about_stock():
    element = ("part_number: SP-3001\ndescription: Air/oil separator element\nused_on: C-301\n"
               "stores_location: Main stores C-01-01")
    found = spare_row(_Retriever(element), "C-301", "do we have an element on the shelf?", [])
    assert found is not None and "SP-3001" in found.text
    assert spare_row(_Retriever(element), "C-301", "do we have a belt on the shelf?", []) is None


def test_the_spare_of_equipment_named_in_words_is_quoted_before_the_model(settings):
    from copilot.agents.base import AgentContext
    from copilot.agents.maintenance import MaintenanceAgent
    from copilot.llm.fake import FakeLLM

    seal = ("part_number: SP-1021\ndescription: Cartridge mechanical seal 35 mm with quench\nused_on: P-201\n"
            "manufacturer: Aldermoor Pumps\nstores_location: Main stores A-02-01")
    original = "the caustic pump seal is weeping, do we have a spare seal and where is it?"
    guide = Citation(marker=1, chunk_id="g", doc_id="TG-PUMP-001", title="Pumps", text="Seal leaking: count the drops.")
    ctx = AgentContext(settings=settings, llm=FakeLLM(["It is in the main stores [2]."]), original=original,
                       question=original + " (the caustic pump is P-201)", thread_id="t", sources=[guide],
                       retriever=_Retriever(seal))
    result = MaintenanceAgent().run(ctx)
    assert result.text.startswith("**Spare part for P-201:**") and "Main stores A-02-01" in result.text
    assert [c.marker for c in result.added_sources] == [2]


def test_a_spare_asked_after_a_described_leak_is_the_part_the_description_names(settings):
    """"P-101 seal leaking, do we have a spare in stores?": the ask names no part; the situation names the seal."""
    from copilot.agents.base import AgentContext
    from copilot.agents.maintenance import answer_follow_ons

    seal = ("part_number: SP-1001\ndescription: Cartridge mechanical seal 50 mm\nused_on: P-101; P-102\n"
            "stores_location: Main stores A-01-03")
    bearing = seal.replace("SP-1001", "SP-1002").replace("Cartridge mechanical seal 50 mm", "Pump bearing 6309")
    question = "P-101 seal leaking, do we have a spare in stores?"
    ctx = AgentContext(settings=settings, llm=None, question=question, original=question, thread_id="t", sources=[],
                       retriever=_Retriever(bearing, seal))
    text, written, _timings, added = answer_follow_ons(ctx, "1. Count the leak from outside the guard.")
    assert "**Spare part for P-101:**" in text and "**SP-1001**" in text and "SP-1002" not in text
    assert written is None and [c.marker for c in added] == [1]


def test_two_asks_the_same_spare_row_answers_show_it_once(settings):
    """"P-101 seal leaking again, do we have a spare seal in stores and what's the part number?": the seal's row was
    shown twice, once per ask."""
    from copilot.agents.base import AgentContext
    from copilot.agents.maintenance import answer_follow_ons

    seal = ("part_number: SP-1001\ndescription: Cartridge mechanical seal 50 mm\nused_on: P-101; P-102\n"
            "stores_location: Main stores A-01-03")
    question = "P-101 seal leaking again, do we have a spare seal in stores and what's the part number?"
    ctx = AgentContext(settings=settings, llm=None, question=question, original=question, thread_id="t", sources=[],
                       retriever=_Retriever(seal))
    text, _written, _timings, _added = answer_follow_ons(ctx, "1. Count the leak from outside the guard.")
    assert text.count("**Spare part for P-101:**") == 1 and text.count("**SP-1001**") == 1, text
