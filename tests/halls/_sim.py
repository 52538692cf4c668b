"""Simulated halls with a known answer, for the hall-level wait effect tests.

``dose_panel``: a hall-month panel ``y = hall effect + month effect + slope * share +
noise`` with staggered, hall-specific exposure shares (the design-based method's model).

``queue_world``: halls whose tickets go through the demo's own first-come-first-served
multi-counter queue (:func:`dashboard.demo.queue.simulate_queue`) twice: with a share of
the tickets diverted to rooms from the exposure month on (actual) and with every ticket
(counterfactual). Returns the hall-hour cells the queue-model method reads (computed here
in pandas, the way ``queries/rollups/12_hall_cells.sql`` does in SQL), the exposure, the
catchment, the arrival effect in tickets per 1,000 households, and the true hall-level
effect (mean over exposed hall-months of actual − counterfactual mean wait).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analysis.exposure import Exposure, exposure_from_volume
from dashboard.analysis.hall_effects import ArrivalEffect
from dashboard.demo.queue import (
    OUTCOME_CANCELLED,
    OUTCOME_NO_SHOW,
    OUTCOME_SERVED,
    simulate_queue,
)


def dose_panel(n_halls: int = 30, n_months: int = 30, slope: float = -4.0, noise: float = 0.3,
               seed: int = 1) -> tuple[pd.DataFrame, float]:
    """The panel and its true effect (slope × mean share over exposed hall-months)."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2022-01-01", periods=n_months, freq="MS")
    start = rng.integers(6, 18, n_halls)  # exposure month per hall
    final = rng.uniform(0.1, 0.9, n_halls)  # share reached at full roll-out
    t = np.arange(n_months)[None, :]
    share = np.clip((t - start[:, None] + 1) / 8.0, 0.0, 1.0) * final[:, None]
    y = (rng.normal(10, 2, n_halls)[:, None] + np.sin(t / 3.0) + 0.05 * t
         + slope * share + rng.normal(0, noise, (n_halls, n_months)))
    exposed = t >= start[:, None]
    panel = pd.DataFrame({
        "hall_id": np.repeat([f"H{i:02d}" for i in range(n_halls)], n_months),
        "month_on": np.tile(months, n_halls),
        "n_served": 1000,
        "y": y.ravel(),
        "share": share.ravel(),
        "exposed": exposed.ravel(),
    })
    return panel, float(slope * share[exposed].mean())


@dataclass
class QueueWorld:
    cells: pd.DataFrame
    exposure: Exposure
    catchment: pd.DataFrame
    arrival: ArrivalEffect
    true_att: float
    true_cf_mean: float


PROFILE = np.array([0.7, 1.15, 1.05, 0.6, 0.8, 1.05, 0.9, 0.5])
"""Offered load per counter by hour from 9:00 (8 hours)."""
TICKETS_PER_1K_HH = 200.0


