"""Fixtures of the access tests: a cheap argon2 hasher (real argon2id, small cost) and a
warehouse path in a private folder (the users file and audit trail go beside it)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from dashboard.access import users


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    """argon2id with a small cost so tests do not spend 0.2 s per hash (the format is the same)."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "HASHER", hasher)
    monkeypatch.setattr(users, "_DUMMY_HASH", None)
    return hasher


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A warehouse path (need not exist) that the app and the commands default to."""
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    monkeypatch.setenv("SERVICECIRCLE_DB", str(path))
    monkeypatch.delenv("SERVICECIRCLE_TRUST_PROXY_HEADER", raising=False)
    return path
