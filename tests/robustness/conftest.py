"""Fixtures of the robustness tests: the vendored ``mpdta`` and ``ehec`` example data
(``tests/robustness/data``, see its README) as the inputs of the published figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis import cs_influence as cs

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def mpdta_gt() -> cs.GroupTime:
    """R ``did``'s ``att_gt(yname="lemp", tname="year", idname="countyreal",
    gname="first.treat", xformla=~1, data=mpdta)``: never-treated controls, varying
    base period."""
    df = pd.read_csv(DATA / "mpdta.csv")
    years = sorted(df["year"].unique())
    idx = {y: i + 1 for i, y in enumerate(years)}
    d = pd.DataFrame({"community_id": df["countyreal"], "t": df["year"].map(idx), "y": df["lemp"],
                      "g": df["first.treat"].map(lambda v: idx.get(v, 0))})
    Y, g, _ = cs.balanced_matrix(d)
    return cs.att_gt(Y, g, control_group="never_treated", base_period="varying")


def ehec_twfe() -> tuple[np.ndarray, np.ndarray]:
    """The HonestDiD README's inputs: ``fixest::feols(dins ~ i(year, D, ref = 2013) |
    stfips + year, cluster = "stfips")`` on years < 2016 without the 2015 cohort.

    Returns ``(betahat, sigma)`` for 2008-2012 and 2014-2015: OLS with state and year
    dummies, cluster-robust covariance by state with fixest's default small-sample
    factor ``(n - 1) / (n - K) * G / (G - 1)`` (state effects, nested in the clusters,
    not counted in ``K``).
    """
    df = pd.read_csv(DATA / "ehec.csv")
    d = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))]
    treated = (d["yexp2"] == 2014).to_numpy()
    years = sorted(d["year"].unique())
    event_years = [y for y in years if y != 2013]
    X = np.column_stack([(d["year"].to_numpy() == y) & treated for y in event_years]).astype(float)
    states = pd.get_dummies(d["stfips"]).to_numpy(float)
    year_fe = pd.get_dummies(d["year"]).to_numpy(float)[:, 1:]
    Z = np.column_stack([X, states, year_fe])
    y = d["dins"].to_numpy(float)
    zz_inv = np.linalg.pinv(Z.T @ Z)
    coef = zz_inv @ Z.T @ y
    resid = y - Z @ coef
    cluster = d["stfips"].to_numpy()
    meat = np.zeros((Z.shape[1], Z.shape[1]))
    for c in np.unique(cluster):
        score = Z[cluster == c].T @ resid[cluster == c]
        meat += np.outer(score, score)
    n, G, K = len(y), len(np.unique(cluster)), X.shape[1] + len(years) - 1
    V = zz_inv @ meat @ zz_inv * (n - 1) / (n - K) * G / (G - 1)
    k = X.shape[1]
    return coef[:k], V[:k, :k]


@pytest.fixture(scope="session")
def ehec() -> tuple[np.ndarray, np.ndarray]:
    return ehec_twfe()
