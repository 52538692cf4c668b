"""The shared SQL macros (``queries/macros/``): the date-range split is exact, and the
macros reach every reader of the warehouse.

``month_in_range`` / ``day_in_head`` / ``day_in_tail`` decide which month-grain and
day-grain rollup rows a range of days reads. Checked here against plain Python over
every range in a 14-month window with open ends: every day of the range is counted
exactly once, and no day outside it.
"""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pytest

from dashboard import settings, warehouse

DAYS = [dt.date(2023, 12, 1) + dt.timedelta(days=i) for i in range(430)]  # Dec 2023 .. Jan 2025
MONTHS = sorted({d.replace(day=1) for d in DAYS})


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    # only the scalar macros: the table macros need the rollups
    c.execute((settings.QUERIES_DIR / "macros" / "date_range.sql").read_text(encoding="utf-8"))
    c.execute("create table days as select unnest($d) as day_on", {"d": DAYS})
    c.execute("create table months as select unnest($m) as month_on", {"m": MONTHS})
    yield c
    c.close()


def _covered(con, d_from, d_to) -> list[dt.date]:
    """Days the three predicates read: each whole month expanded to its days, plus head and tail."""
    p = {"f": d_from, "t": d_to}
    whole = con.execute(
        "select m.month_on from months m where month_in_range(m.month_on, $f, $t)", p
    ).fetchall()
    days = [d for (m,) in whole for d in DAYS if d.replace(day=1) == m]
    days += [r[0] for r in con.execute("select day_on from days where day_in_head(day_on, $f, $t)", p).fetchall()]
    days += [r[0] for r in con.execute("select day_on from days where day_in_tail(day_on, $f, $t)", p).fetchall()]
    return sorted(days)


# ends that matter: open, first of a month, last of a month, mid-month, same month, one day
_ENDS = [None, dt.date(2024, 1, 1), dt.date(2024, 1, 31), dt.date(2024, 1, 17), dt.date(2024, 2, 29),
         dt.date(2024, 3, 2), dt.date(2024, 6, 30), dt.date(2024, 7, 1), dt.date(2024, 11, 15)]


@pytest.mark.parametrize("d_from, d_to", [(a, b) for a, b in itertools.product(_ENDS, _ENDS)
                                          if a is None or b is None or a <= b])
def test_range_split_counts_every_day_once(con, d_from, d_to):
    want = [d for d in DAYS if (d_from is None or d >= d_from) and (d_to is None or d <= d_to)]
    # (with an open end, the months and days tables hold only the window, as a rollup
    # holds only the months with data)
    assert _covered(con, d_from, d_to) == want


def test_macros_reach_a_cursor_of_a_read_snapshot(tmp_path):
    db = tmp_path / "wh.duckdb"
    with warehouse.writer(db):
        pass
    con = warehouse.connect_read(db)
    try:
        cur = con.cursor()
        cur.execute("USE wh")
        got = cur.execute(
            "select count(*) from ticket_rows_hall($f, $t, NULL, NULL, NULL)",
            {"f": dt.date(2024, 1, 5), "t": None},
        ).fetchone()
        assert got == (0,)
        assert cur.execute("select month_in_range(date '2024-03-01', date '2024-03-01', date '2024-03-31')").fetchone() == (True,)
        assert cur.execute("select month_in_range(date '2024-03-01', date '2024-03-02', NULL)").fetchone() == (False,)
    finally:
        con.close()
