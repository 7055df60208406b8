"""What an escalation quotes: the site's rules for the task, verbatim, the most specific first."""

from __future__ import annotations

from copilot.agents.safe_way import requirements
from copilot.types import Citation

GUIDE = """Safety first:
- VFD DC bus capacitors stay charged after isolation. Wait at least 15 minutes, then measure the DC
  bus: it must read below 50 V DC before touching the power section.
- Never jumper a thermistor relay to get a motor running.
"""
SYMPTOMS = """1. Heatsink over-temperature: failed heatsink fan or blocked filter mats on the drive.
2. Check the belt tracking on the drive pulley."""


def _cite(marker: int, text: str) -> Citation:
    return Citation(marker=marker, chunk_id=f"TG#{marker}", doc_id="TG", title="Guide", text=text)


def test_rules_are_quoted_whole_and_a_step_sharing_one_word_is_not():
    found = requirements([_cite(1, SYMPTOMS), _cite(2, GUIDE)],
                         "Can I replace the VFD heatsink fan with the drive powered up? Isolating takes too long.")
    texts = [t for t, _m in found]
    assert "VFD DC bus capacitors stay charged after isolation. Wait at least 15 minutes, then measure the DC bus: " \
           "it must read below 50 V DC before touching the power section." in texts
    assert not any("belt tracking" in t or "thermistor" in t for t in texts)
    assert [m for _t, m in found] == sorted(m for _t, m in found)


def test_nothing_is_quoted_when_no_step_shares_two_words():
    assert requirements([_cite(1, GUIDE)], "Can I skip the hot work permit?") == []


def test_a_permission_question_is_answered_by_the_deciding_section_quoted():
    from copilot.agents.safe_way import RULE_LEAD, rule_answer

    shift = Citation(marker=1, chunk_id="L#7", doc_id="SOP-LOTO-001", title="LOTO", section="7. Shift change and long "
                     "jobs", text="7.1 Locks stay on across a shift change only while their owner is on site.\n"
                                  "7.2 The isolator re-verifies zero energy at the start of each shift.")
    abandoned = Citation(marker=2, chunk_id="L#10", doc_id="SOP-LOTO-001", title="LOTO",
                         section="10. Removal of an abandoned lock",
                         text="10.1 An abandoned lock may be removed only by the Maintenance Manager together with an "
                              "HSE representative, never by a single person.\n10.4 The removal is recorded on form "
                              "F-LOTO-03.")
    guide = _cite(3, GUIDE)
    q = "daves red lock is still on (removal of an abandoned lock) the lockbox, can the shift sup just cut the lock off"
    text, added = rule_answer([shift, abandoned, guide], q)
    assert text.startswith(RULE_LEAD) and added == []
    assert "10.1 An abandoned lock may be removed only by the Maintenance Manager" in text and "[2]" in text
    assert "7.1" not in text  # one section: the one the documents' words for the slang name
    assert rule_answer([guide], q) is None  # no procedure among the sources: the model answers


def test_a_guides_isolation_sequence_is_a_procedure_quoted_whole():
    from copilot.agents.procedures import procedure_source, render_procedure

    guide = Citation(marker=1, chunk_id="H#1", doc_id="TG-HYD-001", title="Press guide", section="Safety first", text=(
        "- The press stores energy in four ways. Isolate all of them under SOP-LOTO-001:\n"
        "  1. Lower the ram fully onto the bed or insert the ram safety blocks and\n     engage the lock pin.\n"
        "  2. Stop the pump and lock M-501's isolator.\n"
        "  3. Dump the accumulator: also open manual\n     valve HV-503. Confirm PI-503 reads 0 bar.\n"
        "  4. Try to start from the operator panel to verify isolation.\n"
        "- Oil trapped under the POCV can hold pressure.\n- Never look for leaks with a hand."))
    found = procedure_source([guide], "what is the full isolation sequence for HP-501 before working under the ram")
    assert found is guide
    text = render_procedure(guide)
    assert "3. Dump the accumulator: also open manual valve HV-503. Confirm PI-503 reads 0 bar." in text
    assert text.rstrip().endswith("4. Try to start from the operator panel to verify isolation.")  # bullets after: not steps


def test_stretching_a_permit_is_answered_by_how_long_a_permit_is_valid():
    from copilot.agents.base import AgentContext
    from copilot.agents.safe_way import safe_way
    from copilot.config import load_settings
    from copilot.types import Citation

    hot = [Citation(marker=i, chunk_id=f"h{i}", doc_id="SOP-HW-001", title="Hot Work Permit", text=t) for i, t in (
        (1, "1.3 Hot work outside the designated welding bay needs a hot work permit."),
        (2, "6.1 Keep the permit at the work site."),
        (3, "7.1 A permit is valid for one shift, at most 8 hours, for the named location and task only."))]
    question = ("welder's been grinding on the head chute since 7 this morning on a hot work permit, wants to keep "
                "going till 6pm. can we just stretch the permit?")
    ctx = AgentContext(settings=load_settings(profile="test"), llm=None, question=question, original=question,
                       thread_id="t", sources=hot, history=[], agent_state={}, retriever=None, emit=lambda _t: None)
    text = safe_way(ctx, "I can't help with skipping a permit.").text
    assert "- 7.1 A permit is valid for one shift, at most 8 hours" in text


