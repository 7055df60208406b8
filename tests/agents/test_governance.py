"""Governance: tier decided by the triage rules (keywords and meaning), one tier per answer and per record."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.agents.base import AgentContext
from copilot.agents.governance import GovernanceAgent, _describes_use_case
from copilot.agents.governance_eval import evaluate_triage, load_items
from copilot.agents.governance_guard import TierGuard, sanitize, tiers_named
from copilot.agents.governance_triage import clauses, triage
from copilot.llm.fake import FakeLLM
from copilot.retrieval.embedder import FakeEmbedder
from copilot.types import Citation

DATA = Path(__file__).parent / "data" / "governance_triage.jsonl"
APPLICANTS = ("We want to use AI to rank job applicants for our maintenance technician roles. "
              "What is the EU AI Act risk tier?")


@pytest.mark.parametrize("text,tier,rule", [
    ("AI that screens CVs and shortlists candidates for the hiring manager", "high", "recruitment"),
    ("Emotion recognition of workers on the line from camera feeds", "prohibited", "emotion_workplace"),
    ("Emotion recognition of shoppers in the outlet store", "high", "emotion_other"),
    ("Drowsiness and emotion monitoring of haul truck drivers for safety", "high", "emotion_safety"),
    ("Vision model acting as a safety component of the press light curtain", "high", "safety_component"),
    ("A chatbot that answers staff questions about the canteen menu", "limited", "chatbot"),
    ("Credit scoring of customers who ask to pay in instalments", "high", "essential_services"),
    ("HR wants to rate staff on their behaviour outside work for shift bonuses", "prohibited", "social_scoring"),
    ("A gate camera checks whether workers wear helmets and reports who doesn't. What AI Act tier is that?", "high",
     "worker_management"),
    ("We want to score operators' shift performance from the DCS logs and use the score to decide who gets "
     "overtime. What tier?", "high", "worker_management"),
    ("Our HR team wants to use AI to predict which operators will quit. Which tier?", "high", "worker_management"),
    ("HR wants a SaaS tool that reads applications for technician vacancies, scores each candidate's profile and "
     "produces a shortlist. We would only be the deployer.", "high", "recruitment"),
    ("maintenance want a tool that hands out the daily jobs to each technician based on how fast they closed past "
     "work orders and their rework rate. where does that sit under the AI Act?", "high", "worker_management"),
    ("We're planning a tool that hands out the daily maintenance jobs to individual technicians based on their past "
     "completion times and rework rates. What risk tier would that be?", "high", "worker_management"),
])
def test_keyword_rules_decide_without_embedder(text, tier, rule):
    d = triage(text, None)
    assert d.tier == tier and rule in [m.key for m in d.matches if m.tier == tier], d


def test_nothing_matched_is_minimal_and_negated_clauses_do_not_count():
    assert clauses("PPE camera alerts that dont identify anyone - what tier") == ["PPE camera alerts that"]
    assert clauses("Our team uses an LLM to draft work orders; what does the AI Act require?") == [
        "Our team uses an LLM to draft work orders"]
    assert clauses("vibration anomaly detection on pumps. Which tier would that be?") == [
        "vibration anomaly detection on pumps"]
    assert triage("Vibration anomaly detection on the cooling-water pumps", None).tier == "minimal"
    assert clauses("Camera PPE alerts that do not identify individuals. What is the EU AI Act risk tier?") == [
        "Camera PPE alerts that"]
    assert triage("An energy dashboard. We will not use it for hiring or recruitment.", None).tier == "minimal"


def test_meaning_match_uses_the_embedder():
    """With an embedder, a rule can match without its keywords (fake embedder: shared words and trigrams)."""
    text = "tells how content or annoyed employees feel at work from their voices and faces"
    assert triage(text, None).tier == "minimal"  # no keyword of any rule
    d = triage(text, FakeEmbedder())
    assert d.tier == "prohibited" and [(m.key, m.via) for m in d.matches] == [("emotion_workplace", "meaning")]


def test_tier_phrases():
    assert tiers_named("It is high-risk under Annex III.") == {"high"}
    assert tiers_named("The tier is minimal.") == {"minimal"}
    assert tiers_named("It may be limited (Art. 50) too.") == {"limited"}
    assert tiers_named("Only limited data is available; the practice is not prohibited.") == {"prohibited"}
    assert tiers_named("Recruitment is listed in Annex III point 4 [1].") == set()


def test_guard_drops_sentences_the_model_copies_from_its_instructions():
    from copilot.agents.prompts.governance import EXPLAIN

    prompt = EXPLAIN.format(tier_name="limited risk (transparency, Art. 50)", route="Art. 50(1)", why="a chatbot")
    shown: list[str] = []
    guard = TierGuard("limited", True, shown.append, "Art. 50(1)", prompt=prompt)
    guard.feed("Tier: limited risk (transparency, Art. 50) [1]\nDeciding rule: Art. 50(1) [1]\n"
               "Explain in about 6 lines, citing the sources [n], why this tier applies to the use case and what it "
               "means for the team (main obligations). Users must be told they talk to an AI [1]. ")
    guard.flush()
    assert guard.text.strip() == "Users must be told they talk to an AI [1]." and guard.withheld == []


def test_guard_streams_sentences_and_withholds_other_tiers():
    shown: list[str] = []
    guard = TierGuard("high", False, shown.append)
    text = ("Ranking applicants is high-risk under Art. 6(2) [1]. It is minimal risk for now. "
            "Recruitment is Annex III point 4 [2].\n- Keep logs 6 months.")
    for i in range(0, len(text), 7):
        guard.feed(text[i:i + 7])
    guard.flush()
    assert "".join(shown) == guard.text
    assert "minimal" not in guard.text and "Art. 6(2) [1]" in guard.text and "6 months" in guard.text
    assert guard.withheld == ["It is minimal risk for now."]
    assert sanitize(text, "high", False)[0] == guard.text


def test_agent_states_one_tier_and_records_it(settings):
    tokens: list[str] = []
    llm = FakeLLM(["The use case is minimal risk because it only ranks. Recruitment and selection is listed in "
                   "Annex III area 5 [1]. Limited risk (Art. 50) may also apply."])
    src = [Citation(marker=1, chunk_id="c", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire",
                    text="4. Annex III areas: employment, recruitment and selection are high-risk.")]
    ctx = AgentContext(settings=settings, llm=llm, question=APPLICANTS, original=APPLICANTS, thread_id="t",
                       sources=src, emit=tokens.append)
    result = GovernanceAgent().run(ctx)
    assert "".join(tokens) == result.text
    assert result.text.startswith("**EU AI Act risk tier: high-risk** (Art. 6(2) + Annex III point 4(a)")
    assert result.text.splitlines()[0].endswith("decided by the triage rules) [1].")  # the decision cites CL-005
    assert {t for line in result.text.splitlines() for t in tiers_named(line)} == {"high"}
    assert "listed in Annex III area 4 [1]" in result.text and "imited risk" not in result.text
    # the checklist's own sentence for the deciding rule, quoted under the decision
    assert ('**The rule** (EU AI Act Risk-Triage Questionnaire): "Annex III areas: employment, recruitment and '
            'selection are high-risk." [1]') in result.text
    # "minimal" by the tier guard; "Limited risk (Art. 50) ..." by the claim check already (no source holds Art. 50)
    assert result.structured["withheld_other_tier"] == ["The use case is minimal risk because it only ranks."]
    payload = result.proposal["payload"]
    assert payload["risk_tier"] == "high" and payload["matched_rules"] == ["recruitment"]
    assert "Art. 14 (human oversight)" in payload["articles"] and "MEASURE 2.11" in payload["nist_subcategories"]
    prompt = llm.calls[-1][-1]["content"]
    assert "Tier: high-risk" in prompt and "recruitment and selection" in prompt


def test_from_when_adds_the_timeline_row_of_the_deciding_route(settings):
    dates = ("| Date | What applies |\n|---|---|\n| 2 August 2026 | Annex III high-risk systems and Article 50 "
             "transparency |\n| 2 August 2027 | High-risk classification through the product-safety route "
             "(Article 6(1), Annex I) |")
    src = [Citation(marker=1, chunk_id="c", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire", text=dates)]
    question = ("The press vendor sells an AI vision add-on that stops the press when someone enters the danger zone, "
                "as part of the machine safety system. How is that classed under the AI Act, and from when?")
    ctx = AgentContext(settings=settings, llm=FakeLLM(["It is a safety component [1]."]), question=question,
                       original=question, thread_id="t", sources=src)
    result = GovernanceAgent().run(ctx)
    assert result.structured["tier"] == "high" and "Annex I" in result.structured["route"]
    assert "**Applies from:** **2 August 2027**: High-risk classification through the product-safety route" in result.text
    assert "2 August 2026" not in result.text


def test_general_question_is_not_classified(settings):
    ctx = AgentContext(settings=settings, llm=FakeLLM(["NIST MANAGE covers incident response."]),
                       question="Which NIST AI RMF function covers incident response?",
                       original="Which NIST AI RMF function covers incident response?", thread_id="t")
    result = GovernanceAgent().run(ctx)
    assert result.proposal is None and result.structured is None


def test_asking_whether_a_use_is_allowed_runs_the_triage(settings):
    question = "Supervisors want to score workers on their private social media for promotions. Allowed?"
    ctx = AgentContext(settings=settings, llm=FakeLLM(["This is social scoring [1]."]), question=question,
                       original=question, thread_id="t")
    result = GovernanceAgent().run(ctx)
    assert result.structured["tier"] == "prohibited" and result.text.startswith("**EU AI Act risk tier: prohibited")


def test_triage_set_is_well_formed():
    items = load_items(DATA)
    assert len(items) >= 30 and {i["tier"] for i in items} == {"prohibited", "high", "limited", "minimal"}
    assert len(load_items(DATA, "test")) >= 30


@pytest.mark.real_embedder
def test_triage_accuracy_with_real_embedder(real_embedder):
    """Held-out split (not used to set thresholds): tier accuracy with the real MiniLM embedder."""
    report = evaluate_triage(load_items(DATA, "test"), real_embedder)
    assert report["accuracy"] >= 0.85, report["errors"]
    assert report["recall"]["minimal"] >= 0.8 and report["recall"]["high"] >= 0.85, report["errors"]
    assert triage(APPLICANTS, real_embedder).tier == "high"


@pytest.mark.real_model
@pytest.mark.real_embedder
def test_real_model_explains_high_risk_for_ranking_applicants(settings, real_llm, real_embedder):
    """The issue's case: the 1.5B model once said "minimal" then "limited"; now one tier, decided by rule."""
    from copilot.config import PROJECT_ROOT

    cl5 = next((PROJECT_ROOT / "knowledge" / "checklists").glob("CL-005*.md")).read_text(encoding="utf-8")
    step3 = cl5[cl5.index("### Step 3"):cl5.index("### Step 4")]
    src = [Citation(marker=1, chunk_id="cl5-3", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire",
                    text=step3)]

    class Retriever:
        embedder = real_embedder

    tokens: list[str] = []
    ctx = AgentContext(settings=settings, llm=real_llm, question=APPLICANTS, original=APPLICANTS, thread_id="t",
                       sources=src, emit=tokens.append, retriever=Retriever())  # type: ignore[arg-type]
    result = GovernanceAgent().run(ctx)
    assert "".join(tokens) == result.text
    assert result.text.startswith("**EU AI Act risk tier: high-risk**")
    assert {t for line in result.text.splitlines() for t in tiers_named(line)} <= {"high"}
    assert result.proposal["payload"]["risk_tier"] == "high" and result.structured["tier"] == "high"


