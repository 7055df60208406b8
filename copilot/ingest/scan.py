"""Finding the files to ingest under the given paths, with their display names and content hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Candidate:
    key: str  # absolute resolved path: identity of the file in the index
    path: Path
    source: str  # shown to users: path relative to the parent of the ingested root
    root: str  # absolute root this file was found under (for --prune)
    error: str = ""


def _hidden(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).parts
    return any(p.startswith((".", "~$", "__")) for p in rel)


def scan(paths: list[Path], extensions: list[str], *, follow_symlinks: bool = False) -> list[Candidate]:
    """Every ingestible file under ``paths`` (directories recurse; hidden files are skipped).

    A symlink whose target lies outside the folder being scanned is reported as failed and not
    read, unless ``follow_symlinks``: ingesting a folder never leaks files from elsewhere.
    """
    exts = {e.lower() for e in extensions}
    out: dict[str, Candidate] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            out[str(path)] = Candidate(str(path), path, str(raw), str(path), error="path does not exist")
            continue
        root = path.resolve()
        if root.is_file():
            err = "" if root.suffix.lower() in exts else f"unsupported file type {root.suffix or '(none)'}"
            out[str(root)] = Candidate(str(root), root, root.name, str(root), error=err)
            continue
        for f in sorted(root.rglob("*")):
            if f.is_file() and f.suffix.lower() in exts and not _hidden(f, root):
                key = str(f.resolve())
                source = str(f.relative_to(root.parent))
                if not follow_symlinks and not under(key, str(root)):
                    out.setdefault(str(f), Candidate(str(f), f, source, str(root), error=(
                        "symlink to a file outside the ingested folder; not followed (use --follow-symlinks)")))
                    continue
                out.setdefault(key, Candidate(key, f, source, str(root)))
    return list(out.values())


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def under(key: str, root: str) -> bool:
    return key == root or key.startswith(root.rstrip("/") + "/")
