"""Every metric against an independent pandas computation on the same rows (``small``).

The pandas side reads the frames that were written, never the rollups, and applies the
definitions of dashboard/analysis/definitions.py directly.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard import settings
from dashboard.analysis import metrics as M
from dashboard.analysis.filters import Filters
from tests.metrics.reference import (
    COMM_DISTRICT,
    HOUSEHOLDS,
    WAVES,
    by_community,
    tickets,
)

OPEN = {"C1": pd.Timestamp("2024-03-01"), "C2": pd.Timestamp("2024-03-01"), "C3": pd.Timestamp("2024-07-01")}

CASES = [
    Filters(),
    Filters(date_from=dt.date(2023, 3, 15), date_to=dt.date(2024, 2, 10)),  # partial months
    Filters(date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 20)),  # one partial month
    Filters(districts=("D1",), service_types=("payment", "query")),
    Filters(waves=("2024Q1", "none"), date_from=dt.date(2024, 1, 1)),
    Filters(hall_ids=("H2",), date_to=dt.date(2023, 12, 31)),
]


def _waits_min(t: pd.DataFrame) -> np.ndarray:
    s = t[(t["outcome"] == "served") & t["called_at"].notna()]
    return ((s["called_at"] - s["issued_at"]).dt.total_seconds() / 60.0).to_numpy()


@pytest.mark.parametrize("f", CASES, ids=range(len(CASES)))
def test_ticket_summary_matches_pandas(con, small, f):
    t = tickets(small, f)
    w = _waits_min(t)
    s = M.ticket_summary(con, f)
    assert s["n_tickets"] == len(t)
    assert s["n_served"] == int((t["outcome"] == "served").sum())
    assert s["n_no_show"] == int((t["outcome"] == "no_show").sum())
    assert s["n_cancelled"] == int((t["outcome"] == "cancelled").sum())
    assert s["wait_mean_min"] == pytest.approx(w.mean())
    assert s["wait_max_min"] == pytest.approx(w.max())
    assert s["share_within_target"] == pytest.approx((w <= 15.0).mean())
    # percentiles from 10-second bins: within 10 s of numpy on the raw waits
    assert abs(s["wait_median_min"] - np.percentile(w, 50)) * 60 <= 10
    assert abs(s["wait_p90_min"] - np.percentile(w, 90)) * 60 <= 10


def test_per_hall_p90_matches_numpy(con, small):
    per = M.waiting(con, Filters())["per_hall"].set_index("hall_id")
    for hall, g in small["tickets"].groupby("hall_id"):
        w = _waits_min(g)
        assert abs(per.loc[hall, "wait_p90_min"] - np.percentile(w, 90)) * 60 <= 10
        assert per.loc[hall, "wait_mean_min"] == pytest.approx(w.mean())
        assert per.loc[hall, "share_within_target"] == pytest.approx((w <= 15).mean())


@pytest.mark.parametrize("f", CASES, ids=range(len(CASES)))
def test_offload_share_matches_pandas(con, small, f):
    off = set(settings.OFFLOADABLE_TYPES)
    t = tickets(small, f)
    counter = int(((t["outcome"] == "served") & t["service_type"].isin(off)).sum())
    v = by_community(small["visits"], "visited_at", f)
    if f.service_types:
        v = v[v["service_type"].isin(f.service_types)]
    room = int(v["service_type"].isin(off).sum())
    o = M.offload(con, f)
    assert (o["counter_offloadable"], o["room_offloadable"]) == (counter, room)
    assert o["share"] == pytest.approx(room / (room + counter))


def _status(df: pd.DataFrame, month: pd.Series) -> pd.Series:
    opened = df["community_id"].map(OPEN)
    return np.where(opened.notna() & (opened <= month), "served", "not_yet")


def _monthly_rates(events: pd.DataFrame, time_col: str, months: pd.DatetimeIndex,
                   f: Filters) -> dict[str, float]:
    comms = [c for c in HOUSEHOLDS if (not f.districts or COMM_DISTRICT[c] in f.districts)
             and (not f.waves or WAVES[c] in f.waves)]
    units = pd.DataFrame([(c, m) for c in comms for m in months], columns=["community_id", "month"])
    units["households"] = units["community_id"].map(HOUSEHOLDS)
    units["status"] = _status(units, units["month"])
    ev = events[events["community_id"].isin(comms)].copy()
    ev["month"] = ev[time_col].dt.to_period("M").dt.to_timestamp()
    ev = ev[ev["month"].isin(months)]
    n = ev.groupby(["community_id", "month"]).size().rename("n").reset_index()
    units = units.merge(n, how="left", on=["community_id", "month"]).fillna({"n": 0})
    out = {}
    for status in ("served", "not_yet"):
        u = units[units["status"] == status]
        out[status] = u["n"].sum() * 1000 / u["households"].sum() if len(u) else None
    out["all"] = units["n"].sum() * 1000 / units["households"].sum()
    return out


def _months(series: pd.Series, f: Filters) -> pd.DatetimeIndex:
    months = pd.DatetimeIndex(sorted(series.dt.to_period("M").dt.to_timestamp().unique()))
    if f.date_from:
        months = months[months >= pd.Timestamp(f.date_from).to_period("M").to_timestamp()]
    if f.date_to:
        months = months[months <= pd.Timestamp(f.date_to)]
    return months


@pytest.mark.parametrize("f", [c for c in CASES if not c.hall_ids and not c.service_types],
                         ids=lambda c: repr(c)[:40])
def test_hotline_per_1000_matches_pandas(con, small, f):
    orders = small["orders"]
    exp = _monthly_rates(orders, "received_at", _months(orders["received_at"], f), f)
    got = M.hotline(con, f)["rate"]
    for k in ("served", "not_yet", "all"):
        assert got[k] == pytest.approx(exp[k])


def test_counter_per_1000_matches_pandas(con, small):
    f = Filters()
    t = small["tickets"]
    exp = _monthly_rates(t[t["community_id"].notna()], "issued_at",
                         _months(t["issued_at"], f), f)
    p = M.offload(con, f)["per_1k"]
    for status in ("served", "not_yet"):
        sub = p[p["status"] == status]
        assert sub["n_tickets"].sum() * 1000 / sub["households"].sum() == pytest.approx(exp[status])


@pytest.mark.parametrize("f", [c for c in CASES if not c.hall_ids and not c.service_types],
                         ids=lambda c: repr(c)[:40])
def test_faults_match_pandas(con, small, f):
    o = by_community(small["orders"], "received_at", f)
    fa = o[o["category"] == "fault_repair"]
    arr = (fa["arrived_at"] - fa["received_at"]).dt.total_seconds() / 60
    res = (fa["restored_at"] - fa["received_at"]).dt.total_seconds() / 3600
    tg = settings.TARGETS
    arr_t = fa["urban_rural"].map({"urban": tg.arrival_urban_min, "rural": tg.arrival_rural_min})
    res_t = fa["urban_rural"].map({"urban": tg.restore_urban_h, "rural": tg.restore_rural_h})
    got = M.faults(con, f)
    assert got["n_faults"] == len(fa)
    assert got["arrival_mean_min"] == pytest.approx(arr.mean())
    assert got["restore_mean_h"] == pytest.approx(res.mean())
    assert got["share_arrival_late"] == pytest.approx((arr > arr_t).mean())
    assert got["share_restore_late"] == pytest.approx((res > res_t).mean())
    cb = o["satisfaction"].isin(["satisfied", "basically_satisfied", "dissatisfied"])
    sat = o["satisfaction"].isin(["satisfied", "basically_satisfied"])
    assert got["satisfaction_rate"] == pytest.approx(sat.sum() / cb.sum())
    comp = small["orders"][small["orders"]["category"] == "complaint"]
    exp = _monthly_rates(comp, "received_at", _months(small["orders"]["received_at"], f), f)
    assert got["complaints_per_10k"] == pytest.approx(exp["all"] * 10)


@pytest.mark.parametrize("f", CASES[:5], ids=range(5))
def test_visits_match_pandas(con, small, f):
    v = by_community(small["visits"], "visited_at", f)
    if f.service_types:
        v = v[v["service_type"].isin(f.service_types)]
    g = M.groups_staff(con, f)
    assert g["n_visits"] == len(v)
    assert g["n_vulnerable"] == int(v["customer_group"].isin(settings.VULNERABLE_GROUPS).sum())
    assert g["n_home_visits"] == int((v["mode"] == "home_visit").sum())
    by = g["by_group"].groupby("customer_group")["n_visits"].sum()
    assert by.to_dict() == v["customer_group"].value_counts().to_dict()


def test_room_utilisation_matches_pandas(con, small):
    rooms = small["rooms"]
    v = small["visits"]
    days = pd.date_range(min(v["visited_at"].min(), small["tickets"]["issued_at"].min()).normalize(),
                         max(v["visited_at"].max(), small["tickets"]["issued_at"].max()).normalize())
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    manager_days = visits = 0
    for _, r in rooms.iterrows():
        open_d = [d for d in days if d.date() >= r["opened_on"] and names[d.weekday()] in r["open_days"]]
        manager_days += len(open_d) * r["managers"]
        vd = v[v["room_id"] == r["room_id"]]["visited_at"].dt.normalize()
        visits += int(vd.isin(open_d).sum())
    assert M.groups_staff(con, Filters())["visits_per_manager_day"] == pytest.approx(visits / manager_days)


def test_cli_summary_consistent_with_functions(con):
    f = CASES[1]
    out = M.cli_summary(con, f)
    ts = M.ticket_summary(con, f)
    assert out["hall_tickets"] == ts["n_tickets"]
    assert out["hall_wait_mean_min"] == ts["wait_mean_min"]
    assert out["hall_wait_p90_min"] == ts["wait_p90_min"]
    ov = M.overview_kpis(con, f)["kpis"].set_index("key")
    for key, _ in M.OVERVIEW_KPIS:
        got, exp = out["overview"][key]["value"], ov.loc[key, "value"]
        assert (got is None and pd.isna(exp)) or got == pytest.approx(exp)
