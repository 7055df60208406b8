"""The ORI of stated dimension scores, computed, and the scale-out rule read from the shown source."""

from __future__ import annotations

from copilot.agents.ori_check import given_scores, ori_answer
from copilot.types import Citation

RULES = Citation(marker=1, chunk_id="c", doc_id="PB-002", title="AI Readiness Dimensions and Maturity Model",
                 text="| Decision | Rule | Consequence |\n|---|---|---|\n| Scale-out eligibility | ORI of at least 3.0 and "
                      "no dimension below 2.5 | A use case may pass G5 |")
Q = "our site self-assessment came out S 3.0, D 2.5, I 3.0, P 3.0, G 3.5, M {}. whats the ORI and are we eligible to scale?"


def test_the_ori_is_computed_and_the_rule_applied():
    text = ori_answer([RULES], Q.format("2.0"))
    assert text is not None and text.startswith("**ORI 2.825** (2.8 to one decimal)")
    assert "**Not eligible to scale out**: ORI 2.825 is below 3.0; Measurement 2 below 2.5 [1]" in text
    assert "ORI of at least 3.0 and no dimension below 2.5" in text
    high = "strategy 3.5, data 3, infrastructure 3, people 3, governance 3, measurement 3 - are we eligible to scale out?"
    assert "**Eligible to scale out** [1]" in ori_answer([RULES], high)


def test_no_computed_answer_without_all_six_scores():
    assert given_scores("S 3.0, D 2.5, I 3.0 - what is our ORI?") is None
    assert ori_answer([RULES], "what ORI do we need to scale out?") is None
    assert ori_answer([], Q.format("2.0")).startswith("**ORI 2.825**")  # no rule shown: the ORI alone


def test_a_stated_ori_is_judged_against_the_rules_threshold_without_the_six_scores():
    """"our site index came out at 2.2 - are we allowed to scale?": the model said 2.2 was above 3.0."""
    low = ori_answer([RULES], "our site index came out at 2.2 - are we allowed to scale?")
    assert low is not None and low.startswith("**Not eligible to scale out**: ORI 2.2 is below 3.0 [1]")
    high = ori_answer([RULES], "our ORI is 3.4, can we scale out?")
    assert high is not None and "ORI part is met" in high and "no dimension below 2.5" in high
    assert ori_answer([], "our ORI is 3.4, can we scale out?") is None  # no rule shown


WEAKEST_LINK = Citation(marker=2, chunk_id="w", doc_id="PB-002", title="AI Readiness Dimensions and Maturity Model",
                        text="| Weakest-link rule | Any dimension scored 1 | G4 Go-Live is blocked until a remediation plan "
                             "raises it to at least 2 |")


def test_go_live_is_judged_by_the_weakest_link_rule():
    """"what's the overall index and are we ok for go-live?" with measurement 1: the ORI and the blocking rule."""
    q = "we scored strategy 3.5, data 3, infra 3, people 3, governance 3, measurement 1. overall index, ok for go-live?"
    text = ori_answer([RULES, WEAKEST_LINK], q)
    assert text is not None and text.startswith("**ORI 2.8**")
    assert "**Go-live is blocked by the weakest-link rule**: Measurement 1 [2]" in text
    assert "scale out" not in text  # not asked
    fine = q.replace("measurement 1", "measurement 2")
    assert "does not block go-live" in ori_answer([RULES, WEAKEST_LINK], fine)


def test_the_computed_figures_are_those_in_no_source_nor_the_question():
    from copilot.agents.figures import derived_figures

    q = "we scored strategy 3.5, data 3, infra 3, people 3, governance 3, measurement 1. overall index, ok for go-live?"
    text = ori_answer([RULES, WEAKEST_LINK], q)
    assert "2.8" in derived_figures(text, [RULES, WEAKEST_LINK], q)
    assert "3.5" not in derived_figures(text, [RULES, WEAKEST_LINK], q)  # the user's own score


