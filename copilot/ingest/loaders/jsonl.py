"""JSON and JSON Lines: one passage per record, nested keys flattened to "a.b: value" lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from copilot.ingest.models import LoadedDoc, LoadError
from copilot.ingest.textio import read_text
from copilot.types import Chunk

_TITLE_KEYS = ("title", "name", "id", "_id")


def _flatten(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        out: list[str] = []
        for k, v in value.items():
            out.extend(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, list):
        out = []
        for i, v in enumerate(value):
            out.extend(_flatten(v, f"{prefix}[{i}]"))
        return out
    if value is None or value == "":
        return []
    text = " ".join(str(value).split())
    return [f"{prefix}: {text}" if prefix else text]


def _records(path: Path, text: str, warnings: list[str]) -> list[Any]:
    if path.suffix.lower() == ".jsonl":
        records, bad = [], []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                bad.append(f"line {n}: {exc.msg}")
        if bad:
            warnings.append(f"{len(bad)} invalid JSON line(s) skipped ({'; '.join(bad[:3])})")
        if not records:
            raise LoadError("no valid JSON record in file")
        return records
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        return lists[0] if len(lists) == 1 else [data]
    return data if isinstance(data, list) else [data]


def load_json(path: Path) -> LoadedDoc:
    warnings: list[str] = []
    records = _records(path, read_text(path, warnings), warnings)
    doc_id = path.stem
    chunks = []
    for n, rec in enumerate(records, start=1):
        text = "\n".join(_flatten(rec))
        if not text:
            continue
        label = next((str(rec[k]) for k in _TITLE_KEYS if isinstance(rec, dict) and rec.get(k)), "")
        title = f"{path.name} / {label}" if label else f"{path.name} record {n}"
        chunks.append(Chunk(id=f"{doc_id}#rec{n}", doc_id=doc_id, text=text, title=title, row=n))
    if not chunks:
        raise LoadError("JSON holds no non-empty record")
    return LoadedDoc(doc_id=doc_id, title=path.name, doc_type="records",
                     metadata={"format": path.suffix.lower().lstrip("."), "records": len(chunks)},
                     records=chunks, warnings=warnings)
