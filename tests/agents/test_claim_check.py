"""The deterministic claim check: no figure without a source, re-citing, loops stopped."""

from __future__ import annotations

from copilot.agents.claim_check import ClaimChecker, ClaimGate, check_text, split_sentences
from copilot.agents.figures import FigurePool, extract
from copilot.types import Citation


def cite(marker: int, text: str, doc_id: str = "TG-COMP-001", title: str = "Screw compressor") -> Citation:
    return Citation(marker=marker, chunk_id=f"{doc_id}#{marker}", doc_id=doc_id, title=title, text=text)


C301 = cite(1, "C-301 is driven by motor M-301 (75 kW). Service every 4000 h; oil 20 L.")
LUBE = cite(2, "asset_tag: GB-401\nquantity: 18 L\ninterval: change every 10000 h or 2 years", doc_id="lube", title="Lube")


def test_figures_normalise_separators_units_and_dashes():
    keys = {f.key for f in extract("every 10,000 hours, 18 litres, E\u2013204, $75,000")}
    assert ("number", "10000", "h") in keys and ("number", "18", "l") in keys
    assert ("code", "E-204", "") in keys and ("money", "75000", "usd") in keys


def test_unit_written_in_a_column_name_supports_the_figure_but_another_unit_does_not():
    pool = FigurePool.of(["rated_power_kw: 75"])
    kw, amps = extract("75 kW and 75 amps")
    assert pool.supports(kw) and not pool.supports(amps)


def test_invented_price_is_withheld_and_central():
    report = check_text("The purchase price of compressor C-301 in 2019 was $75,000 [1].", [C301],
                        "What was the purchase price of compressor C-301 in 2019?")
    assert report.text == "" and report.central_withheld
    assert report.withheld[0].figures == ["$75,000"]


def test_supported_sentences_stay_and_wrong_unit_goes():
    text = "C-301 has a 75 kW motor [1]. The motor draws 75 amps [1]. Change the oil every 4000 h [1]."
    report = check_text(text, [C301])
    assert "75 kW" in report.text and "4000 h" in report.text and "amps" not in report.text
    assert not report.central_withheld and len(report.withheld) == 1


def test_figure_from_another_shown_source_is_recited_to_it():
    report = check_text("GB-401 takes 18 L of gear oil [1].", [C301, LUBE])
    assert report.text == "GB-401 takes 18 L of gear oil [2]."
    assert not report.withheld


def test_question_figures_are_not_claims_and_sentences_without_figures_pass():
    report = check_text("P-101 should be isolated before the casing is opened.", [C301], "Is P-101 safe to open?")
    assert report.text.startswith("P-101 should be isolated") and not report.withheld


def test_split_sentences_round_trips_and_keeps_decimals():
    text = "Alarm at 4.5 mm/s. Trip at 7.1 mm/s!\n- check it"
    parts = split_sentences(text)
    assert "".join(s + sep for s, sep in parts) == text
    assert parts[0][0] == "Alarm at 4.5 mm/s."
    abbreviated = split_sentences("Duties apply under Art. 50 of the Act. Stop it, e.g. isolate it. No. Never.")
    assert [s for s, _ in abbreviated] == ["Duties apply under Art. 50 of the Act.", "Stop it, e.g. isolate it.",
                                           "No.", "Never."]


def test_gate_streams_checked_sentences_only():
    gate = ClaimGate(ClaimChecker([C301]))
    shown = "".join(gate.feed(p) for p in ["The motor ", "is 75 kW [1]. It ", "costs $9,000 [1]. ", "Done"])
    shown += gate.flush()
    assert "75 kW" in shown and "9,000" not in shown and shown.endswith("Done")
    assert gate.first_claim is False and len(gate.checker.withheld) == 1


def test_gate_stops_a_looping_answer():
    gate = ClaimGate(ClaimChecker([C301]))
    out = ""
    for _ in range(10):
        out += gate.feed("- Check the oil level and the filter condition.\n")
        if gate.looping:
            break
    assert gate.looping and out.count("Check the oil level") == 1


def test_gate_drops_a_sentence_saying_less_than_one_shown_and_keeps_a_parallel_one():
    gate = ClaimGate(ClaimChecker([C301]))
    first = "The AI system is high-risk (route A) because it is a safety component of a machine covered by Annex I. "
    shown = gate.feed(first) + gate.feed("The system is high-risk because it is a safety component of a machine "
                                         "covered by Annex I. ") + gate.feed(first) + gate.flush()
    assert shown.strip() == first.strip()
    assert gate.looping  # the third time it is a loop: generation stops
    gate = ClaimGate(ClaimChecker([C301]))
    gear = "Check the oil level in the gearbox and top up to the mark. "
    both = gate.feed(gear) + gate.feed(gear.replace("gearbox", "compressor")) + gate.flush()
    assert "gearbox" in both and "compressor" in both


