"""Complaint timeliness, reach among elderly and disabled residents, room resolution,
home visits per manager, counter handling time, appointment share and hotline
subcategories: hand-worked working-day cases, and every measure against an independent
pandas computation on the raw rows of the tiny demo city."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard import warehouse
from dashboard.analysis import goal_metrics as G
from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters

FILTERS = [Filters(), Filters(date_from=dt.date(2024, 2, 10), date_to=dt.date(2024, 9, 20))]

TS = pd.Timestamp


# ---------------------------------------------------------------- working days, by hand
@pytest.mark.parametrize("received, closed, days, holidays, expected", [
    ("2024-03-04 10:00", "2024-03-04 18:00", 1, (), True),    # Mon, same day
    ("2024-03-04 10:00", "2024-03-05 23:59", 1, (), True),    # Mon -> Tue: 1 working day
    ("2024-03-04 10:00", "2024-03-06 08:00", 1, (), False),   # Mon -> Wed: 2
    ("2024-03-08 16:00", "2024-03-11 09:00", 1, (), True),    # Fri -> Mon: the weekend is off
    ("2024-03-09 11:00", "2024-03-11 17:00", 1, (), True),    # Sat -> Mon: 0 working days after
    ("2024-03-08 16:00", "2024-03-12 09:00", 1, (), False),   # Fri -> Tue: 2
    ("2024-03-08 16:00", "2024-03-12 09:00", 1, ("2024-03-11",), True),  # Mon a holiday
    ("2024-03-04 10:00", "2024-03-13 10:00", 7, (), True),    # Mon -> next Wed: 7
    ("2024-03-04 10:00", "2024-03-14 10:00", 7, (), False),   # Mon -> next Thu: 8
    ("2024-03-04 10:00", None, 7, (), False),                 # not closed
    ("2024-03-09 11:00", "2024-03-12 17:00", 1, (), True),    # Sat -> Tue: counted from Mon
    ("2024-03-09 11:00", "2024-03-13 09:00", 1, (), False),   # Sat -> Wed: 2
    ("2024-03-04 10:00", "2024-03-17 10:00", 9, (), True),    # Mon -> Sun of next week: 9, not 10
    ("2024-03-09 11:00", "2024-03-10 11:00", 0, (), True),    # Sat -> Sun: before the clock starts
])
def test_within_working_days_by_hand(received, closed, days, holidays, expected):
    got = G.within_working_days(pd.Series([TS(received)]), pd.Series([TS(closed) if closed else pd.NaT]),
                                days, holidays)
    assert got.tolist() == [expected]


def _working_days_after(a: pd.Timestamp, b: pd.Timestamp) -> int:
    """Working days (Mon-Fri) after a's day (moved on to a working day if a is a day off)
    up to and including b's day, by stepping day by day."""
    d = a.normalize()
    while d.weekday() >= 5:
        d += pd.Timedelta(days=1)
    n = 0
    while d < b.normalize():
        d += pd.Timedelta(days=1)
        n += d.weekday() < 5
    return n


def _wave(t) -> pd.Series:
    from .conftest import wave_of

    return wave_of(t)


# ---------------------------------------------------------------- against pandas on the demo
@pytest.mark.parametrize("fi", range(len(FILTERS)))
def test_complaint_timeliness_matches_pandas(tiny_demo, fi):
    f = FILTERS[fi]
    o = tiny_demo.tables["hotline_orders"]
    o = o[o["category"] == "complaint"]
    day = o["received_at"].dt.date
    if f.date_from:
        o = o[(day >= f.date_from) & (day <= f.date_to)]
    closed = o.dropna(subset=["closed_at"])
    n_wd = [_working_days_after(a, b) for a, b in zip(closed["received_at"], closed["closed_at"])]
    n_wd = np.array(n_wd)
    got = G.complaint_timeliness(warehouse.connect_read(tiny_demo.db), f)
    assert got["n_complaints"] == len(o) > 10
    assert got["n_open"] == len(o) - len(closed)
    assert got["n_contact_in_time"] == int((n_wd <= 1).sum())
    assert got["n_reply_in_time"] == int((n_wd <= 7).sum())
    assert got["share_reply_in_time"] == pytest.approx((n_wd <= 7).mean())
    assert 0 < got["n_contact_in_time"] < got["n_reply_in_time"]  # the cases have bite


