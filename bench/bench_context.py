"""How much of what an answer needs reaches the prompt, and at what prompt size (no generation).

For every answerable question of eval/datasets/answers.jsonl, retrieve as the graph does (the agent's
filters and extra queries), build the numbered sources under each context setting, and measure:

- essential facts present in the sources (the same normalised matching as the answer eval),
- gold documents present among the sources,
- prompt tokens the model must evaluate per request (the user turn; the shared system message is cached),
  and the implied prefill time at the measured prompt speed.

    .venv/bin/python bench/bench_context.py --prefill-tps 94
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.agents.base import AgentContext, grounded_messages  # noqa: E402
from copilot.agents.citations import build_sources  # noqa: E402
from copilot.config import load_settings  # noqa: E402
from copilot.eval.loaders import read_jsonl  # noqa: E402
from copilot.eval.textmatch import fact_found  # noqa: E402
from copilot.graph.deps import Deps  # noqa: E402
from copilot.graph.retrieve import search  # noqa: E402

# (label, budget tokens, token counter: "estimate" | "model", focus)
SETTINGS = [
    ("before: 600 estimated tokens, cut", 600, "estimate", False),
    ("600 model tokens, cut", 600, "model", False),
    ("600 model tokens, focused", 600, "model", True),
    ("500 model tokens, focused", 500, "model", True),
    ("450 model tokens, focused", 450, "model", True),
    ("400 model tokens, focused", 400, "model", True),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "answers.jsonl")
    ap.add_argument("--prefill-tps", type=float, default=94.0,
                    help="prompt evaluation speed for the implied prefill time (bench/bench_llm.py measures it)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "context.md")
    args = ap.parse_args()

    settings = load_settings(profile="default")
    deps = Deps(settings)
    items = read_jsonl(args.dataset)
    items = [i for i in items if i.get("expect") == "answer" and not i.get("unanswerable") and i.get("agent")
             in ("readiness", "governance", "maintenance")]
    retrieved = []
    for it in tqdm(items, desc="retrieve", unit="q"):
        agent = deps.agents[it["agent"]]
        hits, _rel = search(deps, it["question"], agent.filters(it["question"]), agent.extra_queries(it["question"]))
        retrieved.append((it, agent, hits))

    rows = []
    for label, budget, counter, focused in SETTINGS:
        count = deps.count_tokens if counter == "model" else None
        facts, gold, tokens = [], [], []
        for it, agent, hits in retrieved:
            kwargs = {"count": count} if count else {}
            sources = build_sources(hits, budget, question=it["question"] if focused else None, **kwargs)
            context = "\n".join(c.text for c in sources)
            ess = [f["fact"] for f in it.get("required_facts", []) if f.get("essential")]
            facts += [fact_found(f, context) for f in ess]
            docs = {c.doc_id for c in sources}
            gold += [g in docs for g in it.get("gold_sources", [])]
            ctx = AgentContext(settings=settings, llm=deps.llm, question=it["question"], original=it["question"],
                               thread_id="bench", sources=sources)
            user = grounded_messages(getattr(_prompts(agent), "INSTRUCTIONS", ""), ctx)[1]["content"]
            tokens.append(deps.count_tokens(f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"))
        rows.append({"setting": label, "facts": sum(facts) / len(facts), "n_facts": len(facts),
                     "gold": sum(gold) / len(gold), "tokens": statistics.median(tokens),
                     "p90": sorted(tokens)[int(0.9 * (len(tokens) - 1))]})
        print(json.dumps(rows[-1]), flush=True)
    write(args, settings, rows, len(retrieved))


def _prompts(agent):
    import importlib

    return importlib.import_module(f"copilot.agents.prompts.{agent.name}")


def write(args, settings, rows: list[dict], n: int) -> None:
    lines = ["# Context budget: facts reaching the prompt vs prompt size", "",
             "Command: `.venv/bin/python bench/bench_context.py --prefill-tps "
             f"{args.prefill_tps:g}`", "",
             f"{n} answerable questions of {args.dataset.relative_to(ROOT)} (readiness, governance, maintenance), "
             f"retrieved as the graph does (k={settings.retrieval.k}, agent filters and extra queries). Essential "
             "facts are matched in the numbered sources with the answer eval's normalised matching. Prompt tokens "
             "are the user turn the model evaluates per request (instructions, sources, question); the shared "
             "system message is already in the KV cache.", "",
             "| setting | essential facts in sources | gold documents in sources | prompt tokens, median | p90 | "
             f"implied prefill at {args.prefill_tps:g} tok/s |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['setting']} | {r['facts']:.1%} (of {r['n_facts']}) | {r['gold']:.1%} | "
                     f"{r['tokens']:.0f} | {r['p90']} | {r['tokens'] / args.prefill_tps:.1f} s |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