@pytest.mark.parametrize("question, triaged", [
    ("Is an AI that flags unusual energy use on our chillers a high-risk system under the AI Act?", True),
    ("Is a vision model that checks welds high-risk?", True),
    ("Does predictive maintenance on pumps count as high-risk?", True),
    ("Would a chatbot for shift handover be limited risk?", True),
    ("What documentation does a high-risk system need?", False),
    ("What is the definition of an AI system in the Act?", False),
    ("What does the AI Act require from providers of high-risk systems?", False),
    ("we're putting a chatbot on the supplier portal. anything the AI Act needs from us?", True),
    ("we generate synthetic images for training manuals with AI - any obligation?", True),
    ("We are a small plant; what should our AI governance board do?", False),
])
def test_a_described_system_is_triaged_and_a_general_question_is_not(question, triaged):
    assert _describes_use_case(question) is triaged


def test_how_is_that_classed_asks_for_the_triage():
    from copilot.agents.governance import wants_triage

    assert wants_triage("the vendor is pitching an AI vision add-on that stops the press if someone walks into the "
                        "danger zone. how is that classed under the ai act?")
    assert not wants_triage("What does the AI Act require from providers of high-risk systems?")
    assert wants_triage("We would like a chat assistant on the reception tablet that answers visitors' questions. "
                        "What does the AI Act require of us for that?")
    assert wants_triage("payroll want a model that looks at staff pay and attendance history to decide who gets a "
                        "salary advance. how would we class that")
    assert not wants_triage("What is the maximum fine under the AI Act for deploying a prohibited practice?")
    # "is this ok under the AI Act" of a described use (no article before "cameras")
    assert wants_triage("Our control room supervisor wants cameras on the operator desks that read facial expressions "
                        "and flag when someone looks stressed. Is this ok under the AI Act?")
    assert not wants_triage("For our NIST AI RMF mapping, under which function should we file the AI system inventory "
                            "and the documented roles and oversight responsibilities?")  # "we file the AI ...": no use
    assert not wants_triage("which NIST AI RMF function covers tracking incidents after deployment?")
    assert wants_triage("the vendor's fatigue camera for forklift drivers, can we deploy?")
    # a tier named as given is not a use case to classify (it had opened with "risk tier: minimal risk")
    assert not wants_triage("for an audit I need to know how many NIST AI RMF subcategories we file evidence under "
                            "for the high-risk tier, broken down by function")


