"""Uploaded documents: safe names, size and type checks, storage and the normal ingest pipeline.

Files are kept in ``<data_dir>/uploads``; a manifest (``uploads.json``) maps each file name to the
doc id the pipeline gave it, who uploaded it and when. Nothing is written before every check passes.

Every change is journalled (``uploads/.pending.json``, the replaced file kept in ``uploads/.previous``)
and runs under a lock shared by all processes on the data dir. Whatever happens (a parser error, an
unexpected exception, kill -9), the next operation finishes or undoes the interrupted one, so the files
on disk, the manifest and the search index always name the same versions (copilot.services.upload_journal).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copilot.config import Settings
from copilot.services.upload_journal import atomic_write, read_json
from copilot.types import utcnow

log = logging.getLogger(__name__)

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


def upload_limit(settings: Settings) -> int:
    """The largest accepted upload in bytes (server.max_upload_mb)."""
    return int(settings.server.max_upload_mb * 1_000_000)


class UploadStore:
    """Stores uploads and runs them through ``copilot.ingest.pipeline``."""

    _lock = threading.Lock()  # one upload or delete at a time within this process (fcntl across processes)

    def __init__(self, settings: Settings, embedder: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.dir = uploads_dir(settings)
        self.manifest_path = settings.data_dir / "uploads.json"
        self.journal_path = self.dir / ".pending.json"
        self.previous_dir = self.dir / ".previous"

    def manifest(self) -> dict[str, dict[str, Any]]:
        return read_json(self.manifest_path) or {}

    def _write_manifest(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.manifest_path, json.dumps(data, indent=2).encode())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's lock, then the data dir's file lock; finishes any interrupted change first."""
        with self._lock:
            self.dir.mkdir(parents=True, exist_ok=True)
            with open(self.settings.data_dir / ".uploads.lock", "a+") as fh:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                try:
                    self._recover()
                    yield
                finally:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def recover(self) -> None:
        """Finish or undo an upload or delete that was interrupted (e.g. by kill -9); remove orphans."""
        with self._locked():
            pass

    def _ingest(self, paths: list[Path], **kw: Any) -> Any:
        from copilot.ingest.pipeline import ingest_paths

        return ingest_paths(self.settings, paths, embedder=self.embedder, progress=False, **kw)

    def upload(self, filename: str | None, data: bytes, user: str) -> tuple[str, dict[str, Any]]:
        """Check the name, size and content of one upload, then save and ingest it: (name, ingest report).
        UploadError 400 (bad name, empty), 413 (over server.max_upload_mb), 415 (type), 422 (not ingestible)."""
        name = check_name(self.settings, filename)
        limit = upload_limit(self.settings)
        if len(data) > limit:
            raise UploadError(413, f"the file is larger than the {limit / 1e6:g} MB upload limit")
        if not data:
            raise UploadError(400, "the uploaded file is empty")
        return name, self.save_and_ingest(name, data, user)

    def save_and_ingest(self, name: str, data: bytes, user: str) -> dict[str, Any]:
        """Write the file, ingest it, record it; on any failure the previous version stays everywhere."""
        with self._locked():
            target = self.dir / name
            had_previous = target.exists()
            if had_previous:
                atomic_write(self.previous_dir / name, target.read_bytes())
            entry = {"op": "put", "name": name, "previous": had_previous, "user": user, "bytes": len(data),
                     "hash": hashlib.sha256(data).hexdigest()}
            atomic_write(self.journal_path, json.dumps(entry).encode())
            atomic_write(target, data)
            try:
                report = self._ingest([target])
            except Exception as exc:
                self._undo_put(entry)
                raise UploadError(422, f"the file could not be ingested: {exc}") from exc
            except BaseException:
                self._undo_put(entry)
                raise
            failed = [f for f in report.files if f.status == "failed"]
            if failed:
                self._undo_put(entry)
                raise UploadError(422, f"the file could not be ingested: {failed[0].error}")
            self._finish_put(entry, next((f.doc_id for f in report.files if f.doc_id), ""))
            return report.to_dict()

    def _finish_put(self, entry: dict[str, Any], doc_id: str) -> None:
        manifest = self.manifest()
        manifest[entry["name"]] = {"doc_id": doc_id, "bytes": entry["bytes"], "uploaded_by": entry["user"],
                                   "uploaded_at": utcnow()}
        self._write_manifest(manifest)
        self._clear(entry)

    def _undo_put(self, entry: dict[str, Any]) -> None:
        target = self.dir / entry["name"]
        backup = self.previous_dir / entry["name"]
        if entry["previous"] and backup.exists():
            backup.replace(target)
        elif not entry["previous"]:
            target.unlink(missing_ok=True)
        self._clear(entry)

    def _clear(self, entry: dict[str, Any]) -> None:
        (self.previous_dir / entry["name"]).unlink(missing_ok=True)
        self.journal_path.unlink(missing_ok=True)

    def _indexed(self) -> dict[str, Any]:
        from copilot.retrieval import store

        gen = store.current_generation(self.settings.index_dir)
        return store.read_files(gen) if gen else {}

    def _recover(self) -> None:
        entry = read_json(self.journal_path)
        if entry and entry.get("op") == "put":
            target = self.dir / entry["name"]
            rec = self._indexed().get(str(target.resolve()))
            on_disk = hashlib.sha256(target.read_bytes()).hexdigest() if target.exists() else ""
            if rec is not None and rec.hash == entry["hash"] == on_disk:
                log.warning("upload %s was indexed before an interruption: recording it", entry["name"])
                self._finish_put(entry, rec.doc_id)
            else:
                log.warning("upload %s was interrupted: previous version restored", entry["name"])
                self._undo_put(entry)
        elif entry and entry.get("op") == "delete":
            log.warning("delete of upload %s was interrupted: finishing it", entry["name"])
            self._delete(entry)
        if entry:
            self._ingest([])  # an empty run matches the tables to the index (drops staged leftovers)
        self._sweep()

    def _sweep(self) -> None:
        """Files without a manifest entry leave the index and move to ``.orphans``; entries without files go."""
        manifest = self.manifest()
        indexed = self._indexed()
        files = {p.name: p for p in self.dir.iterdir() if p.is_file() and not p.name.startswith(".")}
        orphans = [p for n, p in files.items() if n not in manifest]
        missing = [n for n in manifest if n not in files]
        drop = {str(p.resolve()) for p in orphans} | {str((self.dir / n).resolve()) for n in missing}
        if drop & set(indexed):
            self._ingest([], remove=drop & set(indexed))
        for p in orphans:
            log.warning("upload %s has no manifest entry: moved to .orphans, not indexed", p.name)
            (self.dir / ".orphans").mkdir(exist_ok=True)
            p.replace(self.dir / ".orphans" / p.name)
        if missing:
            self._write_manifest({n: e for n, e in manifest.items() if n not in missing})
        for tmp in self.dir.glob(".*.tmp"):  # half-written files of an interrupted atomic_write
            tmp.unlink(missing_ok=True)

    def find(self, doc_id: str) -> str | None:
        """The upload's file name for a doc id (or a file name), or None."""
        for name, entry in self.manifest().items():
            if entry.get("doc_id") == doc_id or name == doc_id:
                return name
        return None

    def delete(self, name: str) -> dict[str, Any]:
        """Remove the upload: out of the index (and its tables) first, then off disk and the manifest."""
        with self._locked():
            entry = {"op": "delete", "name": name}
            atomic_write(self.journal_path, json.dumps(entry).encode())
            return self._delete(entry)

    def _delete(self, entry: dict[str, Any]) -> dict[str, Any]:
        target = self.dir / entry["name"]
        report = self._ingest([], remove={str(target.resolve())})
        target.unlink(missing_ok=True)
        manifest = self.manifest()
        if manifest.pop(entry["name"], None) is not None:
            self._write_manifest(manifest)
        self._clear(entry)
        return report.to_dict()
