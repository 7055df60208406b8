"""`copilot approvals list|show|approve|edit|reject|deliveries`: decide what the copilot proposed.

Decisions go through the same durable path as the API: the first decision on a request wins, even
against a running server on the same data dir. Exit codes: 0 done, 1 unknown id, 2 bad input,
3 already decided (nothing changed).
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

EXIT_UNKNOWN, EXIT_BAD_INPUT, EXIT_CONFLICT = 1, 2, 3


def _service(config, profile, set_):
    from copilot.services import build_services

    return build_services(get_settings(config, profile, set_)).copilot


def _decide(approval_id: str, decision: str, approver: str, comment: str | None, payload_json: str | None,
            config, profile, set_) -> None:
    from copilot.actions.decisions import AlreadyDecided

    edited = None
    if payload_json:
        try:
            edited = json.loads(payload_json)
        except json.JSONDecodeError as exc:
            err_console.print(f"[red]error:[/red] --payload is not valid JSON: {exc}")
            raise typer.Exit(EXIT_BAD_INPUT) from exc
    svc = _service(config, profile, set_)
    try:
        result = svc.decide(approval_id, "edit" if edited is not None else decision,  # type: ignore[arg-type]
                            approver=approver, comment=comment, edited_payload=edited)
    except KeyError as exc:
        err_console.print(f"[red]error:[/red] {exc.args[0]}")
        raise typer.Exit(EXIT_UNKNOWN) from exc
    except AlreadyDecided as exc:
        err_console.print(f"[red]conflict:[/red] {exc}; a decision is final, nothing changed")
        raise typer.Exit(EXIT_CONFLICT) from exc
    except ValueError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    finally:
        svc.close()
    console.print(f"{result.id}: {result.status} by {result.decided_by}", highlight=False)


def register(app: typer.Typer) -> None:
    approvals = typer.Typer(help="List and decide approvals (work orders, decision records, reports).",
                            no_args_is_help=True)
    app.add_typer(approvals, name="approvals")

    @approvals.command("list")
    def list_cmd(status: Annotated[str, typer.Option("--status", help="pending | approved | rejected | all")] = "pending",
                 json_out: Annotated[bool, typer.Option("--json")] = False,
                 config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """List approvals."""
        svc = _service(config, profile, set_)
        try:
            items = svc.list_approvals(None if status == "all" else status)
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(EXIT_BAD_INPUT) from exc
        if json_out:
            print_json([a.model_dump() for a in items])
            return
        for a in items:
            console.print(f"{a.id}  {a.kind:<15} {a.status:<9} {a.requested_by or '-':<10} {a.summary}", highlight=False)
        if not items:
            console.print("no approvals")

    @approvals.command("show")
    def show_cmd(approval_id: str, config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Show one approval as JSON."""
        svc = _service(config, profile, set_)
        try:
            print_json(svc.get_approval(approval_id).model_dump())
        except KeyError as exc:
            err_console.print(f"[red]error:[/red] {exc.args[0]}")
            raise typer.Exit(EXIT_UNKNOWN) from exc

    @approvals.command("approve")
    def approve_cmd(approval_id: str, approver: Annotated[str, typer.Option("--as", help="Your name.")],
                    comment: Annotated[str | None, typer.Option("--comment")] = None,
                    payload: Annotated[str | None, typer.Option("--payload", help="Edited payload as JSON.")] = None,
                    config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Approve (optionally with an edited payload); the side effect happens exactly once."""
        _decide(approval_id, "approve", approver, comment, payload, config, profile, set_)

    @approvals.command("reject")
    def reject_cmd(approval_id: str, approver: Annotated[str, typer.Option("--as", help="Your name.")],
                   comment: Annotated[str | None, typer.Option("--comment")] = None,
                   config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Reject a proposal; nothing is recorded."""
        _decide(approval_id, "reject", approver, comment, None, config, profile, set_)

    @approvals.command("deliveries")
    def deliveries_cmd(wo_id: str, config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """The webhook delivery log of one work order (outbox state and every attempt)."""
        svc = _service(config, profile, set_)
        try:
            print_json(svc.webhook_deliveries(wo_id))
        except KeyError as exc:
            err_console.print(f"[red]error:[/red] {exc.args[0]}")
            raise typer.Exit(EXIT_UNKNOWN) from exc

    @approvals.command("deliver")
    def deliver_cmd(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None) -> None:
        """Attempt every due webhook delivery once now (the server does this in the background)."""
        svc = _service(config, profile, set_)
        recovered = svc.desk.recover()
        states = svc.desk.outbox.run_once()
        console.print(f"{len(states)} deliveries attempted: {', '.join(states) or '-'}; {recovered} threads told")
