"""`copilot ingest PATH...`: load, chunk, embed and index files (incremental, crash-safe)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from copilot.commands.common import (
    ConfigOpt,
    ProfileOpt,
    SetOpt,
    console,
    err_console,
    get_settings,
    print_json,
)
from copilot.ingest.models import IngestReport


def render_report(report: IngestReport) -> None:
    """Summary table, then one line per failed file and per warning."""
    table = Table(title=f"Ingest summary ({report.seconds:.1f} s)")
    for col in ("added", "updated", "unchanged", "removed", "failed", "chunks in index", "new chunks", "documents"):
        table.add_column(col, justify="right")
    s = report.summary()
    table.add_row(*(str(s[k]) for k in ("added", "updated", "unchanged", "removed", "failed")),
                  str(s["chunks"]), str(s["new_chunks"]), str(s["documents"]))
    console.print(table)
    for f in report.files:
        if f.status == "failed":
            console.print(f"[red]FAILED[/red] {f.path}: {f.error}", highlight=False)
        for w in f.warnings:
            console.print(f"[yellow]warning[/yellow] {f.path}: {w}", highlight=False)
    if report.published:
        console.print(f"[green]published[/green] index generation {report.generation}")
    elif report.generation:
        console.print(f"index unchanged (generation {report.generation})")


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_cmd(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
        rebuild: Annotated[bool, typer.Option("--rebuild", help="Start a fresh index from these paths only.")] = False,
        prune: Annotated[bool, typer.Option("--prune", help="Drop indexed files that are gone from these folders.")] = False,
        json_out: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
        follow_symlinks: Annotated[bool, typer.Option(
            "--follow-symlinks", help="Also read symlinks that point outside the ingested folders.")] = False,
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """Ingest Markdown, text, PDF, HTML, DOCX, CSV, XLSX and JSON/JSONL files into the local index."""
        from copilot.ingest.pipeline import ingest_paths

        settings = get_settings(config, profile, set_)
        try:
            report = ingest_paths(settings, paths, rebuild=rebuild, prune=prune, progress=not json_out,
                                  follow_symlinks=follow_symlinks)
        except (TimeoutError, OSError, RuntimeError) as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
        if json_out:
            print_json(report.to_dict())
        else:
            render_report(report)
        if report.failed and not (report.count("added") + report.count("updated") + report.count("unchanged")):
            raise typer.Exit(1)
