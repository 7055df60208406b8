"""Raw model speed through the LLM layer: prefill and decode tokens/s for each bundled model.

    python bench/bench_llm.py [--models qwen2.5-coder-1.5b,qwen2.5-coder-0.5b] [--threads 2] [--repeats 3]

Prefill: a ~600-token prompt with max_tokens=1 (prompt cache off, so every prompt is evaluated).
Decode: 128 generated tokens, timed from the first streamed token to the last.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from copilot.config import load_settings
from copilot.llm.llama_cpp_backend import LlamaCppLLM
from copilot.models import resolve_model_path

PASSAGE = ("Centrifugal pump P-101 trips on high vibration after the suction strainer was cleaned. "
           "Operators report a gravel-like noise at the pump casing and a falling discharge pressure. ")


def measure(name: str, threads: int, repeats: int) -> dict[str, float]:
    settings = load_settings(overrides={"llm": {"model": name, "n_threads": threads}})
    llm = LlamaCppLLM(resolve_model_path(settings), n_ctx=2048, n_threads=threads, prompt_cache=False)
    prefill, decode = [], []
    for i in range(repeats):
        prompt = f"Run {i}. " + PASSAGE * 18 + "Summarise the likely cause in one word."
        messages = [{"role": "user", "content": prompt}]
        n_prompt = len(llm.tokenize(prompt))
        start = time.perf_counter()
        llm.chat(messages, max_tokens=1, temperature=0)
        prefill.append(n_prompt / (time.perf_counter() - start))
        first = last = None
        count = 0
        for _ in llm.stream([{"role": "user", "content": f"Run {i}. List 60 pump parts, one per line."}],
                            max_tokens=128, temperature=0):
            now = time.perf_counter()
            first = first or now
            last = now
            count += 1
        if count > 1 and first and last and last > first:
            decode.append((count - 1) / (last - first))
    return {"prefill_tok_s": statistics.median(prefill), "decode_tok_s": statistics.median(decode)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="qwen2.5-coder-1.5b,qwen2.5-coder-0.5b")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, threads={args.threads}")
    print("| model | prefill tok/s | decode tok/s |\n|---|---|---|")
    for name in args.models.split(","):
        r = measure(name, args.threads, args.repeats)
        print(f"| {name} | {r['prefill_tok_s']:.1f} | {r['decode_tok_s']:.1f} |")


if __name__ == "__main__":
    main()
