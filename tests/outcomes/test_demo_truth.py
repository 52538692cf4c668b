"""The demo records the true effects of the new outcomes in ``truth.json``, and the
estimator recovers them on a shortened ``small`` city (18 months, 4 waves): arrival on
site (true effect 0, a placebo), callback satisfaction, complaints per 10,000 households
and the hotline per category group."""

from __future__ import annotations

import json

import pytest

from dashboard import privacy, warehouse
from dashboard.analysis.breakdown import HOTLINE_GROUPS, estimate_categories
from dashboard.analysis.effects import estimate
from dashboard.demo import build, config


def test_tiny_truth_has_the_new_outcomes(tiny_demo):
    out = tiny_demo.truth["outcomes"]
    assert out["arrival_minutes"]["att"] == 0.0  # the demo's rooms leave arrival alone
    by_cat = out["hotline_per_1k_households"]["by_category"]["complaint"]
    # per 10,000 is ten times per 1,000, cell by cell
    assert out["complaints_per_10k_households"]["att"] == pytest.approx(10 * by_cat["att"])
    assert out["complaints_per_10k_households"]["att"] < 0
    assert abs(out["satisfaction_rate"]["att"]) < 0.05
    assert out["satisfaction_rate"]["n_treated_cells"] > 0


def test_tiny_truth_matches_an_independent_computation(tiny_demo):
    """Complaints per 10,000 households and the satisfaction rate, recomputed from the
    warehouse's rows (actual) and the generator's full frame (counterfactual: thinned
    orders put back, callbacks without the room's restoration minutes)."""
    import numpy as np
    import pandas as pd

    from dashboard.demo.build import generate

    from .conftest import first_opening

    city = generate("tiny", seed=7)
    h = city.hotline
    comm = city.geo.communities["community_id"].to_numpy()
    cf = pd.DataFrame({
        "community_id": comm[h["comm_idx"].to_numpy()],
        "month_on": pd.to_datetime(h["received_at"]).dt.to_period("M").dt.to_timestamp(),
        "complaint": h["category"].to_numpy() == config.HOTLINE_CATEGORIES.index("complaint"),
        "sat": h["satisfaction_cf"].to_numpy(),
    })
    act = tiny_demo.tables["hotline_orders"].dropna(subset=["community_id"])
    act = pd.DataFrame({
        "community_id": act["community_id"].to_numpy(),
        "month_on": act["received_at"].dt.to_period("M").dt.to_timestamp().to_numpy(),
        "complaint": (act["category"] == "complaint").to_numpy(),
        "sat": act["satisfaction"].to_numpy(),
    })
    c = tiny_demo.tables["communities"].set_index("community_id")
    first = first_opening(tiny_demo.tables).dt.to_period("M").dt.to_timestamp()

    def cells(df):
        g = df.assign(call=df["sat"].isin(["satisfied", "basically_satisfied", "dissatisfied"]),
                      good=df["sat"].isin(["satisfied", "basically_satisfied"]))
        return g.groupby(["community_id", "month_on"]).agg(
            n_comp=("complaint", "sum"), call=("call", "sum"), good=("good", "sum"))

    grid = cells(cf).join(cells(act), rsuffix="_act", how="left").fillna(0).reset_index()
    grid = grid[grid["month_on"] >= grid["community_id"].map(first)]  # treated cells (NaT: never)
    hh = grid["community_id"].map(c["households"])
    comp = ((grid["n_comp_act"] - grid["n_comp"]) * 10000.0 / hh).mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        d = grid["good_act"] / grid["call_act"] - grid["good"] / grid["call"]
    out = tiny_demo.truth["outcomes"]
    assert out["complaints_per_10k_households"]["att"] == pytest.approx(comp)
    assert out["satisfaction_rate"]["att"] == pytest.approx(d[np.isfinite(d)].mean())
    assert out["satisfaction_rate"]["n_treated_cells"] == int(np.isfinite(d).sum())


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("outcomes_small")
    cfg = config.get_config("small", months=18, first_wave_month=5, n_waves=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVICECIRCLE_KEY_FILE", str(out / "hash.key"))
        privacy._key.cache_clear()
        build.build_demo("small", seed=1, db=out / "wh.duckdb", out_dir=out, cfg=cfg)
        privacy._key.cache_clear()
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))["outcomes"]
    return out / "wh.duckdb", truth


@pytest.mark.slow
def test_demo_new_outcomes_recovered(small):
    db, truth = small
    con = warehouse.connect_read(db)
    for outcome in ("arrival_minutes", "satisfaction_rate", "complaints_per_10k_households"):
        r = estimate(con, outcome)
        assert r.ok, (outcome, r.reason)
        att = truth[outcome]["att"]
        assert r.ci_low <= att <= r.ci_high, (outcome, att, r.att, r.ci_low, r.ci_high)
    # arrival: no effect, and the estimate says so
    arr = estimate(con, "arrival_minutes")
    assert arr.ci_low <= 0.0 <= arr.ci_high


@pytest.mark.slow
def test_demo_category_effects_recovered(small):
    db, truth = small
    by_cat = truth["hotline_per_1k_households"]["by_category"]
    res = {g.group: g.result for g in estimate_categories(warehouse.connect_read(db))}
    for group, cats in HOTLINE_GROUPS.items():
        att = sum(by_cat[c]["att"] for c in cats if c in by_cat)
        r = res[group]
        assert r.ok and r.ci_low <= att <= r.ci_high, (group, att, r.att, r.ci_low, r.ci_high)
    # the seed's argument: consultations fall, clearly
    assert res["consultation"].ci_high < 0
