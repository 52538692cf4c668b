"""Callaway & Sant'Anna group-time effects with their influence functions (no covariates).

The robustness checks need the joint covariance of the event-study coefficients (a
joint pre-trend test, the Rambachan & Roth sensitivity analysis). ``diff-diff`` 3.13
does not expose it (``event_study_vcov`` and ``influence_functions`` are ``None`` on a
fit), so this module computes the estimator itself for the unconditional case, where
it is short: without covariates the doubly robust, regression and IPW estimators of
Callaway & Sant'Anna (2021) all reduce to a difference of mean changes,

``ATT(g, t) = mean(Y_t - Y_b | G = g) - mean(Y_t - Y_b | control)``

with influence function (scaled to the full sample of ``n`` units, as R ``did`` does)

``psi_i = n/n_g 1{G_i = g} (dY_i - m_g) - n/n_c 1{i control} (dY_i - m_c)``.

Base period ``b``: ``t - 1`` before the opening ("varying", R ``did``'s default) or
``g - 1`` throughout ("universal", what HonestDiD needs); after the opening it is
always ``g - 1``. Controls: never-treated units, or also units not yet treated at the
later of ``t`` and ``b`` (R ``did``'s ``notyettreated``). Aggregations (simple,
group, event study) follow R ``did``'s ``aggte``, including the influence function of
the estimated group shares (``wif``), so standard errors are
``sqrt(mean(psi^2) / n)`` as there. Checked against R ``did``'s published ``mpdta``
figures (``tests/robustness``).

Assumes a balanced panel: an ``(n_units, n_periods)`` outcome matrix without NaN.

Strata (the within-kind comparisons of :mod:`dashboard.analysis.effects`): each
stratum's aggregate is computed on its own units; :func:`combine` averages them per
label with weights = the treated units of the label's cells (:func:`cell_mass`) and
stacks their influence functions on the union of the units, so the combined covariance
is exact: block-diagonal when the strata are disjoint, with the cross terms of shared
units otherwise.

Public API: :func:`att_gt`, :class:`GroupTime`, :class:`Aggregate`,
:func:`aggregate_simple`, :func:`aggregate_group`, :func:`event_study`,
:func:`balanced_matrix`, :func:`cell_mass`, :func:`combine`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Aggregate",
    "GroupTime",
    "aggregate_group",
    "aggregate_simple",
    "att_gt",
    "balanced_matrix",
    "cell_mass",
    "combine",
    "event_study",
]


@dataclass
class GroupTime:
    """Group-time effects ATT(g, t) and their influence functions.

    Attributes
    ----------
    groups, times
        Cohort (first treated period) and period of each cell, ``(k,)``.
    att
        ATT(g, t) per cell, ``(k,)``.
    inf
        Influence functions, ``(n, k)``: unit ``i``'s contribution to each cell.
    cohort
        Each unit's cohort, ``(n,)`` (0 = never treated).
    """

    groups: np.ndarray
    times: np.ndarray
    att: np.ndarray
    inf: np.ndarray
    cohort: np.ndarray

    @property
    def n(self) -> int:
        return int(self.cohort.size)

    @property
    def pg(self) -> np.ndarray:
        """Share of all units in each cell's cohort."""
        return np.array([np.mean(self.cohort == g) for g in self.groups], dtype=float)

    @property
    def pre(self) -> np.ndarray:
        """Mask of the pre-treatment cells (``t < g``)."""
        return self.times < self.groups

    def vcov(self, cells: np.ndarray | None = None) -> np.ndarray:
        """Covariance of the cells' estimates, ``psi' psi / n^2``."""
        inf = self.inf if cells is None else self.inf[:, cells]
        return inf.T @ inf / self.n**2


@dataclass
class Aggregate:
    """An aggregated parameter (or a vector of them) with influence functions.

    Attributes
    ----------
    att
        Estimates, ``(m,)``.
    inf
        Influence functions, ``(n, m)``.
    labels
        What each estimate is (event time, or cohort), ``(m,)``.
    """

    att: np.ndarray
    inf: np.ndarray
    labels: np.ndarray

    @property
    def se(self) -> np.ndarray:
        n = self.inf.shape[0]
        return np.sqrt(np.mean(self.inf**2, axis=0) / n)

    @property
    def vcov(self) -> np.ndarray:
        n = self.inf.shape[0]
        return self.inf.T @ self.inf / n**2


