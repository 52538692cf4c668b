"""Site-selection solvers beyond plain maximum coverage: mean walk (p-median) and capacity.

Both work on candidate → demand pairs within a walk (``site``, ``col``, ``dist`` arrays,
as :func:`dashboard.coverage.routing.reach` returns them) and have the same two parts as
the maximum-coverage planner: a greedy pick, and an exact mixed-integer program (HiGHS
through ``scipy.optimize.milp``) whose bound gives greedy's optimality gap.

* :func:`greedy_median` / :func:`exact_median` — minimise the households' mean walk to
  the nearest room (p-median). Each demand point ``j`` starts at its current walk
  ``cur_j`` (to the nearest open room, capped at the search distance); a new site ``i``
  saves ``w_j * max(0, cur_j - d_ij)``. Maximising the savings of ``k`` sites is the
  p-median problem with the existing rooms fixed open.
* :func:`greedy_capacity` / :func:`exact_capacity` — maximum coverage when each new
  room serves at most ``capacity`` households (managers × households per manager). A
  demand point may be split between rooms (a building's households), so the exact model
  is ``max Σ w_j y_ij`` s.t. ``Σ_i y_ij <= 1``, ``Σ_j w_j y_ij <= capacity x_i``,
  ``y_ij <= x_i``, ``Σ x_i <= k``; greedy fills each picked room with its nearest
  uncovered households first.

The exact programs have a variable per pair, so callers run them only on small
instances (:data:`EXACT_MAX_PAIRS`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["EXACT_MAX_PAIRS", "exact_capacity", "exact_median", "greedy_capacity", "greedy_median", "greedy_picks"]

EXACT_MAX_PAIRS = 60_000
"""Largest number of candidate → demand pairs the exact programs are given."""


def greedy_picks(gains: Callable[[], np.ndarray], take: Callable[[int], None], k: int
                 ) -> tuple[list[int], list[float]]:
    """The greedy loop every planner objective shares: ``k`` times, pick the site of the
    largest gain (``gains()`` after the earlier picks; ties to the lowest index), stop when
    no site gains anything, and let ``take(site)`` update the state the gains read.

    Returns
    -------
    chosen, gains
        Picked sites in order and the gain of each when picked.
    """
    chosen: list[int] = []
    got: list[float] = []
    for _ in range(int(k)):
        gain = np.asarray(gains(), float).copy()
        if len(gain) == 0:
            break
        gain[chosen] = -1.0
        i = int(np.argmax(gain))
        if gain[i] <= 0:
            break
        chosen.append(i)
        got.append(float(gain[i]))
        take(i)
    return chosen, got


def _savings(site: np.ndarray, col: np.ndarray, dist: np.ndarray, w: np.ndarray, cur: np.ndarray) -> np.ndarray:
    return w[col] * np.maximum(0.0, cur[col] - dist)


def greedy_median(site: np.ndarray, col: np.ndarray, dist: np.ndarray, w: np.ndarray, cur: np.ndarray,
                  n_sites: int, k: int) -> tuple[list[int], list[float]]:
    """Greedy p-median with the current walks ``cur``: pick the site saving the most
    weighted metres, ``k`` times (stops when no site saves anything; ties to the lowest
    index).

    Returns
    -------
    chosen, savings
        Picked sites in order and the weighted metres each one saved.
    """
    cur = np.asarray(cur, float).copy()

    def take(i: int) -> None:
        mine = site == i
        np.minimum.at(cur, col[mine], dist[mine])

    return greedy_picks(lambda: np.bincount(site, weights=_savings(site, col, dist, w, cur), minlength=n_sites),
                        take, k)


def exact_median(site: np.ndarray, col: np.ndarray, dist: np.ndarray, w: np.ndarray, cur: np.ndarray,
                 n_sites: int, k: int, time_limit_s: float = 20.0) -> tuple[list[int], float, float, bool]:
    """Exact p-median savings by MILP.

    Returns
    -------
    chosen, value, bound, optimal
        Best sites, their saved weighted metres, an upper bound on the optimum, and
        whether optimality was proven.
    """
    s = _savings(site, col, dist, w, np.asarray(cur, float))
    keep = s > 0
    site, col, s = site[keep], col[keep], s[keep]
    n_p = len(s)
    if n_p == 0 or k <= 0:
        return [], 0.0, 0.0, True
    # variables: x (n_sites, binary), z (n_p, continuous)
    c = np.concatenate([np.zeros(n_sites), -s])
    return _solve(c, _assignment(site, col, n_sites, k), n_sites, n_p, time_limit_s)


def greedy_capacity(site: np.ndarray, col: np.ndarray, dist: np.ndarray, w: np.ndarray, capacity: float,
                    n_sites: int, k: int) -> tuple[list[int], list[float]]:
    """Greedy maximum coverage with a capacity per new room: each pick takes the site
    that can serve the most still-uncovered weight (at most ``capacity``) and serves
    its nearest uncovered households first, splitting a demand point if it must.

    Returns
    -------
    chosen, served
        Picked sites in order and the weight each one serves.
    """
    left = np.asarray(w, float).copy()
    order = np.lexsort((dist, site))
    site, col = site[order], col[order]

    def take(i: int) -> None:
        room = capacity
        for j in col[site == i]:  # nearest first
            served = min(left[j], room)
            left[j] -= served
            room -= served
            if room <= 0:
                break

    return greedy_picks(lambda: np.minimum(np.bincount(site, weights=left[col], minlength=n_sites), capacity),
                        take, k)


def exact_capacity(site: np.ndarray, col: np.ndarray, w: np.ndarray, capacity: float, n_sites: int, k: int,
                   time_limit_s: float = 20.0) -> tuple[list[int], float, float, bool]:
    """Exact capacitated maximum coverage by MILP (see the module docstring).

    Returns
    -------
    chosen, value, bound, optimal
        As :func:`exact_median`, the value being the weight served.
    """
    w = np.asarray(w, float)
    keep = w[col] > 0
    site, col = site[keep], col[keep]
    n_p = len(site)
    if n_p == 0 or k <= 0:
        return [], 0.0, 0.0, True
    wp = w[col]
    c = np.concatenate([np.zeros(n_sites), -wp])
    cap = sparse.hstack([sparse.csr_matrix((-capacity * np.ones(n_sites), (np.arange(n_sites), np.arange(n_sites))),
                                           shape=(n_sites, n_sites)),
                         sparse.csr_matrix((wp, (site, np.arange(n_p))), shape=(n_sites, n_p))],
                        format="csr")  # sum_j w_j y_ij - capacity x_i <= 0
    return _solve(c, [*_assignment(site, col, n_sites, k), LinearConstraint(cap, -np.inf, 0.0)],
                  n_sites, n_p, time_limit_s)


def _assignment(site: np.ndarray, col: np.ndarray, n_sites: int, k: int) -> list[LinearConstraint]:
    """The constraints both programs share, over ``x`` (one per site, binary) then one
    continuous variable per pair: a pair only through its open site (``z_p <= x_i``),
    each demand point at most once (``sum_i z_ij <= 1``), at most ``k`` sites."""
    n_p = len(site)
    _, col_idx = np.unique(col, return_inverse=True)
    n_cols = int(col_idx.max(initial=-1)) + 1
    link = sparse.hstack([sparse.csr_matrix((-np.ones(n_p), (np.arange(n_p), site)), shape=(n_p, n_sites)),
                          sparse.identity(n_p, format="csr")], format="csr")
    once = sparse.hstack([sparse.csr_matrix((n_cols, n_sites)),
                          sparse.csr_matrix((np.ones(n_p), (col_idx, np.arange(n_p))), shape=(n_cols, n_p))],
                         format="csr")
    budget = sparse.csr_matrix(np.concatenate([np.ones(n_sites), np.zeros(n_p)])[None, :])
    return [LinearConstraint(link, -np.inf, 0.0), LinearConstraint(once, -np.inf, 1.0),
            LinearConstraint(budget, 0.0, float(min(k, n_sites)))]


def _solve(c: np.ndarray, cons: list[LinearConstraint], n_sites: int, n_p: int, time_limit_s: float
           ) -> tuple[list[int], float, float, bool]:
    integrality = np.concatenate([np.ones(n_sites), np.zeros(n_p)])
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(0.0, 1.0),
               options={"time_limit": float(time_limit_s), "disp": False})
    if res.x is None:
        return [], 0.0, float(-c.sum()), False
    chosen = [int(i) for i in np.flatnonzero(res.x[:n_sites] > 0.5)]
    value = float(-res.fun)
    optimal = res.status == 0
    bound = value if optimal else float(-getattr(res, "mip_dual_bound", c.sum()))
    return chosen, value, max(bound, value), optimal
