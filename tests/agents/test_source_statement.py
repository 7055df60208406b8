"""What the sources do say when the model's figure was withheld: the sentence on the question's subject, quoted."""

from __future__ import annotations

from copilot.agents.source_statement import figure_unit, source_statement
from copilot.types import Citation, WithheldClaim

BASELINE = Citation(marker=1, chunk_id="b", doc_id="PB-006", title="Measuring the Value of Industrial AI",
                    section="3. Baselines > 3.1 Rules", text=(
                        "1. The baseline is measured before the model influences any decision.\n"
                        "2. Minimum baseline period is 12 weeks of normal operation."))
GATE = Citation(marker=2, chunk_id="g", doc_id="CL-002", title="Production-Readiness Gate (G4 Go-Live) Checklist",
                section="Section 2: Model performance", text=(
                    "| # | Item | Type |\n|---|---|---|\n"
                    "| PR-05 | Shadow mode completed for at least 4 weeks (and at least two campaigns for batch units) "
                    "with results documented | M |"))
RELEASE = Citation(marker=3, chunk_id="r", doc_id="PB-005", title="MLOps, Model Monitoring, Retraining and Rollback",
                   section="3. Release patterns", text=(
                       "- **Canary**: replication to a new line or site starts on one asset for 2 weeks before the "
                       "rest."))
COMPRESSOR = Citation(marker=4, chunk_id="c", doc_id="TG-COMP-001", title="Screw compressors", section="Scope",
                      text="Duty compressor C-301 with a 75 kW motor M-301; standby C-302 with a 75 kW motor.")
WRONG = [WithheldClaim(sentence="The minimum shadow-mode period before go-live is 12 weeks.", figures=["12 weeks"])]


def test_the_subject_decides_not_the_frame_words():
    # "minimum ... period" is the baseline sentence's wording; the question is about shadow mode before go-live
    quote, source = source_statement(WRONG, [BASELINE, GATE, RELEASE], "What is the minimum shadow-mode period "
                                                                         "before go-live?")
    assert source is GATE
    assert quote.startswith("PR-05 | Shadow mode completed for at least 4 weeks") and "|---" not in quote


def test_no_statement_in_the_withheld_unit_or_on_the_subject_keeps_the_abstention():
    assert source_statement(WRONG, [BASELINE, RELEASE], "What is the minimum shadow-mode period before go-live?") \
        is None
    price = [WithheldClaim(sentence="C-301 cost $75,000.", figures=["$75,000"])]
    assert source_statement(price, [COMPRESSOR], "What was the purchase price of compressor C-301?") is None
    power = [WithheldClaim(sentence="C-303 has a 90 kW motor.", figures=["90 kW"])]
    # a figure for another asset is not the asked asset's
    assert source_statement(power, [COMPRESSOR], "What motor power does compressor C-303 have?") is None
    assert source_statement([], [GATE], "What is the minimum shadow-mode period before go-live?") is None


def test_figure_units():
    assert figure_unit("12 weeks") == figure_unit("4 weeks") == "wk"  # the figure extractor's units
    assert figure_unit("15 min") == "min"
    assert figure_unit("75 kW") == "kw"
    assert figure_unit("2019-03-01") is None
    assert figure_unit("E-204") is None


OVERSIGHT = Citation(marker=1, chunk_id="d", doc_id="CL-004", title="AI Governance Review Checklist",
                     section="Part D: Human oversight", text=(
                         "| Level | Name | Meaning |\n|---|---|---|\n"
                         "| H2 | Human approval | A person approves each action |\n"
                         "| H3 | Supervised autonomy | System acts within limits; a person can stop it |\n"
                         "| # | Question |\n|---|---|\n"
                         "| GR-D3 | Is there a stop or override function that works without the model service? |\n"
                         "| GR-D4 | For H3, has HSE approved the operating envelope? H3 is not permitted on safety "
                         "instrumented functions. |"))
ROLLOUT = Citation(marker=2, chunk_id="p", doc_id="PB-005", title="MLOps", section="Release", text=(
    "Shadow mode must not be skipped unless the AIRB approves an exception in writing."))


def test_a_use_the_documents_forbid_is_answered_no_with_the_rule():
    from copilot.agents.prohibition import forbidding_rule, render_forbidden

    # "supervised autonomy" is H3 by the table above the rule: the rule is about what the question asks
    found = forbidding_rule([ROLLOUT, OVERSIGHT], "Could we let a model run one of our safety instrumented "
                                                  "functions on its own under supervised autonomy, if HSE signs it off?")
    assert found is not None and found[1] is OVERSIGHT and "H3 is not permitted on safety instrumented" in found[0]
    assert render_forbidden(*found).startswith("**No.**") and found[0] in render_forbidden(*found)


