"""Secret keys kept outside the database: the audit-chain HMAC key and the webhook signing key.

They live in one JSON file (default ``<data_dir>/secrets.json``, mode 0600; set
``auth.secrets_file`` to keep it elsewhere, e.g. on a path the database's writers cannot read).
A key is created on first use, never rotated silently, and never written to the database.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from copilot.db import FILE_MODE, secure_dir

if TYPE_CHECKING:
    from copilot.config import Settings

_lock = threading.Lock()


class MissingKeyError(RuntimeError):
    """The secrets file (or the named key in it) does not exist and may not be created."""


def secrets_path(data_dir: Path, configured: Path | None = None) -> Path:
    return Path(configured) if configured else Path(data_dir) / "secrets.json"


def settings_secrets_path(settings: Settings) -> Path:
    """The secrets file ``settings`` name: ``auth.secrets_file``, else ``<data_dir>/secrets.json``."""
    return secrets_path(settings.data_dir, settings.auth.secrets_file)


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise MissingKeyError(f"the secrets file {path} is unreadable: {exc}") from exc
    if not isinstance(data, dict):
        raise MissingKeyError(f"the secrets file {path} is not a JSON object")
    return data


def load_key(path: Path, name: str, *, create: bool = True) -> bytes:
    """The 32-byte key ``name`` from the secrets file; created (0600) when missing and ``create``."""
    path = Path(path)
    with _lock:
        data = _read(path)
        if name in data:
            return bytes.fromhex(data[name])
        if not create:
            raise MissingKeyError(f"no {name!r} in the secrets file {path}")
        secure_dir(path.parent)
        lock_path = path.with_name(path.name + ".lock")
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, FILE_MODE)
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)  # another process may be creating the same key
            data = _read(path)
            if name not in data:
                data[name] = secrets.token_hex(32)
                tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
                tmp_fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
                with os.fdopen(tmp_fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, indent=2)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            os.chmod(path, FILE_MODE)
            return bytes.fromhex(data[name])
        finally:
            os.close(fd)
