"""Thinning long series (dashboard.figures.downsample): a hand-worked case, gaps, and the
promises on a long series (length bound, extremes, ends, order); the Waiting page's
exposure chart sends a thinned trace when a series is long and the full one when not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.downsample import MAX_POINTS, minmax_indices, thin
from dashboard.figures.halls import exposure_figure


def test_handworked_two_slices():
    # 12 points, at most 10 -> two slices of six: [0, 6) and [6, 12)
    y = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
    # slice 1: first 0, last 5, smallest 1 (first at 1), largest 9 (at 5)
    # slice 2: first 6, last 11, smallest 2 (at 6), largest 8 (at 11)
    assert minmax_indices(y, max_points=10).tolist() == [0, 1, 5, 6, 11]


def test_handworked_gap_is_kept():
    y = [1, np.nan, np.nan, 2, 7, 0, 3, 4, 5, 6, 1, 2]
    # slice 1: first 0, first NaN 1, largest 7 (at 4), smallest 0 and last (at 5)
    # slice 2: first 6, largest 6 (at 9), smallest 1 (at 10), last 11
    assert minmax_indices(y, max_points=10).tolist() == [0, 1, 4, 5, 6, 9, 10, 11]


def test_short_series_unchanged():
    x = pd.Series(pd.date_range("2024-01-01", periods=36, freq="MS"))
    y = pd.Series(np.arange(36.0))
    tx, ty = thin(x, y)
    assert tx is x and ty is y
    assert minmax_indices(range(5), max_points=5).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="at least 5"):
        minmax_indices(range(10), max_points=4)


def test_long_series_keeps_extremes_ends_and_order():
    rng = np.random.default_rng(3)
    y = np.cumsum(rng.normal(size=10_000))
    y[4321] = y.max() + 50  # a one-day spike
    y[777] = y.min() - 50
    idx = minmax_indices(y)
    assert len(idx) <= MAX_POINTS
    assert {0, 9_999, 4321, 777} <= set(idx.tolist())
    assert (np.diff(idx) > 0).all()
    x = pd.Series(pd.date_range("1990-01-01", periods=10_000, freq="D"), index=np.arange(10_000) + 100)
    tx, ty = thin(x, pd.Series(y, index=x.index))
    assert tx.index.equals(ty.index) and list(tx.index) == [i + 100 for i in idx]
    assert ty.max() == y.max() and ty.min() == y.min()


def test_exposure_chart_thins_only_long_series():
    days = pd.date_range("2000-01-01", periods=5000, freq="D")
    share = np.linspace(0, 1, 5000)
    share[2500] = 1.5  # a peak the thinned trace must keep
    long = pd.DataFrame({"hall_id": "A", "month_on": days, "share": share})
    months = pd.DataFrame({"hall_id": "B", "month_on": pd.date_range("2022-01-01", periods=36, freq="MS"),
                           "share": np.linspace(0, 0.5, 36)})
    fig = exposure_figure(pd.concat([long, months]), {"A": "甲厅", "B": "乙厅"}, "zh")
    a, b = fig.data
    assert len(a.x) <= MAX_POINTS and max(a.y) == 1.5 and len(a.x) == len(a.y)
    assert len(b.x) == 36
