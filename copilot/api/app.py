"""The HTTP API: routes, auth, metrics and errors over the services (the UI is mounted beside it by copilot.server)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Receive, Scope, Send

from copilot.api.errors import body_for, install_error_handlers
from copilot.api.metrics import MetricsMiddleware
from copilot.api.openapi import install_openapi
from copilot.api.routes import approvals, chat, documents, health, openai_compat, threads
from copilot.services import Services

log = logging.getLogger(__name__)

DESCRIPTION = """Local, grounded industrial AI copilot: AI readiness, AI governance and plant maintenance.

Every `/v1` route needs an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`). Roles:
**viewer** (chat, search, read), **operator** (+ feedback, delete threads), **approver** (+ approve,
reject, edit proposed work orders and decision records), **admin** (+ upload and delete documents).
Errors are always `{"error": code, "detail": message}`, except on the OpenAI-compatible routes
(`/v1/chat/completions`, `/v1/models`), which answer OpenAI's `{"error": {"message", "type", "code"}}`."""


class ContentTypeMiddleware:
    """415 for POST bodies of the wrong type: JSON for /v1 routes, multipart for document uploads."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"].startswith("/v1/"):
            headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            empty = headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers
            if scope["path"].rstrip("/") == "/v1/documents":
                wanted, ok = "multipart/form-data", ctype == "multipart/form-data"
            else:
                wanted = "application/json"
                ok = ctype == "application/json" or ctype.endswith("+json") or (not ctype and empty)
            if not ok:
                body = body_for(scope["path"], 415, f"content type {ctype or '(none)'!r} is not accepted here; send {wanted}")
                await _send_json(send, 415, body)
                return
        await self.app(scope, receive, send)


class DocsCSPMiddleware:
    """A Content-Security-Policy on /docs and /redoc that keeps every request on this server (ReDoc's
    sidebar otherwise fetches its vendor logo from the internet)."""

    POLICY = (b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
              b"script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in ("/docs", "/redoc"):
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"content-security-policy", self.POLICY)]
            await send(message)

        await self.app(scope, receive, with_policy)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    import json

    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def create_api(services: Services) -> FastAPI:
    """The HTTP API over ``services`` (the copilot loads in the background at startup; ``/readyz`` says when).
    :func:`copilot.server.create_app` builds the services and adds the chat UI beside it."""
    settings = services.settings
    auth = services.auth
    credentials = auth.bootstrap() if settings.auth.enabled else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services.load_in_background()
        yield

    # FastAPIOffline serves /docs and /redoc with Swagger UI and ReDoc from its own package files: a plant
    # network has no internet, and FastAPI's default pages load both from a CDN.
    app = FastAPIOffline(
        static_url="/docs-assets", title="Industrial AI Copilot", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
        openapi_tags=[
            {"name": "chat", "description": "Ask the copilot (SSE or JSON)."},
            {"name": "threads", "description": "Conversation history and feedback."},
            {"name": "approvals", "description": "Human approval of proposed actions."},
            {"name": "records", "description": "Approved work orders and decision records."},
            {"name": "documents", "description": "The indexed documents; uploads."},
            {"name": "search", "description": "Raw retrieval."},
            {"name": "openai", "description": "OpenAI-compatible endpoints."},
            {"name": "health", "description": "Liveness, readiness, metrics."},
        ],
    )
    app.state.services = services
    app.state.initial_credentials = credentials
    install_error_handlers(app)
    install_openapi(app)
    for router in (chat.router, threads.router, approvals.router, approvals.records, documents.router,
                   openai_compat.router, health.router):
        app.include_router(router)
    app.add_middleware(ContentTypeMiddleware)
    app.add_middleware(DocsCSPMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=services.metrics, ui_path=settings.server.ui_path)
    return app
