"""Liveness, readiness and Prometheus metrics (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from copilot.api.deps import ServicesDep
from copilot.api.schemas import ErrorResponse, Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, summary="Model and index loaded",
            responses={503: {"model": ErrorResponse, "description": "Not ready; detail says why."}})
def readyz(services: ServicesDep) -> Response:
    if not services.loaded:
        services.load_in_background()
        reason = services.load_error or "the model and index are still loading"
        return JSONResponse({"error": "not_ready", "detail": reason}, status_code=503,
                            headers={"Retry-After": "10"})
    chunks = services.get_retriever().count()
    if chunks == 0:
        return JSONResponse({"error": "not_ready", "detail": "the index is empty: run `copilot ingest`"},
                            status_code=503)
    return JSONResponse(Ready(status="ready", chunks=chunks).model_dump())


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}})
def metrics(services: ServicesDep) -> Response:
    return Response(services.metrics.render(), media_type=services.metrics.content_type)
