"""Helpers shared by CLI commands: load settings with a clear error, print JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from copilot.config import Settings, SettingsError, load_settings

console = Console()
err_console = Console(stderr=True)

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="YAML settings file.", exists=False)]
ProfileOpt = Annotated[str | None, typer.Option("--profile", help="Settings profile: default or test.")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override a setting, e.g. --set llm.n_ctx=2048 (repeatable).")]


def get_settings(config: Path | None = None, profile: str | None = None, overrides: list[str] | None = None) -> Settings:
    """Load settings or exit with status 2 and a message naming the bad field. Files the command creates
    from here on are private to the user (umask 077: data files 0600, folders 0700)."""
    import os

    os.umask(0o077)
    try:
        return load_settings(profile=profile, config_file=config, overrides=overrides or [])
    except SettingsError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
