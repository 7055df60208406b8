"""Write evaluation reports (JSON + Markdown + PNG plots) and compare two runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from copilot.eval.metrics import RETRIEVAL_METRICS

LOWER_IS_BETTER = ("latency", "ttft", "total_", "errors", "answers_with_unsourced", "unsourced_")


def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def headline(report: dict[str, Any]) -> dict[str, float]:
    """Flat ``name -> number`` view of a report's summary metrics, used by compare and the gate."""
    out: dict[str, float] = {}
    if report.get("kind") == "retrieval":
        for mode, res in report["modes"].items():
            for name, v in res["metrics"].items():
                if v is not None:
                    out[f"{mode}.{name}"] = float(v)
            for name in ("p50", "p95"):
                if res["latency"].get(name) is not None:
                    out[f"{mode}.latency_{name}_s"] = float(res["latency"][name])
    elif report.get("kind") == "answers":
        for name, v in report["metrics"].items():
            if isinstance(v, int | float) and not isinstance(v, bool) and name != "n":
                out[name] = float(v)
        for prefix, groups in (("", report.get("per_agent", {})), ("shape:", report.get("per_shape", {}))):
            for group, m in groups.items():
                for name, v in m.items():
                    if isinstance(v, int | float) and not isinstance(v, bool) and name not in ("n", "errors"):
                        out[f"{prefix}{group}.{name}"] = float(v)
    return out


def lower_is_better(name: str) -> bool:
    leaf = name.split(".")[-1]
    return leaf.startswith(LOWER_IS_BETTER)


def compare(new: dict[str, Any], old: dict[str, Any], tolerance: float = 0.02,
            latency_tolerance: float = 0.25) -> list[dict[str, Any]]:
    """Deltas of every shared headline metric; ``regression`` when worse beyond the tolerance.

    Scores regress when they drop by more than ``tolerance`` (absolute); latencies when they grow
    by more than ``latency_tolerance`` (relative); tokens/s when it drops by more than that share.
    """
    a, b = headline(new), headline(old)
    rows = []
    for name in sorted(set(a) & set(b)):
        delta = a[name] - b[name]
        if lower_is_better(name):
            worse = b[name] > 0 and delta / b[name] > latency_tolerance
        elif name.endswith("tokens_per_s"):
            worse = b[name] > 0 and -delta / b[name] > latency_tolerance
        else:
            worse = delta < -tolerance
        rows.append({"metric": name, "old": b[name], "new": a[name], "delta": delta, "regression": worse})
    return rows


def compare_markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| metric | old | new | delta | |", "|---|---|---|---|---|"]
    for r in rows:
        flag = "REGRESSION" if r["regression"] else ""
        lines.append(f"| {r['metric']} | {_fmt(r['old'])} | {_fmt(r['new'])} | {r['delta']:+.3f} | {flag} |")
    return "\n".join(lines)


def retrieval_markdown(report: dict[str, Any]) -> list[str]:
    modes = report["modes"]
    names = report.get("metric_names", list(RETRIEVAL_METRICS))
    lines = ["| mode | " + " | ".join(names) + " | p50 s | p95 s |", "|---" * (len(names) + 3) + "|"]
    for mode, res in modes.items():
        vals = [_fmt(res["metrics"].get(n)) for n in names]
        lat = res["latency"]
        lines.append(f"| {mode} | " + " | ".join(vals) + f" | {_fmt(lat['p50'])} | {_fmt(lat['p95'])} |")
    ds = report["dataset"]
    lines.append("")
    how = ("retriever's document ranking" if ds.get("doc_ranking") else f"fetch {ds['fetch_k']} chunks")
    lines.append(f"{ds['queries']} queries, {ds['level']}-level qrels, k={ds['k']} ({how}).")
    return lines


def answers_markdown(report: dict[str, Any]) -> list[str]:
    m = report["metrics"]
    keys = [k for k in m if k != "n"]
    lines = ["| metric | all | " + " | ".join(report["per_agent"]) + " |",
             "|---|---|" + "---|" * len(report["per_agent"])]
    for k in keys:
        row = [_fmt(report["per_agent"][a].get(k)) for a in report["per_agent"]]
        lines.append(f"| {k} | {_fmt(m[k])} | " + " | ".join(row) + " |")
    lines.append(f"| items | {m['n']} | " + " | ".join(str(v["n"]) for v in report["per_agent"].values()) + " |")
    lines += ["", *shape_markdown(report)]
    lines += ["", "Weakest items:", ""]
    for it in weakest_items(report, 5):
        lines.append(f"- `{it['id']}` ({it['agent']}, expect {it['expect']}): {it['why']}")
    return lines


