"""The pipeline's calls into the table store: stage a file's tables, then match tables to the index.

Staged tables become live only after the generation holding their document is published; tables of
documents leaving the index are dropped before the generation without them is published.
"""

from __future__ import annotations

import logging
from pathlib import Path

from copilot.config import Settings
from copilot.ingest.models import FileResult
from copilot.retrieval import store

log = logging.getLogger(__name__)
TABLE_SUFFIXES = (".csv", ".xlsx")


def register_table(settings: Settings, path: Path, doc_id: str, result: FileResult, digest: str) -> None:
    """Stage the file's tables; they go live only when the generation holding ``doc_id`` is published."""
    if not settings.tables.enabled or path.suffix.lower() not in TABLE_SUFFIXES:
        return
    try:
        from copilot.tables.store import register_table_file
    except ImportError:
        return
    try:
        register_table_file(settings, path, doc_id, file_hash=digest)
    except Exception as exc:  # noqa: BLE001 - the table store must never abort ingestion
        result.warnings.append(f"table registration failed: {type(exc).__name__}: {exc}")


def sync_tables(settings: Settings, records: list[store.FileRecord], drop: set[str] | None = None) -> None:
    """Drop the tables of ``drop`` doc ids, or (without ``drop``) match tables to the published ``records``."""
    if not settings.tables.enabled:
        return
    try:
        from copilot.tables import lifecycle
    except ImportError:
        return
    if drop is not None:
        lifecycle.drop_documents(settings, drop)  # a failure aborts the run: the documents stay
        return
    try:
        lifecycle.sync(settings, {r.doc_id: r.hash for r in records})
    except Exception as exc:  # noqa: BLE001 - the index is published; the next run syncs again
        log.warning("tables not synchronised with the index: %s: %s", type(exc).__name__, exc)
