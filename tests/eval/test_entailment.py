"""Per-fact entailment: schema-constrained yes/no on the shared prompt prefix, and agreement with hand labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.agents.prompts.shared import SHARED_PREFIX
from copilot.config import PROJECT_ROOT
from copilot.eval.entailment import entailment_flags, entailment_recall, entails
from copilot.eval.entailment_agreement import agreement_stats, load_labels, run_agreement
from copilot.eval.loaders import DatasetError
from copilot.llm.base import ChatResult
from copilot.llm.fake import FakeLLM
from copilot.llm.yesno import bool_schema

LABELS = PROJECT_ROOT / "eval" / "datasets" / "entailment_labels.jsonl"
ANSWER = "The turbocharger has two failure modes: mechanical failure (RPN 27) and leaking (RPN 18) [1]."


class SchemaSpy(FakeLLM):
    """FakeLLM that also records the schema and sampling arguments of every call."""

    def __init__(self, responses):
        super().__init__(responses=responses)
        self.kwargs: list[dict] = []

    def chat(self, messages, **kw) -> ChatResult:
        self.kwargs.append(kw)
        return super().chat(messages, **kw)


def test_verdict_uses_shared_prefix_schema_and_puts_the_fact_last():
    llm = SchemaSpy(['{"entailed": true}'])
    assert entails(llm, "Turbo failure modes?", ANSWER, "The turbocharger leaking failure mode has an RPN of 18.") is True
    messages = llm.calls[0]
    assert messages[0] == {"role": "system", "content": SHARED_PREFIX}  # the cached prefix every agent shares
    user = messages[1]["content"]
    assert user.index("Turbo failure modes?") < user.index(ANSWER) < user.index("an RPN of 18.")
    assert llm.kwargs[0]["json_schema"] == bool_schema("entailed") and llm.kwargs[0]["temperature"] == 0.0


@pytest.mark.parametrize("reply", ["yes", '{"entailed": "maybe"}', "{}", "[true]"])
def test_invalid_output_gives_no_verdict(reply):
    assert entails(FakeLLM(responses=[reply]), "q", ANSWER, "fact") is None


def test_exact_matches_need_no_model_call_and_failures_count_as_not_entailed():
    llm = FakeLLM(responses=['{"entailed": false}', "garbage"])
    flags = entailment_flags(llm, "q", ANSWER, ["leaking", "RPN 27 for mechanical failure", "five modes"])
    assert flags == [True, False, None]
    assert len(llm.calls) == 2  # "leaking" matched exactly
    res = entailment_recall(FakeLLM(responses=['{"entailed": true}', "garbage"]), "q", ANSWER,
                            [{"fact": "leaking", "essential": True}, {"fact": "RPN 72", "essential": False},
                             {"fact": "three modes", "essential": True}])
    assert res["entailment"] == pytest.approx(2 / 3) and res["essential_entailment"] == 0.5 and res["failed"] == 1
    assert entailment_recall(FakeLLM(), "q", ANSWER, [])["entailment"] is None
    assert entailment_flags(FakeLLM(), "q", "  ", ["x"]) == [False]


def test_agreement_stats_and_kappa():
    s = agreement_stats([True, True, False, False], [True, False, False, None])
    assert (s["tp"], s["fn"], s["tn"], s["fp"], s["no_verdict"]) == (1, 1, 2, 0, 1)
    assert s["accuracy"] == 0.75 and s["precision"] == 1.0 and s["recall"] == 0.5
    assert s["kappa"] == pytest.approx(0.5)
    assert agreement_stats([True, False], [True, False])["kappa"] == pytest.approx(1.0)


def test_run_agreement_reports_check_model_and_disagreements(tmp_path: Path):
    rows = [{"id": "a", "answer": ANSWER, "fact": "leaking", "label": True, "kind": "exact"},
            {"id": "b", "answer": ANSWER, "fact": "The RPN of leaking is 81.", "label": False, "kind": "wrong_number"},
            {"id": "c", "answer": ANSWER, "fact": "Mechanical failure scores 27.", "label": True, "kind": "sentence"}]
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    pairs = load_labels(path)
    # model: a -> false (but exact match wins in the check), b -> true (wrong), c -> true
    report = run_agreement(FakeLLM(responses=['{"entailed": false}', '{"entailed": true}', '{"entailed": true}']),
                           pairs, progress=False)
    assert report["check"]["accuracy"] == pytest.approx(2 / 3) and report["model_only"]["accuracy"] == pytest.approx(1 / 3)
    assert [d["id"] for d in report["disagreements"]] == ["b"]
    assert report["per_kind"]["exact"]["accuracy"] == 1.0


def test_labels_file_is_valid_and_covers_the_hard_cases():
    pairs = load_labels(LABELS)
    assert len(pairs) >= 50 and len({p.id for p in pairs}) == len(pairs)
    kinds = {p.kind for p in pairs}
    assert {"sentence", "paraphrase", "unit_change", "wrong_number", "exact"} <= kinds
    assert not any(p.label for p in pairs if p.kind in ("unit_change", "wrong_number", "wrong_entity", "missing"))
    assert 0.3 < sum(p.label for p in pairs) / len(pairs) < 0.7
    assert any("RPN for the condenser leaking failure mode is 18" in p.fact and p.label for p in pairs)


def test_bad_labels_file(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"answer": "x", "fact": "y"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="item 1: label"):
        load_labels(bad)


@pytest.mark.real_model
def test_real_model_entailment_on_clear_pairs(real_llm):
    """The bundled model on four clear pairs from the labelled set: a correct sentence-style fact, a wrong
    number, a changed unit and a paraphrase. It must give a verdict for each and agree on at least three."""
    pairs = {p.id: p for p in load_labels(LABELS)}
    chosen = [pairs[i] for i in ("el-023", "el-024", "el-021", "el-005")]
    verdicts = [entails(real_llm, p.question, p.answer, p.fact) for p in chosen]
    assert all(v is not None for v in verdicts), verdicts
    assert sum(v == p.label for v, p in zip(verdicts, chosen, strict=True)) >= 3, verdicts
