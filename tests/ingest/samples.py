"""Small real sample files generated on the fly for loader and pipeline tests."""

from __future__ import annotations

from pathlib import Path

PUMP_SOP = """---
id: sop-pump-101
title: Centrifugal pump P-101 restart
doc_type: sop
revision: "3"
effective_date: 2025-01-15
owner: Maintenance
site: north
equipment: [P-101, P-102]
criticality: high
---
# Ignored H1 because front matter has a title

Intro paragraph about pump restarts.

## Safety

Lock out and tag out the motor before any work.

## Procedure

### Restart after trip

1. Check suction valve is fully open.
2. Vent the casing until liquid flows.
   Keep the vent open for at least 30 seconds.
3. Start the motor and watch discharge pressure.

| Alarm | Meaning | Action |
|---|---|---|
| E-204 | Low suction pressure | Check strainer |
| E-205 | High vibration | Stop pump |
"""


def write_markdown(folder: Path, name: str = "pump.md", text: str = PUMP_SOP) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_pdf(path: Path, pages: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


def write_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Chiller maintenance guide", level=0)
    d.add_heading("Condenser", level=1)
    d.add_paragraph("Clean the condenser tubes every quarter.")
    d.add_heading("Fouling checks", level=2)
    d.add_paragraph("Measure approach temperature.", style="List Number")
    d.add_paragraph("Compare with the design value.", style="List Number")
    table = d.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Meter", "Limit"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "approach", "2 C"
    d.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pumps"
    ws.append(["Tag", "Failure mode", "RPN"])
    ws.append(["P-101", "Seal leak", 120])
    ws.append(["P-102", "Bearing wear", 80])
    ws2 = wb.create_sheet("Valves")
    ws2.append(["Tag", "Failure mode"])
    ws2.append(["V-301", "Stuck closed"])
    wb.save(str(path))
    return path


HTML = """<html><head><title>Compressor notes</title><script>var x=1;</script></head><body>
<h1>Compressor notes</h1><h2>Oil</h2><p>Check oil level daily.</p>
<ol><li>Stop the compressor.</li><li>Read the sight glass.</li></ol>
<h2>Alarms</h2><table><tr><th>Code</th><th>Meaning</th></tr><tr><td>C-310</td><td>High discharge temp</td></tr></table>
</body></html>"""