def test_a_bypass_request_naming_an_alarm_gets_the_alarms_own_row():
    """"HP-501 keeps dropping out on E-244, curtain lens is filthy ... can I jumper the light curtain": beside the
    never-bypass rule, the E-244 row's documented fix (clean lenses; test rod check)."""
    from copilot.agents.base import AgentContext
    from copilot.agents.safe_way import safe_way
    from copilot.config import load_settings

    rule = Citation(marker=1, chunk_id="g1", doc_id="TG-HYD-001", title="Hydraulic press", text=(
        "- Never bypass, mute, jumper or reposition the light curtain, gate interlocks or safety relay."))
    alarms = Citation(marker=2, chunk_id="f1", doc_id="FC-RIV-001", title="PLC alarm codes", text=(
        "| Code | Description | Asset | Likely causes | First response |\n|---|---|---|---|---|\n"
        "| E-244 | Guard or light curtain interrupted | HP-501 | Curtain misaligned or dirty | Close gate, clear field, "
        "clean lenses; test rod check |"))
    q = "HP-501 keeps dropping out on E-244, curtain lens is filthy. can I just mute or jumper the light curtain?"
    ctx = AgentContext(settings=load_settings(profile="test"), llm=None, question=q, original=q, thread_id="t",
                       sources=[rule, alarms], history=[], agent_state={}, retriever=None, emit=lambda _t: None)
    text = safe_way(ctx, "I can't help with bypassing a safety device.").text
    assert "- Never bypass, mute, jumper or reposition the light curtain" in text
    assert "**The alarm's own row:**" in text and "clean lenses; test rod check" in text
    ctx.original = q.replace("E-244", "the curtain")
    assert "The alarm's own row" not in safe_way(ctx, "I can't help.").text  # no alarm named


def test_each_part_of_a_two_part_rule_question_gets_its_rule_a_lead_in_its_table():
    """"What H2S reading do we need to be under before entry, and do they need to be on a tripod/winch?": the hot work
    SOP's confined-space line was quoted for both; the limits table (trimmed from the shown passage) and the rescue
    section's tripod rule (not shown) answer them."""
    from copilot.agents.safe_way import rule_answer
    from copilot.types import Chunk, Hit

    table = ("6.4 Entry is allowed only when all readings are within these limits:\n\n| Gas | Acceptable for entry |\n"
             "|---|---|\n| Oxygen (O2) | 19.5 % to 23.5 % by volume |\n| Hydrogen sulphide (H2S) | below 5 ppm |")
    testing = Citation(marker=2, chunk_id="cse#6", doc_id="SOP-CSE-001", title="Confined Space Entry",
                       section="6. Atmospheric testing", text="6.4 Entry is allowed only when all readings are within "
                                                              "these limits:\n...")
    hot = Citation(marker=4, chunk_id="hw#3", doc_id="SOP-HW-001", title="Hot Work", section="3. Before the permit",
                   text="3.11 Hot work inside a confined space also needs a confined space entry permit, and the LEL "
                        "reading must stay at 0 % throughout.")
    rescue = Chunk(id="cse#9", doc_id="SOP-CSE-001", title="Confined Space Entry", section="9. Rescue",
                   text="9.2 For vertical entries deeper than 1.5 m (for example WW-101), entrants wear a full body "
                        "harness connected to a retrieval line on a tripod and winch.")
    history = Chunk(id="cse#r", doc_id="SOP-CSE-001", title="Confined Space Entry", section="Revision history",
                    text="| Rev | Date | Change |\n|---|---|---|\n| D | 2022 | Tripod and winch required for vertical entry |")
    q = ("We're sending two guys into the intake wet well tomorrow to fix the screen frame. What H2S reading do we "
         "need to be under before entry, and do they need to be on a tripod/winch?")
    text, added = rule_answer([testing, hot], q, lambda _p: [Hit(chunk=history, score=1.0), Hit(chunk=rescue, score=0.9)],
                              lambda chunk_id: table if chunk_id == "cse#6" else "")
    assert "| Hydrogen sulphide (H2S) | below 5 ppm |" in text and "3.11" not in text
    assert "9.2 For vertical entries deeper than 1.5 m" in text and "Revision" not in text
    assert {(c.chunk_id, c.marker) for c in added} == {("cse#9", 5), ("cse#6", 2)}
    assert next(c for c in added if c.chunk_id == "cse#6").text == table  # shown whole: its figures are sourced
