"""`copilot serve`: the HTTP API and the chat UI in one server; ``--workers N`` runs N processes.

Several workers need ``storage.url`` (PostgreSQL): every piece of state that matters then lives in
the database (approvals, records, audit chain, conversation checkpoints) or in immutable index
generations on the shared data dir, which each worker picks up on its next search.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from copilot.commands.common import ConfigOpt, ProfileOpt, SetOpt, console, err_console, get_settings


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
              host: Annotated[str | None, typer.Option("--host", help="Bind address (default 127.0.0.1).")] = None,
              port: Annotated[int | None, typer.Option("--port", help="TCP port (default 8000).")] = None,
              no_ui: Annotated[bool, typer.Option("--no-ui", help="Serve the API only.")] = False,
              skip_index: Annotated[bool, typer.Option("--skip-index", help="Do not update the index first.")] = False,
              workers: Annotated[int, typer.Option("--workers", min=1, max=64,
                                                   help="API worker processes (more than 1 needs storage.url).")] = 1,
              ) -> None:
        """Bring the index up to date, then serve the API (/docs) and the chat UI (/chat)."""
        import uvicorn

        from copilot.server import create_app
        from copilot.services.auth import keys_path

        overrides = list(set_ or [])
        if host:
            overrides.append(f"server.host={host}")
        if port:
            overrides.append(f"server.port={port}")
        settings = get_settings(config, profile, overrides)
        if workers > 1 and not settings.storage.url:
            err_console.print("[red]error:[/red] --workers > 1 needs a shared database: set storage.url to a "
                              "postgresql:// URL (SQLite keeps one process)")
            raise typer.Exit(2)
        if not skip_index:
            from copilot.ingest.pipeline import ensure_index

            report = ensure_index(settings, progress=True)
            console.print(f"index: {report.summary()}")
        application = create_app(settings, ui=not no_ui)
        base = f"http://{settings.server.host}:{settings.server.port}"
        if settings.server.host not in ("127.0.0.1", "localhost", "::1"):
            err_console.print(f"[yellow]warning:[/yellow] listening on {settings.server.host}: reachable from the network")
        console.print(f"\n[bold]Chat UI:[/bold]  {base}{settings.server.ui_path}")
        console.print(f"[bold]API docs:[/bold] {base}/docs   (OpenAI-compatible base URL: {base}/v1)")
        creds = application.state.initial_credentials
        if creds:
            console.print("\n[bold]First start: these logins are shown ONCE (stored hashed in "
                          f"{keys_path(settings)}). Save them now.[/bold]")
            for user, c in creds.items():
                typer.echo(f"  {user:<9} role={c['role']:<9} UI password: {c['password']}   API key: {c['api_key']}")
            console.print("Log in to the UI with a user name and its password; send the API key as "
                          "'Authorization: Bearer <key>'.\n")
        elif settings.auth.enabled:
            console.print(f"Log in with the users and keys printed at first start (store: {keys_path(settings)}; "
                          "delete it to generate new ones).\n")
        if workers == 1:
            uvicorn.run(application, host=settings.server.host, port=settings.server.port, log_level="info")
            return
        os.environ[WORKER_ENV] = json.dumps({"config": str(config) if config else None, "profile": profile,
                                             "overrides": overrides, "ui": not no_ui})
        console.print(f"starting {workers} workers on {base} (database: storage.url)")
        # a worker busy loading the model or ingesting must not be taken for dead (uvicorn's default is 5 s)
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, host=settings.server.host,
                    port=settings.server.port, log_level="info", timeout_worker_healthcheck=120)


WORKER_ENV = "COPILOT_SERVE_WORKER"


def worker_app() -> Any:
    """The app of one ``--workers`` process, built from the settings the parent was started with."""
    from copilot.server import create_app

    args = json.loads(os.environ[WORKER_ENV])
    config = Path(args["config"]) if args["config"] else None
    settings = get_settings(config, args["profile"], args["overrides"])
    return create_app(settings, ui=args["ui"])
