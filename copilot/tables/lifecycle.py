"""Tables live and die with their document: commit staged tables, drop stale and orphan ones.

The ingest pipeline stages a document's tables (``register_table_file(..., file_hash=...)``)
before it publishes the index generation that holds the document, then calls ``sync`` with the
published documents. ``sync`` makes the staged tables whose (doc id, file hash) is published live,
replacing that document's older tables, and drops every other staged table (left by a failed or
killed ingest) and every ingested table whose document is no longer published in that version.
Tables loaded by hand (``copilot tables load``: state ``manual``) are left alone; tables stored
before this lifecycle existed (live, no file hash) live as long as their document is published.
"""

from __future__ import annotations

import json
import sqlite3

from copilot.config import Settings
from copilot.tables.store import META, STAGED_MARK, _drop_doc, _table_name, connect, db_path, quote_ident


def _commit(conn: sqlite3.Connection, doc_id: str, staged: list[str]) -> None:
    _drop_doc(conn, doc_id, "live")
    for old in staged:
        name = _table_name(conn, old.split(STAGED_MARK)[0], doc_id)
        conn.execute(f"ALTER TABLE {quote_ident(old)} RENAME TO {quote_ident(name)}")
        (profile,) = conn.execute(f"SELECT profile FROM {META} WHERE name = ?", (old,)).fetchone()
        data = json.loads(profile)
        data["name"] = name
        conn.execute(f"UPDATE {META} SET name = ?, state = 'live', profile = ? WHERE name = ?",
                     (name, json.dumps(data), old))


def sync(settings: Settings, published: dict[str, str]) -> dict[str, int]:
    """Match the tables to the published documents ``{doc_id: file hash}``; returns counts of changes."""
    if not db_path(settings).exists():
        return {"committed": 0, "dropped": 0}
    conn = connect(settings)
    committed = dropped = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        rows = conn.execute(f"SELECT name, doc_id, state, file_hash FROM {META} WHERE state != 'manual' "
                            "ORDER BY name").fetchall()
        staged: dict[str, list[str]] = {}
        for name, doc_id, state, digest in rows:
            if state == "staged" and published.get(doc_id) == digest:
                staged.setdefault(doc_id, []).append(name)
        for doc_id, names in staged.items():
            _commit(conn, doc_id, names)
            committed += len(names)
        for name, doc_id, _state, digest in rows:
            legacy = digest is None and doc_id in published
            if doc_id in staged or legacy or (digest is not None and published.get(doc_id) == digest):
                continue
            conn.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
            conn.execute(f"DELETE FROM {META} WHERE name = ?", (name,))
            dropped += 1
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return {"committed": committed, "dropped": dropped}


def drop_documents(settings: Settings, doc_ids: set[str]) -> None:
    """Drop every table (live or staged) of ``doc_ids``: done before a removal is published."""
    if not doc_ids or not db_path(settings).exists():
        return
    conn = connect(settings)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for doc_id in doc_ids:
            _drop_doc(conn, doc_id)
        conn.execute("COMMIT")
    finally:
        conn.close()
