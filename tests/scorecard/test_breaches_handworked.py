"""Breach "since" on hand-worked month sequences (:func:`scorecard.breach_since`) and
the target directions of :func:`scorecard.judge`."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import settings
from dashboard.analysis import scorecard


def _m(i: int) -> dt.date:
    return dt.date(2024, i, 1)


def _judged(seq: dict[str, list]) -> pd.DataFrame:
    """{room: [ok for Jan, Feb, ...]} for one metric; None = not judged."""
    rows = []
    for room, oks in seq.items():
        for i, ok in enumerate(oks, start=1):
            rows.append({"room_id": room, "month_on": _m(i), "metric": "visits", "value": float(i), "target": 20.0,
                         "ok": ok})
    df = pd.DataFrame(rows)
    df["ok"] = pd.array(df["ok"], dtype="boolean")
    return df


def test_since_is_the_first_month_of_the_last_run():
    j = _judged({
        "A": [False, True, False, False, False],   # run Mar..May
        "B": [False, False, False, False, False],  # missed all along: since Jan
        "C": [False, False, False, False, True],   # met in May: no breach
        "D": [True, False, None, False, False],    # a month not judged does not break the run: since Feb
        "E": [False, True, None, None, False],     # met in Feb; May is a new run
        "F": [False, False, False, False, None],   # May not judged: no breach in May
    })
    got = scorecard.breach_since(j, _m(5)).set_index("room_id")
    assert got["since"].to_dict() == {"A": _m(3), "B": _m(1), "D": _m(2), "E": _m(5)}
    assert got.loc["A", "value"] == 5.0 and got.loc["A", "target"] == 20.0


def test_since_ignores_months_after_the_scorecard_month():
    j = _judged({"A": [True, False, False, True]})
    assert scorecard.breach_since(j, _m(3)).set_index("room_id")["since"].to_dict() == {"A": _m(2)}
    assert scorecard.breach_since(j, _m(4)).empty


def test_judge_directions_and_whole_months():
    months = pd.DataFrame({
        "room_id": ["A", "A"], "month_on": [_m(1), _m(2)], "is_full_month": [False, True],
        "visits": [5.0, 20.0], "closed_day_visits": [0.0, 1.0], "resolution_rate": [float("nan"), 0.95],
    })
    tg = settings.RoomTargets(visits_min=20, closed_day_visits_max=0, resolution_rate_min=0.9)
    j = scorecard.judge(months, tg).set_index(["metric", "month_on"])["ok"]
    assert pd.isna(j[("visits", _m(1))])           # a count outside a whole month is not judged
    assert bool(j[("visits", _m(2))]) is True       # exactly on a minimum target is met
    assert bool(j[("closed_day_visits", _m(1))]) is True
    assert bool(j[("closed_day_visits", _m(2))]) is False  # above a maximum target is missed
    assert pd.isna(j[("resolution_rate", _m(1))])  # no value: not judged
    assert bool(j[("resolution_rate", _m(2))]) is True
