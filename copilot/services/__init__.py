"""The services layer between the conversation graph and its front ends (API, UI, CLI, eval).

:func:`build_services` builds everything once; the generation queue (runner), auth and uploads live
here so the API and the UI sit side by side on top of it."""

from copilot.services.container import NotReady, Services, build_services

__all__ = ["NotReady", "Services", "build_services"]