def test_a_run_of_bare_markers_is_a_loop_and_is_not_shown():
    """Seen on an unseen set: after a list, the model wrote " [3] [3] [3] ..." until the token limit."""
    gate = ClaimGate(ClaimChecker([C301]))
    out = gate.feed("The motor is 75 kW [1].\n")
    for _ in range(50):
        out += gate.feed(" [1]")
        if gate.looping:
            break
    out += gate.flush()
    assert gate.looping and out.strip() == "The motor is 75 kW [1]."
    assert check_text("The motor is 75 kW [1].\n [1] [1] [1] [1] [1]", [C301]).text == "The motor is 75 kW [1]."
    assert "[1]" in check_text("The motor is 75 kW.\n[1]", [C301]).text  # one marker on its own line stays


def test_gate_trims_a_list_repeating_inside_one_sentence():
    gate = ClaimGate(ClaimChecker([C301]), max_sentence_chars=200)
    for _ in range(60):
        gate.feed("oil filter, air filter, separator, ")
        if gate.looping:
            break
    tail = gate.flush()
    assert gate.looping and tail.count("separator") <= 2 and tail.endswith("...")


def test_a_spreadsheet_row_of_another_asset_cannot_support_the_asked_assets_figure():
    other = cite(1, "asset_tag: C-301\nquantity: 6 L\nlubricant: ISO VG 220", doc_id="lube", title="Lube")
    other.row = 3
    report = check_text("GB-401 takes 6 L of ISO VG 220 [1].", [other], "How much oil does GB-401 take?")
    assert report.central_withheld and "6 L" in report.withheld[0].figures


def test_amounts_written_with_currency_words_are_prices():
    keys = {f.key for f in extract("a budget of 14 million euros, EUR 2,000 and 500 dollars")}
    assert ("money", "14000000", "eur") in keys and ("money", "500", "usd") in keys
    source = cite(1, "The CoE central budget pays for pilots; 14 sites take part.")
    report = check_text("The CoE budget for 2025 is 14 million euros [1].", [source], "What was the CoE budget for 2025?")
    assert report.central_withheld and report.withheld[0].figures == ["14 million euros"]


def test_another_pumps_line_cannot_support_the_asked_pumps_figure():
    seal = cite(1, "Torque the impeller nut: 150 N·m on P-101/P-102,\n95 N·m on P-201 and P-601/P-602.",
                doc_id="SOP-SEAL-001", title="Seal replacement")
    checker = ClaimChecker([seal], "What torque for the P-101 impeller nut?")
    assert checker.check("Torque it to 150 N·m [1].") is not None
    assert checker.check("Torque it to 95 N·m [1].") is None
    # lines naming no pump, or another kind of asset, still support (a procedure's general steps)
    loto = cite(2, "Isolate at MCC-01.\nWait 15 min for the DC bus to discharge.", doc_id="SOP-LOTO-001")
    assert ClaimChecker([loto], "How do I isolate P-101?").check("Wait 15 min [2].") is not None


TIMELINE = cite(3, "## Timeline\n\n| Date | What applies |\n|---|---|\n"
                   "| 2 February 2025 | Prohibited practices (Article 5) and AI literacy |\n"
                   "| 2 August 2025 | Rules for general-purpose AI models, governance and penalties |\n"
                   "| 2 August 2026 | Most remaining obligations, including Annex III high-risk systems |\n",
                doc_id="CL-005", title="EU AI Act risk triage")


def test_a_date_from_the_neighbouring_row_is_withheld_as_wrong_row():
    report = check_text("The Annex III high-risk rules start applying on 2 August 2025 [3].", [TIMELINE],
                        "when do Annex III high-risk rules start applying")
    # the row the sentence is about is quoted instead
    assert report.text == 'What the source says: "2 August 2026 (What applies: Most remaining obligations, including ' \
                          'Annex III high-risk systems)" [3].'
    assert report.withheld[0].reason == "wrong_row"
    assert report.withheld[0].figures == ["2 August 2025", "2025"]  # a written date is checked to the day, its year too


def test_the_date_of_the_row_the_sentence_names_stays():
    ok = "The Annex III high-risk obligations apply from 2 August 2026 [3]."
    assert check_text(ok, [TIMELINE]).text == ok
    # a sentence that shares few words with any row is judged by the plain check only
    assert check_text("That changes on 2 August 2025 [3].", [TIMELINE]).text.startswith("That changes")


def test_a_figure_also_written_in_prose_is_not_a_wrong_row():
    both = cite(4, TIMELINE.text + "\nAnnex III high-risk rules: see 2 August 2025 for the GPAI part.", doc_id="X")
    assert check_text("The Annex III high-risk rules start applying on 2 August 2025 [4].", [both]).text


def test_wrong_row_holds_across_rows_that_context_focus_elided():
    focused = cite(5, TIMELINE.text.replace("| 2 February 2025 | Prohibited practices (Article 5) and AI literacy |",
                                           "..."), doc_id="CL-005")
    report = check_text("Annex III high-risk rules actually start applying on August 2, 2025 [5].", [focused])
    assert "2 August 2026" in report.text and report.withheld[0].reason == "wrong_row"


