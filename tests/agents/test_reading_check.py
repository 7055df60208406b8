"""A stated reading placed in the bands of its limit row, by rule."""

from __future__ import annotations

from copilot.agents.reading_check import limit_rows, reading_answer, stated_readings
from copilot.types import Citation

MOTOR = Citation(marker=1, chunk_id="m", doc_id="TG-MOTOR-001", title="Induction motors", text=(
    "| Parameter | Acceptable | Action |\n|---|---|---|\n...\n"
    "| Insulation resistance, 500 V DC, 1 min, corrected to 40 °C | ≥ 100 MΩ | 5-100 MΩ trend and investigate; "
    "< 5 MΩ do not energise |\n"
    "| Vibration, RMS velocity (ISO 10816-3 group 2, rigid) | ≤ 2.8 mm/s | 4.5 mm/s alarm; plan repair in zone C |\n"
    "| Bearing temperature (M-101/M-102 RTD) | ≤ 80 °C | 90 °C alarm (E-211 M-101, E-212 M-102); 100 °C trip |"))
COMP = Citation(marker=2, chunk_id="c", doc_id="TG-COMP-001", title="Screw compressor", text=(
    "| Parameter (C-301) | Normal | Alarm / trip |\n|---|---|---|\n"
    "| Airend discharge temperature | 75-95 °C | warning 105 °C; trip 110 °C (E-221) |"))
CSE = Citation(marker=3, chunk_id="s", doc_id="SOP-CSE-001", title="Confined Space Entry", text=(
    "6.4 Entry is allowed only when all readings are within these limits:\n\n| Gas | Acceptable for entry |\n|---|---|\n"
    "| Oxygen (O2) | 19.5 % to 23.5 % by volume |\n| Flammable gas | below 10 % LEL (10 % of the lower explosive limit) |\n"
    "| Hydrogen sulphide (H2S) | below 5 ppm |"))
V7 = Citation(marker=4, chunk_id="v", doc_id="CL-006", title="Pre-task safety", text=(
    "| # | Check | Done |\n|---|---|---|\n| V-7 | Gas test before opening or entry: oxygen 19.5-23.5%, flammables below "
    "10% of the lower explosive limit. Before hot work the flammable reading must be 0% LEL; stop hot work at once if "
    "any reading reaches 5% LEL (SOP-HW-001 3.9 and 6.2) | |"))
ALL = [MOTOR, COMP, CSE, V7]


def test_readings_keep_their_unit_and_codes_are_not_readings():
    assert [(r.value, r.unit, r.said) for r in stated_readings(
        "p101 E-204, 4.6 mm/s at the outboard, IR 80 MOhm, 3% LEL, 1,200 ppm")] == [
        (4.6, "mm/s", "4.6 mm/s"), (80.0, "MΩ", "80 MOhm"), (3.0, "% LEL", "3% LEL"), (1200.0, "ppm", "1,200 ppm")]


def test_a_reading_between_bands_is_placed_in_the_action_band():
    text = reading_answer(ALL, "M-102 IR 80 MOhm ok?")
    assert text is not None
    assert '**80 MOhm** is outside the accepted "≥ 100 MΩ", in the band "5-100 MΩ trend and investigate"' in text
    assert "| Parameter | Acceptable | Action |" in text and "[1]" in text  # the row is quoted under its header


def test_an_alarm_given_as_a_bare_figure_points_away_from_the_normal_band():
    text = reading_answer(ALL, "C301 at 106 deg on the display, how close to trip?")
    assert 'in the band "warning 105 °C", not yet at "trip 110 °C (E-221)"' in text
    assert "not yet" not in reading_answer(ALL, "C301 discharge 112 degC is that ok?").split("trip 110")[0].split("in the band")[-1]
    assert 'within the accepted "75-95 °C"' in reading_answer(ALL, "C-301 discharge temp 80 °C ok?")


