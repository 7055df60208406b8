"""Routing on the answer sets written by others (blind2, blind3, fresh, blind4 dev): accuracy with the LLM
tie-break, per contender share (the share of the top score a route needs to be offered to the LLM).

    .venv/bin/python bench/bench_route_blind.py --share 0.3 --share 0.5

Held-out items of blind4 are skipped (kept aside). Prints accuracy per share and the items that differ.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from copilot.agents import router as router_mod
from copilot.commands.common import get_settings
from copilot.graph.deps import Deps

SETS = ("answers_blind2.jsonl", "answers_blind3.jsonl", "answers_fresh.jsonl", "answers_blind4.jsonl")


def items(root: Path) -> list[dict]:
    out = []
    for name in SETS:
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                if d.get("split", "").endswith("heldout") and name == "answers_blind4.jsonl":
                    continue
                if d.get("agent"):
                    out.append(d)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--share", type=float, action="append", required=True)
    args = ap.parse_args()
    deps = Deps(get_settings())
    router = deps.router
    data = items(Path(__file__).resolve().parents[1] / "eval" / "datasets")
    results: dict[float, list[str]] = {}
    for share in args.share:
        router_mod.CONTENDER_SHARE = share
        results[share] = [router.route(d["question"]).route for d in data]
        ok = sum(r == d["agent"] for r, d in zip(results[share], data, strict=True))
        print(f"share {share}: {ok}/{len(data)} = {ok / len(data):.3f}")
    shares = list(results)
    for i, d in enumerate(data):
        picks = [results[s][i] for s in shares]
        if len(set(picks)) > 1:
            print(d["id"], d["agent"], dict(zip(shares, picks, strict=True)), d["question"][:90])


if __name__ == "__main__":
    main()