def test_a_figure_wrapped_over_two_lines_is_found():
    sop = cite(6, "5.2 The fire watch stays at the work for the whole time hot work is going on, and for at least 60\n"
                  "minutes after it ends.\n| Gas | Limit |\n|---|---|\n| CO | 25\nppm |", doc_id="SOP-HW-001")
    assert check_text("The fire watch stays for at least 60 minutes after the work ends [6].", [sop]).text
    assert not check_text("CO must stay below 25 ppm [6].", [sop]).text  # a table row is not joined to prose


def test_a_marker_written_before_the_sentence_is_moved_to_its_end():
    rule = cite(2, "Recruitment and selection is high-risk.", doc_id="CL-005")
    checker = ClaimChecker([rule], "what tier is CV screening")
    assert checker.check("[2] The tier for this use case is high-risk.") == "The tier for this use case is high-risk [2]."


def test_a_blank_left_to_fill_is_no_answer():
    rule = cite(1, "The AIRB reviews every high-risk use case.", doc_id="PB-008")
    checker = ClaimChecker([rule], "on what date did the AIRB approve it")
    assert checker.check("The AIRB approved the plant copilot's risk tier on [date] [1].") is None
    assert checker.withheld[-1].figures == ["[date]"]
    assert checker.check("The AIRB reviews every high-risk use case [1].") is not None
    # a source marker where the date belongs is a blank too
    assert checker.check("The last review was conducted on [1] and the next one is due on [1].") is None
    assert checker.check("The use case was approved by the AIRB [1].") is not None
    # words between the event and its blank date, and a run of markers where the date belongs
    assert checker.check("1. The AIRB last reviewed the Plant Copilot on [1] [1] [1].") is None
    assert checker.check("The tier was approved based on the results in [1].") is not None


def test_a_figure_only_a_passage_about_something_else_holds_is_withheld():
    hot = cite(1, "3.3 Move all combustible material at least 11 m away.\n5.2 The fire watch stays for at least "
                  "60 minutes after hot work ends.", doc_id="SOP-HW-001", title="Hot work permit")
    belt = cite(2, "One full belt revolution of CV-401 takes about 47 s.", doc_id="TG-CONV-001", title="Belt conveyors")
    checker = ClaimChecker([hot, belt], "welding near CV-401, how long is the fire watch after")
    assert checker.check("The fire watch after welding near CV-401 is 47 s [2].") is None
    assert checker.withheld[-1].reason == "wrong_row"
    assert checker.check("The fire watch stays for 60 minutes after the welding [1].") is not None
    assert checker.check("A belt revolution takes 47 s [2].") is not None


def test_a_word_cell_of_another_row_is_withheld():
    stages = cite(1, "| Site | Stage | Next milestone |\n|---|---|---|\n| Marlow Bay | Align | Chiller pilot to G3 |\n"
                     "| Riverside | Assess | Gap register approval |", doc_id="PB-003", title="Roadmap")
    checker = ClaimChecker([stages])
    assert checker.check("Riverside is currently in the **Align** stage [1].") is None
    assert checker.withheld[-1].reason == "wrong_row" and checker.withheld[-1].figures == ["Align"]
    for true in ("Riverside is in the Assess stage [1].", "Marlow Bay is in Align and Riverside is in Assess [1].",
                 "Riverside must finish Assess before it moves to Align [1]."):
        assert checker.check(true) == true


def test_a_figure_from_another_item_of_a_listed_set_is_withheld():
    deadlines = cite(1, "| GR-F3 | Serious-incident deadlines: no later than 15 days after awareness in general, 2 days "
                        "for widespread infringements or a serious and irreversible disruption of critical "
                        "infrastructure, 10 days where a person has died? |", doc_id="CL-004", title="Review")
    checker = ClaimChecker([deadlines])
    # withheld; what the source says for the item the sentence is about is shown instead
    assert checker.check("A serious disruption to the water supply must be reported within 10 days [1].") == \
        'What the source says: "2 days for widespread infringements or a serious and irreversible disruption of ' \
        'critical infrastructure" [1].'
    assert checker.withheld[-1].reason == "wrong_row"
    # given as the usual case, a figure of a listed special case gives way to the item marked as the usual one
    assert checker.check("2. The normal deadline otherwise is 2 days [1].") == \
        '2. What the source says: "no later than 15 days after awareness in general" [1].'
    assert checker.withheld[-1].figures == ["2 days"]
    for true in ("A serious disruption of critical infrastructure must be reported within 2 days [1].",
                 "Where a person has died the deadline is 10 days [1].", "The general deadline is 15 days [1].",
                 "Otherwise the deadline is 15 days [1]."):
        assert checker.check(true) == true


