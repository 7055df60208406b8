"""The application ``copilot serve`` runs: the services, the HTTP API and the Chainlit UI beside it."""

from __future__ import annotations

from fastapi import FastAPI

from copilot.api.app import create_api
from copilot.config import Settings
from copilot.graph.contract import Copilot
from copilot.retrieval.base import Retriever
from copilot.services import build_services


def create_app(settings: Settings, *, copilot: Copilot | None = None, retriever: Retriever | None = None,
               ui: bool = True) -> FastAPI:
    """Build the app. ``copilot``/``retriever`` default to the real ones, loaded in the background at
    startup (``/readyz`` says when). ``ui=False`` leaves out the Chainlit UI (API tests)."""
    services = build_services(settings, copilot=copilot, retriever=retriever, server=True)
    app = create_api(services)
    if ui:
        from copilot.ui.mount import mount_ui

        mount_ui(app, services)
    return app
