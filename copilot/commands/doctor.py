"""`copilot doctor`: check the installation and say how to fix what is wrong."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from copilot.commands.common import ConfigOpt, ProfileOpt, SetOpt, console, get_settings, print_json
from copilot.doctor import run_checks


def register(app: typer.Typer) -> None:
    @app.command()
    def doctor(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
               json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
        """Check Python, the llama.cpp build, model files and hashes, embedder, index and data directory.

        Exits with status 1 if anything is wrong, printing the fix for each problem.
        """
        settings = get_settings(config, profile, set_)
        checks = run_checks(settings)
        if json_out:
            print_json([c.__dict__ for c in checks])
        else:
            table = Table(title="copilot doctor")
            for col in ("check", "status", "detail", "fix"):
                table.add_column(col, overflow="fold")
            for c in checks:
                table.add_row(c.name, "[green]ok[/green]" if c.ok else "[red]FAIL[/red]", c.detail, c.fix)
            console.print(table)
        if not all(c.ok for c in checks):
            raise typer.Exit(1)
