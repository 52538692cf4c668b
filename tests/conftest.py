"""Shared test fixtures: every test gets its own keyed-hash secret and never touches ~/.config."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_key_file(tmp_path_factory, monkeypatch):
    key = tmp_path_factory.mktemp("key") / "hash.key"
    monkeypatch.setenv("SERVICECIRCLE_KEY_FILE", str(key))
    from dashboard import privacy

    privacy._key.cache_clear()
    yield
    privacy._key.cache_clear()
