"""`copilot search "..."`: query the hybrid index and show ranked chunks with their provenance."""

from __future__ import annotations

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


def parse_filters(pairs: list[str] | None) -> dict[str, str | list[str]]:
    """``["site=north", "equipment=P-101,P-102"]`` -> {"site": "north", "equipment": ["P-101", "P-102"]}."""
    out: dict[str, str | list[str]] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise typer.BadParameter(f"filter {pair!r} must look like key=value")
        key, value = (p.strip() for p in pair.split("=", 1))
        if not key or not value:
            raise typer.BadParameter(f"filter {pair!r} must look like key=value")
        out[key] = [v.strip() for v in value.split(",") if v.strip()] if "," in value else value
    return out


def register(app: typer.Typer) -> None:
    @app.command("search")
    def search_cmd(
        query: Annotated[str, typer.Argument(help="What to look for.")],
        k: Annotated[int, typer.Option("--k", min=1, max=200, help="Number of results.")] = 6,
        mode: Annotated[str | None, typer.Option("--mode", help="hybrid | dense | bm25")] = None,
        filter_: Annotated[list[str] | None, typer.Option("--filter", help="key=value (repeatable; a,b = any of).")] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """Search the ingested documents (hybrid dense + BM25 + exact codes by default)."""
        from copilot.retrieval.index import open_retriever
        from copilot.retrieval.store import RetrievalIndexError

        settings = get_settings(config, profile, set_)
        if mode is not None and mode not in ("hybrid", "dense", "bm25"):
            err_console.print(f"[red]error:[/red] --mode must be hybrid, dense or bm25, not {mode!r}")
            raise typer.Exit(2)
        filters = parse_filters(filter_)
        retriever = open_retriever(settings)
        if retriever.count() == 0:
            err_console.print("[yellow]the index is empty:[/yellow] run `copilot ingest PATH` first")
            raise typer.Exit(1)
        try:
            hits = retriever.search(query, k=k, mode=mode, filters=filters or None)
        except RetrievalIndexError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
        if json_out:
            print_json([{"rank": h.rank, "score": h.score, "scores": h.scores, "chunk": h.chunk.model_dump()}
                        for h in hits])
            return
        if not hits:
            console.print("no results")
            return
        table = Table(title=f"{len(hits)} result(s) for {query!r}", show_lines=True)
        for col in ("#", "score", "doc", "title", "location", "snippet"):
            table.add_column(col, overflow="fold")
        for h in hits:
            snippet = " ".join(h.chunk.text.split())[:160]
            dense = f"\ncos {h.scores['dense']:.2f}" if "dense" in h.scores else ""
            table.add_row(str(h.rank), f"{h.score:.4f}{dense}", h.chunk.doc_id, h.chunk.title,
                          h.chunk.location() or h.chunk.source, snippet)
        console.print(table)