def test_flagging_underperformers_for_bonus_decisions_is_worker_evaluation():
    from copilot.agents.governance_triage import triage

    d = triage("Our quality team wants an AI that reads operator shift logs to flag who is underperforming for bonus "
               "decisions.", None)
    assert d.tier == "high" and "4(b)" in d.route  # asked as a new user: it had been decided minimal risk


def test_how_an_ai_function_of_a_machine_is_classed_is_a_governance_question():
    from copilot.agents.routing_signals import keyword_scores

    q = ("The press vendor offers an AI camera function for HP-501 that stops the press when someone steps into the "
         "danger zone. How do we classify it, and from when do the rules apply?")
    scores = keyword_scores(q)
    assert scores["governance"] > scores["maintenance"]
    assert "governance" not in keyword_scores("how do we classify failures on P-101 in the FMEA")


def test_running_a_model_in_production_is_a_readiness_question():
    from copilot.agents.routing_signals import keyword_scores

    for q in ("how long does shadow mode have to run before go-live, and whats the most false alarms we're allowed?",
              "monitoring flagged PSI 0.27 on one of the top-10 features of the soft sensor. what do we do"):
        scores = keyword_scores(q)
        assert scores["readiness"] > scores.get("maintenance", 0), q
    for q in ("HP-501 ram drifting down 15 mm when parked", "discharge pressure is 80 psi on P-101"):
        assert "readiness" not in keyword_scores(q), q


