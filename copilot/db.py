"""Database helpers shared by the stores (approvals, work orders, outbox, audit log).

Every store keeps its SQL behind a handful of methods and runs each unit of work inside
:func:`transaction` (``BEGIN IMMEDIATE``: one writer at a time across processes). The database is
named by a *target*: a ``Path`` (SQLite, the default) or a ``postgresql://`` URL, for which
:mod:`copilot.pg` provides the same connection and transaction semantics (see ``storage.url``).
Data files are kept private: the folder 0700, database files 0600.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from copilot.pg import is_postgres

FILE_MODE = 0o600
DIR_MODE = 0o700


def secure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700; return it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    try:
        os.chmod(path, DIR_MODE)
    except OSError:  # a folder we do not own (e.g. /tmp): leave it
        pass
    return path


def secure_file(path: Path) -> None:
    """chmod 0600 a data file and its SQLite companions (-wal, -shm, -journal) when present."""
    for candidate in (Path(path), *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))):
        try:
            if candidate.exists() and (candidate.stat().st_mode & 0o777) != FILE_MODE:
                os.chmod(candidate, FILE_MODE)
        except OSError:
            pass


def connect(db_path: Path | str, timeout: float = 30.0) -> Any:
    """A connection with rows addressable by column name; the file is created 0600."""
    if is_postgres(db_path):
        from copilot import pg

        return pg.connect(str(db_path))
    path = Path(db_path)
    if not path.exists():
        path.touch(mode=FILE_MODE)
    conn = sqlite3.connect(path, timeout=timeout)
    conn.row_factory = sqlite3.Row
    secure_file(path)
    return conn


def connect_readonly(db_path: Path, timeout: float = 30.0) -> sqlite3.Connection:
    """A read-only connection (never creates or changes the file): for verification."""
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    conn.row_factory = sqlite3.Row
    return conn


@contextmanager
def transaction(db_path: Path | str) -> Iterator[Any]:
    """One write transaction (``BEGIN IMMEDIATE``): commit on success, roll back on any error."""
    if is_postgres(db_path):
        from copilot import pg

        with pg.transaction(str(db_path)) as pconn:
            yield pconn
        return
    conn = connect(db_path)
    conn.isolation_level = None  # explicit transactions only
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def init_db(db_path: Path | str, schema: str) -> Any:
    """Create the private parent folder and apply an idempotent schema script; return the path.
    On PostgreSQL the versioned migrations create the schema instead; the URL is returned."""
    if is_postgres(db_path):
        from copilot import pg

        pg.migrate(str(db_path))
        return str(db_path)
    path = Path(db_path)
    secure_dir(path.parent)
    conn = connect(path)
    try:
        with conn:
            conn.executescript(schema)
    finally:
        conn.close()
    secure_file(path)
    return path


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Column names of ``table`` (empty when it does not exist)."""
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})").fetchall()}


def add_columns(db_path: Path | str, table: str, wanted: dict[str, str]) -> None:
    """Add missing columns (name -> SQL type/default) to an existing table: forward-only migration.
    (PostgreSQL: the versioned migrations hold every column.)"""
    if is_postgres(db_path):
        return
    conn = connect(db_path)
    try:
        with conn:
            have = columns(conn, table)
            for name, decl in wanted.items():
                if name not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
    finally:
        conn.close()


def cluster_lock(target: Path | str | None, name: str, timeout_s: float = 600.0) -> Any:
    """A lock held across every worker on the same PostgreSQL database (e.g. ``"ingest"``); with SQLite
    (one host) the callers' own file locks suffice, so this is a no-op context."""
    if is_postgres(target):
        from copilot import pg

        return pg.cluster_lock(str(target), name, timeout_s)
    from contextlib import nullcontext

    return nullcontext()
