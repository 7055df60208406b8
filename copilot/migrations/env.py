"""Alembic environment: runs on the connection handed over by :func:`copilot.migrations.upgrade`."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `copilot.migrations.upgrade` runs migrations
    raise RuntimeError("run migrations through copilot.migrations.upgrade(url)")
context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
