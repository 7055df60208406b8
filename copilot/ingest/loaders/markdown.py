"""Markdown and plain text: YAML front matter, title from the first `# ` heading, heading-path blocks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from copilot.ingest.models import Block, LoadedDoc
from copilot.ingest.textio import read_text

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
CORE_KEYS = ("id", "title", "doc_type", "revision")
MAX_ALIASES = 16  # YAML alias references allowed in front matter ("billion laughs" needs many)
MAX_FRONT_MATTER = 64 * 1024


def _safe_yaml(raw: str) -> Any:
    """yaml.safe_load after bounding size and alias references (raises yaml.YAMLError when over)."""
    if len(raw) > MAX_FRONT_MATTER:
        raise yaml.YAMLError(f"front matter longer than {MAX_FRONT_MATTER} characters")
    aliases = sum(isinstance(ev, yaml.AliasEvent) for ev in yaml.parse(raw, Loader=yaml.SafeLoader))
    if aliases > MAX_ALIASES:
        raise yaml.YAMLError(f"front matter uses {aliases} YAML aliases, over the limit of {MAX_ALIASES}")
    return yaml.safe_load(raw)


def _plain(value: Any) -> Any:
    """Make YAML values JSON-friendly (dates become ISO strings)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def split_front_matter(text: str, warnings: list[str]) -> tuple[dict[str, Any], str]:
    """Return (front matter mapping, body). Front matter sits between `---` lines at the very top."""
    if not text.startswith("---"):
        return {}, text
    lines = text.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return {}, text
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            raw, body = "".join(lines[1:i]), "".join(lines[i + 1:])
            try:
                data = _safe_yaml(raw) or {}
            except yaml.YAMLError as exc:
                warnings.append(f"front matter is not valid YAML ({str(exc).splitlines()[0]}); ignored")
                return {}, body
            if not isinstance(data, dict):
                warnings.append("front matter is not a key: value mapping; ignored")
                return {}, body
            return {str(k): _plain(v) for k, v in data.items()}, body
    warnings.append("front matter opened with --- but never closed; treated as text")
    return {}, text


def markdown_blocks(body: str) -> tuple[str | None, list[Block]]:
    """Split a Markdown body into blocks by heading; the first H1 is returned as the title."""
    title: str | None = None
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    buf: list[str] = []
    in_fence = False

    def flush() -> None:
        text = "".join(buf).strip("\n")
        if text.strip():
            blocks.append(Block(text=text, section=[h for _, h in path]))
        buf.clear()

    for line in body.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line.rstrip("\n"))
        if not m:
            buf.append(line)
            continue
        level, heading = len(m.group(1)), m.group(2).strip()
        if level == 1 and title is None:
            flush()
            title = heading
            continue
        flush()
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, heading))
    flush()
    return title, blocks


def build_doc(path: Path, text: str, warnings: list[str]) -> LoadedDoc:
    """Front matter + Markdown structure -> LoadedDoc (used for .md and .txt)."""
    meta, body = split_front_matter(text, warnings)
    h1, blocks = markdown_blocks(body)
    doc = LoadedDoc(
        doc_id=str(meta.get("id") or path.stem),
        title=str(meta.get("title") or h1 or path.stem),
        doc_type=str(meta.get("doc_type") or ""),
        revision=str(meta["revision"]) if meta.get("revision") is not None else None,
        metadata={k: v for k, v in meta.items() if k not in CORE_KEYS},
        blocks=blocks,
        warnings=warnings,
    )
    return doc


def load_markdown(path: Path) -> LoadedDoc:
    warnings: list[str] = []
    return build_doc(path, read_text(path, warnings), warnings)
