"""The mean-walk (p-median) and capacity solvers against brute force and hand-worked cases.

Brute force tries every set of k sites: for the mean walk it takes each household's
nearest distance directly; for capacity it solves the (continuous) assignment of each
set as a max flow with networkx, independently of the MILP."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from dashboard.coverage import solvers as S


def _pairs(D: np.ndarray):
    site, col = np.nonzero(np.isfinite(D))
    return site, col, D[site, col]


def _brute_median(D, w, cur, k):
    best = 0.0
    for combo in itertools.combinations(range(D.shape[0]), k):
        d = np.minimum(cur, np.min(D[list(combo)], axis=0))
        best = max(best, float((w * (cur - d)).sum()))
    return best


def test_median_hand_worked_greedy_strictly_worse():
    # three households 0, 1, 2 (weights 1), all 100 m from the nearest room today. Site A
    # is 30 m from each (saves 3 x 70 = 210); B is at households 0 and 1 (saves 200), C at
    # household 2 (saves 100). Greedy picks A (210), then B (2 x 30 = 60): 270; B + C save 300.
    D = np.array([[30, 30, 30], [0, 0, np.inf], [np.inf, np.inf, 0]], float)
    w, cur = np.ones(3), np.full(3, 100.0)
    site, col, dist = _pairs(D)
    chosen, saved = S.greedy_median(site, col, dist, w, cur, 3, 2)
    assert chosen == [0, 1] and saved == pytest.approx([210, 60])
    ex, value, bound, optimal = S.exact_median(site, col, dist, w, cur, 3, 2)
    assert optimal and sorted(ex) == [1, 2] and value == pytest.approx(300) == pytest.approx(bound)


@pytest.mark.parametrize("seed", range(8))
def test_median_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m, k = 7, 14, 3
    D = np.where(rng.random((n, m)) < 0.4, rng.uniform(0, 500, (n, m)), np.inf)
    w = rng.integers(1, 30, m).astype(float)
    cur = rng.uniform(100, 600, m)
    site, col, dist = _pairs(D)
    opt = _brute_median(D, w, cur, k)
    chosen, saved = S.greedy_median(site, col, dist, w, cur, n, k)
    g = np.minimum(cur, np.min(D[chosen], axis=0)) if chosen else cur
    assert sum(saved) == pytest.approx(float((w * (cur - g)).sum()))
    assert sum(saved) <= opt + 1e-6
    ex, value, bound, optimal = S.exact_median(site, col, dist, w, cur, n, k)
    assert optimal and value == pytest.approx(opt) and bound == pytest.approx(opt)


def _brute_capacity(A, w, cap, k):
    best = 0.0
    for combo in itertools.combinations(range(A.shape[0]), k):
        g = nx.DiGraph()
        for i in combo:
            g.add_edge("s", f"r{i}", capacity=cap)
            for j in np.flatnonzero(A[i]):
                g.add_edge(f"r{i}", f"h{j}", capacity=float(w[j]))
        for j in range(A.shape[1]):
            g.add_edge(f"h{j}", "t", capacity=float(w[j]))
        best = max(best, nx.maximum_flow_value(g, "s", "t") if g.has_node("s") else 0.0)
    return best


def test_capacity_hand_worked():
    # site 0 reaches households 0..3 (weight 1 each), site 1 reaches 2..5; 3 households per room
    A = np.array([[1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1]], bool)
    site, col = np.nonzero(A)
    dist = np.array([10, 20, 30, 40, 40, 30, 20, 10], float)
    chosen, served = S.greedy_capacity(site, col, dist, np.ones(6), 3.0, 2, 1)
    assert served == [3.0]  # capped: 4 reachable, 3 served
    chosen, served = S.greedy_capacity(site, col, dist, np.ones(6), 3.0, 2, 2)
    assert sum(served) == 6.0  # nearest first leaves the other room enough to fill
    _, value, _, optimal = S.exact_capacity(site, col, np.ones(6), 3.0, 2, 2)
    assert optimal and value == pytest.approx(6.0)


@pytest.mark.parametrize("seed", range(6))
def test_capacity_against_max_flow(seed):
    rng = np.random.default_rng(100 + seed)
    n, m, k, cap = 6, 12, 2, 25.0
    A = rng.random((n, m)) < 0.35
    w = rng.integers(1, 20, m).astype(float)
    site, col = np.nonzero(A)
    dist = rng.uniform(0, 300, len(site))
    opt = _brute_capacity(A, w, cap, k)
    _, served = S.greedy_capacity(site, col, dist, w, cap, n, k)
    assert sum(served) <= opt + 1e-6
    _, value, bound, optimal = S.exact_capacity(site, col, w, cap, n, k)
    assert optimal and value == pytest.approx(opt) and bound == pytest.approx(opt)
