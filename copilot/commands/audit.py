"""`copilot audit verify|tail`: check the keyed hash chain of the audit log, show recent records.

``verify`` only reads: it never creates the database or a key, never recreates a dropped trigger,
never moves the head anchor. Exit codes: 0 intact, 1 tampered, 2 cannot be checked (missing or
corrupt database, missing key).
"""

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
    audit = typer.Typer(help="The append-only, keyed hash-chained audit log.", no_args_is_help=True)
    app.add_typer(audit, name="audit")

    @audit.command("verify")
    def verify_cmd(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Recompute the keyed chain, check the triggers and the signed head; report, never repair."""
        from copilot.audit_verify import verify_audit
        from copilot.keys import settings_secrets_path

        settings = get_settings(config, profile, set_)
        result = verify_audit(settings.db_path, settings_secrets_path(settings))
        legacy = f" ({result.legacy} older records chained without a key)" if result.legacy else ""
        if result.ok:
            console.print(f"audit log OK: {result.records} records, keyed chain intact{legacy}", highlight=False)
            return
        if result.unreadable:
            err_console.print(f"[red]audit log CANNOT BE CHECKED:[/red] {result.problem}", highlight=False)
            raise typer.Exit(2)
        where = f"first bad record {result.first_bad}: " if result.first_bad else ""
        err_console.print(f"[red]audit log TAMPERED:[/red] {where}{result.problem}", highlight=False)
        raise typer.Exit(1)

    @audit.command("tail")
    def tail_cmd(n: Annotated[int, typer.Option("-n", min=1, max=10000, help="Records to show.")] = 10,
                 thread: Annotated[str | None, typer.Option("--thread")] = None,
                 json_out: Annotated[bool, typer.Option("--json")] = False,
                 config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Show the last N records."""
        import sqlite3

        from copilot.audit import AuditLog

        settings = get_settings(config, profile, set_)
        if not settings.storage.url and not settings.db_path.exists():  # type: ignore[union-attr]
            err_console.print(f"[red]error:[/red] no audit database at {settings.db_path}")
            raise typer.Exit(2)
        try:
            log = AuditLog.for_settings(settings)
            records = log.records(limit=n, thread_id=thread)
        except (sqlite3.DatabaseError, OSError) as exc:
            err_console.print(f"[red]error:[/red] the database {settings.db_path} cannot be read: {exc}")
            raise typer.Exit(2) from exc
        if json_out:
            print_json(records)
            return
        for r in records:
            summary = json.dumps(r["payload"], ensure_ascii=False)[:160]
            console.print(f"#{r['seq']} {r['ts']} {r['kind']:<18} {r.get('actor') or '-':<12} {r['thread_id'] or '-'} "
                          f"{summary}", highlight=False)
