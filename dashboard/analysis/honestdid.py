"""Sensitivity to violations of parallel trends (Rambachan & Roth 2023, "HonestDiD").

Given event-study estimates ``betahat`` (``n_pre`` coefficients before opening, the
reference period left out, then ``n_post`` after) and their covariance ``sigma``, the
parameter ``theta = l' tau_post`` (default: the first post-opening period) is bounded
under two kinds of restriction on the post-opening violation ``delta`` of parallel
trends:

* **relative magnitudes** ``Delta^RM(Mbar)``: no post-opening period-to-period change
  of the violation exceeds ``Mbar`` times the largest pre-opening one. Intervals are
  the conditional-least-favourable hybrid of Andrews, Roth & Pakes (ARP), inverted over
  a grid of ``theta`` (R ``HonestDiD``'s ``createSensitivityResults_relativeMagnitudes``,
  method ``"C-LF"``): the union over the period ``s`` of the largest pre-opening change
  and its sign of the ARP tests' acceptance sets, using only the moments that involve
  post-opening periods.
* **smoothness** ``Delta^SD(M)``: the slope of the violation changes by at most ``M``
  per period; intervals are optimal fixed-length confidence intervals (FLCI,
  Armstrong & Kolesár), R's ``createSensitivityResults`` default.

The ARP test here solves its linear programs through their duals: the dual feasible
set ``{lambda >= 0, sd' lambda = 1, X' lambda = 0}`` is small, so its vertices are
enumerated once per restriction and the test statistic is ``max_v v' y``; the
conditioning event (the optimal vertex stays optimal) then has a closed form, which
replaces R's bisection. The least favourable critical value is simulated with a fixed
seed (R uses 1,000 draws of its own generator; more draws here, so the figures agree
to the grid's resolution, not to the last digit). ``diff-diff`` 3.13's ``Delta^RM``
intervals widen the identified set by ``z * se`` instead and do not match R, so neither
restriction uses it. Both are checked against the HonestDiD README example
(``tests/robustness``).

Public API: :func:`relative_magnitudes_ci`, :func:`smoothness_ci`,
:func:`original_ci`, :func:`breakdown`.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import optimize, stats

__all__ = ["breakdown", "original_ci", "relative_magnitudes_ci", "smoothness_ci"]

_TOL = 1e-9


def _l_vec(l_vec: np.ndarray | None, n_post: int) -> np.ndarray:
    if l_vec is None:
        l_vec = np.eye(n_post)[0]
    l_vec = np.asarray(l_vec, dtype=float).ravel()
    if l_vec.size != n_post:
        raise ValueError(f"l_vec has {l_vec.size} entries, expected {n_post}")
    return l_vec


def _check(betahat: np.ndarray, sigma: np.ndarray, n_pre: int, n_post: int) -> tuple[np.ndarray, np.ndarray]:
    betahat = np.asarray(betahat, dtype=float).ravel()
    sigma = np.asarray(sigma, dtype=float)
    if n_pre < 1 or n_post < 1 or betahat.size != n_pre + n_post or sigma.shape != (betahat.size,) * 2:
        raise ValueError("betahat must have n_pre + n_post entries and sigma be square of that size")
    return betahat, sigma


def original_ci(betahat: np.ndarray, sigma: np.ndarray, n_pre: int, n_post: int,
                l_vec: np.ndarray | None = None, alpha: float = 0.05) -> tuple[float, float]:
    """The usual interval for ``theta`` under exact parallel trends."""
    betahat, sigma = _check(betahat, sigma, n_pre, n_post)
    lv = _l_vec(l_vec, n_post)
    est = float(lv @ betahat[n_pre:])
    se = float(np.sqrt(lv @ sigma[n_pre:, n_pre:] @ lv))
    z = stats.norm.ppf(1 - alpha / 2)
    return est - z * se, est + z * se


# ---------------------------------------------------------------- relative magnitudes
def _rm_matrix(n_pre: int, n_post: int, mbar: float, s: int, max_positive: bool) -> np.ndarray:
    """Rows ``A`` of ``A delta <= 0`` for ``Delta^RM_{s,+/-}(Mbar)`` (columns: pre
    periods then post periods, the reference period dropped), as R's
    ``.create_A_RM``."""
    n = n_pre + n_post
    atilde = np.zeros((n, n + 1))
    for r in range(n):
        atilde[r, r:r + 2] = (-1.0, 1.0)
    vmax = np.zeros(n + 1)
    vmax[n_pre + s - 1:n_pre + s + 1] = (-1.0, 1.0)
    if not max_positive:
        vmax = -vmax
    ub = np.vstack([np.tile(vmax, (n_pre, 1)), np.tile(mbar * vmax, (n_post, 1))])
    A = np.vstack([atilde - ub, -atilde - ub])
    A = A[(A**2).sum(axis=1) > 1e-10]
    return np.delete(A, n_pre, axis=1)


def _gamma(l_vec: np.ndarray) -> np.ndarray:
    """Invertible matrix with first row ``l'`` completed by unit vectors (R's
    ``.construct_Gamma``)."""
    rows = [l_vec]
    for j in range(l_vec.size):
        cand = rows + [np.eye(l_vec.size)[j]]
        if np.linalg.matrix_rank(np.vstack(cand)) == len(cand):
            rows = cand
    return np.vstack(rows)


def _dual_vertices(sd: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Vertices of ``{lambda >= 0, sd' lambda = 1, X' lambda = 0}``, ``(n_v, m)``."""
    m = sd.size
    aeq = np.vstack([sd[None, :], X.T]) if X.size else sd[None, :]
    rank = np.linalg.matrix_rank(aeq)
    if rank < aeq.shape[0]:  # drop redundant equality rows
        keep: list[int] = []
        for i in range(aeq.shape[0]):
            if np.linalg.matrix_rank(aeq[keep + [i]]) == len(keep) + 1:
                keep.append(i)
        aeq = aeq[keep]
    rhs = np.zeros(aeq.shape[0])
    rhs[0] = 1.0
    bases = np.array(list(itertools.combinations(range(m), aeq.shape[0])), dtype=np.int64)
    if bases.size == 0:
        return np.zeros((0, m))
    subs = np.transpose(aeq[:, bases], (1, 0, 2))  # (n_bases, r, r)
    ok = np.abs(np.linalg.det(subs)) > 1e-12
    bases, subs = bases[ok], subs[ok]
    if bases.size == 0:
        return np.zeros((0, m))
    lam_b = np.linalg.solve(subs, np.broadcast_to(rhs, (len(subs), rhs.size))[..., None])[..., 0]
    feasible = (lam_b >= -1e-10).all(axis=1)
    out = np.zeros((int(feasible.sum()), m))
    np.put_along_axis(out, bases[feasible], np.clip(lam_b[feasible], 0.0, None), axis=1)
    return np.unique(np.round(out, 12), axis=0)


