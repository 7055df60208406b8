"""HTML via BeautifulSoup: headings kept as the section path, scripts and navigation dropped."""

from __future__ import annotations

from pathlib import Path

from copilot.ingest.loaders.markdown import build_doc
from copilot.ingest.models import LoadedDoc
from copilot.ingest.textio import read_text

_HEADINGS = {"h1": "#", "h2": "##", "h3": "###", "h4": "####", "h5": "#####", "h6": "######"}


def html_to_markdown(html: str) -> tuple[str | None, str]:
    """Flatten HTML to Markdown-like text (headings as #, list items as -, table rows as | a | b |)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "template"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    lines: list[str] = []
    body = soup.body or soup
    for el in body.find_all(list(_HEADINGS) + ["p", "li", "pre", "blockquote", "tr", "dt", "dd"]):
        if el.find_parent(["li", "tr", "pre", "blockquote"]) is not None and el.name not in _HEADINGS:
            continue
        if el.name in _HEADINGS:
            lines.append(f"\n{_HEADINGS[el.name]} {el.get_text(' ', strip=True)}\n")
        elif el.name == "tr":
            cells = [c.get_text(" ", strip=True) for c in el.find_all(["td", "th"])]
            lines.append("| " + " | ".join(cells) + " |")
        elif el.name == "li":
            parent = el.find_parent(["ol", "ul"])
            if parent is not None and parent.name == "ol":
                idx = len(el.find_previous_siblings("li")) + 1
                lines.append(f"{idx}. {el.get_text(' ', strip=True)}")
            else:
                lines.append(f"- {el.get_text(' ', strip=True)}")
        else:
            text = el.get_text(" ", strip=True)
            if text:
                lines.append(f"\n{text}\n")
    return title, "\n".join(lines)


def load_html(path: Path) -> LoadedDoc:
    warnings: list[str] = []
    title, md = html_to_markdown(read_text(path, warnings))
    doc = build_doc(path, md, warnings)
    if title and doc.title == path.stem:
        doc.title = title
    doc.doc_type = doc.doc_type or "html"
    return doc