def test_a_figure_given_for_another_object_sharing_one_word_is_withheld():
    seal = cite(1, "7.4 Torque the impeller nut: 150 N·m on P-101/P-102, 95 N·m on P-201.\n"
                   "8.2 Fit the coupling spacer with M10 class 10.9 bolts at 55 N·m and refit the guard.",
                doc_id="SOP-SEAL-001", title="Pump Mechanical Seal Replacement")
    checker = ClaimChecker([seal], "whats the torque on the impeller nut and on the casing bolts?")
    assert checker.check("The torque on the casing bolts is 55 N·m [1].") is None  # the spacer's bolts
    assert checker.check("The torque on the impeller nut is 95 N·m on P-201 [1].") is not None
    assert checker.check("The coupling spacer bolts take 55 N·m [1].") is not None


def test_a_marker_where_the_answer_belongs_is_withheld():
    guide = cite(1, "MANAGE covers incident response and tracking after deployment.", doc_id="PB-009", title="Guide")
    checker = ClaimChecker([guide])
    assert checker.check("The NIST AI RMF function that covers tracking incidents after deployment is [1].") is None
    assert checker.check("Incident tracking after deployment is covered by MANAGE [1].") is not None
    # "when's the next AIRB meeting?": a marker and the source's bracketed title where the date belongs
    triage = cite(3, "Re-review every 12 months for minimal-risk systems.", doc_id="CL-005",
                  title="EU AI Act Risk-Triage Questionnaire")
    dated = ClaimChecker([triage], "when's the next AIRB meeting?")
    assert dated.check("The next AIRB meeting is scheduled for [3] [EU AI Act Risk-Triage Questionnaire - Triage "
                       "outcome (rev B)], which is every 12 months for minimal-risk systems.") is None
    assert dated.check("Re-review is scheduled for every 12 months [3].") is not None


def test_a_figure_from_another_column_than_the_one_named_is_withheld():
    levels = cite(1, "| Signal | Watch level | Action level |\n|---|---|---|\n| PSI on any top-10 feature | 0.10 | 0.25 |",
                  doc_id="PB-005", title="MLOps")
    checker = ClaimChecker([levels], "PSI 0.27, what do we do?")
    assert checker.check("The watch level for the PSI signal is 0.25 [1].") is None
    assert checker.check("The action level for the PSI signal is 0.25 [1].") is not None
    assert checker.check("PSI has a watch level of 0.10 and an action level of 0.25 [1].") is not None


def test_a_figure_given_for_one_place_when_its_passage_is_about_another_is_withheld():
    from copilot.agents.claim_check import ClaimChecker

    roi = Citation(marker=1, chunk_id="r", doc_id="PB-006", title="Measuring value", section="6. ROI", text=(
        "A vibration-based anomaly detector on six pumps at Halden Works cost EUR 180,000 to build.\n"
        "Three-year net benefit is EUR 612,000 and payback was reached in month 9.\n\n"
        "The 2023 pilot of acoustic leak detection at Marlow Bay reached 85% detection in a lab test."))
    checker = ClaimChecker([roi], "What ROI did the acoustic leak detection at Marlow Bay deliver?")
    assert checker.check("The acoustic leak detection at Marlow Bay delivered a net benefit of EUR 612,000 [1].") is None
    assert checker.withheld[-1].reason == "wrong_row"
    assert checker.check("The Halden Works detector delivered a net benefit of EUR 612,000 [1].") is not None
    assert checker.check("The leak detection pilot at Marlow Bay reached 85% detection [1].") is not None


def test_a_source_title_standing_where_the_answer_belongs_is_withheld():
    from copilot.agents.claim_check import ClaimChecker

    guide = Citation(marker=4, chunk_id="g", doc_id="PB-009", title="Plant Copilot User Guide", text="The assistants.")
    checker = ClaimChecker([guide], "which NIST AI RMF function covers tracking incidents after deployment?")
    assert checker.check("The function that covers it is [4] Plant Copilot User Guide - 2. What it can help with.") is None
    assert checker.check("The user guide lists the three assistants [4].") is not None


def test_a_figure_a_general_step_holds_is_not_another_assets():
    from copilot.agents.claim_check import ClaimChecker

    sop = Citation(marker=1, chunk_id="s", doc_id="SOP-SEAL-001", title="Seal replacement", text=(
        "3.1 For P-101 the isolation points are the VFD-101 breaker and HV-101A.\n"
        "3.2 Wait 15 minutes after opening the breaker, then confirm the DC bus is below 50 V DC.\n"
        "3.6 On P-201 wait 15 minutes for the casing to drain."))
    checker = ClaimChecker([sop], "how long do i wait after opening the breaker on the p-101 vfd")
    assert checker.check("On P-101 you wait 15 minutes after opening the breaker [1].") is not None