def test_a_reading_is_judged_by_the_row_about_the_asked_thing():
    assert 'within the accepted "19.5 % to 23.5 % by volume"' in reading_answer(ALL, "is it ok to enter with 20.5% oxygen")
    assert 'outside the accepted "19.5 % to 23.5 % by volume"' in reading_answer(ALL, "oxygen 18% can we go in?")
    assert 'within the accepted "below 5 ppm"' in reading_answer(ALL, "H2S 4 ppm in the wet well, can we go in?")
    hot = reading_answer(ALL, "gas test shows 3% LEL, ok to start grinding (hot work)?")
    assert 'outside the accepted "Before hot work the flammable reading must be 0% LEL"' in hot
    assert "below 10" not in hot.split("\n\n")[0]  # the entry limit is not the hot-work limit


def test_no_rule_without_a_row_a_judgement_or_one_reading_of_the_rows():
    assert reading_answer(ALL, "what is the IR limit for M-102?") is None  # no reading stated
    assert reading_answer(ALL, "flow is 200 m³/h, ok?") is None  # no row with that unit
    assert reading_answer([MOTOR], "reading 3.5 mm/s ok?") is not None
    two = Citation(marker=5, chunk_id="g", doc_id="TG-GBX-001", title="Gearboxes", text=(
        "| Parameter | Normal | Alarm |\n|---|---|---|\n| Housing vibration, RMS velocity | ≤ 3.5 mm/s | 5.0 mm/s alarm |"))
    assert reading_answer([MOTOR, two], "vibration RMS velocity 4.0 mm/s ok?") is None  # the two rows disagree
    assert reading_answer([MOTOR, two], "gearbox vibration 4.0 mm/s ok?") is not None  # the title decides


def test_limit_rows_skip_sentences_that_require_nothing():
    prose = Citation(marker=6, chunk_id="p", doc_id="TG-X", title="x", text=(
        "Dry the winding until IR ≥ 100 MΩ. Entry is allowed only when oxygen is 19.5 % to 23.5 %."))
    assert [r.label for r in limit_rows([prose])] == ["Entry is allowed only when oxygen is 19.5 % to 23.5 %."]


def test_a_gas_test_read_off_the_detector_gets_each_gas_its_row():
    readings = stated_readings("gas test at ww-101: o2 19.8, h2s 3 ppm, lel 0, co 0. are we good?")
    assert [(r.value, r.unit) for r in readings] == [(19.8, "%"), (3.0, "ppm"), (0.0, "% LEL"), (0.0, "ppm")]
    co = Citation(marker=7, chunk_id="co", doc_id="SOP-CSE-001", title="Confined Space Entry", text=(
        "| Gas | Acceptable for entry |\n|---|---|\n| Hydrogen sulphide (H2S) | below 5 ppm |\n"
        "| Carbon monoxide (CO) | below 25 ppm |"))
    text = reading_answer([CSE, co], "gas test at ww-101: o2 19.8, h2s 3 ppm, lel 0, co 0. are we good to go down?")
    lines = text.split("\n\n")[0].splitlines()[1:]
    assert [line.split('"')[1] for line in lines] == [
        "19.5 % to 23.5 % by volume", "below 5 ppm", "below 10 % LEL (10 % of the lower explosive limit)", "below 25 ppm"]


def test_a_limit_stated_in_a_sentence_keeps_its_action():
    seal = Citation(marker=8, chunk_id="sl", doc_id="TG-PUMP-001", title="Centrifugal pumps", text=(
        "1. Up to 5 drops/min is accepted only during the first 2 hours after a new seal is run in. Above 5 drops/min "
        "or a steady stream, plan replacement."))
    text = reading_answer([seal], "new seal in p102, running an hour, dripping 4 drops a minute. is that acceptable")
    assert 'within the accepted "Up to 5 drops/min is accepted only during the first 2 hours' in text
    assert 'in the band "Above 5 drops/min' in reading_answer([seal], "seal dripping 8 drops/min, ok?")


