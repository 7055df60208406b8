"""PostgreSQL behind the same small interface as :mod:`copilot.db` (``storage.url: postgresql://...``).

The stores keep their SQL (written for SQLite) and get a connection whose ``execute`` translates the
two dialect differences they use (``?`` placeholders, ``INSERT OR IGNORE``) and whose rows answer to
both ``row[0]`` and ``row["name"]`` like :class:`sqlite3.Row`. A write transaction first takes one
transaction-scoped advisory lock, so writers are serialised cluster-wide exactly as SQLite's
``BEGIN IMMEDIATE`` serialises them across processes: the audit chain stays one chain and the first
decision on an approval wins on any worker. The schema comes from the versioned Alembic migrations in
:mod:`copilot.migrations`, applied once per process under a session advisory lock.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

WRITE_LOCK = 0x636F7069  # "copi": every write transaction
MIGRATE_LOCK = 0x6D696772  # "migr": schema migrations and checkpointer setup
NAMED_LOCKS = {"ingest": 0x696E6773}  # cluster-wide jobs (see :func:`cluster_lock`)

_pools: dict[tuple[int, str], Any] = {}
_migrated: set[tuple[int, str]] = set()
_guard = threading.Lock()


def is_postgres(target: Any) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(target, str) and target.split("://", 1)[0] in ("postgresql", "postgres",
                                                                       "postgresql+psycopg")


def plain_url(url: str) -> str:
    """The libpq form of ``url`` (SQLAlchemy's ``+psycopg`` suffix removed)."""
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url)


def redact(url: str) -> str:
    """``url`` without its password (for messages)."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


class Row(tuple):
    """A result row addressable by position and by column name (like :class:`sqlite3.Row`)."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = tuple(c.name for c in cursor.description or ())

    def make(values: Any) -> Row:
        row = Row(values)
        row._names = names
        return row

    return make


@lru_cache(maxsize=512)
def translate(sql: str, params: bool = True) -> str:
    """SQLite-flavoured SQL of the stores -> PostgreSQL (placeholders, INSERT OR IGNORE)."""
    out = sql.replace("%", "%%").replace("?", "%s") if params else sql
    if re.match(r"\s*INSERT OR IGNORE", out, re.I):
        out = re.sub(r"INSERT OR IGNORE", "INSERT", out, count=1, flags=re.I).rstrip().rstrip(";")
        out += " ON CONFLICT DO NOTHING"
    return out


class PgConnection:
    """A pooled connection with the sqlite3-style ``execute`` the stores use."""

    def __init__(self, raw: Any, pool: Any | None = None) -> None:
        self.raw, self._pool = raw, pool

    def execute(self, sql: str, args: Any = ()) -> Any:
        return self.raw.execute(translate(sql, bool(args)), tuple(args) if args else None)

    def close(self) -> None:
        if self._pool is not None and self.raw is not None:
            self._pool.putconn(self.raw)
            self.raw = None


def pool(url: str) -> Any:
    """This process's connection pool for ``url`` (autocommit; writers open explicit transactions)."""
    from psycopg_pool import ConnectionPool

    key = (os.getpid(), plain_url(url))
    with _guard:
        p = _pools.get(key)
        if p is None:
            p = ConnectionPool(key[1], min_size=1, max_size=int(os.environ.get("COPILOT_PG_POOL", "8")),
                               kwargs={"autocommit": True, "row_factory": _row_factory}, open=True,
                               name="copilot-store")
            _pools[key] = p
    return p


def connect(url: str) -> PgConnection:
    """A connection from the pool; ``close()`` gives it back."""
    p = pool(url)
    return PgConnection(p.getconn(), p)


@contextlib.contextmanager
def transaction(url: str) -> Iterator[PgConnection]:
    """One write transaction holding the cluster-wide write lock: commit on success, roll back on error."""
    with pool(url).connection() as raw, raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        yield PgConnection(raw)


def migrate(url: str) -> None:
    """Bring the schema to the newest migration (once per process; concurrent workers wait for each other)."""
    key = (os.getpid(), plain_url(url))
    if key in _migrated:
        return
    with _guard:
        if key in _migrated:
            return
        from copilot.migrations import upgrade

        with schema_lock(key[1]):
            upgrade(key[1])
        _migrated.add(key)


@contextlib.contextmanager
def schema_lock(url: str, timeout_s: float = 900.0) -> Iterator[None]:
    """The cluster-wide schema lock (migrations, checkpointer setup), waited for by polling on a dedicated autocommit
    connection. A blocking wait deadlocked two workers starting together, inside a transaction and even in autocommit:
    one held the lock and ran the checkpointer's CREATE INDEX CONCURRENTLY, which waits for every statement holding
    an older snapshot, including the other's ``pg_advisory_lock`` still waiting (PostgreSQL does not detect that
    cycle). Each ``pg_try_advisory_lock`` returns at once, so no snapshot is held while waiting."""
    with _advisory_lock(url, MIGRATE_LOCK, "schema migration", timeout_s):
        yield


@contextlib.contextmanager
def cluster_lock(url: str, name: str, timeout_s: float = 600.0) -> Iterator[None]:
    """A session advisory lock held for the block on a dedicated connection; waits up to ``timeout_s``."""
    with _advisory_lock(url, NAMED_LOCKS[name], name, timeout_s):
        yield


@contextlib.contextmanager
def _advisory_lock(url: str, lock_id: int, name: str, timeout_s: float) -> Iterator[None]:
    """Session advisory lock ``lock_id`` on a dedicated autocommit connection, polled (never a blocking wait)."""
    import psycopg

    conn = psycopg.connect(plain_url(url), autocommit=True)
    try:
        deadline = time.monotonic() + timeout_s
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_id,)).fetchone()[0]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"another {name} holds the cluster-wide lock for more than {timeout_s:.0f} s")
            time.sleep(0.2)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))
    finally:
        conn.close()


def postgres_checkpointer(url: str) -> Any:
    """LangGraph's PostgresSaver on a pool (autocommit, dict rows, as the library requires); its own
    versioned setup runs once, under the migration lock so that workers starting together do not race."""
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    plain = plain_url(url)
    cp = ConnectionPool(plain, min_size=1, max_size=int(os.environ.get("COPILOT_PG_POOL", "8")), open=True,
                        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
                        name="copilot-checkpoints")
    saver = PostgresSaver(cp)
    with schema_lock(plain):
        saver.setup()
    return saver
