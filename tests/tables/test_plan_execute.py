"""Plan validation (unknown columns, wrong types, injection) and execution on hand-checked cases."""

from __future__ import annotations

import sqlite3

import pytest

from copilot.tables.execute import execute_plan
from copilot.tables.matching import ValueMatcher
from copilot.tables.plan import PlanError, from_flat, plan_schema, validate_plan
from copilot.tables.store import connect, db_path


def run(settings, profile, raw):
    plan = validate_plan({"table": profile.name, **raw}, profile)
    conn = connect(settings)
    try:
        return plan, execute_plan(conn, plan, profile, ValueMatcher(settings), max_rows=50)
    finally:
        conn.close()


@pytest.mark.parametrize("raw, message", [
    ({"filters": [{"column": "Cost", "op": "=", "value": 3}]}, "unknown column 'Cost'"),
    ({"filters": [{"column": "RPN", "op": ">", "value": "high"}]}, "is not a number"),
    ({"filters": [{"column": "Subsystem", "op": ">", "value": "A"}]}, "needs a numeric column"),
    ({"filters": [{"column": "RPN", "op": "LIKE", "value": 3}]}, "filters.0.op"),
    ({"aggregate": {"fn": "avg", "column": "Subsystem"}}, "needs a numeric column"),
    ({"aggregate": {"fn": "median", "column": "RPN"}}, "aggregate.fn"),
    ({"group_by": 'RPN"; DROP TABLE mini_fmea; --'}, "unknown column"),
    ({"select": ["_row", "sqlite_master"]}, "unknown column '_row'"),
])
def test_invalid_plans_are_rejected(loaded, raw, message):
    settings, p = loaded
    with pytest.raises(PlanError, match=message):
        validate_plan({"table": p.name, **raw}, p)


def test_plan_for_other_table_is_rejected(loaded):
    settings, p = loaded
    with pytest.raises(PlanError, match="sqlite_master"):
        validate_plan({"table": "sqlite_master"}, p)


def test_injection_in_value_is_only_data(loaded):
    settings, p = loaded
    _, res = run(settings, p, {"filters": [{"column": "Sub-Component", "op": "=",
                                            "value": "'; DROP TABLE mini_fmea; --"}]})
    assert res.n_matched == 0
    conn = sqlite3.connect(db_path(settings))
    assert conn.execute("SELECT COUNT(*) FROM mini_fmea").fetchone()[0] == 6


def test_numeric_filter_hand_checked(loaded):
    settings, p = loaded
    _, res = run(settings, p, {"filters": [{"column": "rpn", "op": "=", "value": "27"}],
                               "select": ["Sub-Component"]})
    assert [r[1] for r in res.rows] == ["Fuel Filter", "Turbocharger"]
    assert res.row_ids == [3, 4]


def test_count_avg_and_grouping(loaded):
    settings, p = loaded
    _, res = run(settings, p, {"filters": [{"column": "Subsystem", "op": "=", "value": "power unit"}],
                               "aggregate": {"fn": "count"}})
    assert res.rows[0][0] == 4
    _, res = run(settings, p, {"group_by": "Subsystem", "aggregate": {"fn": "avg", "column": "Detection"},
                               "order_by": {"column": "result", "direction": "desc"}})
    assert res.rows == [["Power Unit", 2.5, 4], ["Hydraulic System", 1.25, 2]]


def test_ranking_keeps_ties(loaded):
    settings, p = loaded
    _, res = run(settings, p, {"order_by": {"column": "RPN", "direction": "desc"}, "limit": 1})
    assert sorted(r[0] for r in res.rows) == [3, 4]


def test_fuzzy_value_and_empty_result(loaded):
    settings, p = loaded
    _, res = run(settings, p, {"filters": [{"column": "Failure Mode", "op": "=", "value": "leaks",
                                            "match": "fuzzy"}]})
    assert set(res.filters[0].matched) >= {"Leaks", "Leaking"}
    _, res = run(settings, p, {"filters": [{"column": "Failure Mode", "op": "=", "value": "lightning strike"}]})
    assert res.n_matched == 0 and res.rows == []


