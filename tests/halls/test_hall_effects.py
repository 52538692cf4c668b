"""Hall-level waiting-time effect (dashboard.analysis.hall_effects).

Design-based method on simulated hall panels with a known dose slope (recovered; a null
slope gives an interval covering 0; refusals with too few halls or no dose spread).
Queue-model method on halls run through the demo's own FCFS multi-counter queue twice
(with a known share of tickets diverted to rooms, and with every ticket): the estimate
lies near the true hall-level effect; with an arrival effect whose interval covers 0 the
result's interval covers 0; without an arrival effect it refuses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis import hall_effects as he
from tests.halls._sim import dose_panel, queue_world


# ---------------------------------------------------------------- (a) design-based
def test_design_recovers_a_known_dose_effect():
    panel, truth = dose_panel(slope=-4.0)
    r = he.design_estimate(panel, n_boot=99)
    assert r.ok
    assert r.att == pytest.approx(truth, rel=0.1)
    assert r.ci_low < truth < r.ci_high and r.ci_high < 0
    assert r.details["slope_per_share"] == pytest.approx(-4.0, rel=0.1)
    # counterfactual mean: observed minus the effect over the exposed hall-months
    ex = panel[panel["exposed"]]
    assert r.counterfactual_mean == pytest.approx((ex["y"] - r.details["slope_per_share"] * ex["share"]).mean())
    assert r.relative_effect == pytest.approx(r.att / r.counterfactual_mean)
    # event study: months before exposure straddle 0, months after are negative
    pre = [e for e in r.event_study if e["event_time"] < -1]
    post = [e for e in r.event_study if e["event_time"] >= 8]
    assert pre and all(e["ci_low"] < 0 < e["ci_high"] for e in pre)
    assert post and all(e["ci_high"] < 0 for e in post)


def test_design_null_covers_zero():
    covered = 0
    for seed in range(5):
        panel, truth = dose_panel(slope=0.0, seed=seed)
        assert truth == 0.0
        r = he.design_estimate(panel, n_boot=99, seed=seed)
        covered += r.ci_low <= 0.0 <= r.ci_high
    assert covered >= 4


def test_design_refuses_with_too_few_halls():
    panel, _ = dose_panel(n_halls=5)
    r = he.design_estimate(panel)
    assert r.status == "too_few_halls" and r.att is None
    assert "5" in r.reason["zh"] and "5" in r.reason["en"] and "8" in r.reason["en"]


def test_design_refuses_without_dose_spread_or_exposed_halls():
    panel, _ = dose_panel()
    flat = panel.assign(share=np.where(panel["exposed"], 0.5, 0.0))
    flat["exposed"] = flat["month_on"] >= pd.Timestamp("2022-08-01")
    flat["share"] = np.where(flat["exposed"], 0.5, 0.0)
    assert he.design_estimate(flat).status == "no_dose_variation"
    few = panel.assign(exposed=panel["exposed"] & panel["hall_id"].isin(["H00", "H01", "H02"]))
    few["share"] = np.where(few["exposed"], few["share"], 0.0)
    assert he.design_estimate(few).status == "too_few_exposed"


# ---------------------------------------------------------------- (b) queue model
@pytest.fixture(scope="module")
def world():
    return queue_world(p_divert=0.15)


def test_queue_model_near_the_simulated_truth(world):
    assert world.true_att < -1.0  # the diverted tickets shorten the queue a lot
    r = he.queue_estimate(world.cells, world.exposure, world.catchment, world.arrival)
    assert r.ok
    assert r.att == pytest.approx(world.true_att, rel=0.3)
    assert r.ci_low < r.att < r.ci_high < 0
    # the interval is the result at the arrival effect's interval ends
    lo = he.queue_estimate(world.cells, world.exposure, world.catchment,
                           he.ArrivalEffect(world.arrival.ci_low, world.arrival.ci_low, world.arrival.ci_low, {}))
    assert r.ci_low == pytest.approx(lo.att)
    assert r.relative_effect == pytest.approx(r.att / r.counterfactual_mean)
    # calibration factors are observed / modelled waits before exposure: near 1
    assert all(0.5 < k < 1.5 for k in r.details["calibration"].values())


def test_queue_model_null_interval_covers_zero(world):
    a = he.ArrivalEffect(att=-2.0, ci_low=-12.0, ci_high=8.0, by_event={})
    r = he.queue_estimate(world.cells, world.exposure, world.catchment, a)
    assert r.ok and r.ci_low < 0.0 < r.ci_high
    zero = he.queue_estimate(world.cells, world.exposure, world.catchment, he.ArrivalEffect(0.0, 0.0, 0.0, {}))
    assert zero.att == pytest.approx(0.0, abs=1e-12)


def test_queue_model_refusals(world):
    r = he.queue_estimate(world.cells, world.exposure, world.catchment, None)
    assert r.status == "no_arrival_effect" and r.att is None and r.reason["zh"]
    no_counter = world.cells.assign(n_counters=0)
    assert he.queue_estimate(no_counter, world.exposure, world.catchment, world.arrival).status == "no_counters"
    late = world.cells[world.cells["month_on"] >= pd.Timestamp("2024-04-01")]
    assert he.queue_estimate(late, world.exposure, world.catchment, world.arrival).status == "no_pre_months"


def test_arrival_profile_by_months_since_opening():
    a = he.ArrivalEffect(att=-10.0, ci_low=-12.0, ci_high=-8.0, by_event={-2: 1.0, 0: -2.0, 1: -6.0, 3: -12.0})
    got = a.at(np.array([0, 1, 2, 3, 9]), 0.5)
    # month 2 is not estimated: the next estimated month's value; after the last: the last
    assert got.tolist() == [-1.0, -3.0, -6.0, -6.0, -6.0]


# ---------------------------------------------------------------- presenting
def test_presented_method_and_json_keys(world):
    panel, _ = dose_panel()
    design = he.design_estimate(panel, n_boot=49)
    queue = he.queue_estimate(world.cells, world.exposure, world.catchment, world.arrival)
    res = he.assemble(design, queue, world.exposure, pd.DataFrame(columns=panel.columns))
    d = res.as_dict()
    assert set(d) == {"outcome", "method", "att", "ci_low", "ci_high", "relative_effect", "n_treated",
                      "n_control", "event_study", "naive_before_after", "unit", "estimates"}
    # both ran: the design-based estimate is presented, the queue model shown beside it
    assert d["unit"] == "hall" and d["method"] == he.DESIGN and d["att"] == design.att
    assert [e["method"] for e in d["estimates"]] == [he.DESIGN, he.QUEUE]
    assert set(d["estimates"][0]) == {"method", "att", "ci_low", "ci_high", "relative_effect"}
    assert res.found_effect and "缩短" in res.summary["zh"]
    # too few halls for the design: the queue model is presented
    few = he.design_estimate(panel[panel["hall_id"] < "H05"])
    res2 = he.assemble(few, queue, world.exposure, pd.DataFrame(columns=panel.columns))
    assert few.status == "too_few_halls"
    assert res2.presented == he.QUEUE and res2.as_dict()["att"] == queue.att
    no_q = he.queue_estimate(world.cells, world.exposure, world.catchment, None)
    none = he.assemble(he.design_estimate(panel.head(0)), no_q, world.exposure, panel.head(0))
    assert none.presented is None and none.as_dict()["att"] is None and not none.found_effect
