"""Waiting-time models of a service hall: Erlang C (M/M/c), M/G/c (Allen–Cunneen) and
Erlang A (M/M/c+M, Palm), and the number of counters a wait target needs.

Units: ``lam`` is arrivals per unit time, ``s`` the mean service (handling) time and
``patience`` the mean patience in that same unit (e.g. arrivals per minute and minutes,
or per second and seconds); waits come back in the unit of ``s``. ``c`` is the number of
servers (counters), an integer.

Erlang C (M/M/c)
----------------
Offered load ``a = lam * s``. The probability that an arrival waits is
``C(c, a) = c B / (c - a (1 - B))`` with ``B`` the Erlang B blocking probability
``B = P(Poisson(a) = c) / P(Poisson(a) <= c)``, computed in logs (``gammaln``,
``gammaincc``) so it stays exact for hundreds of servers. The wait of those who wait is
exponential with rate ``c / s - lam``, so the mean wait is ``C s / (c - a)`` and the
service level ``P(W <= t) = 1 - C exp(-(c - a) t / s)``. When ``a >= c`` (or ``c < 1``)
the queue is unstable: ``P(wait) = 1``, mean wait ``inf``, service level 0.
The Erlang C functions take numpy arrays and broadcast.

M/G/c
-----
Poisson arrivals and general service times with squared coefficient of variation
``cv2``: the Allen–Cunneen approximation, Erlang C mean wait × ``(1 + cv2) / 2``
(exact for ``c = 1``: the Pollaczek–Khinchine formula).

Erlang A (M/M/c+M)
------------------
Each waiting customer leaves after an exponential patience time (mean ``patience``);
service has not started by then. The number in the system is a birth–death chain with
birth rate ``lam`` and death rate ``min(n, c) / s + max(n - c, 0) / patience``; its
stationary law is computed in logs and truncated where the remaining tail is below
1e-15 (with abandonment the chain is always stable). By PASTA, ``p_wait = P(N >= c)``;
the mean queue ``E[Q]`` gives ``p_abandon = E[Q] / (patience lam)`` and the mean wait of
all arrivals (those who abandon count with the time they waited) ``E[Q] / lam`` (Little).
``service_level(t)`` is ``P(V <= t)``, V the *offered* wait (the time until a counter
would take the arrival if it never left): an arrival finding ``j`` others waiting
reaches a counter after ``j + 1`` exits from the head of the queue, at rates
``c / s + k / patience`` for ``k = j, ..., 0`` — a pure-death chain whose absorption time
is computed with ``scipy.sparse.linalg.expm_multiply``. Limits: ``patience = inf`` is
Erlang C; ``patience == s`` is M/M/∞, so ``p_wait = P(Poisson(lam s) >= c)``.

Public API: :func:`erlang_c_pwait`, :func:`erlang_c_mean_wait`,
:func:`erlang_c_service_level`, :func:`mgc_mean_wait`, :func:`erlang_a`
(→ :class:`ErlangA`), :func:`erlang_a_mean_wait`, :func:`servers_needed`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import expm_multiply
from scipy.special import gammaincc, gammaln, logsumexp

_TAIL = 1e-15


def _as_arrays(lam, s, c):
    lam = np.asarray(lam, dtype=float)
    s = np.asarray(s, dtype=float)
    c = np.asarray(c)
    if c.dtype.kind == "f" and not np.all(np.isnan(c) | (c == np.round(c))):
        raise ValueError("c (servers) must be whole numbers")
    return lam, s, c.astype(float)


def _unwrap(x: np.ndarray):
    return float(x) if np.ndim(x) == 0 else x


def _pwait(lam: np.ndarray, s: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Erlang C probability of waiting and the stability mask (arrays, broadcast)."""
    a, c = np.broadcast_arrays(lam * s, c)
    stable = (c >= 1) & (a < c)
    p = np.ones(a.shape, dtype=float)
    if np.any(stable):
        aa, cc = a[stable], c[stable]
        # log P(Poisson(a) = c) and P(Poisson(a) <= c); the cdf is >= ~0.5 when a < c
        with np.errstate(divide="ignore"):
            log_pmf = np.where(aa > 0, cc * np.log(np.where(aa > 0, aa, 1.0)), np.where(cc == 0, 0.0, -np.inf)) - aa - gammaln(cc + 1)
        cdf = gammaincc(cc + 1, aa)
        b = np.exp(log_pmf) / cdf
        p[stable] = cc * b / (cc - aa * (1.0 - b))
    return p, stable