def test_a_limit_the_search_missed_is_pinned_by_the_readings_own_words():
    from copilot.agents.reading_check import limit_queries, pin_limit_rows
    from copilot.types import Chunk, Hit

    q = "new seal in p102, running an hour, dripping 4 drops a minute. is that acceptable or do i pull it"
    [(unit, query)] = limit_queries(q)
    assert unit == "drops/min" and "drip" in query
    run_in = Chunk(id="seal#8", doc_id="SOP-SEAL-001", title="Seal", section="8. Return to service",
                   text="8.5 Leakage: up to 5 drops/min is acceptable during the first 2 hours of run-in.")
    shown = [MOTOR, CSE]
    searched: list[str] = []

    def search(query: str) -> list[Hit]:
        searched.append(query)
        return [Hit(chunk=run_in, score=1.0)]

    pinned = pin_limit_rows(shown, search, q)
    assert [c.chunk_id for c in pinned] == ["m", "seal#8"] and pinned[1].marker == CSE.marker and searched == [query]
    assert "within the accepted" in reading_answer(pinned, q)
    searched.clear()
    assert pin_limit_rows(shown, search, "M-102 IR 80 MOhm ok?") == shown and searched == []  # the motor row is shown
    assert limit_queries("what is the leakage limit after a seal change?") == []


def test_a_selection_rate_ratio_is_placed_against_the_four_fifths_rule():
    review = Citation(marker=2, chunk_id="r", doc_id="CL-004", title="AI Governance Review Checklist", text=(
        "| # | Question | Threshold |\n|---|---|---|\n| GR-B2 | For systems that affect people, are outcomes compared "
        "across relevant groups? | Selection-rate ratio below 0.8 between groups (four-fifths rule) is a Critical "
        "finding pending investigation |"))
    q = "In the bias test, part-time staff get selected at {} times the rate of full-timers. Is that acceptable?"
    assert 'is in the band "Selection-rate ratio below 0.8' in reading_answer([review], q.format("0.75"))
    assert reading_answer([review], q.format("0.85")) is None  # no band holds it and none is accepted: no verdict


def test_a_metric_on_two_groups_is_judged_by_its_gap_in_percentage_points():
    """"recall is 91% on day shift but 78% on nights ... can it still be approved": a 13 point gap, over GR-B1's 10
    (the model had computed the gap itself, and the claim check withheld it)."""
    from copilot.agents.reading_check import stated_readings

    review = Citation(marker=2, chunk_id="r", doc_id="CL-004", title="AI Governance Review Checklist", text=(
        "| # | Question | Threshold |\n|---|---|---|\n| GR-B1 | Is performance reported separately per shift? | Gap in "
        "recall or precision between any two groups of more than 10 percentage points is a Major finding |"))
    q = "Defect-detection model recall is 91% on day shift but 78% on nights. Can it still be approved?"
    [gap] = stated_readings(q)
    assert (gap.value, gap.unit, gap.said) == (13.0, "pp", "91% against 78% (recall gap 13 percentage points)")
    assert 'is in the band "Gap in recall or precision' in reading_answer([review], q)
    assert stated_readings("45% of men and 33% of women are shortlisted, is that ok?")[0].unit == "ratio"  # no metric


def test_an_index_read_by_its_acronym_is_placed_in_the_threshold_tables_levels():
    mlops = Citation(marker=1, chunk_id="p", doc_id="PB-005", title="MLOps", text=(
        "| Signal | Watch level | Action level |\n|---|---|---|\n"
        "| Population Stability Index (PSI) on any top-10 feature, 7-day window vs training | 0.10 | 0.25 |"))
    q = "monitoring flagged PSI {} on one of the top-10 features of the soft sensor. what are we supposed to do"
    assert '**PSI 0.27** is in the band "Action level: 0.25" (' in reading_answer([mlops], q.format("0.27"))
    assert 'in the band "Watch level: 0.10", not yet at "Action level: 0.25"' in reading_answer([mlops], q.format("0.12"))
    assert reading_answer([mlops], q.format("0.05")) is None  # below every level: the model answers
    assert [r.unit for r in stated_readings("P-101 E-204 and GB401 at 3 bar, PSI of 0.2")] == ["bar", "PSI"]
    assert [r.value for r in stated_readings("PSI on a top-10 feature of the soft sensor is 0.14, what now?")] == [0.14]
    assert stated_readings("VFD-102 is at 3") == []  # a tag, not an index


