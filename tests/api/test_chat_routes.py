"""Chat (JSON and SSE), threads, feedback, search, health, metrics and the OpenAI-compatible routes."""

from __future__ import annotations

import json

from tests.api.conftest import Api

MAINT_Q = "Pump P-101 is cavitating with a rattling noise; what should I check and please raise a work order?"


def sse_events(text: str) -> list[tuple[str, dict]]:
    events, name = [], None
    for line in text.splitlines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and name:
            events.append((name, json.loads(line.split(":", 1)[1].strip())))
            name = None
    return events


def test_chat_json_answer_with_citations_and_history(api: Api) -> None:
    r = api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": False}, headers=api.h("viewer"))
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["thread_id"] and answer["text"]
    assert answer["citations"], "a grounded answer cites its sources"
    assert any("P-101" in c["title"] or "P-101" in c["text"] for c in answer["citations"])
    hist = api.client.get(f"/v1/threads/{answer['thread_id']}", headers=api.h("viewer"))
    assert hist.status_code == 200
    roles = [m["role"] for m in hist.json()["messages"]]
    assert roles[:2] == ["user", "assistant"]
    assert hist.json()["messages"][0]["content"] == MAINT_Q


def test_chat_sse_streams_events_in_order(api: Api) -> None:
    r = api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": True}, headers=api.h("viewer"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    names = [n for n, _ in events]
    assert names[0] == "route" and names[1] == "progress" and names[2] == "sources" and names[-1] == "done"
    assert events[1][1] == {"stage": "searching", "message": "Searching the documents"}
    assert "token" in names
    tokens = "".join(d["text"] for n, d in events if n == "token")
    assert tokens.strip()
    done = events[-1][1]
    assert done["citations"] and done["route"] == events[0][1]["route"]


def test_thread_delete_needs_operator_and_unknown_is_404(api: Api) -> None:
    tid = api.client.post("/v1/chat", json={"message": "What can you do?", "stream": False},
                          headers=api.h("operator")).json()["thread_id"]
    assert api.client.delete(f"/v1/threads/{tid}", headers=api.h("viewer")).status_code == 403
    assert api.client.delete(f"/v1/threads/{tid}", headers=api.h("operator")).status_code == 200
    r = api.client.get(f"/v1/threads/{tid}", headers=api.h("operator"))
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert api.client.delete("/v1/threads/nope", headers=api.h("admin")).status_code == 404


def test_feedback_recorded_for_operator(api: Api) -> None:
    tid = api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": False},
                          headers=api.h("operator")).json()["thread_id"]
    body = {"thread_id": tid, "message_index": 1, "score": 1, "comment": "useful"}
    assert api.client.post("/v1/feedback", json=body, headers=api.h("viewer")).status_code == 403
    r = api.client.post("/v1/feedback", json=body, headers=api.h("operator"))
    assert r.status_code == 200, r.text
    bad = api.client.post("/v1/feedback", json={**body, "message_index": 99}, headers=api.h("operator"))
    assert bad.status_code == 404
    assert api.client.post("/v1/feedback", json={**body, "thread_id": "nope"},
                           headers=api.h("operator")).status_code == 404


def test_search_returns_hits_and_validates(api: Api) -> None:
    r = api.client.post("/v1/search", json={"query": "cavitation suction strainer", "k": 3},
                        headers=api.h("viewer"))
    assert r.status_code == 200
    hits = r.json()
    assert 1 <= len(hits) <= 3 and "chunk" in hits[0]
    assert any("P-101" in h["chunk"]["title"] for h in hits)
    assert api.client.post("/v1/search", json={"query": "x", "mode": "magic"},
                           headers=api.h("viewer")).status_code == 422
    filt = api.client.post("/v1/search", json={"query": "risk", "filters": {"doc_type": "policy"}},
                           headers=api.h("viewer"))
    assert filt.status_code == 200 and all(h["chunk"]["doc_type"] == "policy" for h in filt.json())


def test_health_ready_metrics(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["chunks"] > 0
    api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": True}, headers=api.h("viewer"))
    text = api.client.get("/metrics").text
    assert 'copilot_http_requests_total{method="POST",route="/v1/chat",status="200"}' in text
    assert "copilot_http_request_seconds_bucket" in text
    assert "copilot_generation_queue_depth" in text
    tokens = [ln for ln in text.splitlines() if ln.startswith("copilot_tokens_generated_total ")]
    assert tokens and float(tokens[0].split()[1]) > 0


def test_readyz_503_when_index_empty(tmp_path) -> None:
    from copilot.config import load_settings
    from tests.api.conftest import make_api
    from tests.api.stub import StubCopilot

    settings = load_settings(profile="test", overrides={"data_dir": str(tmp_path / "d")})
    api = make_api(settings, StubCopilot())
    r = api.client.get("/readyz")
    assert r.status_code == 503 and "index is empty" in r.json()["detail"]


def test_openai_models_and_completion(api: Api) -> None:
    models = api.client.get("/v1/models", headers=api.h("viewer")).json()
    assert models["data"][0]["id"] == "industrial-copilot"
    r = api.client.post("/v1/chat/completions", headers=api.h("viewer"),
                        json={"model": "industrial-copilot", "messages": [{"role": "user", "content": MAINT_Q}]})
    assert r.status_code == 200, r.text
    content = r.json()["choices"][0]["message"]["content"]
    assert "Sources:" in content and "[1]" in content
    s = api.client.post("/v1/chat/completions", headers=api.h("viewer"),
                        json={"messages": [{"role": "user", "content": MAINT_Q}], "stream": True})
    chunks = [json.loads(ln[5:]) for ln in s.text.splitlines() if ln.startswith("data:") and "[DONE]" not in ln]
    streamed = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert "Sources:" in streamed and s.text.rstrip().endswith("[DONE]")
    none = api.client.post("/v1/chat/completions", headers=api.h("viewer"),
                           json={"messages": [{"role": "system", "content": "hi"}]})
    assert none.status_code == 422
