"""Loader registry: pick a loader by extension, and check the file is what its extension says."""

from __future__ import annotations

import zipfile
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
_MB = 1024 * 1024


def check_zip(path: Path, max_unzipped_mb: float, max_ratio: float) -> None:
    """Refuse zip bombs: total declared expansion and the ratio of any member over 1 MB are bounded.

    zipfile enforces the declared sizes while reading (a member that expands past its declared size
    fails its CRC check), so checking the central directory is enough.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(f"not a valid {path.suffix[1:].upper()} file ({exc})") from exc
    total = sum(i.file_size for i in infos)
    if total > max_unzipped_mb * _MB:
        raise LoadError(f"archive expands to {total / _MB:.0f} MB, over the {max_unzipped_mb:g} MB limit "
                        "(ingest.max_unzipped_mb): refused as a possible zip bomb")
    for i in infos:
        if i.file_size > _MB and i.file_size > max_ratio * max(i.compress_size, 1):
            raise LoadError(f"member {i.filename!r} expands {i.file_size / max(i.compress_size, 1):.0f}x, over the "
                            f"{max_ratio:g}x limit (ingest.max_zip_ratio): refused as a possible zip bomb")


def load_file(path: Path, max_file_mb: float, *, max_unzipped_mb: float = 100.0,
              max_zip_ratio: float = 100.0) -> LoadedDoc:
    """Load one file or raise LoadError with a precise reason (size, emptiness, wrong format, zip bomb...)."""
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
        check_zip(path, max_unzipped_mb, max_zip_ratio)
    try:
        return loader(path)
    except RecursionError as exc:
        raise LoadError("the file is nested too deeply to parse") from exc
