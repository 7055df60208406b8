"""Reading bytes as text safely: binary detection and encoding fallback."""

from __future__ import annotations

from pathlib import Path

from copilot.ingest.models import LoadError

_SIGNATURES = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a ZIP container (DOCX/XLSX)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
}


def sniff(data: bytes) -> str | None:
    """Name the binary format the bytes start with, if known."""
    for sig, name in _SIGNATURES.items():
        if data.startswith(sig):
            return name
    return None


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.1


def decode(data: bytes, path: Path, warnings: list[str]) -> str:
    """Decode text: UTF-8 (BOM stripped), else cp1252, else latin-1, with a warning for the fallback."""
    if not data.strip():
        raise LoadError("file is empty")
    kind = sniff(data)
    if kind:
        raise LoadError(f"content is {kind}, not text (wrong extension {path.suffix!r}?)")
    if looks_binary(data):
        raise LoadError("content is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first = exc.start
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        warnings.append(f"not valid UTF-8 (first bad byte at offset {first}); decoded as {enc}")
        return text
    raise LoadError("cannot decode text")  # pragma: no cover - latin-1 decodes any bytes


def read_text(path: Path, warnings: list[str]) -> str:
    return decode(path.read_bytes(), path, warnings)
