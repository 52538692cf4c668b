"""Metrics on the hand-worked ``tiny`` warehouse: every expected number is worked out
by hand from the rows in conftest.py (the comments show the arithmetic)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import parts, warehouse
from dashboard.analysis import metrics as M
from dashboard.analysis.filters import Filters


@pytest.fixture()
def con(tiny):
    c = warehouse.connect_read(tiny["db"])
    yield c
    c.close()


def test_wait_of_recalled_ticket_uses_last_call(con):
    # T2 issued 09:00:00, stored called_at is the last call 09:20:30 -> 20.5 min
    only_t2 = M.ticket_summary(con, Filters(hall_ids=("H1",), service_types=("payment",)))
    # H1 payment tickets: T1 (5 min) and T2 (20.5 min)
    assert only_t2["wait_max_min"] == pytest.approx(20.5)
    assert only_t2["wait_mean_min"] == pytest.approx((5 + 20.5) / 2)


def test_ticket_summary_by_hand(con):
    s = M.ticket_summary(con, Filters())
    assert s["n_tickets"] == 6
    assert s["n_served"] == 4
    assert s["no_show_rate"] == pytest.approx(1 / 6)
    assert s["cancel_rate"] == pytest.approx(1 / 6)
    # waits of served tickets: 5, 20.5, 15, 10 minutes (T4 no-show, T6 cancelled excluded)
    assert s["wait_mean_min"] == pytest.approx(50.5 / 4)
    # within 15 min: 5, 15 (exactly at target counts), 10 -> 3 of 4
    assert s["share_within_target"] == pytest.approx(0.75)
    # numpy linear: median of [5, 10, 15, 20.5] = 12.5; P90 at 2.7 -> 15 + 0.7 * 5.5
    assert abs(s["wait_median_min"] - 12.5) * 60 <= 10
    assert abs(s["wait_p90_min"] - 18.85) * 60 <= 10
    # a 10-minute target: 5 and 10 -> 2 of 4
    assert M.ticket_summary(con, Filters(), target_min=10)["share_within_target"] == pytest.approx(0.5)


def test_offload_share_by_hand(con):
    o = M.offload(con, Filters())
    # counter transactions of offloadable types: T1, T2 payment, T5 query = 3
    # (T3 application not offloadable, T4 no-show and T6 cancelled are not transactions)
    # room visits of offloadable types: V1 payment, V2 query, V4 consultation = 3
    assert o["counter_offloadable"] == 3
    assert o["room_offloadable"] == 3
    assert o["share"] == pytest.approx(3 / 6)


def test_per_1000_rates_by_hand(con):
    o = M.offload(con, Filters())
    p = o["per_1k"].set_index("status")
    # May 2024: C1, C2 served (R1 opened 2024-03-10), 1500 households, tickets T1-T4
    assert p.loc["served", "per_1k"] == pytest.approx(4 * 1000 / 1500)
    # C3 (opens July) and C4 (never) not yet served, 2250 households, ticket T5
    assert p.loc["not_yet", "per_1k"] == pytest.approx(1 * 1000 / 2250)
    h = M.hotline(con, Filters())
    # served: O1, O2, O4 -> 3 / 1500; not yet: O3, O5 -> 2 / 2250; all 5 / 3750 (1 month)
    assert h["rate"]["served"] == pytest.approx(2.0)
    assert h["rate"]["not_yet"] == pytest.approx(2 * 1000 / 2250)
    assert h["rate"]["all"] == pytest.approx(5 * 1000 / 3750)
    assert h["n_orders"] == 5


def test_fault_lateness_by_hand(con):
    f = M.faults(con, Filters())
    # O1 urban: 30 min / 2 h; O2 urban: 60 min (late > 45) / 4 h (late > 3);
    # O3 rural: 80 min (on time <= 90) / 5 h (late > 4)
    assert f["n_faults"] == 3
    assert f["arrival_mean_min"] == pytest.approx(170 / 3)
    assert f["restore_mean_h"] == pytest.approx(11 / 3)
    assert f["share_arrival_late"] == pytest.approx(1 / 3)
    assert f["share_restore_late"] == pytest.approx(2 / 3)
    # callbacks O1 satisfied, O2 dissatisfied, O3 basically satisfied -> 2 / 3
    assert f["satisfaction_rate"] == pytest.approx(2 / 3)
    # one complaint, 3750 households, one month -> per 10,000
    assert f["complaints_per_10k"] == pytest.approx(10000 / 3750)


def test_groups_and_staff_by_hand(con):
    g = M.groups_staff(con, Filters())
    assert g["n_visits"] == 4
    assert g["n_vulnerable"] == 3  # elderly V1, disabled V3, military family V4
    assert g["n_home_visits"] == 1
    # latest roles: a (meter reader -> manager), b (meter reader), c (cashier)
    assert g["n_managers"] == 3
    assert g["n_former_meter_readers"] == 2
    # R1 opens Tue/Sat with 2 managers; data span 2024-05-01..05-11 has Tue 7th, Sat 11th
    # -> 4 manager-days; visits on them V1, V2 (Tue), V3 (Sat) -> 3 / 4
    assert g["visits_per_manager_day"] == pytest.approx(0.75)
    wk = g["weekday"].set_index("weekday")
    assert wk.loc[2, "n_visits"] == 2 and wk.loc[6, "n_visits"] == 1
    # at the end of May, staff a was not yet a manager
    g_may = M.groups_staff(con, Filters(date_to=dt.date(2024, 5, 31)))
    assert (g_may["n_managers"], g_may["n_former_meter_readers"]) == (2, 1)


def test_filters_narrow(con):
    s = M.ticket_summary(con, Filters(districts=("D2",)))
    assert s["n_tickets"] == 2  # T5, T6 at H2
    s = M.ticket_summary(con, Filters(waves=("2024Q1",)))
    assert s["n_tickets"] == 4  # C1, C2 tickets
    s = M.ticket_summary(con, Filters(date_from=dt.date(2024, 5, 7)))
    assert s["n_tickets"] == 2
    assert M.hotline(con, Filters(districts=("D1",)))["n_orders"] == 3


def test_overview_baseline_window(con):
    ov = M.overview_kpis(con, Filters())
    assert ov["first_opened_on"] == dt.date(2024, 3, 10)
    k = ov["kpis"].set_index("key")
    assert list(k.index) == [key for key, _ in M.OVERVIEW_KPIS]
    assert k.loc["hall_wait_mean_min", "value"] == pytest.approx(12.625)
    assert k.loc["offload_share", "value"] == pytest.approx(0.5)
    # no exports at all before the first opening: no baseline (not a baseline of zero)
    assert ov["baseline"] is None
    assert k["baseline"].isna().all()
    assert k["change"].isna().all()


def test_overview_baseline_is_clipped_to_the_data(tmp_path):
    """Data begin half a year before the first opening: the baseline covers those
    months only, so its per-month rate is not diluted by the months with no exports."""
    db = tmp_path / "clip.duckdb"
    # one hall; one served ticket a day from 2023-09-01 to 2024-06-30; a room opens 2024-03-01
    days = pd.date_range("2023-09-01 09:00", "2024-06-30 09:00", freq="D")
    tickets = pd.DataFrame({
        "ticket_id": [f"T{i}" for i in range(len(days))], "hall_id": "H1",
        "service_type": "payment", "issued_at": days,
        "called_at": days + pd.Timedelta(minutes=5), "outcome": "served", "community_id": "C1",
    })
    with warehouse.writer(db) as w:
        w.execute("insert into communities (community_id, name, district, kind, households) "
                  "values ('C1', '东苑社区', 'D1', 'urban', 1000)")
        w.execute("insert into business_halls values ('H1', '城区营业厅', 'D1', 117.0, 36.0, 2)")
        w.execute("insert into service_rooms (room_id, community_id, served_community_ids, opened_on) "
                  "values ('R1', 'C1', ['C1'], DATE '2024-03-01')")
        w.register("_t", tickets)
        parts.insert(w, "counter_tickets", "select ticket_id, hall_id, service_type, issued_at, "
                     "called_at, outcome, community_id from _t")
    c = warehouse.connect_read(db)
    try:
        ov = M.overview_kpis(c, Filters())
    finally:
        c.close()
    assert ov["baseline"] == (dt.date(2023, 9, 1), dt.date(2024, 2, 29))
    base_days = (dt.date(2024, 2, 29) - dt.date(2023, 9, 1)).days + 1  # 182 days, 182 tickets
    k = ov["kpis"].set_index("key")
    assert k.loc["counter_transactions_per_month", "baseline"] == pytest.approx(
        base_days / (base_days / (365.25 / 12)), rel=1e-6)
    # one ticket a day before and after: the change is zero, not +100%
    assert k.loc["counter_transactions_per_month", "change"] == pytest.approx(0.0, abs=1e-6)


def test_hist_quantile_edges():
    assert M.hist_quantile([], [], 0.5) is None
    assert M.hist_quantile([0], [3], 0.9) == 0.0
    # one value in bin 91 (900, 910]: estimate at the bin's middle
    assert M.hist_quantile([91], [1], 0.5) == pytest.approx(905.0)
    assert M.hist_share_within([90, 91], [1, 1], 900) == 0.5
