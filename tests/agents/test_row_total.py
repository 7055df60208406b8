"""The total of the asked quantity over the rows a question names (no model)."""

from __future__ import annotations

from copilot.agents.lookup import spreadsheet_row
from copilot.agents.row_total import row_total

DE = spreadsheet_row("asset_tag: M-101\ncomponent: Motor DE bearing 6314-C3\nlubricant: Polyurea grease NLGI 2\n"
                     "quantity: 26 g\nnotes: Never mix with lithium grease", "M-101")
NDE = spreadsheet_row("asset_tag: M-101\ncomponent: Motor NDE bearing 6312-C3\nlubricant: Polyurea grease NLGI 2\n"
                      "quantity: 20 g\nnotes: As DE", "M-101")
Q = "regreasing M-101 tonight - how many grams total between both bearings and what grease?"


def test_the_rows_quantities_are_summed_when_a_total_is_asked():
    assert row_total([DE, NDE], "quantity", Q) == "**Total: 46 g** (26 g + 20 g, the quantity of the 2 rows below)"


def test_no_total_unless_asked_and_each_row_gives_one_figure_in_one_unit():
    assert row_total([DE, NDE], "quantity", "how much grease goes in M-101's bearings?") is None  # no total asked
    assert row_total([DE], "quantity", Q) is None  # one row
    split = spreadsheet_row("asset_tag: M-101\nquantity: 13 g DE / 9 g NDE", "M-101")
    assert row_total([DE, split], "quantity", Q) is None  # two figures in one cell
    litres = spreadsheet_row("asset_tag: M-101\nquantity: 2 L", "M-101")
    assert row_total([DE, litres], "quantity", Q) is None  # two units
