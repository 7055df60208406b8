"""One kind of figure asked for named things: each thing's sentence, quoted."""

from __future__ import annotations

from copilot.agents.figure_quote import asked_figure, figure_quote, pin_asked_figure
from copilot.types import Chunk, Citation, Hit

SEAL = Citation(marker=1, chunk_id="s7", doc_id="SOP-SEAL-001", title="Pump Mechanical Seal Replacement", text=(
    "7.4 Fit the impeller with a new nut O-ring and torque the impeller nut: 150 N·m on P-101/P-102,\n"
    "95 N·m on P-201 and P-601/P-602.\n\n7.6 Fit a new casing gasket and tighten the casing bolts in a cross pattern "
    "to 180 N·m.\n\n8.2 Fit the coupling spacer with M10 class 10.9 bolts at 55 N·m and refit the guard."))
GBX = Citation(marker=2, chunk_id="g", doc_id="TG-GBX-001", title="Gearboxes", text=(
    "- GB-401: three-stage helical-bevel gearbox driving conveyor CV-401. Ratio 21.5:1, input 1475 rpm. Splash "
    "lubricated, 18 L mineral EP gear oil. Foot bolts M20 class 8.8, 370 N·m."))


def test_each_named_thing_gets_its_own_sentence():
    text = figure_quote([SEAL, GBX], "whats the torque on the impeller nut and on the casing bolts? anything special")
    assert text is not None
    nut, bolts = text.splitlines()[1:]
    assert nut.startswith("- **impeller nut:**") and "95 N·m on P-201" in nut and "[1]" in nut
    assert bolts.startswith("- **casing bolts:**") and "180 N·m" in bolts and "55 N·m" not in bolts


def test_a_long_paragraph_is_cut_to_its_subject_and_the_figure():
    text = figure_quote([SEAL, GBX], "what torque for the GB-401 foot bolts?")
    assert '"- GB-401: ... Foot bolts M20 class 8.8, 370 N·m." [2]' in text


def test_no_quote_when_a_thing_has_no_sentence_or_no_thing_is_named():
    assert figure_quote([SEAL], "whats the torque on the impeller nut and on the pump feet?") is None
    assert figure_quote([SEAL], "what are the torques, in order?") is None  # a set: figure_lists answers it
    assert asked_figure("how do I torque the casing bolts") is None
    assert asked_figure("what's the clearance on the P-201 impeller").things == ["P-201 impeller"]


def test_a_passage_stating_an_unshown_figure_takes_the_last_place():
    shown = Citation(marker=1, chunk_id="s5", doc_id="SOP-SEAL-001", title="Seal", text="5.6 Remove the casing bolts.")
    other = Citation(marker=2, chunk_id="x", doc_id="TG-PUMP-001", title="Pumps", text="Pumps move water.")
    hit = Hit(chunk=Chunk(id="s7", doc_id="SOP-SEAL-001", title="Seal", text=SEAL.text, doc_type="sop"), score=1.0)
    pinned = pin_asked_figure([shown, other], [hit], "torque on the casing bolts?")
    assert [c.chunk_id for c in pinned] == ["s5", "s7"] and pinned[1].marker == 2
    assert pin_asked_figure([shown, other], [], "torque on the casing bolts?") == [shown, other]


def test_a_thing_no_sentence_gives_the_figure_for_is_a_gap_with_what_is_given():
    from copilot.agents.coverage import check_coverage
    from copilot.agents.figure_quote import figure_gap

    q = "swapping the inspection cover gasket on gb401. can i just torque the cover bolts to 370 same as the feet?"
    assert asked_figure(q).things == ["cover bolts"]
    kind, thing, near = figure_gap([GBX], q)
    assert (kind, thing) == ("torque", "cover bolts") and near == [("- GB-401: ... Foot bolts M20 class 8.8, 370 N·m.", 2)]
    coverage = check_coverage(q, [GBX], "the shift supervisor", original=q)
    assert not coverage.covered and "give no torque for the cover bolts" in coverage.message and "370 N·m" in coverage.message
    assert figure_gap([SEAL], "whats the torque on the impeller nut and on the casing bolts?") is None
    assert figure_gap([SEAL], "torque on the flux capacitor?") is None  # nothing near it: other checks decide
    assert check_coverage("what torque for the GB-401 foot bolts?", [GBX], "x", original="what torque for the GB-401 "
                          "foot bolts?").covered