def test_a_later_ask_pointing_back_is_the_one_the_rule_answers():
    """"can we let a model act on its own within limits, and could that ever extend to a safety trip?": the first
    ask is allowed under conditions (left to the model), the second is forbidden (a safety trip is a SIF)."""
    from copilot.agents.prohibition import forbidden_ask

    q = "can we let a model act on its own within limits, like nudging setpoints, and could that ever extend to a " \
        "safety trip?"
    found = forbidden_ask([ROLLOUT, OVERSIGHT], q)
    assert found is not None and "H3 is not permitted" in found[0] and found[2] == "could that ever extend to a safety trip"


def test_no_rule_quoted_for_other_questions_or_conditional_rules():
    from copilot.agents.prohibition import forbidding_rule

    assert forbidding_rule([OVERSIGHT], "Which oversight level is supervised autonomy on safety instrumented "
                                        "functions?") is None  # not asked whether it may be done
    assert forbidding_rule([ROLLOUT], "can we skip shadow mode?") is None  # allowed with an exception
    assert forbidding_rule([OVERSIGHT], "can we store the model's training data in the cloud?") is None


def test_an_abstention_quotes_the_closest_sentence_in_the_documents_words():
    """"how many of the nice-to-have items can we leave open and still get a straight go": the yes/no check said
    the sources do not state it; the rule sentence (advisory items, plain Go) is quoted beside the abstention."""
    from copilot.agents.source_statement import closest_statement

    rules = Citation(marker=5, chunk_id="p", doc_id="CL-002", title="Production-Readiness Gate (G4 Go-Live) Checklist",
                     section="Purpose and rules", text=(
                         "1. Every item marked **M** (mandatory) must be Yes with evidence.\n"
                         "2. For a plain Go, items marked **A** (advisory) may remain open only if there are **no more "
                         "than three** of them, each with an owner and a closure date within 60 days."))
    found = closest_statement([BASELINE, rules], "how many of the nice-to-have checklist items can we leave open and "
                                                 "still get a straight go?")
    assert "no more than three" in found and found.endswith("[5]")
    assert closest_statement([BASELINE, rules], "What did the canteen charge for lunch in 2019?") == ""


PILOT_DECISION = Citation(marker=3, chunk_id="d", doc_id="PB-007", title="Designing AI Pilots for Production",
                          section="6. The pilot decision", text=(
                              "Within 10 working days of the end of the timebox, the G3 review makes one of three "
                              "decisions:\n\n"
                              "1. **Scale**: thresholds met; proceed to G4 preparation with the reserved funding.\n"
                              "2. **Iterate**: thresholds nearly met with a clear, specific reason; one extension of at "
                              "most 8 weeks is allowed, once.\n"
                              "3. **Stop**: thresholds missed or kill criteria triggered.\n\n"
                              "\"Continue as a pilot\" without a decision is not an available outcome. A pilot that "
                              "exceeds its timebox plus one extension is stopped automatically."))


def test_keeping_a_pilot_going_is_answered_with_the_rule_and_what_it_allows_instead():
    """"can we just keep it running as a pilot for a while?": continuing as a pilot is not an available outcome; the
    same section's allowance (one extension of at most 8 weeks) is quoted beside the "No"."""
    from copilot.agents.prohibition import forbidden_ask, render_forbidden

    for q in ("our pilot has reached the end of its 16 week timebox, results are close to the threshold but not "
              "quite there. can we just keep it running as a pilot for a while?",
              "Pilot is at the end of its 16-week timebox, we're just short of the success threshold and know why. "
              "Can we keep going, and for how long?"):
        found = forbidden_ask([PILOT_DECISION], q)
        assert found is not None and "not an available outcome" in found[0], q
        text = render_forbidden(found[0], found[1], None, question=q)
        assert "one extension of at most 8 weeks is allowed, once" in text, q
    # a forbidding rule with no allowance beside it is quoted alone
    assert "instead" not in render_forbidden("H3 is not permitted on safety instrumented functions.", OVERSIGHT, None,
                                             question="could we run a SIF at H3?")


def test_a_requirement_for_every_site_does_not_stand_in_for_a_named_sites_figure():
    """"What percentage of Halden Works staff have completed Tier 1 so far": the model's 65% was withheld; the Align
    exit criterion (at least 80% of site staff) is no figure for Halden Works, so the abstention stands."""
    exit_criteria = Citation(marker=1, chunk_id="e", doc_id="PB-003", title="AI Adoption Roadmap",
                             section="3. Stage 2: Align > 3.4 Exit criteria",
                             text="- At least 80% of site staff have completed Tier 1 AI awareness training.")
    withheld = [WithheldClaim(sentence="65% of Halden Works staff have completed Tier 1.", figures=["65%"])]
    q = "What percentage of Halden Works staff have completed Tier 1 AI awareness training so far?"
    assert source_statement(withheld, [exit_criteria], q) is None
    # without a named site the same sentence is the documents' figure
    assert source_statement(withheld, [exit_criteria], "What share of staff must have completed Tier 1 training to "
                                                       "exit Align?") is not None
