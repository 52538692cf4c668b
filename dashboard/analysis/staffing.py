"""Counter staffing at the business halls: counters needed to meet the waiting target
per hall × weekday × hour, with and without the service rooms, and the counter-hours a
week the rooms free (seed goals ① and ⑥).

Period
------
The last :data:`PERIOD_MONTHS` whole calendar months with tickets, inside the date range
of the filters (a staffing plan follows the recent pattern). A hall's *open days* on a
weekday are the days of that weekday in the period with at least one ticket.

One row per hall × weekday × hour
---------------------------------
* ``arrivals_per_hour``: tickets issued in the hour (any outcome: served, no-show,
  walked away), summed over the period and divided by the open days of the weekday;
* ``handling_min``: mean counter time of the served tickets issued in those hours,
  call to finish (the walk to the counter and the handling: the time a counter is
  taken); the hall's mean where the hours have no served ticket;
* ``counters_observed``: distinct ``counter_no`` that called a ticket in the hour, mean
  over the open days;
* ``counters_needed_after`` (with the rooms: the arrivals observed) and
  ``counters_needed_before`` (without the rooms: the arrivals observed plus the arrivals
  the rooms take away): the fewest counters whose mean wait is at most the target
  (:func:`dashboard.analysis.queueing.servers_needed`, target
  ``settings.TARGETS.wait_target_min`` by default). Model per hall: M/G/c (Erlang C with
  the Allen–Cunneen correction for the hall's squared coefficient of variation of
  counter time); **Erlang A** (M/M/c+M, exponential service) where walk-aways are
  material: more than :data:`MATERIAL_ABANDON` of the hall's tickets never served
  (cancelled or no-show). The hall's mean patience is then the exponential
  maximum-likelihood estimate: time in queue of every ticket over the tickets that left;
  the exports give no time for a cancelled ticket, so a walk-away or no-show is taken to
  have waited the mean wait of the served tickets issued in the same hall-hour.
  No-shows count as arrivals with the served tickets' counter time (their call takes a
  counter briefly; this overstates the load a little).

Arrivals the rooms take away
----------------------------
The community-level counter-visit effect (``counter_visits_per_1k_households``,
:mod:`dashboard.analysis.effects`, over the whole date range: tickets per 1,000
households per month, negative when rooms take visits away) by months since opening
(its event study: the effect grows while a room becomes known, so the recent months of
the period take more than the average ``att`` says; months beyond the estimated ones
take the last estimated month), for each served community of the hall's catchment
times its households / 1,000 times the share of its tickets that go to this hall — the
same arrivals as the hall-level queue model
(:func:`dashboard.analysis.hall_effects.catchment_from_volume`,
:class:`~dashboard.analysis.hall_effects.ArrivalEffect`). The month's tickets taken away
are spread over its hall-hours like the observed tickets.

Uncertainty
-----------
The whole effect profile is scaled by a factor normal with mean 1 and the relative
standard error of the overall effect (``se / |att|``), as the queue model does. Counters
needed never fall when arrivals rise, so the freed counter-hours are a nondecreasing
function of that factor (when the profile takes arrivals away in every month), and each
quantile of the freed hours is that function at the same quantile of the factor (what
drawing the effect many times and recomputing every row would give, without the
simulation noise). ``median`` / ``low`` / ``high`` are the 50 %, 2.5 % and 97.5 % points;
the rows' ``counters_needed_before`` are at the point estimate. Model error (the Erlang
formulas, patience, the catchment) is not included.

Counter-hours a week
--------------------
Each row is one hour of one weekday, so the counter-hours needed in a week are the sum
of the rows' counters needed; freed = needed without the rooms − needed with them.

Public API: :func:`load_inputs`, :func:`staffing_table`, :func:`staffing`,
:func:`hall_rows`, :func:`sentence`, :class:`StaffingInputs`, :class:`Staffing`,
:data:`MATERIAL_ABANDON`, :data:`PERIOD_MONTHS`, :data:`QUANTILES`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from dashboard import settings, warehouse
from dashboard.analysis import effects
from dashboard.analysis.filters import Filters
from dashboard.analysis.hall_effects import (
    ArrivalEffect,
    added_per_hall_month,
    arrival_effect,
    catchment_from_volume,
)
from dashboard.analysis.queueing import servers_needed

__all__ = [
    "MATERIAL_ABANDON",
    "PERIOD_MONTHS",
    "QUANTILES",
    "Staffing",
    "StaffingInputs",
    "hall_rows",
    "load_inputs",
    "sentence",
    "staffing",
    "staffing_for",
    "staffing_table",
]

MATERIAL_ABANDON = 0.05
"""Share of a hall's tickets never served (cancelled or no-show) above which its
counters are sized with Erlang A (walk-aways) instead of M/G/c."""
PERIOD_MONTHS = 3
"""Whole calendar months (the last ones with tickets) the staffing table describes."""
QUANTILES = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)
"""Probability levels at which the freed counter-hours are given (``low`` = first,
``median`` = 0.5, ``high`` = last)."""
COUNTER_EFFECT = "counter_visits_per_1k_households"
"""The community-level outcome whose effect gives the arrivals the rooms take away."""
ROW_COLUMNS = ["hall_id", "weekday", "hour", "arrivals_per_hour", "handling_min", "counters_observed",
               "counters_needed_before", "counters_needed_after"]
"""The CLI's row keys, in order (the rows carry more columns)."""

