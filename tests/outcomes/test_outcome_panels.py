"""The new effect panels (arrival on site, callback satisfaction, complaints per 10,000
households, the hotline panel per category group) against an independent pandas
computation on the raw rows of the tiny demo city."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard import warehouse
from dashboard.analysis.breakdown import HOTLINE_GROUPS
from dashboard.analysis.effects import load_panel
from dashboard.analysis.filters import Filters

from .conftest import first_opening, wave_of


def _filters(t) -> list[Filters]:
    waves = sorted(set(wave_of(t)) - {"none"})
    return [
        Filters(),
        Filters(date_from=dt.date(2024, 3, 10), date_to=dt.date(2024, 11, 2)),
        Filters(waves=(waves[0],)),
    ]


def _units(t, f: Filters, need_households: bool) -> pd.DataFrame:
    c = t["communities"][["community_id", "district", "households"]].copy()
    c["first_opened_on"] = c["community_id"].map(first_opening(t))
    c["wave"] = c["community_id"].map(wave_of(t))
    if need_households:
        c = c[c["households"].fillna(0) > 0]
    if f.districts:
        c = c[c["district"].isin(f.districts)]
    if f.waves:
        c = c[(c["wave"] == "none") | c["wave"].isin(f.waves)]
    return c


def _month(ts) -> pd.Series:
    return pd.to_datetime(ts).dt.to_period("M").dt.to_timestamp()


def _in_window(m: pd.Series, f: Filters) -> pd.Series:
    ok = pd.Series(True, index=m.index)
    if f.date_from:
        ok &= m >= pd.Timestamp(f.date_from).to_period("M").to_timestamp()
    if f.date_to:
        ok &= m <= pd.Timestamp(f.date_to).to_period("M").to_timestamp()
    return ok


def ref_mean(t, f: Filters, measure: str) -> pd.DataFrame:
    o = t["hotline_orders"].dropna(subset=["community_id"]).copy()
    o["month_on"] = _month(o["received_at"])
    o = o[_in_window(o["month_on"], f)]
    if measure == "arrival_minutes":
        o = o[(o["category"] == "fault_repair") & (o["arrived_at"] >= o["received_at"])]
        o["v"] = (o["arrived_at"] - o["received_at"]).dt.total_seconds() / 60.0
    else:  # satisfaction_rate
        o = o[o["satisfaction"].isin(["satisfied", "basically_satisfied", "dissatisfied"])]
        o["v"] = o["satisfaction"].isin(["satisfied", "basically_satisfied"]).astype(float)
    g = o.groupby(["community_id", "month_on"])["v"].agg(["mean", "size"]).reset_index()
    u = _units(t, f, need_households=False)
    out = u[["community_id", "first_opened_on"]].merge(g, on="community_id")
    return out.rename(columns={"mean": "y", "size": "n_obs"})


def ref_count(t, f: Filters, categories: tuple[str, ...] | None, per: float) -> pd.DataFrame:
    o = t["hotline_orders"].dropna(subset=["community_id"]).copy()
    o["month_on"] = _month(o["received_at"])
    lo = pd.Timestamp(f.date_from).to_period("M").to_timestamp() if f.date_from else o["month_on"].min()
    hi = pd.Timestamp(f.date_to).to_period("M").to_timestamp() if f.date_to else o["month_on"].max()
    months = pd.date_range(lo, hi, freq="MS")
    cat = o["category"].fillna("other")
    if categories is not None:
        o = o[cat.isin(categories)]
    n = o.groupby(["community_id", "month_on"]).size().rename("n_obs")
    u = _units(t, f, need_households=True)
    grid = u.merge(pd.DataFrame({"month_on": months}), how="cross")
    grid = grid.merge(n.reset_index(), on=["community_id", "month_on"], how="left")
    grid["n_obs"] = grid["n_obs"].fillna(0).astype("int64")
    grid["y"] = grid["n_obs"] * per / grid["households"]
    return grid[["community_id", "month_on", "first_opened_on", "n_obs", "y"]]


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    d = df[["community_id", "month_on", "first_opened_on", "n_obs", "y"]].copy()
    d["community_id"] = d["community_id"].astype(str)
    d["month_on"] = pd.to_datetime(d["month_on"])
    d["first_opened_on"] = pd.to_datetime(d["first_opened_on"])
    d["n_obs"] = d["n_obs"].astype("int64")
    d["y"] = d["y"].astype(float)
    return d.sort_values(["community_id", "month_on"]).reset_index(drop=True)


@pytest.mark.parametrize("fi", range(3))
@pytest.mark.parametrize("outcome", ["arrival_minutes", "satisfaction_rate"])
def test_mean_panels_match_pandas(tiny_demo, outcome, fi):
    f = _filters(tiny_demo.tables)[fi]
    con = warehouse.connect_read(tiny_demo.db)
    got = _norm(load_panel(con, outcome, f)[0])
    exp = _norm(ref_mean(tiny_demo.tables, f, outcome))
    assert len(exp) > 20
    pd.testing.assert_frame_equal(got, exp, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("fi", range(3))
def test_complaints_per_10k_matches_pandas(tiny_demo, fi):
    f = _filters(tiny_demo.tables)[fi]
    con = warehouse.connect_read(tiny_demo.db)
    got = _norm(load_panel(con, "complaints_per_10k_households", f)[0])
    exp = _norm(ref_count(tiny_demo.tables, f, ("complaint",), 10000.0))
    assert exp["n_obs"].sum() > 0
    pd.testing.assert_frame_equal(got, exp, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("group", list(HOTLINE_GROUPS))
def test_hotline_panel_per_category_group_matches_pandas(tiny_demo, group):
    f = _filters(tiny_demo.tables)[1]
    con = warehouse.connect_read(tiny_demo.db)
    got = _norm(load_panel(con, "hotline_per_1k_households", f, HOTLINE_GROUPS[group])[0])
    exp = _norm(ref_count(tiny_demo.tables, f, HOTLINE_GROUPS[group], 1000.0))
    assert exp["n_obs"].sum() > 0
    pd.testing.assert_frame_equal(got, exp, check_exact=False, rtol=1e-9)


def test_category_groups_add_up_to_the_total(tiny_demo):
    """The five groups partition the orders: their counts sum to the all-category panel."""
    con = warehouse.connect_read(tiny_demo.db)
    total = _norm(load_panel(con, "hotline_per_1k_households")[0])
    parts = sum(_norm(load_panel(con, "hotline_per_1k_households", Filters(), cats)[0])["n_obs"]
                for cats in HOTLINE_GROUPS.values())
    np.testing.assert_array_equal(parts.to_numpy(), total["n_obs"].to_numpy())
    covered = {c for cats in HOTLINE_GROUPS.values() for c in cats}
    assert set(tiny_demo.tables["hotline_orders"]["category"].fillna("other")) <= covered


def test_categories_only_for_the_hotline(tiny_demo):
    con = warehouse.connect_read(tiny_demo.db)
    with pytest.raises(ValueError, match="no categories"):
        load_panel(con, "arrival_minutes", Filters(), ("complaint",))
