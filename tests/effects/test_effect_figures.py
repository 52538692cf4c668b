"""Figure builders of the effect block, tested on fig.data / fig.layout."""

from __future__ import annotations

import numpy as np
import pytest

from ._sim import simulate
from dashboard.analysis.effects import EffectResult, estimate_panel
from dashboard.figures.effects import counterfactual_figure, event_study_figure, naive_vs_did_figure
from dashboard.i18n import t


@pytest.fixture(scope="module")
def res() -> EffectResult:
    return estimate_panel(simulate(1, opening_day=1).panel, "hotline_per_1k_households")


def test_event_study_band_and_pre_post_split(res):
    fig = event_study_figure(res, "zh", window=(-6, 10))
    upper, band, pre, post = fig.data
    rows = {r["event_time"]: r for r in res.event_study}
    assert list(band.x) == list(range(-6, 11)) and band.fill == "tonexty"
    assert list(upper.y) == [rows[e]["ci_high"] for e in range(-6, 11)]
    assert list(band.y) == [rows[e]["ci_low"] for e in range(-6, 11)]
    assert list(pre.x) == list(range(-6, 0)) and list(post.x) == list(range(0, 11))
    assert list(post.y) == [rows[e]["att"] for e in range(0, 11)]
    assert pre.name == t("eff.fig.event.pre", "zh") and post.name == t("eff.fig.event.post", "zh")
    assert fig.layout.title.text == t("eff.fig.event.title", "zh")
    assert "95%" in pre.hovertext[0]


def test_event_study_english_and_full_window(res):
    fig = event_study_figure(res, "en", window=None)
    assert fig.layout.xaxis.title.text == "Months since the room opened"
    assert len(fig.data[-1].x) + len(fig.data[-2].x) == len(res.event_study)


def test_counterfactual_lines(res):
    fig = counterfactual_figure(res, "en")
    obs, cf = fig.data
    assert obs.name == "Observed" and cf.line.dash == "dash"
    np.testing.assert_allclose(np.array(obs.y, dtype=float), res.counterfactual["observed"].to_numpy())
    np.testing.assert_allclose(np.array(cf.y, dtype=float), res.counterfactual["counterfactual"].to_numpy())
    assert len(obs.x) == res.n_months


def test_naive_vs_did_bars(res):
    fig = naive_vs_did_figure(res, "zh")
    (bar,) = fig.data
    assert list(bar.x) == [t("eff.fig.cmp.naive", "zh"), t("eff.fig.cmp.did", "zh")]
    assert list(bar.y) == pytest.approx([res.naive_before_after, res.att])
    assert bar.error_y.array[1] == pytest.approx(res.ci_high - res.att)
    assert bar.error_y.arrayminus[1] == pytest.approx(res.att - res.ci_low)


def test_refused_result_draws_no_traces():
    r = EffectResult(outcome="restoration_hours", status="no_data")
    for build in (event_study_figure, counterfactual_figure, naive_vs_did_figure):
        fig = build(r, "zh")
        assert len(fig.data) == 0 and fig.layout.title.text
