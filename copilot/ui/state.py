"""The services the Chainlit callbacks use (Chainlit loads copilot/ui/app.py as a plain script)."""

from __future__ import annotations

from typing import Any

_state: dict[str, Any] = {}


def configure(services: Any) -> None:
    """Called by :func:`copilot.ui.mount.mount_ui` with the app's services (copilot.services.Services)."""
    _state["services"] = services


def services() -> Any:
    if "services" not in _state:
        raise RuntimeError("the UI is not mounted: build the app with copilot.server.create_app")
    return _state["services"]
