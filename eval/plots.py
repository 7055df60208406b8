"""PNG plots for evaluation reports (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _bars(ax: Any, groups: list[str], series: dict[str, list[float]], ylabel: str) -> None:
    n = max(1, len(series))
    width = 0.8 / n
    for i, (name, vals) in enumerate(series.items()):
        xs = [x + i * width - 0.4 + width / 2 for x in range(len(groups))]
        ax.bar(xs, vals, width=width, label=name)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")


def retrieval_plots(report: dict[str, Any], folder: Path, stem: str) -> list[Path]:
    """Metric bars by mode and a latency box plot per mode."""
    modes = report["modes"]
    names = report.get("metric_names") or list(next(iter(modes.values()))["metrics"])
    out = []
    fig, ax = plt.subplots(figsize=(8, 4))
    _bars(ax, names, {m: [r["metrics"].get(n) or 0.0 for n in names] for m, r in modes.items()}, "score")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Retrieval metrics by mode ({report['dataset']['queries']} queries)")
    fig.tight_layout()
    out.append(folder / f"{stem}_metrics.png")
    fig.savefig(out[-1], dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    data = [[q["latency_s"] * 1000 for q in r["per_query"]] or [0.0] for r in modes.values()]
    ax.boxplot(data)
    ax.set_xticks(range(1, len(modes) + 1))
    ax.set_xticklabels(list(modes))
    ax.set_ylabel("latency per query (ms)")
    ax.set_title("Search latency by mode")
    fig.tight_layout()
    out.append(folder / f"{stem}_latency.png")
    fig.savefig(out[-1], dpi=100)
    plt.close(fig)
    return out


ANSWER_BARS = ("routing_accuracy", "outcome_accuracy", "citation_validity", "marker_rate", "citation_recall",
               "fact_recall_exact", "fact_recall_semantic", "judge_grounded_rate")


def answer_plots(report: dict[str, Any], folder: Path, stem: str) -> list[Path]:
    """Per-agent score bars and a histogram of total answer time (with TTFT)."""
    out = []
    agents = {"all": report["metrics"], **report.get("per_agent", {})}
    fig, ax = plt.subplots(figsize=(9, 4))
    _bars(ax, list(ANSWER_BARS), {a: [m.get(n) or 0.0 for n in ANSWER_BARS] for a, m in agents.items()}, "score")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Answer metrics per agent ({report['metrics']['n']} items)")
    fig.tight_layout()
    out.append(folder / f"{stem}_agents.png")
    fig.savefig(out[-1], dpi=100)
    plt.close(fig)

    items = report.get("per_item", [])
    fig, ax = plt.subplots(figsize=(6, 4))
    totals = [it["total_s"] for it in items if it.get("total_s") is not None]
    ttfts = [it["ttft_s"] for it in items if it.get("ttft_s") is not None]
    if totals:
        ax.hist(totals, bins=min(20, max(3, len(totals))), alpha=0.7, label="total")
    if ttfts:
        ax.hist(ttfts, bins=min(20, max(3, len(ttfts))), alpha=0.7, label="time to first token")
    ax.set_xlabel("seconds")
    ax.set_ylabel("items")
    ax.set_title("Answer latency distribution")
    if totals or ttfts:
        ax.legend()
    fig.tight_layout()
    out.append(folder / f"{stem}_latency.png")
    fig.savefig(out[-1], dpi=100)
    plt.close(fig)
    return out


def make_plots(report: dict[str, Any], folder: Path, stem: str) -> list[Path]:
    """All plots for a report; returns the PNG paths."""
    folder.mkdir(parents=True, exist_ok=True)
    if report["kind"] == "retrieval":
        return retrieval_plots(report, folder, stem)
    return answer_plots(report, folder, stem)