def test_schema_is_flat_with_null_inside_enums(loaded):
    settings, p = loaded
    schema = plan_schema(p)
    props = schema["properties"]
    assert None in props["group_by"]["enum"] and "RPN" in props["group_by"]["enum"]
    assert None in props["order_by"]["enum"] and "result" in props["order_by"]["enum"]
    assert "type" not in props["group_by"]
    branches = props["filters"]["items"]["anyOf"]
    assert {"RPN", "Severity"} <= set(branches[1]["properties"]["column"]["enum"])
    flat = from_flat({"aggregate": "max", "aggregate_column": "RPN", "order_by": None, "direction": "asc"}, p.name)
    assert validate_plan(flat, p).aggregate.fn == "max"


ASSETS = ("asset_tag,equipment_type,install_year,rated_power_kw\n"
          "P-101,pump,2012,55\nP-102,pump,2012,55\nC-301,compressor,2016,75\nM-401,motor,2015,22\n")


@pytest.mark.parametrize("question, model_plan, tags", [
    ("oldest piece of kit on the asset register?", {"aggregate": {"fn": "avg", "column": "install_year"}},
     ["P-101", "P-102"]),
    ("oldest piece of kit on the asset register?", {"group_by": "equipment_type",
                                                    "aggregate": {"fn": "avg", "column": "install_year"}},
     ["P-101", "P-102"]),
    ("newest pump we have", {"filters": [{"column": "equipment_type", "op": "=", "value": "pump"}]},
     ["P-101", "P-102"]),
    ("biggest motor or compressor by power", {"aggregate": {"fn": "max", "column": "rated_power_kw"}}, ["C-301"]),
])
def test_superlatives_return_the_rows_holding_the_extreme_value(settings, tmp_path, question, model_plan, tags):
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    path = tmp_path / "assets.csv"
    path.write_text(ASSETS, encoding="utf-8")
    [profile] = register_table_file(settings, path, "assets")
    plan = correct(validate_plan({"table": profile.name, **model_plan}, profile), question, profile)
    conn = connect(settings)
    try:
        res = execute_plan(conn, plan, profile, ValueMatcher(settings), max_rows=50)
    finally:
        conn.close()
    assert sorted(r[res.columns.index("asset_tag")] for r in res.rows) == tags


def _compose(settings, profile, raw):
    from copilot.tables.answer import compose

    plan, res = run(settings, profile, raw)
    conn = connect(settings)
    try:
        return compose(conn, plan, profile, res)[0]
    finally:
        conn.close()


def _execute_and_compose(settings, plan, profile):
    """(QueryResult, answer text) of an already corrected plan."""
    from copilot.tables.answer import compose

    conn = connect(settings)
    try:
        res = execute_plan(conn, plan, profile, ValueMatcher(settings), max_rows=50)
        return res, compose(conn, plan, profile, res)[0]
    finally:
        conn.close()


def test_a_count_over_a_few_rows_lists_them_whole(loaded):
    settings, p = loaded
    text = _compose(settings, p, {"filters": [{"column": "Component", "op": "=", "value": "Engine"}],
                                  "aggregate": {"fn": "count", "column": "RPN"}})
    assert text.startswith("1 ") and "Turbocharger, Wearing, 3, 3, 3, 27 [1]" in text  # every column, not four


def test_a_count_per_unique_key_is_a_plain_count(loaded):
    settings, p = loaded
    text = _compose(settings, p, {"filters": [{"column": "Component", "op": "=", "value": "Fuel System"}],
                                  "aggregate": {"fn": "count", "column": "RPN"}, "group_by": "Sub-Component"})
    assert text.startswith("3 ") and "per Sub-Component" not in text and "Fuel Cooler" in text
    grouped = _compose(settings, p, {"aggregate": {"fn": "count", "column": "RPN"}, "group_by": "Subsystem"})
    assert "Count per Subsystem" in grouped  # real groups stay a table
    few = _compose(settings, p, {"filters": [{"column": "Component", "op": "=", "value": "Fuel System"}],
                                 "aggregate": {"fn": "count", "column": "RPN"}, "group_by": "Subsystem"})
    assert "Count per Subsystem" in few and "Fuel Cooler" in few and "Rows cited" not in few  # and the rows behind


