"""The fast rollup paths against plain pandas on the raw rows (``small`` warehouse).

Each named query that answers a range of days from whole-month rollups plus the partial
months at either end (``*_slim``, ``*_wt``, ``faults_monthly_hist``, the cumulative wait
histograms) must give exactly the answer of the raw rows on every kind of range: partial
months at both ends, a range inside one month, ranges starting on the 1st or ending on
the last day, open ends, a reversed range, ranges outside the data. The pandas side reads
the frames that were written, never a rollup.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from dashboard import settings, warehouse
from dashboard.analysis import metrics as M
from dashboard.analysis.filters import Filters
from tests.metrics.reference import (
    COMM_DISTRICT,
    HOUSEHOLDS,
    WAVES,
    by_community,
    in_range,
    tickets,
)

D = dt.date
OPEN_MONTH = {"C1": pd.Timestamp("2024-03-01"), "C2": pd.Timestamp("2024-03-01"),
              "C3": pd.Timestamp("2024-07-01")}

RANGES = [
    (None, None),
    (D(2023, 3, 15), D(2024, 2, 10)),  # partial months at both ends
    (D(2024, 6, 1), D(2024, 6, 20)),  # first day .. inside the month
    (D(2024, 6, 5), D(2024, 6, 30)),  # inside .. last day of the same month
    (D(2024, 6, 5), D(2024, 6, 20)),  # inside one month
    (D(2023, 1, 1), D(2023, 12, 31)),  # whole months only
    (D(2023, 5, 31), None),  # last day of a month, open end
    (None, D(2024, 2, 1)),  # open start, first day of a month
    (D(2024, 2, 29), D(2024, 3, 1)),  # two one-day edges
    (D(2024, 5, 1), D(2024, 4, 1)),  # reversed: nothing
    (D(2022, 1, 1), D(2022, 6, 30)),  # before the data
    (D(2024, 12, 15), D(2025, 3, 1)),  # past the data's end
]
FILTERS = [
    {},
    {"waves": ("2024Q1",)},
    {"service_types": ("payment", "query")},
    {"districts": ("D1",), "waves": ("2024Q1", "none")},
    {"hall_ids": ("H2",), "service_types": ("payment",)},
    {"districts": ("D2",)},
]
# every range for the default view and the two fast filtered paths, a spread for the rest
CASES = [Filters(date_from=a, date_to=b, **kw)
         for i, kw in enumerate(FILTERS) for j, (a, b) in enumerate(RANGES) if i < 3 or j % 3 != 2]


def _id(f: Filters) -> str:
    parts = [f"{f.date_from}..{f.date_to}"]
    parts += [f"{k}={','.join(v)}" for k, v in
              (("d", f.districts), ("h", f.hall_ids), ("w", f.waves), ("t", f.service_types)) if v]
    return " ".join(parts)


def _bins(t: pd.DataFrame) -> pd.DataFrame:
    """Served tickets' waits in 10-second bins closed on the right (0 s: bin 0)."""
    s = t[(t["outcome"] == "served") & t["called_at"].notna()].copy()
    w = (s["called_at"] - s["issued_at"]).dt.total_seconds()
    s["wait_bin"] = np.minimum(np.ceil(w / 10.0), 1441).astype(int)
    return s


def _as_dict(df: pd.DataFrame, keys: list[str]) -> dict:
    return {tuple(r[:-1]) if len(keys) > 1 else r[0]: int(r[-1])
            for r in df[[*keys, "n"]].itertuples(index=False) if r[-1] != 0}


@pytest.mark.parametrize("f", CASES, ids=_id)
def test_wait_histograms_exact_on_every_path(con, small, f):
    s = _bins(tickets(small, f))
    exp = s.groupby("wait_bin").size()
    got = warehouse.query(con, "metrics/wait_hist", f.params())
    assert _as_dict(got, ["wait_bin"]) == {int(k): int(v) for k, v in exp.items()}
    exp_h = s.groupby(["hall_id", "wait_bin"]).size()
    got_h = warehouse.query(con, "metrics/wait_hist_by_hall", f.params())
    assert _as_dict(got_h, ["hall_id", "wait_bin"]) == {(h, int(b)): int(v) for (h, b), v in exp_h.items()}


