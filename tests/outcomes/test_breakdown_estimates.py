"""Effects by subgroup and by hotline category recover known effects on simulated data,
and show none where there is none (placebo: the 95 % interval covers 0).

* Subgroups: community-month panels of ``tests/effects/_sim.py`` with communities split in
  two groups whose effects differ by a known amount
  (:func:`dashboard.analysis.breakdown.estimate_groups`).
* Categories: a generated warehouse whose rooms cut consultation orders by 40 % and
  leave fault reports and the rest unchanged
  (:func:`dashboard.analysis.breakdown.estimate_categories`, through the SQL panel).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard import warehouse
from dashboard.analysis.breakdown import (
    HOTLINE_GROUPS,
    estimate_categories,
    estimate_groups,
)
from tests.effects._sim import simulate
from tests.warehouse_rows import write_tables

SHIFT_B = 1.5
"""Group B's effect is the simulated effect plus this (a smaller reduction)."""


def _two_groups(seed: int, base_effect: float, shift: float):
    sim = simulate(seed, n=400, months=30, waves=(8, 12, 16, 20), base_effect=base_effect,
                   growth=0.0, wave_spread=0.0, noise=1.0)
    rng = np.random.default_rng(seed + 100)
    ids = np.array([f"C{i:04d}" for i in range(len(sim.cohort))])
    group = np.where(rng.random(len(ids)) < 0.5, "A", "B")
    t = np.arange(1, 31)
    treated = (sim.cohort[:, None] > 0) & (t[None, :] >= sim.cohort[:, None])
    extra = np.where((group == "B")[:, None] & treated, shift, 0.0)
    panel = sim.panel.copy()
    panel["y"] = panel["y"].to_numpy() + extra.ravel()
    tau = sim.tau + extra
    truth = {g: float(tau[(group == g)[:, None] & treated].mean()) for g in ("A", "B")}
    return panel, pd.Series(group, index=ids), truth, sim.cohort


@pytest.mark.parametrize("seed", [11, 12])
def test_subgroup_effects_recover_known_effects(seed):
    panel, groups, truth, _ = _two_groups(seed, base_effect=-3.0, shift=SHIFT_B)
    res = {g.group: g.result for g in estimate_groups(panel, "counter_visits_per_1k_households", groups, ("A", "B"))}
    for g in ("A", "B"):
        r = res[g]
        assert r.ok, r.reason
        assert r.ci_low <= truth[g] <= r.ci_high, (g, truth[g], r.att, r.ci_low, r.ci_high)
        assert abs(r.att - truth[g]) < 0.3
    # the difference between the groups is found, not averaged away
    assert res["B"].att - res["A"].att == pytest.approx(SHIFT_B, abs=0.5)
    assert res["A"].ci_high < 0 and res["B"].ci_high < 0


def test_subgroup_placebo_covers_zero():
    """No effect anywhere: over 16 simulated cities x 2 groups, the 95 % intervals cover 0
    about 95 % of the time (at most 5 misses of 32: P(6 or more) < 1 % at true 95 %
    coverage) and the estimates centre on 0."""
    atts, misses = [], []
    for seed in range(200, 216):
        panel, groups, _, _ = _two_groups(seed, base_effect=0.0, shift=0.0)
        for g in estimate_groups(panel, "counter_visits_per_1k_households", groups, ("A", "B")):
            assert g.result.ok, g.result.reason
            atts.append(g.result.att)
            if not g.result.ci_low <= 0.0 <= g.result.ci_high:
                misses.append((seed, g.group, g.result.att))
    assert len(misses) <= 5, misses
    assert abs(float(np.mean(atts))) < 0.1


def test_subgroup_keeps_every_never_served_control_and_drops_other_served():
    panel, groups, _, cohort = _two_groups(3, base_effect=-3.0, shift=0.0)
    never = cohort == 0
    out = {g.group: g for g in estimate_groups(panel, "counter_visits_per_1k_households", groups, ("A", "B"))}
    for g in ("A", "B"):
        mine = (groups.to_numpy() == g) & ~never
        first_wave = cohort[mine].min()
        # controls: never-served of BOTH groups + this group's later waves (not-yet-served)
        assert out[g].result.n_treated == int(mine.sum())
        assert out[g].result.n_control == int(never.sum() + (mine & (cohort > first_wave)).sum())
        assert out[g].n_communities == int(mine.sum())


