"""TableQA end to end with a scripted FakeLLM: detection, table choice, answers, citations, empty results."""

from __future__ import annotations

import json

from copilot.llm.fake import FakeLLM
from copilot.retrieval.embedder import FakeEmbedder
from copilot.tables.service import TableQA


def plan(**kw):
    base = {"filters": [], "group_by": None, "aggregate": "none", "aggregate_column": None, "order_by": None,
            "direction": "desc", "limit": None, "select": []}
    base.update(kw)
    return json.dumps(base)


def test_needs_table_requires_a_loaded_table(settings, fmea_csv):
    qa = TableQA(settings, FakeLLM(), FakeEmbedder())
    assert not qa.needs_table("How many failure modes have an RPN above 10?")
    from copilot.tables.store import register_table_file

    register_table_file(settings, fmea_csv, "mini")
    assert qa.needs_table("How many failure modes have an RPN above 10?")
    assert qa.needs_table("show the severity of the fuel tank")  # column name mentioned
    assert not qa.needs_table("Explain the EU AI Act risk tiers")
    assert qa.needs_table("which failure modes are occurrence 3?")  # a long one-word column name: a listing
    assert not qa.needs_table("which component is in the description?")  # long, but everyday words
    assert qa.needs_table("RPN of the turbocharger wearing failure mode?")  # a numeric column asked, no 'what'
    assert not qa.needs_table("Subsystem of the turbocharger?")  # a text column alone needs 'what/which/show'


def test_numeric_filter_answer_cites_rows(loaded):
    settings, p = loaded
    llm = FakeLLM([plan(filters=[{"column": "RPN", "op": "=", "value": 27}], select=["Sub-Component", "RPN"])])
    ans = TableQA(settings, llm, FakeEmbedder()).answer("Which sub-components have an RPN of 27?")
    assert ans is not None and not ans.empty
    assert "Fuel Filter" in ans.text and "Turbocharger" in ans.text and "Fuel Tank" not in ans.text
    assert [c.chunk_id for c in ans.citations] == ["mini#row3", "mini#row4"]
    assert ans.citations[0].row == 3 and ans.citations[0].title == "mini fmea.csv"
    assert "[1]" in ans.text and "[2]" in ans.text
    assert llm.calls and "RPN" in llm.calls[0][0]["content"]  # profile in the prompt


def test_count_is_corrected_and_average_rounded(loaded):
    settings, p = loaded
    qa = TableQA(settings, FakeLLM([plan(filters=[{"column": "Component", "op": "=", "value": "fuel system",
                                                   "match": "exact"}])]), FakeEmbedder())
    ans = qa.answer("How many failure modes does the fuel system have?")
    assert ans.plan["aggregate"]["fn"] == "count"
    assert ans.text.startswith("3 failure modes")
    qa = TableQA(settings, FakeLLM([plan(aggregate="avg", aggregate_column="Detection")]), FakeEmbedder())
    ans = qa.answer("What is the average detection value?")
    assert "is 2.08" in ans.text  # (2+2+3+3+1+1.5)/6 = 2.0833


def test_empty_result_says_none(loaded):
    settings, p = loaded
    llm = FakeLLM([plan(filters=[{"column": "Failure Mode", "op": "contains", "value": "lightning",
                                  "match": "semantic"}])])
    ans = TableQA(settings, llm, FakeEmbedder()).answer("Is there a failure mode caused by lightning?")
    assert ans.empty and ans.citations == []
    assert ans.text.startswith("No failure mode of that kind is recorded in mini_fmea")


def test_invalid_plan_retried_then_none(loaded):
    settings, p = loaded
    bad = plan(filters=[{"column": "RPN", "op": "contains", "value": "x"}])
    llm = FakeLLM([bad, bad])
    assert TableQA(settings, llm, FakeEmbedder()).answer("Which rows have RPN above 3?") is None
    assert len(llm.calls) == 2 and "invalid" in llm.calls[1][-1]["content"]


def test_no_table_fits(settings):
    assert TableQA(settings, FakeLLM(), FakeEmbedder()).answer("How many failure modes?") is None


def test_value_on_wrong_column_is_moved(loaded):
    settings, p = loaded
    llm = FakeLLM([plan(filters=[{"column": "Component", "op": "=", "value": "fuel cooler", "match": "exact"}],
                        aggregate="count")])
    ans = TableQA(settings, llm, FakeEmbedder()).answer("How many failure modes does the Fuel Cooler have?")
    assert ans.plan["filters"][0]["column"] == "Sub-Component"
    assert ans.text.startswith("1 failure mode in mini_fmea")


def test_which_highest_returns_rows_with_ties(loaded):
    settings, p = loaded
    llm = FakeLLM([plan(aggregate="max", aggregate_column="RPN")])
    ans = TableQA(settings, llm, FakeEmbedder()).answer("Which sub-components have the highest RPN?")
    assert ans.plan["aggregate"]["fn"] == "none" and ans.plan["limit"] == 1
    assert "Fuel Filter" in ans.text and "Turbocharger" in ans.text and "Fuel Cooler" not in ans.text


def test_top_n_groups_and_lowest_direction(loaded):
    settings, p = loaded
    llm = FakeLLM([plan(group_by="Component", aggregate="count")])
    ans = TableQA(settings, llm, FakeEmbedder()).answer("What are the top 2 components by number of failure modes?")
    assert ans.rows[0][:2] == ["Fuel System", 3] and len(ans.rows) == 2
    llm = FakeLLM([plan(order_by="RPN", direction="desc", select=["Sub-Component", "RPN"])])
    ans = TableQA(settings, llm, FakeEmbedder()).answer("Which failure mode has the lowest RPN?")
    assert [r[1] for r in ans.rows] == ["Main Pump"]


def test_value_mixing_two_columns_is_split(loaded):
    settings, p = loaded
    llm = FakeLLM([plan(filters=[{"column": "Sub-Component", "op": "contains", "value": "Hydraulic System Hose",
                                  "match": "exact"}])])
    ans = TableQA(settings, llm, FakeEmbedder()).answer("Which failure modes does the Hydraulic System Hose have?")
    cols = {(f["column"], f["value"]) for f in ans.plan["filters"]}
    assert cols == {("Sub-Component", "Hose"), ("Subsystem", "Hydraulic System")}
    assert "Burst" in ans.text and not ans.empty
