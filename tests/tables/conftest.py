"""Fixtures for the tables tests: a small hand-made FMEA-like CSV loaded into the test data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.tables.store import register_table_file

CSV = (
    "\ufeffSubsystem,Component,Sub-Component,Failure Mode,Severity,Occurrence,Detection,RPN,Notes,\n"
    "Power Unit,Fuel System,Fuel Tank,Cracked or leaking,4,1,2,8,,x\n"
    "Power Unit,Fuel System,Fuel Cooler,Leaking,4,2,2,16,fins,\n"
    "Power Unit,Fuel System,Fuel Filter,Blocked,3,3,3,27,,\n"
    "Power Unit,Engine,Turbocharger,Wearing,3,3,3,27,,\n"
    "Hydraulic System,Pump,Main Pump,Leaks,2,2,1,4,,\n"
    ",,,,,,,,,\n"
    "Hydraulic System,Hoses,Hose,Burst,4,1,1.5,6,,\n"
)


@pytest.fixture
def fmea_csv(tmp_path: Path) -> Path:
    path = tmp_path / "mini fmea.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.fixture
def loaded(settings, fmea_csv):
    """Settings with the mini FMEA registered as doc ``mini``; returns (settings, profile)."""
    [profile] = register_table_file(settings, fmea_csv, "mini")
    return settings, profile
