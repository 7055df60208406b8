"""Merge the gold-set parts into the evaluation datasets, checking every gold id.

Inputs (``eval/datasets/parts/``):
  retrieval_*.jsonl  {"_id", "text", "gold": [doc ids] or {doc id: grade}}
  answers_*.jsonl    answer items (see eval/datasets/README.md)
Outputs:
  eval/datasets/kb_retrieval/queries.jsonl, qrels/test.tsv   (BEIR layout)
  eval/datasets/answers.jsonl

Every gold id must name a document of ``knowledge/`` (its front-matter ``id`` or its file stem);
duplicate ids and malformed items are errors. Nothing is written when there is an error.
Run: ``python -m copilot.eval.build_gold [--parts DIR] [--knowledge DIR] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from copilot.config import PROJECT_ROOT
from copilot.eval.loaders import AnswerItem, DatasetError, read_jsonl

DATASETS = Path(__file__).resolve().parent / "datasets"


def knowledge_ids(root: Path) -> set[str]:
    """Front-matter ids and file stems of every file under ``root``."""
    ids: set[str] = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        ids.add(path.stem)
        if path.suffix.lower() in (".md", ".markdown"):
            text = path.read_text(encoding="utf-8", errors="replace")
            if text.startswith("---"):
                end = text.find("\n---", 3)
                try:
                    meta = yaml.safe_load(text[3:end]) if end > 0 else None
                except yaml.YAMLError:
                    meta = None
                if isinstance(meta, dict) and meta.get("id"):
                    ids.add(str(meta["id"]))
    return ids


def _gold_grades(gold: Any, where: str) -> dict[str, int]:
    if isinstance(gold, list) and all(isinstance(g, str) for g in gold):
        return dict.fromkeys(gold, 1)
    if isinstance(gold, dict) and all(isinstance(v, int) for v in gold.values()):
        return {str(k): int(v) for k, v in gold.items()}
    raise DatasetError(f"{where}: gold must be a list of doc ids or a mapping doc id -> grade")


def merge_retrieval(parts: list[Path], known: set[str], errors: list[str]) -> tuple[list[dict], list[tuple]]:
    queries, qrels, seen = [], [], set()
    for part in parts:
        for n, row in enumerate(read_jsonl(part), start=1):
            where = f"{part.name}:{n}"
            qid, text = str(row.get("_id", "")).strip(), str(row.get("text", "")).strip()
            if not qid or not text:
                errors.append(f"{where}: needs _id and text")
                continue
            if qid in seen:
                errors.append(f"{where}: duplicate query id {qid}")
                continue
            seen.add(qid)
            try:
                grades = _gold_grades(row.get("gold"), where)
            except DatasetError as exc:
                errors.append(str(exc))
                continue
            if not any(g > 0 for g in grades.values()):
                errors.append(f"{where}: no relevant gold document")
            for doc in grades:
                if doc not in known:
                    errors.append(f"{where}: gold id {doc!r} is not a knowledge/ document")
            queries.append({"_id": qid, "text": text})
            qrels += [(qid, doc, g) for doc, g in grades.items()]
    return queries, qrels


def merge_answers(parts: list[Path], known: set[str], errors: list[str]) -> list[dict]:
    items, seen = [], set()
    for part in parts:
        for n, row in enumerate(read_jsonl(part), start=1):
            where = f"{part.name}:{n}"
            try:
                item = AnswerItem(**row)
            except ValidationError as exc:
                errors.append(f"{where}: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                                       for e in exc.errors()))
                continue
            iid = str(row.get("id") or row.get("_id") or "")
            if not iid:
                errors.append(f"{where}: needs an id")
            elif iid in seen:
                errors.append(f"{where}: duplicate item id {iid}")
            seen.add(iid)
            for doc in item.gold_sources:
                if doc not in known:
                    errors.append(f"{where}: gold source {doc!r} is not a knowledge/ document")
            items.append(row)
    return items


def build(parts_dir: Path, knowledge: Path, out: Path) -> list[str]:
    """Merge and validate; write the outputs only when there is no error. Returns the errors."""
    known = knowledge_ids(knowledge)
    errors: list[str] = []
    r_parts = sorted(parts_dir.glob("retrieval_*.jsonl"))
    a_parts = sorted(parts_dir.glob("answers_*.jsonl"))
    if not r_parts and not a_parts:
        return [f"{parts_dir}: no retrieval_*.jsonl or answers_*.jsonl parts"]
    try:
        queries, qrels = merge_retrieval(r_parts, known, errors)
        items = merge_answers(a_parts, known, errors)
    except DatasetError as exc:
        return [str(exc)]
    if errors:
        return errors
    if queries:
        target = out / "kb_retrieval"
        (target / "qrels").mkdir(parents=True, exist_ok=True)
        (target / "queries.jsonl").write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries),
                                              encoding="utf-8")
        lines = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t{g}" for q, d, g in qrels]
        (target / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if items:
        (out / "answers.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items),
                                           encoding="utf-8")
    print(f"retrieval: {len(queries)} queries from {[p.name for p in r_parts]}; "
          f"answers: {len(items)} items from {[p.name for p in a_parts]}")
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Merge gold-set parts into eval/datasets.")
    parser.add_argument("--parts", type=Path, default=DATASETS / "parts")
    parser.add_argument("--knowledge", type=Path, default=PROJECT_ROOT / "knowledge")
    parser.add_argument("--out", type=Path, default=DATASETS)
    args = parser.parse_args(argv)
    errors = build(args.parts, args.knowledge, args.out)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
