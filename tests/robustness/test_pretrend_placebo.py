"""Pre-trend Wald test and placebo in time: hand-worked cases and simulated panels
with parallel trends (should not reject) and with a diverging trend (should)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dashboard.analysis.pretrend import wald
from dashboard.analysis.robustness import assess_panel
from tests.effects._sim import simulate

SEEDS = range(10)


def test_two_coefficient_wald_by_hand():
    # independent: W = 1^2/1 + 2^2/4 = 2, chi2(2) survival = exp(-W/2)
    w = wald(np.array([1.0, 2.0]), np.diag([1.0, 4.0]))
    assert (w.wald, w.df) == (pytest.approx(2.0), 2)
    assert w.p_value == pytest.approx(math.exp(-1.0))
    # correlated: b' V^-1 b with V = [[1, .5], [.5, 1]], b = (1, 1): 2 / 1.5
    w = wald(np.array([1.0, 1.0]), np.array([[1.0, 0.5], [0.5, 1.0]]))
    assert w.wald == pytest.approx(4.0 / 3.0)
    assert w.p_value == pytest.approx(math.exp(-2.0 / 3.0))
    with pytest.raises(ValueError, match="singular"):
        wald(np.array([1.0, 1.0]), np.ones((2, 2)))
    with pytest.raises(ValueError, match="no pre-opening"):
        wald(np.array([]), np.zeros((0, 0)))


def _diverging(panel, slope: float):
    """Served communities drift by ``slope`` per month relative to the others (all
    months: parallel trends fail before opening too)."""
    p = panel.copy()
    months = (p["month_on"].dt.year * 12 + p["month_on"].dt.month).to_numpy()
    served = p["first_opened_on"].notna().to_numpy()
    p["y"] = p["y"] + slope * (months - months.min()) * served
    return p


def _run(panel):
    return assess_panel(panel, "hotline_per_1k_households", parts=("pretrend", "placebo"))


def test_parallel_trends_rarely_rejected_and_placebo_covers_zero():
    results = [_run(simulate(seed, n=200).panel) for seed in SEEDS]
    p_values = [r.pretrend["p_value"] for r in results]
    assert sum(p < 0.05 for p in p_values) <= 2, p_values
    assert np.mean(p_values) > 0.3  # roughly uniform, not piled up near 0
    covered = [r.placebo["ci_low"] <= 0 <= r.placebo["ci_high"] for r in results]
    assert sum(covered) >= 8, [r.placebo for r in results]
    assert all(r.placebo["shift_months"] == 12 for r in results)


def test_diverging_trend_is_rejected_and_placebo_finds_a_fake_effect():
    for seed in SEEDS[:3]:
        sim = simulate(seed, n=200)
        r = _run(_diverging(sim.panel, 0.3))
        assert r.pretrend["p_value"] < 1e-4
        # drift of 0.3 a month (against the never-served share of the controls) shows up as a fake effect
        assert r.placebo["ci_low"] > 0, r.placebo


def test_placebo_without_enough_early_months_says_why():
    sim = simulate(0, n=60, months=14, waves=(6, 9))
    r = _run(sim.panel)
    assert r.placebo is None and "12" in r.reasons["placebo"]["en"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_breakdown_sentence_cases(lang):
    from dashboard.analysis.robustness import _breakdown_sentence
    from dashboard.i18n import t

    base = {"n_post": 6, "original_ci": [-3.0, -1.0]}
    cases = {
        (None, None): ("rob.breakdown.rm_none", "rob.breakdown.sd_none"),
        (1.0, 0.0): ("rob.breakdown.rm", "rob.breakdown.sd_zero"),
        (2.0, 0.5): ("rob.breakdown.rm_all", "rob.breakdown.sd"),
    }
    for (mbar, m), (rm_key, sd_key) in cases.items():
        text = _breakdown_sentence({**base, "breakdown_mbar": mbar, "breakdown_m": m}, lang)
        assert t(rm_key, lang, mbar=f"{mbar:g}" if mbar else "") in text
        assert t(sd_key, lang, m="0.500") in text
    # not significant to begin with: says so instead of a breakdown
    text = _breakdown_sentence({**base, "original_ci": [-1.0, 1.0], "breakdown_mbar": None, "breakdown_m": None}, lang)
    assert text.endswith(t("rob.breakdown.not_significant", lang))