def test_community_outside_every_group_is_only_a_control():
    panel, groups, _, cohort = _two_groups(4, base_effect=-3.0, shift=0.0)
    groups = groups.copy()
    served_a = groups.index[(groups == "A").to_numpy() & (cohort > 0)]
    groups[served_a[:5]] = None  # no value of the grouping
    a = estimate_groups(panel, "counter_visits_per_1k_households", groups, ("A",))[0]
    assert a.n_communities == int(((groups == "A").to_numpy() & (cohort > 0)).sum())


# ---------------------------------------------------------------- categories, through SQL
RATES = {"consultation": 14.0, "fault_repair": 12.0, "complaint": 1.5, "reminder": 1.7, "praise": 0.5}
DROP = {"consultation": 0.4}
"""Relative cut of each category's rate once a room opens (others: none)."""


def _month(k: int) -> dt.date:
    y, m = divmod(k - 1, 12)
    return dt.date(2023 + y, m + 1, 1)


def _category_city(db, seed: int = 5, n: int = 60, months: int = 24):
    rng = np.random.default_rng(seed)
    ids = [f"K{i:03d}" for i in range(n)]
    hh = rng.integers(600, 2500, n)
    g = np.where(np.arange(n) < n // 3, 0, np.array([7, 11, 15])[np.arange(n) % 3])
    rows, exp_diff = [], []
    for i in range(n):
        lvl = rng.uniform(0.8, 1.2)
        for k in range(1, months + 1):
            on = bool(g[i]) and k >= g[i]
            for cat, rate in RATES.items():
                lam = hh[i] / 1000 * rate * lvl * (1 + 0.01 * k)
                cut = DROP.get(cat, 0.0) if on else 0.0
                if on and cat == "consultation":
                    exp_diff.append(-lam * cut * 1000 / hh[i])
                m0 = pd.Timestamp(_month(k))
                for _ in range(rng.poisson(lam * (1 - cut))):
                    rows.append((m0 + pd.Timedelta(minutes=int(rng.integers(0, 27 * 24 * 60))), ids[i], cat))
    tables = {
        "communities": pd.DataFrame({"community_id": ids, "district": "east", "households": hh}),
        "service_rooms": pd.DataFrame({
            "room_id": [f"R{i:03d}" for i in range(n) if g[i]],
            "community_id": [ids[i] for i in range(n) if g[i]],
            "served_community_ids": [[ids[i]] for i in range(n) if g[i]],
            "opened_on": [_month(int(g[i])) for i in range(n) if g[i]],
        }),
        "hotline_orders": pd.DataFrame({
            "order_id": [f"O{j}" for j in range(len(rows))],
            "received_at": [r[0] for r in rows],
            "community_id": [r[1] for r in rows],
            "category": [r[2] for r in rows],
        }),
    }
    write_tables(db, tables)
    return float(np.mean(exp_diff))


def test_category_effects_recover_known_effects(tmp_path):
    db = tmp_path / "cat.duckdb"
    true_consultation = _category_city(db)
    con = warehouse.connect_read(db)
    res = {g.group: g.result for g in estimate_categories(con)}
    assert list(res) == list(HOTLINE_GROUPS)
    c = res["consultation"]
    assert c.ok and c.ci_low <= true_consultation <= c.ci_high, (true_consultation, c.att, c.ci_low, c.ci_high)
    assert c.ci_high < 0  # a real fall is found
    for placebo in ("fault_repair", "complaint", "reminder", "rest"):
        r = res[placebo]
        assert r.ok, (placebo, r.reason)
        assert r.ci_low <= 0.0 <= r.ci_high, (placebo, r.att, r.ci_low, r.ci_high)