def test_a_threshold_tables_figures_with_units_are_levels_and_the_level_reached_is_explained():
    """"PSI 0.18 and 3% of the input tags frozen": the % row is a threshold row too (not DR-06's "at least 98%"), and
    the sentence saying what a watch level sets off is quoted."""
    mlops = Citation(marker=1, chunk_id="p", doc_id="PB-005", title="MLOps", text=(
        "| Signal | Watch level | Action level |\n|---|---|---|\n"
        "| Population Stability Index (PSI) on any top-10 feature, 7-day window vs training | 0.10 | 0.25 |\n"
        "| Share of required input tags missing or frozen | 2% | 5% for more than 1 hour |\n\n"
        "A watch level creates a ticket for the model owner to review within 5 working days. An action level pages "
        "the on-call MLOps engineer."))
    data = Citation(marker=2, chunk_id="d", doc_id="CL-003", title="Data readiness", text=(
        "| # | Check | Threshold |\n|---|---|---|\n| DR-06 | Completeness of critical tags | At least 98% |"))
    q = ("Monitoring shows PSI of 0.18 on one of the top-10 features over the last 7 days, and about 3% of the input "
         "tags are frozen. What response do we owe and how fast?")
    text = reading_answer([mlops, data], q)
    assert '**3%** is in the band "Watch level: 2%", not yet at "Action level: 5% for more than 1 hour"' in text
    assert "DR-06" not in text
    assert text.endswith('- Watch level: "A watch level creates a ticket for the model owner to review within 5 working '
                         'days." [1]')
    assert "Action level: \"" not in reading_answer([mlops], q.replace("0.18", "0.12").replace("3%", "2.5%"))
    assert 'Action level: "An action level pages' in reading_answer([mlops], q.replace("0.18", "0.3"))


def test_a_duration_is_judged_against_a_limit_about_the_same_thing_and_never_a_revision_entry():
    hot = Citation(marker=1, chunk_id="h", doc_id="SOP-HW-001", title="Hot Work Permit", text=(
        "5.2 The fire watch stays at the work for the whole time hot work is going on, and for at least 60 minutes "
        "after it ends.\n\n| Rev | Date | Description | Approved by |\n|---|---|---|---|\n"
        "| C | 2022-02-14 | Fire watch extended from 30 to 60 minutes after work ends | HSE Manager |"))
    text = reading_answer([hot], "nfpa says 30 min fire watch after, so we're fine with 30 right?")
    assert 'is outside the accepted "5.2 The fire watch stays' in text and "Rev" not in text
    assert reading_answer([hot], "quick grind, a 10 min job, do i really need a permit?") is None  # not about the watch


def test_a_sentence_of_several_bands_quotes_the_band_that_holds_the_reading_not_the_whole_sentence():
    """ISO zones in one sentence: 3.9 mm/s is in zone C (the tightest "up to" that holds it), zone D is next."""
    zones = Citation(marker=3, chunk_id="z", doc_id="TG-PUMP-001", title="Pumps", text=(
        "Vibration zones follow ISO 10816-3, group 2 machines (15-300 kW) on rigid foundations: zone A (new) up to "
        "1.4 mm/s, zone B (unrestricted operation) up to 2.8 mm/s, zone C (restricted, plan a repair) up to 4.5 mm/s, "
        "zone D (damage likely) above 4.5 mm/s."))
    text = reading_answer([zones], "pump o/b bearing vibration at 3.9 mm/s, keep running or stop?")
    assert text is not None
    assert '**3.9 mm/s** is in the band "zone C (restricted, plan a repair) up to 4.5 mm/s", not yet at "zone D ' in text
    assert "zone B" not in text and "Vibration zones follow" not in text


def test_a_duration_that_only_frames_the_reading_is_not_a_reading():
    """"PSI of 0.27 ... over the last 7 days", "6mm over 10 mins": the window the value was measured over."""
    assert [s.said for s in stated_readings("PSI of 0.27 on a top feature over the last 7 days, what now?")] == [
        "PSI of 0.27"]
    assert [s.said for s in stated_readings("ram drift, i measured 6mm over 10 mins. within limits?")] == ["6mm"]
    assert [s.said for s in stated_readings("we waited 10 min after the breaker, ok?")] == ["10 min"]


