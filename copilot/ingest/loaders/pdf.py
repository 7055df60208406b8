"""PDF via pypdf: one block per page (page numbers kept), title from metadata or first line."""

from __future__ import annotations

import logging
from pathlib import Path

from copilot.ingest.models import Block, LoadedDoc, LoadError
from copilot.ingest.textio import looks_binary


def load_pdf(path: Path) -> LoadedDoc:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = path.read_bytes()
    if not data.strip():
        raise LoadError("file is empty")
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        kind = "text" if not looks_binary(data) else "binary data"
        raise LoadError(f"not a PDF: content is {kind} (wrong extension?)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - pypdf raises several types here
                raise LoadError(f"PDF is encrypted and cannot be opened ({exc})") from exc
            if not ok:
                raise LoadError("PDF is encrypted with a password")
        pages = [(i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)]
        info_title = reader.metadata.get("/Title") if reader.metadata else None
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise LoadError(f"corrupt PDF: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is a corrupt file
        raise LoadError(f"corrupt PDF ({type(exc).__name__}: {exc})") from exc
    blocks = [Block(text=t.strip(), page=n) for n, t in pages if t.strip()]
    warnings: list[str] = []
    if not blocks:
        raise LoadError(f"PDF has {len(pages)} page(s) but no extractable text (scanned image?)")
    first_line = blocks[0].text.splitlines()[0].strip() if blocks else ""
    title = str(info_title).strip() if info_title and str(info_title).strip() else (first_line[:120] or path.stem)
    return LoadedDoc(doc_id=path.stem, title=title, doc_type="pdf", blocks=blocks, warnings=warnings)
