"""The demo's true hall-level wait effect (dashboard.demo.truth_halls) on a hand-worked
case, and on a generated tiny city: the queue spills over to communities without a room.

Hall 0 (communities c0, served from month 1, and c2, never served), hall 1 (c1, never):
* month 0: A (c0) waits 10 min in both runs: not exposed;
* month 1: B (c0) 4 vs 6, C (c0) 2 vs 8, F (c2) 3 vs 5 -> 3 - 19/3 = -10/3;
* month 2: D (c0) 5 vs 5, E (c0) diverted in the real run, 9 without rooms -> 5 - 7 = -2;
* hall 1: G (c1) 1 vs 1 in every month, never exposed.
att = (-10/3 - 2) / 2 = -8/3; counterfactual mean (19/3 + 7) / 2 = 20/3; relative -0.4;
spillover share: of the summed difference of tickets served in both runs (-2 -6 -2 +0 =
-10), F's -2 falls on a community not served: 0.2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.demo.queue import OUTCOME_SERVED as S
from dashboard.demo.truth_halls import hall_truth


def test_hall_truth_by_hand():
    #          A    B    C    F    D    E    G0   G1   G2
    hall = [0, 0, 0, 0, 0, 0, 1, 1, 1]
    day = [0, 1, 1, 1, 2, 2, 0, 1, 2]  # one day per month
    comm = [0, 0, 0, 2, 0, 0, 1, 1, 1]
    act = [10, 4, 2, 3, 5, None, 1, 1, 1]
    cf = [10, 6, 8, 5, 5, 9, 1, 1, 1]
    issued = np.full(9, 36000)
    frame = pd.DataFrame({
        "hall_idx": hall, "day_idx": day, "comm_idx": comm, "issued_s": issued,
        "called_s": [issued[0] + 60 * w if w is not None else -1 for w in act],
        "outcome": [S if w is not None else -1 for w in act],
    })
    cf_called = issued + 60 * np.array(cf)
    out = hall_truth(frame, np.array([0, 1, 0]), np.array([1, 13, 13]), np.arange(3), 2, 3,
                     (cf_called, np.zeros(9), np.full(9, S)))
    assert out["att"] == pytest.approx(-8 / 3)
    assert out["counterfactual_mean"] == pytest.approx(20 / 3)
    assert out["att_relative"] == pytest.approx(-0.4)
    assert out["n_exposed_cells"] == 2 and out["n_exposed_halls"] == 1
    assert out["exposure_month_by_hall"] == [1, None]
    assert [(r["event_month"], r["n_cells"]) for r in out["by_event_month"]] == [(0, 1), (1, 1)]
    assert out["by_event_month"][0]["att"] == pytest.approx(-10 / 3)
    assert out["spillover_share"] == pytest.approx(0.2)


def test_tiny_city_truth_has_the_hall_spillover():
    from dashboard.demo.build import generate
    from dashboard.demo.truth import compute_truth

    city = generate("tiny", seed=5)
    truth = compute_truth(city.cfg, city.geo, city.roll, city.tickets, city.hotline, city.cf_queue, 5)
    wait = truth["outcomes"]["hall_wait_mean_min"]
    hl = wait["hall_level"]
    assert hl["n_exposed_halls"] == 1 and hl["att"] < 0
    # never-served communities at the same hall wait less too, and part of the hall's
    # gain falls on tickets of communities without a room that month
    assert wait["spillover_never_treated"] < 0
    assert 0 < hl["spillover_share"] < 1
