"""API keys and UI passwords, stored hashed, mapped to a user and a role.

Roles are ordered: ``viewer`` < ``operator`` < ``approver`` < ``admin``.

* viewer:   chat, search, read threads, approvals, work orders, decision records, documents
* operator: viewer + feedback on answers + deleting conversation threads
* approver: operator + approve / reject / edit pending actions
* admin:    everything, including uploading and deleting documents

Keys look like ``ck_<key id>_<secret>``; only ``sha256(salt + secret)`` is stored, looked up by
key id and compared in constant time. UI passwords are hashed with scrypt and a per-user salt;
a login for an unknown user runs the same scrypt against a dummy hash (no timing difference), and
failures are throttled per user name and per client (:class:`~copilot.services.login_guard.LoginGuard`)
and reported to ``on_event`` (the audit log) with the claimed user name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from copilot.config import Settings
from copilot.services.login_guard import LoginGuard
from copilot.types import utcnow

Role = Literal["viewer", "operator", "approver", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "approver", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user name and a role."""

    user: str
    role: Role

    def has(self, role: Role) -> bool:
        """True when this principal's role is at least ``role``."""
        return _RANK[self.role] >= _RANK[role]


def keys_path(settings: Settings) -> Path:
    return settings.auth.keys_file or settings.data_dir / "auth.json"


def _hash_key(secret: str, salt: str) -> str:
    return hashlib.sha256((salt + secret).encode()).hexdigest()


def _hash_password(password: str, salt: str) -> str:
    return hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT).hex()


class AuthStore:
    """Users, roles, hashed API keys and hashed UI passwords in one JSON file."""

    def __init__(self, path: Path, *, guard: LoginGuard | None = None,
                 on_event: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self.path = path
        self.guard = guard or LoginGuard()
        self.on_event = on_event
        self._dummy_salt = secrets.token_hex(16)
        self._dummy_hash = _hash_password(secrets.token_urlsafe(16), self._dummy_salt)
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {"users": {}, "keys": {}}
        if path.exists():
            try:
                self._data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise ValueError(f"cannot read the auth store {path}: {exc}") from exc
        self._data.setdefault("users", {})
        self._data.setdefault("keys", {})

    # persistence -------------------------------------------------------
    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._data, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)

    # users and keys ----------------------------------------------------
    def users(self) -> dict[str, Role]:
        return {name: u["role"] for name, u in self._data["users"].items()}

    def add_user(self, name: str, role: Role, password: str | None = None) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; choose one of {ROLES}")
        with self._lock:
            entry: dict[str, Any] = {"role": role, "created_at": utcnow()}
            if password is not None:
                salt = secrets.token_hex(16)
                entry["password"] = {"salt": salt, "scrypt": _hash_password(password, salt)}
            self._data["users"][name] = entry
            self._save()

    def create_key(self, user: str) -> str:
        """Issue a new API key for an existing user; returns the plain key (shown once)."""
        if user not in self._data["users"]:
            raise KeyError(f"unknown user {user!r}")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
        salt = secrets.token_hex(16)
        with self._lock:
            self._data["keys"][key_id] = {"user": user, "salt": salt, "sha256": _hash_key(secret, salt),
                                          "created_at": utcnow()}
            self._save()
        return f"ck_{key_id}_{secret}"

    def bootstrap(self) -> dict[str, dict[str, str]] | None:
        """On first start create one user per role with a key and a UI password.

        Returns ``{user: {"role", "api_key", "password"}}`` in plain text (print it once), or
        None when users already exist.
        """
        if self._data["users"]:
            return None
        created: dict[str, dict[str, str]] = {}
        for role in ROLES:
            password = secrets.token_urlsafe(12)
            self.add_user(role, role, password)
            created[role] = {"role": role, "api_key": self.create_key(role), "password": password}
        return created

    # verification ------------------------------------------------------
    def authenticate_key(self, key: str) -> Principal | None:
        """The principal for a presented API key, or None."""
        parts = key.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != "ck":
            return None
        entry = self._data["keys"].get(parts[1])
        if entry is None or not hmac.compare_digest(entry["sha256"], _hash_key(parts[2], entry["salt"])):
            return None
        user = self._data["users"].get(entry["user"])
        return Principal(entry["user"], user["role"]) if user else None

    def verify_password(self, name: str, password: str, client: str | None = None) -> Principal | None:
        """The principal for a UI login, or None (wrong password, unknown user, or throttled).

        Known and unknown users take the same path (one scrypt); ``client`` (e.g. the remote address)
        adds a per-client throttle to the per-user one."""
        keys = [f"user:{name}"] + ([f"client:{client}"] if client else [])
        wait = self.guard.retry_after(*keys)
        if wait > 0:
            self._event("login_blocked", {"user": name, "client": client, "retry_after_s": round(wait, 1)})
            return None
        user = self._data["users"].get(name)
        stored = user.get("password") if user else None
        salt, expected = (stored["salt"], stored["scrypt"]) if stored else (self._dummy_salt, self._dummy_hash)
        matches = hmac.compare_digest(expected, _hash_password(password, salt))
        if not (matches and stored and user):
            lockout = self.guard.failed(*keys)
            self._event("login_failed", {"user": name, "client": client,
                                         "reason": "bad_password" if stored else "unknown_user",
                                         "locked_for_s": round(lockout, 1)})
            return None
        self.guard.succeeded(f"user:{name}")
        return Principal(name, user["role"])

    def _event(self, kind: str, payload: dict[str, Any]) -> None:
        if self.on_event is not None:
            try:
                self.on_event(kind, payload)
            except Exception:  # noqa: BLE001 - auditing must not turn a refused login into a crash
                import logging

                logging.getLogger(__name__).exception("could not audit %s", kind)