def _truncnorm_quantile(p: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``p`` quantile of N(0, 1) truncated to ``[lo, hi]`` (elementwise; through the
    survival function above 0, so stable in the upper tail)."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    slo, shi = stats.norm.sf(lo), stats.norm.sf(hi)
    clo, chi = stats.norm.cdf(lo), stats.norm.cdf(hi)
    upper = stats.norm.isf(slo - p * (slo - shi))
    lower = stats.norm.ppf(clo + p * (chi - clo))
    return np.where(lo >= 0, upper, lower)


def _arp_lf_accept(y: np.ndarray, sigma_y: np.ndarray, V: np.ndarray, lf_cv: float,
                   alpha: float, kappa: float) -> np.ndarray:
    """ARP conditional-least-favourable hybrid test of ``E[y - X delta] <= 0`` for
    each row of ``y`` (``(n_theta, m)``); ``V`` are the dual vertices. Returns the
    acceptance mask."""
    if V.shape[0] == 0:  # primal unbounded: the moments can always be met
        return np.ones(y.shape[0], dtype=bool)
    vals = y @ V.T  # (n_theta, n_v)
    best = vals.argmax(axis=1)
    eta = vals[np.arange(y.shape[0]), best]
    accept = np.ones(y.shape[0], dtype=bool)
    accept[eta > lf_cv] = False  # first stage: reject at the least favourable cv
    mod_size = (alpha - kappa) / (1 - kappa)
    for v_idx in np.unique(best):
        rows = np.flatnonzero((best == v_idx) & accept)
        if rows.size == 0:
            continue
        gam = V[v_idx]
        s2 = float(gam @ sigma_y @ gam)
        if s2 < np.finfo(float).eps:
            accept[rows] = eta[rows] <= 0
            continue
        sig_b = np.sqrt(s2)
        b = sigma_y @ gam / s2
        den = 1.0 - V @ b  # (n_v,)
        s_t = y[rows] - eta[rows, None] * b[None, :]
        num = s_t @ V.T  # (n_rows, n_v)
        pos, neg = den > 1e-10, den < -1e-10
        vlo = (num[:, pos] / den[pos]).max(axis=1) if pos.any() else np.full(rows.size, -np.inf)
        vup = (num[:, neg] / den[neg]).min(axis=1) if neg.any() else np.full(rows.size, np.inf)
        zlo, zup = vlo / sig_b, np.minimum(vup, lf_cv) / sig_b
        stat = eta[rows] / sig_b
        inside = (zlo <= stat) & (stat <= zup)  # outside the conditioning range: accepted
        cval = np.maximum(0.0, _truncnorm_quantile(1 - mod_size, zlo[inside], zup[inside]))
        accept[rows[inside]] = ~(stat[inside] > cval)
    return accept


def relative_magnitudes_ci(
    betahat: np.ndarray,
    sigma: np.ndarray,
    n_pre: int,
    n_post: int,
    mbar: float,
    l_vec: np.ndarray | None = None,
    alpha: float = 0.05,
    grid_points: int = 1000,
    grid: tuple[float, float] | None = None,
    sims: int = 20_000,
    seed: int = 0,
) -> tuple[float, float]:
    """Robust interval for ``theta`` under ``Delta^RM(mbar)`` (C-LF hybrid).

    Parameters
    ----------
    betahat, sigma
        Event-study estimates (pre then post, reference period left out) and their
        covariance.
    n_pre, n_post
        Numbers of pre- and post-opening coefficients.
    mbar
        Largest post-opening change of the violation, in multiples of the largest
        pre-opening one.
    l_vec
        Weights of ``theta`` on the post-opening effects (default: the first).
    alpha
        1 - coverage.
    grid_points, grid
        Test inversion grid: ``grid_points`` values over ``grid`` (default, as R:
        ``+-20`` standard errors of ``theta`` around 0, or around the estimate when it
        lies more than 10 standard errors from 0; widened four-fold, up to three times,
        while an end is accepted).
    sims, seed
        Draws for the least favourable critical value.

    Returns
    -------
    (low, high)
        ``nan`` when no grid value is accepted; ``-inf`` / ``inf`` at an end still
        accepted on the widest grid.
    """
    betahat, sigma = _check(betahat, sigma, n_pre, n_post)
    if n_pre < 2 and mbar > 0 or mbar < 0:
        raise ValueError("relative magnitudes need Mbar >= 0 and at least 2 pre-opening coefficients")
    lv = _l_vec(l_vec, n_post)
    post = slice(n_pre, n_pre + n_post)
    sd_theta = float(np.sqrt(lv @ sigma[post, post] @ lv))
    est = float(lv @ betahat[post])
    centre = est if abs(est) > 10 * sd_theta else 0.0
    gamma_inv = np.linalg.inv(_gamma(lv))
    kappa = alpha / 10
    # common standard normal draws of betahat's noise for every restriction
    w, U = np.linalg.eigh(sigma)
    noise = np.random.default_rng(seed).standard_normal((sims, betahat.size)) @ (U * np.sqrt(np.clip(w, 0, None))).T
    tests = []
    for s in range(-(n_pre - 1), 1):
        for sign in (True, False):
            A = _rm_matrix(n_pre, n_post, mbar, s, sign)
            A = A[np.abs(A[:, post]).sum(axis=1) > 0]  # post-period moments only
            agi = A[:, post] @ gamma_inv
            sigma_y = A @ sigma @ A.T
            V = _dual_vertices(np.sqrt(np.diag(sigma_y)), agi[:, 1:])
            eta_sims = (noise @ A.T @ V.T).max(axis=1) if V.shape[0] else np.full(sims, -np.inf)
            tests.append((A @ betahat, agi[:, 0], sigma_y, V, float(np.quantile(eta_sims, 1 - kappa))))

    def accepted(thetas: np.ndarray) -> np.ndarray:
        acc = np.zeros(thetas.size, dtype=bool)
        for Y, a1, sigma_y, V, lf_cv in tests:
            acc |= _arp_lf_accept(Y[None, :] - thetas[:, None] * a1[None, :], sigma_y, V, lf_cv, alpha, kappa)
        return acc

    half = 20 * sd_theta
    for widen in range(4 if grid is None else 1):
        lo_g, hi_g = grid if grid is not None else (centre - half * 4**widen, centre + half * 4**widen)
        thetas = np.linspace(lo_g, hi_g, grid_points)
        accept = accepted(thetas)
        if not (accept[0] or accept[-1]):
            break
    if not accept.any():
        return float("nan"), float("nan")
    # still accepted at an end of the widest grid: the interval is open there
    low = -np.inf if accept[0] else float(thetas[accept].min())
    high = np.inf if accept[-1] else float(thetas[accept].max())
    return low, high


# ---------------------------------------------------------------- smoothness
def _fold_cv(b: float, alpha: float) -> float:
    """``1 - alpha`` quantile of ``|N(b, 1)|``."""
    b = abs(b)
    def cover(c: float) -> float:
        return stats.norm.cdf(c - b) - stats.norm.cdf(-c - b) - (1 - alpha)
    return float(optimize.brentq(cover, 0.0, b + 10.0, xtol=1e-12))


class _Flci:
    """The FLCI's ingredients for one ``(sigma, l_vec)`` (R ``HonestDiD``'s ``flci.R``,
    same parametrisation): pre-period weights ``w`` with ``sum(w) = sum_s s l_s``, the
    estimator's pre-period vector ``L w`` (``L``: first differences), its variance
    ``(Lw)' S_pre (Lw) + 2 (Lw)' S_pre,post l + l' S_post l``, and its worst-case bias per
    unit of ``M``: ``const + sum_k |cumsum(w)_k|``."""

    def __init__(self, sigma: np.ndarray, n_pre: int, lv: np.ndarray) -> None:
        n_post = lv.size
        self.n = n_pre
        self.L = np.eye(n_pre) - np.eye(n_pre, k=-1)
        self.S = self.L.T @ sigma[:n_pre, :n_pre] @ self.L
        self.a = 2 * self.L.T @ sigma[:n_pre, n_pre:] @ lv
        self.c = float(lv @ sigma[n_pre:, n_pre:] @ lv)
        steps = np.arange(1, n_post + 1)
        self.total = float(steps @ lv)
        self.const = sum(abs(float(np.arange(1, s + 1) @ lv[n_post - s:])) for s in steps) - self.total
        self.cum = np.tril(np.ones((n_pre, n_pre)))

    def var(self, w: np.ndarray) -> float:
        return float(w @ self.S @ w + self.a @ w + self.c)

    def bias(self, w: np.ndarray) -> float:
        return self.const + float(np.abs(self.cum @ w).sum())

    def min_var_w(self) -> np.ndarray:
        """Minimum-variance weights (KKT of the equality-constrained quadratic)."""
        n = self.n
        kkt = np.block([[2 * self.S, np.ones((n, 1))], [np.ones((1, n)), np.zeros((1, 1))]])
        rhs = np.concatenate([-self.a, [self.total]])
        return np.linalg.lstsq(kkt, rhs, rcond=None)[0][:n]

    def min_bias_w(self, h: float, w0: np.ndarray) -> np.ndarray:
        """Least worst-case bias with ``sd <= h``: variables ``(U, w)``, ``U >= |cumsum(w)|``."""
        n = self.n
        cons = [
            {"type": "eq", "fun": lambda x: np.array([x[n:].sum() - self.total]),
             "jac": lambda x: np.concatenate([np.zeros(n), np.ones(n)])[None, :]},
            {"type": "ineq", "fun": lambda x: np.concatenate([x[:n] - self.cum @ x[n:], x[:n] + self.cum @ x[n:]]),
             "jac": lambda x: np.block([[np.eye(n), -self.cum], [np.eye(n), self.cum]])},
            {"type": "ineq", "fun": lambda x: np.array([h * h - self.var(x[n:])]),
             "jac": lambda x: np.concatenate([np.zeros(n), -(2 * self.S @ x[n:] + self.a)])[None, :]},
        ]
        x0 = np.concatenate([np.abs(self.cum @ w0) + 1e-9, w0])
        res = optimize.minimize(lambda x: x[:n].sum(), x0, jac=lambda x: np.concatenate([np.ones(n), np.zeros(n)]),
                                constraints=cons, method="SLSQP", options={"ftol": 1e-12, "maxiter": 500})
        return res.x[n:]


def smoothness_ci(betahat: np.ndarray, sigma: np.ndarray, n_pre: int, n_post: int, m: float,
                  l_vec: np.ndarray | None = None, alpha: float = 0.05) -> tuple[float, float]:
    """Optimal fixed-length interval for ``theta`` under ``Delta^SD(m)``.

    The affine estimator ``l' beta_post + (L w)' beta_pre`` with the shortest
    ``sd * cv_alpha(m * bias / sd)``: for each bound ``h`` on its standard deviation the
    least-bias weights (a convex program, SLSQP), and the half-length minimised over
    ``h`` between the minimum-variance and the minimum-bias estimator (convex in ``h``),
    as R ``HonestDiD``'s ``findOptimalFLCI``; the folded-normal quantile is solved
    exactly instead of simulated.
    """
    betahat, sigma = _check(betahat, sigma, n_pre, n_post)
    if m < 0:
        raise ValueError("M must be >= 0")
    lv = _l_vec(l_vec, n_post)
    f = _Flci(sigma, n_pre, lv)
    w_min = f.min_var_w()
    h_min = np.sqrt(max(f.var(w_min), 0.0))
    w_bias = np.zeros(n_pre)
    w_bias[-1] = f.total
    h0 = np.sqrt(max(f.var(w_bias), 0.0))
    if m == 0 or h0 <= h_min * (1 + 1e-9):
        w = w_min if m == 0 or f.bias(w_min) <= f.bias(w_bias) else w_bias
    else:
        def half(h: float) -> float:
            wh = f.min_bias_w(h, w_min)
            return np.sqrt(max(f.var(wh), 1e-300)) * _fold_cv(m * f.bias(wh) / h, alpha)

        best = optimize.minimize_scalar(half, bounds=(h_min, h0), method="bounded",
                                        options={"xatol": 1e-6 * h0})
        candidates = [(float(best.fun), best.x), (half(h_min), h_min), (half(h0), h0)]
        w = f.min_bias_w(min(candidates)[1], w_min)
    sd = np.sqrt(max(f.var(w), 0.0))
    chi = sd * _fold_cv(m * f.bias(w) / sd, alpha) if sd > 0 else float("nan")
    est = float((f.L @ w) @ betahat[:n_pre] + lv @ betahat[n_pre:])
    return est - chi, est + chi


def breakdown(values: list[float], intervals: list[tuple[float, float]]) -> float | None:
    """The largest restriction value of an increasing grid up to which every interval
    excludes 0 (``None`` when already the first includes 0)."""
    last = None
    for v, (lo, hi) in zip(values, intervals):
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 <= hi:
            break
        last = float(v)
    return last
