"""Versioned schema migrations of the PostgreSQL store (Alembic); applied by the product at start-up.

``upgrade(url)`` runs every migration in ``versions/`` not yet applied; ``copilot.pg.migrate`` calls it under the
schema lock (a session advisory lock) so that several workers starting together migrate once. Add a change as a new file in
``versions/`` with ``down_revision`` naming the previous one; never edit a published migration.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def config(connection: object | None = None) -> object:
    """The Alembic config pointing at this folder (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` on the database at ``url`` (libpq form). The caller holds the
    schema lock (:func:`copilot.pg.schema_lock`), so concurrent workers apply each migration once."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=None)
    try:
        with engine.connect() as conn:
            command.upgrade(config(conn), revision)
            conn.commit()
    finally:
        engine.dispose()


def current(url: str) -> str | None:
    """The applied revision (None on an empty database)."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
