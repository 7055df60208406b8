"""Approval payloads as form fields and back, driven by the payload's pydantic schema.

The UI shows a proposed work order, decision record or report as a labelled form (the
``ApprovalCard`` custom element), never as raw JSON: text fields, choices for enums, numbers, and
one-item-per-line text areas for lists. Edited values come back as strings and are turned into the
payload again here; ``copilot.actions.models.validate_payload`` then checks them as usual.
"""

from __future__ import annotations

import json
from typing import Any

from copilot.actions.models import PAYLOAD_MODELS
from copilot.types import ApprovalRequest

KIND_LABEL = {"work_order": "Work order", "decision_record": "Decision record", "report": "Report"}
LABELS = {"estimated_duration_h": "Estimated duration (h)", "nist_subcategories": "NIST subcategories",
          "report_markdown": "Report"}


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _spec(kind: str, key: str) -> dict[str, Any]:
    model = PAYLOAD_MODELS.get(kind)
    return (model.model_json_schema().get("properties", {}).get(key, {}) if model else {})


def _widget(spec: dict[str, Any], value: Any) -> tuple[str, list[str]]:
    if "enum" in spec:
        return "choice", [str(v) for v in spec["enum"]]
    kind = spec.get("type")
    if kind == "array" and spec.get("items", {}).get("type", "string") == "string":
        return "list", []
    if kind in ("number", "integer"):
        return "number", []
    if kind in ("array", "object") or isinstance(value, dict | list):
        return "json", []
    return ("long" if isinstance(value, str) and (len(value) > 80 or "\n" in value) else "text"), []


def to_fields(kind: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{key, label, widget, value, options}]``: every payload field as a string a form can edit."""
    fields = []
    for key, value in payload.items():
        widget, options = _widget(_spec(kind, key), value)
        if widget == "list":
            text = "\n".join(str(v) for v in value or [])
        elif widget == "json":
            text = json.dumps(value, indent=2, ensure_ascii=False)
        else:
            text = "" if value is None else str(value)
        fields.append({"key": key, "label": _label(key), "widget": widget, "value": text, "options": options})
    return fields


def from_fields(kind: str, original: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The payload from edited form values (fields not sent keep their proposed value).
    Raises ValueError for a number or JSON field that does not parse."""
    payload = dict(original)
    for key, raw in values.items():
        if key not in original or not isinstance(raw, str):
            continue
        widget, _ = _widget(_spec(kind, key), original[key])
        if widget == "list":
            payload[key] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif widget == "number":
            try:
                payload[key] = float(raw) if "." in raw or isinstance(original[key], float) else int(raw)
            except ValueError as exc:
                raise ValueError(f"{_label(key)} must be a number, not {raw!r}") from exc
        elif widget == "json":
            try:
                payload[key] = json.loads(raw)
            except ValueError as exc:
                raise ValueError(f"{_label(key)} is not valid JSON: {exc}") from exc
        else:
            payload[key] = raw.strip()
    return payload


def card_props(req: ApprovalRequest, *, requested_by: str | None, can_decide: bool,
               note: str = "") -> dict[str, Any]:
    """Props of the ApprovalCard element for one approval request."""
    return {
        "id": req.id, "kind": req.kind, "kindLabel": KIND_LABEL.get(req.kind, req.kind), "summary": req.summary,
        "requestedBy": requested_by or "unknown", "requestedAt": req.created_at, "threadId": req.thread_id,
        "status": req.status, "decidedBy": req.decided_by or "", "decidedAt": req.decided_at or "",
        "comment": req.comment or "", "canDecide": can_decide and req.status == "pending",
        "fields": to_fields(req.kind, req.payload), "note": note,
    }
