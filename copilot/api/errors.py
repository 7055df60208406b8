"""One error shape for every failure: ``{"error": code, "detail": message}`` (OpenAI's shape on the
OpenAI-compatible routes, so its SDKs show the message)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from copilot.api.schemas import ErrorResponse
from copilot.services import NotReady

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_request",
    429: "busy", 500: "internal_error", 503: "unavailable", 504: "timeout",
}


class APIError(StarletteHTTPException):
    """An HTTP error with a code and a human-readable detail."""

    def __init__(self, status: int, detail: str, *, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.code = code or CODES.get(status, "error")


def error_body(status: int, detail: str, code: str | None = None) -> dict[str, str]:
    return {"error": code or CODES.get(status, "error"), "detail": detail}


OPENAI_PATHS = ("/v1/chat/completions", "/v1/models")
OPENAI_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 409: "invalid_request_error", 413: "invalid_request_error",
                415: "invalid_request_error", 422: "invalid_request_error", 429: "rate_limit_error"}


def is_openai_path(path: str) -> bool:
    return path.rstrip("/") in OPENAI_PATHS


def openai_error_body(status: int, detail: str, code: str | None = None) -> dict[str, Any]:
    """OpenAI's error shape, which the OpenAI SDKs read: ``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": detail, "type": OPENAI_TYPES.get(status, "server_error"), "param": None,
                      "code": code or CODES.get(status, "error")}}


def body_for(path: str, status: int, detail: str, code: str | None = None) -> dict[str, Any]:
    """The error body for ``path``: OpenAI's shape on the OpenAI-compatible routes, ours elsewhere."""
    return openai_error_body(status, detail, code) if is_openai_path(path) else error_body(status, detail, code)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entry documenting the error model for these statuses."""
    return {s: {"model": ErrorResponse, "description": CODES.get(s, "error")} for s in statuses}


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return f"request body is not valid JSON ({err.get('ctx', {}).get('error', 'parse error')})"
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Map HTTP, validation and unexpected errors to :class:`ErrorResponse` JSON."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = getattr(exc, "code", None)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse(body_for(request.url.path, exc.status_code, detail, code), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(NotReady)
    async def _not_ready(request: Request, exc: NotReady) -> JSONResponse:
        return JSONResponse(body_for(request.url.path, 503, str(exc)), status_code=503, headers={"Retry-After": "10"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(body_for(request.url.path, 422, _validation_detail(exc)), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - last resort
        return JSONResponse(body_for(request.url.path, 500, f"unexpected server error: {type(exc).__name__}"),
                            status_code=500)
