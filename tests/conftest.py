"""Shared fixtures: settings per profile, the real embedder and model loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copilot.config import PROJECT_ROOT, Settings, load_settings

SHARED_DATA = Path(os.environ.get("COPILOT_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test profile: fake LLM, fake embedder, a fresh data directory."""
    return load_settings(profile="test", overrides={"data_dir": str(tmp_path / "data")})


@pytest.fixture
def real_settings(tmp_path: Path) -> Settings:
    """Default profile (real model, real embedder) with a fresh data directory."""
    return load_settings(profile="default", overrides={"data_dir": str(tmp_path / "data")})


@pytest.fixture(scope="session")
def real_embedder():
    from copilot.retrieval.embedder import build_embedder

    return build_embedder(load_settings(profile="default"))


@pytest.fixture(scope="session")
def real_llm():
    """The default bundled GGUF model, loaded once for the whole session."""
    from copilot.llm.factory import build_llm

    return build_llm(load_settings(profile="default"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
