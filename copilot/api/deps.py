"""The ``Annotated[..., Depends()]`` aliases routes use: the app's services, the caller and their role."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from copilot.api.errors import APIError
from copilot.graph.contract import Copilot
from copilot.retrieval.base import Retriever
from copilot.services import Services
from copilot.services.auth import Principal, Role


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]

_bearer = HTTPBearer(auto_error=False, description="API key: `Authorization: Bearer ck_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key in the X-API-Key header.")


def get_principal(services: ServicesDep,
                  bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                  header: Annotated[str | None, Depends(_header)]) -> Principal:
    """Who is calling, from ``Authorization: Bearer`` or ``X-API-Key``; 401 without a valid key."""
    if not services.settings.auth.enabled:
        return Principal("anonymous", "admin")
    key = (bearer.credentials if bearer else None) or header
    if not key:
        raise APIError(401, "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                       headers={"WWW-Authenticate": "Bearer"})
    principal = services.auth.authenticate_key(key)
    if principal is None:
        raise APIError(401, "the API key is not valid", headers={"WWW-Authenticate": "Bearer"})
    return principal


def require(role: Role) -> Any:
    """Dependency: the caller must hold at least ``role`` (403 otherwise)."""

    def _check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.has(role):
            raise APIError(403, f"this needs the {role} role; user {principal.user!r} is {principal.role}")
        return principal

    return _check


Viewer = Annotated[Principal, Depends(require("viewer"))]
Operator = Annotated[Principal, Depends(require("operator"))]
Approver = Annotated[Principal, Depends(require("approver"))]
Admin = Annotated[Principal, Depends(require("admin"))]


def _copilot(services: ServicesDep) -> Copilot:
    return services.get_copilot()


def _retriever(services: ServicesDep) -> Retriever:
    return services.get_retriever()


CopilotDep = Annotated[Copilot, Depends(_copilot)]
RetrieverDep = Annotated[Retriever, Depends(_retriever)]
