"""Fixtures for the importer tests: a temporary warehouse and key per test, small exports.

Every test gets its own warehouse under ``tmp_path`` and its own hashing key
(``SERVICECIRCLE_KEY_FILE``), so no test touches ``~/.config`` or ``data/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard import parts, privacy

from .ingest_helpers import COMMUNITIES_CSV, HALLS_CSV, TICKETS_CSV, write_text


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Own key file and warehouse for every test (never ~/.config, never data/)."""
    monkeypatch.setenv("SERVICECIRCLE_KEY_FILE", str(tmp_path / "hash.key"))
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tmp_path / "wh.duckdb"))
    privacy._key.cache_clear()
    yield
    privacy._key.cache_clear()


@pytest.fixture
def db(tmp_path) -> Path:
    """Path of this test's (not yet existing) warehouse."""
    return tmp_path / "wh.duckdb"


@pytest.fixture
def halls_csv(tmp_path) -> Path:
    return write_text(tmp_path / "halls.csv", HALLS_CSV)


@pytest.fixture
def communities_csv(tmp_path) -> Path:
    return write_text(tmp_path / "communities.csv", COMMUNITIES_CSV)


@pytest.fixture
def tickets_csv(tmp_path) -> Path:
    return write_text(tmp_path / "tickets.csv", TICKETS_CSV)


@pytest.fixture(scope="session")
def _base_template(tmp_path_factory) -> Path:
    """Built once per session: a warehouse with the halls and communities (no personal data)."""
    from dashboard.ingest import import_files

    d = tmp_path_factory.mktemp("base")
    old = os.environ.get("SERVICECIRCLE_KEY_FILE")
    os.environ["SERVICECIRCLE_KEY_FILE"] = str(d / "hash.key")
    privacy._key.cache_clear()
    try:
        db = d / "base.duckdb"
        import_files("halls", [write_text(d / "halls.csv", HALLS_CSV)], db=db)
        import_files("communities", [write_text(d / "communities.csv", COMMUNITIES_CSV)], db=db)
    finally:
        if old is None:
            os.environ.pop("SERVICECIRCLE_KEY_FILE", None)
        else:
            os.environ["SERVICECIRCLE_KEY_FILE"] = old
        privacy._key.cache_clear()
    return db


@pytest.fixture
def base_db(db, _base_template) -> Path:
    """A warehouse holding the halls and communities of ``ingest_helpers`` (a fresh copy)."""
    parts.copy_warehouse(_base_template, db)
    return db


