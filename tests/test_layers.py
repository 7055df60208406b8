"""The import direction of docs/ARCHITECTURE.md holds: import-linter checks the contract in pyproject.toml.

import-linter reads a package from its folder, and agents/ and eval/ install inside ``copilot`` (pyproject
``package-dir``), so the check runs on a copy of the sources laid out as installed: copilot/agents, copilot/eval.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def installed_layout(dest: Path) -> Path:
    """The Python files of copilot/, agents/ and eval/ under ``dest/copilot`` as a wheel installs them."""
    only_py = shutil.ignore_patterns("__pycache__", "datasets", "*.md", "*.json", "*.jsonl", "*.yaml", "*.png")
    shutil.copytree(ROOT / "copilot", dest / "copilot", ignore=only_py)
    shutil.copytree(ROOT / "agents", dest / "copilot" / "agents", ignore=only_py)
    shutil.copytree(ROOT / "eval", dest / "copilot" / "eval", ignore=only_py)
    return dest


def test_no_module_imports_a_layer_above_its_own(tmp_path: Path) -> None:
    src = installed_layout(tmp_path / "src")
    lint = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([str(lint), str(ROOT / "pyproject.toml"), "--no-cache"], cwd=src, env=env,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
    analyzed = re.search(r"Analyzed (\d+) files", done.stdout)
    assert analyzed and int(analyzed.group(1)) == len(list(src.rglob("*.py"))), done.stdout[-2000:]
