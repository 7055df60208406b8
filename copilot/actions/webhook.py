"""Signed webhook requests: what the CMMS receives and how it checks that the copilot sent it.

Every delivery is a JSON POST of the work order with these headers:

* ``Idempotency-Key`` / ``X-Copilot-Delivery``: the same for every retry of one work order
* ``X-Copilot-Event: work_order.approved`` and ``X-Copilot-Attempt: <n>``
* ``X-Copilot-Timestamp: <unix seconds>``
* ``X-Copilot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>``
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Copilot-Signature"
TIMESTAMP_HEADER = "X-Copilot-Timestamp"


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, timestamp: str, body: bytes, signature: str, *, tolerance_s: float = 300.0,
                     now: float | None = None) -> bool:
    """For receivers: True when ``signature`` is ours for this body and the timestamp is recent."""
    try:
        age = abs((now if now is not None else time.time()) - float(timestamp))
    except ValueError:
        return False
    return age <= tolerance_s and hmac.compare_digest(sign(secret, timestamp, body), signature)


def headers(secret: bytes, delivery_id: str, attempt: int, body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"Content-Type": "application/json", "Idempotency-Key": delivery_id, "X-Copilot-Delivery": delivery_id,
            "X-Copilot-Event": "work_order.approved", "X-Copilot-Attempt": str(attempt), TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(secret, ts, body)}


def post(url: str, body: bytes, hdrs: dict[str, str], timeout_s: float) -> tuple[int | None, str | None]:
    """POST once; return (http_status, error). Never raises; any 2xx is success."""
    try:
        import httpx

        resp = httpx.post(url, content=body, headers=hdrs, timeout=timeout_s)
    except Exception as exc:  # noqa: BLE001 - a failed delivery is recorded and retried, never lost
        return None, f"{type(exc).__name__}: {exc}"[:300]
    if resp.status_code >= 300:
        return resp.status_code, f"HTTP {resp.status_code}"
    return resp.status_code, None
