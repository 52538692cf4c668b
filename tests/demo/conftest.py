"""Fixtures of the demo tests: one tiny city built once per module, with its own key."""

from __future__ import annotations

import pytest

from tests.tiny_demo import build_tiny


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    """Build the ``tiny`` demo (seed 7) into a temporary warehouse; return (report, paths)."""
    root = tmp_path_factory.mktemp("demo_tiny")
    return build_tiny(root), root
