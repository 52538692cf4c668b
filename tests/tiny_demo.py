"""Build the ``tiny`` demo city for tests (one place for the fixtures that need it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import privacy


def build_tiny(root: Path, seed: int = 7) -> dict:
    """Build the tiny demo into ``root/wh.duckdb`` (exports in ``root/demo``); return its report.

    The keyed-hash secret is set for the build (``root/hash.key``), because module and
    session fixtures run before the per-test autouse fixture that sets one.
    """
    from dashboard.demo import build_demo

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVICECIRCLE_KEY_FILE", str(root / "hash.key"))
        privacy._key.cache_clear()
        report = build_demo("tiny", seed=seed, db=root / "wh.duckdb", out_dir=root / "demo")
        privacy._key.cache_clear()
    return report


def tiny_db(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A tiny demo warehouse in a new temporary folder ``name``; its path (for module fixtures)."""
    root = tmp_path_factory.mktemp(name)
    build_tiny(root)
    return root / "wh.duckdb"
