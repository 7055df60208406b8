"""Identifiers typed loosely are written the way the documents write them, only when the documents know them."""

from __future__ import annotations

from copilot.identifiers import asset_tag_candidates, canonical_identifiers

KNOWN = {"P-201", "CV-401", "E-204", "WW-101", "SP-1001", "P-101"}


def known(tag: str) -> bool:
    return tag in KNOWN


def test_a_tag_without_its_dash_or_in_lower_case_becomes_the_documents_tag():
    assert canonical_identifiers("whats the rated flow and head on P201?", known) == \
        "whats the rated flow and head on P-201?"
    assert canonical_identifiers("cv401 belt tracking, e204 on p101", known) == "CV-401 belt tracking, E-204 on P-101"
    assert asset_tag_candidates(canonical_identifiers("entry to ww101 tomorrow", known)) == ["WW-101"]


def test_words_that_only_look_like_tags_are_left_alone():
    text = "ISO VG220 oil or CLP220 in 2022, T2 training, M20 bolts, SOP-LOTO-001 and WO-2023-0104"
    assert canonical_identifiers(text, known) == text
    assert canonical_identifiers("P-201 already written", lambda _t: False) == "P-201 already written"
