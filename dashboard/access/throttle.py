"""Sign-in throttle: too many failed sign-ins lock the sign-in for a while.

Failures are counted per user name and per client address. When a name has
:data:`MAX_FAILURES` failures within :data:`WINDOW_S` (a client address
:data:`MAX_CLIENT_FAILURES`: many people may share one address behind a company proxy),
further sign-ins for it are refused without checking the password until :data:`LOCKOUT_S`
after its last failure. A correct
password clears that name's count (not the client's: one address trying many names stays
locked). Guessing is then limited to about 20 passwords an hour per name, while a user
who mistypes a few times is not locked out.

The counts live in the server's memory (one Streamlit process serves every session), so a
restart clears them; every failure is also written to the audit trail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

MAX_FAILURES = 5
"""Failures within the window that lock a user name."""
MAX_CLIENT_FAILURES = 20
"""Failures within the window that lock a client address (whatever names it tried)."""
WINDOW_S = 15 * 60.0
"""How far back failures are counted (seconds)."""
LOCKOUT_S = 15 * 60.0
"""How long a name or client stays locked after its last failure (seconds)."""

Key = tuple[str, str]
"""``("user", name)`` or ``("client", address)``."""


class Throttle:
    """Failed sign-ins per key, thread-safe (sessions run on their own threads).

    Parameters
    ----------
    max_failures, max_client_failures, window_s, lockout_s
        See the module's constants.
    clock
        Seconds from an arbitrary start (``time.monotonic``; tests pass a fake clock).
    """

    def __init__(self, max_failures: int = MAX_FAILURES, max_client_failures: int = MAX_CLIENT_FAILURES,
                 window_s: float = WINDOW_S, lockout_s: float = LOCKOUT_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = {"user": max_failures, "client": max_client_failures}
        self.window_s = window_s
        self.lockout_s = lockout_s
        self._clock = clock
        self._failures: dict[Key, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: Key, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < max(self.window_s, self.lockout_s)]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def locked_for(self, keys: Iterable[Key]) -> float:
        """Seconds until every one of ``keys`` may try again (0 when none is locked)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                in_window = [t for t in times if now - t < self.window_s]
                if len(in_window) >= self.limits[key[0]]:
                    wait = max(wait, times[-1] + self.lockout_s - now)
        return max(wait, 0.0)

    def failed(self, keys: Iterable[Key]) -> None:
        """Count one failed sign-in against each of ``keys``."""
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now)
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, name: str) -> None:
        """A correct password for ``name``: forget that name's failures."""
        with self._lock:
            self._failures.pop(("user", name), None)


def keys(name: str, client: str | None) -> list[Key]:
    """The keys a sign-in by ``name`` from ``client`` is counted against."""
    out: list[Key] = [("user", name)]
    if client:
        out.append(("client", client))
    return out
