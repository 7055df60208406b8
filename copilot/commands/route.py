"""`copilot route "..."`: show where a request would go (without answering); `--eval` scores the router."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

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
from copilot.config import Settings


class LazyLLM:
    """Builds the configured LLM on first use, so routing that needs no tie-break never loads a model."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._llm: Any = None
        self._lock = threading.Lock()
        self.name = f"lazy:{settings.llm.backend}"
        self.loaded = False

    def _get(self) -> Any:
        with self._lock:
            if self._llm is None:
                from copilot.llm.factory import build_llm

                self._llm = build_llm(self._settings)
                self.loaded = True
            return self._llm

    def chat(self, messages: Any, **kwargs: Any) -> Any:
        return self._get().chat(messages, **kwargs)

    def stream(self, messages: Any, **kwargs: Any) -> Any:
        return self._get().stream(messages, **kwargs)


def _build_router(settings: Settings, use_llm: bool, examples: list[Path] | None) -> Any:
    from copilot.agents.router import Router
    from copilot.retrieval.embedder import build_embedder

    llm = LazyLLM(settings) if use_llm else None
    return Router(settings, build_embedder(settings), llm=llm, examples_path=examples or None)


def register(app: typer.Typer) -> None:
    @app.command("route")
    def route_cmd(
        text: Annotated[str | None, typer.Argument(help="The request to route.")] = None,
        agent: Annotated[str | None, typer.Option("--agent", help="Force an agent: readiness, governance, "
                                                  "maintenance, general, out_of_scope.")] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
        evaluate: Annotated[bool, typer.Option("--eval", help="Score the router on the test split instead.")] = False,
        dataset: Annotated[Path | None, typer.Option("--dataset", help="Labelled routing JSONL for --eval "
                                                     "(default eval/datasets/routing.jsonl).")] = None,
        split: Annotated[str, typer.Option("--split", help="Split evaluated by --eval.")] = "test",
        examples: Annotated[list[Path] | None, typer.Option("--examples", help="Training example JSONL "
                                                            "(repeatable; default: the bundled routing sets).")] = None,
        use_llm: Annotated[bool, typer.Option("--llm/--no-llm", help="Let the LLM break ties when unsure.")] = True,
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """Print the chosen route, confidence, method and per-route scores (no answer is generated)."""
        from copilot.agents.routing_eval import evaluate_routing, format_confusion
        from copilot.agents.routing_examples import DEFAULT_EXAMPLE_FILES, load_items

        settings = get_settings(config, profile, set_)
        if evaluate:
            path = dataset or DEFAULT_EXAMPLE_FILES[0]
            try:
                items = load_items(path, split=split)
                router = _build_router(settings, use_llm, examples)
                report = evaluate_routing(router, items)
            except (OSError, ValueError) as exc:
                err_console.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(1) from exc
            if json_out:
                print_json(report)
                return
            console.print(f"routing accuracy on {path} (split {split}): "
                          f"[bold]{report['accuracy']:.1%}[/bold] ({report['correct']}/{report['n']})")
            console.print(f"methods: {report['methods']}")
            typer.echo(format_confusion(report["confusion"]))
            for err in report["errors"]:
                typer.echo(f"  wrong: {err['gold']} -> {err['pred']} ({err['method']}, {err['confidence']:.2f}): "
                           f"{err['text']}")
            return
        if not text or not text.strip():
            err_console.print("[red]error:[/red] give the request to route, e.g. copilot route \"pump P-101 trips\"")
            raise typer.Exit(2)
        try:
            router = _build_router(settings, use_llm, examples)
            decision = router.route(text, explicit=agent)
        except (OSError, ValueError) as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        if json_out:
            print_json(decision.model_dump())
            return
        console.print(f"route: [bold]{decision.route}[/bold]  confidence: {decision.confidence:.2f}  "
                      f"method: {decision.method}")
        table = Table(title="scores")
        table.add_column("route")
        table.add_column("score", justify="right")
        for r, s in sorted(decision.scores.items(), key=lambda kv: -kv[1]):
            table.add_row(r, f"{s:.3f}")
        console.print(table)
