"""Real-browser fixtures; the helpers live in :mod:`e2e_support` (see its docstring)."""

from __future__ import annotations

from .e2e_support import browser, demo_db, page, server  # noqa: F401  (pytest fixtures)