def test_which_rows_have_the_highest_value_is_a_ranking_with_ties_not_a_maximum_per_group(loaded):
    from copilot.tables.answer import compose
    from copilot.tables.planner import correct

    settings, p = loaded
    question = "Which fuel system failure modes have the highest RPN?"
    model_plan = {"filters": [{"column": "Component", "op": "=", "value": "Fuel System"}],
                  "aggregate": {"fn": "max", "column": "RPN"}, "group_by": "Failure Mode"}
    plan = correct(validate_plan({"table": p.name, **model_plan}, p), question, p)
    assert plan.group_by is None and plan.aggregate.fn == "none" and plan.order_by.column == "RPN"
    conn = connect(settings)
    try:
        res = execute_plan(conn, plan, p, ValueMatcher(settings), max_rows=50)
        text = compose(conn, plan, p, res)[0]
    finally:
        conn.close()
    assert [r[0] for r in res.rows] == [3]  # Fuel Filter, RPN 27
    assert "| Power Unit | Fuel System | Fuel Filter | Blocked | 3 | 3 | 3 | 27 |" in text  # the whole row
    per = correct(validate_plan({"table": p.name, **model_plan}, p), "highest RPN per failure mode?", p)
    assert per.group_by == "Failure Mode"  # asked per group: stays grouped


HISTORY = ("wo_number,asset_tag,date,problem,action,downtime_h\n"
           "WO-1,P-101,2023-01-17,Seal leaking,Replaced cartridge seal,6.5\n"
           "WO-2,P-101,2024-09-18,Planned overhaul,Replaced impeller; checked seal faces,26\n"
           "WO-3,P-101,2026-03-01,Oil analysis,Sampled oil; no action,0\n"
           "WO-4,CV-401,2025-11-18,Inspection,Replaced 4 idlers; belt sway tested,3\n"
           "WO-5,CV-401,2025-02-19,Belt torn,Replaced belt and vulcanised splice,28\n")


@pytest.mark.parametrize("question, tag, expected", [
    ("when did we last change the mech seal on P-101", "P-101", ["WO-1"]),  # not the newest P-101 record (WO-3)
    ("when did we last replace the belt on CV-401", "CV-401", ["WO-5"]),  # idlers replaced, belt only tested: no
    ("when was the last coupling change on P-101", "P-101", []),  # no record holds 'coupling': none, not WO-3
])
def test_the_latest_record_of_what_was_asked_not_of_the_asset(settings, tmp_path, question, tag, expected):
    from copilot.tables.answer import compose
    from copilot.tables.planner import asks_latest_event, correct
    from copilot.tables.service import _text_values
    from copilot.tables.store import register_table_file
    from copilot.tables.subject import subject_terms

    path = tmp_path / "history.csv"
    path.write_text(HISTORY, encoding="utf-8")
    [profile] = register_table_file(settings, path, "history")
    model_plan = {"filters": [{"column": "asset_tag", "op": "=", "value": tag}], "select": ["date"]}
    plan = correct(validate_plan({"table": profile.name, **model_plan}, profile), question, profile)
    assert asks_latest_event(question, plan)
    conn = connect(settings)
    try:
        subject = subject_terms(question, profile.column_names, _text_values(conn, profile))
        res = execute_plan(conn, plan, profile, ValueMatcher(settings), max_rows=50, subject=subject)
        text = compose(conn, plan, profile, res)[0]
    finally:
        conn.close()
    shown = [w for w in ("WO-1", "WO-2", "WO-3", "WO-4", "WO-5") if f"| {w} |" in text]
    assert shown == expected and res.n_matched == len(expected)
    assert "record text contains" in text
    if not expected:
        assert text.startswith("No ") and "WO-3" not in text


