"""Is a tag a real asset? Checked against the asset register spreadsheet in the index."""

from __future__ import annotations

import re
from typing import Any

REGISTER = re.compile(r"asset[_ -]?register|asset[_ -]?list|equipment[_ -]?register", re.I)


def known_asset(retriever: Any, tag: str) -> bool | None:
    """True/False when an asset register is indexed (it has a row whose asset tag is ``tag``), None without one."""
    if retriever is None:
        return None
    try:
        docs = retriever.documents()
    except Exception:  # noqa: BLE001 - an unreadable index cannot validate, it must not break the answer
        return None
    if not any(REGISTER.search(f"{d.get('doc_id', '')} {d.get('title', '')}") for d in docs):
        return None
    for hit in retriever.search(tag, k=10):
        chunk = hit.chunk
        if chunk.row is None or not REGISTER.search(f"{chunk.doc_id} {chunk.title}"):
            continue
        if re.search(rf"^\s*(?:asset[_ ]?tag|tag)\s*:\s*{re.escape(tag)}\s*$", chunk.text, re.I | re.M):
            return True
    return False