@pytest.mark.parametrize("f", CASES, ids=_id)
def test_ticket_totals_exact(con, small, f):
    t = tickets(small, f)
    per_type = warehouse.query(con, "metrics/ticket_totals", f.params())
    assert per_type.set_index("service_type")["n_tickets"].to_dict() == t.groupby("service_type").size().to_dict()
    row = M._totals_row(per_type)
    s = _bins(t)
    w = (s["called_at"] - s["issued_at"]).dt.total_seconds()
    assert int(row["n_tickets"]) == len(t)
    assert int(row["n_served"]) == int((t["outcome"] == "served").sum())
    assert int(row["n_no_show"]) == int((t["outcome"] == "no_show").sum())
    assert int(row["n_waited"]) == len(w)
    assert float(row["sum_wait_s"]) == pytest.approx(float(w.sum()))
    if len(t):
        assert pd.Timestamp(row["first_day_on"]).date() == t["issued_at"].min().date()
        assert pd.Timestamp(row["last_day_on"]).date() == t["issued_at"].max().date()
        assert float(row["max_wait_s"]) == pytest.approx(float(w.max()))
    else:
        assert row["first_day_on"] is None and row["max_wait_s"] is None
    by_hall = warehouse.query(con, "metrics/ticket_by_hall", f.params()).set_index("hall_id")
    assert by_hall["n_tickets"].to_dict() == t.groupby("hall_id").size().to_dict()
    if len(t):
        last = t.groupby("hall_id")["issued_at"].max().dt.date
        assert {h: pd.Timestamp(d).date() for h, d in by_hall["last_day_on"].items()} == last.to_dict()
    tm = warehouse.query(con, "metrics/ticket_monthly", f.params())
    exp = t.assign(m=t["issued_at"].dt.to_period("M").dt.to_timestamp()).groupby(
        ["m", "hall_id", "service_type"]).size()
    got = {(pd.Timestamp(r.month_on), r.hall_id, r.service_type): int(r.n_tickets)
           for r in tm.itertuples(index=False)}
    assert got == {k: int(v) for k, v in exp.items()}


def test_waiting_summary_equals_ticket_summary(con):
    """The waiting page sums its per-hall rows; the result is ticket_summary's."""
    for f in CASES[::5]:
        a, b = M.waiting(con, f)["summary"], M.ticket_summary(con, f)
        assert a.keys() == b.keys()
        for k in a:
            assert (a[k] is None and b[k] is None) or a[k] == pytest.approx(b[k]), k


@pytest.mark.parametrize("cutoff", [D(2023, 1, 1), D(2024, 3, 1), D(2024, 7, 1), D(2026, 1, 1)])
@pytest.mark.parametrize("f", [c for c in CASES if not c.hall_ids][::3], ids=_id)
def test_before_after_histograms_exact(con, small, f, cutoff):
    t = tickets(small, replace(f, date_from=None, date_to=None))
    month = t["issued_at"].dt.to_period("M").dt.to_timestamp()
    keep = pd.Series(True, index=t.index)  # months overlapping the range
    if f.date_from:
        keep &= month >= pd.Timestamp(f.date_from).to_period("M").to_timestamp()
    if f.date_to:
        keep &= month <= pd.Timestamp(f.date_to)
    s = _bins(t[keep])
    s["period"] = np.where(s["issued_at"].dt.to_period("M").dt.to_timestamp() < pd.Timestamp(cutoff),
                           "before", "after")
    exp = {(p, int(b)): int(v) for (p, b), v in s.groupby(["period", "wait_bin"]).size().items()}
    got = warehouse.query(con, "metrics/wait_hist_before_after",
                          {**f.params(), "cutoff": cutoff})
    assert _as_dict(got, ["period", "wait_bin"]) == exp


@pytest.mark.parametrize("targets", [
    settings.TARGETS,
    replace(settings.TARGETS, arrival_urban_min=30.0, arrival_rural_min=50.0, restore_urban_h=2.0,
            restore_rural_h=1.5),
])
@pytest.mark.parametrize("f", [c for c in CASES if not (c.districts or c.waves or c.hall_ids
                                                        or c.service_types)], ids=_id)
