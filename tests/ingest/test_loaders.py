"""Each loader on real files generated in the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.ingest.loaders import load_file
from copilot.ingest.models import LoadError
from tests.ingest.samples import HTML, write_docx, write_markdown, write_pdf, write_xlsx


def test_markdown_front_matter(tmp_path: Path) -> None:
    doc = load_file(write_markdown(tmp_path), 25)
    assert doc.doc_id == "sop-pump-101"
    assert doc.title == "Centrifugal pump P-101 restart"
    assert doc.doc_type == "sop" and doc.revision == "3"
    assert doc.metadata["equipment"] == ["P-101", "P-102"]
    assert doc.metadata["effective_date"] == "2025-01-15"
    assert doc.metadata["criticality"] == "high"  # unknown keys kept
    assert [b.section for b in doc.blocks] == [[], ["Safety"], ["Procedure", "Restart after trip"]]


def test_markdown_without_front_matter_uses_stem_and_h1(tmp_path: Path) -> None:
    p = tmp_path / "govern-1-1.md"
    p.write_text("# GOVERN 1.1: Legal\n\nText.\n\n## About\n\nMore.\n", encoding="utf-8")
    doc = load_file(p, 25)
    assert doc.doc_id == "govern-1-1" and doc.title == "GOVERN 1.1: Legal"
    p2 = tmp_path / "notes.txt"
    p2.write_text("plain notes without heading", encoding="utf-8")
    assert load_file(p2, 25).title == "notes"


def test_bad_front_matter_is_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "x.md"
    p.write_text("---\nid: [unclosed\n---\n# T\nbody\n", encoding="utf-8")
    doc = load_file(p, 25)
    assert doc.doc_id == "x" and any("front matter" in w for w in doc.warnings)


def test_pdf_pages(tmp_path: Path) -> None:
    p = write_pdf(tmp_path / "manual.pdf", ["Pump manual page one about impellers.", "Page two covers seals."])
    doc = load_file(p, 25)
    assert [b.page for b in doc.blocks] == [1, 2]
    assert "seals" in doc.blocks[1].text


def test_html_headings(tmp_path: Path) -> None:
    p = tmp_path / "notes.html"
    p.write_text(HTML, encoding="utf-8")
    doc = load_file(p, 25)
    assert doc.title == "Compressor notes"
    sections = {" > ".join(b.section): b.text for b in doc.blocks}
    assert "1. Stop the compressor." in sections["Oil"]
    assert "| C-310 | High discharge temp |" in sections["Alarms"]
    assert "var x" not in " ".join(sections.values())


def test_docx_headings_lists_tables(tmp_path: Path) -> None:
    doc = load_file(write_docx(tmp_path / "guide.docx"), 25)
    assert doc.title == "Chiller maintenance guide"
    sections = {" > ".join(b.section): b.text for b in doc.blocks}
    assert "Clean the condenser" in sections["Condenser"]
    fouling = sections["Condenser > Fouling checks"]
    assert "1. Measure approach temperature." in fouling and "2. Compare" in fouling
    assert "| approach | 2 C |" in fouling


def test_csv_rows(tmp_path: Path) -> None:
    p = tmp_path / "fmea.csv"
    p.write_text("\ufeffTag,Failure mode,RPN\nP-101,Seal leak,120\n,,\nP-102,\"Bearing, wear\",80\n", encoding="utf-8")
    doc = load_file(p, 25)
    assert [c.id for c in doc.records] == ["fmea#row1", "fmea#row2"]
    assert doc.records[1].text == "Tag: P-102\nFailure mode: Bearing, wear\nRPN: 80"
    assert doc.records[0].row == 1 and "fmea.csv" in doc.records[0].title


def test_xlsx_rows_per_sheet(tmp_path: Path) -> None:
    doc = load_file(write_xlsx(tmp_path / "book.xlsx"), 25)
    ids = [c.id for c in doc.records]
    assert ids == ["book#Pumps#row1", "book#Pumps#row2", "book#Valves#row1"]
    first = doc.records[0]
    assert first.sheet == "Pumps" and first.row == 1 and "RPN: 120" in first.text
    assert "Pumps" in first.title


def test_json_and_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "assets.json"
    p.write_text(json.dumps({"assets": [{"name": "P-101", "spec": {"kw": 55}}, {"name": "P-102"}]}), encoding="utf-8")
    doc = load_file(p, 25)
    assert [c.id for c in doc.records] == ["assets#rec1", "assets#rec2"]
    assert "spec.kw: 55" in doc.records[0].text
    q = tmp_path / "events.jsonl"
    q.write_text('{"event": "trip", "tag": "P-101"}\nnot json\n{"event": "start"}\n', encoding="utf-8")
    doc = load_file(q, 25)
    assert len(doc.records) == 2 and any("invalid JSON" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", "empty"),
        ("blob.txt", b"\x00\x01\x02\x03binary\x00data" * 20, "binary"),
        ("fake.pdf", b"this is really a text file\n", "not a PDF"),
        ("broken.pdf", b"%PDF-1.4\n garbage garbage", "PDF"),
        ("fake.docx", b"plain text pretending", "not a DOCX"),
        ("fake.xlsx", b"PK\x03\x04garbage", "XLSX"),
        ("image.md", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG"),
        ("header_only.csv", b"a,b,c\n", "no data rows"),
        ("bad.json", b"{not json", "invalid JSON"),
    ],
)
def test_bad_inputs_raise_clear_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(LoadError, match=message):
        load_file(p, 25)


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    src = write_pdf(tmp_path / "plain.pdf", ["secret maintenance data"])
    writer = PdfWriter()
    for page in PdfReader(src).pages:
        writer.add_page(page)
    writer.encrypt(user_password="pw", owner_password="owner")
    enc = tmp_path / "enc.pdf"
    with enc.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError, match="encrypted"):
        load_file(enc, 25)


def test_oversize_file(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text("word " * 300_000, encoding="utf-8")
    with pytest.raises(LoadError, match="max_file_mb"):
        load_file(p, 1)


def test_cp1252_fallback_warns(tmp_path: Path) -> None:
    p = tmp_path / "legacy.txt"
    p.write_bytes("Temp\u00e9rature limite 80 \u00b0C \u2013 caf\u00e9".encode("cp1252"))
    doc = load_file(p, 25)
    assert "café" in doc.blocks[0].text and any("cp1252" in w for w in doc.warnings)
