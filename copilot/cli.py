"""The `copilot` command line: serve, ingest, search, ask, route, models, doctor, eval, audit.

Each command group lives in ``copilot/commands/<name>.py`` and exposes ``register(app)``.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="copilot",
    help="Industrial AI copilot: local, grounded answers for AI readiness, AI governance and plant maintenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

COMMAND_MODULES = (
    "models", "doctor", "ingest", "search", "route", "ask", "approvals", "audit", "serve", "eval", "tables",
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"copilot.commands.{_name}").register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
