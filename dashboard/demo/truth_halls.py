"""The demo's true hall-level waiting-time effect (``truth.json``:
``outcomes.hall_wait_mean_min.hall_level``).

A queue shortens for everyone at the hall, so the waiting-time effect is defined per
hall and month, not per community (issue 9):

* a hall-month is *exposed* from the calendar month in which the first room serving any
  of the hall's communities opens (the demo sends every community to its nearest hall,
  ``Geography.communities.hall_idx``);
* per hall-month, *actual* = mean wait (issue to call, minutes) of the served tickets of
  the real run; *counterfactual* = the same over the served tickets of the queue re-run
  with every ticket (no room takes any visit away, same per-ticket draws);
* ``att`` = mean over exposed hall-months of (actual − counterfactual);
  ``att_relative`` = ``att`` / mean counterfactual over the same hall-months;
* ``by_event_month``: the same mean by months since the hall's exposure month;
* ``spillover_share``: the part of the summed difference at exposed halls that falls on
  tickets of communities not (yet) served in that month — the spillover a
  community-level comparison cannot see.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.queue import OUTCOME_SERVED

__all__ = ["hall_truth"]


def hall_truth(
    frame: pd.DataFrame,
    hall_of_comm: np.ndarray,
    open_month: np.ndarray,
    month_of_day: np.ndarray,
    n_halls: int,
    n_months: int,
    cf_queue: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> dict:
    """The hall-level estimand of the waiting time.

    Parameters
    ----------
    frame
        The generated tickets (:class:`dashboard.demo.queue.Tickets` ``.frame``, with
        the real run's ``called_s`` and ``outcome``).
    hall_of_comm
        Hall row position of every community.
    open_month
        Per community: month index (0-based from the window start) of its first room
        opening; any value ``>= n_months`` for never served.
    month_of_day
        Month index of every day of the window.
    n_halls, n_months
        Panel size.
    cf_queue
        The queue re-run with every ticket (``called_s, counter, outcome``).

    Returns
    -------
    dict
        ``att``, ``att_relative``, ``n_exposed_cells``, ``n_exposed_halls``,
        ``counterfactual_mean``, ``actual_mean``, ``by_event_month``,
        ``spillover_share``, ``exposure_month_by_hall``, ``unit``.
    """
    hall_open = np.full(n_halls, n_months + 10, dtype=np.int64)
    np.minimum.at(hall_open, hall_of_comm.astype(np.int64), open_month.astype(np.int64))
    h = frame["hall_idx"].to_numpy().astype(np.int64)
    m = month_of_day[frame["day_idx"].to_numpy()].astype(np.int64)
    issued = frame["issued_s"].to_numpy()
    cell = h * n_months + m
    size = n_halls * n_months

    def mean_wait(called: np.ndarray, outcome: np.ndarray) -> np.ndarray:
        s = outcome == OUTCOME_SERVED
        w = (called[s] - issued[s]) / 60.0
        tot = np.bincount(cell[s], weights=w, minlength=size)
        n = np.bincount(cell[s], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (tot / n).reshape(n_halls, n_months)

    act = mean_wait(frame["called_s"].to_numpy(), frame["outcome"].to_numpy())
    called_cf, _, out_cf = cf_queue
    cf = mean_wait(np.asarray(called_cf), np.asarray(out_cf))
    event = np.arange(n_months)[None, :] - hall_open[:, None]
    exposed = (event >= 0) & np.isfinite(act) & np.isfinite(cf)
    diff = act - cf
    out: dict = {
        "unit": "minutes from issue to call, mean over served tickets per hall-month; "
                "mean over exposed hall-months",
        "n_exposed_cells": int(exposed.sum()),
        "n_exposed_halls": int(exposed.any(axis=1).sum()),
        "exposure_month_by_hall": [int(v) if v < n_months else None for v in hall_open],
    }
    if not exposed.any():
        out.update(att=None, att_relative=None, counterfactual_mean=None, actual_mean=None,
                   by_event_month=[], spillover_share=None)
        return out
    cf_mean = float(cf[exposed].mean())
    out.update(
        att=float(diff[exposed].mean()),
        att_relative=float(diff[exposed].mean() / cf_mean) if cf_mean else None,
        counterfactual_mean=cf_mean,
        actual_mean=float(act[exposed].mean()),
        by_event_month=[
            {"event_month": int(e), "att": float(diff[exposed & (event == e)].mean()),
             "n_cells": int((exposed & (event == e)).sum())}
            for e in np.unique(event[exposed])
        ],
    )
    # spillover: per ticket, actual minus counterfactual wait of tickets served in both
    # runs, split by whether the ticket's community was served in that month
    both = (frame["outcome"].to_numpy() == OUTCOME_SERVED) & (np.asarray(out_cf) == OUTCOME_SERVED)
    d_t = (frame["called_s"].to_numpy() - np.asarray(called_cf)) / 60.0
    at_exposed = exposed.ravel()[cell]
    comm_served = open_month[frame["comm_idx"].to_numpy()] <= m
    sel = both & at_exposed
    total = float(d_t[sel].sum())
    out["spillover_share"] = float(d_t[sel & ~comm_served].sum() / total) if total else None
    return out
