"""The influence-function estimator against an independent implementation: diff-diff
3.13's ``CallawaySantAnna`` (the main estimate's) on a simulated staggered panel with
not-yet-served controls, both base periods: same event-study estimates and standard
errors, same overall effect."""

from __future__ import annotations

import warnings

import pytest
from diff_diff import CallawaySantAnna

from dashboard.analysis import cs_influence as cs
from dashboard.analysis import effects
from tests.effects._sim import simulate


@pytest.mark.parametrize("base", ["varying", "universal"])
def test_event_study_matches_diff_diff(base):
    sim = simulate(3, n=120, months=20, waves=(6, 9, 12, 15))
    data, _ = effects._prepare(sim.panel)
    Y, g, _ = cs.balanced_matrix(data)
    gt = cs.att_gt(Y, g, control_group="not_yet_treated", base_period=base)
    es = cs.event_study(gt)
    est = CallawaySantAnna(control_group="not_yet_treated", estimation_method="dr", n_bootstrap=0,
                           base_period=base)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = est.fit(data, outcome="y", unit="community_id", time="t", first_treat="g")
    ref = fit.aggregate("event_study")
    theirs = {int(e): (a, s) for e, a, s in zip(ref.event_time, ref.att, ref.se)}
    if base == "universal":  # the reference month e = -1 is 0 by construction, not an estimate
        assert theirs.pop(-1)[0] == 0
    assert sorted(theirs) == [int(e) for e in es.labels]
    for e, a, s in zip(es.labels, es.att, es.se):
        assert a == pytest.approx(theirs[int(e)][0], abs=1e-10)
        assert s == pytest.approx(theirs[int(e)][1], rel=1e-8)
    simple = cs.aggregate_simple(gt)
    ref_simple = fit.aggregate("simple")
    assert simple.att[0] == pytest.approx(ref_simple.att[0], abs=1e-10)
    assert simple.se[0] == pytest.approx(ref_simple.se[0], rel=1e-8)
