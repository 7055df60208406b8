"""SQLite helpers shared by the stores (work orders, approvals, audit log)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect(db_path: Path, timeout: float = 30.0) -> sqlite3.Connection:
    """A connection with rows addressable by column name."""
    conn = sqlite3.connect(db_path, timeout=timeout)
    conn.row_factory = sqlite3.Row
    return conn


def init_db(db_path: Path, schema: str) -> Path:
    """Create the parent folder and apply an idempotent schema script; return the path."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with connect(path) as conn:
        conn.executescript(schema)
    return path