def erlang_c_pwait(lam, s, c):
    """Probability that an arrival waits in an M/M/c queue (Erlang C).

    Parameters
    ----------
    lam : float or array
        Arrivals per unit time.
    s : float or array
        Mean service time, same time unit.
    c : int or array of int
        Servers.

    Returns
    -------
    float or array
        ``C(c, lam s)``; 1.0 where ``lam s >= c`` (unstable).
    """
    p, _ = _pwait(*_as_arrays(lam, s, c))
    return _unwrap(p)


def erlang_c_mean_wait(lam, s, c):
    """Mean wait in queue of all arrivals in M/M/c (unit of ``s``); ``inf`` when unstable."""
    lam, s, c = _as_arrays(lam, s, c)
    p, stable = _pwait(lam, s, c)
    lam, s, c = np.broadcast_arrays(lam, s, c)
    w = np.full(p.shape, np.inf)
    w[stable] = p[stable] * s[stable] / (c[stable] - lam[stable] * s[stable])
    return _unwrap(w)


def erlang_c_service_level(lam, s, c, t):
    """``P(W <= t)`` in M/M/c: ``1 - C exp(-(c - lam s) t / s)``; 0 when unstable."""
    lam, s, c = _as_arrays(lam, s, c)
    t = np.asarray(t, dtype=float)
    p, stable = _pwait(lam, s, c)
    lam, s, c, t = np.broadcast_arrays(lam, s, c, t)
    sl = np.zeros(p.shape)
    st = stable
    sl[st] = 1.0 - p[st] * np.exp(-(c[st] - lam[st] * s[st]) * t[st] / s[st])
    return _unwrap(sl)


def mgc_mean_wait(lam, s, c, cv2):
    """M/G/c mean wait, Allen–Cunneen: Erlang C mean wait × ``(1 + cv2) / 2``."""
    w = np.asarray(erlang_c_mean_wait(lam, s, c)) * (1.0 + np.asarray(cv2, dtype=float)) / 2.0
    return _unwrap(w)


@dataclass(frozen=True)
class ErlangA:
    """Steady state of an M/M/c+M queue (see the module docstring).

    ``p_wait``: an arrival finds every server busy; ``p_abandon``: an arrival leaves
    before service; ``mean_wait``: mean time in queue over all arrivals (unit of ``s``);
    ``mean_queue``: mean number waiting. :meth:`service_level` gives ``P(V <= t)``.
    """

    lam: float
    s: float
    c: int
    patience: float
    p_wait: float
    p_abandon: float
    mean_wait: float
    mean_queue: float
    # P(an arrival finds j waiting), j = 0, 1, ... (states n >= c)
    _queue_probs: np.ndarray = field(repr=False, compare=False)

    def service_level(self, t: float) -> float:
        """Probability that the offered wait is at most ``t`` (unit of ``s``)."""
        if t < 0:
            return 0.0
        q = self._queue_probs
        if q.size == 0 or self.p_wait == 0.0:
            return 1.0
        if math.isinf(self.patience):
            return float(erlang_c_service_level(self.lam, self.s, self.c, t))
        k = np.arange(q.size, dtype=float)
        rate = self.c / self.s + k / self.patience
        # generator of "number still ahead" (j -> j-1 at rate[j]; j = 0 exits)
        gen = sparse.diags([-rate, rate[1:]], [0, -1], format="csc")
        # row vector q evolves as q' = q G, i.e. column form G^T q
        left = expm_multiply(gen.T.tocsc() * t, q) if t > 0 else q
        still_waiting = float(np.clip(left, 0.0, None).sum())
        return float(1.0 - still_waiting)


