"""Each DuckDB construct that sqlglot 30.x transpiles silently into wrong Spark SQL,
ported by its rule of dashboard/engines/port.py and executed: DuckDB and Spark give the
same rows on the same values (tests/engines/compare.py).

The values are part of each query (``values`` lists), so no table is needed, except for
``len(list)`` and ``* EXCLUDE`` over a table, which need the table's Spark schema.
"""

from __future__ import annotations

import math

import duckdb
import pytest

from dashboard.engines import port
from dashboard.engines.spark import spark_schema
from tests.engines.compare import assert_same_rows

pytestmark = pytest.mark.xdist_group("spark")


def _both(spark, duck_sql: str, *, macros=None, schema=None, setup: str | None = None):
    """(DuckDB's result, Spark's result of the ported query) as DataFrames."""
    import pandas as pd

    con = duckdb.connect()
    if setup:
        con.execute(setup)
    expected = con.execute(duck_sql).df()
    con.close()
    sql = port.port_query(duck_sql, macros or {}, schema or {})
    df = spark.sql(sql)
    actual = pd.DataFrame([r.asDict() for r in df.collect()], columns=df.columns)
    return expected, actual, sql


def test_create_macro_is_expanded_scalar_and_table(spark):
    script = """
        create or replace macro plus_share(x, r) as x * (1 + r);
        create or replace macro at_least(p_min) as table
            select n from (values (1), (5), (9), (12)) as v(n) where n >= p_min;
        select n, plus_share(n, 0.5) as y from at_least(5) as a where plus_share(n, 1) < 20
    """
    con = duckdb.connect()
    stmts = [s for s in script.split(";") if s.strip()]
    for s in stmts[:-1]:
        con.execute(s)
    expected = con.execute(stmts[-1]).df()
    ported = port.port_script(script, macros={})
    assert [p.kind for p in ported] == ["query"]  # the macros are never sent to Spark
    assert "MACRO" not in ported[0].sql.upper()
    import pandas as pd

    df = spark.sql(ported[0].sql)
    actual = pd.DataFrame([r.asDict() for r in df.collect()], columns=df.columns)
    assert list(expected["n"]) == [5, 9]
    assert_same_rows(expected, actual, "macro")


def test_list_aggregate(spark):
    q = """select id,
                  list_aggregate(l, 'sum') as s, list_aggregate(l, 'min') as mn,
                  list_aggregate(l, 'max') as mx, list_aggregate(l, 'count') as c,
                  list_aggregate(l, 'avg') as a
           from (values (1, [1, 2, NULL, 7]), (2, []::int[]), (3, [5]), (4, [NULL]::int[])) as v(id, l)"""
    expected, actual, _ = _both(spark, q)
    assert expected.loc[expected.id == 1, "s"].item() == 10  # a hand check of DuckDB itself
    assert_same_rows(expected, actual, "list_aggregate")


def test_list_aggregate_unknown_function_is_refused():
    with pytest.raises(port.PortError, match="string_agg"):
        port.port_query("select list_aggregate(l, 'string_agg') from t", {}, {})


@pytest.mark.parametrize("form", [
    "quantile_cont(x, 0.9)",
    "percentile_cont(0.9) within group (order by x)",
    "percentile_cont(0.25) within group (order by x desc)",
])
def test_percentile_cont(spark, form):
    # doubles, as the rollups' measures (DuckDB would read these literals as decimals and
    # round its percentile to their two places)
    q = f"""select g, {form} as p
            from (select g, cast(x as double) as x
                  from (values (1, 1.0), (1, 2.0), (1, 10.0), (1, 4.0), (2, 3.0), (3, -1.5), (3, 8.25))
                       as v(g, x))
            group by g"""
    expected, actual, _ = _both(spark, q)
    # by hand, group 3 (-1.5, 8.25): 0.9 -> -1.5 + 0.9 * 9.75; 0.25 descending = 0.75 ascending
    hand = -1.5 + (0.75 if "desc" in form else 0.9) * 9.75
    assert math.isclose(expected.set_index("g")["p"][3], hand)
    assert_same_rows(expected, actual, form)


