"""A part named by its parent's tag ("the motor on P-101") is resolved through the asset register (no model)."""

from __future__ import annotations

from copilot.agents.asset_register import (
    annotate_components,
    annotated_parts,
    component_tags,
    strip_part_notes,
)
from copilot.identifiers import asset_tag_candidates
from copilot.types import Chunk, Hit

REGISTER = {
    "P-101": "asset_tag: P-101\ndescription: Raw water transfer pump A (duty)\nequipment_type: pump",
    "M-101": "asset_tag: M-101\ndescription: Motor for P-101, 55 kW 4-pole\nequipment_type: motor",
    "VFD-101": "asset_tag: VFD-101\ndescription: Variable frequency drive for M-101\nequipment_type: vfd",
    "M-401": "asset_tag: M-401\ndescription: Drive motor for CV-401, 22 kW\nequipment_type: motor",
}


class Register:
    """Every search returns the register rows (a tiny index holding only the asset register)."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, query: str, k: int = 10, **_kw) -> list[Hit]:
        self.queries.append(query)
        return [Hit(chunk=Chunk(id=f"asset_register#{i}", doc_id="asset_register", title="asset_register.csv",
                                text=text, row=i), score=1.0) for i, text in enumerate(REGISTER.values())]


def _parts(question: str) -> list[tuple[str, str, str]]:
    return component_tags(Register(), question, asset_tag_candidates(question))


def test_the_motor_of_a_pump_is_its_motor_tag():
    assert _parts("How often do the motor bearings on P-101 get greased?") == [("motor", "P-101", "M-101")]


def test_the_drive_of_a_pump_is_found_through_its_motor():
    assert _parts("rated power of the drive on P-101?") == [("drive", "P-101", "VFD-101")]
    assert _parts("what VFD runs P-101") == [("vfd", "P-101", "VFD-101")]


def test_a_drive_motor_is_a_motor_and_a_drive():
    assert _parts("the CV-401 drive motor, what kW?") == [("drive", "CV-401", "M-401")]


def test_no_part_without_a_component_word_or_a_register():
    assert _parts("What is the lubrication interval for P-101?") == []
    assert _parts("P-101 pump seal leaking") == []
    assert component_tags(None, "the motor on P-101", ["P-101"]) == []
    assert _parts("the motor of P-999") == []


def test_the_note_round_trips_and_is_stripped():
    query = annotate_components("grease for the P-101 motor", [("motor", "P-101", "M-101")])
    assert query == "grease for the P-101 motor (motor of P-101 is M-101)"
    assert annotated_parts(query) == ["M-101"] and strip_part_notes(query) == "grease for the P-101 motor"
    assert annotate_components("M-101 is the motor of P-101", [("motor", "P-101", "M-101")]) == \
        "M-101 is the motor of P-101"  # already named: nothing added
