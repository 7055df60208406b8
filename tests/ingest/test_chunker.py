"""Chunker invariants: section paths, tables and steps never split, stable ids, size limits."""

from __future__ import annotations

import re
from pathlib import Path

from copilot.ingest.chunker import chunk_document, pack, parse_groups
from copilot.ingest.loaders import load_file
from copilot.ingest.models import Block, LoadedDoc
from tests.ingest.samples import write_markdown


def _doc(text: str, section: list[str] | None = None) -> LoadedDoc:
    return LoadedDoc(doc_id="d", title="T", blocks=[Block(text=text, section=section or ["A", "B"])])


def test_sections_and_embed_text(tmp_path: Path) -> None:
    chunks = chunk_document(load_file(write_markdown(tmp_path), 25), 1200, 150)
    assert [c.section for c in chunks] == ["", "Safety", "Procedure > Restart after trip"]
    proc = chunks[2]
    assert proc.embed_text().startswith("Centrifugal pump P-101 restart > Procedure > Restart after trip\n")
    assert proc.id == "sop-pump-101#procedure-restart-after-trip#1"
    assert proc.metadata["site"] == "north" and proc.doc_type == "sop" and proc.revision == "3"


def test_ids_are_stable_across_runs(tmp_path: Path) -> None:
    doc = load_file(write_markdown(tmp_path), 25)
    first = [c.id for c in chunk_document(doc, 300, 50)]
    second = [c.id for c in chunk_document(load_file(write_markdown(tmp_path), 25), 300, 50)]
    assert first == second and len(set(first)) == len(first)


def test_table_rows_never_split_and_header_repeated() -> None:
    rows = "\n".join(f"| E-{200 + i} | Meaning number {i} with some words | Action {i} |" for i in range(40))
    text = "Intro line.\n\n| Code | Meaning | Action |\n|---|---|---|\n" + rows
    chunks = chunk_document(_doc(text), 400, 80)
    assert len(chunks) > 3
    all_rows = []
    for c in chunks:
        for line in c.text.splitlines():
            if line.startswith("|"):
                assert line.endswith("|"), f"split row: {line!r}"
                all_rows.append(line)
        if "| E-" in c.text:
            assert "| Code | Meaning | Action |" in c.text  # header travels with every part
        assert len(c.text) <= 400
    data_rows = [r for r in all_rows if r.startswith("| E-")]
    assert len(set(data_rows)) == 40 and len(data_rows) == 40  # each row exactly once (no overlap duplicates)


def test_steps_never_split() -> None:
    steps = "\n".join(f"{i}. Step number {i}: " + "do the careful thing " * 6 +
                      f"\n   continuation line of step {i}." for i in range(1, 16))
    chunks = chunk_document(_doc("Before the steps.\n\n" + steps), 500, 100)
    assert len(chunks) > 2
    seen = set()
    for c in chunks:
        for m in re.finditer(r"^(\d+)\. Step number \d+", c.text, re.M):
            n = int(m.group(1))
            assert f"continuation line of step {n}." in c.text, f"step {n} split"
            seen.add(n)
    assert seen == set(range(1, 16))


def test_small_table_kept_whole_in_next_chunk() -> None:
    para = "Filler sentence about pumps. " * 10
    table = "| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |"
    texts = pack(parse_groups(para + "\n\n" + table, 400), 400, 50)
    holders = [t for t in texts if "| 1 | 2 |" in t]
    assert len(holders) == 1 and "| 3 | 4 |" in holders[0] and "| A | B |" in holders[0]


def test_long_paragraph_respects_size_and_overlap() -> None:
    text = " ".join(f"Sentence {i} talks about bearing temperature." for i in range(200))
    chunks = chunk_document(_doc(text), 500, 100)
    assert all(len(c.text) <= 500 for c in chunks)
    joined = " ".join(c.text for c in chunks)
    assert all(f"Sentence {i} " in joined for i in range(200))
    # overlap: the start of each later chunk repeats the tail of the previous one
    assert chunks[1].text.split(".")[0] in chunks[0].text
