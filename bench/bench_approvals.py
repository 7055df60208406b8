"""Cost of a durable decision: commit N approvals (decision + work order + outbox entry + 2 keyed
audit records in one BEGIN IMMEDIATE transaction), deliver their webhooks to a local receiver, and
verify the keyed audit chain. Optionally with P processes deciding concurrently on one database.

    .venv/bin/python bench/bench_approvals.py --n 300 --procs 2
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.actions.decisions import AlreadyDecided, commit_decision  # noqa: E402
from copilot.actions.executor import OutboxWorker  # noqa: E402
from copilot.actions.store import ActionStore  # noqa: E402
from copilot.audit import AuditLog  # noqa: E402
from copilot.types import ApprovalRequest  # noqa: E402

WO = {"asset": "P-101", "priority": "high", "problem": "seal leak", "steps": [], "parts": [],
      "safety_requirements": ["LOTO"], "estimated_duration_h": 2.0, "sources": []}


def _decide_all(db: str, ids: list[str], url: str, out: mp.Queue) -> None:
    store, audit = ActionStore(Path(db)), AuditLog(Path(db))
    times, won = [], 0
    for aid in ids:
        start = time.perf_counter()
        try:
            commit_decision(store, audit, aid, "approve", actor="bench", webhook_url=url)
            won += 1
        except AlreadyDecided:
            pass
        times.append(time.perf_counter() - start)
    out.put((times, won))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--procs", type=int, default=2, help="processes racing to decide the SAME approvals")
    args = ap.parse_args()
    from tests.actions.receiver import receiver

    with tempfile.TemporaryDirectory() as tmp, receiver() as (url, log):
        db = str(Path(tmp) / "copilot.sqlite3")
        store, audit = ActionStore(Path(db)), AuditLog(Path(db))
        ids = [f"a{i}" for i in range(args.n)]
        for aid in ids:
            store.add_approval(ApprovalRequest(id=aid, kind="work_order", thread_id="t", payload=WO))
        out: mp.Queue = mp.Queue()
        start = time.perf_counter()
        procs = [mp.Process(target=_decide_all, args=(db, ids, url, out)) for _ in range(args.procs)]
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
        wall = time.perf_counter() - start
        times = sorted(t for r in results for t in r[0])
        won = sum(r[1] for r in results)
        worker = OutboxWorker(Path(db), audit, b"k" * 32, timeout_s=5)
        start = time.perf_counter()
        delivered = 0
        while delivered < args.n:
            states = worker.run_once()
            delivered += states.count("delivered")
            if not states:
                break
        deliver_s = time.perf_counter() - start
        start = time.perf_counter()
        result = audit.verify()
        verify_s = time.perf_counter() - start
    p50, p95 = statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000
    print(f"decisions: {args.n} approvals x {args.procs} processes racing: {won} won (must be {args.n}), "
          f"work orders {args.n}; per decide call p50 {p50:.1f} ms, p95 {p95:.1f} ms; wall {wall:.1f} s")
    print(f"webhooks: {delivered} delivered to a loopback receiver in {deliver_s:.1f} s "
          f"({delivered / deliver_s:.0f}/s, one worker); requests received {len(log)}")
    print(f"audit verify: {result.records} keyed records in {verify_s * 1000:.0f} ms, ok={result.ok}")
    if won != args.n or not result.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
