"""Golden tests: every rollup and every effect panel, computed by DuckDB and by Spark on
the tiny demo city, agree row for row (floats to a relative 1e-9, tests/engines/compare.py).

The Spark side is what ``servicecircle rollups --engine spark`` produced (fixture
``tiny_engines``): the Parquet Spark wrote, and the warehouse tables loaded from it, which
the dashboard reads. The panels run on the same Spark session over those rollups, with
every parameter NULL and with every filter set.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dashboard import warehouse
from dashboard.engines import spark as spark_engine
from tests.engines.compare import assert_same_rows

pytestmark = pytest.mark.xdist_group("spark")

SPARK_TABLES = sorted(
    name
    for path, creates, _ in warehouse.rollup_plan()
    if path.name not in spark_engine.DUCKDB_ONLY
    for name in creates
)


def _table(db, name: str):
    con = warehouse.connect_read(db)
    try:
        df = con.execute(f"select * from {name}").df()
        types = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = $t and table_catalog = current_database() order by ordinal_position",
            {"t": name},
        ).fetchall()
    finally:
        con.close()
    return df, types


def test_every_rollup_script_but_the_demo_flag_runs_on_spark(tiny_engines):
    assert set(tiny_engines.result["rollups"]) == set(SPARK_TABLES)
    assert len(SPARK_TABLES) >= 30
    assert tiny_engines.result["facts"]["counter_tickets"] > 1000
    # the load leaves the warehouse current: no reader rebuilds (and overwrites) Spark's rollups
    assert not warehouse.needs_refresh(tiny_engines.spark)
    duck, spark = (warehouse.connect_read(db) for db in (tiny_engines.duck, tiny_engines.spark))
    try:
        # a page's named query, through the macros, reads the same from either warehouse
        params = dict.fromkeys(("date_from", "date_to", "districts", "hall_ids", "waves", "service_types"))
        assert_same_rows(warehouse.query(duck, "metrics/ticket_by_hall", params),
                         warehouse.query(spark, "metrics/ticket_by_hall", params), "ticket_by_hall")
        assert spark.execute("select * from demo_rows_left order by 1").fetchall() == \
            duck.execute("select * from demo_rows_left order by 1").fetchall()
    finally:
        duck.close()
        spark.close()


@pytest.mark.parametrize("name", SPARK_TABLES)
def test_rollup_spark_equals_duckdb(tiny_engines, name):
    expected, duck_types = _table(tiny_engines.duck, name)
    assert len(expected) > 0, f"{name} is empty in the tiny demo: the comparison would prove nothing"
    # what Spark wrote
    written = duckdb.sql(f"select * from read_parquet('{tiny_engines.out / 'rollups' / name}/*.parquet')").df()
    assert_same_rows(expected, written, f"{name} (Spark's Parquet)")
    # what the dashboard reads after the load: same rows, same columns and types
    loaded, loaded_types = _table(tiny_engines.spark, name)
    assert loaded_types == duck_types
    assert_same_rows(expected, loaded, f"{name} (loaded into the warehouse)")


def _filters(db) -> dict:
    con = warehouse.connect_read(db)
    try:
        district = con.execute("select min(district) from communities").fetchone()[0]
        wave = con.execute("select min(wave) from community_treatment where wave <> 'none'").fetchone()[0]
        hall = con.execute("select min(hall_id) from business_halls").fetchone()[0]
        first = con.execute("select min(month_on) from eff_ticket_cell").fetchone()[0]
    finally:
        con.close()
    return {
        "date_from": first + dt.timedelta(days=40),  # mid-month: widened to whole months
        "date_to": first + dt.timedelta(days=300),
        "districts": [district],
        "waves": [wave],
        "hall_ids": [hall],
        "service_types": ["payment", "consultation"],
        "categories": ["fault_repair", "complaint"],
        "per_households": 10000,
    }


@pytest.fixture(scope="module")
def panel_engine(spark, tiny_engines):
    engine = spark_engine.SparkEngine(spark, tiny_engines.out / "facts", tiny_engines.out / "rollups")
    engine.use_rollups(SPARK_TABLES)
    return engine


@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
@pytest.mark.parametrize("panel", spark_engine.PANELS)
def test_effect_panel_spark_equals_duckdb(tiny_engines, panel_engine, panel, filtered):
    params = {k: None for k in spark_engine.PARAM_TYPES}
    if filtered:
        params.update(_filters(tiny_engines.duck))
    con = warehouse.connect_read(tiny_engines.duck)
    try:
        expected = warehouse.query(con, f"effects/{panel}", params)
    finally:
        con.close()
    assert len(expected) > 0, f"{panel} is empty: the comparison would prove nothing"
    actual = panel_engine.panel(panel, params)
    assert_same_rows(expected, actual, f"{panel} ({'filtered' if filtered else 'all'})")
