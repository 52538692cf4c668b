"""Counter tickets of the demo's business halls, from a queue simulation.

Demand: every community sends Poisson arrivals to its nearest hall, by day and ticket
type, shaped by weekday, season and a common downward trend of payments (online
payment). Within a day arrivals follow a half-hourly profile (morning and afternoon
peaks). After a room opens, each offloadable ticket of a community it serves goes to
the room instead with probability ``-counter_rel * ramp`` (the true effect): the
ticket is *diverted* and becomes a room visit (:mod:`dashboard.demo.visits`).

Queue: each hall has a fixed number of counters, sized from its baseline demand.
Tickets are served first come first served by the first free counter; a customer who
would wait longer than their patience leaves (``cancelled``), a few are called and do
not come (``no_show``, the counter waits a minute). Waiting times are therefore a
*consequence* of the load: when rooms take visits away, the hall's waits fall.

Every per-ticket draw (handling time, patience, no-show, customer) is made for all
tickets, diverted or not, so :func:`simulate_queue` on all tickets is the same city
without rooms (the counterfactual) with the same seed.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.demo.config import HANDLING_MIN, OFFLOADABLE, TICKET_SHARE, TICKET_TYPES, DemoConfig
from dashboard.demo.geography import Geography
from dashboard.demo.rollout import Rollout, ramp

__all__ = [
    "OUTCOME_CANCELLED", "OUTCOME_NO_SHOW", "OUTCOME_SERVED",
    "Tickets", "counters_for_halls", "day_frame", "generate_tickets", "simulate_queue",
]

OUTCOME_SERVED, OUTCOME_NO_SHOW, OUTCOME_CANCELLED = 0, 1, 2

SEASON = np.array([1.10, 0.85, 1.00, 0.95, 0.95, 1.05, 1.15, 1.15, 1.00, 0.95, 0.95, 1.05])
"""Demand by calendar month (heating and air-conditioning bills)."""
WEEKDAY = np.array([1.20, 1.05, 1.00, 1.00, 1.05, 0.65, 0.55])
"""Demand by weekday (Mon..Sun)."""
_PROFILE_WD = np.array([1.0, 1.4, 1.6, 1.6, 1.4, 1.1, 0.8, 0.5, 0.5, 0.7, 1.0, 1.2, 1.2, 1.1, 1.0, 0.8, 0.5])
"""Weekday arrivals by half hour from 08:30 (17 slots to 17:00)."""
_PROFILE_WE = np.array([1.0, 1.3, 1.4, 1.3, 1.1, 0.8, 0.6, 0.6, 0.8, 1.0, 1.0, 0.9, 0.7, 0.4])
"""Weekend arrivals by half hour from 09:00 (14 slots to 16:00)."""
OPEN_WD_S, OPEN_WE_S = 8 * 3600 + 1800, 9 * 3600
NO_SHOW_P = 0.03
APPOINTMENT_P = 0.05
PATIENCE_MIN = (10.0, 70.0)
"""Patience: 10 minutes plus an exponential with mean 70 minutes."""
_SIGMA = 0.5


@dataclass
class Tickets:
    """Generated tickets, sorted by hall, day and issue time (one entry per ticket).

    ``diverted`` tickets went to a room instead; they carry no queue result in the
    real run but are queued in the no-room run.
    """

    frame: pd.DataFrame
    counters: np.ndarray
    """Fixed number of counters per hall (row position of the hall)."""


def day_frame(cfg: DemoConfig) -> pd.DataFrame:
    """The window's days with weekday (0=Mon), month index and calendar month."""
    days = pd.date_range(cfg.start, cfg.end, freq="D")
    return pd.DataFrame({
        "date": days.values.astype("datetime64[D]"),
        "dow": days.dayofweek.to_numpy(),
        "cal_month": days.month.to_numpy(),
        "month_idx": ((days.year - cfg.start.year) * 12 + days.month - cfg.start.month).to_numpy(),
        "year_frac": ((days - pd.Timestamp(cfg.start)).days / 365.25).to_numpy(),
    })


def _mean_busy_s() -> float:
    share = np.array(TICKET_SHARE)
    return float((share * np.array(HANDLING_MIN)).sum() / share.sum() * 60.0 + 37.5)


