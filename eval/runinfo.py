"""What makes a run comparable: full settings, model, embedder, index stats and git revision."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path
from typing import Any

from copilot.config import PROJECT_ROOT, Settings
from copilot.types import utcnow


def git_revision(root: Path = PROJECT_ROOT) -> str:
    """``git rev-parse HEAD`` of the project, or ``"unknown"`` when git or the repository is missing."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    rev = out.stdout.strip()
    return rev if out.returncode == 0 and rev else "unknown"


def model_info(settings: Settings) -> dict[str, Any]:
    """Name and file of the configured LLM (the file need not exist)."""
    cfg = settings.llm
    info: dict[str, Any] = {"backend": cfg.backend, "name": cfg.model}
    if cfg.backend == "llama_cpp":
        try:
            from copilot.models import resolve_model_path

            path = resolve_model_path(settings)
            info["file"] = str(path)
            info["size"] = path.stat().st_size if path.is_file() else None
        except Exception as exc:  # noqa: BLE001 - a missing model is recorded, not fatal here
            info["file"] = f"unavailable: {exc}"
    elif cfg.model_path:
        info["file"] = str(cfg.model_path)
    elif cfg.backend == "openai":
        info["name"] = cfg.remote_model
        info["base_url"] = cfg.base_url
    return info


def index_stats(retriever: Any) -> dict[str, Any]:
    """Chunk and document counts of a retriever (best effort: missing methods are skipped)."""
    stats: dict[str, Any] = {}
    try:
        stats["chunks"] = int(retriever.count())
    except Exception:  # noqa: BLE001
        pass
    try:
        stats["documents"] = len(retriever.documents())
    except Exception:  # noqa: BLE001
        pass
    return stats


def run_info(settings: Settings, *, embedder_name: str | None = None, index: dict[str, Any] | None = None,
             command: str = "") -> dict[str, Any]:
    """The header every report carries."""
    return {
        "created": utcnow(),
        "git_revision": git_revision(),
        "command": command,
        "settings": settings.model_dump(mode="json"),
        "model": model_info(settings),
        "embedder": embedder_name or settings.embedder.backend,
        "index": index or {},
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