def test_a_comparison_that_arithmetic_contradicts_is_withheld_and_central():
    """Both figures are in the source, but 2.2 is not above 3.0: the sentence is withheld and the answer abstains."""
    from copilot.agents.comparison_check import false_comparison

    gate = Citation(marker=1, chunk_id="g", doc_id="PB-002", title="Readiness dimensions", text=(
        "Scale-out eligibility needs an ORI of at least 3.0 and no dimension below 2.5. Riverside: ORI 2.2."))
    report = check_text("Yes, the ORI of Riverside is 2.2, which is above the scale-out threshold of 3.0 [1]. "
                        "It can scale.", [gate], "our site index came out at 2.2 - are we allowed to scale?")
    assert report.central_withheld and report.withheld[0].reason == "false_comparison"
    assert "above the scale-out" not in report.text
    assert check_text("The ORI of 2.2 is below the threshold of 3.0 [1].", [gate]).withheld == []
    assert false_comparison("A reading of 3.9 mm/s exceeds the 4.5 mm/s alarm") == "3.9 mm/s exceeds the 4.5 mm/s"
    assert false_comparison("It is 2.2, which is not above 3.0.") is None  # negation honoured: this one holds
    assert false_comparison("Step 4 is above step 6 in the list.") is None  # labels, not quantities
    assert false_comparison("12 °C is above 20 bar") is None  # different units are not compared


def test_a_named_blank_for_a_name_or_an_email_is_no_answer():
    checker = ClaimChecker([cite(2, "The AIRB is chaired by the Chief Risk Officer.")], "who chairs the AIRB (name please)")
    assert checker.check("The current chair of the AIRB is [name of the current chair] [2].") is None
    assert checker.check("Reach them at [email address] [2].") is None
    assert checker.check("The AIRB is chaired by the Chief Risk Officer [2].") is not None


def test_a_gas_reading_given_for_another_gas_is_withheld():
    """"Oxygen concentration: 0 ppm" when the record reads "H2S 0 ppm, O2 20.9 %"."""
    record = Citation(marker=5, chunk_id="w", doc_id="maintenance_history", title="maintenance_history.csv", row=38,
                      text="asset_tag: WW-101\naction: Entry under permit; gas test H2S 0 ppm, O2 20.9 %")
    checker = ClaimChecker([record], "what gas numbers do we need before anyone goes into WW-101")
    assert checker.check("- Oxygen concentration: 0 ppm [5]") is None
    assert checker.withheld[-1].reason == "wrong_row"
    assert checker.check("- Oxygen: 20.9 % [5]") is not None and checker.check("- H2S: 0 ppm [5]") is not None


def test_an_asset_tag_given_as_a_part_number_is_withheld():
    """"The part number for the new bearings for the cooling tower fan motor is GB-601": the fan gearbox's tag."""
    src = Citation(marker=1, chunk_id="a", doc_id="asset_register", title="asset_register", row=12,
                   text="GB-601, Cooling tower fan gearbox, FN-601")
    checker = ClaimChecker([src], "need new bearings for the cooling tower fan motor. part number?")
    assert checker.check("The part number for the new bearings for the cooling tower fan motor is GB-601 [1].") is None
    assert checker.withheld[-1].reason == "wrong_kind" and checker.withheld[-1].figures == ["GB-601"]
    assert checker.check("The gearbox of the fan is GB-601 [1].") is not None


def test_a_section_number_does_not_support_a_figure():
    """"an Overall Readiness Index (ORI) of 2.3 [5]" cited to the section "2. Stage 1: Assess > 2.3 Key activities"."""
    src = Citation(marker=5, chunk_id="s", doc_id="PB-003", title="AI Adoption Roadmap",
                   section="2. Stage 1: Assess > 2.3 Key activities", text="Run the readiness assessment with CL-001.")
    checker = ClaimChecker([src], "summarise where Riverside stands")
    assert checker.check("Riverside has an Overall Readiness Index (ORI) of 2.3 [5].") is None
    assert checker.check("Stage 1 is Assess [5].") is not None  # "Stage 1" is in the section's name, not its number


def test_a_date_given_for_a_row_named_by_its_own_word_is_withheld():
    # "literacy" is the February row's alone; the August 2025 row shares only "AI", which every row has
    report = check_text("Staff using AI must have adequate AI literacy, which applies from 2 August 2025 [3].",
                        [TIMELINE], "since when must staff have AI literacy")
    assert report.withheld[0].reason == "wrong_row"
    assert report.text == 'What the source says: "2 February 2025 (What applies: Prohibited practices (Article 5) and ' \
                          'AI literacy)" [3].'
    ok = "Staff using AI must have adequate AI literacy, which applies from 2 February 2025 [3]."
    assert check_text(ok, [TIMELINE]).text == ok
    # a sentence naming the general-purpose-AI row keeps its date
    gpai = "General-purpose AI model rules apply from 2 August 2025 [3]."
    assert check_text(gpai, [TIMELINE]).text == gpai


def test_a_deadline_repeated_as_a_period_is_withheld():
    review = cite(7, "Findings are graded **Critical** (blocks go-live), **Major** (must be closed within 30 days) or "
                     "**Minor** (closed at the next review).\n| Tier | Review |\n|---|---|\n| Limited | CL-004 every 6 months |",
                  doc_id="CL-004", title="AI Governance Review Checklist")
    checker = ClaimChecker([review], "how often must governance re-review it?")
    assert checker.check("Governance must re-review it every 30 days [7].") is None
    assert checker.withheld[-1].reason == "wrong_row"
    assert checker.check("Governance must re-review it every 6 months [7].") is not None
    assert checker.check("Major findings must be closed within 30 days [7].") is not None


