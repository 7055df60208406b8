"""Who chairs, signs or approves: the sentence that says it, quoted."""

from __future__ import annotations

from copilot.agents.role_statement import render_role, role_statement
from copilot.types import Citation

PROCESS = Citation(marker=1, chunk_id="p", doc_id="PB-001", title="Pilot-to-Production Process", section="1. Overview",
                   text="| 5 | Deployment | 8-16 weeks | G4 Go-Live, G5 Scale-Out |\n\n"
                        "Gates are chaired by the Head of the AI Centre of Excellence (CoE). Gate G4 additionally uses "
                        "checklist CL-002 and requires the AI Review Board (AIRB) chair to sign.")
RECORD = Citation(marker=2, chunk_id="r", doc_id="CL-004", title="AI Governance Review Checklist",
                  section="Decision record", text="The AIRB chair signs the Decision Record. Copies go to the product "
                                                  "owner, the model owner and the CoE document library.")
CHAMPIONS = Citation(marker=3, chunk_id="c", doc_id="PB-007", title="Pilots", section="7. Warning signs",
                     text="Site champions and the CoE watch for signals that a pilot is drifting towards purgatory.")


def test_who_chairs_a_gate_is_the_sentence_that_assigns_the_chair():
    found = role_statement([RECORD, PROCESS], "who chairs the G4 gate?")
    assert found is not None and found[1] is PROCESS and found[0].startswith("Gates are chaired by the Head")
    assert render_role(*found).endswith("[1]")


def test_who_signs_is_read_from_the_sentence_naming_the_signature():
    found = role_statement([PROCESS, RECORD], "who has to sign the decision record after the review?")
    assert found is not None and found[1] is RECORD and "AIRB chair signs" in found[0]


def test_a_persons_name_or_an_act_no_sentence_assigns_is_not_answered():
    assert role_statement([CHAMPIONS], "who's the site champion at riverside?") is None  # a name, not an act
    assert role_statement([CHAMPIONS, PROCESS], "who approves the retraining budget?") is None  # nothing says it
    assert role_statement([PROCESS], "what does gate G4 check?") is None


def test_a_name_asked_is_answered_with_the_role_and_that_no_name_is_given():
    """"Who chairs the AI Review Board at the moment? I need a name": PB-008 names the Chief Risk Officer, no person."""
    board = Citation(marker=4, chunk_id="b", doc_id="PB-008", title="AI Operating Model", section="Bodies",
                     text="| AI Review Board (AIRB) | Risk classification approval; chaired by the Chief Risk Officer; "
                          "meets monthly |")
    q = "Who chairs the AI Review Board at the moment? I need a name to send our triage to."
    found = role_statement([board], q)
    assert found is not None
    text = render_role(*found, q)
    assert text.startswith("The documents do not mention a person by name; they name the role.") and "Chief Risk Officer" in text
    assert not render_role(*found, "who chairs the AI Review Board?").startswith("The documents do not")


def test_who_is_the_chair_asks_the_act_by_its_doer():
    """"Who is the AIRB chair by name?": the same act as "who chairs", asked by the doer's noun."""
    board = Citation(marker=4, chunk_id="b", doc_id="PB-008", title="AI Operating Model", section="Bodies",
                     text="| AI Review Board (AIRB) | Risk classification approval; chaired by the Chief Risk Officer; "
                          "meets monthly |")
    found = role_statement([CHAMPIONS, board], "Who is the AIRB chair by name?")
    assert found is not None and found[1] is board
    assert render_role(*found, "Who is the AIRB chair by name?").startswith("The documents do not mention a person")
    assert role_statement([RECORD, PROCESS], "who's the signatory on the decision record?") is not None
    assert role_statement([CHAMPIONS, board], "who is the site champion at riverside?") is None


def test_who_signs_a_gate_is_its_whole_sign_off_table():
    """"who signs off G4?": every role of the gate checklist's sign-off table signs; the model had named one."""
    from copilot.agents.role_statement import render_signoffs, signoff_table

    gate = Citation(marker=1, chunk_id="g", doc_id="CL-002", title="Production-Readiness Gate (G4 Go-Live) Checklist",
                    section="Required sign-offs", text=(
                        "| Role | Signature confirms |\n|---|---|\n| AI product owner | Accountable for the go-live "
                        "decision |\n| Model owner | Model performance, monitoring and rollback |\n"
                        "| HSE manager | Only where PR-31 applies |"))
    table, source = signoff_table([gate], "who signs off G4?")
    assert table.count("\n| ") == 3 and "| HSE manager | Only where PR-31 applies |" in table and source is gate
    assert render_signoffs(table, source).endswith("| HSE manager | Only where PR-31 applies | [1]")
    assert signoff_table([gate], "who chairs G4?") is None  # another act
    assert signoff_table([gate], "who signs the hot work permit?") is None  # the table is about another thing
