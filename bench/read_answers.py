"""Print real answers for reading (not scoring): question, route, answer text, withheld claims, abstention.

    .venv/bin/python bench/read_answers.py --dataset eval/datasets/answers.jsonl --n 20 [--ids a-m-001,...]

Uses the configured model and the index in the data dir (build it with `copilot ingest knowledge/`).
Answers go to stdout and, with --output, to a JSONL file for side-by-side reading before and after a change.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from copilot.config import load_settings
from copilot.jsonl import read_jsonl_lines
from copilot.services import build_services


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="eval/datasets/answers.jsonl")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--ids", default="", help="comma-separated item ids (default: the first --n items)")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--output", default=None)
    args = ap.parse_args(argv)
    items = [obj for _n, obj in read_jsonl_lines(Path(args.dataset))]
    if args.ids:
        wanted = set(args.ids.split(","))
        items = [i for i in items if i["id"] in wanted]
    items = items[: args.n]
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    svc = build_services(load_settings(overrides=overrides)).copilot
    out = open(args.output, "w", encoding="utf-8") if args.output else None  # noqa: SIM115
    try:
        for item in items:
            start = time.perf_counter()
            answer = svc.ask(item["question"], agent=item.get("agent_override"))
            took = time.perf_counter() - start
            print(f"=== {item['id']} [{answer.route}] {item['question']}\n{answer.text}")
            if answer.withheld_claims:
                print(f"--- withheld: {[w.figures for w in answer.withheld_claims]}")
            print(f"--- abstained={answer.abstained} expect={item.get('expect')} "
                  f"ttft={answer.timings.get('first_token')} total={took:.1f}s\n")
            if out:
                out.write(json.dumps({"id": item["id"], "question": item["question"], "text": answer.text,
                                      "abstained": answer.abstained,
                                      "withheld": [w.model_dump() for w in answer.withheld_claims],
                                      "timings": answer.timings}) + "\n")
    finally:
        svc.close()
        if out:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