def test_a_withheld_list_item_takes_its_number_with_it():
    from copilot.agents.claim_check import split_sentences

    text = "1. The tier is limited risk.\n2. Governance must re-review it every 30 days [7].\n3. Users are told."
    assert [s for s, _sep in split_sentences(text)] == ["1. The tier is limited risk.",
                                                         "2. Governance must re-review it every 30 days [7].",
                                                         "3. Users are told."]
    review = cite(7, "Major findings must be closed within 30 days.", doc_id="CL-004")
    report = check_text(text, [review], "how often must governance re-review it?")
    assert report.text == "1. The tier is limited risk.\n3. Users are told."


def test_tables_written_back_to_back_are_told_apart_by_their_headers():
    """Context focus can join two tables with no blank line between: the second header starts a new table (it is no
    row of the first), so a quoted row is labelled by its own header and survives a second check."""
    from copilot.agents.lookup import markdown_tables
    from copilot.agents.row_binding import tables

    joined = cite(8, "| Tier | Consequence at Northbridge |\n|---|---|\n| Transparency | CL-004 every 6 months |\n"
                     + TIMELINE.text.split("\n\n", 1)[1], doc_id="CL-005")
    assert [h for h, _rows in markdown_tables(joined.text)] == [["Tier", "Consequence at Northbridge"],
                                                                 ["Date", "What applies"]]
    assert [len(rows) for rows in tables(joined.text)] == [1, 3]
    report = check_text("AI literacy applies from 2 August 2025 [8].", [joined], "since when does AI literacy apply")
    assert report.text == 'What the source says: "2 February 2025 (What applies: Prohibited practices (Article 5) ' \
                          'and AI literacy)" [8].'
    assert check_text(report.text, [joined]).text == report.text  # the quote passes the check again


def test_a_lines_label_names_the_assets_of_every_clause_on_it():
    """"Design data for P-101 and P-102: ..., driven by 55 kW motors M-101/M-102 ... NPSH required is 4.2 m": asked for
    cooling water pump B (P-602), the 4.2 m is the raw water pumps', not the motors' (a clause naming no pump)."""
    design = cite(9, "Design data for P-101 and P-102: 350 m3/h at 45 m head, 1480 rpm, 6-vane closed impeller, driven "
                     "by 55 kW motors M-101/M-102. NPSH required is 4.2 m at rated flow.", doc_id="TG-PUMP-001")
    report = check_text("The NPSH required on cooling water pump B is 4.2 m [9].", [design],
                        "NPSH required on cooling water pump B? (the cooling water pump is P-602)")
    assert report.text == "" and report.withheld[0].figures == ["4.2 m"]
    ok = "The NPSH required is 4.2 m at rated flow [9]."
    assert check_text(ok, [design], "NPSH required for raw water pump A? (the raw water pump is P-101)").text == ok


def test_asked_for_a_part_the_parents_own_rows_cannot_support_its_figure():
    """"grams of grease per bearing on the CV-402 drive motor" (noted M-402): the lubrication schedule's CV-402 row is
    the pulley bearings', not the motor's; the model had given its 10 g for the motor."""
    pulleys = cite(5, "asset_tag: CV-402\ncomponent: Head and tail pulley bearings\nquantity: 10 g",
                   doc_id="lubrication_schedule").model_copy(update={"row": 9})
    q = "how many grams of grease per bearing on the CV-402 drive motor? (motor of CV-402 is M-402)"
    report = check_text("The CV-402 drive motor bearings take 10 g each [5].", [pulleys], q)
    assert report.text == "" and report.withheld[0].figures == ["10 g"]
    ok = "The head and tail pulley bearings on CV-402 take 10 g [5]."
    assert check_text(ok, [pulleys], "grease for the CV-402 pulley bearings?").text == ok


def test_a_line_labelled_with_assets_is_one_unit_for_context_focus():
    from copilot.agents.context_focus import split_units

    line = ("Design data for P-101 and P-102: 350 m3/h at 45 m head, driven by 55 kW motors M-101/M-102. NPSH required "
            "is 4.2 m at rated flow.")
    assert split_units(line) == [line]
    assert len(split_units("Pumps at Riverside: P-101 is the duty pump. P-102 is the standby.")) == 2  # no tag labelled


