"""Rambachan & Roth sensitivity against the HonestDiD README example (``ehec``,
5 pre- and 2 post-periods, the first post-period), from the raw data through the TWFE
event study (vendored data, offline)."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.analysis import honestdid

RM = {0.5: (0.0240, 0.0672), 1.0: (0.0170, 0.0720), 1.5: (0.0082, 0.0797), 2.0: (-0.0009, 0.0881)}
SD = {0.0: (0.0259, 0.0607), 0.01: (0.0132, 0.0787), 0.02: (0.0029, 0.0907), 0.03: (-0.0071, 0.101)}
TOL = 0.002


def test_twfe_inputs(ehec):
    beta, sigma = ehec
    assert beta.shape == (7,) and sigma.shape == (7, 7)
    assert np.allclose(sigma, sigma.T) and np.linalg.eigvalsh(sigma).min() > 0
    # the README's event-study plot: pre-period coefficients near 0, 2014 and 2015 about +0.046 / +0.069
    assert np.abs(beta[:5]).max() < 0.015
    assert beta[5] == pytest.approx(0.0464, abs=5e-4) and beta[6] == pytest.approx(0.0692, abs=5e-4)


@pytest.mark.parametrize("mbar", sorted(RM))
def test_relative_magnitudes_match_the_readme(ehec, mbar):
    lo, hi = honestdid.relative_magnitudes_ci(*ehec, 5, 2, mbar)
    assert lo == pytest.approx(RM[mbar][0], abs=TOL)
    assert hi == pytest.approx(RM[mbar][1], abs=TOL)


@pytest.mark.parametrize("m", sorted(SD))
def test_smoothness_matches_the_readme(ehec, m):
    lo, hi = honestdid.smoothness_ci(*ehec, 5, 2, m)
    assert lo == pytest.approx(SD[m][0], abs=TOL)
    assert hi == pytest.approx(SD[m][1], abs=TOL)


def test_breakdown_values_as_in_the_readme():
    # README: significant up to Mbar = 1.5 (the Mbar = 2 interval includes 0), and M ~ 0.02
    assert honestdid.breakdown(list(RM), list(RM.values())) == 1.5
    assert honestdid.breakdown(list(SD), list(SD.values())) == 0.02
    assert honestdid.breakdown([0.5], [(-0.1, 0.2)]) is None


def test_intervals_widen_with_the_restriction_and_contain_the_original(ehec):
    orig = honestdid.original_ci(*ehec, 5, 2)
    rm = [honestdid.relative_magnitudes_ci(*ehec, 5, 2, mb, grid_points=400) for mb in (0.5, 2.0)]
    assert rm[0][0] > rm[1][0] and rm[0][1] < rm[1][1]
    # under exact parallel trends the estimate is the 2014 coefficient
    assert sum(orig) / 2 == pytest.approx(ehec[0][5])


def test_refusals(ehec):
    with pytest.raises(ValueError, match="n_pre"):
        honestdid.relative_magnitudes_ci(ehec[0][:6], ehec[1], 5, 2, 1.0)
    with pytest.raises(ValueError, match="M must"):
        honestdid.smoothness_ci(*ehec, 5, 2, -1.0)


def test_grid_widens_when_the_interval_reaches_its_end(ehec):
    beta, sigma = ehec
    r_grid = 20 * np.sqrt(sigma[5, 5])  # R's default grid: +-20 standard errors around 0
    lo, hi = honestdid.relative_magnitudes_ci(beta, sigma, 5, 2, 8.0)
    assert hi > r_grid  # clipped at the grid's end without widening
    # the same interval on a wide fixed grid with a step of 0.001
    lo_w, hi_w = honestdid.relative_magnitudes_ci(beta, sigma, 5, 2, 8.0, grid=(-1.5, 1.5), grid_points=3001)
    assert (lo, hi) == (pytest.approx(lo_w, abs=0.0015), pytest.approx(hi_w, abs=0.0015))
    # a grid that cannot hold it says so: open ends are infinite, not the grid's edge
    lo_n, hi_n = honestdid.relative_magnitudes_ci(beta, sigma, 5, 2, 8.0, grid=(-0.05, 0.05), grid_points=101)
    assert (lo_n, hi_n) == (-np.inf, np.inf)
