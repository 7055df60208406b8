"""Equipment named by what it is ("the caustic pump") and the alarm a reading raises ("p101 vib 7.8"), resolved
through the asset register and the alarm-code table (no model)."""

from __future__ import annotations

from copilot.agents.asset_register import annotate_named, named_equipment
from copilot.agents.implied_code import STATES_EVENT, annotate_codes, implied_codes, implied_codes_in
from copilot.types import Chunk, Hit

ROWS = {
    "P-101": "Raw water transfer pump A (duty), end-suction centrifugal|pump",
    "P-102": "Raw water transfer pump B (standby), end-suction centrifugal|pump",
    "P-201": "Caustic soda (50% NaOH) transfer pump, magnetic drive|pump",
    "C-301": "Oil-injected rotary screw air compressor (duty)|compressor|75",
    "C-302": "Oil-injected rotary screw air compressor (standby)|compressor|45",
    "HP-501": "Hydraulic compaction press 200 t, four-post downstroke|hydraulic_press",
    "HPU-501": "Hydraulic power unit for HP-501, 400 L tank|hydraulic_power_unit",
    "M-201": "Motor for P-201, 15 kW|motor",
}
ALARMS = ("| Code | Description | Asset / equipment | Likely causes | First response | Escalation |\n"
          "|---|---|---|---|---|---|\n"
          "| E-204 | High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s | P-101 | Misalignment | Change over to P-102 | RE |\n"
          "| E-205 | Bearing temperature high, 85 °C | P-101 | Over-greasing | Check grease | RE |\n"
          "| E-206 | Bearing temperature high, 85 °C | P-101, P-102 | Misalignment | Check | RE |\n"
          "| E-235 | Gearbox oil temperature high, 90 °C | GB-401 | Overfilled | Check oil level cold | stop at 95 °C |")


class Index:
    """The asset register (one chunk per row) and one alarm-code table."""

    def __init__(self) -> None:
        self.filters: list[dict | None] = []

    def documents(self) -> list[dict]:
        return [{"doc_id": "asset_register", "title": "asset_register.csv"}, {"doc_id": "FC-RIV-001", "title": "Codes"}]

    def search(self, query: str, k: int = 10, filters: dict | None = None, **_kw) -> list[Hit]:
        self.filters.append(filters)
        if filters and filters.get("doc_type") == "fault_codes":
            return [Hit(chunk=Chunk(id="fc#1", doc_id="FC-RIV-001", title="Codes", text=ALARMS), score=1.0)]
        return [Hit(chunk=Chunk(id=f"asset_register#{i}", doc_id="asset_register", title="asset_register.csv", row=i,
                                text=f"asset_tag: {tag}\ndescription: {row.split('|')[0]}\n"
                                     f"equipment_type: {row.split('|')[1]}\n"
                                     f"rated_power_kw: {(row.split('|') + [''])[2]}"), score=1.0)
                for i, (tag, row) in enumerate(ROWS.items())]


def test_a_name_that_fits_one_register_row_is_its_tag():
    assert named_equipment(Index(), "got a spare seal for the caustic pump in stores?") == [("caustic pump", "P-201")]
    # "press" is the one press (not the compressors), "power pack" the power unit
    assert named_equipment(Index(), "critical spares for the baler press and its power pack") == [
        ("press", "HP-501"), ("power pack", "HPU-501")]
    assert named_equipment(Index(), "the standby compressor won't load") == [("standby compressor", "C-302")]


def test_a_unit_letter_after_the_name_picks_that_unit():
    """"greasing the motor on raw water pump A": the two transfer pumps differ only by their letter."""
    assert named_equipment(Index(), "greasing the bearings on raw water pump A - how many grams?") == [
        ("raw water pump", "P-101")]
    assert named_equipment(Index(), "changing the seal on raw water pump B tonight") == [("raw water pump", "P-102")]
    assert named_equipment(Index(), "is the raw water pump a bit noisy") == []  # an article is not a letter


def test_a_size_word_picks_the_larger_or_smaller_of_two_fitting_rows():
    """"the big air compressor": of duty (75 kW) and standby (45 kW), the larger; a size word alone decides nothing
    when the ratings are missing (the transfer pumps have none here)."""
    assert named_equipment(Index(), "last megger reading on the big air compressor motor?") == [
        ("air compressor", "C-301")]
    assert named_equipment(Index(), "the small air compressor is tripping") == [("air compressor", "C-302")]
    assert named_equipment(Index(), "the big transfer pump is noisy") == []


def test_names_that_fit_several_rows_or_none_stay_unresolved():
    assert named_equipment(Index(), "the air compressor keeps tripping") == []  # duty or standby
    assert named_equipment(Index(), "the transfer pump is noisy") == []
    assert named_equipment(Index(), "which pumps have cartridge seals") == []
    assert named_equipment(None, "the caustic pump") == []


def test_a_part_named_after_its_parent_is_left_to_the_part_lookup():
    assert named_equipment(Index(), "caustic pump motor smells cooked") == [("caustic pump", "P-201")]


def test_the_note_names_the_tag_once():
    assert annotate_named("seal for the caustic pump", [("caustic pump", "P-201")]) == \
        "seal for the caustic pump (the caustic pump is P-201)"
    assert annotate_named("seal for P-201", [("caustic pump", "P-201")]) == "seal for P-201"


def test_the_one_alarm_of_an_asset_and_a_quantity_is_the_code_meant():
    index = Index()
    assert implied_codes(index, "p101 tripped, vib 7.8 mm/s on the outboard brg", ["P-101"]) == [
        ("P-101", "vibration", "E-204")]
    assert index.filters[-1] == {"doc_type": "fault_codes"}
    assert implied_codes(Index(), "gb-401 oil temp 91 on the hmi", ["GB-401"]) == [("GB-401", "temperature", "E-235")]
    query = annotate_codes("p101 vib 7.8", [("P-101", "vibration", "E-204")])
    assert query == "p101 vib 7.8 (P-101 vibration alarm is E-204)" and implied_codes_in(query) == ["E-204"]


def test_no_code_when_several_rows_fit_or_the_question_names_one():
    assert implied_codes(Index(), "P-101 bearing running hot", ["P-101"]) == []  # E-205 and E-206
    assert implied_codes(Index(), "P-101 on E-204 with vib 7.8", ["P-101"]) == []
    assert implied_codes(Index(), "P-101 vib and temp both high", ["P-101"]) == []  # two quantities
    assert implied_codes(Index(), "P-101 seal leaking", ["P-101"]) == []


def test_a_reported_reading_or_trip_is_an_event_a_limit_question_is_not():
    assert STATES_EVENT.search("GB-401 oil temp 91 on the hmi")
    assert STATES_EVENT.search("P-102 tripped on vibration")
    assert not STATES_EVENT.search("what's the vibration trip limit on P-102")
