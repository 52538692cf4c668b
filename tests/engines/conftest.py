"""Fixtures of the Spark engine tests: one local Spark session for the whole test run
(``local[2]``, 2 shuffle partitions, no UI), and the tiny demo city with its rollups
computed once by DuckDB (the demo's own write) and once by Spark (``servicecircle rollups
--engine spark`` on a copy)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from dashboard import parts
from tests.tiny_demo import build_tiny


@pytest.fixture(scope="session")
def spark():
    from dashboard.engines.spark import session

    s = session("local[2]", shuffle_partitions=2)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def tiny_engines(tmp_path_factory, spark) -> SimpleNamespace:
    """``duck``: the tiny demo warehouse (rollups by DuckDB); ``spark``: a copy whose
    rollups the CLI recomputed on Spark (the session above: ``getOrCreate`` returns it);
    ``out``: Spark's folder (``facts/``, ``rollups/``); ``result``: the CLI's JSON."""
    from typer.testing import CliRunner

    from dashboard.cli import app

    root = tmp_path_factory.mktemp("engines")
    build_tiny(root)
    duck = root / "wh.duckdb"
    copy = root / "spark.duckdb"
    parts.copy_warehouse(duck, copy)
    out = root / "spark-out"
    res = CliRunner().invoke(
        app, ["rollups", "--engine", "spark", "--master", "local[2]", "--db", str(copy), "--out", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    return SimpleNamespace(duck=duck, spark=copy, out=out, result=json.loads(res.stdout))
