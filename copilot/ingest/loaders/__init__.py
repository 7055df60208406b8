"""Loader registry: pick a loader by extension, and check the file is what its extension says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from copilot.ingest.loaders.docx import load_docx
from copilot.ingest.loaders.html import load_html
from copilot.ingest.loaders.jsonl import load_json
from copilot.ingest.loaders.markdown import load_markdown
from copilot.ingest.loaders.pdf import load_pdf
from copilot.ingest.loaders.tabular import load_csv, load_xlsx
from copilot.ingest.models import LoadedDoc, LoadError

LOADERS: dict[str, Callable[[Path], LoadedDoc]] = {
    ".md": load_markdown, ".markdown": load_markdown, ".txt": load_markdown,
    ".pdf": load_pdf, ".html": load_html, ".htm": load_html, ".docx": load_docx,
    ".csv": load_csv, ".xlsx": load_xlsx, ".json": load_json, ".jsonl": load_json,
}
_ZIP_FORMATS = (".docx", ".xlsx")


def load_file(path: Path, max_file_mb: float) -> LoadedDoc:
    """Load one file or raise LoadError with a precise reason (size, emptiness, wrong format...)."""
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    size = path.stat().st_size
    if size > max_file_mb * 1024 * 1024:
        raise LoadError(f"file is {size / 1048576:.1f} MB, over the {max_file_mb:g} MB limit (ingest.max_file_mb)")
    if size == 0:
        raise LoadError("file is empty")
    if suffix in _ZIP_FORMATS:
        with path.open("rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                raise LoadError(f"not a {suffix[1:].upper()} file: it is not a ZIP container (wrong extension?)")
    return loader(path)
