"""`copilot ask "..."`: stream an answer, then its sources and any pending approval
(decide it with `copilot approvals`, see approvals.py)."""

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
from copilot.graph.contract import AnswerCollector, TurnFailed
from copilot.types import Citation


def _service(config, profile, set_):
    from copilot.services import build_services

    return build_services(get_settings(config, profile, set_)).copilot


def _print_sources(citations: list[Citation]) -> None:
    if not citations:
        return
    console.print("\n[bold]Sources[/bold]")
    for c in citations:
        where = c.location()
        console.print(f"  [{c.marker}] {c.title}" + (f" ({where})" if where else ""), highlight=False)


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
        except (ValueError, PermissionError) as exc:  # bad input, or another user's thread
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        collector = AnswerCollector()
        try:
            for ev in events:
                if ev.type == "route" and not json_out:
                    err_console.print(f"[dim]route: {ev.data['route']} ({ev.data['method']}, "
                                      f"{ev.data['confidence']:.2f})[/dim]")
                elif ev.type == "token" and not json_out:
                    sys.stdout.write(ev.data["text"])
                    sys.stdout.flush()
                else:
                    collector.feed(ev)
            answer = collector.result()
        except TurnFailed as exc:
            err_console.print(f"\n[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
        data = answer.model_dump(mode="json")
        if json_out:
            print_json(data)
            return
        sys.stdout.write("\n")
        _print_sources(answer.citations)
        if data.get("approval"):
            _print_approval(data["approval"])
        err_console.print(f"[dim]thread: {data['thread_id']}[/dim]")
