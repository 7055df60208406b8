"""The issue's reproductions through the HTTP API: failed re-upload, deleted spreadsheet (issue 16 #5, #6)."""

from __future__ import annotations

import pytest

from copilot.tables.store import list_profiles
from tests.api.conftest import corpus_settings, make_api, real_service

pytestmark = pytest.mark.fault_injection


def test_nested_json_reupload_and_deleted_spreadsheet(tmp_path):
    settings = corpus_settings(tmp_path)
    api = make_api(settings, real_service(settings))

    def post(name: str, data: bytes):
        return api.client.post("/v1/documents", files={"file": (name, data, "application/octet-stream")},
                               headers=api.h("admin"))

    def search(query: str) -> str:
        hits = api.client.post("/v1/search", json={"query": query, "k": 3}, headers=api.h("viewer")).json()
        return " ".join(h["chunk"]["text"] for h in hits)

    assert post("keep.json", b'[{"title": "keep", "note": "torque 85 Nm on flange F-1"}]').status_code == 201
    r = post("keep.json", b"[" * 50_000 + b"]" * 50_000)
    assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]
    assert "85 Nm" in search("torque flange F-1")
    assert post("confidential_costs.csv", b"Item,Cost\nseal kit,67890\n").status_code == 201
    assert [p.name for p in list_profiles(settings)] == ["confidential_costs"]
    assert api.client.delete("/v1/documents/confidential_costs", headers=api.h("admin")).status_code == 200
    assert list_profiles(settings) == [] and "67890" not in search("confidential costs seal kit")
