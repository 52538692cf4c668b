"""Fixtures of the demo tests: one tiny city built once per module, with its own key."""

from __future__ import annotations

import pytest

from dashboard import privacy


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    """Build the ``tiny`` demo (seed 7) into a temporary warehouse; return (report, paths).

    The keyed-hash secret is set here for the module, because module fixtures run
    before the per-test autouse fixture that sets one.
    """
    from dashboard.demo import build_demo

    root = tmp_path_factory.mktemp("demo_tiny")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVICECIRCLE_KEY_FILE", str(root / "hash.key"))
        privacy._key.cache_clear()
        report = build_demo("tiny", seed=7, db=root / "wh.duckdb", out_dir=root / "demo")
        privacy._key.cache_clear()
    return report, root