def erlang_a(lam: float, s: float, c: int, patience: float) -> ErlangA:
    """M/M/c+M (Erlang A / Palm) steady state.

    Parameters
    ----------
    lam : float
        Arrivals per unit time.
    s : float
        Mean service time, same unit.
    c : int
        Servers (>= 0).
    patience : float
        Mean patience (exponential) in the same unit; ``math.inf`` gives Erlang C.

    Returns
    -------
    ErlangA
    """
    if c != int(c) or c < 0:
        raise ValueError(f"c (servers) must be a whole number >= 0, got {c!r}")
    c = int(c)
    if lam < 0 or s <= 0 or patience <= 0:
        raise ValueError("lam must be >= 0, s and patience > 0")
    if math.isinf(patience):
        pw = float(erlang_c_pwait(lam, s, c))
        wq = float(erlang_c_mean_wait(lam, s, c))
        return ErlangA(lam, s, c, patience, pw, 0.0, wq, lam * wq, np.array([pw]))
    if lam == 0:
        return ErlangA(lam, s, c, patience, 0.0, 0.0, 0.0, 0.0, np.zeros(0))
    probs = _erlang_a_probs(np.array([lam]), np.array([float(s)]), np.array([c]), np.array([patience]))[0]
    queue_probs = probs[c:]
    p_wait = float(queue_probs.sum())
    mean_queue = float((np.arange(queue_probs.size) * queue_probs).sum())
    return ErlangA(
        lam=lam,
        s=s,
        c=c,
        patience=patience,
        p_wait=p_wait,
        p_abandon=mean_queue / (patience * lam),
        mean_wait=mean_queue / lam,
        mean_queue=mean_queue,
        _queue_probs=queue_probs,
    )


def _erlang_a_probs(lam: np.ndarray, s: np.ndarray, c: np.ndarray, patience: np.ndarray) -> np.ndarray:
    """Stationary probabilities of states ``0..N`` of M/M/c+M chains, one row per chain
    (1-D inputs, ``lam > 0``, finite ``patience``); every row has the same ``N``, large
    enough that each row's last state is below :data:`_TAIL` of its largest."""
    lam, s, c, patience = (np.asarray(x, float) for x in (lam, s, c, patience))
    a = lam * s
    mu = 1.0 / s
    theta = 1.0 / patience
    # above c the birth/death ratio lam / (c mu + k theta) < 1 once k > (lam - c mu) / theta
    k_peak = np.maximum(0.0, (lam - c * mu) * patience)
    n_max = int(np.max(c + k_peak + 12.0 * np.sqrt(lam * patience + 1.0) + 50.0))
    while True:
        n = np.arange(1, n_max + 1, dtype=float)[None, :]
        cc = c[:, None]
        # log(p_n / p_{n-1}): a / n up to c, lam / (c mu + (n - c) theta) above
        step = np.where(
            n <= cc,
            np.log(a)[:, None] - np.log(n),
            np.log(lam)[:, None] - np.log(cc * mu[:, None] + np.maximum(n - cc, 0.0) * theta[:, None]),
        )
        log_p = np.concatenate([np.zeros((len(lam), 1)), np.cumsum(step, axis=1)], axis=1)
        top = log_p.max(axis=1)
        if np.all(log_p[:, -1] - top < math.log(_TAIL)):
            return np.exp(log_p - logsumexp(log_p, axis=1, keepdims=True))
        n_max *= 2


