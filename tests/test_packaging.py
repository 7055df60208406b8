"""The distribution installs one top-level package, ``copilot``: agents/ as copilot.agents, eval/ as copilot.eval."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _packages_in(folder: str, name: str) -> set[str]:
    base = ROOT / folder
    return {".".join([name, *p.parent.relative_to(base).parts]) for p in base.rglob("__init__.py")
            if "__pycache__" not in p.parts}


def test_every_package_folder_is_installed_under_copilot() -> None:
    assert SETUPTOOLS["package-dir"] == {"copilot.agents": "agents", "copilot.eval": "eval"}
    on_disk = _packages_in("copilot", "copilot") | _packages_in("agents", "copilot.agents") | _packages_in("eval", "copilot.eval")
    assert set(SETUPTOOLS["packages"]) == on_disk, "add the new package to [tool.setuptools] packages in pyproject.toml"
    assert all(p == "copilot" or p.startswith("copilot.") for p in SETUPTOOLS["packages"])


def test_no_code_imports_the_folders_by_their_old_top_level_names() -> None:
    """`import agents` works from the repository root only; installed, it is copilot.agents."""
    bad = []
    for folder in ("copilot", "agents", "eval", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
                bad += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n.split(".")[0] in ("agents", "eval")]
    assert not bad, bad