def test_a_size_naming_the_equipment_is_not_a_reading():
    """"a cracked bracket on the 800mm cake belt frame": the model was told 800 mm was outside an idler limit."""
    from copilot.agents.reading_check import stated_readings

    assert stated_readings("need to grind a cracked bracket on the 800mm cake belt frame, what do i sort first") == []
    assert [r.value for r in stated_readings("the 3 mm gap on the tail pulley, ok?")] == [3.0]


def test_a_duration_written_in_words_is_a_reading():
    """"We only managed three weeks of shadow mode before the go-live gate. Is that a problem?": PR-05 asks for at least
    4 weeks."""
    from copilot.agents.reading_check import stated_readings

    gate = Citation(marker=1, chunk_id="g", doc_id="CL-002", title="Go-Live Checklist", text=(
        "| # | Item | Type |\n|---|---|---|\n| PR-05 | Shadow mode completed for at least 4 weeks with results "
        "documented | M |"))
    q = "We only managed three weeks of shadow mode before the go-live gate because of the outage. Is that a problem?"
    assert [(r.value, r.unit) for r in stated_readings(q)] == [(3.0, "wk")]
    assert '**3 weeks** is outside the accepted "Shadow mode completed for at least 4 weeks' in reading_answer([gate], q)
    assert stated_readings("we need one more person on the team") == []


def test_a_duration_is_compared_in_the_limits_time_unit():
    from copilot.agents.reading_check import limit_rows

    gate = Citation(marker=1, chunk_id="g", doc_id="CL-002", title="Go-Live Checklist", text=(
        "| # | Item | Type |\n|---|---|---|\n| PR-05 | Shadow mode completed for at least 4 weeks with results "
        "documented | M |"))
    assert '**10 days** is outside the accepted' in reading_answer([gate], "we ran 10 days of shadow mode, is that ok?")
    assert '**30 days** is within the accepted' in reading_answer([gate], "we ran 30 days of shadow mode, is that ok?")
    assert limit_rows([gate])[0].bands[0].unit == "wk"


def test_a_recommender_putting_people_forward_and_points_lower_are_readings():
    from copilot.agents.reading_check import stated_readings

    [ratio] = stated_readings("Our upskilling recommender puts forward 30% of day-shift staff for advanced courses but "
                              "only 21% of night-shift staff. Is that going to be a finding?")
    assert (ratio.value, ratio.unit) == (0.7, "ratio")
    [gap] = stated_readings("recall is 14 points lower in winter than in summer. What's the outcome?")
    assert (gap.value, gap.unit) == (14.0, "pp")


def test_a_range_stated_as_the_reading_is_judged_by_its_upper_end():
    """"its dripping 3-4 drops a minute since start up. normal or do i pull it again": no reading was found (the "4"
    follows a dash), and the copilot abstained; the seal SOP accepts up to 5 drops/min during run-in."""
    seal = Citation(marker=1, chunk_id="s", doc_id="SOP-SEAL-001", title="Seal replacement", text=(
        "8.5 Leakage: up to 5 drops/min is acceptable during the first 2 hours of run-in."))
    q = "just fitted a new cartridge seal on P-102, its dripping 3-4 drops a minute since start up. normal or do i pull it again"
    [r] = stated_readings(q)
    assert (r.value, r.unit, r.said) == (4.0, "drops/min", "3-4 drops a minute")
    assert '**3-4 drops a minute** is within the accepted' in reading_answer([seal], q)
    assert [s.said for s in stated_readings("oxygen 19.5 to 20 %, ok?")] == ["19.5 to 20 %"]  # the ends: not readings


def test_a_reading_is_not_placed_in_the_row_of_another_reading_with_the_same_unit():
    """"GB-401 oil sample back: water 700 ppm, iron 40 ppm": only the water row was shown, and 40 ppm of iron was
    called "within the accepted < 500 ppm" of water."""
    water = Citation(marker=2, chunk_id="g", doc_id="TG-GBX-001", title="Gearboxes", text=(
        "| Parameter | Normal | Alarm / action |\n|---|---|---|\n"
        "| Water in oil | < 500 ppm | > 500 ppm find source; > 1,000 ppm change oil |"))
    text = reading_answer([water], "GB-401 oil sample back: water 700 ppm, iron 40 ppm. change oil now?")
    assert "**700 ppm** is outside the accepted" in text and "40 ppm" not in text


