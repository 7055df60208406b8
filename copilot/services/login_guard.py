"""Throttle password guessing: failed logins are counted per user name and per client address.

After ``max_failures`` failures inside ``window_s`` the user name (or client) is locked for
``lockout_s``, doubling with each further failure (capped at one hour); a success clears the
user's count. State is in memory, per server process (see docs/SECURITY.md).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class _Track:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0
    lockouts: int = 0


class LoginGuard:
    """Counts failures per key (``user:<name>``, ``client:<addr>``) and says when a key is locked."""

    def __init__(self, max_failures: int = 5, window_s: float = 900.0, lockout_s: float = 60.0,
                 clock=time.monotonic) -> None:
        self.max_failures, self.window_s, self.lockout_s, self._clock = max_failures, window_s, lockout_s, clock
        self._tracks: dict[str, _Track] = {}
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> float:
        """Seconds until every key is unlocked (0 when none is locked)."""
        now = self._clock()
        with self._lock:
            return max([t.locked_until - now for k in keys if (t := self._tracks.get(k))] + [0.0])

    def failed(self, *keys: str) -> float:
        """Count a failure against each key; return the lockout now in force (0 if none)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                track = self._tracks.setdefault(key, _Track())
                track.failures.append(now)
                while track.failures and track.failures[0] < now - self.window_s:
                    track.failures.popleft()
                if len(track.failures) >= self.max_failures:
                    track.lockouts += 1
                    track.locked_until = now + min(self.lockout_s * 2 ** (track.lockouts - 1), 3600.0)
                wait = max(wait, track.locked_until - now)
            if len(self._tracks) > 100_000:  # bound memory under a spray of names
                for key in [k for k, t in self._tracks.items() if t.locked_until < now][:50_000]:
                    del self._tracks[key]
        return max(wait, 0.0)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._tracks.pop(key, None)