def queue_world(p_divert: float = 0.15, seed: int = 3, counters=(3, 4, 6), months: int = 6,
                exposed_from: int = 3, arrival_ci: tuple[float, float] | None = None) -> QueueWorld:
    """Simulate the halls (weekdays only, 9:00-17:00) and what the method needs; the
    arrival effect is the true one (−p_divert × 200 per 1,000 households), its interval
    ±15 % unless ``arrival_ci`` is given."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2024-01-01", periods=months * 21)
    days = days[days < pd.Timestamp("2024-01-01") + pd.DateOffset(months=months)]
    month_idx = (days.year - 2024) * 12 + days.month - 1
    n_d = len(days)
    mean_s = 360.0  # handling, seconds; the walk adds 30 s
    rows = []
    for h, c in enumerate(counters):
        for d in range(n_d):
            for k, load in enumerate(PROFILE):
                lam = load * c * 3600.0 / (mean_s + 30.0)
                n = rng.poisson(lam)
                t0 = 9 * 3600 + k * 3600
                rows.append(pd.DataFrame({"hall_idx": h, "day_idx": d, "issued_s": np.sort(rng.integers(t0, t0 + 3600, n))}))
    f = pd.concat(rows, ignore_index=True).sort_values(["hall_idx", "day_idx", "issued_s"], kind="stable")
    n = len(f)
    f["service_s"] = np.maximum(30, np.round(mean_s * np.exp(rng.normal(-0.125, 0.5, n)))).astype(np.int64)
    f["walk_s"] = 30
    f["patience_s"] = (600 + rng.exponential(3600.0, n)).astype(np.int64)
    f["no_show"] = rng.random(n) < 0.03
    exposed_day = month_idx.to_numpy()[f["day_idx"].to_numpy()] >= exposed_from
    f["diverted"] = exposed_day & (rng.random(n) < p_divert)
    f = f.reset_index(drop=True)
    dayf = pd.DataFrame({"dow": np.zeros(n_d, dtype=np.int64)})
    called, counter, outcome = simulate_queue(f, np.asarray(counters), dayf, include_diverted=False)
    called_cf, _, outcome_cf = simulate_queue(f, np.asarray(counters), dayf, include_diverted=True)

    hall_ids = np.array([f"H{i}" for i in range(len(counters))])
    day_on = days.to_numpy()[f["day_idx"].to_numpy()]
    t = pd.DataFrame({
        "hall_id": hall_ids[f["hall_idx"].to_numpy()],
        "day_on": day_on,
        "month_on": pd.to_datetime(day_on).to_period("M").to_timestamp(),
        "issued_h": f["issued_s"].to_numpy() // 3600,
        "called_h": np.where(called >= 0, called // 3600, -1),
        "counter": counter,
        "outcome": outcome,
        "wait_min": (called - f["issued_s"].to_numpy()) / 60.0,
        "busy_min": (f["walk_s"] + f["service_s"]).to_numpy() / 60.0,
        "wait_cf_min": (called_cf - f["issued_s"].to_numpy()) / 60.0,
        "outcome_cf": outcome_cf,
    })
    real = t[~f["diverted"].to_numpy()]
    served = real["outcome"] == OUTCOME_SERVED
    cells = real.assign(
        n_tickets=1,
        n_arrivals=real["outcome"].isin([OUTCOME_SERVED, OUTCOME_NO_SHOW]).astype(int),
        n_waited=served.astype(int),
        sum_wait_min=np.where(served, real["wait_min"], 0.0),
        n_busy=served.astype(int),
        sum_busy_min=np.where(served, real["busy_min"], 0.0),
        sumsq_busy_min2=np.where(served, real["busy_min"] ** 2, 0.0),
    ).rename(columns={"issued_h": "hour_of_day"}).groupby(
        ["hall_id", "day_on", "month_on", "hour_of_day"], as_index=False)[
        ["n_tickets", "n_arrivals", "n_waited", "sum_wait_min", "n_busy", "sum_busy_min", "sumsq_busy_min2"]].sum()
    calls = real[real["called_h"] >= 0].groupby(["hall_id", "day_on", "called_h"])["counter"].nunique()
    calls.index = calls.index.set_names("hour_of_day", level=2)
    cells = cells.merge(calls.rename("n_counters").reset_index(), on=["hall_id", "day_on", "hour_of_day"], how="left")
    cells["n_counters"] = cells["n_counters"].fillna(0).astype(int)
    assert (real["outcome"] != OUTCOME_CANCELLED).any()

    # truth: per hall-month mean wait of served tickets, actual and counterfactual
    act = real[served].groupby(["hall_id", "month_on"])["wait_min"].mean()
    cf = t[t["outcome_cf"] == OUTCOME_SERVED].groupby(["hall_id", "month_on"])["wait_cf_min"].mean()
    ex_month = pd.Timestamp("2024-01-01") + pd.DateOffset(months=exposed_from)
    both = pd.concat({"act": act, "cf": cf}, axis=1).reset_index()
    post = both[both["month_on"] >= ex_month]
    true_att = float((post["act"] - post["cf"]).mean())

    # one community per hall, households so that it sends TICKETS_PER_1K_HH a month
    per_month = t.groupby("hall_id").size() / months
    hh = (per_month / TICKETS_PER_1K_HH * 1000.0).reindex(hall_ids).to_numpy()
    volume = pd.DataFrame({"hall_id": hall_ids, "community_id": [f"C{i}" for i in range(len(counters))],
                           "n_pre_tickets": 100, "n_tickets": 100, "first_opened_on": ex_month})
    month_list = pd.date_range("2024-01-01", periods=months, freq="MS")
    exposure = exposure_from_volume(volume, list(hall_ids), month_list)
    catchment = pd.DataFrame({"hall_id": hall_ids, "community_id": volume["community_id"], "households": hh,
                              "hall_share": 1.0, "served_month": ex_month})
    att = -p_divert * TICKETS_PER_1K_HH
    lo, hi = arrival_ci if arrival_ci is not None else sorted((att * 1.15, att * 0.85))
    arrival = ArrivalEffect(att=att, ci_low=lo, ci_high=hi, by_event={})
    return QueueWorld(cells=cells, exposure=exposure, catchment=catchment, arrival=arrival, true_att=true_att,
                      true_cf_mean=float(post["cf"].mean()))