def test_a_rows_label_unit_reads_its_bare_figures_and_fe_is_iron():
    """"| Iron (ICP, ppm) | < 50 | 50-100 caution, resample in 1 month; > 100 investigate |": the unit is in the label,
    so the row had no ppm band and "Fe 75 ppm" was placed in the water row; the bands are quoted as written."""
    oil = Citation(marker=2, chunk_id="g", doc_id="TG-GBX-001", title="Gearboxes", text=(
        "| Parameter | Normal | Alarm / action |\n|---|---|---|\n"
        "| Water in oil | < 500 ppm | > 500 ppm find source; > 1,000 ppm change oil |\n"
        "| Iron (ICP, ppm) | < 50 | 50-100 caution, resample in 1 month; > 100 investigate |"))
    text = reading_answer([oil], "GB-401 quarterly oil: Fe 75 ppm, water 600 ppm. change now?")
    assert '**75 ppm** is outside the accepted "< 50", in the band "50-100 caution", not yet at "> 100 investigate" ' \
           "(Gearboxes, Iron (ICP, ppm))" in text
    assert '**600 ppm** is outside the accepted "< 500 ppm"' in text and "(Gearboxes, Water in oil)" in text


def test_false_alarms_per_shift_are_placed_in_the_levels_written_more_than():
    """"false alarms are running at 3 per shift on the advisory pump model, whats the limit": PB-005's row is
    "| False alarms per shift (advisory models) | more than 2 | more than 4 |"."""
    mlops = Citation(marker=1, chunk_id="p", doc_id="PB-005", title="MLOps", text=(
        "| Signal | Watch level | Action level |\n|---|---|---|\n"
        "| False alarms per shift (advisory models) | more than 2 | more than 4 |\n\n"
        "A watch level creates a ticket for the model owner to review within 5 working days."))
    q = "our model's false alarms are running at {} per shift on the advisory pump model, whats the limit"
    assert '**3 per shift** is in the band "Watch level: more than 2", not yet at "Action level: more than 4"' in \
        reading_answer([mlops], q.format(3))
    assert reading_answer([mlops], q.format(2)) is None  # 2 is not more than 2: below every level
    assert 'in the band "Action level: more than 4"' in reading_answer([mlops], q.format(5))


def test_false_alarms_in_a_sentence_naming_the_shift_are_a_rate_and_stated_readings_ask_no_live_value():
    """"PSI ... is 0.18 over the last 7 days, and last night shift it threw 5 false alarms. what level are each of
    those": the coverage check had taken "what level" for a live reading the documents cannot give."""
    from copilot.agents.coverage import asked_attribute

    q = ("advisory model on the dryer: PSI on one of the top-10 features is 0.18 over the last 7 days, and last night "
         "shift it threw 5 false alarms. what level are each of those and what do i have to do?")
    assert [(r.value, r.unit) for r in stated_readings(q)] == [(0.18, "PSI"), (5.0, "per shift")]
    assert stated_readings("it threw 5 false alarms this week, ok?") == []  # a count, not a rate per shift
    assert asked_attribute(q) is None
    assert asked_attribute("what is the P-101 vibration reading now?") == "live reading"


def test_a_full_gas_test_reads_each_gas_whole_and_the_reading_outside_its_limit_leads():
    """"O2 20.6%, LEL 0, CO 2 ppm, H2S 6 ppm. ... Can I let them go in?": "O2 20" was read beside 20.6 %, and "LEL 0"
    a second time as an index without a limit row, so no reading was placed and the table was quoted without a verdict."""
    question = ("Pre-entry gas test at the bottom of WW-101 came back O2 20.6%, LEL 0, CO 2 ppm, H2S 6 ppm. "
                "They'll wear breathing apparatus. Can I let them go in?")
    assert [(r.value, r.unit) for r in stated_readings(question)] == [
        (20.6, "%"), (0.0, "% LEL"), (2.0, "ppm"), (6.0, "ppm")]
    text = reading_answer([CSE], question)
    assert text.startswith("**No.** **Not within the documented limits:** 6 ppm (Hydrogen sulphide (H2S))")
    assert text.count("| Gas | Acceptable for entry |") == 1  # the rows of one table under one header
    assert "**20.6%** is within" in text and "**2 ppm**" not in text  # no CO row is shown: CO is not placed
    assert reading_answer([CSE], "O2 20.6%, H2S 3 ppm, good to go?").startswith("Your reading")
    # outside the band answers "No" only to leave to go ahead, not to "should we ...?"
    assert not reading_answer([CSE], "O2 20.6%, H2S 6 ppm, should we ventilate it first?").startswith("**No.**")