REASON_KEY = {"no_data": "staffing.reason.no_data", "no_handling": "staffing.reason.no_handling",
              "no_arrival_effect": "staffing.reason.no_arrival_effect"}
"""Label key of each refusal code."""

_CELL_COLUMNS = ["hall_id", "day_on", "weekday", "hour_of_day", "n_tickets", "n_arrivals", "n_waited",
                 "sum_wait_min", "n_busy", "sum_busy_min", "sumsq_busy_min2", "n_counters", "taken"]


@dataclass
class StaffingInputs:
    """What the staffing table is computed from (the slow part, cached by the page).

    Attributes
    ----------
    cells
        One row per hall × day × hour of the period: ``hall_id, day_on, weekday``
        (0 = Monday), ``hour_of_day``, the counts of ``queries/staffing/hall_cells.sql``,
        and ``taken``: tickets the rooms take away in the cell at the estimated effect.
    hall_names
        ``hall_id → name``.
    period
        First and last day of the period (``None`` without tickets).
    effect
        ``{"att", "se", "ci_low", "ci_high", "scale_se", "by_event"}`` of the
        counter-visit effect (``scale_se = se / |att|``; ``by_event``: months since
        opening → effect), or ``None`` when it could not be estimated.
    effect_reason
        ``{"zh", "en"}`` why there is no effect (``None`` when there is one).
    """

    cells: pd.DataFrame
    hall_names: dict[str, str]
    period: tuple[dt.date, dt.date] | None
    effect: dict[str, float] | None
    effect_reason: dict[str, str] | None = None


