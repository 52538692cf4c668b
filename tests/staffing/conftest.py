"""Fixtures of the staffing tests: the tiny demo city (seed 7) built once, with its truth."""

from __future__ import annotations

import json

import pytest

from tests.tiny_demo import build_tiny


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory) -> dict:
    """``{"db": warehouse path, "truth": truth.json content}`` of the tiny demo."""
    root = tmp_path_factory.mktemp("staffing_tiny")
    build_tiny(root)
    truth = json.loads((root / "demo" / "truth.json").read_text(encoding="utf-8"))
    return {"db": root / "wh.duckdb", "truth": truth}
