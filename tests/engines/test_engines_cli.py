"""``servicecircle rollups --engine duckdb`` and ``servicecircle export-parquet`` (no JVM),
and the command's refusals."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from dashboard import parts, warehouse
from dashboard.cli import app
from dashboard.engines.spark import fact_tables
from tests.tiny_demo import build_tiny


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("engines_cli")
    build_tiny(root)
    return root / "wh.duckdb"


def _counts(db, tables):
    con = warehouse.connect_read(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    finally:
        con.close()


def test_duckdb_engine_rebuilds_every_rollup(tiny_db, tmp_path):
    db = tmp_path / "wh.duckdb"
    parts.copy_warehouse(tiny_db, db)
    before = warehouse.data_version(db)
    res = CliRunner().invoke(app, ["rollups", "--engine", "duckdb", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    names = set().union(*(c for _, c, _ in warehouse.rollup_plan()))
    assert out["engine"] == "duckdb" and set(out["rollups"]) == names
    assert out["rollups"] == _counts(db, names)
    assert out["rollups"]["agg_ticket_day"] > 0
    assert warehouse.data_version(db) != before  # one write happened


def test_export_parquet_writes_every_fact_table(tiny_db, tmp_path):
    out = tmp_path / "facts"
    res = CliRunner().invoke(app, ["export-parquet", str(out), "--db", str(tiny_db), "--json"])
    assert res.exit_code == 0, res.output
    facts = json.loads(res.stdout)["facts"]
    assert set(facts) == set(fact_tables()) >= {"counter_tickets", "hotline_orders", "room_visits", "communities"}
    assert facts == _counts(tiny_db, facts)
    for name, n in facts.items():
        assert duckdb.sql(f"select count(*) from read_parquet('{out / (name + '.parquet')}')").fetchall()[0][0] == n


def test_unknown_engine_and_missing_warehouse_are_refused(tmp_path):
    res = CliRunner().invoke(app, ["rollups", "--engine", "hive", "--db", str(tmp_path / "x.duckdb"), "--lang", "en"])
    assert res.exit_code == 2 and "hive" in res.stderr and "duckdb, spark" in res.stderr
    res = CliRunner().invoke(app, ["rollups", "--engine", "spark", "--db", str(tmp_path / "x.duckdb")])
    assert res.exit_code == 2 and "x.duckdb" in res.stderr


def test_loading_rollups_leaves_the_warehouse_current(tiny_db, tmp_path):
    """``load_rollups`` (what follows Spark's run) on Parquet copies of DuckDB's own rollups:
    the warehouse stays as DuckDB built it and no reader rebuilds it, even one whose stored
    scripts' hash was stale (a warehouse made by an older version)."""
    from dashboard.engines.spark import DUCKDB_ONLY, load_rollups

    db = tmp_path / "wh.duckdb"
    parts.copy_warehouse(tiny_db, db)
    with warehouse.writer(db, refresh=False) as con:
        con.execute("update meta set value = 'older version' where key = 'rollups_hash'")
    assert warehouse.needs_refresh(db)
    names = sorted(n for p, c, _ in warehouse.rollup_plan() if p.name not in DUCKDB_ONLY for n in c)
    out = tmp_path / "rollups"
    con = warehouse.connect_read(db)
    try:
        for n in names:
            (out / n).mkdir(parents=True)
            con.execute(f"copy (select * from {n}) to '{out / n / 'part-0.parquet'}' (format parquet)")
        before = {n: con.execute(f"select * from {n}").fetchall() for n in names}
    finally:
        con.close()
    loaded = load_rollups(db, out, names)
    assert loaded == {n: len(rows) for n, rows in before.items()}
    assert not warehouse.needs_refresh(db)
    con = warehouse.connect_read(db)
    try:
        assert {n: con.execute(f"select * from {n}").fetchall() for n in names} == before
    finally:
        con.close()
