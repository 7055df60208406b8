"""Figures in an answer that no shown source holds: numbers with units, dates, codes, tags."""

from __future__ import annotations

from copilot.eval.figures import codes_in, figures_in, unsupported_figures

SOURCE = ("C-301: oil-injected screw compressor, 75 kW motor M-301, star-delta start. Wait 15 minutes after opening "
          "the breaker and confirm the DC bus is below 50 V DC. E-204 high vibration: alarm 4.5 mm/s RMS, trip 7.1 mm/s. "
          "Change the GB-401 oil every 10,000 h or 2 years (18 L). Assess takes 6-8 weeks. Alarm -0.30 bar(g).")


def test_a_changed_unit_is_flagged_and_the_right_unit_is_not():
    assert unsupported_figures("M-301 draws 75 amps [1].", [SOURCE]) == ["75 a"]
    assert unsupported_figures("M-301 is rated 75 kW [1].", [SOURCE]) == []


def test_normalisation_of_units_separators_number_words_and_ranges():
    answer = ("1. Change the oil every 10000 hours or two years (18 litres).\n"
              "2. Wait 15 min; the bus must be below 50 V.\n3. Alarm at 4.5 mm/s, trip at 7.1 mm/s; Assess takes 6 weeks; 0.3 bar")
    assert unsupported_figures(answer, [SOURCE]) == []


def test_invented_price_year_and_code_are_flagged():
    assert unsupported_figures("The purchase price was $75,000 in 2019 [1].", [SOURCE]) == ["2019", "75000"]
    assert unsupported_figures("Check P-102 and E-206 [1].", [SOURCE]) == ["E-206", "P-102"]
    assert unsupported_figures("The oil is changed every 6 months [1].", [SOURCE]) == ["6 mo"]  # the product's canonical unit (copilot.agents.figures.UNITS)


def test_question_figures_are_not_the_copilots_invention_and_markers_are_ignored():
    assert unsupported_figures("There is no E-239 in the fault table [3].", [SOURCE], allowed=["what is E-239?"]) == []
    assert unsupported_figures("E-239 is a seal leak [1].", [SOURCE]) == ["E-239"]


def test_no_sources_means_every_figure_is_unsupported():
    assert unsupported_figures("Torque to 35 N·m.", []) == ["35 nm"]
    assert unsupported_figures("No figures here.", []) == []


def test_extractors():
    assert codes_in("See SOP-LOTO-001, HV-101A and e-204; 6310-C3 is a bearing") == {"SOP-LOTO-001", "HV-101A"}
    found = figures_in("2025-04-22 at 90% and 35 N·m, 5.3 bar(g), 19.5 % to 23.5 %, 5.0 m")
    assert {("2025", None), ("4", None), ("22", None), ("90", "%"), ("35", "nm"), ("5.3", "bar"),
            ("19.5", "%"), ("23.5", "%"), ("5", "m")} <= found


def test_ordinals_and_source_titles():
    assert unsupported_figures("Do this on the 1st and 21st day.", []) == []
    # a document id shown as the citation's id or title supports the code in the answer
    assert unsupported_figures("See TG-PUMP-001 section 5.7 [1].", ["TG-PUMP-001 Centrifugal pumps 5.7 Verify"]) == []


def test_zero_and_one_written_as_words_are_not_figures_and_row_labels_support_row_numbers():
    assert unsupported_figures("Verify zero energy before touching one of the pumps.", []) == []
    assert unsupported_figures("GB-401 (lubrication_schedule.csv (row 14)) [1]", ["GB-401 lube (row 14)"]) == []


def test_a_figure_the_user_wrote_with_a_thousands_multiplier_is_the_users_own():
    """"build EUR 120k": the answer's "build 120,000" is the user's figure; a computed total is not anyone's."""
    from copilot.eval.figures import unsupported_figures

    assert unsupported_figures("cost EUR 192,000 (build 120,000 + 3 x run 24,000)", [],
                               ["build EUR 120k, run 24k a year over 3 years"]) == ["192000"]
    assert unsupported_figures("a 1.5 m belt tear", ["belt torn 1.5 m"]) == []  # a metre, not a million
