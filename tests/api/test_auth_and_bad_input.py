"""Keys, roles and bad input: each a clear 4xx {"error", "detail"} and nothing stored changes."""

from __future__ import annotations

import json

import pytest

from copilot.services.auth import AuthStore, keys_path
from tests.api.conftest import Api
from tests.api.test_chat_routes import MAINT_Q


def _state(api: Api) -> tuple:
    h = api.h("admin")
    return (api.client.get("/v1/documents", headers=h).json(), api.client.get("/v1/work-orders", headers=h).json(),
            api.client.get("/v1/approvals", params={"status": "all"}, headers=h).json())


def test_keys_are_stored_hashed_and_roles_map(api: Api) -> None:
    raw = keys_path(api.settings).read_text()
    for key in api.keys.values():
        assert key not in raw and key.split("_", 2)[2] not in raw
    store = AuthStore(keys_path(api.settings))
    assert store.users() == {"viewer": "viewer", "operator": "operator", "approver": "approver", "admin": "admin"}
    assert store.authenticate_key(api.keys["approver"]).role == "approver"
    assert store.authenticate_key(api.keys["approver"] + "x") is None
    assert store.bootstrap() is None, "keys are generated only on first start"


def test_password_login_checks(api: Api) -> None:
    from copilot.server import create_app

    store = AuthStore(keys_path(api.settings))
    assert store.verify_password("admin", "wrong") is None
    store.add_user("alice", "approver", "s3cret-pass")
    assert store.verify_password("alice", "s3cret-pass").role == "approver"
    app2 = create_app(api.settings, copilot=api.app.state.services.get_copilot(), ui=False)
    assert app2.state.initial_credentials is None


def test_missing_and_wrong_keys(api: Api) -> None:
    before = _state(api)
    body = {"message": "hello", "stream": False}
    r = api.client.post("/v1/chat", json=body)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized" and "API key" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"
    assert api.client.post("/v1/chat", json=body, headers={"Authorization": "Bearer ck_00_bad"}).status_code == 401
    assert api.client.post("/v1/chat", json=body, headers={"X-API-Key": "nonsense"}).status_code == 401
    assert api.client.get("/v1/work-orders", headers={"X-API-Key": api.keys["viewer"]}).status_code == 200
    assert _state(api) == before


@pytest.mark.parametrize("case", ["invalid_json", "wrong_type", "too_long", "extra_field", "missing", "bad_agent",
                                  "blank"])
def test_bad_chat_input(api: Api, case: str) -> None:
    before = _state(api)
    h = api.h("admin")
    limit = api.settings.server.max_message_chars
    send = {
        "invalid_json": dict(content=b'{"message": "hi", ', headers={**h, "Content-Type": "application/json"}),
        "wrong_type": dict(content=b"message=hi", headers={**h, "Content-Type": "text/plain"}),
        "too_long": dict(json={"message": "a" * (limit + 1), "stream": False}, headers=h),
        "extra_field": dict(json={"message": "hi", "sneaky": 1}, headers=h),
        "missing": dict(json={"stream": False}, headers=h),
        "bad_agent": dict(json={"message": "hi", "agent": "root"}, headers=h),
        "blank": dict(json={"message": "   ", "stream": False}, headers=h),
    }[case]
    r = api.client.post("/v1/chat", **send)
    expected = {"invalid_json": 422, "wrong_type": 415, "too_long": 413}.get(case, 422)
    assert r.status_code == expected, r.text
    err = r.json()
    assert set(err) == {"error", "detail"} and err["detail"]
    if case == "invalid_json":
        assert "not valid JSON" in err["detail"]
    if case == "too_long":
        assert str(limit) in err["detail"]
    if case == "missing":
        assert "message" in err["detail"]
    assert _state(api) == before


def test_bad_approval_input(api: Api) -> None:
    r = api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": False, "agent": "maintenance"},
                        headers=api.h("viewer"))
    aid = r.json()["approval"]["id"]
    before = _state(api)
    h = api.h("approver")
    assert api.client.post(f"/v1/approvals/{aid}/approve", content=b"{bad", headers={
        **h, "Content-Type": "application/json"}).status_code == 422
    assert api.client.post(f"/v1/approvals/{aid}/approve", content=b"ok", headers={
        **h, "Content-Type": "text/plain"}).status_code == 415
    assert api.client.post(f"/v1/approvals/{aid}/edit", json={"payload": "not a dict"}, headers=h).status_code == 422
    assert api.client.get("/v1/approvals", params={"status": "weird"}, headers=h).status_code == 422
    assert _state(api) == before
    assert json.loads(api.client.get(f"/v1/approvals/{aid}", headers=h).text)["status"] == "pending"


def test_openapi_documents_security_and_errors(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
    chat = spec["paths"]["/v1/chat"]["post"]
    assert chat["tags"] == ["chat"] and chat["description"]
    assert chat["responses"]["429"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorResponse")
    assert chat["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("Answer")
    assert "/v1/chat/completions" in spec["paths"] and "/v1/documents/{doc_id}" in spec["paths"]