def test_fault_histograms_exact(con, small, f, targets):
    assert M._fault_query(f, targets) == "faults_monthly_hist"
    o = small["orders"]
    fa = o[(o["category"] == "fault_repair") & in_range(o["received_at"].dt.date, f)].copy()
    fa["arr"] = (fa["arrived_at"] - fa["received_at"]).dt.total_seconds() / 60
    fa["res"] = (fa["restored_at"] - fa["received_at"]).dt.total_seconds() / 3600
    fa["arr_t"] = fa["urban_rural"].map({"urban": targets.arrival_urban_min, "rural": targets.arrival_rural_min})
    fa["res_t"] = fa["urban_rural"].map({"urban": targets.restore_urban_h, "rural": targets.restore_rural_h})
    fa["month_on"] = fa["received_at"].dt.to_period("M").dt.to_timestamp()
    exp = fa.groupby(["month_on", "urban_rural"]).apply(lambda g: pd.Series({
        "n_faults": len(g), "n_arrival_late": int((g["arr"] > g["arr_t"]).sum()),
        "n_restore_late": int((g["res"] > g["res_t"]).sum()), "sum_restore_h": g["res"].sum(),
        "sum_arrival_min": g["arr"].sum()}), include_groups=False)
    got = M._faults_monthly(con, f, targets)
    if fa.empty:
        assert got.empty
        return
    got = got.assign(month_on=pd.to_datetime(got["month_on"])).set_index(["month_on", "urban_rural"])
    assert len(got) == len(exp)
    for col in ("n_faults", "n_arrival_late", "n_restore_late"):
        assert got[col].astype(int).to_dict() == exp[col].astype(int).to_dict()
    for col in ("sum_restore_h", "sum_arrival_min"):
        assert np.allclose(got.loc[exp.index, col].astype(float), exp[col].astype(float))


def test_fault_routing_falls_back_to_orders():
    odd = replace(settings.TARGETS, arrival_urban_min=44.5)
    assert M._fault_query(Filters(), odd) == "faults_monthly"
    assert M._fault_query(Filters(districts=("D1",)), settings.TARGETS) == "faults_monthly"
    assert M._fault_query(Filters(waves=("none",)), settings.TARGETS) == "faults_monthly"


def test_fault_paths_agree_off_minute_targets(con, small):
    """A target between whole minutes goes per order; the result still matches pandas."""
    tg = replace(settings.TARGETS, arrival_urban_min=44.5, restore_urban_h=2.99)
    fa = small["orders"][small["orders"]["category"] == "fault_repair"]
    urban = fa[fa["urban_rural"] == "urban"]
    arr = (urban["arrived_at"] - urban["received_at"]).dt.total_seconds() / 60
    res = (urban["restored_at"] - urban["received_at"]).dt.total_seconds() / 3600
    got = M._faults_monthly(con, Filters(), tg)
    got = got[got["urban_rural"] == "urban"]
    assert int(got["n_arrival_late"].sum()) == int((arr > 44.5).sum())
    assert int(got["n_restore_late"].sum()) == int((res > 2.99).sum())


@pytest.mark.parametrize("f", [c for c in CASES if not (c.hall_ids or c.service_types)], ids=_id)
def test_hotline_totals_exact(con, small, f):
    o = by_community(small["orders"], "received_at", f)
    exp = o.groupby("category").size().to_dict()
    got = warehouse.query(con, "metrics/hotline_totals", f.params()).set_index("category")
    assert got["n_orders"].astype(int).to_dict() == exp
    cb = o["satisfaction"].isin(["satisfied", "basically_satisfied", "dissatisfied"])
    assert int(got["n_callback"].sum()) == int(cb.sum())


@pytest.mark.parametrize("f", [c for c in CASES if not c.hall_ids], ids=_id)
def test_visits_exact(con, small, f):
    v = by_community(small["visits"], "visited_at", f, service_types=True)
    got = warehouse.query(con, "metrics/visits", f.params())
    exp = v.assign(m=v["visited_at"].dt.to_period("M").dt.to_timestamp()).groupby(
        ["m", "service_type", "customer_group", "mode"]).size()
    assert {(pd.Timestamp(r.month_on), r.service_type, r.customer_group, r.mode): int(r.n_visits)
            for r in got.itertuples(index=False)} == {k: int(x) for k, x in exp.items()}


@pytest.mark.parametrize("f", [Filters(), Filters(service_types=("payment",)),
                               Filters(hall_ids=("H1",), date_from=D(2023, 6, 10), date_to=D(2024, 1, 5))],
                         ids=_id)
def test_heatmap_matches_pandas(con, small, f):
    t = small["tickets"]
    month = t["issued_at"].dt.to_period("M").dt.to_timestamp()
    keep = pd.Series(True, index=t.index)
    if f.date_from:
        keep &= month >= pd.Timestamp(f.date_from).to_period("M").to_timestamp()
    if f.date_to:
        keep &= month <= pd.Timestamp(f.date_to)
    if f.hall_ids:
        keep &= t["hall_id"].isin(f.hall_ids)
    if f.service_types:
        keep &= t["service_type"].isin(f.service_types)
    t = t[keep]
    hm = M.waiting(con, f)["heatmap"].set_index(["weekday", "hour_of_day"])
    exp = t.groupby([t["issued_at"].dt.weekday + 1, t["issued_at"].dt.hour]).size()
    assert {k: int(v) for k, v in hm["n_tickets"].items()} == {(int(a), int(b)): int(v) for (a, b), v in exp.items()}


