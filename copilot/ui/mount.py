"""Mount the Chainlit UI inside the copilot's FastAPI app, fully offline.

Chainlit reads its app root from the environment when first imported and writes translations and
uploaded files next to its config, so the config shipped in ``copilot/ui`` is copied to
``<data_dir>/chainlit`` first. Chainlit's login needs ``CHAINLIT_AUTH_SECRET``: a random secret is
generated once and kept in ``<data_dir>/chainlit_auth_secret``. The index page Chainlit serves links
web fonts and a KaTeX stylesheet on public CDNs; those links are removed so the browser never
reaches the internet.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from copilot.config import Settings
from copilot.ui import state

log = logging.getLogger(__name__)
UI_DIR = Path(__file__).resolve().parent
UI_APP_FILE = UI_DIR / "app.py"
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*>", re.S)
_mounted: dict[str, Any] = {}


LOGIN_TEXT = {
    "title": "Sign in to Industrial Copilot",
    "form.email.label": "Username", "form.email.placeholder": "e.g. operator",
    "form.email.required": "Enter your username",
    "errors.credentialsSignin": "Wrong username or password.", "errors.credentialssignin": "Wrong username or password.",
    "errors.default": "Could not sign in. Check your username and password.",
}


def write_translation(root: Path) -> None:
    """Chainlit's English texts with the login form speaking of usernames (users are ``operator``, ...)."""
    spec = importlib.util.find_spec("chainlit")
    if spec is None or spec.origin is None:
        return
    data = json.loads((Path(spec.origin).parent / "translations" / "en-US.json").read_text(encoding="utf-8"))
    login = data.setdefault("auth", {}).setdefault("login", {})
    for dotted, text in LOGIN_TEXT.items():
        node = login
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = text
    folder = root / ".chainlit" / "translations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "en-US.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def prepare_root(root: Path) -> Path:
    """Copy the UI's Chainlit config, welcome page, theme and custom elements into ``root`` (refreshing
    stale copies) and write the English texts."""
    (root / ".chainlit").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(UI_DIR / ".chainlit" / "config.toml", root / ".chainlit" / "config.toml")
    shutil.copyfile(UI_DIR / "chainlit.md", root / "chainlit.md")
    shutil.copytree(UI_DIR / "public", root / "public", dirs_exist_ok=True)
    write_translation(root)
    return root


def auth_secret(settings: Settings) -> str:
    """The persisted JWT secret for Chainlit sessions (created on first use, mode 0600)."""
    path = settings.data_dir / "chainlit_auth_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret, encoding="utf-8")
    os.chmod(path, 0o600)
    return secret


class LoginErrorMiddleware:
    """Chainlit answers a wrong password with the bare code ``credentialssignin``, which its login page shows
    as "Unauthorized: credentialssignin": replace that detail with a sentence a person understands."""

    MESSAGE = b'{"detail":"Wrong username or password."}'

    def __init__(self, app: Any, login_path: str) -> None:
        self.app, self.login_path = app, login_path

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.login_path:
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                held["start"] = message
                return
            if message["type"] == "http.response.body" and "start" in held:
                if held.get("sent"):
                    return  # the rest of the original body
                headers = [(k, v) for k, v in held["start"]["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(self.MESSAGE)).encode()))
                await send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": self.MESSAGE})
                held["sent"] = True
                return
            await send(message)

        await self.app(scope, receive, wrapped)


def _offline_html(original: Any) -> Any:
    def get_html_template(root_path: str) -> str:
        return _EXTERNAL_LINK.sub("", original(root_path))

    get_html_template.__wrapped__ = original  # type: ignore[attr-defined]
    return get_html_template


def configure_chainlit_env(settings: Settings) -> Path:
    """Point Chainlit at ``<data_dir>/chainlit`` and give it its auth secret; call before importing chainlit.

    config.py is the only module that *reads* the environment; Chainlit itself is configured through
    environment variables, so they are set here, just before Chainlit is first imported. Chainlit
    reads its app root once per process: later calls keep the first root (refreshing its config).
    """
    root = Path(os.environ.setdefault("CHAINLIT_APP_ROOT", str(settings.data_dir / "chainlit")))
    prepare_root(root)
    config = root / ".chainlit" / "config.toml"  # the login image lives under the UI's own path
    ui_path = "/" + settings.server.ui_path.strip("/")
    config.write_text(config.read_text(encoding="utf-8").replace('"/chat/public/', f'"{ui_path}/public/'),
                      encoding="utf-8")
    os.environ.setdefault("CHAINLIT_AUTH_SECRET", auth_secret(settings))
    return root


def mount_ui(app: FastAPI, services: Any) -> None:
    """Mount Chainlit at ``settings.server.ui_path``; the UI talks to ``services``'s services."""
    settings: Settings = services.settings
    path = "/" + settings.server.ui_path.strip("/")
    state.configure(services)
    app.add_middleware(LoginErrorMiddleware, login_path=f"{path}/login")
    if "app" in _mounted:  # Chainlit is a process-wide singleton: reuse it
        import chainlit.data as cl_data

        cl_data._data_layer, cl_data._data_layer_initialized = None, False  # the history of this app's data_dir
        app.mount(path, _mounted["app"])
        return
    configure_chainlit_env(settings)
    import chainlit.server as cl_server
    from chainlit.utils import mount_chainlit
    if not hasattr(cl_server.get_html_template, "__wrapped__"):
        cl_server.get_html_template = _offline_html(cl_server.get_html_template)
    mount_chainlit(app, target=str(UI_APP_FILE), path=path)
    _mounted["app"] = cl_server.app