SHAPE_COLUMNS = ("essential_fact_recall_exact", "essential_fact_recall_semantic", "essential_fact_recall_entailment",
                 "unanswerable_abstained", "unanswerable_n", "answers_with_unsourced_figure", "outcome_accuracy",
                 "citation_recall", "ttft_p50")


def shape_markdown(report: dict[str, Any]) -> list[str]:
    """Per answer-shape table (fault, procedure, information, aggregate, governance_tier, readiness, ...)."""
    shapes = report.get("per_shape") or {}
    if not shapes:
        return []
    lines = ["Per answer shape:", "", "| shape | n | " + " | ".join(SHAPE_COLUMNS) + " |",
             "|---|---|" + "---|" * len(SHAPE_COLUMNS)]
    for name, m in shapes.items():
        lines.append(f"| {name} | {m['n']} | " + " | ".join(_fmt(m.get(c)) for c in SHAPE_COLUMNS) + " |")
    return lines


def weakest_items(report: dict[str, Any], n: int = 5) -> list[dict[str, Any]]:
    """Items with the lowest combined score, each with a short reason."""
    scored = []
    for it in report.get("per_item", []):
        reasons = []
        if it.get("error"):
            reasons.append(f"error: {it['error'][:80]}")
        if it.get("outcome_correct") is False and not (it.get("unanswerable") and it.get("expect") == "answer"):
            reasons.append(f"expected {it['expect']}, got {it.get('outcome', 'nothing')}")
        if it.get("unanswerable") and it.get("abstained") is False:
            reasons.append("answered a question the documents cannot answer")
        if it.get("route_correct") is False:
            reasons.append(f"routed to {it.get('route')}")
        fr = it.get("fact_recall_semantic", it.get("fact_recall_exact"))
        if fr is not None and fr < 1:
            missing = [f["fact"] for f in it.get("facts", []) if not f["exact"]]
            reasons.append(f"fact recall {fr:.2f} (missing e.g. {missing[:2]})")
        if it.get("citation_validity") is not None and it["citation_validity"] < 1:
            reasons.append(f"citation validity {it['citation_validity']:.2f}")
        if it.get("citation_recall") == 0:
            reasons.append(f"cited {it.get('cited')} instead of {it.get('gold_sources')}")
        if it.get("unsourced_figures"):
            reasons.append(f"figures in no shown source: {it['unsourced_figures'][:4]}")
        if it.get("judge_grounded") is False:
            reasons.append(f"judge: {it.get('judge_unsupported_claims')} unsupported claim(s)")
        if reasons:
            scored.append((len(reasons) + (1 - (fr or 0)), {**it, "why": "; ".join(reasons)}))
    scored.sort(key=lambda p: -p[0])
    return [it for _, it in scored[:n]]


def to_markdown(report: dict[str, Any], plots: list[Path] | None = None) -> str:
    info = report.get("info", {})
    title = "Retrieval evaluation" if report["kind"] == "retrieval" else "Answer evaluation"
    lines = [f"# {title}", "", f"- created: {info.get('created', '')}", f"- git: {info.get('git_revision', '')}",
             f"- model: {info.get('model', {}).get('name', '')}; embedder: {info.get('embedder', '')}",
             f"- index: {info.get('index', {})}", f"- command: `{info.get('command', '')}`", ""]
    lines += retrieval_markdown(report) if report["kind"] == "retrieval" else answers_markdown(report)
    for p in plots or []:
        lines += ["", f"![{p.stem}]({p.name})"]
    if report.get("comparison"):
        lines += ["", "## Compared with " + report.get("compared_with", ""), "", compare_markdown(report["comparison"])]
    return "\n".join(lines) + "\n"


def write_report(report: dict[str, Any], path: Path) -> dict[str, Path | list[Path]]:
    """Write PATH.json, PATH.md and PNG plots beside it; return the written paths."""
    from copilot.eval.plots import make_plots

    path = Path(path)
    if path.suffix != ".json":
        path = path.with_suffix(".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    plots = make_plots(report, path.parent, path.stem)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    md = path.with_suffix(".md")
    md.write_text(to_markdown(report, plots), encoding="utf-8")
    return {"json": path, "md": md, "plots": plots}


def load_report(path: Path) -> dict[str, Any]:
    """Read a report JSON written by :func:`write_report`, with a precise error."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read report {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("kind") not in ("retrieval", "answers"):
        raise ValueError(f"{path} is not an eval report (missing kind retrieval|answers)")
    return data
