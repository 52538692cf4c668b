"""Fault orders exported with durations (到达现场时长(分钟), 故障修复时长(分钟), 派工用时)
give the same stored times, the same fault metrics and the same effect panels as the same
orders exported with times (派工时间, 到达现场时间, 恢复送电时间)."""

from __future__ import annotations

import pandas as pd

from dashboard import parts, warehouse
from dashboard.analysis.effects import load_panel
from dashboard.ingest import import_files

from .ingest_helpers import rows, write_text

# (order, received, dispatch min, arrival min, repair min (arrival → restoration), community)
ORDERS = [
    ("F1", "2024-03-05 09:00", 5, 30, 90, "C001"),
    ("F2", "2024-03-05 23:40", 6, 45.5, 200, "C002"),  # crosses midnight; half minutes
    ("F3", "2024-04-01 10:00", 4, 80, 0, "V001"),
    ("F4", "2024-04-12 08:15", 10, 25, 61, "C001"),
]


def _times_csv() -> str:
    lines = ["工单编号,受理时间,业务类型,所属社区,派工时间,到达现场时间,恢复送电时间"]
    for oid, rec, d, a, r, c in ORDERS:
        t0 = pd.Timestamp(rec)
        arr = t0 + pd.Timedelta(minutes=a)
        lines.append(f"{oid},{rec},故障报修,{c},{t0 + pd.Timedelta(minutes=d):%Y-%m-%d %H:%M:%S},"
                     f"{arr:%Y-%m-%d %H:%M:%S},{arr + pd.Timedelta(minutes=r):%Y-%m-%d %H:%M:%S}")
    return "\n".join(lines) + "\n"


def _durations_csv() -> str:
    lines = ["工单编号,受理时间,业务类型,所属社区,派工用时(分钟),到达现场时长（分钟）,故障修复时长(分钟)"]
    for oid, rec, d, a, r, c in ORDERS:
        lines.append(f"{oid},{rec},故障报修,{c},{d},{a},{r}")
    return "\n".join(lines) + "\n"


SQL = ("select order_id, received_at, dispatched_at, arrived_at, restored_at from hotline_orders "
       "order by order_id")


def test_duration_and_time_exports_store_the_same(base_db, tmp_path):
    other = tmp_path / "durations.duckdb"
    parts.copy_warehouse(base_db, other)
    a = import_files("hotline", [write_text(tmp_path / "times.csv", _times_csv())], db=base_db).as_dict()
    b = import_files("hotline", [write_text(tmp_path / "durations.csv", _durations_csv())], db=other).as_dict()
    assert a["stored"] == b["stored"] == len(ORDERS) and a["rejected"] == b["rejected"] == 0
    got_t, got_d = rows(base_db, SQL), rows(other, SQL)
    assert got_t == got_d
    # independent check of one order by hand: F2 arrives 45.5 min after 23:40, restored 200 min later
    f2 = dict(zip(["order_id", "received_at", "dispatched_at", "arrived_at", "restored_at"], got_d[1]))
    assert f2["arrived_at"] == pd.Timestamp("2024-03-06 00:25:30")
    assert f2["restored_at"] == pd.Timestamp("2024-03-06 03:45:30")
    # the metrics read from both warehouses agree: fault rollup and the effect panels
    for sql in ("select day_on, arrival_min, restore_h from agg_fault order by day_on, arrival_min",):
        assert rows(base_db, sql) == rows(other, sql)
    for outcome in ("arrival_minutes", "restoration_hours"):
        p = [load_panel(warehouse.connect_read(db), outcome)[0] for db in (base_db, other)]
        pd.testing.assert_frame_equal(p[0], p[1])
        assert len(p[0]) > 0


def test_time_in_the_file_wins_over_its_duration(base_db, tmp_path):
    text = ("工单编号,受理时间,业务类型,所属社区,到达现场时间,到达现场时长(分钟)\n"
            "F1,2024-03-05 09:00,故障报修,C001,2024-03-05 09:20,30\n"
            "F2,2024-03-05 09:00,故障报修,C001,,30\n")
    import_files("hotline", [write_text(tmp_path / "mixed.csv", text)], db=base_db)
    got = rows(base_db, "select order_id, arrived_at from hotline_orders order by order_id")
    assert got == [("F1", pd.Timestamp("2024-03-05 09:20")), ("F2", pd.Timestamp("2024-03-05 09:30"))]