def test_a_history_question_prefers_the_table_of_dated_events(settings, tmp_path):
    from copilot.tables.planner import score_tables
    from copilot.tables.store import register_table_file

    (tmp_path / "history.csv").write_text(HISTORY, encoding="utf-8")
    (tmp_path / "lube.csv").write_text("asset_tag,component,lubricant,method,interval\n"
                                       "P-101,Bearings,Oil ISO VG 68,Change oil,4000 h\n", encoding="utf-8")
    [hist] = register_table_file(settings, tmp_path / "history.csv", "history")
    [lube] = register_table_file(settings, tmp_path / "lube.csv", "lube")
    best = score_tables("when did we last change the oil on P-101", [lube, hist], None, {})[0][1]
    assert best.name == hist.name


def test_one_rows_value_is_stated_as_its_value_not_an_average(loaded):
    settings, p = loaded
    text = _compose(settings, p, {"filters": [{"column": "Sub-Component", "op": "=", "value": "Turbocharger"}],
                                  "aggregate": {"fn": "avg", "column": "RPN"}})
    assert text.startswith("RPN is 27 for the one ") and "average" not in text


def test_an_invented_threshold_is_dropped_and_an_empty_filter_moves_to_the_column_that_holds_it(loaded):
    from copilot.tables.execute import refit_empty
    from copilot.tables.planner import correct

    settings, p = loaded
    raw = {"filters": [{"column": "Sub-Component", "op": "=", "value": "Fuel Cooler"},
                       {"column": "Notes", "op": "contains", "value": "leaking"},
                       {"column": "Occurrence", "op": "=", "value": 5}]}
    plan = correct(validate_plan({"table": p.name, **raw}, p), "Occurrence of fuel cooler leaking?", p)
    assert [f.column for f in plan.filters] == ["Sub-Component", "Notes"]  # nobody asked for occurrence 5
    conn = connect(settings)
    try:
        moved, res = refit_empty(conn, plan, p, ValueMatcher(settings), 50)
    finally:
        conn.close()
    assert moved.filters[1].column == "Failure Mode" and res.n_matched == 1
    plan = correct(validate_plan({"table": p.name, **raw}, p), "which rows have occurrence 5?", p)
    assert [f.column for f in plan.filters] == ["Notes", "Occurrence"]  # asked for: kept; the fuel cooler, unnamed,
    # is a value nobody asked for (see test_a_text_value_the_question_does_not_name_is_dropped)


def test_a_text_value_the_question_does_not_name_is_dropped(loaded):
    """"the oldest piece of kit on the Riverside asset register": the model's ``manufacturer = "RIV Civil"`` had
    narrowed the register to one row; a value named by its words or its column's stays."""
    from copilot.tables.planner import correct

    _settings, p = loaded
    raw = {"filters": [{"column": "Sub-Component", "op": "=", "value": "Fuel Cooler"}]}
    kept = correct(validate_plan({"table": p.name, **raw}, p), "Occurrence of fuel cooler leaking?", p)
    assert [f.value for f in kept.filters] == ["Fuel Cooler"]
    dropped = correct(validate_plan({"table": p.name, **raw}, p), "which failure mode is the oldest on site?", p)
    assert dropped.filters == []
    by_column = correct(validate_plan({"table": p.name, **raw}, p), "rows for that sub-component only", p)
    assert [f.value for f in by_column.filters] == ["Fuel Cooler"]


CODED = ("wo_number,asset_tag,date,type,downtime_h\n"
         "WO-1,P-101,2023-01-17,CM,6.5\n"
         "WO-2,P-101,2024-09-18,PM,26\n"
         "WO-3,P-101,2025-03-01,CM,4\n"
         "WO-4,CV-401,2025-11-18,CM,3\n"
         "WO-5,CV-401,2023-02-19,PM,28\n"
         "WO-6,CV-401,2024-02-19,CM,9\n")