def test_a_row_called_the_weakest_when_another_is_lower_is_withheld():
    """"The weakest area is data, with a score of 1.8": Riverside's Measurement is 1.7 (the ORI row sums up and is no
    candidate); the model had written this under the quoted column and its "Lowest" line."""
    baseline = cite(10, "| Dimension | Halden Works | Riverside |\n|---|---|---|\n| Data | 2.5 | 1.8 |\n"
                        "| Governance | 2.9 | 2.9 |\n| Measurement | 2.3 | 1.7 |\n| **ORI** | **2.7** | **1.1** |",
                    doc_id="PB-002")
    checker = ClaimChecker([baseline], "where does Riverside stand, weakest area?")
    assert checker.check("The weakest area is data, with a score of 1.8 [10].") is None
    assert checker.withheld[-1].reason == "false_comparison" and checker.withheld[-1].figures == ["Data"]
    assert checker.check("The weakest area is Measurement, at 1.7 [10].") is not None
    assert checker.check("Halden's weakest dimension is Measurement at 2.3 [10].") is not None
    assert checker.check("Its strongest is Governance at 2.9 [10].") is not None


def test_the_context_a_question_states_before_asking_is_not_the_object_a_figure_is_asked_for():
    """"crew going into WW-101 tomorrow to dig out silt. ... how often do we retest": the model repeated the task
    ("while crew is digging out silt is every 2 hours") and the retest line, which is about retesting, not silt, was
    taken for another object's figure."""
    cse = cite(2, "6.6 Retest and record on the permit at least every 2 hours, and before re-entry after any break\n"
                  "longer than 30 minutes.", doc_id="SOP-CSE-001", title="Confined Space Entry")
    q = ("crew going into WW-101 tomorrow to dig out silt. whats the max H2S for entry and how often do we have to "
         "retest while they're down there?")
    sentence = "The retesting frequency while crew is digging out silt is every 2 hours [2]."
    assert ClaimChecker([cse], q).check(sentence) == sentence
    # asked about the silt itself, the retest interval is another object's figure
    assert ClaimChecker([cse], "how often do we dig out silt?").check("Digging out silt is every 2 hours [2].") is None


def test_a_passage_sharing_two_asked_words_with_the_clause_is_about_the_asked_thing():
    """"how long does fire watch have to hang around after we finish": the model kept the slang ("has to hang around
    for at least 60 minutes"), and "hang around" was taken for another object than the fire watch line's."""
    fire = cite(3, "5.2 The fire watch stays at the work for the whole time hot work is going on, and for at least 60 "
                   "minutes after it ends.", doc_id="SOP-HW-001", title="Hot Work Permit")
    q = ("welding a bracket on the CV-401 frame this arvo. how long does fire watch have to hang around after we "
         "finish, and how long is the permit good for if it runs long?")
    sentence = "The fire watch has to hang around for at least 60 minutes after the work is completed [3]."
    assert ClaimChecker([fire], q).check(sentence) == sentence
    # words framing the figure are not the asked thing: "the minimum shadow-mode period" is not the baseline's
    baseline = cite(1, "2. Minimum baseline period is 12 weeks of normal operation.", doc_id="PB-006", title="Value")
    q2 = "What is the minimum shadow-mode period before go-live?"
    assert ClaimChecker([baseline], q2).check(
        "The minimum shadow-mode period before go-live is 12 weeks of normal operation [1].") is None


def test_a_code_from_a_spreadsheet_row_about_another_thing_is_withheld():
    """"who makes the light curtain on HP-501 and what model is it": the model gave POCV-32, the part number of the
    press's pilot-operated check valve cartridge (a spare-parts row), as the light curtain's model."""
    row = Citation(marker=2, chunk_id="spare_parts#row37", doc_id="spare_parts", title="spare_parts.csv", row=37,
                   text="part_number: SP-5003\ndescription: Pilot-operated check valve cartridge\nused_on: HP-501\n"
                        "manufacturer: Brightline Hydraulics\nmanufacturer_part_no: POCV-32")
    q = "who makes the light curtain on the HP-501 press and what model is it? need to order a spare receiver"
    assert ClaimChecker([row], q).check("The model of the light curtain is POCV-32 [2].") is None
    assert ClaimChecker([row], q).check("The check valve cartridge is POCV-32 [2].") is not None
    assert ClaimChecker([row], q).check("Order POCV-32 [2].") is not None  # names no other thing


def test_a_records_model_code_is_not_an_oil_grade():
    """"what oil grade and how many litres does G-001 take?": no document gives it; the model gave HP-500D, the
    generator's model in the asset register, as its oil grade."""
    row = Citation(marker=2, chunk_id="asset_register#row35", doc_id="asset_register", title="asset_register.csv",
                   row=35, text="asset_tag: G-001\ndescription: Standby diesel generator 500 kVA\n"
                                "manufacturer: Harrowfield Power\nmodel: HP-500D")
    q = "annual service on the standby genny coming up - what oil grade and how many litres does G-001 take?"
    checker = ClaimChecker([row], q)
    assert checker.check("The oil grade for the standby diesel generator G-001 is HP-500D [2].") is None
    assert checker.check("The standby diesel generator G-001 is a Harrowfield Power HP-500D [2].") is not None
    assert checker.check("The model of the generator G-001 is HP-500D [2].") is not None


