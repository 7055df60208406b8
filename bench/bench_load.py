"""Load check: N concurrent chat clients against one local model, on loopback only.

Starts the real server in-process (uvicorn on 127.0.0.1, a free port, a throw-away key store),
or uses ``--base-url`` of a server you started (loopback only, with ``--api-key``). Every request
must end in success or an explicit 429/503, never another 5xx, and /healthz must keep answering
while the model is busy. Writes a Markdown summary (``--out``).

    .venv/bin/python bench/bench_load.py --clients 20 --max-tokens 32 --out docs/benchmarks/load.md
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "Pump P-101 is cavitating. What should I check first?",
    "A chiller trips on high condenser pressure. Likely causes?",
    "How do we score data readiness for scaling an AI pilot?",
    "Which EU AI Act risk tier applies to AI used for worker safety?",
    "What belongs in a decision record for a high-risk AI use case?",
]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _client(client: httpx.AsyncClient, i: int, key: str, results: list[dict]) -> None:
    start = time.perf_counter()
    try:
        r = await client.post("/v1/chat", json={"message": QUESTIONS[i % len(QUESTIONS)], "stream": False},
                              headers={"Authorization": f"Bearer {key}"})
        status, detail = r.status_code, (r.json().get("detail", "") if r.status_code != 200 else "")
    except httpx.HTTPError as exc:
        status, detail = 0, f"{type(exc).__name__}: {exc}"
    results.append({"client": i, "status": status, "seconds": time.perf_counter() - start, "detail": detail})
    print(f"client {i:2d}: {status} after {time.perf_counter() - start:6.1f} s {detail[:80]}", file=sys.stderr,
          flush=True)


async def _health(client: httpx.AsyncClient, stop: asyncio.Event, samples: list[tuple[int, float]]) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            status = (await client.get("/healthz", timeout=5)).status_code
        except httpx.HTTPError:
            status = 0
        samples.append((status, time.perf_counter() - t0))
        await asyncio.sleep(1.0)


async def run_load(base: str, key: str, clients: int, timeout_s: float) -> dict:
    results: list[dict] = []
    health: list[tuple[int, float]] = []
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=clients + 4)
    async with httpx.AsyncClient(base_url=base, timeout=timeout_s, limits=limits) as client:
        watcher = asyncio.create_task(_health(client, stop, health))
        t0 = time.perf_counter()
        await asyncio.gather(*(_client(client, i, key, results) for i in range(clients)))
        wall = time.perf_counter() - t0
        stop.set()
        await watcher
        metrics = (await client.get("/metrics")).text
    tokens = next((float(ln.split()[1]) for ln in metrics.splitlines()
                   if ln.startswith("copilot_tokens_generated_total ")), 0.0)
    return {"results": results, "health": health, "wall": wall, "tokens": tokens}


def report(data: dict, args: argparse.Namespace, model: str) -> tuple[str, bool]:
    codes = Counter(r["status"] for r in data["results"])
    ok_lat = [r["seconds"] for r in data["results"] if r["status"] == 200]
    rej_lat = [r["seconds"] for r in data["results"] if r["status"] == 429]
    bad = [r for r in data["results"] if r["status"] not in (200, 429, 503)]
    health_bad = [s for s in data["health"] if s[0] != 200]
    health_lat = [s[1] for s in data["health"]]
    passed = not bad and not health_bad and codes.get(200, 0) > 0
    lines = [
        "# Load check: many users, one local model",
        "",
        f"- Command: `.venv/bin/python bench/bench_load.py --clients {args.clients} --max-tokens {args.max_tokens}"
        + "".join(f" --set {o}" for o in args.overrides) + "`",
        f"- Machine: 2 CPU cores (shared), no GPU; model `{model}`, queue_size {args.queue_size}, "
        f"request timeout {args.request_timeout:g} s; loopback only.",
        f"- Result: **{'PASS' if passed else 'FAIL'}** (every request 200, 429 or 503; /healthz always 200)",
        "",
        "| outcome | requests | median s | max s |",
        "|---|---:|---:|---:|",
        f"| 200 answered | {codes.get(200, 0)} | {statistics.median(ok_lat) if ok_lat else float('nan'):.1f} | "
        f"{max(ok_lat) if ok_lat else float('nan'):.1f} |",
        f"| 429 busy (queue full) | {codes.get(429, 0)} | - | - |",
        f"| 503 timeout / not ready | {codes.get(503, 0)} | - | - |",
        f"| other (must be 0) | {len(bad)} | - | - |",
        "",
        f"- 429 refusals came back in at most {max(rej_lat) if rej_lat else 0:.2f} s (no waiting).",
        f"- Wall time {data['wall']:.1f} s; {data['tokens']:.0f} answer tokens streamed in total.",
        f"- /healthz: {len(data['health'])} probes during the run, {len(health_bad)} failed, "
        f"p95 latency {_percentile(health_lat, 0.95) * 1000:.0f} ms.",
    ]
    if bad:
        lines += ["", "Unexpected outcomes:", *[f"- client {r['client']}: {r['status']} {r['detail']}" for r in bad]]
    return "\n".join(lines) + "\n", passed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20, help="concurrent chat clients (default 20)")
    ap.add_argument("--max-tokens", type=int, default=32, help="answer token cap for the in-process server")
    ap.add_argument("--queue-size", type=int, default=8, help="server.queue_size for the in-process server")
    ap.add_argument("--request-timeout", type=float, default=240.0, help="server.request_timeout_s (s)")
    ap.add_argument("--profile", default="default", help="settings profile (default: real model)")
    ap.add_argument("--base-url", help="use a running server instead (must be loopback)")
    ap.add_argument("--api-key", help="key for --base-url")
    ap.add_argument("--set", dest="overrides", action="append", default=[],
                    help="extra setting for the in-process server, e.g. --set llm.model=qwen2.5-coder-0.5b")
    ap.add_argument("--out", type=Path, help="write the Markdown summary here")
    args = ap.parse_args()
    if not 1 <= args.clients <= 200:
        ap.error("--clients must be 1..200")
    timeout = args.request_timeout + 60
    if args.base_url:
        if urlparse(args.base_url).hostname not in ("127.0.0.1", "localhost", "::1"):
            ap.error("--base-url must be a loopback address")
        if not args.api_key:
            ap.error("--api-key is required with --base-url")
        data = asyncio.run(run_load(args.base_url.rstrip("/"), args.api_key, args.clients, timeout))
        text, passed = report(data, args, "external server")
    else:
        text, passed = _in_process(args, timeout)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0 if passed else 1


def _in_process(args: argparse.Namespace, timeout: float) -> tuple[str, bool]:
    from copilot.config import _deep_merge, load_settings, parse_overrides
    from copilot.ingest.pipeline import ensure_index
    from copilot.server import create_app
    from tests.api.live import live_server

    tmp = Path(tempfile.mkdtemp(prefix="bench_load_"))
    overrides = _deep_merge({
        "data_dir": str(tmp / "data"),
        "llm": {"max_tokens": args.max_tokens},
        "server": {"queue_size": args.queue_size, "request_timeout_s": args.request_timeout},
        "auth": {"keys_file": str(tmp / "auth.json")}}, parse_overrides(args.overrides))
    settings = load_settings(profile=args.profile, overrides=overrides)
    ensure_index(settings, progress=False)
    app = create_app(settings, ui=False)
    key = app.state.initial_credentials["viewer"]["api_key"]
    with live_server(app) as base:
        deadline, ready = time.monotonic() + 600, ""
        while ready != "ok":
            try:
                r = httpx.get(f"{base}/readyz", timeout=30)
                ready = "ok" if r.status_code == 200 else r.text
            except httpx.HTTPError as exc:  # busy loading the model
                ready = str(exc)
            if ready != "ok":
                if time.monotonic() > deadline:
                    raise SystemExit(f"server not ready after 600 s: {ready}")
                time.sleep(2)
        print("server ready; starting clients", file=sys.stderr, flush=True)
        data = asyncio.run(run_load(base, key, args.clients, timeout))
    return report(data, args, f"{settings.llm.model}, context budget {settings.agents.context_budget_tokens} tokens")


if __name__ == "__main__":
    raise SystemExit(main())