@pytest.mark.parametrize("question, model_plan, expected", [
    # the model read "since 2024" as date contains 2024: the 2025 record was dropped
    ("how many corrective work orders on CV-401 since 2024?",
     {"filters": [{"column": "asset_tag", "op": "=", "value": "CV-401"},
                  {"column": "date", "op": "contains", "value": "2024"}]}, ["WO-4", "WO-6"]),
    # "before 2024" read as the opposite
    ("work orders on CV-401 before 2024", {"filters": [{"column": "asset_tag", "op": "=", "value": "CV-401"},
                                                       {"column": "date", "op": "contains", "value": "2024"}]},
     ["WO-5"]),
    # "in 2025" read as date = "2025": no row, so "none recorded"; and a year put on the WO number
    ("list the jobs on P-101 in 2025", {"filters": [{"column": "asset_tag", "op": "=", "value": "P-101"},
                                                    {"column": "wo_number", "op": "contains", "value": "2025"}]},
     ["WO-3"]),
    ("P-101 work between March 2023 and 2024", {"filters": [{"column": "asset_tag", "op": "=", "value": "P-101"}]},
     ["WO-2"]),
])
def test_a_named_period_is_a_date_range_on_the_date_column(settings, tmp_path, question, model_plan, expected):
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "wo.csv").write_text(CODED, encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "wo.csv", "wo")
    plan = correct(validate_plan({"table": p.name, **model_plan}, p), question, p)
    assert plan.period is not None and plan.period.column == "date"
    assert all(f.column not in ("date", "wo_number") for f in plan.filters)
    res, text = _execute_and_compose(settings, plan, p)
    rows = [w for w in ("WO-1", "WO-2", "WO-3", "WO-4", "WO-5", "WO-6") if w in text]
    assert rows == expected and res.n_matched == len(expected)
    assert "date on or after" in text or "date before" in text


def test_a_period_needs_a_date_column_the_question_is_about(settings, tmp_path):
    """'installed in 2012' is about the install year, not the one ISO date column (last overhaul)."""
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "assets.csv").write_text("asset_tag,install_year,last_overhaul\nP-101,2012,2024-09-18\n"
                                         "P-102,2015,2022-01-10\n", encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "assets.csv", "assets")
    plan = correct(validate_plan({"table": p.name}, p), "which assets were installed in 2012?", p)
    assert plan.period is None
    plan = correct(validate_plan({"table": p.name}, p), "which assets were overhauled since 2024?", p)
    assert plan.period is not None and (plan.period.column, plan.period.start) == ("last_overhaul", "2024-01-01")
    with pytest.raises(PlanError, match="ISO date"):
        validate_plan({"table": p.name, "period": {"column": "last_overhaul", "start": "2024"}}, p)


def test_a_named_work_type_is_a_filter_on_its_code_and_a_total_is_a_sum(settings, tmp_path):
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "wo.csv").write_text(CODED, encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "wo.csv", "wo")
    tag = {"filters": [{"column": "asset_tag", "op": "=", "value": "P-101"}]}
    plan = correct(validate_plan({"table": p.name, **tag, "group_by": "type"}, p),
                   "total downtime on P-101 for corrective jobs", p)
    assert plan.group_by is None and [(f.column, f.value) for f in plan.filters] == [("asset_tag", "P-101"),
                                                                                     ("type", "CM")]
    assert (plan.aggregate.fn, plan.aggregate.column) == ("sum", "downtime_h")
    assert _execute_and_compose(settings, plan, p)[0].rows[0][0] == 10.5  # WO-1 + WO-3
    per = correct(validate_plan({"table": p.name, **tag, "group_by": "type"}, p),
                  "total downtime per type on P-101, corrective and preventive", p)
    assert per.group_by == "type" and all(f.column != "type" for f in per.filters)
    count = correct(validate_plan({"table": p.name, **tag}, p), "total number of P-101 work orders", p)
    assert count.aggregate.fn == "count"  # a total number is a count, not a sum
    broke = correct(validate_plan({"table": p.name, **tag}, p), "how many breakdown jobs on P-101 since 2024?", p)
    assert [(f.column, f.op, f.value) for f in broke.filters] == [("asset_tag", "=", "P-101"), ("type", "!=", "PM")]
    assert _execute_and_compose(settings, broke, p)[0].rows[0][0] == 1  # WO-3 only


