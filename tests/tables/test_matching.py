"""Exact, fuzzy and semantic resolution of user values against distinct column values."""

from __future__ import annotations

import pytest

from copilot.retrieval.embedder import FakeEmbedder
from copilot.tables.matching import ValueMatcher, stem

MODES = ["Cracked or leaking", "Leaking", "Leaks", "Wearing", "Blocked", "Mechanical failure", "Corrosion"]


def test_stem():
    assert stem("leaks") == stem("leaking") == stem("leaked") == "leak"
    assert stem("batteries") == "battery"
    assert stem("glass") == "glass" and stem("modes") == stem("mode") and stem("classes") == "class"


def test_exact_is_case_and_plural_insensitive(settings):
    m = ValueMatcher(settings)
    r = m.resolve("leaking", MODES)
    assert r.method == "exact" and set(r.values) == {"Leaking", "Leaks"}
    r = m.resolve("leak", MODES, op="contains")
    assert r.method == "exact" and set(r.values) == {"Cracked or leaking", "Leaking", "Leaks"}


def test_fuzzy_handles_typos(settings):
    m = ValueMatcher(settings)
    r = m.resolve("mechanical falure", MODES, match="fuzzy")
    assert r.method == "fuzzy" and r.values[0] == "Mechanical failure"
    r = m.resolve("corossion", MODES)
    assert r.values == ["Corrosion"]


def test_no_match_stays_empty_without_semantic(settings):
    m = ValueMatcher(settings, FakeEmbedder())
    r = m.resolve("lightning strike", MODES, match="exact")
    assert r.method == "none" and r.values == []


@pytest.mark.real_embedder
def test_semantic_with_real_embedder(settings, real_embedder):
    m = ValueMatcher(settings, real_embedder)
    r = m.resolve("rust", MODES, match="semantic")
    assert r.method == "semantic" and r.values == ["Corrosion"]
    r = m.resolve("rust", MODES, match="fuzzy")  # semantic only when the plan asks for it
    assert r.values == []
    r = m.resolve("volcanic eruption", MODES, match="semantic")
    assert r.method == "none" and r.values == []
