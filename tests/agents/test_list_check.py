"""Is my list complete: the documents' own list for the asked equipment, quoted."""

from __future__ import annotations

from copilot.agents.list_check import listed_items, render_list
from copilot.types import Citation

SEAL = Citation(marker=1, chunk_id="s", doc_id="SOP-SEAL-001", title="Pump Mechanical Seal Replacement",
                section="3. Isolation and safety", text=(
                    "...\nFor P-101 (EIP-P101)\n"
                    "the isolation points are: VFD-101 supply breaker in MCC-01, suction valve HV-101A, discharge valve "
                    "HV-101B and seal flush valve HV-101F. P-102 uses the equivalent HV-102 valves.\n\n"
                    "3.2 Wait 15 minutes after opening the breaker, then an electrician confirms the VFD DC bus is below "
                    "50 V DC."))
Q = ("doing the seal on P-101. I've got the VFD-101 breaker and the suction + discharge valves on the lock list, "
     "anything else that needs locking?")


def test_what_else_on_a_list_is_answered_with_the_documents_list_quoted():
    found = listed_items([SEAL], Q)
    assert found is not None
    sentence, source = found
    assert sentence.startswith("For P-101 (EIP-P101) the isolation points are:") and "HV-101F" in sentence
    assert source is SEAL
    assert render_list(*found).startswith("Check your list against the documents' own (Pump Mechanical Seal "
                                          "Replacement): \"For P-101") and render_list(*found).endswith("[1]")


def test_no_list_without_asking_what_else_or_without_a_list():
    assert listed_items([SEAL], "doing the seal on P-101, what do I lock?") is None  # not "what else": procedure
    plain = Citation(marker=2, chunk_id="p", doc_id="SOP-X", title="X", text="Wear gloves when handling the seal.")
    assert listed_items([plain], Q) is None
