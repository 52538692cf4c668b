"""A count of the effect fits this process has run.

The expensive step behind an effect is the fit (Callaway & Sant'Anna, the hall-level
dose-response DiD, the queue model). Default views are precomputed at import
(:mod:`dashboard.derived`), so a fresh server should answer them without a single fit;
this counter is how that is checked. Each fit calls :func:`record`; :func:`count` reads
the total of this process, and when ``SERVICECIRCLE_FIT_LOG`` names a file every fit
also appends one line (``kind``) to it, so a test can count the fits of a server it
started as a separate process.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

__all__ = ["count", "record", "reset"]

_LOCK = threading.Lock()
_COUNTS: Counter[str] = Counter()


def record(kind: str) -> None:
    """Note one fit of ``kind`` (e.g. ``"cs_did"``, ``"hall_design"``, ``"hall_queue"``)."""
    with _LOCK:
        _COUNTS[kind] += 1
    log = os.environ.get("SERVICECIRCLE_FIT_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(kind + "\n")


def count(kind: str | None = None) -> int:
    """Fits this process has run (of ``kind``, or of every kind)."""
    with _LOCK:
        return _COUNTS[kind] if kind else sum(_COUNTS.values())


def reset() -> None:
    """Forget the fits counted so far (tests)."""
    with _LOCK:
        _COUNTS.clear()
