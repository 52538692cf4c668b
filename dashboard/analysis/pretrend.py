"""Joint Wald pre-trend test of pre-opening effect estimates.

Under parallel trends every pre-opening estimate (a "pseudo effect" before the room
opened) is zero. The joint test uses the estimates' covariance from the influence
functions (:mod:`dashboard.analysis.cs_influence`):
``W = b' V^-1 b``, chi-squared with ``len(b)`` degrees of freedom.

:func:`pretrend_gt` is R ``did``'s pre-test (over the pre-treatment group-time cells,
the ``P-value for pre-test of parallel trends assumption`` of ``summary(att_gt(...))``);
:func:`pretrend_event_study` tests the event-study coefficients ``e < 0`` (fewer
restrictions, one per month before opening), which the product reports.

Public API: :class:`WaldTest`, :func:`wald`, :func:`pretrend_gt`,
:func:`pretrend_event_study`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from dashboard.analysis.cs_influence import Aggregate, GroupTime

__all__ = ["WaldTest", "pretrend_event_study", "pretrend_gt", "wald"]


@dataclass(frozen=True)
class WaldTest:
    """``wald`` statistic, ``df`` restrictions and ``p_value``."""

    wald: float
    df: int
    p_value: float

    def as_dict(self) -> dict[str, float | int]:
        return {"wald": self.wald, "df": self.df, "p_value": self.p_value}


def wald(b: np.ndarray, V: np.ndarray) -> WaldTest:
    """Joint test of ``b = 0`` given its covariance ``V``.

    Raises
    ------
    ValueError
        If there is nothing to test or ``V`` is singular.
    """
    b = np.asarray(b, dtype=float).ravel()
    V = np.asarray(V, dtype=float).reshape(b.size, b.size)
    if b.size == 0:
        raise ValueError("no pre-opening estimate to test")
    if np.linalg.cond(V) > 1e12:
        raise ValueError("covariance of the pre-opening estimates is singular")
    w = float(b @ np.linalg.solve(V, b))
    return WaldTest(wald=w, df=int(b.size), p_value=float(stats.chi2.sf(w, b.size)))


def pretrend_gt(gt: GroupTime) -> WaldTest:
    """R ``did``'s Wald pre-test over all pre-treatment cells ``ATT(g, t), t < g``."""
    pre = np.flatnonzero(gt.pre)
    return wald(gt.att[pre], gt.vcov(pre))


def pretrend_event_study(es: Aggregate) -> WaldTest:
    """Joint test of the event-study coefficients before opening (``e < 0``)."""
    pre = np.flatnonzero(es.labels < 0)
    return wald(es.att[pre], es.vcov[np.ix_(pre, pre)])
