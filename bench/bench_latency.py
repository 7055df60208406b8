"""Latency of the full copilot graph vs a raw llama.cpp call on the same final prompt.

For each answer-set question: time to first token (TTFT), total time and tokens/s through
``CopilotService.stream`` (routing, rewrite, retrieval, agent, citation check, audit), then the
same final prompt sent straight to the model.

Default (``warm``) is how the product runs: llama.cpp keeps the KV state of the shared system message,
so before each timed call (graph and raw alike) the cache is reset and the shared system message is
evaluated, as after any earlier request. ``--cold`` resets the KV cache before every model call instead
(the upper bound: the first request after a restart without warm-up).

    .venv/bin/python bench/bench_latency.py --n 12 --max-tokens 150
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.agents.prompts.shared import shared_messages  # noqa: E402
from copilot.config import load_settings  # noqa: E402
from copilot.eval.loaders import read_jsonl  # noqa: E402
from copilot.llm.base import Message  # noqa: E402


class RecordingLLM:
    """Wraps an LLM; remembers the last streamed prompt (the agent's answer) and the helper calls before it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.last_stream: list[Message] | None = None
        self.helper_calls: list[float] = []

    def chat(self, messages, **kw):
        start = time.perf_counter()
        try:
            return self.inner.chat(messages, **kw)
        finally:
            self.helper_calls.append(time.perf_counter() - start)

    def stream(self, messages, **kw):
        self.last_stream = list(messages)
        return self.inner.stream(messages, **kw)

    def __getattr__(self, name):  # tokenize, warm, ...: as the wrapped model
        return getattr(self.inner, name)


def steady_state(llm, cold: bool) -> None:
    """Empty the KV cache; when warm, evaluate the shared system message as any earlier request would have."""
    llm.reset()
    if not cold:
        llm.warm(shared_messages(""))


def load_questions(n: int) -> list[dict]:
    """Answerable questions of eval/datasets/answers.jsonl, taken in turn from each agent (file order)."""
    items = read_jsonl(ROOT / "eval" / "datasets" / "answers.jsonl")
    pools: dict[str, list[dict]] = {}
    for it in items:
        if it.get("expect") == "answer" and not it.get("unanswerable"):
            pools.setdefault(it.get("agent") or "general", []).append(it)
    out: list[dict] = []
    i = 0
    while len(out) < n and any(i < len(p) for p in pools.values()):
        out.extend(p[i] for p in pools.values() if i < len(p))
        i += 1
    return out[:n]


def raw_call(llm, messages: list[Message], max_tokens: int, cold: bool) -> dict:
    steady_state(llm, cold)
    start = time.perf_counter()
    first = None
    n = 0
    for _piece in llm.stream(messages, max_tokens=max_tokens):
        first = first if first is not None else time.perf_counter() - start
        n += 1
    total = time.perf_counter() - start
    return {"ttft": first or total, "total": total, "tokens": n, "prompt_tokens": prompt_tokens(llm, messages)}


def prompt_tokens(llm, messages: list[Message]) -> int:
    """Tokens of the chat-formatted prompt (system + user turn + assistant header)."""
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return len(llm.tokenize(text + "<|im_start|>assistant\n"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cold", action="store_true", help="reset the KV cache before every model call")
    ap.add_argument("--n", type=int, default=12, help="answerable questions of eval/datasets/answers.jsonl")
    ap.add_argument("--max-tokens", type=int, default=200)
    ap.add_argument("--context-budget", type=int, default=None, help="override agents.context_budget_tokens")
    ap.add_argument("--out", type=Path, default=None, help="default docs/benchmarks/latency.md (latency_cold.md)")
    ap.add_argument("--json", type=Path, default=None, help="also write raw results as JSON")
    args = ap.parse_args()
    args.out = args.out or ROOT / "docs" / "benchmarks" / ("latency_cold.md" if args.cold else "latency.md")

    from copilot.ingest.pipeline import ingest_paths
    from copilot.llm.factory import build_llm
    from copilot.retrieval.embedder import build_embedder
    from copilot.services import build_services

    # greedy decoding, so the graph and the raw call on the same prompt write the same tokens
    overrides: dict = {"llm": {"max_tokens": args.max_tokens, "prompt_cache": not args.cold, "temperature": 0.0}}
    if args.context_budget:
        overrides["agents"] = {"context_budget_tokens": args.context_budget}
    data_dir = Path(tempfile.mkdtemp(prefix="bench_latency_"))
    settings = load_settings(profile="default", overrides={**overrides, "data_dir": str(data_dir)})
    embedder = build_embedder(settings)
    ingest_paths(settings, [ROOT / "knowledge"], embedder=embedder, progress=False)
    llm = RecordingLLM(build_llm(settings))
    svc = build_services(settings, llm=llm, embedder=embedder).copilot
    svc.warm()  # what `copilot serve` does at startup: load the model, router and table QA
    rows = []
    for q in load_questions(args.n):
        llm.last_stream, llm.helper_calls = None, []
        steady_state(llm.inner, args.cold)
        start = time.perf_counter()
        first = None
        pieces = 0
        answer = None
        for ev in svc.stream(q["question"], cancel=threading.Event()):
            if ev.type == "token":
                first = first if first is not None else time.perf_counter() - start
                pieces += 1
            elif ev.type == "done":
                answer = ev.data
        total = time.perf_counter() - start
        row = {"id": q.get("id"), "route": answer["route"] if answer else "error", "ttft": first or total,
               "total": total, "tokens": int((answer or {}).get("timings", {}).get("llm_pieces", 0)) or pieces,
               "helper_calls": len(llm.helper_calls), "helper_s": round(sum(llm.helper_calls), 2)}
        if llm.last_stream is not None:
            row["raw"] = raw_call(llm.inner, llm.last_stream, args.max_tokens, args.cold)
        rows.append(row)
        print(json.dumps(row), flush=True)
        write_report(args, settings, rows)  # keep a usable report even if the run is stopped early
    svc.close()
    write_report(args, settings, rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


NOTES = """## How to read this

- TTFT through the graph includes the safety gate, routing (with an LLM tie-break when the router is unsure),
  follow-up rewriting, retrieval (embedding the query, FAISS + BM25), prompt assembly and prefill.
- Prefill dominates TTFT. Every prompt starts with the same system message (~200 tokens); llama.cpp keeps
  its KV state, so a warm request evaluates only the user turn: agent instructions, the numbered sources
  (`agents.context_budget_tokens`) and the question.
- "helper calls" are model calls before the answer (router tie-break, follow-up rewrite, table plan,
  EU AI Act classification); they are part of the graph's time, not of the raw call's.
- Overhead compares graph and raw totals on the same final prompt in the same cache state.
"""


def write_report(args, settings, rows: list[dict]) -> None:
    paired = [r for r in rows if "raw" in r]
    med = statistics.median
    ttft = med([r["ttft"] for r in rows]) if rows else 0.0
    mode = ("cold: KV cache reset before every model call" if args.cold else
            "warm: the shared system message is in the KV cache before each timed call, as in production")
    lines = ["# Latency: copilot graph vs raw llama.cpp", "",
             f"Command: `.venv/bin/python bench/bench_latency.py --n {args.n} --max-tokens {args.max_tokens}"
             + (f" --context-budget {args.context_budget}" if args.context_budget else "")
             + (" --cold" if args.cold else "") + "`", "",
             f"Machine: 2 cores, no GPU; model {settings.llm.model} (Q4_K_M), {settings.llm.n_threads} threads, "
             f"context budget {settings.agents.context_budget_tokens} tokens, greedy decoding; {mode}.", "",
             f"- Questions: {len(rows)} (model answered {len(paired)})",
             f"- Median time to first token (graph): **{ttft:.2f} s** (target <= 8 s)"]
    if paired:
        g_tot, r_tot = med([r["total"] for r in paired]), med([r["raw"]["total"] for r in paired])
        g_ttft, r_ttft = med([r["ttft"] for r in paired]), med([r["raw"]["ttft"] for r in paired])
        tps = med([r["raw"]["tokens"] / max(1e-6, r["raw"]["total"] - r["raw"]["ttft"]) for r in paired])
        lines += [f"- Median total (graph / raw): {g_tot:.2f} s / {r_tot:.2f} s; overhead "
                  f"{100 * (g_tot - r_tot) / r_tot:+.1f}% (target within 10%)",
                  f"- Median TTFT on model-answered questions (graph / raw): {g_ttft:.2f} s / {r_ttft:.2f} s",
                  f"- Median prompt: {med([r['raw']['prompt_tokens'] for r in paired]):.0f} tokens; "
                  f"median decode speed (raw): {tps:.1f} tokens/s"]
    lines += ["", "| id | route | TTFT s | total s | helper calls (s) | prompt tokens | raw TTFT s | raw total s |",
              "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        raw = r.get("raw")
        helpers = f"{r.get('helper_calls', 0)} ({r.get('helper_s', 0.0):.1f})"
        lines.append(f"| {r['id']} | {r['route']} | {r['ttft']:.2f} | {r['total']:.2f} | {helpers} | "
                     + (f"{raw['prompt_tokens']} | {raw['ttft']:.2f} | {raw['total']:.2f} |" if raw else "- | - | - |"))
    lines += ["", NOTES]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
