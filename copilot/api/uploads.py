"""Uploaded documents: safe names, size and type checks, storage and the normal ingest pipeline.

Files are kept in ``<data_dir>/uploads``; a manifest (``uploads.json``) maps each file name to the
doc id the pipeline gave it, who uploaded it and when. Nothing is written before every check passes.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from copilot.config import Settings
from copilot.types import utcnow

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ ()+-]{0,150}$")


class UploadError(Exception):
    """A rejected upload; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def check_name(settings: Settings, filename: str | None) -> str:
    """The file name if it is safe and of an allowed type; UploadError 400/415 otherwise."""
    name = (filename or "").strip()
    if not name:
        raise UploadError(400, "the upload has no file name")
    if "/" in name or "\\" in name or ".." in name or "\x00" in name or not _SAFE_NAME.match(name):
        raise UploadError(400, f"unsafe file name {name!r}: use letters, digits, '.', '_', '-', spaces; no paths")
    suffix = Path(name).suffix.lower()
    allowed = [e.lower() for e in settings.ingest.extensions]
    if suffix not in allowed:
        raise UploadError(415, f"file type {suffix or '(none)'!r} is not accepted; allowed: {', '.join(allowed)}")
    return name


class UploadStore:
    """Stores uploads and runs them through ``copilot.ingest.pipeline``."""

    _lock = threading.Lock()  # one upload or delete at a time, across requests

    def __init__(self, settings: Settings, embedder: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.dir = uploads_dir(settings)
        self.manifest_path = settings.data_dir / "uploads.json"

    def manifest(self) -> dict[str, dict[str, Any]]:
        if not self.manifest_path.exists():
            return {}
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def _write_manifest(self, data: dict[str, dict[str, Any]]) -> None:
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(self.manifest_path)

    def save_and_ingest(self, name: str, data: bytes, user: str) -> dict[str, Any]:
        """Write the file, ingest it, record it; on an ingest failure remove the file again."""
        from copilot.ingest.pipeline import ingest_paths

        with self._lock:
            self.dir.mkdir(parents=True, exist_ok=True)
            target = self.dir / name
            previous = target.read_bytes() if target.exists() else None
            target.write_bytes(data)
            try:
                report = ingest_paths(self.settings, [target], embedder=self.embedder, progress=False)
            except Exception as exc:
                self._restore(target, previous)
                raise UploadError(422, f"the file could not be ingested: {exc}") from exc
            failed = [f for f in report.files if f.status == "failed"]
            if failed:
                self._restore(target, previous)
                raise UploadError(422, f"the file could not be ingested: {failed[0].error}")
            doc_id = next((f.doc_id for f in report.files if f.doc_id), "")
            manifest = self.manifest()
            manifest[name] = {"doc_id": doc_id, "bytes": len(data), "uploaded_by": user, "uploaded_at": utcnow()}
            self._write_manifest(manifest)
            return report.to_dict()

    def _restore(self, target: Path, previous: bytes | None) -> None:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)

    def _other_indexed_files(self, removed_key: str) -> list[Path]:
        from copilot.retrieval import store

        gen = store.current_generation(self.settings.index_dir)
        files = store.read_files(gen) if gen else {}
        return [Path(k) for k in files if k != removed_key and Path(k).exists()]

    def find(self, doc_id: str) -> str | None:
        """The upload's file name for a doc id (or a file name), or None."""
        for name, entry in self.manifest().items():
            if entry.get("doc_id") == doc_id or name == doc_id:
                return name
        return None

    def delete(self, name: str) -> dict[str, Any]:
        """Remove the upload and prune its chunks from the index."""
        from copilot.ingest.pipeline import ingest_paths

        with self._lock:
            target = self.dir / name
            key = str(target.resolve())
            target.unlink(missing_ok=True)
            left = [p for p in self.dir.iterdir() if p.is_file() and not p.name.startswith(".")]
            if left:
                report = ingest_paths(self.settings, [self.dir], embedder=self.embedder, prune=True, progress=False)
            else:
                # The pipeline prunes only under roots that still hold files: rebuild from the other files.
                report = ingest_paths(self.settings, self._other_indexed_files(key), embedder=self.embedder,
                                      rebuild=True, progress=False)
            manifest = self.manifest()
            manifest.pop(name, None)
            self._write_manifest(manifest)
            return report.to_dict()