def balanced_matrix(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcome matrix of a balanced panel.

    Parameters
    ----------
    data
        Columns ``community_id``, ``t`` (1, 2, ...), ``g`` (cohort, 0 = never) and
        ``y``; every unit observed in every period.

    Returns
    -------
    (Y, g, units)
        ``Y`` is ``(n, T)`` with column ``j`` = period ``j + 1``; ``g`` the cohorts;
        ``units`` the ids in row order.

    Raises
    ------
    ValueError
        If a unit lacks a period.
    """
    wide = data.pivot_table(index="community_id", columns="t", values="y", aggfunc="mean")
    wide = wide.reindex(columns=range(1, int(data["t"].max()) + 1))
    if wide.isna().to_numpy().any():
        raise ValueError("panel is not balanced: some communities lack months")
    g = data.drop_duplicates("community_id").set_index("community_id")["g"].reindex(wide.index)
    return wide.to_numpy(dtype=float), g.to_numpy(dtype=np.int64), wide.index.to_numpy()


def _cell(dy: np.ndarray, treated: np.ndarray, control: np.ndarray) -> tuple[float, np.ndarray] | None:
    n_t, n_c = int(treated.sum()), int(control.sum())
    if n_t == 0 or n_c == 0:
        return None
    n = dy.size
    m_t, m_c = dy[treated].mean(), dy[control].mean()
    inf = np.zeros(n)
    inf[treated] = n / n_t * (dy[treated] - m_t)
    inf[control] = -n / n_c * (dy[control] - m_c)
    return float(m_t - m_c), inf


def att_gt(
    Y: np.ndarray,
    g: np.ndarray,
    *,
    control_group: str = "not_yet_treated",
    base_period: str = "varying",
    control_cohort: np.ndarray | None = None,
    last_period: dict[int, int] | None = None,
) -> GroupTime:
    """Group-time effects ATT(g, t) with influence functions.

    Parameters
    ----------
    Y
        ``(n, T)`` outcomes; column ``j`` is period ``j + 1``.
    g
        Cohort of each unit (first treated period, 1-based; 0 = never treated).
        Units with ``g == 1`` have no pre-period and must be left out beforehand.
    control_group
        ``"never_treated"`` or ``"not_yet_treated"``.
    base_period
        ``"varying"`` or ``"universal"``.
    control_cohort
        The cohorts that decide who may serve as a control (default ``g``). The
        placebo in time shifts ``g`` but keeps the real openings here, so that only
        communities really unserved at ``t`` are controls.
    last_period
        Per cohort, the last period whose cells are estimated (default ``T``).

    Returns
    -------
    GroupTime
    """
    if control_group not in ("never_treated", "not_yet_treated"):
        raise ValueError(f"control_group must be never_treated or not_yet_treated, not {control_group!r}")
    if base_period not in ("varying", "universal"):
        raise ValueError(f"base_period must be varying or universal, not {base_period!r}")
    Y = np.asarray(Y, dtype=float)
    g = np.asarray(g, dtype=np.int64)
    real = g if control_cohort is None else np.asarray(control_cohort, dtype=np.int64)
    T = Y.shape[1]
    groups, times, atts, infs = [], [], [], []
    for cohort in sorted(int(c) for c in np.unique(g[g > 0])):
        if cohort < 2:
            raise ValueError("a cohort treated in the first period has no pre-period")
        treated = g == cohort
        stop = min(T, (last_period or {}).get(cohort, T))
        for t in range(2 if base_period == "varying" else 1, stop + 1):
            post = t >= cohort
            base = cohort - 1 if (post or base_period == "universal") else t - 1
            if base == t:  # universal reference period: normalised to 0
                continue
            if control_group == "never_treated":
                control = real == 0
            else:
                control = (real == 0) | ((real > max(t, base)) & (real != cohort))
            control = control & ~treated
            res = _cell(Y[:, t - 1] - Y[:, base - 1], treated, control)
            if res is None:
                continue
            groups.append(cohort)
            times.append(t)
            atts.append(res[0])
            infs.append(res[1])
    n = Y.shape[0]
    return GroupTime(
        groups=np.array(groups, dtype=np.int64),
        times=np.array(times, dtype=np.int64),
        att=np.array(atts, dtype=float),
        inf=np.column_stack(infs) if infs else np.zeros((n, 0)),
        cohort=g,
    )


def _wif(cohort: np.ndarray, groups: np.ndarray, pg: np.ndarray) -> np.ndarray:
    """Influence function of the estimated weights ``pg / sum(pg)`` (R ``did``'s
    ``wif``), ``(n, k)``."""
    ind = (cohort[:, None] == groups[None, :]).astype(float) - pg[None, :]
    s = pg.sum()
    return ind / s - ind.sum(axis=1, keepdims=True) * (pg / s**2)[None, :]


def _weighted(att: np.ndarray, inf: np.ndarray, groups: np.ndarray, pg: np.ndarray,
              cohort: np.ndarray) -> tuple[float, np.ndarray]:
    w = pg / pg.sum()
    return float(w @ att), inf @ w + _wif(cohort, groups, pg) @ att


def aggregate_simple(gt: GroupTime) -> Aggregate:
    """Overall ATT: post cells weighted by cohort size (R ``aggte(type="simple")``)."""
    keep = ~gt.pre
    att, inf = _weighted(gt.att[keep], gt.inf[:, keep], gt.groups[keep], gt.pg[keep], gt.cohort)
    return Aggregate(np.array([att]), inf[:, None], np.array(["simple"]))


def aggregate_group(gt: GroupTime) -> tuple[Aggregate, Aggregate]:
    """Per-cohort effects (mean of a cohort's post cells) and their cohort-size weighted
    average (R ``aggte(type="group")``: ``overall.att``).

    Returns
    -------
    (by_group, overall)
    """
    post = ~gt.pre
    cohorts = np.unique(gt.groups[post])
    atts, infs = [], []
    for c in cohorts:
        cells = post & (gt.groups == c)
        atts.append(gt.att[cells].mean())
        infs.append(gt.inf[:, cells].mean(axis=1))
    by_group = Aggregate(np.array(atts), np.column_stack(infs), cohorts)
    pgg = np.array([np.mean(gt.cohort == c) for c in cohorts])
    att, inf = _weighted(by_group.att, by_group.inf, cohorts, pgg, gt.cohort)
    return by_group, Aggregate(np.array([att]), inf[:, None], np.array(["group"]))


def event_study(gt: GroupTime, min_e: int | None = None, max_e: int | None = None) -> Aggregate:
    """Effects by event time ``e = t - g`` (R ``aggte(type="dynamic")``), optionally
    only ``min_e <= e <= max_e``."""
    e = gt.times - gt.groups
    events = np.unique(e)
    if min_e is not None:
        events = events[events >= min_e]
    if max_e is not None:
        events = events[events <= max_e]
    pg = gt.pg
    atts, infs = [], []
    for ev in events:
        cells = e == ev
        a, i = _weighted(gt.att[cells], gt.inf[:, cells], gt.groups[cells], pg[cells], gt.cohort)
        atts.append(a)
        infs.append(i)
    n = gt.n
    return Aggregate(np.array(atts, dtype=float),
                     np.column_stack(infs) if infs else np.zeros((n, 0)), events.astype(np.int64))


def cell_mass(gt: GroupTime, labels: np.ndarray) -> np.ndarray:
    """Treated units summed over the cells behind each label of an aggregate of ``gt``:
    event times ``e = t - g`` (:func:`event_study`), or ``"simple"`` (every post cell,
    :func:`aggregate_simple`). These are the aggregations' own weights, in units."""
    n_g = gt.pg * gt.n
    e = gt.times - gt.groups
    out = []
    for label in labels:
        cells = ~gt.pre if isinstance(label, str) else e == int(label)
        out.append(float(n_g[cells].sum()))
    return np.array(out, dtype=float)


def combine(parts: list[tuple[Aggregate, np.ndarray, np.ndarray]], n: int) -> Aggregate:
    """Combine aggregates of strata into one.

    Parameters
    ----------
    parts
        Per stratum ``(aggregate, mass, rows)``: its :class:`Aggregate` (influence
        functions over its own units), each label's weight (:func:`cell_mass`) and the
        positions of its units among the ``n`` units of the union.
    n
        Units in the union of the strata.

    Returns
    -------
    Aggregate
        Per label (union of the strata's labels, sorted), the mass-weighted average of
        the strata that have it, with influence functions
        ``psi_i = sum_k w_k (n / n_k) psi_ki`` on the union's units, so that
        ``se = sqrt(sum_k w_k^2 se_k^2)`` for disjoint strata (weights taken as fixed).
    """
    labels = np.unique(np.concatenate([a.labels for a, _, _ in parts]))
    total = np.zeros(labels.size)
    for a, mass, _ in parts:
        np.add.at(total, np.searchsorted(labels, a.labels), mass)
    att = np.zeros(labels.size)
    inf = np.zeros((n, labels.size))
    for a, mass, rows in parts:
        idx = np.searchsorted(labels, a.labels)
        share = np.divide(mass, total[idx], out=np.zeros_like(mass), where=total[idx] > 0)
        att[idx] += share * a.att
        inf[np.ix_(rows, idx)] += (n / a.inf.shape[0]) * a.inf * share[None, :]
    return Aggregate(att, inf, labels)
