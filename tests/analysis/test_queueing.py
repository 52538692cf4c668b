"""Queueing formulas against published figures, their known limits and simulated queues.

Published figures: the Erlang C worked example (100 calls per 30 minutes, 180 s handling
time, 80 % answered within 20 s; e.g. callcentrehelper.com "Erlang C formula – made
simple with an Excel example"): 14 agents give P(wait) 0.1741, service level 0.8884,
mean wait 7.84 s (ASA); 13 agents give service level 0.7956.
Erlang A limits: infinite patience is Erlang C; patience equal to the handling time is
M/M/∞, so P(wait) = P(Poisson(10) >= 14) = 0.1355.
Simulations: FCFS queues with c servers, run customer by customer (the earliest free
server takes the next customer), compared within sampling error (batch means).
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from scipy import stats

from dashboard.analysis import queueing as q

LAM = 100 / 1800  # calls per second
S = 180.0  # seconds


def test_erlang_c_worked_example_14_agents():
    assert q.erlang_c_pwait(LAM, S, 14) == pytest.approx(0.1741, abs=5e-5)
    assert q.erlang_c_service_level(LAM, S, 14, 20) == pytest.approx(0.8884, abs=5e-5)
    assert q.erlang_c_mean_wait(LAM, S, 14) == pytest.approx(7.84, abs=5e-3)


def test_erlang_c_worked_example_13_agents():
    assert q.erlang_c_service_level(LAM, S, 13, 20) == pytest.approx(0.7956, abs=5e-5)


def test_erlang_c_vectorised_and_unstable():
    c = np.array([9, 10, 13, 14])
    p = q.erlang_c_pwait(LAM, S, c)
    assert p[0] == 1.0 and p[1] == 1.0  # a = 10 >= c
    assert p[3] == pytest.approx(0.1741, abs=5e-5)
    w = q.erlang_c_mean_wait(LAM, S, c)
    assert math.isinf(w[0]) and math.isinf(w[1])
    assert q.erlang_c_service_level(LAM, S, 10, 20) == 0.0
    # many servers: the log-space form stays finite and agrees with the Erlang B recursion
    a, c_big = 400.0, 430
    b = 1.0
    for k in range(1, c_big + 1):
        b = a * b / (k + a * b)
    expected = c_big * b / (c_big - a * (1 - b))
    assert q.erlang_c_pwait(a, 1.0, c_big) == pytest.approx(expected, rel=1e-9)


def test_mgc_is_erlang_c_scaled():
    assert q.mgc_mean_wait(LAM, S, 14, 1.0) == pytest.approx(q.erlang_c_mean_wait(LAM, S, 14))
    assert q.mgc_mean_wait(LAM, S, 14, 0.0) == pytest.approx(q.erlang_c_mean_wait(LAM, S, 14) / 2)


def test_erlang_a_infinite_patience_is_erlang_c():
    r = q.erlang_a(LAM, S, 14, math.inf)
    assert r.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert r.mean_wait == pytest.approx(7.84, abs=5e-3)
    assert r.p_abandon == 0.0
    # and the numerical chain converges to it as patience grows
    r_long = q.erlang_a(LAM, S, 14, 1e9)
    assert r_long.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert r_long.mean_wait == pytest.approx(7.84, abs=5e-3)
    assert r_long.service_level(20) == pytest.approx(0.8884, abs=5e-5)


def test_erlang_a_patience_equal_handling_is_mm_infinity():
    r = q.erlang_a(LAM, S, 14, S)
    assert r.p_wait == pytest.approx(0.1355, abs=5e-5)
    assert r.p_wait == pytest.approx(stats.poisson.sf(13, 10.0), rel=1e-9)
    # M/M/inf: the number waiting is (N - c)+ with N ~ Poisson(10)
    n = np.arange(0, 80)
    mean_queue = float((np.clip(n - 14, 0, None) * stats.poisson.pmf(n, 10.0)).sum())
    assert r.mean_queue == pytest.approx(mean_queue, rel=1e-9)


def _simulate(lam, s, c, n, rng, *, service="exp", patience=None):
    """FCFS c-server queue; returns offered waits V and patience times (inf if none)."""
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    service_t = rng.exponential(s, n) if service == "exp" else np.full(n, s)
    pat = rng.exponential(patience, n) if patience is not None else np.full(n, np.inf)
    free = [0.0] * c
    offered = np.empty(n)
    for i in range(n):
        t = arrivals[i]
        earliest = free[0]
        v = earliest - t if earliest > t else 0.0
        offered[i] = v
        if v <= pat[i]:  # served: takes the earliest free server
            heapq.heapreplace(free, t + v + service_t[i])
    return offered, pat


def _batch_mean(x, n_batches=40):
    means = np.array([b.mean() for b in np.array_split(x, n_batches)])
    return means.mean(), means.std(ddof=1) / math.sqrt(n_batches)


def test_erlang_c_mean_wait_matches_simulated_mmc():
    rng = np.random.default_rng(20261203)
    lam, s, c = 3.0, 1.0, 4  # rho = 0.75
    v, _ = _simulate(lam, s, c, 300_000, rng)
    v = v[10_000:]  # warm-up
    mean, se = _batch_mean(v)
    expected = q.erlang_c_mean_wait(lam, s, c)
    assert abs(mean - expected) < 4 * se, (mean, se, expected)
    assert (v > 0).mean() == pytest.approx(q.erlang_c_pwait(lam, s, c), abs=0.01)
    assert (v <= 0.5).mean() == pytest.approx(q.erlang_c_service_level(lam, s, c, 0.5), abs=0.01)


def test_mgc_matches_simulated_md1():
    # one server, constant service: Allen–Cunneen = Pollaczek–Khinchine (exact)
    rng = np.random.default_rng(11)
    lam, s = 0.7, 1.0
    v, _ = _simulate(lam, s, 1, 300_000, rng, service="det")
    mean, se = _batch_mean(v[10_000:])
    expected = q.mgc_mean_wait(lam, s, 1, 0.0)
    assert expected == pytest.approx(0.7 / (2 * 0.3))
    assert abs(mean - expected) < 4 * se, (mean, se, expected)


def test_erlang_a_matches_simulated_mmc_with_abandonment():
    rng = np.random.default_rng(5)
    lam, s, c, patience = 5.0, 1.0, 4, 2.0  # overloaded without abandonment
    v, pat = _simulate(lam, s, c, 300_000, rng, patience=patience)
    v, pat = v[10_000:], pat[10_000:]
    r = q.erlang_a(lam, s, c, patience)
    waited = np.minimum(v, pat)
    mean, se = _batch_mean(waited)
    assert abs(mean - r.mean_wait) < 4 * se, (mean, se, r.mean_wait)
    ab, ab_se = _batch_mean((v > pat).astype(float))
    assert abs(ab - r.p_abandon) < 4 * ab_se, (ab, ab_se, r.p_abandon)
    assert (v > 0).mean() == pytest.approx(r.p_wait, abs=0.01)
    for t in (0.25, 1.0):
        assert (v <= t).mean() == pytest.approx(r.service_level(t), abs=0.01)


def test_servers_needed_is_smallest_meeting_target():
    def brute(lam, s, target, cv2=1.0):
        c = 1
        while q.mgc_mean_wait(lam, s, c, cv2) > target:
            c += 1
        return c

    assert q.servers_needed(LAM, S, 7.84) == 14
    assert q.servers_needed(LAM, S, 7.83) == 15
    lams = np.array([0.0, 0.01, LAM, 0.2, 0.5])
    got = q.servers_needed(lams, S, 60.0, cv2=0.5)
    assert got.tolist() == [0] + [brute(x, S, 60.0, 0.5) for x in lams[1:]]
    assert q.servers_needed(1.0, 1.0, 0.0, max_c=5) == 6


def test_servers_needed_erlang_a():
    def brute(lam, s, target, patience):
        c = 1
        while q.erlang_a(lam, s, c, patience).mean_wait > target:
            c += 1
        return c

    got = q.servers_needed([LAM, LAM], S, 20.0, patience=[300.0, math.inf])
    assert got.tolist() == [brute(LAM, S, 20.0, 300.0), q.servers_needed(LAM, S, 20.0)]
    assert got[0] < got[1]  # walk-aways shorten the wait of those who stay
