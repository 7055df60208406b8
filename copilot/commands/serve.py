"""`copilot serve`: the HTTP API and the chat UI in one server."""

from __future__ import annotations

from typing import Annotated

import typer

from copilot.commands.common import ConfigOpt, ProfileOpt, SetOpt, console, err_console, get_settings


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
              host: Annotated[str | None, typer.Option("--host", help="Bind address (default 127.0.0.1).")] = None,
              port: Annotated[int | None, typer.Option("--port", help="TCP port (default 8000).")] = None,
              no_ui: Annotated[bool, typer.Option("--no-ui", help="Serve the API only.")] = False,
              skip_index: Annotated[bool, typer.Option("--skip-index", help="Do not update the index first.")] = False,
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
        uvicorn.run(application, host=settings.server.host, port=settings.server.port, log_level="info")
