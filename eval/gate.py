"""CI gate: run the checks named in eval/thresholds.yaml and list every metric below its minimum.

Run as ``copilot eval gate [--quick]`` or ``python -m copilot.eval.gate [--quick]``. Paths in the YAML are
relative to the project root; a path starting with ``shared:`` is relative to the shared open-data
folder (``COPILOT_SHARED_DATA`` or ``../shared/data``). Checks whose data is missing are skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from copilot.config import PROJECT_ROOT, Settings, load_settings
from copilot.eval.report import headline, write_report
from copilot.eval.retrieval_eval import build_temp_index

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.yaml"


def resolve(path: str) -> Path:
    """Project-relative path, or shared-data-relative for ``shared:...``."""
    if path.startswith("shared:"):
        base = Path(os.environ.get("COPILOT_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
        return base / path.removeprefix("shared:").lstrip("/")
    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p


def check(metrics: dict[str, float], minimum: dict[str, float] | None = None,
          maximum: dict[str, float] | None = None) -> list[str]:
    """Failures: a metric below its minimum, above its maximum, or missing from the report."""
    failures = []
    for name, floor in (minimum or {}).items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: missing from the report (minimum {floor})")
        elif value < floor:
            failures.append(f"{name}: {value:.3f} < minimum {floor}")
    for name, ceiling in (maximum or {}).items():
        value = metrics.get(name)
        if value is not None and value > ceiling:
            failures.append(f"{name}: {value:.3f} > maximum {ceiling}")
    return failures


def load_thresholds(path: Path | None = None) -> dict[str, Any]:
    path = Path(path or DEFAULT_THRESHOLDS)
    if not path.is_file():
        raise FileNotFoundError(f"thresholds file not found: {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must hold a mapping with 'retrieval' and/or 'answers'")
    return data


def run_gate(settings: Settings, *, quick: bool = False, thresholds_path: Path | None = None,
             output_dir: Path | None = None, skip_answers: bool = False, embedder: Any = None, llm: Any = None,
             echo: Callable[[str], Any] = print) -> list[str]:
    """Run every configured check; return the failures (empty means the gate passes)."""
    spec = load_thresholds(thresholds_path)
    failures: list[str] = []
    if embedder is None:
        from copilot.retrieval.embedder import build_embedder

        embedder = build_embedder(settings)
    with tempfile.TemporaryDirectory(prefix="copilot-gate-") as tmp:
        indexes: dict[Path, tuple[Settings, Any]] = {}

        def index_for(docs: Path) -> tuple[Settings, Any]:
            """One temporary index per docs folder, shared by retrieval and answer checks."""
            if docs not in indexes:
                indexes[docs] = build_temp_index(settings, [docs], Path(tmp) / str(len(indexes)), embedder,
                                                 progress=False)
            return indexes[docs]

        failures += _run_checks(spec, settings, quick, skip_answers, output_dir, embedder, llm, index_for, echo)
    for f in failures:
        echo(f"  - {f}")
    return failures


def _run_checks(spec: dict[str, Any], settings: Settings, quick: bool, skip_answers: bool, output_dir: Path | None,
                embedder: Any, llm: Any, index_for: Callable[[Path], tuple[Settings, Any]],
                echo: Callable[[str], Any]) -> list[str]:
    from copilot.eval.run import answers_run, retrieval_run

    failures: list[str] = []
    for name, cfg in (spec.get("retrieval") or {}).items():
        dataset, docs = resolve(cfg["dataset"]), resolve(cfg["docs"]) if cfg.get("docs") else None
        if not dataset.is_dir() or (docs is not None and not docs.exists()):
            echo(f"[skip] retrieval {name}: {dataset} or {docs} not found")
            continue
        modes = cfg.get("modes", ["bm25", "dense", "hybrid"])
        report = retrieval_run(settings, dataset, docs=docs, modes=modes, k=cfg.get("k", 10), embedder=embedder,
                               progress=False, command=f"eval gate: retrieval {name}",
                               prebuilt=index_for(docs) if docs is not None else None)
        found = check(headline(report), cfg.get("min"), cfg.get("max"))
        failures += [f"retrieval {name}: {f}" for f in found]
        echo(f"[{'FAIL' if found else 'ok'}] retrieval {name}: " + ", ".join(
            f"{k}={v:.3f}" for k, v in headline(report).items() if k in (cfg.get("min") or {})))
        if output_dir:
            write_report(report, Path(output_dir) / f"gate_retrieval_{name}.json")
    acfg = spec.get("answers")
    if acfg and not skip_answers:
        overrides = acfg.get("quick_settings" if quick else "settings") or {}
        run_settings = load_settings(profile=settings.profile, overrides=_merge(settings, overrides)) if overrides \
            else settings
        ids = acfg.get("quick_ids" if quick else "ids") or acfg.get("ids")
        adocs = resolve(acfg["docs"]) if acfg.get("docs") else None
        report = answers_run(run_settings, resolve(acfg["dataset"]), ids=ids, judge=bool(acfg.get("judge", False)),
                             docs=adocs, llm=llm, embedder=embedder, progress=False, command="eval gate: answers",
                             prebuilt=index_for(adocs) if adocs is not None else None)
        found = check(headline(report), acfg.get("min"), acfg.get("max"))
        failures += [f"answers: {f}" for f in found]
        echo(f"[{'FAIL' if found else 'ok'}] answers ({report['metrics']['n']} items): " + ", ".join(
            f"{k}={v:.3f}" for k, v in headline(report).items() if k in (acfg.get("min") or {})))
        if output_dir:
            write_report(report, Path(output_dir) / "gate_answers.json")
    return failures


def _merge(settings: Settings, dotted: dict[str, Any]) -> dict[str, Any]:
    """Current settings as a dict with ``section.field`` overrides applied."""
    data = settings.model_dump(mode="json")
    data.pop("profile", None)
    for key, value in dotted.items():
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return data


def main(argv: list[str] | None = None) -> int:
    """``python -m copilot.eval.gate``: exit 1 when a metric is below its threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--thresholds", type=Path)
    parser.add_argument("--output-dir", type=Path)
    parser.add_argument("--skip-answers", action="store_true")
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    args = parser.parse_args(argv)
    settings = load_settings(overrides=args.overrides)
    failures = run_gate(settings, quick=args.quick, thresholds_path=args.thresholds, output_dir=args.output_dir,
                        skip_answers=args.skip_answers)
    print("gate failed" if failures else "gate passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
