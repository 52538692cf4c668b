"""Simulated community-month panels for the estimator tests (numpy only).

Independent of the code under test: the data-generating process is written out here,
and the true average effect on the treated (ATT) is computed from the injected
per-cell effects. The panel has the shape of the SQL panels (``community_id``,
``month_on``, ``first_opened_on``, ``y``).

Model: ``y_it = a_i + m_t + s(t) + b*t + tau_it + e_it`` with community effects
``a_i`` (correlated with the opening wave: early waves start higher), month shocks
``m_t``, seasonality ``s``, a city-wide trend ``b``, staggered openings, and an effect
``tau_it`` that differs by wave and grows with months since opening (heterogeneous
and dynamic: the case where two-way fixed effects is biased).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

START = dt.date(2022, 1, 1)


def month_on(k: int) -> dt.date:
    """First day of month ``k`` (1-based) counted from :data:`START`."""
    y, m = divmod(START.month - 1 + k - 1, 12)
    return dt.date(START.year + y, m + 1, 1)


@dataclass
class Sim:
    panel: pd.DataFrame
    true_att: float
    cohort: np.ndarray  # 1-based opening month per community, 0 = never
    tau: np.ndarray  # (n, T) injected effect


def simulate(
    seed: int,
    *,
    n: int = 300,
    months: int = 36,
    waves: tuple[int, ...] = (10, 14, 18, 22, 26),
    share_never: float = 0.3,
    base_effect: float = -2.0,
    growth: float = -0.05,
    wave_spread: float = 0.5,
    noise: float = 1.0,
    opening_day: int | None = None,
) -> Sim:
    """Draw one panel.

    ``tau_it = (base_effect + wave_spread * k_w) * (1 + growth_rel * e)`` for months
    ``e = t - g >= 0`` since opening, where ``k_w`` indexes the wave; ``growth`` is the
    extra effect per month of exposure.
    """
    rng = np.random.default_rng(seed)
    T = months
    never = rng.random(n) < share_never
    wave_idx = rng.integers(0, len(waves), n)
    g = np.where(never, 0, np.asarray(waves)[wave_idx])
    # selection on levels: early waves have higher baselines (DiD allows this)
    a = rng.normal(20.0, 3.0, n) + np.where(never, 0.0, 2.0 - 0.5 * wave_idx)
    t = np.arange(1, T + 1)
    m_shock = rng.normal(0.0, 0.7, T)
    season = 2.0 * np.sin(2 * np.pi * t / 12.0) + 1.0 * np.cos(2 * np.pi * t / 6.0)
    trend = 0.08 * t
    e = t[None, :] - g[:, None]
    treated = (g[:, None] > 0) & (e >= 0)
    wave_effect = base_effect + wave_spread * np.where(never, 0, wave_idx)
    tau = np.where(treated, wave_effect[:, None] + growth * np.clip(e, 0, None), 0.0)
    y = a[:, None] + (m_shock + season + trend)[None, :] + tau + rng.normal(0, noise, (n, T))
    true_att = float(tau[treated].mean()) if treated.any() else 0.0

    day = opening_day
    opened = []
    for gi in g:
        if gi == 0:
            opened.append(None)
        else:
            d = month_on(int(gi))
            opened.append(d.replace(day=day if day else int(rng.integers(1, 28))))
    ids = [f"C{i:04d}" for i in range(n)]
    panel = pd.DataFrame(
        {
            "community_id": np.repeat(ids, T),
            "month_on": [month_on(k) for k in t] * n,
            "first_opened_on": np.repeat(np.array(opened, dtype=object), T),
            "y": y.ravel(),
        }
    )
    panel["first_opened_on"] = pd.to_datetime(panel["first_opened_on"])
    panel["month_on"] = pd.to_datetime(panel["month_on"])
    return Sim(panel=panel, true_att=true_att, cohort=g, tau=tau)