def test_the_decision_cites_only_a_triage_source_that_names_the_tiers():
    from copilot.agents.governance import rule_source

    policy = Citation(marker=1, chunk_id="a", doc_id="PB-008", title="AI Operating Model", text="The AIRB approves.")
    empty = Citation(marker=2, chunk_id="b", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire", text="Owner: Legal")
    triage_text = Citation(marker=3, chunk_id="c", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire",
                           text="Step 2: prohibited practices (Article 5).")
    assert rule_source([policy, empty, triage_text]) is triage_text
    assert rule_source([policy, empty]) is None
    assert GovernanceAgent().extra_queries("we want AI to rank job applicants") != []
    assert GovernanceAgent().extra_queries("Which NIST AI RMF function covers incident response?") == []


def test_a_date_question_from_legal_is_not_a_use_case_and_a_roster_on_performance_is_high_risk():
    from copilot.agents.governance import _describes_use_case
    from copilot.agents.governance_triage import triage

    assert not _describes_use_case("legal asked when the annex III high risk rules actually start applying")
    assert _describes_use_case("is it legal to use AI cameras on staff?")
    roster = triage("were building a shift roster optimiser using individual performance history. tier?", None)
    assert roster.tier == "high" and "4(b)" in roster.route
    assert triage("shift rota tool that uses the pumps' performance history - tier?", None).tier != "high"


def test_a_prohibited_use_is_never_said_to_be_allowed():
    text = ("Yes, we can use it to monitor the operators' moods. Emotion recognition in the workplace is prohibited "
            "under Article 5(1)(f). It may be used only for medical or safety reasons. It is not allowed at work.")
    shown, withheld = sanitize(text, "prohibited", False)
    assert withheld == ["Yes, we can use it to monitor the operators' moods."]
    assert "only for medical or safety reasons" in shown and "not allowed at work" in shown
    # the same sentence under another tier is left to the tier rules
    assert "Yes, we can use it" in sanitize(text.split(" Emotion")[0], "high", False)[0]


class _ObligationsIndex:
    """A retriever holding the CL-007 checklist's tier sections (as the bundled knowledge base does)."""

    def __init__(self):
        from copilot.types import Chunk, Hit
        self.calls = []
        self.hits = [Hit(chunk=Chunk(id=f"CL-007#{i}", doc_id="CL-007", title="EU AI Act Obligations by Risk Tier",
                                     section=f"EU AI Act Obligations by Risk Tier > {name} tier", text=f"{name}: ..."),
                         score=1.0) for i, name in enumerate(["Prohibited (Article 5)", "High-risk", "Minimal risk"])]

    def search(self, query, k=5, filters=None, mode=None):
        self.calls.append(filters)
        return [h for h in self.hits if filters and h.chunk.doc_id == filters.get("doc_id")]


def test_the_rule_block_cites_the_obligations_section_of_the_decided_tier(settings):
    src = [Citation(marker=1, chunk_id="c", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire",
                    text="4. Annex III areas: employment, recruitment and selection are high-risk.")]
    index = _ObligationsIndex()
    ctx = AgentContext(settings=settings, llm=FakeLLM(["Recruitment is listed in Annex III [1]."]), question=APPLICANTS,
                       original=APPLICANTS, thread_id="t", sources=src, retriever=index)
    result = GovernanceAgent().run(ctx)
    (added,) = result.added_sources
    assert added.marker == 2 and added.section.endswith("High-risk tier") and {"doc_id": "CL-007"} in index.calls
    assert "**NIST AI RMF:** GOVERN 1.1" in result.text and "MANAGE 4.1 [2]" in result.text
    assert "(Art. 14); no automatic action on people or safety functions without review. [2]" in result.text
    # without the checklist in the index, the block is shown uncited and nothing is added
    bare = AgentContext(settings=settings, llm=FakeLLM(["Recruitment is listed in Annex III [1]."]),
                        question=APPLICANTS, original=APPLICANTS, thread_id="t", sources=src)
    assert GovernanceAgent().run(bare).added_sources == []


def test_a_prohibited_answer_explains_the_decided_practice_only():
    text = ("Emotion recognition at the workplace is banned under Art. 5(1)(f). It involves subliminal, manipulative "
            "or deceptive techniques that distort behaviour. Detecting mood from faces is emotion recognition, not "
            "manipulation.")
    shown, withheld = sanitize(text, "prohibited", False, "Art. 5(1)(f)")
    assert withheld == ["It involves subliminal, manipulative or deceptive techniques that distort behaviour."]
    assert "not manipulation" in shown  # names the decided practice too: kept
    assert sanitize(text, "prohibited", False, "")[1] == []  # no decided practice known: nothing withheld for it


def test_a_shown_part_of_the_obligations_section_is_given_whole_under_its_marker(settings):
    from copilot.types import Chunk, Hit

    index = _ObligationsIndex()
    index.hits.append(Hit(chunk=Chunk(id="CL-007#high-risk-tier#2", doc_id="CL-007", title="Obligations",
                                      section="High-risk tier", text="- **Sign-offs:** Use-case owner"), score=0.9))
    index.hits[1] = Hit(chunk=index.hits[1].chunk.model_copy(update={"id": "CL-007#high-risk-tier#1"}), score=1.0)
    focused = Citation(marker=2, chunk_id="CL-007#high-risk-tier#2", doc_id="CL-007", title="Obligations",
                       section="High-risk tier", text="...")
    src = [Citation(marker=1, chunk_id="c", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire",
                    text="4. Annex III areas: employment, recruitment and selection are high-risk."), focused]
    ctx = AgentContext(settings=settings, llm=FakeLLM(["Recruitment is listed in Annex III [1]."]), question=APPLICANTS,
                       original=APPLICANTS, thread_id="t", sources=src, retriever=index)
    (whole,) = GovernanceAgent().run(ctx).added_sources
    assert whole.marker == 2 and whole.text == "High-risk: ...\n- **Sign-offs:** Use-case owner"


@pytest.mark.parametrize("question, triaged", [
    ("auditor wants to know which NIST AI RMF subcategory covers fairness/bias evaluation", False),
    ("on what date did the AIRB approve the plant copilot's risk tier, and what's the decision record number", False),
    ("HR wants to use AI to rank applicants. which tier?", True),
    ("draft a decision record for the leak detection model", True),
    ("OEM is supplying a palletiser where an AI camera is part of the safety system and the machine needs third party "
     "conformity assessment. Which tier, and from what date do those rules apply?", True),
])
def test_questions_about_past_decisions_or_knowledge_are_not_triaged(question, triaged):
    from copilot.agents.governance import wants_triage

    assert wants_triage(question) is triaged


def test_a_use_case_a_rule_names_is_triaged_without_sources_and_one_no_rule_names_is_not():
    """"wristbands that pick up stress and frustration levels ... for the bonus scheme": no passage above the relevance
    floor, and the answer was "the knowledge base does not cover this"; Art. 5(1)(f) names it."""
    from copilot.agents.governance import named_by_a_rule

    assert named_by_a_rule("Someone in ops proposed wristbands for the packing team that pick up stress and frustration "
                           "levels so we can rank team engagement for the bonus scheme. Is that allowed?")
    assert not named_by_a_rule("we want an AI that sorts the canteen menu by colour. which tier?")  # minimal: no rule
    assert not named_by_a_rule("what does MANAGE 2.4 ask for?")  # no use case


def test_the_timeline_row_of_the_decided_tier_is_found_for_a_prohibited_practice_too(settings):
    """"reads people's faces to work out how engaged they are ... since when does that rule apply": the prohibited
    practices row (2 February 2025) shared one word with the route's wording, so no date was given."""
    from copilot.agents.base import AgentContext
    from copilot.agents.governance import applies_from

    dates = Citation(marker=6, chunk_id="k", doc_id="CL-005", title="Triage", text=(
        "| Date | What applies |\n|---|---|\n| 2 February 2025 | Prohibited practices (Article 5) and AI literacy "
        "(Article 4) |\n| 2 August 2026 | Most remaining obligations, including Annex III high-risk systems and Article "
        "50 transparency |\n| 2 August 2027 | High-risk classification through the product-safety route (Article 6(1), "
        "Annex I) |"))
    q = ("a vendor showed us a camera add-on for the packing line that reads people's faces to work out how "
         "motivated/engaged they are. can we trial it? and since when does that rule apply")
    ctx = AgentContext(settings=settings, llm=None, question=q, original=q, thread_id="t", sources=[dates])
    row, cite = applies_from(ctx, triage(q, None), [dates])
    assert "2 February 2025" in row.text and cite is dates


def test_a_withheld_list_item_takes_its_number_with_it_even_streamed():
    """"Tier? And how often ...": the model's "1. Tier 1 ..." was withheld and left a bare "1." in the answer."""
    text = "1. The tier is high-risk [5].\n2. The AIRB needs to review it every 12 months [2]."
    shown, withheld = sanitize(text, "minimal", False)
    assert shown.strip() == "2. The AIRB needs to review it every 12 months [2]."
    assert withheld == ["1. The tier is high-risk [5]."]
    out: list[str] = []
    guard = TierGuard("minimal", False, out.append)
    for piece in ["1. ", "The tier is high", "-risk [5].\n2. ", "Every 12 months [2]."]:
        guard.feed(piece)
    guard.flush()
    assert "".join(out).strip() == "2. Every 12 months [2]."
    assert sanitize("1. Minimal risk [5].", "minimal", False)[0] == "1. Minimal risk [5]."


def test_the_tier_line_cites_the_worked_examples_passage_when_no_triage_passage_is_shown(settings):
    """"a model that suggests when to inspect GB-401 ... Tier?": minimal risk, and the tier line's "no Art. 50 trigger"
    had no shown source; the worked examples of the triage checklist, found for the precedent, are cited."""
    from copilot.types import Chunk, Hit

    examples = Chunk(id="cl5#ex", doc_id="CL-005", title="EU AI Act Risk-Triage Questionnaire",
                     section="Worked examples", text=(
                         "| Use case | Provisional tier | Reason |\n|---|---|---|\n"
                         "| Vibration anomaly detection on cooling-water pumps | Minimal | Advisory, no people data |\n"
                         "| Visitor chatbot | Limited (Article 50) | Interacts with people |\n"
                         "| Ranking job applicants | High-risk (Annex III) | Recruitment |"))

    class Index:
        def search(self, query, k=10, **_kw):
            return [Hit(chunk=examples, score=1.0)]

    review = Citation(marker=1, chunk_id="r", doc_id="CL-004", title="AI Governance Review Checklist",
                      text="Minimal-risk systems are reviewed every 12 months.")
    q = "Reliability wants a model that suggests to the planner when to inspect GB-401, no automatic actions. Tier?"
    ctx = AgentContext(settings=settings, llm=FakeLLM(["Minimal risk."]), question=q, original=q, thread_id="t",
                       sources=[review], emit=lambda _t: None, retriever=Index())
    result = GovernanceAgent().run(ctx)
    assert result.text.startswith("**EU AI Act risk tier: minimal risk**")
    assert result.text.splitlines()[0].endswith("decided by the triage rules) [2].")
    assert any(c.chunk_id == "cl5#ex" and c.marker == 2 for c in result.added_sources)
