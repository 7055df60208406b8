"""DOCX via python-docx: Heading styles become sections, list paragraphs and tables kept whole."""

from __future__ import annotations

import zipfile
from pathlib import Path

from copilot.ingest.loaders.markdown import build_doc
from copilot.ingest.models import LoadedDoc, LoadError


def _heading_level(style_name: str) -> int | None:
    name = style_name.lower()
    if name == "title":
        return 1
    if name.startswith("heading"):
        digits = "".join(ch for ch in name if ch.isdigit())
        return min(int(digits), 5) + 1 if digits else 2
    return None


def load_docx(path: Path) -> LoadedDoc:
    try:
        import docx
        from docx.oxml.ns import qn

        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"not a valid DOCX file ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx raises assorted errors on bad input
        raise LoadError(f"cannot open DOCX ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    counters: dict[int, int] = {}
    body = document.element.body
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child.tag == qn("w:p") and child in paragraphs:
            para = paragraphs[child]
            text = para.text.strip()
            if not text:
                continue
            style = para.style.name if para.style is not None else ""
            level = _heading_level(style)
            if level:
                counters.clear()
                lines.append(f"\n{'#' * level} {text}\n")
            elif "list number" in style.lower():
                counters[0] = counters.get(0, 0) + 1
                lines.append(f"{counters[0]}. {text}")
            elif "list" in style.lower():
                lines.append(f"- {text}")
            else:
                counters.clear()
                lines.append(f"\n{text}\n")
        elif child.tag == qn("w:tbl") and child in tables:
            lines.append("")
            for i, row in enumerate(tables[child].rows):
                cells = [c.text.strip().replace("\n", " ") for c in row.cells]
                lines.append("| " + " | ".join(cells) + " |")
                if i == 0:
                    lines.append("|" + "---|" * len(cells))
            lines.append("")
    if not any(line.strip() for line in lines):
        raise LoadError("DOCX contains no text")
    warnings: list[str] = []
    doc = build_doc(path, "\n".join(lines), warnings)
    core_title = (document.core_properties.title or "").strip()
    if core_title and doc.title == path.stem:
        doc.title = core_title
    doc.doc_type = doc.doc_type or "docx"
    return doc
