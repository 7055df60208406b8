"""`copilot tables list|profile|load|ask`: the spreadsheets loaded as SQLite tables, and exact questions over them."""

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

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def register(app: typer.Typer) -> None:
    tables_app = typer.Typer(help="Spreadsheets as tables: list, profile, load, ask exact questions.",
                             no_args_is_help=True)
    app.add_typer(tables_app, name="tables")

    @tables_app.command("list")
    def list_cmd(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
                 json_out: JsonOpt = False) -> None:
        """Show the loaded tables with their source file, sheet, rows and columns."""
        from copilot.tables.store import list_profiles

        profiles = list_profiles(get_settings(config, profile, set_))
        if json_out:
            print_json([{"table": p.name, "doc_id": p.doc_id, "source": p.source, "sheet": p.sheet,
                         "rows": p.n_rows, "columns": p.column_names} for p in profiles])
            return
        if not profiles:
            console.print("No tables loaded. Ingest CSV/XLSX files or run `copilot tables load FILE`.")
            return
        t = Table(title="Tables")
        for col in ("table", "source", "sheet", "rows", "columns"):
            t.add_column(col)
        for p in profiles:
            t.add_row(p.name, p.source, p.sheet or "", str(p.n_rows), str(len(p.columns)))
        console.print(t)

    @tables_app.command("profile")
    def profile_cmd(table: Annotated[str, typer.Argument(help="Table name (see `copilot tables list`).")],
                    config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
                    json_out: JsonOpt = False) -> None:
        """Show a table's column profile: types, ranges, distinct values or samples."""
        from copilot.tables.store import list_profiles

        found = {p.name: p for p in list_profiles(get_settings(config, profile, set_))}
        if table not in found:
            err_console.print(f"[red]error:[/red] unknown table {table!r}; loaded: {', '.join(found) or 'none'}")
            raise typer.Exit(1)
        if json_out:
            print_json(found[table].model_dump())
            return
        console.print(found[table].describe(max_values=20), markup=False)

    @tables_app.command("load")
    def load_cmd(path: Annotated[Path, typer.Argument(help="A CSV or XLSX file.", exists=True, dir_okay=False)],
                 doc_id: Annotated[str | None, typer.Option(help="Document id; default: the file stem.")] = None,
                 config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Load (or reload) one CSV/XLSX file as tables, without indexing it for search."""
        from copilot.tables.store import TableStoreError, register_table_file

        try:
            profiles = register_table_file(get_settings(config, profile, set_), path, doc_id or path.stem)
        except (TableStoreError, OSError) as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
        for p in profiles:
            console.print(f"[green]ok[/green] {p.name}: {p.n_rows} rows, {len(p.columns)} columns")

    @tables_app.command("ask")
    def ask_cmd(question: Annotated[str, typer.Argument(help="A counting, filtering, ranking or aggregation question.")],
                config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
                json_out: JsonOpt = False) -> None:
        """Answer an exact question from the tables: prints the plan, the result and the answer."""
        from copilot.llm.factory import build_llm
        from copilot.retrieval.embedder import build_embedder
        from copilot.tables.service import TableQA

        settings = get_settings(config, profile, set_)
        qa = TableQA(settings, build_llm(settings), build_embedder(settings))
        ans = qa.answer(question)
        if ans is None:
            msg = "No loaded table fits this question (or no valid plan could be made)."
            if json_out:
                print_json({"answer": None, "message": msg})
            else:
                err_console.print(msg)
            raise typer.Exit(1)
        if json_out:
            print_json(ans.model_dump())
            return
        console.rule("plan")
        print_json(ans.plan)
        console.rule("result")
        res = Table(*ans.columns)
        for r in ans.rows[:20]:
            res.add_row(*("" if v is None else str(v) for v in r))
        console.print(res)
        console.rule("answer")
        console.print(ans.text, markup=False)
        for c in ans.citations:
            console.print(f"[{c.marker}] {c.title} row {c.row}" + (f", sheet {c.sheet}" if c.sheet else ""), markup=False)
