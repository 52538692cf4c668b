"""Shared test fixtures: every test gets its own keyed-hash secret and never touches ~/.config.

Imports run by tests do not precompute the pages (``SERVICECIRCLE_PRECOMPUTE=0``) unless
a test asks for it.

Also the skip check (:mod:`tests.skip_allowlist`): a run fails on any skip that is not on
``tests/skip_allowlist.txt``, and prints every skip reason.
"""

from __future__ import annotations

import os

import pytest

# Imports in tests do not precompute the pages' default views (tens of seconds per import);
# tests/test_derived.py checks that they do, and the browser tests' demo build does.
os.environ.setdefault("SERVICECIRCLE_PRECOMPUTE", "0")

from tests.skip_allowlist import pytest_sessionfinish, pytest_terminal_summary  # noqa: F401 (pytest hooks)


@pytest.fixture(autouse=True)
def _private_key_file(tmp_path_factory, monkeypatch):
    key = tmp_path_factory.mktemp("key") / "hash.key"
    monkeypatch.setenv("SERVICECIRCLE_KEY_FILE", str(key))
    from dashboard import privacy

    privacy._key.cache_clear()
    yield
    privacy._key.cache_clear()
