"""API fixtures: a tiny ingested corpus, the app around the real CopilotService (test profile), keys per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from copilot.config import Settings, load_settings

PUMP_MANUAL = """---
title: Centrifugal pump P-101 manual
doc_type: manual
revision: C
---
# Pump P-101

## Cavitation

Cavitation in pump P-101 shows as a rattling noise, vibration and a falling discharge pressure.
Check suction strainer S-3 for blockage first, then the NPSH margin and the suction valve position.

## Seal leak

A leaking mechanical seal on P-101 needs a stopped pump and isolation before any inspection.
"""

GOVERNANCE = """---
title: AI use case review policy
doc_type: policy
---
# Review of AI use cases

Every AI use case that affects worker safety is treated as high risk and needs a human oversight plan,
a data governance review and a decision record signed by the plant manager.
"""


def write_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pump_p101.md").write_text(PUMP_MANUAL, encoding="utf-8")
    (root / "ai_policy.md").write_text(GOVERNANCE, encoding="utf-8")
    return root


def corpus_settings(tmp_path: Path, **server: Any) -> Settings:
    """Test profile with a two-document knowledge folder, already ingested."""
    from copilot.ingest.pipeline import ensure_index

    overrides: dict[str, Any] = {"data_dir": str(tmp_path / "data"),
                                 "knowledge_paths": [str(write_corpus(tmp_path / "knowledge"))]}
    if server:
        overrides["server"] = server
    settings = load_settings(profile="test", overrides=overrides)
    ensure_index(settings, progress=False)
    return settings


def real_service(settings: Settings) -> Any:
    from copilot.services import build_services

    return build_services(settings).copilot


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    keys: dict[str, str]
    settings: Settings

    def h(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def make_api(settings: Settings, copilot: Any = None) -> Api:
    from copilot.server import create_app

    app = create_app(settings, copilot=copilot, ui=False)
    keys = {user: c["api_key"] for user, c in app.state.initial_credentials.items()}
    return Api(app, TestClient(app), keys, settings)


@pytest.fixture
def api(tmp_path: Path) -> Api:
    """The app around the real CopilotService (FakeLLM + FakeEmbedder) over the tiny corpus."""
    settings = corpus_settings(tmp_path)
    return make_api(settings, real_service(settings))