def test_len_of_a_list_column_and_of_a_list_value(spark):
    spark.sql(
        "create or replace temp view t_lists as "
        "select * from values (1, array('a', 'bb', 'ccc'), 'abcdef'), (2, array(), 'x') as v(id, l, s)"
    )
    setup = "create table t_lists as select * from (values (1, ['a', 'bb', 'ccc'], 'abcdef'), (2, []::varchar[], 'x')) as v(id, l, s)"
    q = "select id, len(l) as n_items, length(s) as n_chars, len([1, 2, 3, 4]) as n_lit from t_lists"
    expected, actual, sql = _both(spark, q, schema=spark_schema(spark), setup=setup)
    assert list(expected.sort_values("id")["n_items"]) == [3, 0]
    assert_same_rows(expected, actual, "len")


def test_star_exclude_over_a_cte_and_a_table(spark):
    spark.sql("create or replace temp view t_wide as select * from values (1, 'a', 2.5, 'w') as v(id, name, x, wave)")
    setup = "create table t_wide as select * from (values (1, 'a', 2.5, 'w')) as v(id, name, x, wave)"
    q = """with cells as (select id, name, x, wave from t_wide)
           select c.* exclude (wave), t.* exclude (id, name, x) from cells as c join t_wide as t using (id)"""
    expected, actual, sql = _both(spark, q, schema=spark_schema(spark), setup=setup)
    assert list(expected.columns) == ["id", "name", "x", "wave"]
    assert list(actual.columns) == list(expected.columns)
    assert_same_rows(expected, actual, "* EXCLUDE")


def test_strftime_monday_week_number(spark):
    # every day of 2018-12-20 .. 2025-01-10: each weekday falls on 1 January in some year
    q = """select cast(d as date) as d, strftime(d, '%W') as w, strftime(d, '%Y-%W') as yw
           from unnest(generate_series(date '2018-12-20', date '2025-01-10', interval 1 day)) as g(d)"""
    expected, actual, _ = _both(spark, q)
    assert len(expected) > 2000
    assert_same_rows(expected, actual, "strftime %W")


def test_epoch_of_a_timestamp_difference(spark):
    q = """select id, epoch(b - a) as s, epoch(b - a) / 3600.0 * 60.0 as m,
                  ceil(epoch(b - a) / 3600.0 * 60.0) as m_bin
           from (values (1, timestamp '2024-03-01 10:00:00', timestamp '2024-03-01 10:05:30.25'),
                        (2, timestamp '2024-03-01 23:00:00', timestamp '2024-03-03 02:48:00'),
                        (3, timestamp '2024-03-01 10:00:00', timestamp '2024-03-01 14:46:00'))
                as v(id, a, b)"""
    expected, actual, _ = _both(spark, q)
    # 4 h 46 min: a decimal quotient (Spark's bigint / 1000000.0) rounds 4.7666... h up to
    # 4.766667, and ceil(286.00002) = 287; DuckDB's double gives 286, and so must Spark
    assert expected.loc[expected.id == 3, "m_bin"].item() == 286
    assert_same_rows(expected, actual, "epoch")


def test_isodow(spark):
    q = """select cast(d as date) as d, isodow(d) as wd
           from unnest(generate_series(date '2024-01-01', date '2024-01-14', interval 1 day)) as g(d)"""
    expected, actual, _ = _both(spark, q)
    assert expected.sort_values("d")["wd"].tolist()[:7] == [1, 2, 3, 4, 5, 6, 7]  # 2024-01-01 is a Monday
    assert_same_rows(expected, actual, "isodow")


def test_arg_min_with_a_row_value(spark):
    q = """select g, arg_min(r, (d, r)) as first_r
           from (values (1, 'b', 3), (1, 'c', 3), (1, 'a', 5), (2, 'z', 1)) as v(g, r, d)
           group by g"""
    expected, actual, _ = _both(spark, q)
    assert expected.sort_values("g")["first_r"].tolist() == ["b", "z"]  # smallest d, then r
    assert_same_rows(expected, actual, "arg_min")


def test_null_list_given_to_a_macro(spark):
    text = ("create or replace macro pick(p_ids) as table "
            "select id from (values ('a'), ('b')) as v(id) "
            "where p_ids is null or list_contains(p_ids, id) or id = any(p_ids)")
    macros = port.parse_macros(text)
    expected, actual, _ = _both(spark, "select * from pick(null)", macros=macros, setup=text)
    expected_b, actual_b, _ = _both(spark, "select * from pick(['b'])", macros=macros, setup=text)
    assert sorted(expected["id"]) == ["a", "b"] and list(expected_b["id"]) == ["b"]
    assert_same_rows(expected, actual, "NULL list")
    assert_same_rows(expected_b, actual_b, "a list")
