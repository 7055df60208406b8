"""`copilot ask "..."`: stream an answer, then its sources and any pending approval;
`copilot approvals list|show|approve|reject`: decide what the copilot proposed."""

from __future__ import annotations

import json
import sys
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


def _service(config, profile, set_):
    from copilot.graph.service import CopilotService

    return CopilotService(get_settings(config, profile, set_))


def _print_sources(citations: list[dict]) -> None:
    if not citations:
        return
    console.print("\n[bold]Sources[/bold]")
    for c in citations:
        where = ", ".join(x for x in (
            c.get("section") and f"section {c['section']}", c.get("page") is not None and f"page {c['page']}",
            c.get("sheet") and f"sheet {c['sheet']}", c.get("row") is not None and f"row {c['row']}",
            c.get("revision") and f"rev {c['revision']}") if x)
        console.print(f"  [{c['marker']}] {c['title']}" + (f" ({where})" if where else ""), highlight=False)


def _print_approval(a: dict) -> None:
    console.print(f"\n[bold yellow]Pending approval {a['id']}[/bold yellow] ({a['kind']}): {a.get('summary', '')}",
                  highlight=False)
    console.print(json.dumps(a["payload"], indent=2, ensure_ascii=False), highlight=False)
    console.print(f"Approve with: copilot approvals approve {a['id']} --as NAME")


def register(app: typer.Typer) -> None:
    @app.command("ask")
    def ask_cmd(
        question: Annotated[str, typer.Argument(help="Your question.")],
        agent: Annotated[str | None, typer.Option("--agent", help="readiness | governance | maintenance | general | auto")] = None,
        thread: Annotated[str | None, typer.Option("--thread", help="Continue this conversation thread.")] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print the full Answer as JSON.")] = False,
        user: Annotated[str, typer.Option("--user", help="Who asks (recorded in the audit log).")] = "cli",
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """Ask the copilot; tokens stream to the terminal, then sources and any pending approval."""
        svc = _service(config, profile, set_)
        try:
            events = svc.stream(question, thread_id=thread, agent=agent, user=user)
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        for ev in events:
            if ev.type == "route" and not json_out:
                err_console.print(f"[dim]route: {ev.data['route']} ({ev.data['method']}, {ev.data['confidence']:.2f})[/dim]")
            elif ev.type == "token" and not json_out:
                sys.stdout.write(ev.data["text"])
                sys.stdout.flush()
            elif ev.type == "error":
                err_console.print(f"\n[red]error:[/red] {ev.data['message']}")
                raise typer.Exit(1)
            elif ev.type == "done":
                if json_out:
                    print_json(ev.data)
                    return
                sys.stdout.write("\n")
                _print_sources(ev.data["citations"])
                if ev.data.get("approval"):
                    _print_approval(ev.data["approval"])
                err_console.print(f"[dim]thread: {ev.data['thread_id']}[/dim]")

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
            raise typer.Exit(2) from exc
        if json_out:
            print_json([a.model_dump() for a in items])
            return
        for a in items:
            console.print(f"{a.id}  {a.kind:<15} {a.status:<9} {a.summary}", highlight=False)
        if not items:
            console.print("no approvals")

    def _decide(approval_id: str, decision: str, approver: str, comment: str | None, payload_json: str | None,
                config, profile, set_) -> None:
        svc = _service(config, profile, set_)
        edited = None
        if payload_json:
            try:
                edited = json.loads(payload_json)
            except json.JSONDecodeError as exc:
                err_console.print(f"[red]error:[/red] --payload is not valid JSON: {exc}")
                raise typer.Exit(2) from exc
        try:
            result = svc.decide(approval_id, "edit" if edited is not None else decision,  # type: ignore[arg-type]
                                approver=approver, comment=comment, edited_payload=edited)
        except KeyError as exc:
            err_console.print(f"[red]error:[/red] {exc.args[0]}")
            raise typer.Exit(1) from exc
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        console.print(f"{result.id}: {result.status} by {result.decided_by}", highlight=False)

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
