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