def test_no_value_in_a_named_column_finds_the_rows_where_it_is_empty(settings, tmp_path):
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "assets.csv").write_text("asset_tag,install_year,last_overhaul\nP-101,2012,2024-09-18\nP-102,2012,\n"
                                         "M-402,2019,\n", encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "assets.csv", "assets")
    q = "which assets have no last overhaul date recorded?"
    invented = {"filters": [{"column": "last_overhaul", "op": "=", "value": "0000-00-00"}]}
    for model_plan in (invented, {"filters": [{"column": "last_overhaul", "op": "=", "value": ""}]}, {}):
        plan = correct(validate_plan({"table": p.name, **model_plan}, p), q, p)
        assert plan.missing == ["last_overhaul"] and not plan.filters and plan.period is None
        res, text = _execute_and_compose(settings, plan, p)
        assert res.n_matched == 2 and "P-102" in text and "M-402" in text and "P-101" not in text
        assert "no last_overhaul" in text
    assert correct(validate_plan({"table": p.name}, p), "which assets were installed in 2012?", p).missing == []


def test_which_asset_has_the_most_ranks_groups_by_count_or_by_the_named_sum(settings, tmp_path):
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "wo.csv").write_text(CODED, encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "wo.csv", "wo")
    longest = {"order_by": {"column": "downtime_h", "direction": "desc"}, "limit": 1}  # the model: one record
    plan = correct(validate_plan({"table": p.name, **longest}, p), "which asset has the most downtime hours overall", p)
    assert (plan.group_by, plan.aggregate.fn, plan.aggregate.column, plan.limit) == ("asset_tag", "sum", "downtime_h", 1)
    assert _execute_and_compose(settings, plan, p)[0].rows[0][:2] == ["CV-401", 40.0]  # not WO-5's 28 h
    plan = correct(validate_plan({"table": p.name}, p), "which asset has had the most work orders", p)
    assert (plan.group_by, plan.aggregate.fn) == ("asset_tag", "count")
    plan = correct(validate_plan({"table": p.name}, p), "which asset had the fewest work orders", p)
    assert plan.order_by.direction == "asc"
    per = correct(validate_plan({"table": p.name, **longest}, p), "which job had the longest downtime", p)
    assert per.group_by is None  # one record's extreme: not a ranking of groups
    maxed = {"aggregate": {"fn": "max", "column": "downtime_h"}}  # the model: the maximum alone
    job = correct(validate_plan({"table": p.name, **maxed}, p),
                  "which job had the longest downtime? is it a PM and how many hours was it?", p)
    assert (job.aggregate.fn, job.order_by.column, job.limit) == ("none", "downtime_h", 1)  # "how many" asks on
    avg = {"group_by": "asset_tag", "aggregate": {"fn": "avg", "column": "downtime_h"}}  # the model averaged
    kit = correct(validate_plan({"table": p.name, **avg}, p), "which bit of kit cost us the most hours?", p)
    assert (kit.group_by, kit.aggregate.fn, kit.aggregate.column, kit.limit) == ("asset_tag", "sum", "downtime_h", 1)
    single = correct(validate_plan({"table": p.name, **avg}, p),
                     "which single asset has lost us the most downtime hours overall", p)  # "single" is no column
    assert (single.group_by, single.aggregate.fn, single.limit) == ("asset_tag", "sum", 1)
    res, text = _execute_and_compose(settings, kit, p)
    assert res.rows[0][:2] == ["CV-401", 40.0] and res.truncated
    assert "(More groups not shown.)" in text and all(line.split(", ")[1] == "CV-401"  # the top group's own rows
                                                      for line in text.splitlines() if line.startswith("- "))


def test_a_two_part_table_question_is_asked_part_by_part():
    from copilot.graph.retrieve import table_parts

    assert table_parts("which asset has had the most work orders and which one has the most downtime hours?") == [
        "which asset has had the most work orders", "which asset has the most downtime hours"]
    assert table_parts("how many CM jobs did P-101 have in 2024") == ["how many CM jobs did P-101 have in 2024"]
    # a part referring back to the first part's records keeps its asset and its period (the sum had covered all years)
    assert table_parts("How many work orders did P-101 have during 2023 and how many hours of downtime did they add "
                       "up to?") == ["How many work orders did P-101 have during 2023",
                                     "how many hours of downtime did they add up to (P-101) (during 2023)"]
    assert table_parts("how many work orders in 2023 and how many in 2024?")[1] == "how many in 2024"


