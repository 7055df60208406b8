"""One-file add at 100k chunks: full rewrite (before) vs append-only segment (after), in one run.

    .venv/bin/python bench/bench_incremental.py [--chunks 100000]

Builds a base index of N chunks (one JSONL record each, fake embedder: embedding cost is not what
is measured), then adds one small Markdown file twice: first with appending switched off (the old
behaviour: the whole generation is rewritten), then with the default policy (a new segment). For
each it reports wall seconds of ``ingest_paths``, bytes the process wrote (``wchar`` of
/proc/self/io, which counts every write call: SQLite, numpy, FAISS, BM25), the size of the new
generation directory, and the seconds of the first search after publication (the reader reloads);
then the warm reload time of the full generation against the two-segment one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.config import load_settings  # noqa: E402
from copilot.ingest import pipeline  # noqa: E402
from copilot.ingest.pipeline import ingest_paths  # noqa: E402
from copilot.retrieval import store  # noqa: E402
from copilot.retrieval.embedder import FakeEmbedder  # noqa: E402
from copilot.retrieval.index import _Generation, open_retriever  # noqa: E402
from copilot.retrieval.segmented import SegmentedGeneration  # noqa: E402


def _written() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def _add(settings, emb, path: Path, ret, tag: str) -> dict:
    w0, t0 = _written(), time.perf_counter()
    report = ingest_paths(settings, [path], embedder=emb, progress=False)
    seconds, written = time.perf_counter() - t0, _written() - w0
    gen = store.current_generation(settings.index_dir)
    t1 = time.perf_counter()
    hit = ret.search(f"surge line of compressor {tag}", k=1)[0].chunk.doc_id
    return {"seconds": round(seconds, 2), "mb_written": round(written / 1e6, 1),
            "generation_mb": round(sum(f.stat().st_size for f in gen.rglob("*") if f.is_file()) / 1e6, 2),
            "segments": len(store.segments(gen)), "first_search_s": round(time.perf_counter() - t1, 2),
            "top_hit": hit, "total_chunks": report.total_chunks}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = load_settings(profile="test", overrides={"data_dir": str(root / "data"),
                                                            "tables": {"enabled": False},
                                                            "ingest": {"max_file_mb": 200}})
        emb = FakeEmbedder(384)
        records = root / "records.jsonl"
        with records.open("w", encoding="utf-8") as fh:
            for i in range(args.chunks):
                fh.write(json.dumps({"id": f"WO-{i}", "asset": f"P-{i % 900}", "text": f"work order {i}: "
                                     f"replaced seal on pump P-{i % 900} after leak, bearing {i % 7} checked"}) + "\n")
        t0 = time.perf_counter()
        base = ingest_paths(settings, [records], embedder=emb, progress=False)
        print(json.dumps({"base_chunks": base.total_chunks, "base_seconds": round(time.perf_counter() - t0, 1)}),
              flush=True)
        ret = open_retriever(settings, emb)
        ret.search("warm up", k=1)
        rows = {}
        for label, tag in (("before_full_rewrite", "C-7"), ("after_append_segment", "C-8")):
            doc = root / f"{tag}.md"
            doc.write_text(f"# Compressor {tag}\n\nThe surge line of compressor {tag} is at 42 percent.\n",
                           encoding="utf-8")
            if label.startswith("before"):
                with mock.patch.object(pipeline, "can_append", return_value=False):
                    rows[label] = _add(settings, emb, doc, ret, tag)
            else:
                rows[label] = _add(settings, emb, doc, ret, tag)
            print(json.dumps({label: rows[label]}), flush=True)
        after = store.current_generation(settings.index_dir)
        before = store.segments(after)[0][0]
        for name, make, gen in (("one_segment", _Generation, before), ("two_segments", SegmentedGeneration, after)):
            make(gen).close()  # page cache warm for both
            t0 = time.perf_counter()
            make(gen).close()
            print(json.dumps({f"warm_reload_s_{name}": round(time.perf_counter() - t0, 2)}), flush=True)


if __name__ == "__main__":
    main()
