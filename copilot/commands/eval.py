"""`copilot eval retrieval|answers|gate`: benchmark retrieval and answers, write comparable reports."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from copilot.commands.common import ConfigOpt, ProfileOpt, SetOpt, console, err_console, get_settings

OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write PATH.json, PATH.md and PNG plots beside it.")]
CompareOpt = Annotated[Path | None, typer.Option("--compare", help="An earlier report JSON: print deltas, flag regressions.")]
TolOpt = Annotated[float, typer.Option("--tolerance", help="Allowed absolute drop of a score before it counts as a regression.")]


def _finish(report: dict[str, Any], output: Path | None, compare_with: Path | None, tolerance: float,
            fail_on_regression: bool) -> None:
    from copilot.eval.report import compare, compare_markdown, load_report, to_markdown, write_report

    regressions = 0
    if compare_with is not None:
        try:
            old = load_report(compare_with)
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        rows = compare(report, old, tolerance=tolerance)
        report["comparison"], report["compared_with"] = rows, str(compare_with)
        regressions = sum(r["regression"] for r in rows)
    if output is not None:
        written = write_report(report, output)
        console.print(f"[green]wrote[/green] {written['json']}, {written['md']}, "
                      + ", ".join(str(p) for p in written["plots"]))
    else:
        console.print(to_markdown(report))
    if compare_with is not None:
        console.print(compare_markdown(report["comparison"]))
        if regressions:
            err_console.print(f"[yellow]{regressions} regression(s) beyond tolerance[/yellow]")
            if fail_on_regression:
                raise typer.Exit(1)


def _retrieval_table(report: dict[str, Any]) -> Table:
    names = report["metric_names"]
    table = Table(title=f"Retrieval ({report['dataset']['queries']} queries)")
    for col in ["mode", *names, "p50 ms"]:
        table.add_column(col, no_wrap=True)
    for mode, res in report["modes"].items():
        table.add_row(mode, *[f"{res['metrics'][n]:.3f}" if res["metrics"][n] is not None else "n/a" for n in names],
                      f"{(res['latency']['p50'] or 0) * 1000:.1f}")
    return table


def register(app: typer.Typer) -> None:
    eval_app = typer.Typer(help="Evaluate retrieval and answer quality; write comparable reports.", no_args_is_help=True)
    app.add_typer(eval_app, name="eval")

    @eval_app.command("retrieval")
    def retrieval_cmd(
        dataset: Annotated[Path, typer.Option("--dataset", help="BEIR folder: queries.jsonl, qrels/test.tsv, optional corpus.jsonl.")],
        docs: Annotated[Path | None, typer.Option("--docs", help="Ingest this folder into a temporary index instead of the configured one.")] = None,
        modes: Annotated[str, typer.Option("--modes", help="Comma-separated: bm25,dense,hybrid.")] = "bm25,dense,hybrid",
        k: Annotated[int, typer.Option("--k", min=1, max=200, help="Cut-off for the metrics.")] = 10,
        fetch_k: Annotated[int | None, typer.Option("--fetch-k", min=1, help="Chunks fetched per query (default 3 x k for doc-level).")] = None,
        level: Annotated[str, typer.Option("--level", help="doc (qrels name documents) or chunk (qrels name chunk ids).")] = "doc",
        split: Annotated[str, typer.Option("--split", help="Which qrels/<split>.tsv to score (e.g. dev or test).")] = "test",
        output: OutputOpt = None, compare_with: CompareOpt = None, tolerance: TolOpt = 0.02,
        fail_on_regression: Annotated[bool, typer.Option("--fail-on-regression", help="Exit 1 when --compare finds a regression.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """Recall@1/5/10, precision@5, MRR@10, nDCG@10, MAP and latency for every retrieval mode."""
        from copilot.eval.loaders import DatasetError
        from copilot.eval.retrieval_eval import parse_modes
        from copilot.eval.run import retrieval_run

        settings = get_settings(config, profile, set_)
        try:
            mode_list = parse_modes(modes)
            if level not in ("doc", "chunk"):
                raise ValueError(f"--level must be doc or chunk, got {level!r}")
            report = retrieval_run(settings, dataset, docs=docs, modes=mode_list, k=k, fetch_k=fetch_k, level=level,
                                   progress=not quiet, command=shlex.join(["copilot", *sys.argv[1:]]), split=split)
        except (DatasetError, ValueError) as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        console.print(_retrieval_table(report))
        _finish(report, output, compare_with, tolerance, fail_on_regression)

    @eval_app.command("answers")
    def answers_cmd(
        dataset: Annotated[Path, typer.Option("--dataset", help="Answers JSONL (see eval/datasets/README.md).")],
        limit: Annotated[int | None, typer.Option("--limit", min=1, help="Evaluate only the first N items.")] = None,
        agent: Annotated[str | None, typer.Option("--agent", help="Force this agent (and keep only its items).")] = None,
        ids: Annotated[list[str] | None, typer.Option("--id", help="Evaluate only these item ids (repeatable).")] = None,
        judge: Annotated[bool, typer.Option("--judge/--no-judge", help="Ask the LLM for a groundedness verdict.")] = True,
        entail: Annotated[bool, typer.Option("--entail/--no-entail", help="Per-fact entailment check by the LLM (yes/no per required fact).")] = True,
        split: Annotated[str | None, typer.Option("--split", help="Keep only items of this split (dev or heldout).")] = None,
        threshold: Annotated[float, typer.Option("--fact-threshold", help="Cosine similarity for the semantic fact match.")] = 0.7,
        docs: Annotated[Path | None, typer.Option("--docs", help="Answer over a temporary index of this folder.")] = None,
        output: OutputOpt = None, compare_with: CompareOpt = None, tolerance: TolOpt = 0.02,
        fail_on_regression: Annotated[bool, typer.Option("--fail-on-regression", help="Exit 1 when --compare finds a regression.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """Routing, citations, required facts, refusals/escalations, groundedness and speed per item and agent."""
        from copilot.eval.loaders import DatasetError
        from copilot.eval.run import answers_run

        settings = get_settings(config, profile, set_)
        try:
            report = answers_run(settings, dataset, limit=limit, agent=agent, judge=judge, threshold=threshold,
                                 docs=docs, ids=ids, progress=not quiet, split=split, entail=entail,
                                 command=shlex.join(["copilot", *sys.argv[1:]]),
                                 partial=output.with_suffix(".partial.jsonl") if output else None)
        except (DatasetError, ValueError) as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        _finish(report, output, compare_with, tolerance, fail_on_regression)

    @eval_app.command("entailment")
    def entailment_cmd(
        dataset: Annotated[Path, typer.Option("--dataset", help="Labelled fact/answer pairs JSONL (eval/datasets/entailment_labels.jsonl).")],
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write PATH.json and PATH.md.")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """Agreement of the per-fact entailment check with hand labels: accuracy, precision, recall, kappa."""
        import json

        from copilot.eval.entailment_agreement import agreement_markdown, load_labels, run_agreement
        from copilot.eval.loaders import DatasetError
        from copilot.eval.runinfo import run_info
        from copilot.llm.factory import build_llm

        settings = get_settings(config, profile, set_)
        try:
            pairs = load_labels(dataset)
        except DatasetError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        report = run_agreement(build_llm(settings), pairs, progress=not quiet)
        report["dataset"] = {"path": str(dataset), "pairs": len(pairs)}
        report["info"] = run_info(settings, command=shlex.join(["copilot", *sys.argv[1:]]))
        text = agreement_markdown(report)
        if output is not None:
            output = output.with_suffix(".json")
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
            output.with_suffix(".md").write_text("# Entailment check agreement\n\n" + text, encoding="utf-8")
            console.print(f"[green]wrote[/green] {output}, {output.with_suffix('.md')}")
        console.print(text)

    @eval_app.command("gate")
    def gate_cmd(
        quick: Annotated[bool, typer.Option("--quick", help="Fewer answer items and shorter answers.")] = False,
        thresholds: Annotated[Path | None, typer.Option("--thresholds", help="YAML of minimum metrics (default eval/thresholds.yaml).")] = None,
        output_dir: Annotated[Path | None, typer.Option("--output-dir", help="Write every report here.")] = None,
        skip_answers: Annotated[bool, typer.Option("--skip-answers", help="Retrieval checks only.")] = False,
        config: ConfigOpt = None, profile: ProfileOpt = None, set_: SetOpt = None,
    ) -> None:
        """CI gate: retrieval on the KB gold set and the NIST set, a small answer eval; exit 1 below a threshold."""
        from copilot.eval.gate import run_gate

        settings = get_settings(config, profile, set_)
        try:
            failures = run_gate(settings, quick=quick, thresholds_path=thresholds, output_dir=output_dir,
                                skip_answers=skip_answers, echo=console.print)
        except (FileNotFoundError, ValueError) as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        if failures:
            err_console.print(f"[red]gate failed:[/red] {len(failures)} metric(s) below threshold")
            raise typer.Exit(1)
        console.print("[green]gate passed[/green]")