def _rates(cfg: DemoConfig, geo: Geography, days: pd.DataFrame) -> np.ndarray:
    """Expected tickets per (community, day, type) without rooms."""
    comm = geo.communities
    rural = (comm["kind"] == "rural").to_numpy()
    per_day = (comm["households"].to_numpy() / 1000.0 * cfg.ticket_rate * 12.0 / 365.25
               * np.where(rural, cfg.rural_ticket_factor, 1.0))
    wd = WEEKDAY / WEEKDAY.mean()
    day_f = SEASON[days["cal_month"].to_numpy() - 1] * wd[days["dow"].to_numpy()]
    share = np.array(TICKET_SHARE) / np.sum(TICKET_SHARE)
    type_day = np.ones((len(days), len(TICKET_TYPES)))
    pay = TICKET_TYPES.index("payment")
    type_day[:, pay] = (1.0 + cfg.payment_trend_per_year) ** days["year_frac"].to_numpy()
    return per_day[:, None, None] * (day_f[:, None] * type_day * share[None, :])[None, :, :]


def counters_for_halls(cfg: DemoConfig, geo: Geography, days: pd.DataFrame) -> np.ndarray:
    """Fixed counters per hall: the busiest half hour of an average weekday of the first
    quarter (before any room) at utilisation ``cfg.hall_util``."""
    lam = _rates(cfg, geo, days)
    first_q = (days["month_idx"].to_numpy() < 3) & (days["dow"].to_numpy() < 5)
    per_comm_day = lam[:, first_q, :].sum(axis=2).mean(axis=1)
    per_hall = np.bincount(geo.communities["hall_idx"].to_numpy(), weights=per_comm_day,
                           minlength=len(geo.halls))
    peak = per_hall * _PROFILE_WD.max() / _PROFILE_WD.sum() * 2.0  # arrivals per hour
    load = peak * _mean_busy_s() / 3600.0
    return np.maximum(2, np.ceil(load / cfg.hall_util)).astype(np.int64)


