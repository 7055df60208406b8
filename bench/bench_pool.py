"""Scale-out of the API layer over a pool of model servers, and what real CPU llama.cpp servers give.

``--mode standin`` (default): E stand-in OpenAI-compatible servers (``copilot.llm.standin_server``) that answer
after a fixed ``--delay``, so the API layer is what is measured, and W separate ``copilot serve`` processes
(own port, own data dir, one shared key store); the bench's client spreads requests round-robin over the
workers (a reverse proxy would do the same). For each (W, E): requests/s over ``--seconds`` with
``--clients`` concurrent clients, and the added latency of each answer = its latency minus (model calls x
delay), from ``answer.usage.model_calls``. Every status is counted (200, 429, other).

``--mode llama``: K real ``llama_cpp.server`` processes on the bundled 0.5B model (2/K threads each) behind the
pool, K concurrent clients, answers/minute per server over ``--seconds``.

    nice -n 19 .venv/bin/python bench/bench_pool.py --workers 1 2 4 --endpoints 1 2 4
    nice -n 19 .venv/bin/python bench/bench_pool.py --mode llama --servers 1 2 --seconds 120
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.testing.procs import free_port, start, start_llama_server, stop, wait_http  # noqa: E402

QUESTION = "Pump P-101 is cavitating. What should I check first?"
BIN = Path(sys.executable).parent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def start_standins(n: int, delay: float) -> tuple[list[subprocess.Popen], list[str]]:
    procs, urls = [], []
    for _ in range(n):
        port = free_port()
        procs.append(start([sys.executable, "-m", "copilot.llm.standin_server", "--port", str(port),
                            "--delay", str(delay)], cwd=ROOT, nice=False))
        urls.append(f"http://127.0.0.1:{port}/v1")
    for proc, url in zip(procs, urls, strict=True):
        wait_http(f"{url}/models", proc, what="stand-in", timeout=900)
    return procs, urls


def start_workers(n: int, urls: list[str], work: Path, max_in_flight: int) -> tuple[list[subprocess.Popen], list[str], str]:
    """``n`` copilot serve processes (test profile: fake embedder; model = the stand-in pool)."""
    procs, bases, key = [], [], ""
    env = os.environ | {
        "COPILOT_LLM__BACKEND": "openai", "COPILOT_LLM__BASE_URLS": json.dumps(urls),
        "COPILOT_LLM__MAX_IN_FLIGHT_PER_ENDPOINT": str(max_in_flight), "COPILOT_SERVER__QUEUE_SIZE": "256",
        "COPILOT_AUTH__KEYS_FILE": str(work / "auth.json"), "COPILOT_AUTH__SECRETS_FILE": str(work / "secrets.json"),
    }
    for i in range(n):
        port = free_port()
        procs.append(start([str(BIN / "copilot"), "serve", "--profile", "test", "--port", str(port), "--no-ui",
                            "--set", f"data_dir={work / f'data{i}'}"], log=work / f"worker{i}.log", env=env, cwd=ROOT,
                           nice=False))
        bases.append(f"http://127.0.0.1:{port}")
        try:
            wait_http(f"{bases[-1]}/readyz", procs[-1], what=f"worker {i}", log=work / f"worker{i}.log", timeout=900)
        except RuntimeError:
            stop(procs)  # no orphan workers when one does not come up
            raise
        if i == 0:
            text = (work / "worker0.log").read_text()
            found = re.search(r"role=admin\s+UI password: \S+\s+API key: (\S+)", text)
            if not found:
                raise RuntimeError(f"no admin key in the first worker's output:\n{text[-2000:]}")
            key = found.group(1)
    return procs, bases, key


def load(bases: list[str], key: str, clients: int, seconds: float, delay: float) -> dict:
    """``clients`` threads post chats round-robin over ``bases`` for ``seconds``."""
    statuses: Counter[int] = Counter()
    added: list[float] = []
    latency: list[float] = []
    lock = threading.Lock()
    counter = [0]
    end = time.perf_counter() + seconds

    def client() -> None:
        with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {key}"}) as http:
            while time.perf_counter() < end:
                with lock:
                    base = bases[counter[0] % len(bases)]
                    counter[0] += 1
                t0 = time.perf_counter()
                try:
                    r = http.post(f"{base}/v1/chat", json={"message": QUESTION, "stream": False})
                    status = r.status_code
                except httpx.HTTPError:
                    status = 0
                took = time.perf_counter() - t0
                with lock:
                    statuses[status] += 1
                    if status == 200:
                        calls = int((r.json().get("usage") or {}).get("model_calls", 0))
                        latency.append(took)
                        added.append(took - calls * delay)
                if status == 429:
                    time.sleep(0.2)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"rps": statuses[200] / wall, "statuses": dict(statuses), "p50_added_ms": 1000 * pct(added, 0.5),
            "p95_added_ms": 1000 * pct(added, 0.95), "p95_latency_ms": 1000 * pct(latency, 0.95), "n": len(added)}


def cpu_seconds(procs: list[subprocess.Popen]) -> float:
    """User + system CPU seconds the processes have used so far (from /proc)."""
    total = 0.0
    for p in procs:
        fields = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_standin(args: argparse.Namespace) -> list[dict]:
    rows = []
    for endpoints in args.endpoints:
        standins, urls = start_standins(endpoints, args.delay)
        try:
            for workers in args.workers:
                work = Path(tempfile.mkdtemp(prefix="bench-pool-"))
                procs, bases, key = start_workers(workers, urls, work, args.max_in_flight)
                try:
                    load(bases, key, min(4, args.clients), 3, args.delay)  # warm-up, not counted
                    cpu0 = cpu_seconds(procs)
                    busy = load(bases, key, args.clients, args.seconds, args.delay)
                    cpu_ms = 1000 * (cpu_seconds(procs) - cpu0) / max(1, busy["statuses"].get(200, 1))
                    light = load(bases, key, workers, args.seconds / 2, args.delay)  # one client per worker
                    row = {"workers": workers, "endpoints": endpoints, "clients": args.clients,
                           "rps": busy["rps"], "statuses": busy["statuses"], "api_cpu_ms_per_turn": cpu_ms,
                           "p95_added_ms_loaded": busy["p95_added_ms"],
                           "p50_added_ms_light": light["p50_added_ms"], "p95_added_ms_light": light["p95_added_ms"]}
                finally:
                    stop(procs)
                    shutil.rmtree(work, ignore_errors=True)
                rows.append(row)
                print(json.dumps(row), flush=True)
        finally:
            stop(standins)
    return rows


def drive(llm: object, prompt: list, clients: int, seconds: float) -> tuple[list[float], list[int], float]:
    """``clients`` threads call ``llm.chat(prompt)`` back to back for ``seconds``: (latencies, tokens, wall)."""
    done: list[float] = []
    tokens: list[int] = []
    end = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            out = llm.chat(prompt)  # type: ignore[attr-defined]
            done.append(time.perf_counter() - t0)
            tokens.append(out.completion_tokens)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done, tokens, time.perf_counter() - started


def run_llama(args: argparse.Namespace) -> list[dict]:
    from copilot.llm.openai_backend import OpenAICompatLLM
    prompt = [{"role": "system", "content": "You are a maintenance assistant. Answer in three short steps."},
              {"role": "user", "content": QUESTION}]
    rows = []
    for k in args.servers:
        procs, urls = [], []
        try:
            for _ in range(k):
                url, proc = start_llama_server(n_ctx=2048, n_threads=max(1, 2 // k), wait=False)
                procs.append(proc)
                urls.append(url)
            for proc, url in zip(procs, urls, strict=True):
                wait_http(f"{url}/models", proc, what="llama_cpp.server", timeout=900)
            llm = OpenAICompatLLM(urls, max_tokens=args.max_tokens, max_in_flight=1, temperature=0.0)
            done, tokens, wall = drive(llm, prompt, k, args.seconds)
            row = {"servers": k, "threads_each": max(1, 2 // k), "answers": len(done),
                   "answers_per_min_total": 60 * len(done) / wall, "answers_per_min_each": 60 * len(done) / wall / k,
                   "p50_s": pct(done, 0.5), "mean_completion_tokens": sum(tokens) / max(1, len(tokens)),
                   "served": [e["served"] for e in llm.pool.status()]}
            rows.append(row)
            print(json.dumps(row), flush=True)
        finally:
            stop(procs)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["standin", "llama"], default="standin")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--endpoints", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--servers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--delay", type=float, default=0.2, help="stand-in answer time per model call (s)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-in-flight", type=int, default=4, help="per endpoint and worker")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "pool.json")
    args = parser.parse_args()
    rows = run_standin(args) if args.mode == "standin" else run_llama(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out = args.out if args.mode == "standin" else args.out.with_name(args.out.stem + "_llama.json")
    out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "rows": rows}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
