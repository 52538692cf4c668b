"""collect_inputs on a complete warehouse (the tiny demo city): every section is filled
with no reason recorded, and the hotline and fault numbers equal plain pandas over the
warehouse's own tables (hotline_orders, communities, service_rooms; no rollup read).

collect_inputs catches every exception per section so that one broken part cannot
blank the briefing; this test is what notices when a part breaks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import warehouse
from dashboard.analysis.filters import Filters
from dashboard.report.collect import collect_inputs
from dashboard.report.inputs import EFFECT_OUTCOMES
from tests.tiny_demo import build_tiny


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny demo (seed 7) in a temporary warehouse: (inputs of the whole range, raw tables)."""
    root = tmp_path_factory.mktemp("collect_demo")
    build_tiny(root)
    con = warehouse.connect_read(root / "wh.duckdb")
    try:
        inputs = collect_inputs(con, Filters(), plan_k=2, with_map=False)
        raw = {name: con.execute(f"select * from {name}").df()  # noqa: S608 (fixed names)
               for name in ("hotline_orders", "communities", "service_rooms")}
    finally:
        con.close()
    return inputs, raw


def test_a_complete_warehouse_fills_every_section(tiny):
    inputs, _ = tiny
    assert inputs.reasons == {}
    for part in ("offload", "waiting", "hotline", "faults", "groups_staff", "coverage", "plan"):
        assert getattr(inputs, part) is not None, part
    assert set(inputs.effects) == set(EFFECT_OUTCOMES)


def _first_opening(raw) -> pd.Series:
    """Month of the first opening of any room serving each community."""
    rooms = raw["service_rooms"].explode("served_community_ids")
    first = rooms.groupby("served_community_ids")["opened_on"].min()
    return pd.to_datetime(first).dt.to_period("M").dt.to_timestamp()


def test_hotline_rates_equal_pandas(tiny):
    inputs, raw = tiny
    orders = raw["hotline_orders"].copy()
    comm = raw["communities"]
    households = comm.loc[comm["households"] > 0].set_index("community_id")["households"]
    opened = _first_opening(raw)
    orders["month"] = orders["received_at"].dt.to_period("M").dt.to_timestamp()
    months = sorted(orders["month"].unique())  # every month with any order
    # denominators: each community with households, every month, by its status that month
    units = pd.DataFrame([(m, c, h) for m in months for c, h in households.items()],
                         columns=["month", "community_id", "households"])
    units["served"] = units["community_id"].map(opened).le(units["month"])  # NaT: never served
    ours = orders[orders["community_id"].isin(households.index)].copy()
    ours["served"] = ours["community_id"].map(opened).le(ours["month"])
    for served, got, col in ((True, inputs.hotline.served_per_1k, "served"),
                             (False, inputs.hotline.not_served_per_1k, "not_served")):
        n = (ours["served"] == served).sum()
        hh = units.loc[units["served"] == served, "households"].sum()
        assert got == pytest.approx(n * 1000.0 / hh, rel=1e-12)
        per_month = (ours[ours["served"] == served].groupby("month").size()
                     .reindex(months, fill_value=0) * 1000.0
                     / units[units["served"] == served].groupby("month")["households"].sum())
        shown = inputs.hotline.monthly.set_index("month")[col]
        expected = per_month.reindex(pd.DatetimeIndex(shown.index))
        np.testing.assert_allclose(shown.to_numpy(float), expected.to_numpy(float), rtol=1e-12)
    assert inputs.hotline.served_per_1k != inputs.hotline.not_served_per_1k


def test_fault_repair_equals_pandas(tiny):
    inputs, raw = tiny
    o = raw["hotline_orders"]
    faults = o[o["category"] == "fault_repair"].copy()
    hours = (faults["restored_at"] - faults["received_at"]).dt.total_seconds() / 3600.0
    faults["restore_h"] = hours.where(faults["restored_at"] >= faults["received_at"])
    assert faults["restore_h"].notna().sum() > 10
    assert inputs.faults.restoration_h == pytest.approx(faults["restore_h"].mean(), rel=1e-12)
    called = o["satisfaction"].isin(["satisfied", "basically_satisfied", "dissatisfied"])
    happy = o["satisfaction"].isin(["satisfied", "basically_satisfied"])
    assert inputs.faults.satisfaction_share == pytest.approx(happy.sum() / called.sum(), rel=1e-12)
    faults["month"] = faults["received_at"].dt.to_period("M").dt.to_timestamp()
    per_month = faults.groupby("month")["restore_h"].mean()
    shown = inputs.faults.monthly.set_index("month")["restoration_h"]
    np.testing.assert_allclose(shown.to_numpy(float), per_month.reindex(pd.DatetimeIndex(shown.index)).to_numpy(float),
                               rtol=1e-12)
    assert len(shown) == faults["month"].nunique()
