"""Which questions the table planner may answer: aggregates yes; an asked attribute goes to the coverage check."""

from __future__ import annotations

from types import SimpleNamespace

from copilot.graph.retrieve import _rows_lead


def test_an_asked_contact_or_price_is_not_a_table_plan_but_an_aggregate_is():
    deps = SimpleNamespace(retriever=None)  # no retriever: any other question would go to the tables
    assert not _rows_lead(deps, "What is the phone number of the Hestor Gear service engineer?")
    assert not _rows_lead(deps, "unit price of the cartridge seal? raising a PO")
    assert _rows_lead(deps, "How many spare parts are supplied by Hestor Gear?")
    assert _rows_lead(deps, "Which spare parts are not stocked?")
