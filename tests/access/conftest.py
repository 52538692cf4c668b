"""Fixtures of the access tests: a cheap argon2 hasher (real argon2id, small cost) and a
warehouse path in a private folder (the users file and audit trail go beside it)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from dashboard import parts
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


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory):
    """The ``tiny`` demo city, built once per session by ``servicecircle demo`` (tests copy it
    beside their own users file)."""
    from tests.e2e.e2e_support import build_demo

    root = tmp_path_factory.mktemp("access_tiny")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVICECIRCLE_KEY_FILE", str(root / "hash.key"))  # the command's own key
        build_demo(root / "wh.duckdb", "tiny")
    return root / "wh.duckdb"


@pytest.fixture
def app_db(db, tiny_warehouse, monkeypatch):
    """A copy of the tiny city at ``db`` (the app's warehouse), with a fresh sign-in throttle."""

    from dashboard.access.throttle import Throttle
    from dashboard.ui import auth

    parts.copy_warehouse(tiny_warehouse, db)
    monkeypatch.setattr(auth, "THROTTLE", Throttle())
    return db