SPARES = ("part_number,used_on,critical_spare,lead_time_days\nSP-5001,HPU-501,yes,14\nSP-5002,HPU-501,yes,28\n"
          "SP-5003,HP-501,yes,28\nSP-5005,HPU-501,no,10\nSP-1021,P-201,yes,42\n")


@pytest.mark.parametrize("filters", [
    [{"column": "used_on", "op": "=", "value": "HP-501"}],  # the model kept one of the two tags
    [{"column": "used_on", "op": "=", "value": "HP-501"}, {"column": "used_on", "op": "=", "value": "HPU-501"}],  # ANDed
])
def test_a_question_naming_several_tags_gets_the_rows_of_any_of_them(settings, tmp_path, filters):
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    path = tmp_path / "spares.csv"
    path.write_text(SPARES, encoding="utf-8")
    [profile] = register_table_file(settings, path, "spares")
    question = "critical spares for HP-501 and HPU-501 with lead times"
    model_plan = {"filters": [*filters, {"column": "critical_spare", "op": "=", "value": "yes"}]}
    plan = correct(validate_plan({"table": profile.name, **model_plan}, profile), question, profile)
    res, text = _execute_and_compose(settings, plan, profile)
    assert sorted(r[res.columns.index("part_number")] for r in res.rows) == ["SP-5001", "SP-5002", "SP-5003"]
    assert "used_on one of HP-501, HPU-501" in text
    # one tag named: the plan is left as the model made it
    one = correct(validate_plan({"table": profile.name, **model_plan}, profile), "critical spares for HP-501", profile)
    assert all(f.match == "exact" for f in one.filters)


def test_the_latest_oil_sample_is_the_latest_oil_analysis_and_chat_words_are_no_subject():
    from copilot.tables.subject import row_has, subject_terms

    terms = subject_terms("what did the latest oil sample on GB-401 come back with? anything to worry about",
                          ["wo_number", "asset_tag", "problem"], ["Quarterly oil analysis", "Input shaft bearings"])
    assert [w for w, _a in terms] == ["oil", "sample"]
    assert row_has(terms, "Quarterly oil analysis") and not row_has(terms, "Changed oil filter")


def test_a_total_grouped_by_a_unique_key_is_one_total(loaded):
    """"how many work orders on P-101 and the total downtime": the planner grouped the sum by wo_number."""
    from copilot.tables.execute import ungroup_by_key

    settings, p = loaded
    plan = validate_plan({"table": p.name, "aggregate": {"fn": "sum", "column": "RPN"}, "group_by": "Sub-Component"}, p)
    ungroup_by_key(plan, p)
    assert plan.group_by is None
    res, text = _execute_and_compose(settings, plan, p)
    assert text.startswith("The total RPN over 6 ") and " is 88." in text
    grouped = validate_plan({"table": p.name, "aggregate": {"fn": "sum", "column": "RPN"}, "group_by": "Subsystem"}, p)
    ungroup_by_key(grouped, p)
    assert grouped.group_by == "Subsystem"  # real groups stay groups


def test_a_filter_whose_words_no_cell_holds_is_left_out_when_the_rest_match(loaded):
    """"wo_number contains 'raw water pump A'" beside asset_tag = P-101: the words the tag was resolved from."""
    from copilot.tables.execute import refit_empty

    settings, p = loaded
    plan = validate_plan({"table": p.name, "filters": [
        {"column": "Component", "op": "=", "value": "Engine"},
        {"column": "Notes", "op": "contains", "value": "raw water pump A"}]}, p)
    conn = connect(settings)
    try:
        fitted, res = refit_empty(conn, plan, p, ValueMatcher(settings), 50)
    finally:
        conn.close()
    assert [f.column for f in fitted.filters] == ["Component"] and res.n_matched == 1


