"""Turn the ``PATH.partial.jsonl`` of an interrupted ``copilot eval answers --output PATH.json`` run into a report.

``python -m copilot.eval.from_partial RUN.partial.jsonl OUT.json [--set key=value]...``: the settings given
here are recorded as the run's settings (pass the same --set values as the interrupted run).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from copilot.config import load_settings
from copilot.eval.answer_eval import build_report
from copilot.eval.loaders import read_jsonl
from copilot.eval.report import write_report
from copilot.eval.runinfo import run_info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partial", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--judge", action="store_true", help="The interrupted run used the judge.")
    args = parser.parse_args(argv)
    records = read_jsonl(args.partial)
    if not records:
        print(f"error: {args.partial} holds no scored item", file=sys.stderr)
        return 2
    report = build_report(records, threshold=0.7, judge=args.judge,
                          entailment=any("fact_recall_entailment" in r for r in records))
    report["dataset"] = {"path": str(args.partial), "items": len(records), "partial": True}
    report["info"] = run_info(load_settings(overrides=args.overrides),
                              command=f"python -m copilot.eval.from_partial {args.partial} {args.output}")
    written = write_report(report, args.output)
    print(f"wrote {written['json']} ({len(records)} items)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