@pytest.mark.parametrize("f", [Filters(), Filters(date_from=D(2023, 3, 15), date_to=D(2024, 2, 10)),
                               Filters(districts=("D1",)), Filters(hall_ids=("H1",)),
                               Filters(service_types=("payment",), waves=("2024Q1",))], ids=_id)
def test_counter_per_1k_matches_pandas(con, small, f):
    t = small["tickets"]
    t = t[t["community_id"].notna()]
    months_all = t["issued_at"].dt.to_period("M").dt.to_timestamp()
    months = pd.DatetimeIndex(sorted(months_all.unique()))
    if f.date_from:
        months = months[months >= pd.Timestamp(f.date_from).to_period("M").to_timestamp()]
    if f.date_to:
        months = months[months <= pd.Timestamp(f.date_to)]
    if f.hall_ids:
        t = t[t["hall_id"].isin(f.hall_ids)]
    if f.service_types:
        t = t[t["service_type"].isin(f.service_types)]
    comms = [c for c in HOUSEHOLDS if (not f.districts or COMM_DISTRICT[c] in f.districts)
             and (not f.waves or WAVES[c] in f.waves)]
    t = t.assign(m=t["issued_at"].dt.to_period("M").dt.to_timestamp())
    exp_n, exp_h = {}, {}
    for c in comms:
        for m in months:
            st = "served" if c in OPEN_MONTH and OPEN_MONTH[c] <= m else "not_yet"
            exp_h[(m, st)] = exp_h.get((m, st), 0) + HOUSEHOLDS[c]
            n = int(((t["community_id"] == c) & (t["m"] == m)).sum())
            exp_n[(m, st)] = exp_n.get((m, st), 0) + n
    p = M.offload(con, f)["per_1k"]
    got_h = {(pd.Timestamp(r.month_on), r.status): int(r.households) for r in p.itertuples()}
    got_n = {(pd.Timestamp(r.month_on), r.status): int(r.n_tickets) for r in p.itertuples()}
    assert got_h == exp_h and got_n == exp_n


def test_filter_options_match_tables(con, small):
    o = M.filter_options(con)
    assert o["districts"] == ["D1", "D2"]
    assert o["halls"]["hall_id"].tolist() == ["H1", "H2"]
    assert o["halls"]["name"].tolist() == ["城区营业厅", "县营业厅"]
    assert o["waves"] == ["2024Q1", "2024Q3", "none"]
    types = set(small["tickets"]["service_type"]) | set(small["visits"]["service_type"])
    assert o["service_types"] == sorted(types)
    assert M.filter_options(con, ("D2",))["halls"]["hall_id"].tolist() == ["H2"]
    first = min(small["tickets"]["issued_at"].min(), small["visits"]["visited_at"].min(),
                small["orders"]["received_at"].min()).date()
    last = max(small["tickets"]["issued_at"].max(), small["visits"]["visited_at"].max(),
               small["orders"]["received_at"].max()).date()
    assert (o["first_on"], o["last_on"]) == (first, last)


def test_community_monthly_matches_pandas(con, small):
    for cid in ("C1", "C3"):
        got = M.community_profile(con, cid)["monthly"]
        got = got.assign(month_on=pd.to_datetime(got["month_on"])).set_index("month_on")

        def per_month(df, col, c=cid):
            d = df[df["community_id"] == c]
            return d.groupby(d[col].dt.to_period("M").dt.to_timestamp()).size()

        o = small["orders"]
        assert got["n_tickets"][got["n_tickets"] > 0].to_dict() == per_month(small["tickets"], "issued_at").to_dict()
        assert got["n_hotline"][got["n_hotline"] > 0].to_dict() == per_month(o, "received_at").to_dict()
        assert got["n_faults"][got["n_faults"] > 0].to_dict() == per_month(
            o[o["category"] == "fault_repair"], "received_at").to_dict()
        assert got["n_visits"][got["n_visits"] > 0].to_dict() == per_month(small["visits"], "visited_at").to_dict()