def test_which_year_or_per_month_groups_by_the_dates_year_or_month(settings, tmp_path):
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "wo.csv").write_text(CODED, encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "wo.csv", "wo")
    averaged = {"aggregate": {"fn": "avg", "column": "downtime_h"}}  # the model averaged over every record
    plan = correct(validate_plan({"table": p.name, **averaged}, p),
                   "which full calendar year had the most downtime hours booked?", p)
    assert (plan.group_by, plan.grain, plan.aggregate.fn, plan.aggregate.column, plan.limit) == \
        ("date", "year", "sum", "downtime_h", 1)
    res, text = _execute_and_compose(settings, plan, p)
    assert res.rows[0][:2] == ["2024", 35.0]  # 26 + 9, not 2023's 34.5
    assert "per year of date" in text and "WO-2" in text and "WO-6" in text and "WO-1" not in text
    per = correct(validate_plan({"table": p.name}, p), "how many work orders per year?", p)
    assert (per.group_by, per.grain, per.aggregate.fn) == ("date", "year", "count")
    assert [r[:2] for r in _execute_and_compose(settings, per, p)[0].rows] == [["2023", 2], ["2024", 2], ["2025", 2]]
    month = correct(validate_plan({"table": p.name}, p), "downtime hours by month", p)
    assert (month.grain, month.aggregate.fn) == ("month", "sum")
    # a ranking of assets stays a ranking of assets
    assert correct(validate_plan({"table": p.name}, p), "which asset has had the most work orders", p).grain is None


def test_a_ranking_kept_to_its_first_states_the_extreme_with_the_columns_unit(settings, tmp_path):
    from copilot.tables.answer import with_unit
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "assets.csv").write_text(ASSETS, encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "assets.csv", "assets")
    plan = correct(validate_plan({"table": p.name}, p), "oldest piece of kit on the asset register?", p)
    _res, text = _execute_and_compose(settings, plan, p)
    assert text.startswith("Lowest install_year: 2012 (P-101 [1], P-102 [2]).")  # ties named, each cited
    big = correct(validate_plan({"table": p.name}, p), "biggest motor or compressor by power", p)
    assert _execute_and_compose(settings, big, p)[1].startswith("Highest rated_power_kw: 75 kW (C-301 [1]).")
    assert (with_unit("lead_time_days", 70), with_unit("downtime_h", 26.0), with_unit("install_year", 2012)) == \
        ("70 days", "26 h", "2012")


LEAD_TIMES = ("part_number,description,lead_time_days,critical_spare\n"
          "SP-1,Cartridge seal,42,yes\nSP-2,Bearing,7,yes\nSP-3,Impeller,70,yes\nSP-4,Gasket set,49,no\n"
          "SP-5,Motor 55 kW,56,yes\n")


@pytest.mark.parametrize(("question", "op", "value"), [
    ("which of our critical spares take 6 weeks or more to arrive? how many are there", ">=", 42),
    ("critical spares with a lead time longer than two weeks", ">", 14),
    ("spares we can get within 10 days", "<=", 10),
    ("anything on a 7+ week lead time?", ">=", 49),
])
def test_a_duration_bound_is_a_filter_on_the_column_in_its_own_unit(settings, tmp_path, question, op, value):
    """"6 weeks or more" on ``lead_time_days``: 42 days (the model filtered ``>= 6``, a threshold in the wrong unit)."""
    from copilot.tables.planner import correct
    from copilot.tables.store import register_table_file

    (tmp_path / "spares.csv").write_text(LEAD_TIMES, encoding="utf-8")
    [p] = register_table_file(settings, tmp_path / "spares.csv", "spares")
    model = validate_plan({"table": p.name, "filters": [{"column": "lead_time_days", "op": ">=", "value": 6}]}, p)
    plan = correct(model, question, p)
    assert [(f.column, f.op, f.value) for f in plan.filters if f.column == "lead_time_days"] == [
        ("lead_time_days", op, value)]
    if value == 42:
        plan.filters.append(validate_plan({"table": p.name, "filters": [
            {"column": "critical_spare", "op": "=", "value": "yes"}]}, p).filters[0])
        _res, text = _execute_and_compose(settings, plan, p)
        assert text.startswith("3 records in spares") and "SP-3" in text and "SP-2" not in text and "SP-4" not in text
    # a bare duration is no bound: "over the last 7 days" is a period, "a 6 week lead time" a value
    assert [f.column for f in correct(validate_plan({"table": p.name}, p), "parts with a 6 week lead time", p).filters] == []