@pytest.mark.parametrize("fi", range(len(FILTERS)))
def test_vulnerable_reach_matches_pandas(tiny_demo, fi):
    f = FILTERS[fi]
    t = tiny_demo.tables
    v = t["room_visits"].merge(t["service_rooms"][["room_id", "community_id"]].rename(
        columns={"community_id": "room_cid"}), on="room_id", how="left")
    v["cid"] = v["community_id"].fillna(v["room_cid"])
    v = v[v["customer_group"].isin(["elderly", "disabled"])]
    if f.date_from:
        d = v["visited_at"].dt.date
        v = v[(d >= f.date_from) & (d <= f.date_to)]
    served = v.groupby("cid")["customer_hash"].nunique()
    c = t["communities"].set_index("community_id")
    residents = c["elderly"].fillna(0) + c["disabled"].fillna(0)
    got = G.vulnerable_reach(warehouse.connect_read(tiny_demo.db), f)
    by = got["by_community"].set_index("community_id")
    assert got["n_customers"] == int(served.sum()) > 0
    assert got["n_residents"] == int(residents.sum())
    assert got["reach"] == pytest.approx(served.sum() / residents.sum())
    for cid, n in served.items():
        assert by.loc[cid, "n_customers"] == n
        assert by.loc[cid, "reach"] == pytest.approx(n / residents[cid])


@pytest.mark.parametrize("fi", range(len(FILTERS)))
def test_room_resolution_and_home_visits_match_pandas(tiny_demo, fi):
    f = FILTERS[fi]
    v = tiny_demo.tables["room_visits"]
    if f.date_from:
        d = v["visited_at"].dt.date
        v = v[(d >= f.date_from) & (d <= f.date_to)]
    per_room = v.groupby("room_id").agg(n=("visit_id", "size"), res=("resolved", lambda s: int((s == True).sum())))
    con = warehouse.connect_read(tiny_demo.db)
    gs = metrics.groups_staff(con, f)
    got = G.room_service(con, f, gs["n_home_visits"], gs["n_managers"])
    by = got["by_room"].set_index("room_id")
    assert set(by.index) == set(per_room.index)
    for rid, row in per_room.iterrows():
        assert by.loc[rid, "n_visits"] == row["n"] and by.loc[rid, "n_resolved"] == row["res"]
        assert by.loc[rid, "resolution_rate"] == pytest.approx(row["res"] / row["n"])
    assert got["resolution_rate"] == pytest.approx(per_room["res"].sum() / per_room["n"].sum())
    n_home = int((v["mode"] == "home_visit").sum())
    assert gs["n_home_visits"] == n_home > 0
    assert got["home_visits_per_manager"] == pytest.approx(n_home / gs["n_managers"])


@pytest.mark.parametrize("fi", range(len(FILTERS)))
def test_counter_handling_matches_pandas(tiny_demo, fi):
    f = FILTERS[fi]
    k = tiny_demo.tables["counter_tickets"].copy()
    if f.date_from:
        d = k["issued_at"].dt.date
        k = k[(d >= f.date_from) & (d <= f.date_to)]
    k["handle_s"] = (k["finished_at"] - k["started_at"]).dt.total_seconds()
    ok = k["handle_s"] >= 0
    k["service_type"] = k["service_type"].fillna("other")
    got = G.counter_handling(warehouse.connect_read(tiny_demo.db), f)
    assert got["n_tickets"] == len(k)
    assert got["handle_mean_min"] == pytest.approx(k.loc[ok, "handle_s"].mean() / 60.0)
    assert got["appointment_share"] == pytest.approx(k["is_appointment"].fillna(False).astype(bool).mean())
    by = got["by_type"].set_index("service_type")
    for st_, g in k.groupby("service_type"):
        assert by.loc[st_, "handle_mean_min"] == pytest.approx(g.loc[g["handle_s"] >= 0, "handle_s"].mean() / 60.0)
        assert by.loc[st_, "appointment_share"] == pytest.approx(g["is_appointment"].fillna(False).astype(bool).mean())
    assert 0 < got["appointment_share"] < 1


def test_hotline_subcategories_match_pandas(tiny_demo):
    f = FILTERS[1]
    o = tiny_demo.tables["hotline_orders"]
    d = o["received_at"].dt.date
    o = o[(d >= f.date_from) & (d <= f.date_to)]
    exp = o.groupby([o["category"].fillna("other"), "subcategory"]).size()
    got = G.hotline_subcategories(warehouse.connect_read(tiny_demo.db), f).set_index(["category", "subcategory"])
    assert len(got) == len(exp) > 10
    for key, n in exp.items():
        assert got.loc[key, "n_orders"] == n
        assert got.loc[key, "share_of_category"] == pytest.approx(n / exp[key[0]].sum())


def test_wave_filter_narrows_complaints(tiny_demo):
    """A wave filter keeps only complaints of that wave's communities."""
    t = tiny_demo.tables
    w = _wave(t)
    wave = min(set(w) - {"none"})
    o = t["hotline_orders"]
    o = o[(o["category"] == "complaint") & o["community_id"].map(w).eq(wave)]
    got = G.complaint_timeliness(warehouse.connect_read(tiny_demo.db), Filters(waves=(wave,)))
    assert got["n_complaints"] == len(o) > 0