def test_a_what_if_uses_the_named_sites_shown_scores_with_the_changed_ones():
    """"If we get Data up to 2.5 and Measurement up to 2.5 ... everything else stays at the January numbers": the
    model said 3.0; Riverside's column with the two changes gives 2.42."""
    sites = Citation(marker=2, chunk_id="s", doc_id="PB-002", title="AI Readiness", text=(
        "| Dimension | Halden Works | Riverside | Group |\n|---|---|---|---|\n| Strategy and KPIs | 3.2 | 2.4 | 2.8 |\n"
        "| Data | 2.5 | 1.8 | 2.1 |\n| Infrastructure and MLOps | 2.8 | 2.0 | 2.4 |\n| People and change | 2.6 | 2.2 | 2.4 |\n"
        "| Governance | 2.9 | 2.9 | 2.9 |\n| Measurement | 2.3 | 1.7 | 2.0 |\n| **ORI** | **2.7** | **2.2** | **2.4** |"))
    q = ("Riverside plant manager here. If we get Data up to 2.5 and Measurement up to 2.5 by year end and everything "
         "else stays at the January numbers, what would our ORI be, and would that clear the bar for scaling out?")
    text = ori_answer([RULES, sites], q)
    assert text.startswith("**ORI 2.42** (2.4 to one decimal): the weighted mean of your Data 2.5, Measurement 2.5 with "
                           "Riverside's other scores (Strategy and KPIs 2.4, Infrastructure and MLOps 2, People and "
                           "change 2.2, Governance 2.9) [2]")
    assert "**Not eligible to scale out**: ORI 2.42 is below 3.0; Strategy and KPIs 2.4, Infrastructure and MLOps 2, " \
           "People and change 2.2 below 2.5 [1]" in text
    assert ori_answer([RULES, sites], q.replace("Riverside plant manager here. ", "")) is None  # which site: unsaid
    assert ori_answer([RULES, sites], "Riverside: what is our ORI and can we scale?") is None  # nothing changed


def test_an_ori_exactly_at_the_threshold_is_not_below_it():
    """S 3.0, D 2.4, I 3.2, P 3.0, G 3.5, M 3.1 weigh to 3.0 exactly; summed in floating point 2.9999999999999996, and
    the answer said "ORI 3 is below 3.0". Only Data 2.4 keeps it from scaling out."""
    text = ori_answer([RULES], "use-case readiness came back S 3.0, D 2.4, I 3.2, P 3.0, G 3.5, M 3.1. what's our ORI "
                               "and are we good to scale out at G5?")
    assert "**Not eligible to scale out**: Data 2.4 below 2.5 [1]" in text and "is below 3.0" not in text


def test_one_dimension_said_in_words_is_judged_by_the_weakest_link_rule_and_the_rule_is_searched():
    """"overall readiness ... 3.1 but measurement only got a 1 ... can we still go through G4?": the model answered
    without a source; the weakest-link rule blocks go-live whatever the ORI."""
    from copilot.agents.ori_check import stated_dimensions, weakest_link_source
    from copilot.types import Chunk, Hit

    q = ("overall readiness for our use case comes out at 3.1 but measurement only got a 1 because we've got no "
         "baselines at all. can we still go through G4?")
    assert stated_dimensions(q) == {"measurement": 1.0}  # "G4" is a gate, not governance 4
    assert ori_answer([RULES, WEAKEST_LINK], q).startswith("**Go-live is blocked by the weakest-link rule**: "
                                                           "Measurement 1 [2]")
    assert stated_dimensions("we have 3 people in the data team") == {}

    class Index:
        def search(self, query, k=6, **_kw):
            return [Hit(chunk=Chunk(id="w", doc_id="PB-002", title="Readiness", text=WEAKEST_LINK.text), score=1.0)]

    found = weakest_link_source(Index(), [RULES], q)
    assert found is not None and found.marker == 2
    assert weakest_link_source(Index(), [RULES], "overall readiness 3.1, can we scale out?") is None  # no go-live
