"""Query-focused trimming of sources: the relevant row or sentence survives a small budget."""

from copilot.agents.citations import build_sources
from copilot.agents.context_focus import GAP, QueryTerms, focus, split_units
from copilot.llm.base import estimate_tokens
from copilot.types import Chunk, Hit

TABLE = "\n".join([
    "| Code | Description | Asset | First response |",
    "|---|---|---|---|",
    *[f"| E-2{i:02d} | Alarm number {i} on the raw water pump | P-101 | Change over to P-102 and log it |"
      for i in range(1, 4)],
    "| E-204 | High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s | P-101 | Take portable vibration readings |",
    *[f"| E-2{i:02d} | Alarm number {i} on the raw water pump | P-101 | Change over to P-102 and log it |"
      for i in range(5, 12)],
])


def test_the_row_with_the_asked_code_is_kept_with_its_header() -> None:
    out = focus(TABLE, QueryTerms("P-101 tripped on E-204, what should I check?"), 60, estimate_tokens)
    lines = out.splitlines()
    assert lines[0].startswith("| Code |") and lines[1].startswith("|---")
    assert any("4.5 mm/s" in line for line in lines)
    assert estimate_tokens(out) <= 60 + 2 * 2  # within the budget (plus the gap markers)
    assert out.endswith(GAP) and "E-211" not in out


def test_text_that_fits_is_returned_unchanged() -> None:
    assert focus("Short text.", QueryTerms("anything"), 50, estimate_tokens) == "Short text."


def test_units_keep_their_order_and_gaps_are_marked() -> None:
    text = ("Pumps need care. The seal flush must be checked weekly. Motors are cooled by fans. "
            "Record the seal leak rate in the log. Gearboxes use oil.")
    out = focus(text, QueryTerms("seal leak check"), 25, estimate_tokens)
    assert out.index("seal flush") < out.index("seal leak rate")
    assert GAP in out and "Gearboxes" not in out


def test_a_short_table_is_kept_whole() -> None:
    text = ("Northbridge uses four oversight levels.\n| Level | Name |\n|---|---|\n| H0 | Information only |\n"
            "| H1 | Advisory |\n| H2 | Human approval |\n| H3 | Supervised autonomy |\n" + "Other words here. " * 40)
    out = focus(text, QueryTerms("Which human oversight levels are used?"), 60, estimate_tokens)
    assert "Information only" in out and "Supervised autonomy" in out


def test_asset_tag_parts_are_not_words() -> None:
    terms = QueryTerms("C-301 keeps tripping on high discharge temperature")
    assert "301" not in terms.words and "c" not in terms.words and terms.codes == {"C301"}


def test_split_units_keeps_table_rows_whole() -> None:
    assert split_units("| a. b | c |\nFirst one. Second one.") == ["| a. b | c |", "First one.", "Second one."]


def test_focused_sources_fit_the_budget_and_keep_more_sources() -> None:
    hits = [Hit(chunk=Chunk(id=f"c{i}", doc_id=f"D{i}", title=f"T{i}", text=TABLE), score=1.0) for i in range(4)]
    cut = build_sources(hits, 200)
    focused = build_sources(hits, 200, question="P-101 tripped on E-204")
    for sources in (cut, focused):
        used = sum(estimate_tokens(c.text) + estimate_tokens(f"[{c.marker}] {c.title}\n") + 2 for c in sources)
        assert used <= 200
    assert len(focused) > len(cut)
    assert "4.5 mm/s" in focused[0].text
    assert sum("4.5 mm/s" in c.text for c in focused) > sum("4.5 mm/s" in c.text for c in cut)


def test_a_row_keeps_the_header_of_its_own_table() -> None:
    text = "\n".join(["| Code | Meaning |", "|---|---|", *[f"| E-1{i:02d} | motor fault {i} |" for i in range(12)],
                      "Parameters:", "| Parameter | Normal | Trip |", "|---|---|---|",
                      *[f"| Reading {i} | {i} bar | {i + 1} bar |" for i in range(12)],
                      "| Discharge temperature | 75-95 °C | trip 110 °C |"])
    out = focus(text, QueryTerms("discharge temperature trip"), 40, estimate_tokens)
    assert "| Parameter | Normal | Trip |" in out and "| Code | Meaning |" not in out
    assert out.index("| Parameter |") < out.index("110 °C")


def test_a_table_header_is_never_kept_without_a_row() -> None:
    text = "\n".join(["| Code | First response |", "|---|---|", *[f"| E-1{i:02d} | reset relay {i} |" for i in range(12)]])
    out = focus(text, QueryTerms("what should I check first?"), 12, estimate_tokens)
    assert "| Code | First response |" not in out or "| E-1" in out


def test_a_lead_in_keeps_its_list_items() -> None:
    text = "\n".join([
        "## 5. Retraining",
        *[f"Models drift for many reasons, paragraph {i} about catalysts, suppliers and instruments." for i in range(8)],
        "A retrain is started when any of the following occurs:",
        "- PSI above 0.25 on any top-10 feature for two consecutive weeks",
        "- precision or recall below the G4 floor for 14 days",
        "- a process change approved by the change board",
        *[f"Unrelated closing paragraph {i} on rollback and versioning of models." for i in range(8)],
    ])
    out = focus(text, QueryTerms("when do we have to retrain a model"), 90, estimate_tokens)
    assert "A retrain is started when any of the following occurs:\n- PSI above 0.25" in out
    assert "- a process change approved by the change board" in out


def test_a_bullet_about_a_named_asset_stays_whole() -> None:
    from copilot.agents.context_focus import split_units

    text = ("- GB-401: three-stage gearbox. Splash lubricated, 18 L gear oil. Foot bolts M20 class 8.8,\n  370 N·m.\n"
            "Plain prose. Second sentence.")
    units = split_units(text)
    assert units[0].startswith("- GB-401") and units[0].endswith("370 N·m.") and units[1:] == ["Plain prose.",
                                                                                             "Second sentence."]
