from __future__ import annotations

from copilot.agents.jargon import expand_jargon, jargon_notes


def test_slang_gets_the_documents_words_once():
    q = "annual megger on m-102 came back at 45 meg. can it go back in service or not, whats the limit?"
    out = expand_jargon(q)
    assert "megger (insulation resistance test)" in out and "45 meg (MΩ)" in out
    assert expand_jargon("mech seal on P-101 leaking") == "mech seal (mechanical seal) on P-101 leaking"
    assert expand_jargon("the mechanical seal on P-101") == "the mechanical seal on P-101"  # already the documents' words
    assert expand_jargon("what is the insulation resistance limit after a megger test") == \
        "what is the insulation resistance limit after a megger test"


def test_shop_floor_abbreviations_and_phrases_get_the_documents_words():
    assert expand_jargon("do we need an RCA?") == "do we need an RCA (root cause analysis)?"
    assert expand_jargon("can we keep going?") == "can we keep going (continue)?"
    assert expand_jargon("welder needs to fix a bracket") == "welder (hot work permit) needs to fix a bracket"
    # "how long can a pilot run ... before we have to make the call": PB-007's timebox row (the model said 10 days)
    assert expand_jargon("how long can a pilot run from G1 before we have to make the call?") == \
        "how long can a pilot run (pilot timebox) from G1 before we have to make the call (decision)?"


def test_words_that_only_look_like_slang_stay():
    for q in ("how many megawatts does the site use", "what does E-204 mean", "the IR camera survey of MCC-1",
              "what did RCA-2023-07 find", "grinding noise from the P-101 bearing"):
        assert expand_jargon(q) == q


def test_someone_elses_lock_left_on_asks_for_the_abandoned_lock_rule():
    q = "daves red lock is still on the cv401 lockbox and hes gone home. can the shift sup just cut it off"
    assert "(removal of an abandoned lock)" in expand_jargon(q)
    assert "(removal of an abandoned lock)" in expand_jargon("the fitter went home, can we cut his lock off?")
    assert expand_jargon("can i take the guard off the coupling") == "can i take the guard off the coupling"
    assert jargon_notes(expand_jargon("can we cut his lock off")) == ["removal of an abandoned lock"]
    assert jargon_notes("can we cut his lock off") == []
