"""Approvals by role, stored work orders, decision records, and document upload / delete."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_chat_routes import MAINT_Q


def _propose(api: Api) -> dict:
    r = api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": False, "agent": "maintenance"},
                        headers=api.h("operator"))
    assert r.status_code == 200, r.text
    approval = r.json()["approval"]
    assert approval and approval["status"] == "pending" and approval["kind"] == "work_order"
    return approval


def test_approve_needs_approver_and_stores_work_order(api: Api) -> None:
    approval = _propose(api)
    aid = approval["id"]
    pending = api.client.get("/v1/approvals", params={"status": "pending"}, headers=api.h("approver")).json()
    assert aid in [a["id"] for a in pending]
    assert api.client.get(f"/v1/approvals/{aid}", headers=api.h("operator")).json()["status"] == "pending"
    assert api.client.get(f"/v1/approvals/{aid}", headers=api.h("viewer")).status_code == 404  # not their request
    for role in ("viewer", "operator"):
        r = api.client.post(f"/v1/approvals/{aid}/approve", json={"comment": "ok"}, headers=api.h(role))
        assert r.status_code == 403 and "approver" in r.json()["detail"]
    assert api.client.get("/v1/work-orders", headers=api.h("viewer")).json() == []
    r = api.client.post(f"/v1/approvals/{aid}/approve", json={"comment": "go ahead"}, headers=api.h("approver"))
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["status"] == "approved" and decided["decided_by"] == "approver"
    orders = api.client.get("/v1/work-orders", headers=api.h("viewer")).json()
    assert len(orders) == 1
    wo_id = orders[0].get("id") or orders[0].get("wo_id")
    assert api.client.get(f"/v1/work-orders/{wo_id}", headers=api.h("viewer")).status_code == 200
    # a decision is final: approving again conflicts with no second side effect; so does rejecting
    assert api.client.post(f"/v1/approvals/{aid}/approve", json={}, headers=api.h("admin")).status_code == 409
    assert len(api.client.get("/v1/work-orders", headers=api.h("viewer")).json()) == 1
    conflict = api.client.post(f"/v1/approvals/{aid}/reject", json={"comment": "no"}, headers=api.h("approver"))
    assert conflict.status_code == 409 and conflict.json()["error"] == "conflict"


def test_reject_and_edit(api: Api) -> None:
    first, second = _propose(api), _propose(api)
    r = api.client.post(f"/v1/approvals/{first['id']}/reject", json={"comment": "not needed"},
                        headers=api.h("approver"))
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert api.client.get("/v1/work-orders", headers=api.h("viewer")).json() == []
    edited = {**second["payload"], "priority": "high"}
    r = api.client.post(f"/v1/approvals/{second['id']}/edit", json={"comment": "raise priority", "payload": edited},
                        headers=api.h("approver"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved" and r.json()["payload"]["priority"] == "high"
    assert len(api.client.get("/v1/work-orders", headers=api.h("viewer")).json()) == 1
    missing = api.client.post(f"/v1/approvals/{second['id']}/edit", json={"comment": "x"}, headers=api.h("approver"))
    assert missing.status_code == 422


def test_unknown_ids_are_404(api: Api) -> None:
    for path in ("/v1/approvals/nope", "/v1/work-orders/nope", "/v1/decision-records/nope", "/v1/threads/nope"):
        r = api.client.get(path, headers=api.h("viewer"))
        assert r.status_code == 404 and r.json()["error"] == "not_found", path
    r = api.client.post("/v1/approvals/nope/approve", json={}, headers=api.h("approver"))
    assert r.status_code == 404
    assert api.client.get("/v1/decision-records", headers=api.h("viewer")).status_code == 200


def _docs(api: Api) -> list[dict]:
    r = api.client.get("/v1/documents", headers=api.h("viewer"))
    assert r.status_code == 200
    return r.json()


def test_upload_search_and_delete_document(api: Api) -> None:
    before = _docs(api)
    text = b"# Compressor C-7\n\nSurge on compressor C-7 is prevented by the anti-surge valve FV-12.\n"
    files = {"file": ("compressor_c7.md", text, "text/markdown")}
    assert api.client.post("/v1/documents", files=files, headers=api.h("approver")).status_code == 403
    assert _docs(api) == before
    r = api.client.post("/v1/documents", files=files, headers=api.h("admin"))
    assert r.status_code == 201, r.text
    docs = _docs(api)
    assert len(docs) == len(before) + 1
    new = next(d for d in docs if d["uploaded"])
    hits = api.client.post("/v1/search", json={"query": "anti-surge valve FV-12", "k": 2},
                           headers=api.h("viewer")).json()
    assert hits[0]["chunk"]["doc_id"] == new["doc_id"]
    assert api.client.delete(f"/v1/documents/{new['doc_id']}", headers=api.h("operator")).status_code == 403
    bundled = before[0]["doc_id"]
    assert api.client.delete(f"/v1/documents/{bundled}", headers=api.h("admin")).status_code == 409
    assert api.client.delete("/v1/documents/nope", headers=api.h("admin")).status_code == 404
    r = api.client.delete(f"/v1/documents/{new['doc_id']}", headers=api.h("admin"))
    assert r.status_code == 200, r.text
    assert [d["doc_id"] for d in _docs(api)] == [d["doc_id"] for d in before]
    assert not (api.settings.data_dir / "uploads" / "compressor_c7.md").exists()


def test_bad_uploads_change_nothing(api: Api) -> None:
    before = _docs(api)
    small = {"file": ("ok.md", b"# ok\n\ntext\n", "text/markdown")}
    cases = [
        ({"file": ("../../etc/passwd.md", b"x", "text/markdown")}, 400),
        ({"file": ("..hidden.md", b"x", "text/markdown")}, 400),
        ({"file": ("a\\b.md", b"x", "text/markdown")}, 400),
        ({"file": ("tool.exe", b"MZ", "application/octet-stream")}, 415),
        ({"file": ("noext", b"x", "text/plain")}, 415),
        ({"file": ("empty.md", b"", "text/markdown")}, 400),
    ]
    for files, status in cases:
        r = api.client.post("/v1/documents", files=files, headers=api.h("admin"))
        assert r.status_code == status, (files, r.text)
        assert set(r.json()) == {"error", "detail"}
    # oversized: limit is server.max_upload_mb
    api.settings.server.max_upload_mb = 0.001
    big = {"file": ("big.md", b"a" * 2000, "text/markdown")}
    r = api.client.post("/v1/documents", files=big, headers=api.h("admin"))
    assert r.status_code == 413 and "MB" in r.json()["detail"]
    # wrong content type for an upload
    r = api.client.post("/v1/documents", content=b"# hi", headers={**api.h("admin"), "Content-Type": "text/markdown"})
    assert r.status_code == 415
    assert api.client.post("/v1/documents", files=small).status_code == 401
    assert _docs(api) == before
    uploads = api.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_deleting_one_of_two_uploads_prunes_only_it(api: Api) -> None:
    before = {d["doc_id"] for d in _docs(api)}
    for name, text in (("valve_fv12.md", b"# Valve FV-12\n\nFV-12 strokes in 4 seconds.\n"),
                       ("filter_s3.md", b"# Strainer S-3\n\nClean S-3 when the differential pressure rises.\n")):
        r = api.client.post("/v1/documents", files={"file": (name, text, "text/markdown")}, headers=api.h("admin"))
        assert r.status_code == 201, r.text
    uploaded = {d["title"]: d["doc_id"] for d in _docs(api) if d["uploaded"]}
    assert set(uploaded) == {"Valve FV-12", "Strainer S-3"}
    assert api.client.delete(f"/v1/documents/{uploaded['Valve FV-12']}", headers=api.h("admin")).status_code == 200
    after = {d["doc_id"] for d in _docs(api)}
    assert after == before | {uploaded["Strainer S-3"]}