@dataclass
class Staffing:
    """The staffing table at one waiting target.

    Attributes
    ----------
    target_wait_min
        Mean-wait target, minutes.
    rows
        One row per hall × weekday × hour: :data:`ROW_COLUMNS` plus ``hall_name``,
        ``taken_per_hour`` (arrivals the rooms take away, at the point estimate).
    halls
        One row per hall: ``hall_id, hall_name, model`` (``mgc`` / ``erlang_a``),
        ``cv2``, ``abandon_share``, ``patience_min``, ``counter_hours_observed``,
        ``counter_hours_needed_after``, ``counter_hours_needed_before`` (a week), and
        ``freed_median, freed_low, freed_high``.
    freed
        ``{"median", "low", "high"}`` counter-hours a week, all halls; ``None`` without
        an arrival effect.
    quantiles
        ``[{"p", "arrivals_taken_per_week", "freed"}]`` at :data:`QUANTILES`.
    period, effect, status, reason
        The period, the counter-visit effect used, ``"ok"`` / ``"no_arrival_effect"`` /
        ``"no_data"`` / ``"no_handling"`` (no ticket with call and finish times) and,
        when not ok, why (``{"zh", "en"}``).
    """

    target_wait_min: float
    rows: pd.DataFrame
    halls: pd.DataFrame
    freed: dict[str, float] | None
    quantiles: list[dict[str, float]] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None
    effect: dict[str, float] | None = None
    status: str = "ok"
    reason: dict[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The ``servicecircle staffing --json`` object."""
        rows = []
        for r in self.rows.itertuples(index=False):
            before = r.counters_needed_before
            rows.append({
                "hall_id": str(r.hall_id), "weekday": int(r.weekday), "hour": int(r.hour),
                "arrivals_per_hour": float(r.arrivals_per_hour), "handling_min": float(r.handling_min),
                "counters_observed": float(r.counters_observed),
                "counters_needed_before": None if pd.isna(before) else int(before),
                "counters_needed_after": int(r.counters_needed_after),
            })
        halls = [{k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                  for k, v in rec.items()} for rec in self.halls.to_dict("records")]
        return {
            "target_wait_min": float(self.target_wait_min),
            "rows": rows,
            "counter_hours_freed_per_week": self.freed,
            "status": self.status,
            "reason": self.reason,
            "period": ({"from": self.period[0].isoformat(), "to": self.period[1].isoformat()}
                       if self.period else None),
            "arrival_effect": self.effect,
            "quantiles": self.quantiles,
            "halls": halls,
        }


# ---------------------------------------------------------------- pure computation
def hall_rows(cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hall × weekday × hour profile and each hall's queue parameters.

    Parameters
    ----------
    cells
        Hall × day × hour cells (see :class:`StaffingInputs`; ``taken`` optional).

    Returns
    -------
    rows
        ``hall_id, weekday, hour, open_days, arrivals_per_hour, taken_per_hour_unit,
        handling_min, counters_observed``; only halls with a counter time.
    halls
        ``hall_id, handling_min, cv2, abandon_share, patience_min, model``.
    """
    c = cells.copy()
    if "taken" not in c:
        c["taken"] = 0.0
    c["hall_id"] = c["hall_id"].astype(str)
    open_days = (c[c["n_tickets"] > 0].groupby(["hall_id", "weekday"])["day_on"].nunique()
                 .rename("open_days").reset_index())
    g = c.groupby(["hall_id", "weekday", "hour_of_day"], as_index=False)[
        ["n_tickets", "taken", "n_busy", "sum_busy_min", "n_counters"]].sum()
    g = g.merge(open_days, on=["hall_id", "weekday"], how="inner")
    g = g[(g["n_tickets"] > 0) | (g["n_counters"] > 0)]

    h = c.groupby("hall_id")[["n_tickets", "n_busy", "sum_busy_min", "sumsq_busy_min2", "sum_wait_min",
                              "n_waited"]].sum()
    s = h["sum_busy_min"] / h["n_busy"].where(h["n_busy"] > 0)
    var = h["sumsq_busy_min2"] / h["n_busy"].where(h["n_busy"] > 0) - s**2
    left = (c["n_tickets"] - c["n_busy"]).clip(lower=0)
    cell_wait = (c["sum_wait_min"] / c["n_waited"].where(c["n_waited"] > 0)).fillna(0.0)
    at_risk = (c["sum_wait_min"] + left * cell_wait).groupby(c["hall_id"]).sum()
    n_left = left.groupby(c["hall_id"]).sum()
    halls = pd.DataFrame({
        "handling_min": s,
        "cv2": (var / s**2).clip(lower=0.0).fillna(1.0),
        "abandon_share": (n_left / h["n_tickets"].where(h["n_tickets"] > 0)).fillna(0.0),
        "patience_min": (at_risk / n_left.where(n_left > 0)).fillna(np.inf),
    })
    material = (halls["abandon_share"] > MATERIAL_ABANDON) & np.isfinite(halls["patience_min"]) & (
        halls["patience_min"] > 0)
    halls["model"] = np.where(material, "erlang_a", "mgc")
    halls = halls.reset_index()

    rows = pd.DataFrame({
        "hall_id": g["hall_id"],
        "weekday": g["weekday"].astype(int),
        "hour": g["hour_of_day"].astype(int),
        "open_days": g["open_days"].astype(int),
        "arrivals_per_hour": g["n_tickets"] / g["open_days"],
        "taken_per_hour_unit": g["taken"] / g["open_days"],
        "handling_min": (g["sum_busy_min"] / g["n_busy"].where(g["n_busy"] > 0)),
        "counters_observed": g["n_counters"] / g["open_days"],
    })
    rows["handling_min"] = rows["handling_min"].fillna(rows["hall_id"].map(halls.set_index("hall_id")["handling_min"]))
    # a hall without any counter time (no served ticket with call and finish times) cannot
    # be staffed: its rows are left out
    rows = rows[np.isfinite(rows["handling_min"].to_numpy(float))]
    return rows.sort_values(["hall_id", "weekday", "hour"]).reset_index(drop=True), halls


def _needed(rows: pd.DataFrame, halls: pd.DataFrame, lam_per_hour: np.ndarray, target_min: float) -> np.ndarray:
    """Counters needed for arrivals ``lam_per_hour`` (shape ``(rows,)`` or ``(rows, k)``)."""
    par = rows[["hall_id"]].merge(halls, on="hall_id", how="left")
    s = par["handling_min"].to_numpy(float)
    s_row = rows["handling_min"].to_numpy(float)
    s = np.where(np.isfinite(s_row) & (s_row > 0), s_row, s)
    cv2 = par["cv2"].to_numpy(float)
    pat = np.where(par["model"].to_numpy() == "erlang_a", par["patience_min"].to_numpy(float), np.inf)
    lam = np.clip(np.asarray(lam_per_hour, float), 0.0, None) / 60.0
    extra = (slice(None),) + (None,) * (lam.ndim - 1)
    s_b = np.where(np.isfinite(s), s, 1.0)[extra]
    lam = np.where(np.isfinite(s)[extra], lam, 0.0)
    return np.asarray(servers_needed(lam, s_b, target_min, cv2=cv2[extra], patience=pat[extra]))


def staffing_table(cells: pd.DataFrame, target_min: float, scales: np.ndarray | None = None,
                   point: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Counters needed per hall × weekday × hour, with the rooms and without them.

    Parameters
    ----------
    cells
        Hall × day × hour cells; ``taken`` is the tickets the rooms take away per unit of
        ``scales``.
    target_min
        Mean-wait target, minutes.
    scales
        Multipliers of ``taken`` at which the counters needed without the rooms are
        computed (e.g. quantiles of the arrival reduction); default ``[1.0]``.
    point
        The multiplier of the rows' ``counters_needed_before`` (default the middle of
        ``scales``).

    Returns
    -------
    rows
        :func:`hall_rows` rows plus ``taken_per_hour``, ``counters_needed_after``,
        ``counters_needed_before``.
    halls
        :func:`hall_rows` halls.
    needed_before
        Counters needed without the rooms, shape ``(rows, len(scales))``.
    """
    scales = np.atleast_1d(np.asarray([1.0] if scales is None else scales, dtype=float))
    point = float(scales[len(scales) // 2]) if point is None else float(point)
    rows, halls = hall_rows(cells)
    arr = rows["arrivals_per_hour"].to_numpy(float)
    unit = rows["taken_per_hour_unit"].to_numpy(float)
    rows["counters_needed_after"] = _needed(rows, halls, arr, target_min).astype(np.int64)
    both = np.concatenate([scales, [point]])
    need = _needed(rows, halls, arr[:, None] + unit[:, None] * both[None, :], target_min).astype(np.int64)
    rows["taken_per_hour"] = unit * point
    rows["counters_needed_before"] = need[:, -1]
    return rows, halls, need[:, :-1]


def staffing(inputs: StaffingInputs, target_min: float | None = None) -> Staffing:
    """The staffing table at ``target_min`` (default ``settings.TARGETS.wait_target_min``).

    Parameters
    ----------
    inputs
        :func:`load_inputs` (or cells built elsewhere, e.g. the demo's truth).
    target_min
        Mean-wait target, minutes (> 0).

    Returns
    -------
    Staffing
    """
    target = float(settings.TARGETS.wait_target_min if target_min is None else target_min)
    if not target > 0:
        raise ValueError(f"the waiting target must be above 0 minutes, got {target_min!r}")
    eff = inputs.effect
    empty_halls = pd.DataFrame(columns=["hall_id", "hall_name", "model", "cv2", "abandon_share", "patience_min"])
    no_data = inputs.cells.empty or inputs.cells["n_tickets"].sum() == 0
    if no_data or not (inputs.cells["n_busy"] > 0).any():
        code = "no_data" if no_data else "no_handling"
        return Staffing(target, pd.DataFrame(columns=[*ROW_COLUMNS, "hall_name", "taken_per_hour"]), empty_halls,
                        None, period=inputs.period, effect=eff, status=code, reason=_reason(code))
    if eff is None:
        # no reduction known: the rows with the rooms only, nothing said about before
        rows, halls, _ = staffing_table(inputs.cells.assign(taken=0.0), target)
        rows["counters_needed_before"] = pd.array([pd.NA] * len(rows), dtype="Int64")
        rows["taken_per_hour"] = np.nan
        quant: list[dict[str, float]] = []
        freed = None
        status, reason = "no_arrival_effect", inputs.effect_reason or _reason("no_arrival_effect")
        need_q = None
    else:
        # arrivals taken away = scale x (-effect profile x catchment), scale ~ N(1, se/|att|)
        scales = 1.0 + eff["scale_se"] * stats.norm.ppf(QUANTILES)
        rows, halls, need_q = staffing_table(inputs.cells, target, scales, point=1.0)
        after = rows["counters_needed_after"].to_numpy()
        freed_q = (need_q - after[:, None]).sum(axis=0)
        taken_week = rows["taken_per_hour_unit"].sum() * scales
        quant = [{"p": float(p), "arrivals_taken_per_week": float(tw), "freed": float(fq)}
                 for p, tw, fq in zip(QUANTILES, taken_week, freed_q)]
        at = {p: i for i, p in enumerate(QUANTILES)}
        freed = {"median": float(freed_q[at[0.5]]), "low": float(freed_q[0]), "high": float(freed_q[-1])}
        status, reason = "ok", None
    rows["hall_name"] = rows["hall_id"].map(inputs.hall_names).fillna(rows["hall_id"])
    halls = _hall_summary(rows, halls, need_q, inputs.hall_names)
    return Staffing(target, rows, halls, freed, quant, inputs.period, eff, status, reason)


def _hall_summary(rows: pd.DataFrame, halls: pd.DataFrame, need_q: np.ndarray | None,
                  names: dict[str, str]) -> pd.DataFrame:
    g = rows.groupby("hall_id").agg(counter_hours_observed=("counters_observed", "sum"),
                                    counter_hours_needed_after=("counters_needed_after", "sum"))
    out = halls.merge(g, left_on="hall_id", right_index=True, how="left")
    out.insert(1, "hall_name", out["hall_id"].map(names).fillna(out["hall_id"]))
    if need_q is None:
        out["counter_hours_needed_before"] = np.nan
        for k in ("freed_median", "freed_low", "freed_high"):
            out[k] = np.nan
        return out
    before_point = rows.groupby("hall_id")["counters_needed_before"].sum()
    out["counter_hours_needed_before"] = out["hall_id"].map(before_point).astype(float)
    after = rows["counters_needed_after"].to_numpy()
    per = pd.DataFrame(need_q - after[:, None]).groupby(rows["hall_id"].to_numpy()).sum()
    i_med = QUANTILES.index(0.5)
    out["freed_median"] = out["hall_id"].map(per[i_med]).astype(float)
    out["freed_low"] = out["hall_id"].map(per[0]).astype(float)
    out["freed_high"] = out["hall_id"].map(per[len(QUANTILES) - 1]).astype(float)
    return out


def _reason(code: str) -> dict[str, str]:
    from dashboard.i18n import t

    return {lang: t(REASON_KEY[code], lang) for lang in ("zh", "en")}


# ---------------------------------------------------------------- warehouse
def period_months(con: duckdb.DuckDBPyConnection, filters: Filters,
                  months: int = PERIOD_MONTHS) -> tuple[dt.date, dt.date] | None:
    """First days of the first and last month of the period (``None`` without tickets)."""
    p = filters.params()
    last = warehouse.query(con, "staffing/last_month",
                           {"date_to": p["date_to"], "districts": p["districts"], "hall_ids": p["hall_ids"]})
    end = last["month_on"].iloc[0] if len(last) else None
    if end is None or pd.isna(end):
        return None
    end = pd.Timestamp(end).date()
    start = (pd.Timestamp(end) - pd.DateOffset(months=months - 1)).date()
    if filters.date_from is not None:
        start = max(start, filters.date_from.replace(day=1))
    return start, end


def staffing_for(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                 target_min: float | None = None) -> Staffing:
    """:func:`staffing` of :func:`load_inputs`: one call, so a page can keep the table per
    filters and target (the Erlang solves take most of a second at city scale)."""
    return staffing(load_inputs(con, filters), target_min)


def load_inputs(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                *, months: int = PERIOD_MONTHS) -> StaffingInputs:
    """Cells of the period, arrivals taken away at the estimated effect, and the effect.

    Parameters
    ----------
    con
        An open warehouse connection.
    filters
        Date range (the period is its last ``months`` whole months with tickets; the
        counter-visit effect is estimated over the whole range), districts and halls (the
        halls' own district). Waves and service types do not apply: a hall's queue is
        every ticket.
    months
        Whole months in the period.

    Returns
    -------
    StaffingInputs
    """
    if months < 1:
        raise ValueError(f"the staffing period needs at least one month, got {months!r}")
    f = filters or Filters()
    p = f.params()
    hp = {"districts": p["districts"], "hall_ids": p["hall_ids"]}
    period = period_months(con, f, months)
    if period is None:
        return StaffingInputs(pd.DataFrame(columns=_CELL_COLUMNS), {}, None, None, _reason("no_data"))
    cells = warehouse.query(con, "staffing/hall_cells", {**hp, "month_from": period[0], "month_to": period[1]})
    cells["hall_id"] = cells["hall_id"].astype(str)
    names = dict(zip(cells["hall_id"], cells["hall_name"].fillna(cells["hall_id"])))
    last_day = (pd.Timestamp(period[1]) + pd.offsets.MonthEnd(0)).date()
    res = effects.estimate(con, COUNTER_EFFECT, Filters(date_from=f.date_from, date_to=f.date_to))
    if not res.ok or res.att is None or res.se is None or not math.isfinite(res.se):
        cells["taken"] = 0.0
        return StaffingInputs(cells.drop(columns=["hall_name"]), names, (period[0], last_day), None,
                              res.reason or _reason("no_arrival_effect"))
    arrival = arrival_effect(res)
    catchment = catchment_from_volume(warehouse.query(con, "halls/exposure_volume", hp))
    cells["taken"] = _taken(cells, catchment, arrival)
    effect = {"att": float(res.att), "se": float(res.se), "ci_low": float(res.ci_low), "ci_high": float(res.ci_high),
              "scale_se": float(res.se / abs(res.att)) if res.att else math.inf,
              "by_event": {int(k): float(v) for k, v in sorted(arrival.by_event.items()) if k >= 0}}
    return StaffingInputs(cells.drop(columns=["hall_name"]), names, (period[0], last_day), effect)


def _taken(cells: pd.DataFrame, catchment: pd.DataFrame, arrival: ArrivalEffect) -> np.ndarray:
    """Tickets taken away per cell at the estimated effect profile: the hall-month's
    total spread like its tickets."""
    c = cells.assign(month_on=pd.to_datetime(cells["month_on"]))
    hm = c.groupby(["hall_id", "month_on"], as_index=False)["n_tickets"].sum()
    hm["per_month"] = added_per_hall_month(hm, catchment, 1.0, arrival)
    c = c.merge(hm.rename(columns={"n_tickets": "n_month"}), on=["hall_id", "month_on"], how="left")
    share = c["n_tickets"] / c["n_month"].where(c["n_month"] > 0)
    return (share.fillna(0.0) * c["per_month"]).to_numpy(float)


def sentence(res: Staffing, lang: str) -> str:
    """The freed counter-hours in a sentence a director can repeat (zh / en), then the
    counter-hours needed at today's tickets; the reason when there is no estimate."""
    from dashboard.i18n import t

    if res.status in ("no_data", "no_handling"):
        return (res.reason or {}).get(lang, "")
    needed = t("staffing.sentence.needed", lang, after=f"{int(res.rows['counters_needed_after'].sum()):,}",
               observed=f"{float(res.rows['counters_observed'].sum()):,.0f}")
    if res.freed is None:
        return needed + " " + (res.reason or {}).get(lang, "")
    nums = {k: f"{v:,.0f}" for k, v in res.freed.items()}
    key = "staffing.sentence.freed" if res.freed["low"] > 0 else "staffing.sentence.unclear"
    return t(key, lang, target=f"{res.target_wait_min:g}", **nums) + " " + needed