def test_a_limit_table_trimmed_to_other_rows_gets_its_text_back_and_one_source_is_followed_not_replaced():
    """"GB-401 oil: water 650 ppm, iron 75 ppm. change the oil now?": the context budget had cut the gearbox table
    before its iron row, the search found that same chunk and skipped it as shown, and the model answered alone."""
    from copilot.agents.reading_check import pin_limit_rows
    from copilot.types import Chunk, Hit

    table = ("| Parameter | Normal | Alarm / action |\n|---|---|---|\n"
             "| Water in oil | < 500 ppm | > 500 ppm find source; > 1,000 ppm change oil |\n"
             "| Iron (ICP, ppm) | < 50 | 50-100 caution, resample in 1 month; > 100 investigate |")
    chunk = Chunk(id="gbx#1", doc_id="TG-GBX-001", title="Gearboxes", section="Scope", text=table)
    pump = Chunk(id="pump#4", doc_id="TG-PUMP-001", title="Pumps", section="Bearing hot",
                 text="Milky oil or water above 500 ppm means change oil (ISO VG 68).")
    q = "Oil lab report for GB-401 came back: water 650 ppm, iron 75 ppm. Do we need to change the oil now?"
    trimmed = Citation.from_chunk(2, chunk).model_copy(update={"text": table.rsplit("\n", 1)[0] + " ..."})
    symptoms = Citation(marker=1, chunk_id="gbx#5", doc_id="TG-GBX-001", title="Gearboxes", text="Oil contaminated.")
    pinned = pin_limit_rows([symptoms, trimmed], lambda _q: [Hit(chunk=pump, score=1.0), Hit(chunk=chunk, score=0.9)], q)
    assert [c.chunk_id for c in pinned] == ["gbx#5", "gbx#1"] and "Iron (ICP, ppm)" in pinned[1].text
    assert "**75 ppm** is outside the accepted \"< 50\", in the band \"50-100 caution\"" in reading_answer(pinned, q)
    alone = pin_limit_rows([symptoms], lambda _q: [Hit(chunk=chunk, score=1.0)], q)  # one source: the table after it
    assert [(c.chunk_id, c.marker) for c in alone] == [("gbx#5", 1), ("gbx#1", 2)]


ADOPTION = Citation(marker=6, chunk_id="a", doc_id="PB-004", title="Change management", text=(
    "| Metric | Definition | Target |\n|---|---|---|\n"
    "| Response rate | Share of alerts acknowledged with a recorded decision (accept or reject) | At least 85% |\n"
    "| Override rate | Share of recommendations rejected | Watched, not targeted; a sustained rate above 40% triggers a "
    "joint review with the model owner |"))


def test_the_word_before_a_rate_picks_the_row_that_measures_it_not_one_naming_it_in_an_aside():
    question = "Operators have been rejecting about 45% of the anomaly alerts for weeks. Are we missing a target?"
    assert stated_readings(question)[0].lead == {"reject"} or "reject" in next(iter(stated_readings(question)[0].lead))
    answer = reading_answer([ADOPTION], question)
    assert answer is not None and "Override rate" in answer and "40%" in answer
    assert "85%" not in answer.split("|")[0]
    # without a measuring word before it, the rate is placed by the words around it as before
    responded = reading_answer([ADOPTION], "Only 60% of alerts get acknowledged with a decision. Are we below target?")
    assert responded is not None and "Response rate" in responded