def generate_tickets(
    cfg: DemoConfig, geo: Geography, roll: Rollout, rng: np.random.Generator
) -> Tickets:
    """Draw every ticket (diverted or not) with its per-ticket randomness.

    Parameters
    ----------
    cfg, geo, roll
        The configuration, geography and roll-out.
    rng
        Random generator.

    Returns
    -------
    Tickets
        Sorted by ``hall_idx, day_idx, issued_s``; columns ``hall_idx, day_idx,
        issued_s`` (seconds after midnight), ``type`` (index into TICKET_TYPES),
        ``comm_idx, customer_idx, diverted, walk_s, service_s, patience_s, no_show,
        appointment``, and the queue result of the real run (``called_s, counter,
        outcome``; -1 / -1 / -1 for diverted tickets).
    """
    days = day_frame(cfg)
    lam = _rates(cfg, geo, days)
    counts = rng.poisson(lam).astype(np.int64)
    cell = np.repeat(np.arange(counts.size, dtype=np.int64), counts.ravel())
    del lam, counts
    n_d, n_t = len(days), len(TICKET_TYPES)
    comm_idx = (cell // (n_d * n_t)).astype(np.int32)
    day_idx = ((cell // n_t) % n_d).astype(np.int32)
    typ = (cell % n_t).astype(np.int8)
    del cell
    n = len(typ)

    # time of day: half-hour slot from the profile, uniform inside it
    weekend = days["dow"].to_numpy()[day_idx] >= 5
    u = rng.random(n)
    cwd = np.cumsum(_PROFILE_WD) / _PROFILE_WD.sum()
    cwe = np.cumsum(_PROFILE_WE) / _PROFILE_WE.sum()
    slot = np.where(weekend, np.searchsorted(cwe, u, side="right"), np.searchsorted(cwd, u, side="right"))
    issued = (np.where(weekend, OPEN_WE_S, OPEN_WD_S) + slot * 1800
              + np.floor(rng.random(n) * 1800)).astype(np.int32)

    # diversion to rooms: offloadable types of served communities, by the ramp
    off = np.isin(np.array(TICKET_TYPES)[typ], OFFLOADABLE)
    first = roll.first_opened[comm_idx]
    since = (days["date"].to_numpy()[day_idx] - first).astype("timedelta64[D]").astype(float)
    since[np.isnat(first)] = np.nan
    p_div = -cfg.effects.counter_rel * ramp(since, cfg.effects.ramp_months) * off
    diverted = rng.random(n) < p_div

    # per-ticket draws, for every ticket
    mean_s = np.array(HANDLING_MIN)[typ] * 60.0
    service = np.maximum(30, np.round(mean_s * np.exp(rng.normal(-_SIGMA**2 / 2, _SIGMA, n)))).astype(np.int32)
    walk = rng.integers(15, 61, n).astype(np.int32)
    patience = (PATIENCE_MIN[0] * 60 + rng.exponential(PATIENCE_MIN[1] * 60, n)).astype(np.int32)
    no_show = rng.random(n) < NO_SHOW_P
    appointment = rng.random(n) < APPOINTMENT_P
    hh = geo.communities["households"].to_numpy()[comm_idx]
    customer = np.floor(rng.random(n) * hh).astype(np.int32)

    hall_idx = geo.communities["hall_idx"].to_numpy()[comm_idx].astype(np.int32)
    # one int64 key, stable sort: the order of lexsort((issued, day_idx, hall_idx)), 5x faster
    key = (hall_idx.astype(np.int64) * n_d + day_idx) * 86_400 + issued
    order = np.argsort(key, kind="stable")
    del key
    frame = pd.DataFrame({
        "hall_idx": hall_idx[order],
        "day_idx": day_idx[order],
        "issued_s": issued[order],
        "type": typ[order],
        "comm_idx": comm_idx[order],
        "customer_idx": customer[order],
        "diverted": diverted[order],
        "walk_s": walk[order],
        "service_s": service[order],
        "patience_s": patience[order],
        "no_show": no_show[order],
        "appointment": appointment[order],
    })
    counters = counters_for_halls(cfg, geo, days)
    called, counter, outcome = simulate_queue(frame, counters, days, include_diverted=False)
    frame["called_s"] = called
    frame["counter"] = counter
    frame["outcome"] = outcome
    return Tickets(frame=frame, counters=counters)


def simulate_queue(
    frame: pd.DataFrame, counters: np.ndarray, days: pd.DataFrame, *, include_diverted: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the first-come-first-served multi-counter queue of every hall-day.

    Parameters
    ----------
    frame
        Tickets sorted by ``hall_idx, day_idx, issued_s`` (see :func:`generate_tickets`).
    counters
        Counters per hall.
    days
        :func:`day_frame` of the window (weekends open later).
    include_diverted
        ``False``: the real city (diverted tickets are not queued, their results are
        -1). ``True``: the city without rooms (every ticket queued).

    Returns
    -------
    called_s, counter, outcome
        Seconds after midnight of the (last) call (-1 when never called), counter index
        (0-based, -1 when never called) and outcome code (served 0, no-show 1,
        cancelled 2; -1 for tickets not queued).
    """
    n = len(frame)
    active = np.ones(n, dtype=bool) if include_diverted else ~frame["diverted"].to_numpy()
    idx = np.flatnonzero(active)
    hall = frame["hall_idx"].to_numpy()[idx]
    day = frame["day_idx"].to_numpy()[idx]
    issued = frame["issued_s"].to_numpy()[idx]
    busy = (frame["walk_s"].to_numpy()[idx] + frame["service_s"].to_numpy()[idx]).astype(np.int64)
    busy = np.where(frame["no_show"].to_numpy()[idx], 60, busy)
    patience = frame["patience_s"].to_numpy()[idx]
    weekend = days["dow"].to_numpy() >= 5
    # one group per hall-day, all groups simulated together (see _queue_vector)
    if len(idx):
        starts = np.flatnonzero(np.r_[True, (hall[1:] != hall[:-1]) | (day[1:] != day[:-1])])
    else:
        starts = np.zeros(0, dtype=np.int64)
    g_len = np.diff(np.r_[starts, len(idx)])
    g_open = np.where(weekend[day[starts]], OPEN_WE_S, OPEN_WD_S)
    g_cnt = np.asarray(counters, dtype=np.int64)[hall[starts]]
    called_a, counter_a = _queue_vector(starts, g_len, g_cnt, g_open, issued, busy, patience)
    called = np.full(n, -1, dtype=np.int64)
    counter = np.full(n, -1, dtype=np.int64)
    outcome = np.full(n, -1, dtype=np.int8)
    called[idx] = called_a
    counter[idx] = counter_a
    out = np.where(called_a < 0, OUTCOME_CANCELLED,
                   np.where(frame["no_show"].to_numpy()[idx], OUTCOME_NO_SHOW, OUTCOME_SERVED))
    outcome[idx] = out
    return called, counter, outcome


def _queue_vector(
    group_start: np.ndarray, group_len: np.ndarray, n_counters: np.ndarray, open_s: np.ndarray,
    issued: np.ndarray, busy: np.ndarray, patience: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """FCFS with ``c`` counters per group (hall-day), every group at once.

    Group ``g`` holds tickets ``group_start[g] : group_start[g] + group_len[g]`` in issue
    order, served by ``n_counters[g]`` counters that are free from ``open_s[g]``. Step
    ``j`` handles the ``j``-th ticket of every group that has one: it is called when the
    earliest-free counter of its group is free (ties: lowest counter), or leaves
    uncalled (-1, -1) if that is later than its patience allows. This is the heap loop
    of one group at a time, done for all groups in the same numpy step, so the number
    of Python iterations is the longest group's length, not the number of tickets.

    Returns the call times and counters (int64), in ticket order.
    """
    n = len(issued)
    called = np.full(n, -1, dtype=np.int64)
    counter = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(group_len) == 0:
        return called, counter
    # longest groups first: the groups still active at step j are a prefix
    order = np.argsort(-group_len, kind="stable")
    g_start = group_start[order].astype(np.int64)
    g_len = group_len[order].astype(np.int64)
    c_max = int(n_counters.max())
    never = np.iinfo(np.int64).max // 4  # a padding counter is never the earliest free
    free = np.where(np.arange(c_max)[None, :] < n_counters[order][:, None],
                    open_s[order].astype(np.int64)[:, None], never)
    # active[j] = number of groups longer than j
    active = np.searchsorted(-g_len, -np.arange(int(g_len[0])), side="left")
    issued = np.asarray(issued, dtype=np.int64)
    busy = np.asarray(busy, dtype=np.int64)
    patience = np.asarray(patience, dtype=np.int64)
    rows_all = np.arange(len(g_len))
    for j, m in enumerate(active.tolist()):
        rows = rows_all[:m]
        i = g_start[:m] + j
        f = free[:m]
        k = f.argmin(axis=1)
        free_at = f[rows, k]
        a = issued[i]
        start = np.maximum(a, free_at)
        ok = start - a <= patience[i]
        r_ok, k_ok, s_ok, i_ok = rows[ok], k[ok], start[ok], i[ok]
        free[r_ok, k_ok] = s_ok + busy[i_ok]
        called[i_ok] = s_ok
        counter[i_ok] = k_ok
    return called, counter


def _queue_heap(
    bounds: list[int], n_counters: list[int], open_s: list[int],
    issued: list[int], busy: list[int], patience: list[int],
) -> tuple[list[int], list[int]]:
    """FCFS with c counters per group, one ticket at a time with a heap of (free at,
    counter) per group: the plain reference :func:`_queue_vector` is tested against.

    A ticket is called when the earliest-free counter is free (ties: lowest counter);
    if that is later than its patience allows it leaves uncalled (-1, -1).
    Returns the call times and counters, in ticket order.
    """
    called = [-1] * len(issued)
    counter = [-1] * len(issued)
    replace = heapq.heapreplace
    for g in range(len(bounds) - 1):
        o = open_s[g]
        heap = [(o, k) for k in range(n_counters[g])]
        for i in range(bounds[g], bounds[g + 1]):
            free_at, k = heap[0]
            a = issued[i]
            start = a if a > free_at else free_at
            if start - a > patience[i]:
                continue
            replace(heap, (start + busy[i], k))
            called[i] = start
            counter[i] = k
    return called, counter
