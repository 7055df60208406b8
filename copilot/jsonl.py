"""One JSONL reader for datasets (routing examples, eval sets), with ``file:line`` error messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_jsonl_lines(path: Path, error: type[Exception] = ValueError) -> list[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every non-blank line. A missing file, invalid JSON or a line that is not
    an object raises ``error`` naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: file not found")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{n}: invalid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise error(f"{path}:{n}: each line must be a JSON object")
        rows.append((n, obj))
    return rows
