"""Make the OpenAPI document say what the API really answers.

FastAPI documents request validation failures as ``HTTPValidationError`` (``{"detail": [...]}``),
but :mod:`copilot.api.errors` answers every error as ``ErrorResponse`` (``{"error", "detail"}``);
and a request body that cannot be parsed (broken multipart, bad encoding) is a 400. This rewrites
the generated schema once so both are documented on every operation that takes input.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_DESCRIPTIONS = {"400": "bad_request: the body could not be parsed", "422": "invalid_request: the input failed validation"}


def _error_response(code: str) -> dict[str, Any]:
    return {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": _ERROR_REF}}}


def fix_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace every 422 body with ErrorResponse and document 400 on operations with a request body."""
    for methods in schema.get("paths", {}).values():
        for method, op in methods.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            if "422" in responses or op.get("parameters") or "requestBody" in op:
                responses["422"] = _error_response("422")
            if "requestBody" in op and method in ("post", "put", "patch"):
                responses.setdefault("400", _error_response("400"))
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected schema at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes, tags=app.openapi_tags)
            app.openapi_schema = fix_schema(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
