"""The queue simulation: a hand-worked case and the invariants on a generated city."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.demo import generate, get_config
from dashboard.demo.queue import (
    OUTCOME_CANCELLED, OUTCOME_NO_SHOW, OUTCOME_SERVED, day_frame, simulate_queue,
)


def _frame(issued, service, patience, no_show=None, diverted=None) -> pd.DataFrame:
    n = len(issued)
    return pd.DataFrame({
        "hall_idx": np.zeros(n, np.int32), "day_idx": np.zeros(n, np.int32),
        "issued_s": np.array(issued, np.int32), "walk_s": np.zeros(n, np.int32),
        "service_s": np.array(service, np.int32), "patience_s": np.array(patience, np.int32),
        "no_show": np.array(no_show or [False] * n), "diverted": np.array(diverted or [False] * n),
    })


def test_hand_worked_two_counters():
    # 2024-01-01 is a Monday: the hall opens at 08:30 = 30600 s
    days = day_frame(get_config("tiny"))
    o = 30600
    f = _frame(
        issued=[o, o + 10, o + 20, o + 30, o + 40],
        service=[600, 300, 100, 100, 100],
        patience=[9999, 9999, 9999, 100, 9999],
        no_show=[False, False, True, False, False],
    )
    called, counter, outcome = simulate_queue(f, np.array([2]), days, include_diverted=True)
    # t0 → counter 0 at o (busy to o+600); t1 → counter 1 at o+10 (to o+310);
    # t2 (no-show) → counter 1 at o+310, holds it 60 s (to o+370);
    # t3 would start at o+370 after waiting 340 s > patience 100 → cancelled;
    # t4 → counter 1 at o+370
    assert called.tolist() == [o, o + 10, o + 310, -1, o + 370]
    assert counter.tolist() == [0, 1, 1, -1, 1]
    assert outcome.tolist() == [OUTCOME_SERVED, OUTCOME_SERVED, OUTCOME_NO_SHOW, OUTCOME_CANCELLED, OUTCOME_SERVED]


def test_diverted_tickets_are_not_queued():
    days = day_frame(get_config("tiny"))
    o = 30600
    f = _frame(issued=[o, o + 1], service=[600, 600], patience=[9999, 9999], diverted=[True, False])
    called, counter, outcome = simulate_queue(f, np.array([1]), days, include_diverted=False)
    assert called.tolist() == [-1, o + 1] and outcome.tolist() == [-1, OUTCOME_SERVED]
    called, _, _ = simulate_queue(f, np.array([1]), days, include_diverted=True)
    assert called.tolist() == [o, o + 600]


@pytest.fixture(scope="module")
def city():
    return generate("tiny", seed=3)


def test_called_never_before_issued(city):
    f = city.tickets.frame
    q = f[f["called_s"] >= 0]
    assert len(q) > 1000
    assert (q["called_s"] >= q["issued_s"]).all()


def test_no_counter_serves_two_tickets_at_once(city):
    f = city.tickets.frame
    q = f[f["called_s"] >= 0].copy()
    q["busy_to"] = np.where(q["no_show"], q["called_s"] + 60, q["called_s"] + q["walk_s"] + q["service_s"])
    q = q.sort_values(["hall_idx", "day_idx", "counter", "called_s"], kind="stable")
    same = (q[["hall_idx", "day_idx", "counter"]].shift() == q[["hall_idx", "day_idx", "counter"]]).all(axis=1)
    prev_end = q["busy_to"].shift()
    overlap = same & (q["called_s"] < prev_end)
    assert not overlap.any()
    # and every counter index is within the hall's counters
    assert (q["counter"] < city.tickets.counters[q["hall_idx"]]).all()


def test_first_come_first_served(city):
    f = city.tickets.frame
    q = f[f["called_s"] >= 0]
    # in issue order within a hall-day, call times never go back
    d = q.groupby(["hall_idx", "day_idx"], sort=False)["called_s"].diff()
    assert (d.dropna() >= 0).all()


def test_cancelled_tickets_waited_past_their_patience(city):
    f = city.tickets.frame
    days = day_frame(city.cfg)
    called, _, outcome = simulate_queue(f, city.tickets.counters, days, include_diverted=False)
    assert np.array_equal(outcome, f["outcome"].to_numpy())
    assert (f["outcome"] == OUTCOME_CANCELLED).sum() > 0
    assert (f.loc[f["outcome"] == OUTCOME_CANCELLED, "called_s"] == -1).all()


def test_waits_fall_after_rooms_open_compared_with_no_rooms(city):
    f = city.tickets.frame
    days = day_frame(city.cfg)
    called_cf, _, out_cf = simulate_queue(f, city.tickets.counters, days, include_diverted=True)
    date = days["date"].to_numpy()[f["day_idx"].to_numpy()]
    first_open = city.roll.rooms["opened_on"].min()
    before = date < np.datetime64(first_open, "D")
    wait = (f["called_s"] - f["issued_s"]).to_numpy() / 60.0
    wait_cf = (called_cf - f["issued_s"].to_numpy()) / 60.0
    act = f["outcome"].to_numpy() == OUTCOME_SERVED
    cf = out_cf == OUTCOME_SERVED
    # before any room: the same draws give exactly the same queue
    assert np.array_equal(f["called_s"].to_numpy()[before], called_cf[before])
    # after the waves: the halls' waits are shorter than without rooms
    last_wave = np.datetime64(city.roll.rooms["opened_on"].max(), "D") + np.timedelta64(14, "D")
    after = date >= last_wave
    assert wait[act & after].mean() < 0.95 * wait_cf[cf & after].mean()
    # and rooms took tickets away only after opening
    assert not f["diverted"].to_numpy()[before].any()
    assert f["diverted"].to_numpy()[after].sum() > 100


def test_vectorised_queue_equals_one_ticket_at_a_time_heap():
    # the all-hall-days-at-once simulation gives exactly the heap loop's calls and counters,
    # on random groups of different lengths (incl. empty), counters and opening times
    from dashboard.demo.queue import _queue_heap, _queue_vector

    rng = np.random.default_rng(0)
    g_len = rng.integers(0, 120, 60)
    g_len[:3] = [0, 1, 300]
    n_cnt = rng.integers(1, 6, len(g_len))
    open_s = rng.choice([30600, 32400], len(g_len))
    issued, busy, patience = [], [], []
    for n, o in zip(g_len, open_s):
        issued.append(np.sort(o + rng.integers(-600, 8 * 3600, n)))  # some arrive before opening
        busy.append(rng.integers(30, 1800, n))
        patience.append(rng.integers(0, 3600, n))
    issued, busy, patience = (np.concatenate(x).astype(np.int64) for x in (issued, busy, patience))
    starts = np.r_[0, np.cumsum(g_len)[:-1]]
    called, counter = _queue_vector(starts, g_len, n_cnt, open_s, issued, busy, patience)
    ref_c, ref_k = _queue_heap(np.r_[starts, len(issued)].tolist(), n_cnt.tolist(), open_s.tolist(),
                               issued.tolist(), busy.tolist(), patience.tolist())
    assert (called >= 0).sum() > 1000 and (called < 0).sum() > 50  # both outcomes occur
    assert called.tolist() == ref_c
    assert counter.tolist() == ref_k
