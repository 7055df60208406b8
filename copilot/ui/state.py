"""The services the Chainlit callbacks use (Chainlit loads copilot/ui/app.py as a plain script)."""

from __future__ import annotations

from typing import Any

_state: dict[str, Any] = {}


def configure(container: Any) -> None:
    """Called by :func:`copilot.ui.mount.mount_ui` with the API's service container."""
    _state["container"] = container


def container() -> Any:
    if "container" not in _state:
        raise RuntimeError("the UI is not mounted: build the app with copilot.api.app.create_app")
    return _state["container"]
