"""`copilot audit verify|tail`: check the hash chain of the audit log, show recent records."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from copilot.commands.common import (
    ConfigOpt,
    ProfileOpt,
    SetOpt,
    console,
    err_console,
    get_settings,
    print_json,
)


def register(app: typer.Typer) -> None:
    audit = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)
    app.add_typer(audit, name="audit")

    @audit.command("verify")
    def verify_cmd(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Recompute the chain; exit 1 naming the first edited, deleted or reordered record."""
        from copilot.audit import AuditLog

        result = AuditLog(get_settings(config, profile, set_).db_path).verify()
        if result.ok:
            console.print(f"audit log OK: {result.records} records, chain intact")
            return
        err_console.print(f"[red]audit log TAMPERED:[/red] first bad record {result.first_bad}: {result.problem}")
        raise typer.Exit(1)

    @audit.command("tail")
    def tail_cmd(n: Annotated[int, typer.Option("-n", min=1, max=10000, help="Records to show.")] = 10,
                 thread: Annotated[str | None, typer.Option("--thread")] = None,
                 json_out: Annotated[bool, typer.Option("--json")] = False,
                 config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Show the last N records."""
        from copilot.audit import AuditLog

        records = AuditLog(get_settings(config, profile, set_).db_path).records(limit=n, thread_id=thread)
        if json_out:
            print_json(records)
            return
        for r in records:
            summary = json.dumps(r["payload"], ensure_ascii=False)[:160]
            console.print(f"#{r['seq']} {r['ts']} {r['kind']:<18} {r['thread_id'] or '-'} {summary}", highlight=False)
