"""Threads have owners; decisions are final (409 on every decision endpoint); the OpenAPI document
matches the real error bodies; strict types refuse 0/1 for booleans and false for integers."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.test_chat_routes import MAINT_Q


def _propose(api: Api, role: str = "operator") -> dict:
    r = api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": False, "agent": "maintenance"},
                        headers=api.h(role))
    assert r.status_code == 200, r.text
    return r.json()["approval"]


def _second_operator(api: Api) -> dict[str, str]:
    auth = api.app.state.services.auth
    auth.add_user("oscar", "operator")
    return {"Authorization": f"Bearer {auth.create_key('oscar')}"}


@pytest.mark.parametrize("first", ["approve", "reject", "edit"])
@pytest.mark.parametrize("second", ["approve", "reject", "edit"])
def test_every_decision_endpoint_answers_409_once_decided(api: Api, first: str, second: str) -> None:
    approval = _propose(api)
    aid, edited = approval["id"], {**approval["payload"], "priority": "emergency"}
    body = {"comment": "first", **({"payload": edited} if first == "edit" else {})}
    assert api.client.post(f"/v1/approvals/{aid}/{first}", json=body, headers=api.h("approver")).status_code == 200
    before = (api.client.get(f"/v1/approvals/{aid}", headers=api.h("admin")).json(),
              api.client.get("/v1/work-orders", headers=api.h("admin")).json())
    body = {"comment": "second", **({"payload": {**edited, "priority": "low"}} if second == "edit" else {})}
    r = api.client.post(f"/v1/approvals/{aid}/{second}", json=body, headers=api.h("admin"))
    assert r.status_code == 409 and r.json()["error"] == "conflict" and "already" in r.json()["detail"]
    after = (api.client.get(f"/v1/approvals/{aid}", headers=api.h("admin")).json(),
             api.client.get("/v1/work-orders", headers=api.h("admin")).json())
    assert after == before, "a refused decision changes nothing"


def test_409_is_documented_on_every_decision_endpoint(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    for action in ("approve", "reject", "edit"):
        responses = paths[f"/v1/approvals/{{approval_id}}/{action}"]["post"]["responses"]
        assert "already decided" in responses["409"]["description"]


def test_threads_belong_to_their_owner(api: Api) -> None:
    approval = _propose(api)
    tid = approval["thread_id"]
    assert api.client.get(f"/v1/approvals/{approval['id']}", headers=api.h("approver")).json()["requested_by"] == "operator"
    oscar = _second_operator(api)
    for headers in (api.h("viewer"), oscar):
        assert api.client.get(f"/v1/threads/{tid}", headers=headers).status_code == 403
        r = api.client.post("/v1/chat", json={"message": "and then?", "thread_id": tid, "stream": False},
                            headers=headers)
        assert r.status_code == 403, r.text
        assert api.client.post("/v1/feedback", json={"thread_id": tid, "message_index": 1, "score": 1},
                               headers=headers).status_code == 403
    for role in ("operator", "approver", "admin"):  # owner; approver with a request in it; admin
        assert api.client.get(f"/v1/threads/{tid}", headers=api.h(role)).status_code == 200, role
    # operators see the status of their own requests only; approvers see all
    assert [a["id"] for a in api.client.get("/v1/approvals", headers=api.h("operator")).json()] == [approval["id"]]
    assert api.client.get("/v1/approvals", headers=oscar).json() == []
    assert api.client.get(f"/v1/approvals/{approval['id']}", headers=oscar).status_code == 404
    assert [a["id"] for a in api.client.get("/v1/approvals", headers=api.h("approver")).json()] == [approval["id"]]


def test_an_approver_cannot_read_threads_without_a_request(api: Api) -> None:
    r = api.client.post("/v1/chat", json={"message": "What is a readiness assessment?", "stream": False},
                        headers=api.h("operator"))
    tid = r.json()["thread_id"]
    assert api.client.get(f"/v1/threads/{tid}", headers=api.h("approver")).status_code == 403


def test_a_thread_with_a_pending_approval_cannot_be_deleted(api: Api) -> None:
    approval = _propose(api)
    tid, aid = approval["thread_id"], approval["id"]
    r = api.client.delete(f"/v1/threads/{tid}", headers=api.h("operator"))
    assert r.status_code == 409 and "pending" in r.json()["detail"]
    assert api.client.get(f"/v1/approvals/{aid}", headers=api.h("approver")).json()["status"] == "pending"
    assert api.client.delete(f"/v1/threads/{tid}", headers=_second_operator(api)).status_code == 403
    api.client.post(f"/v1/approvals/{aid}/reject", json={"comment": "no"}, headers=api.h("approver"))
    assert api.client.delete(f"/v1/threads/{tid}", headers=api.h("operator")).status_code == 200
    records = api.app.state.services.get_copilot().deps.audit.records()
    deleted = [r for r in records if r["kind"] == "thread_deleted"]
    assert deleted and deleted[-1]["actor"] == "operator"
    assert all(r["actor"] for r in records), "every audit record names its actor"
    kinds = {r["kind"]: r["actor"] for r in records}
    assert kinds["turn"] == "operator" and kinds["approval_requested"] == "operator"
    assert kinds["approval_decided"] == "approver"


def test_documented_422_body_matches_the_real_one(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if "422" in op["responses"]:
                ref = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorResponse"), (method, path)
            if method == "post" and "requestBody" in op:
                assert "400" in op["responses"], (method, path)
    r = api.client.post("/v1/chat", json={"message": 5}, headers=api.h("admin"))
    assert r.status_code == 422 and set(r.json()) == {"error", "detail"}


@pytest.mark.parametrize("path,body", [
    ("/v1/chat", {"message": "hello", "stream": 0}),
    ("/v1/chat", {"message": "hello", "stream": "false"}),
    ("/v1/feedback", {"thread_id": "t", "message_index": 0, "score": False}),
    ("/v1/feedback", {"thread_id": "t", "message_index": True, "score": 1}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}], "stream": 0}),
])
def test_strict_types(api: Api, path: str, body: dict) -> None:
    r = api.client.post(path, json=body, headers=api.h("admin"))
    assert r.status_code in (400, 422), r.text  # refused, not coerced (OpenAI-style routes may answer 400)
