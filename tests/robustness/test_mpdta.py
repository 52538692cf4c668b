"""The influence-function Callaway–Sant'Anna estimator against R ``did``'s published
``mpdta`` figures (vendored data, offline)."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.analysis import cs_influence as cs
from dashboard.analysis.pretrend import pretrend_event_study, pretrend_gt

# did README (est_method = "reg"; identical without covariates): Group, Time, ATT(g,t)
# with the years as periods 1..5 (2003 = 1)
PUBLISHED_GT = {
    (2, 2): -0.0105, (2, 3): -0.0704, (2, 4): -0.1373, (2, 5): -0.1008,
    (4, 2): 0.0065, (4, 3): -0.0028, (4, 4): -0.0046, (4, 5): -0.0412,
    (5, 2): 0.0305, (5, 3): -0.0027, (5, 4): -0.0311, (5, 5): -0.0261,
}


def test_group_time_effects_match_the_published_table(mpdta_gt):
    got = {(int(g), int(t)): a for g, t, a in zip(mpdta_gt.groups, mpdta_gt.times, mpdta_gt.att)}
    assert set(got) == set(PUBLISHED_GT)
    for cell, att in PUBLISHED_GT.items():
        assert got[cell] == pytest.approx(att, abs=5e-5), cell


def test_wald_pretest_is_dids_0_16812(mpdta_gt):
    w = pretrend_gt(mpdta_gt)
    assert w.df == 5
    assert w.p_value == pytest.approx(0.16812, abs=5e-6)


def test_simple_and_group_aggregations(mpdta_gt):
    simple = cs.aggregate_simple(mpdta_gt)
    assert simple.att[0] == pytest.approx(-0.0400, abs=5e-5)
    # published SE 0.0119 is R's multiplier bootstrap; the analytic one is 0.0120
    assert simple.se[0] == pytest.approx(0.012, abs=3e-4)
    by_group, overall = cs.aggregate_group(mpdta_gt)
    assert overall.att[0] == pytest.approx(-0.0310, abs=5e-5)
    assert by_group.att == pytest.approx([-0.0797, -0.0229, -0.0261], abs=5e-5)


def test_event_study_and_its_covariance(mpdta_gt):
    es = cs.event_study(mpdta_gt)
    assert list(es.labels) == [-3, -2, -1, 0, 1, 2, 3]
    # did README (dynamic): estimates
    assert es.att == pytest.approx([0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008], abs=5e-5)
    # analytic SEs as diff-diff 3.13's CallawaySantAnna reports them on the same data
    assert es.se == pytest.approx([0.01503, 0.01329, 0.01424, 0.01183, 0.01689, 0.03644, 0.03436], abs=1e-5)
    # the covariance's diagonal is the squared SEs, and it is symmetric positive definite
    assert np.sqrt(np.diag(es.vcov)) == pytest.approx(es.se)
    assert np.linalg.eigvalsh(es.vcov).min() > 0
    w = pretrend_event_study(es)
    assert w.df == 3 and 0 < w.p_value < 1