def erlang_a_mean_wait(lam, s, c, patience):
    """Mean wait of all arrivals in M/M/c+M, element-wise over arrays (unit of ``s``).

    Infinite ``patience`` gives the Erlang C mean wait (``inf`` when unstable); no
    arrivals, no wait.
    """
    arrays = np.broadcast_arrays(*(np.asarray(x, float) for x in (lam, s, c, patience)))
    shape = arrays[0].shape
    lam, s, c, pat = (x.ravel() for x in arrays)
    out = np.zeros(lam.shape)
    erl_c = np.isinf(pat) & (lam > 0)
    if np.any(erl_c):
        out[erl_c] = erlang_c_mean_wait(lam[erl_c], s[erl_c], c[erl_c])
    rows = np.flatnonzero(~np.isinf(pat) & (lam > 0))
    if len(rows):
        # chunks of about two million states
        lp = lam[rows] * pat[rows]
        width = int(np.max(c[rows] + lp + 12.0 * np.sqrt(lp + 1.0) + 50.0))
        step = max(1, 2_000_000 // width)
        for i in range(0, len(rows), step):
            r = rows[i : i + step]
            probs = _erlang_a_probs(lam[r], s[r], c[r], pat[r])
            waiting = np.clip(np.arange(probs.shape[1])[None, :] - c[r][:, None], 0.0, None)
            out[r] = (probs * waiting).sum(axis=1) / lam[r]
    out = out.reshape(shape)
    return float(out) if out.ndim == 0 else out


def servers_needed(lam, s, target_wait, *, cv2=1.0, patience=None, max_c: int = 200):
    """Smallest number of servers whose mean wait is at most ``target_wait``.

    Erlang C scaled by Allen–Cunneen for ``cv2`` (``cv2 = 1``: plain Erlang C); Erlang A
    (mean wait of all arrivals, service times taken as exponential) where ``patience``
    is given. No arrivals need no server. Arrays broadcast; where even ``max_c`` servers
    do not meet the target the result is ``max_c + 1``.

    Parameters
    ----------
    lam : float or array
        Arrivals per unit time.
    s : float or array
        Mean service time, same unit.
    target_wait : float or array
        Mean-wait target, unit of ``s``.
    cv2 : float or array
        Squared coefficient of variation of service time (Erlang C branch).
    patience : float, array or None
        Mean patience (Erlang A); ``None`` or ``inf`` for Erlang C.
    max_c : int
        Largest number of servers tried.

    Returns
    -------
    int or array of int
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(x, float) for x in (lam, s, target_wait, cv2, math.inf if patience is None else patience))
    )
    shape = arrays[0].shape
    lam, s, target, cv2_a, pat = (x.ravel() for x in arrays)
    if np.any(lam < 0) or np.any(~(s[lam > 0] > 0)):
        raise ValueError("lam must be >= 0 and s > 0 where there are arrivals")
    need = np.zeros(lam.shape, dtype=np.int64)
    busy = lam > 0
    # M/G/c: upward from the smallest stable c (the mean wait falls with c)
    mgc = np.flatnonzero(busy & np.isinf(pat))
    need[mgc] = _search_up(lambda i, c: mgc_mean_wait(lam[i], s[i], c, cv2_a[i]), mgc,
                           np.floor(lam[mgc] * s[mgc]) + 1.0, target, max_c)
    # Erlang A: walk-aways only shorten the wait, so at most the Erlang C count; downward
    # from there while one server fewer still meets the target
    ea = np.flatnonzero(busy & np.isfinite(pat))
    if len(ea):
        c = _search_up(lambda i, c: erlang_c_mean_wait(lam[i], s[i], c), ea,
                       np.floor(lam[ea] * s[ea]) + 1.0, target, max_c).astype(float)
        todo = np.ones(len(ea), dtype=bool)
        while np.any(todo):
            k = np.flatnonzero(todo & (c > 1))
            todo[:] = False
            if not len(k):
                break
            i = ea[k]
            fewer_ok = np.atleast_1d(erlang_a_mean_wait(lam[i], s[i], c[k] - 1.0, pat[i])) <= target[i]
            c[k[fewer_ok]] -= 1.0
            todo[k[fewer_ok]] = True
        need[ea] = c.astype(np.int64)
    need = need.reshape(shape)
    return int(need) if need.ndim == 0 else need


def _search_up(wait_at, idx: np.ndarray, c0: np.ndarray, target: np.ndarray, max_c: int) -> np.ndarray:
    """Smallest ``c >= c0`` with ``wait_at(idx, c) <= target[idx]`` for each of ``idx``
    (``max_c + 1`` where none up to ``max_c``); the wait must fall with ``c``."""
    out = np.zeros(len(idx), dtype=np.int64)
    c = np.asarray(c0, dtype=float).copy()
    todo = np.ones(len(idx), dtype=bool)
    while np.any(todo):
        k = np.flatnonzero(todo)
        wait = np.atleast_1d(np.asarray(wait_at(idx[k], c[k]), dtype=float))
        ok = (wait <= target[idx[k]]) | (c[k] > max_c)
        out[k[ok]] = np.minimum(c[k[ok]], max_c + 1)
        todo[k[ok]] = False
        c[todo] += 1.0
    return out