def test_a_figure_only_a_table_cell_gives_for_another_thing_is_withheld():
    """"How many days before go-live do we have to register a high-risk system in the EU database?" No document
    says; the model gave "within 6 months after go-live", the high-risk row's "logs kept at least 6 months"."""
    row = cite(6, "| Tier | Consequence |\n|---|---|\n| High-risk | Full obligations; CL-004 review every 3 months; "
                  "AIRB approval for each version; logs kept at least 6 months |\n"
                  "| Transparency | Disclosure in the user interface; CL-004 every 6 months |", doc_id="CL-005",
               title="Triage")
    checker = ClaimChecker([row], "How many days before go-live do we have to register a high-risk system in the EU "
                                  "database?")
    assert checker.check("High-risk systems must be registered in the EU database within 6 months after go-live "
                         "[6].") is None
    history = cite(1, "| DR-02 | History available at full resolution for training | At least 12 months, or at least 2 "
                      "complete production campaigns |", doc_id="CL-003", title="Data Readiness Checklist")
    true = "The minimum history of data we need before starting a pilot is 12 months at full resolution [1]."
    assert ClaimChecker([history], "minimum history of data before a pilot?").check(true) == true  # the row says it
    for true in ("High-risk systems keep logs for at least 6 months [6].",
                 "Transparency systems are reviewed every 6 months [6].",
                 "A high-risk system is reviewed under CL-004 every 3 months [6]."):
        assert checker.check(true) == true


def test_a_comparison_the_users_own_reading_contradicts_is_withheld():
    """"water 650 ppm, iron 75 ppm. Do we need to change the oil now?": the model wrote "The iron level is above
    100 ppm" (100 ppm is in the source, so the figure check passed)."""
    guide = cite(1, "| Water in oil | < 500 ppm | > 500 ppm find source; > 1,000 ppm change oil |\n"
                    "| Iron (ICP, ppm) | < 50 | 50-100 caution; > 100 ppm investigate |", doc_id="TG-GBX-001",
                 title="Gearboxes")
    checker = ClaimChecker([guide], "Oil lab report for GB-401 came back: water 650 ppm, iron 75 ppm. Do we need to "
                                    "change the oil now?")
    assert checker.check("The iron level is above 100 ppm, which is also concerning [1].") is None
    assert checker.withheld[-1].reason == "false_comparison"
    assert checker.check("The water content is below 500 ppm [1].") is None
    for true in ("The water content is above 500 ppm [1].", "Change the oil above 1,000 ppm [1].",
                 "The iron is below 100 ppm [1]."):
        assert checker.check(true) == true


def test_a_phrase_left_dangling_by_a_moved_marker_is_dropped():
    """"According to [2], the checklist requires ..." had become "According to, the checklist requires ... [2]"."""
    from copilot.agents.claim_check import _recite

    assert _recite("According to [2], the checklist requires 4 weeks.", [2]) == "The checklist requires 4 weeks [2]."
    assert _recite("2. As per [1], shadow mode is 4 weeks.", [1]) == "2. Shadow mode is 4 weeks [1]."
    assert _recite("Shadow mode, per the checklist, is 4 weeks [1].", [1]) == "Shadow mode, per the checklist, is 4 weeks [1]."


def test_a_count_no_source_gives_for_the_counted_things_is_withheld():
    """"How many AIRB members need to be present for a decision to be valid?" No document gives a quorum; the model
    answered "3 AIRB members" (a bare small number escapes the figure check)."""
    review = cite(3, "The AIRB is chaired by the Chief Risk Officer and meets monthly. High-risk systems are reviewed "
                     "every 3 months.", doc_id="CL-004", title="AI Governance Review Checklist")
    checker = ClaimChecker([review], "How many AIRB members need to be present for a decision to be valid?")
    assert checker.check("The checklist requires 3 AIRB members to be present for a decision to be valid [3].") is None
    spares = cite(1, "Five critical spares have a lead time above 30 days.", doc_id="spare_parts", title="Spares")
    checker = ClaimChecker([spares], "how many critical spares have a lead time over 30 days?")
    true = "5 critical spares have a lead time above 30 days [1]."
    assert checker.check(true) == true  # "Five" in words is the same count
    assert checker.check("There are 6 critical spares with long lead times [1].") is None


def test_a_year_does_not_answer_a_month_asked():
    """"What month is the Riverside historian retention upgrade scheduled to be finished?" The documents say only
    "planned in 2026"; "scheduled to be finished in 2026" answered another question and was shown as the answer."""
    roadmap = cite(1, "| Riverside | Assess | Historian retention upgrade (planned 2026) |", doc_id="PB-003",
                   title="Roadmap")
    checker = ClaimChecker([roadmap], "What month is the Riverside historian retention upgrade scheduled to be finished?")
    assert checker.check("The upgrade is scheduled to be finished in 2026 [1].") is None
    true = "The upgrade is planned in 2026 [1]."
    assert ClaimChecker([roadmap], "When is the historian upgrade planned?").check(true) == true