# --------------------------------------------------------------- which rollup a view reads
# A named query that can be answered from a smaller rollup has one branch per rollup, each
# guarded by a condition on the parameters (``where $waves is null``...). DuckDB plans with
# the parameters' values, so the branches whose condition is false become empty results
# and their tables are never scanned. tests/metrics checks each branch's numbers against
# pandas (above); this checks that the choice is made at plan time (else every view would scan the
# big rollups too).
W, T, H, DI = {"waves": ["2024Q1"]}, {"service_types": ["payment"]}, {"hall_ids": ["H1"]}, {"districts": ["D1"]}
# (an empty table is planned away too, so this runs on the small warehouse, which has rows)
ROUTES = [
    # query, filters, tables read, tables not read
    ("ticket_totals", {}, {"agg_ticket_ht_month", "agg_ticket_ht_day"}, {"agg_ticket_month", "agg_ticket_day"}),
    ("ticket_totals", W, {"agg_ticket_month", "agg_ticket_day"}, {"agg_ticket_ht_month", "agg_ticket_ht_day"}),
    ("ticket_by_hall", {**T, **DI}, {"agg_ticket_ht_month"}, {"agg_ticket_month"}),
    ("wait_hist", {}, {"agg_wait_cum_hall", "agg_wait_hist_hall_day"},
     {"agg_wait_cum_wt", "agg_wait_hist_month", "agg_wait_hist_day"}),
    ("wait_hist", DI, {"agg_wait_cum_hall"}, {"agg_wait_cum_wt", "agg_wait_hist_month"}),
    ("wait_hist", W, {"agg_wait_cum_wt", "agg_wait_hist_day"}, {"agg_wait_cum_hall", "agg_wait_hist_month"}),
    ("wait_hist", {**T, **H}, {"agg_wait_hist_month", "agg_wait_hist_day"}, {"agg_wait_cum_hall", "agg_wait_cum_wt"}),
    ("wait_hist_by_hall", W, {"agg_wait_hist_month"}, {"agg_wait_cum_wt", "agg_wait_cum_hall"}),
    ("wait_hist_by_hall", {}, {"agg_wait_cum_hall"}, {"agg_wait_cum_wt", "agg_wait_hist_month"}),
    ("wait_hist_before_after", {}, {"agg_wait_cum_hall"}, {"agg_wait_cum_wt", "agg_wait_hist_month"}),
    ("wait_hist_before_after", T, {"agg_wait_cum_wt"}, {"agg_wait_cum_hall", "agg_wait_hist_month"}),
    ("wait_hist_before_after", {**W, **DI}, {"agg_wait_hist_month"}, {"agg_wait_cum_hall", "agg_wait_cum_wt"}),
    ("ticket_weekday_hour", {}, {"agg_ticket_wdh_city"}, {"agg_ticket_wdh_hall", "agg_ticket_weekday_hour"}),
    ("ticket_weekday_hour", DI, {"agg_ticket_wdh_hall"}, {"agg_ticket_wdh_city", "agg_ticket_weekday_hour"}),
    ("ticket_weekday_hour", T, {"agg_ticket_weekday_hour"}, {"agg_ticket_wdh_city", "agg_ticket_wdh_hall"}),
    ("counter_per_1k_month", {**W, **DI}, {"agg_community_ticket_cell"}, {"agg_community_ticket_month"}),
    ("counter_per_1k_month", H, {"agg_community_ticket_month"}, {"agg_community_ticket_cell"}),
]


def _tables_scanned(con, name: str, params: dict) -> set[str]:
    text = warehouse.sql_text(f"metrics/{name}")
    base = {"date_from": dt.date(2024, 1, 5), "date_to": dt.date(2024, 8, 20), "districts": None,
            "hall_ids": None, "waves": None, "service_types": None, "cutoff": dt.date(2024, 3, 1)}
    bound = {k: v for k, v in {**base, **params}.items() if f"${k}" in text}
    plan = "\n".join(r[1] for r in con.execute("explain " + text, bound).fetchall())
    return set(re.findall(r"Table:\s*(?:\w+\.)*(\w+)", plan))


@pytest.mark.parametrize(("name", "params", "read", "not_read"), ROUTES,
                         ids=[f"{r[0]}-{'+'.join(r[1]) or 'default'}" for r in ROUTES])
def test_view_reads_only_the_rollup_it_needs(con, name, params, read, not_read):
    scanned = _tables_scanned(con, name, params)
    assert read <= scanned, f"{name} {params}: expected {sorted(read)} in {sorted(scanned)}"
    assert not (not_read & scanned), f"{name} {params}: also scans {sorted(not_read & scanned)}"
