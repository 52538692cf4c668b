"""The staggered DiD estimator on simulated community-month panels (tests/effects/_sim.py).

Coverage of the true ATT over seeds, a placebo with zero effect, why two-way fixed
effects is not used, the event study, the counterfactual series, the naive
before/after, and the refusals when data cannot support an estimate.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ._sim import month_on, simulate
from dashboard.analysis.effects import MIN_CONTROL, MIN_MONTHS, MIN_TREATED, estimate_panel

OUT = "hotline_per_1k_households"
SEEDS = range(20)


def _covers(r, truth: float) -> bool:
    return r.ci_low <= truth <= r.ci_high


# ---------------------------------------------------------------- coverage
@pytest.mark.slow
def test_ci_covers_true_att_in_90pct_of_seeds():
    hits, errs = 0, []
    for seed in SEEDS:
        sim = simulate(seed, opening_day=1)
        r = estimate_panel(sim.panel, OUT)
        assert r.ok, r.reason
        hits += _covers(r, sim.true_att)
        errs.append(r.att - sim.true_att)
    assert hits >= 0.9 * len(SEEDS), (hits, errs)
    # and it is not covering by being uselessly wide: mean error small against the effect
    assert abs(np.mean(errs)) < 0.05 * abs(simulate(0).true_att)


@pytest.mark.slow
def test_placebo_with_shifted_openings_covers_zero():
    """Real openings in months 19-33 with a real effect, but we only look at months 1-18
    and pretend the rooms opened 12 months earlier: the true effect there is 0."""
    hits = 0
    for seed in SEEDS:
        sim = simulate(seed, waves=(19, 22, 25, 28, 31), base_effect=-3.0, opening_day=1)
        p = sim.panel.copy()
        p = p[p["month_on"] < pd.Timestamp(month_on(19))]
        p["first_opened_on"] = p["first_opened_on"] - pd.DateOffset(months=12)
        assert sim.tau[:, :18].sum() == 0  # nothing injected in the window
        r = estimate_panel(p, OUT)
        assert r.ok, r.reason
        hits += _covers(r, 0.0)
    assert hits >= 0.9 * len(SEEDS), hits


def test_placebo_zero_effect_random_dates():
    hits = 0
    for seed in range(5):
        sim = simulate(100 + seed, base_effect=0.0, growth=0.0, wave_spread=0.0)
        r = estimate_panel(sim.panel, OUT)
        hits += _covers(r, 0.0)
    assert hits >= 4


# ---------------------------------------------------------------- why not TWFE
def _twfe(panel: pd.DataFrame) -> float:
    """Textbook two-way fixed effects: y on D with community and month dummies
    (balanced panel: two-way demeaning, then OLS slope)."""
    d = panel.copy()
    opened = d["first_opened_on"].dt.to_period("M").dt.to_timestamp()
    d["D"] = (opened.notna() & (d["month_on"] >= opened)).astype(float)
    for col in ("y", "D"):
        d[col + "_w"] = (
            d[col]
            - d.groupby("community_id")[col].transform("mean")
            - d.groupby("month_on")[col].transform("mean")
            + d[col].mean()
        )
    return float((d["y_w"] * d["D_w"]).sum() / (d["D_w"] ** 2).sum())


def test_twfe_is_biased_under_heterogeneous_dynamic_effects_and_cs_is_not():
    """Effects that grow with months since opening and no never-served communities:
    TWFE uses early openers as controls for late ones and is pulled far from the truth;
    Callaway-Sant'Anna with not-yet-served controls is not. This is why effects.py does
    not use TWFE."""
    twfe_err, cs_err, covered = [], [], 0
    for seed in range(5):
        sim = simulate(seed, share_never=0.0, waves=(6, 12, 18, 24, 30), base_effect=-0.5,
                       growth=-0.25, wave_spread=0.0, opening_day=1)
        r = estimate_panel(sim.panel, OUT)
        assert r.ok
        twfe_err.append(_twfe(sim.panel) - sim.true_att)
        cs_err.append(r.att - sim.true_att)
        # CS with no never-served: truth over the cells it can estimate (t < last wave)
        g, tau = sim.cohort, sim.tau
        T = tau.shape[1]
        t = np.arange(1, T + 1)
        cells = (g[:, None] > 0) & (t[None, :] >= g[:, None]) & (t[None, :] < g.max())
        covered += _covers(r, float(tau[cells].mean()))
    truth_scale = abs(sim.true_att)
    assert np.mean(np.abs(twfe_err)) > 0.3 * truth_scale, twfe_err
    assert covered >= 4, (cs_err, covered)


# ---------------------------------------------------------------- details of one fit
@pytest.fixture(scope="module")
def one():
    sim = simulate(7, opening_day=1)
    return sim, estimate_panel(sim.panel, OUT)


def test_event_study_pre_periods_near_zero_and_post_near_truth(one):
    sim, r = one
    es = {row["event_time"]: row for row in r.event_study}
    pre = [es[e] for e in range(-8, 0) if e in es]
    assert len(pre) == 8
    assert sum(row["ci_low"] <= 0 <= row["ci_high"] for row in pre) >= 7
    g, tau = sim.cohort, sim.tau
    t = np.arange(1, tau.shape[1] + 1)
    hits = 0
    for e in range(0, 8):
        cells = (g[:, None] > 0) & (t[None, :] - g[:, None] == e)
        truth = float(tau[cells].mean())
        hits += es[e]["ci_low"] <= truth <= es[e]["ci_high"]
    assert hits >= 7
    assert all(row["ci_low"] <= row["att"] <= row["ci_high"] for row in r.event_study)


def test_counterfactual_series_and_relative_effect(one):
    sim, r = one
    cf = r.counterfactual
    first_open = month_on(int(sim.cohort[sim.cohort > 0].min()))
    before = cf[pd.to_datetime(cf["month_on"]) < pd.Timestamp(first_open)]
    assert len(before) == int(sim.cohort[sim.cohort > 0].min()) - 1
    assert np.allclose(before["observed"], before["counterfactual"])
    assert (before["n_served"] == 0).all()
    # after: observed - counterfactual is the served communities' mean injected effect
    served = sim.cohort > 0
    true_gap = sim.tau[served].mean(axis=0)
    gap = (cf["observed"] - cf["counterfactual"]).to_numpy()
    ok = np.isfinite(gap)
    assert ok.sum() >= 30
    assert np.max(np.abs(gap[ok] - true_gap[ok])) < 0.5
    # n_served counts the communities already open each month
    t = np.arange(1, sim.tau.shape[1] + 1)
    assert cf["n_served"].tolist() == [int(((sim.cohort > 0) & (sim.cohort <= k)).sum()) for k in t]
    # relative effect = att / mean of the treated post cells without the effect
    y = sim.panel["y"].to_numpy().reshape(sim.tau.shape)
    post = (sim.cohort[:, None] > 0) & (t[None, :] >= sim.cohort[:, None])
    cf_true = float((y - sim.tau)[post].mean())
    assert r.counterfactual_mean == pytest.approx(cf_true, rel=0.02)
    assert r.relative_effect == pytest.approx(r.att / r.counterfactual_mean)


def test_naive_before_after_is_the_plain_difference(one):
    sim, r = one
    p = sim.panel
    opened = p["first_opened_on"].dt.to_period("M").dt.to_timestamp()
    tr = p[opened.notna()].assign(post=p["month_on"] >= opened)
    per = tr.groupby(["community_id", "post"])["y"].mean().unstack()
    assert r.naive_before_after == pytest.approx(float((per[True] - per[False]).mean()))
    # naive is not the causal effect here (seasons and trend leak in)
    assert abs(r.naive_before_after - sim.true_att) > 0.3


def test_sentences_in_both_languages(one):
    _, r = one
    assert r.att < 0 and r.ci_high < 0
    zh, en = r.summary["zh"], r.summary["en"]
    assert zh.startswith("服务室开放后") and "减少" in zh and "95%置信区间" in zh
    assert f"{abs(r.att):.1f}" in zh and f"{abs(r.att):.1f}" in en and "fell" in en
    assert f"{r.relative_effect * 100:+.0f}%" in zh
    assert r.naive_note["zh"] and "before/after" in r.naive_note["en"]


def test_not_significant_sentence_says_so():
    sim = simulate(3, base_effect=0.0, growth=0.0, wave_spread=0.0, noise=1.0)
    r = estimate_panel(sim.panel, OUT)
    if r.ci_low < 0 < r.ci_high:
        assert "没有显著差异" in r.summary["zh"] and "not distinguishable" in r.summary["en"]
    else:  # 1 in 20: then it must be stated as a change
        assert "显著" not in r.summary["zh"]


def test_mid_month_opening_counts_opening_month_as_event_time_zero():
    sim = simulate(5, opening_day=20)
    r = estimate_panel(sim.panel, OUT)
    assert r.ok and min(row["event_time"] for row in r.event_study if row["event_time"] >= 0) == 0
    assert _covers(r, sim.true_att) or abs(r.att - sim.true_att) < 0.15


def test_unbalanced_panel_for_mean_outcomes():
    sim = simulate(11, opening_day=1)
    rng = np.random.default_rng(0)
    p = sim.panel[rng.random(len(sim.panel)) > 0.25]  # a quarter of the cells empty
    r = estimate_panel(p, "hall_wait_mean_min")
    assert r.ok
    assert abs(r.att - sim.true_att) < 4 * (r.ci_high - r.ci_low) / 3.92


def test_communities_served_before_window_are_left_out():
    sim = simulate(2, opening_day=1)
    p = sim.panel.copy()
    early = p["community_id"].isin(["C0000", "C0001", "C0002"])
    p.loc[early, "first_opened_on"] = pd.Timestamp("2021-06-01")
    r = estimate_panel(p, OUT)
    base = estimate_panel(sim.panel, OUT)
    n_early_treated = int((sim.cohort[:3] > 0).sum())
    assert r.n_treated == base.n_treated - n_early_treated


# ---------------------------------------------------------------- refusals
def _assert_refused(r, status):
    assert r.status == status and not r.ok
    assert r.att is None and r.ci_low is None and r.ci_high is None
    assert r.relative_effect is None and r.naive_before_after is None and r.event_study == []
    assert r.reason["zh"] and r.reason["en"]
    d = r.as_dict()
    assert d["att"] is None and d["event_study"] == []


def test_refuses_without_data():
    empty = simulate(0).panel.iloc[:0]
    _assert_refused(estimate_panel(empty, OUT), "no_data")


def test_refuses_too_few_months():
    sim = simulate(0, months=MIN_MONTHS - 1, waves=(3, 4))
    r = estimate_panel(sim.panel, OUT)
    _assert_refused(r, "too_few_months")
    assert str(MIN_MONTHS - 1) in r.reason["zh"]


def test_refuses_too_few_treated():
    sim = simulate(0)
    p = sim.panel.copy()
    treated_ids = p.loc[p["first_opened_on"].notna(), "community_id"].unique()
    p.loc[p["community_id"].isin(treated_ids[MIN_TREATED - 1:]), "first_opened_on"] = pd.NaT
    r = estimate_panel(p, OUT)
    _assert_refused(r, "too_few_treated")
    assert r.n_treated == MIN_TREATED - 1


def test_refuses_without_controls():
    """One wave, every community served at once: no never- or not-yet-served control."""
    sim = simulate(0, share_never=0.0, waves=(12,))
    _assert_refused(estimate_panel(sim.panel, OUT), "no_control")  # none at all: own code
    few = sim.panel.copy()
    few.loc[few["community_id"].isin(["C0000", "C0001", "C0002"]), "first_opened_on"] = pd.NaT
    r = estimate_panel(few, OUT)
    assert r.n_control == 3 < MIN_CONTROL
    _assert_refused(r, "too_few_control")


def test_unknown_outcome_is_an_error():
    with pytest.raises(ValueError, match="unknown outcome"):
        estimate_panel(simulate(0).panel, "nonsense")


def test_no_warnings_escape_and_numbers_are_finite(one):
    _, r = one  # pytest runs with warnings as errors: reaching here means none escaped
    for v in (r.att, r.se, r.ci_low, r.ci_high, r.relative_effect, r.naive_before_after):
        assert math.isfinite(v)


def test_refuses_when_no_cell_is_estimable():
    """Comparison communities exist but have no data after the only wave opens (mean
    outcome, unbalanced panel): no ATT(g, t) can be estimated, so no number."""
    sim = simulate(0, opening_day=1)
    p = sim.panel.copy()
    never = p["first_opened_on"].isna()
    p = p[~never | (p["month_on"] < pd.Timestamp("2022-03-01"))]
    p.loc[p["first_opened_on"].notna(), "first_opened_on"] = pd.Timestamp("2022-10-01")
    r = estimate_panel(p, "hall_wait_mean_min")
    _assert_refused(r, "no_estimate")
    assert r.n_treated >= MIN_TREATED and r.n_control >= MIN_CONTROL


def test_nearly_complete_mean_panel_is_balanced_by_dropping_gappy_communities():
    sim = simulate(12, opening_day=1)
    p = sim.panel.copy()
    gappy = ["C0003", "C0010", "C0020"]
    hole = p["community_id"].isin(gappy) & (p["month_on"] == p["month_on"].iloc[5])
    r = estimate_panel(p[~hole], "restoration_hours")
    assert r.ok
    assert any("3 communities" in n for n in r.notes)
    assert not any("allow_unbalanced_panel" in n for n in r.notes)  # panel route, not RC
    kept = p[~p["community_id"].isin(gappy)]
    same = estimate_panel(kept, "restoration_hours")
    assert r.att == pytest.approx(same.att) and r.ci_low == pytest.approx(same.ci_low)


def test_gappy_mean_panel_keeps_every_community_month():
    sim = simulate(13, opening_day=1)
    rng = np.random.default_rng(1)
    p = sim.panel[rng.random(len(sim.panel)) > 0.2]
    r = estimate_panel(p, "restoration_hours")
    assert r.ok and any("allow_unbalanced_panel" in n for n in r.notes)
    assert r.n_treated == int((sim.cohort > 0).sum())
