"""The demo's true counter-hours freed by the rooms (``truth.json``: ``counter_staffing``).

The generator knows, for every ticket, whether a room took it away (``diverted``), so it
knows each hall-hour's arrivals with the rooms (the tickets of the real run) and without
them (every ticket). The truth is the staffing table of
:mod:`dashboard.analysis.staffing` computed on these true arrivals:

* period: the last :data:`~dashboard.analysis.staffing.PERIOD_MONTHS` months of the
  window (the period ``servicecircle staffing`` uses by default);
* per hall × weekday × hour: the arrivals with the rooms (non-diverted tickets issued in
  the hour, over the hall's open days of the weekday) and without them (plus the
  diverted tickets), the counter time (call to finish: walk and handling) of the served
  tickets of the real run, the counters that called in the hour, and the hall's model
  (M/G/c, or Erlang A with the patience estimated as the product does) — all from the
  same function the product uses, :func:`~dashboard.analysis.staffing.staffing_table`;
* ``freed_per_week``: counter-hours a week needed at the target
  (:data:`~dashboard.settings.Targets.wait_target_min`) without the rooms minus with
  them, summed over halls; ``by_hall`` the same per hall.

So the truth differs from the estimate only in the arrivals taken away (true diverted
tickets instead of the counter-visit effect times the catchment): it is the estimand of
``counter_hours_freed_per_week``, not a claim that the Erlang formulas are the demo's
queue (the demo's counters are fixed per hall, so the staffing it *used* is
``counters_observed``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import settings
from dashboard.analysis.staffing import PERIOD_MONTHS, staffing_table
from dashboard.demo.queue import OUTCOME_NO_SHOW, OUTCOME_SERVED

__all__ = ["staffing_truth", "true_cells"]


def true_cells(frame: pd.DataFrame, days: pd.DataFrame, hall_ids: list[str], n_months: int,
               months: int = PERIOD_MONTHS) -> pd.DataFrame:
    """Hall × day × hour cells of the real run in the last ``months`` months, shaped like
    ``queries/staffing/hall_cells.sql``, with ``taken`` = the diverted tickets.

    Parameters
    ----------
    frame
        The generated tickets (:class:`dashboard.demo.queue.Tickets` ``.frame``).
    days
        :func:`dashboard.demo.queue.day_frame` of the window.
    hall_ids
        Hall id of every hall row position.
    n_months
        Months in the window.
    months
        Months in the period.
    """
    month = days["month_idx"].to_numpy()[frame["day_idx"].to_numpy()]
    f = frame[month >= n_months - months]
    issued = f["issued_s"].to_numpy()
    out = f["outcome"].to_numpy()
    called = f["called_s"].to_numpy()
    div = f["diverted"].to_numpy()
    served = out == OUTCOME_SERVED
    busy = np.where(served, (f["walk_s"].to_numpy() + f["service_s"].to_numpy()) / 60.0, 0.0)
    wait = np.where(served, (called - issued) / 60.0, 0.0)
    t = pd.DataFrame({
        "hall": f["hall_idx"].to_numpy(), "day": f["day_idx"].to_numpy(), "hour": issued // 3600,
        "n_tickets": (~div).astype(int), "n_arrivals": (served | (out == OUTCOME_NO_SHOW)).astype(int),
        "n_waited": served.astype(int), "sum_wait_min": wait, "n_busy": served.astype(int),
        "sum_busy_min": busy, "sumsq_busy_min2": busy**2, "taken": div.astype(float),
    })
    cells = t.groupby(["hall", "day", "hour"], as_index=False).sum()
    took = f[called >= 0]
    cnt = (pd.DataFrame({"hall": took["hall_idx"].to_numpy(), "day": took["day_idx"].to_numpy(),
                         "hour": took["called_s"].to_numpy() // 3600, "counter": took["counter"].to_numpy()})
           .groupby(["hall", "day", "hour"])["counter"].nunique().rename("n_counters").reset_index())
    cells = cells.merge(cnt, on=["hall", "day", "hour"], how="outer").fillna(0)
    dates = pd.to_datetime(days["date"].to_numpy())
    return pd.DataFrame({
        "hall_id": np.asarray(hall_ids, dtype=object)[cells["hall"].astype(int).to_numpy()],
        "day_on": dates[cells["day"].astype(int).to_numpy()].date,
        "weekday": days["dow"].to_numpy()[cells["day"].astype(int).to_numpy()],
        "hour_of_day": cells["hour"].astype(int).to_numpy(),
        **{k: cells[k].to_numpy() for k in ("n_tickets", "n_arrivals", "n_waited", "sum_wait_min", "n_busy",
                                           "sum_busy_min", "sumsq_busy_min2", "n_counters", "taken")},
    })


def staffing_truth(frame: pd.DataFrame, days: pd.DataFrame, hall_ids: list[str], n_months: int) -> dict:
    """The true counter-hours a week the rooms free (see the module docstring)."""
    target = settings.TARGETS.wait_target_min
    cells = true_cells(frame, days, hall_ids, n_months)
    rows, _, need = staffing_table(cells, target, np.array([1.0]))
    freed = need[:, 0] - rows["counters_needed_after"].to_numpy()
    by_hall = pd.Series(freed).groupby(rows["hall_id"].to_numpy()).sum()
    return {
        "target_wait_min": float(target),
        "period_months": PERIOD_MONTHS,
        "freed_per_week": float(freed.sum()),
        "counter_hours_needed_with_rooms": int(rows["counters_needed_after"].sum()),
        "counter_hours_needed_without_rooms": int(need[:, 0].sum()),
        "counter_hours_observed": float(rows["counters_observed"].sum()),
        "by_hall": {str(k): float(v) for k, v in by_hall.items()},
        "definition": (
            "counter-hours a week needed at the mean-wait target without the rooms (every ticket) minus "
            "with them (tickets not diverted), per hall x weekday x hour of the last period_months months, "
            "by dashboard.analysis.staffing.staffing_table"
        ),
    }
