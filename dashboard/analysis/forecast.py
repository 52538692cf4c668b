"""Next year's load: weekly counter arrivals per hall and weekly 95598 orders, 26 weeks ahead.

Series
------
Weekly sums (ISO weeks, Monday first) from the rollups (``queries/forecast/weekly.sql``): counter
tickets issued at one hall or every hall, hotline orders of some categories or all. Weeks
cut by the data's first or last day are dropped (a partial week would look like a fall);
weeks without any event inside the span count 0.

Model
-----
Dynamic harmonic regression (Hyndman & Athanasopoulos, *Forecasting: Principles and
Practice*, ch. 12.1): a regression with ARIMA(1, 1, 1) errors on ``log(1 + y)``
(statsmodels ``SARIMAX``, the estimator that reproduces R ``forecast::auto.arima`` on
AirPassengers — see ``tests/analysis/test_forecast.py``). The differenced errors follow
the level (the online-payment decline, the rooms' roll-out); the regressors are an annual
cycle as Fourier terms (2 pairs of sine and cosine of period 365.25 / 7 weeks; 1 with
less than a year of history) and Chinese public holidays as the number of holiday days
in the week, the
Spring Festival apart from the rest (it moves between late January and mid-February and
empties the halls for a week; the calendar comes from the ``holidays`` package, offline).
Intervals are the model's (normal on the log scale, back-transformed: skewed upwards).

Backtest
--------
The last 26 weeks are held out, the model is fitted on the weeks before and forecasts
them; the error is the MASE: mean absolute error over the mean absolute error of the
seasonal naive forecast (the same week a year earlier, lag 52) within the training
weeks. The seasonal naive forecast's own MASE on the held-out weeks is given beside it,
so the page can say plainly whether the model beats it. With less than a year and 26
weeks of history there is no seasonal naive to compare with and no backtest.

Scenario
--------
The forecast with planned rooms: the rooms the planner suggests
(:func:`dashboard.coverage.planner.plan`, ``k`` new rooms at the default walk, as
``servicecircle plan --add K``) and what they bring by the estimated effects
(:func:`dashboard.analysis.impact.plan_impact`: contacts avoided a month, ``value / low /
high`` from the effect's 95 % interval). Per week that is the monthly figure × 12 / (365.25 / 7);
for chosen halls, the counter visits avoided times the share of the newly covered
communities' tickets taken at those halls (``hall_share`` of
:func:`~dashboard.analysis.hall_effects.catchment_from_volume`); for chosen hotline
categories, the sum of the per-category figures (their interval ends summed: wider than a
joint interval would be). The rooms are taken as open from the first forecast week with
their average effect (a new room's first months take less). The scenario line is the
forecast minus the weekly figure; its band runs from the forecast's low end minus the
largest reduction to the high end minus the smallest (both uncertainties, not combined
into one interval: wider than a joint one), floored at 0. Without an estimated effect
there is no scenario, and the reason is given.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any

import holidays
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from dashboard import warehouse

__all__ = [
    "HORIZON_WEEKS", "MIN_WEEKS", "SCENARIO_ROOMS", "SERIES", "ForecastResult", "TooShort", "backtest", "fit_predict",
    "forecast", "holiday_features", "mase", "plan_scenario", "scenario", "scenario_from", "scenario_inputs",
    "weekly_series",
]

HORIZON_WEEKS = 26
"""How far the forecast looks (weeks)."""
MIN_WEEKS = 8
"""Fewest complete weeks a forecast is made from."""
SEASON_WEEKS = 52
"""Lag of the seasonal naive forecast (weeks)."""
YEAR_WEEKS = 365.25 / 7
WEEKS_PER_MONTH = 365.25 / 12 / 7
"""Weeks in an average month (a monthly effect per week: divide by it)."""
SCENARIO_ROOMS = 5
"""New rooms of the scenario by default (the planner page's default)."""
SERIES = ("hall_arrivals", "hotline")
"""What can be forecast: counter arrivals (per hall or all), hotline orders (per category or all)."""


class TooShort(ValueError):
    """Too few complete weeks for a forecast (``weeks`` of them, ``needed``)."""

    def __init__(self, series: str, weeks: int, needed: int) -> None:
        super().__init__(f"{series}: {weeks} complete weeks of data; a forecast needs at least {needed}")
        self.series, self.weeks, self.needed = series, weeks, needed


@dataclass
class ForecastResult:
    """The answer of :func:`forecast`.

    Attributes
    ----------
    series, horizon_weeks
        What was forecast and how far.
    history
        ``week_on, value``: the complete weeks the model saw.
    points
        ``week_on, value, low, high``: the forecast with its 95 % interval.
    mase, mase_naive
        Backtest MASE of the model and of the seasonal naive forecast over the last 26
        weeks (``None`` without enough history).
    backtest_points
        ``week_on, actual, value, low, high, naive`` of the held-out weeks.
    backtest_needed
        Weeks of history a backtest needs, when there were fewer (no backtest then).
    """

    series: str
    horizon_weeks: int
    history: pd.DataFrame
    points: pd.DataFrame
    mase: float | None = None
    mase_naive: float | None = None
    backtest_points: pd.DataFrame = field(default_factory=pd.DataFrame)
    backtest_needed: int | None = None

    @property
    def beats_naive(self) -> bool | None:
        """Whether the model's backtest error is below the seasonal naive forecast's."""
        if self.mase is None or self.mase_naive is None:
            return None
        return self.mase < self.mase_naive

    def as_dict(self) -> dict[str, Any]:
        """The ``servicecircle forecast --json`` object."""
        return {
            "series": self.series,
            "horizon_weeks": self.horizon_weeks,
            "mase": None if self.mase is None else round(self.mase, 4),
            "mase_naive": None if self.mase_naive is None else round(self.mase_naive, 4),
            "points": [{"week": r.week_on.isoformat(), "value": round(float(r.value), 1),
                        "low": round(float(r.low), 1), "high": round(float(r.high), 1)}
                       for r in self.points.itertuples(index=False)],
        }


def weekly_series(con: Any, series: str, *, hall_ids: list[str] | None = None,
                  categories: list[str] | None = None) -> pd.Series:
    """Complete weeks of a series, indexed by the week's Monday (``datetime.date``).

    Parameters
    ----------
    con
        Warehouse connection.
    series
        ``hall_arrivals`` or ``hotline`` (:data:`SERIES`).
    hall_ids, categories
        Filters of the two series (``None``: all).
    """
    if series not in SERIES:
        raise ValueError(f"unknown series {series!r}; one of {', '.join(SERIES)}")
    df = warehouse.query(con, "forecast/weekly", {"series": series, "hall_ids": hall_ids or None,
                                                  "categories": categories or None})
    if df.empty or pd.isna(df["first_day_on"].iloc[0]):
        return pd.Series(dtype=float, name="value")
    first, last = pd.Timestamp(df["first_day_on"].iloc[0]), pd.Timestamp(df["last_day_on"].iloc[0])
    start = first + pd.Timedelta(days=(7 - first.weekday()) % 7)  # the first full week's Monday
    end = last - pd.Timedelta(days=(last.weekday() + 1) % 7 + 6)  # the last full week's Monday
    weeks = pd.date_range(start.normalize(), end.normalize(), freq="7D")
    got = df.assign(week_on=pd.to_datetime(df["week_on"])).set_index("week_on")["n"].astype(float)
    out = got.reindex(weeks, fill_value=0.0)
    out.index = out.index.date
    return out.rename("value")


def holiday_features(weeks: pd.Index | list[dt.date]) -> pd.DataFrame:
    """Days of the Spring Festival and of the other Chinese public holidays in each week
    (rows: the weeks' Mondays)."""
    mondays = pd.to_datetime(pd.Index(weeks))
    years = range(int(mondays.min().year) - 1, int(mondays.max().year) + 2) if len(mondays) else range(0)
    cal = holidays.China(years=list(years), language="en_US")
    spring = np.zeros(len(mondays))
    other = np.zeros(len(mondays))
    for i, monday in enumerate(mondays):
        for d in pd.date_range(monday, periods=7).date:
            name = cal.get(d)
            if name is None:
                continue
            if "Spring Festival" in name or "Chinese New Year" in name:
                spring[i] += 1
            else:
                other[i] += 1
    return pd.DataFrame({"spring_festival_days": spring, "holiday_days": other}, index=pd.Index(weeks))


def _design(weeks: pd.Index, t0: pd.Timestamp, k: int) -> pd.DataFrame:
    idx = pd.to_datetime(pd.Index(weeks))
    t = ((idx - t0).days.to_numpy() / 7.0).astype(float)
    cols = {}
    for j in range(1, k + 1):
        cols[f"sin{j}"] = np.sin(2 * np.pi * j * t / YEAR_WEEKS)
        cols[f"cos{j}"] = np.cos(2 * np.pi * j * t / YEAR_WEEKS)
    x = pd.DataFrame(cols, index=pd.Index(weeks))
    hol = holiday_features(weeks)
    return pd.concat([x, hol], axis=1)


def fit_predict(y: pd.Series, horizon: int = HORIZON_WEEKS, level: float = 0.95) -> pd.DataFrame:
    """Fit the model (module docstring) on the weekly series ``y`` and forecast
    ``horizon`` weeks after its last week.

    Returns
    -------
    DataFrame
        ``week_on, value, low, high``.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = y.astype(float)
    if len(y) < MIN_WEEKS:
        raise TooShort("series", len(y), MIN_WEEKS)
    last = pd.Timestamp(y.index[-1])
    future = pd.Index([(last + pd.Timedelta(weeks=h)).date() for h in range(1, horizon + 1)])
    k = 2 if len(y) >= SEASON_WEEKS else (1 if len(y) >= 26 else 0)
    t0 = pd.Timestamp(y.index[0])
    x_fit, x_new = _design(y.index, t0, k), _design(future, t0, k)
    keep = [c for c in x_fit.columns if x_fit[c].std() > 0]  # a holiday never seen cannot be estimated
    z = np.log1p(np.clip(y.to_numpy(), 0, None))
    # one BLAS thread: these matrices are tiny, and threads fighting over two busy cores
    # made one fit 15x slower (6.8 s CPU instead of 0.4 s)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # convergence chatter of the optimiser on short series
        model = SARIMAX(z, exog=x_fit[keep].to_numpy() if keep else None, order=(1, 1, 1), concentrate_scale=True)
        fit = model.fit(disp=False)
        fc = fit.get_forecast(horizon, exog=x_new[keep].to_numpy() if keep else None)
    mean = np.asarray(fc.predicted_mean)
    ci = np.asarray(fc.conf_int(alpha=1 - level))
    return pd.DataFrame({"week_on": list(future), "value": np.expm1(mean),
                         "low": np.clip(np.expm1(ci[:, 0]), 0, None), "high": np.expm1(ci[:, 1])})


def mase(actual: np.ndarray, predicted: np.ndarray, train: np.ndarray, season: int = SEASON_WEEKS) -> float:
    """Mean absolute scaled error: MAE of ``predicted`` over the in-sample MAE of the
    seasonal naive forecast on ``train`` (Hyndman & Koehler 2006)."""
    train = np.asarray(train, float)
    if len(train) <= season:
        raise ValueError(f"MASE needs more than {season} training weeks, got {len(train)}")
    scale = float(np.mean(np.abs(train[season:] - train[:-season])))
    if scale == 0:
        raise ValueError("the training series repeats itself exactly: MASE is undefined")
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))) / scale)


def backtest(y: pd.Series, horizon: int = HORIZON_WEEKS) -> tuple[float, float, pd.DataFrame]:
    """Hold out the last ``horizon`` weeks, forecast them from the rest.

    Returns
    -------
    (mase, mase_naive, DataFrame)
        The model's MASE, the seasonal naive forecast's, and ``week_on, actual, value,
        low, high, naive`` of the held-out weeks.
    """
    train, test = y.iloc[:-horizon], y.iloc[-horizon:]
    fc = fit_predict(train, horizon)
    naive = np.array([train.iloc[len(train) - SEASON_WEEKS + (h % SEASON_WEEKS)] for h in range(horizon)])
    m = mase(test.to_numpy(), fc["value"].to_numpy(), train.to_numpy())
    m_naive = mase(test.to_numpy(), naive, train.to_numpy())
    pts = fc.assign(week_on=list(test.index), actual=test.to_numpy(), naive=naive)
    return m, m_naive, pts[["week_on", "actual", "value", "low", "high", "naive"]]


def forecast(con: Any, series: str, *, hall_ids: list[str] | None = None, categories: list[str] | None = None,
             horizon: int = HORIZON_WEEKS) -> ForecastResult:
    """Weekly forecast of a series with its backtest (see the module docstring)."""
    y = weekly_series(con, series, hall_ids=hall_ids, categories=categories)
    if len(y) < MIN_WEEKS:
        raise TooShort(series, len(y), MIN_WEEKS)
    history = pd.DataFrame({"week_on": list(y.index), "value": y.to_numpy()})
    points = fit_predict(y, horizon)
    if len(y) < SEASON_WEEKS + horizon + 1:
        return ForecastResult(series, horizon, history, points, backtest_needed=SEASON_WEEKS + horizon + 1)
    m, m_naive, pts = backtest(y, horizon)
    return ForecastResult(series, horizon, history, points, m, m_naive, pts)


# ---------------------------------------------------------------- scenario
def scenario(res: ForecastResult, imp: dict[str, Any], *, categories: list[str] | None = None,
             hall_share: float = 1.0) -> dict[str, Any]:
    """The forecast with the planned rooms (module docstring, "Scenario").

    Parameters
    ----------
    res
        The forecast.
    imp
        What the rooms bring (:func:`dashboard.analysis.impact.impact`): its
        ``counter_visits_avoided_per_month`` (counter arrivals) or
        ``hotline_orders_avoided_per_month`` (with ``by_category``), ``rooms``,
        ``households_covered`` and ``reasons``.
    categories
        Hotline categories of the series (``None``: all).
    hall_share
        Share of the counter visits avoided that falls on the series' halls (1: all halls).

    Returns
    -------
    dict
        ``{"scenario": {"rooms", "households_covered", "avoided_per_week": {value, low,
        high}, "points": [{week, value, low, high}]}}``, or ``{"scenario": None,
        "scenario_reason": {zh, en}}`` without an estimated effect.
    """
    from dashboard.i18n import label, t

    key = "counter_visits_avoided_per_month" if res.series == "hall_arrivals" else "hotline_orders_avoided_per_month"
    monthly = imp.get(key)
    why = imp.get("reasons", {}).get(key)
    if monthly is not None and res.series == "hotline" and categories:
        by = monthly.get("by_category", {})
        missing = [c for c in categories if c not in by]
        if missing:
            monthly = None
            why = {lang: t("fc.scenario.no_category", lang, categories=("、" if lang == "zh" else ", ").join(
                label("category", c, lang) for c in missing))
                   for lang in ("zh", "en")}
        else:
            monthly = {k: sum(by[c][k] for c in categories) for k in ("value", "low", "high")}
    if monthly is None:
        return {"scenario": None, "scenario_reason": why or {lang: t("fc.scenario.no_effect", lang)
                                                            for lang in ("zh", "en")}}
    share = hall_share if res.series == "hall_arrivals" else 1.0
    week = {k: float(monthly[k]) * share / WEEKS_PER_MONTH for k in ("value", "low", "high")}
    p = res.points
    points = [{"week": w.isoformat(), "value": round(max(v - week["value"], 0.0), 1),
               "low": round(max(lo - week["high"], 0.0), 1), "high": round(max(hi - week["low"], 0.0), 1)}
              for w, v, lo, hi in zip(p["week_on"], p["value"], p["low"], p["high"], strict=True)]
    return {"scenario": {"rooms": int(imp["rooms"]), "households_covered": int(imp["households_covered"]),
                         "avoided_per_week": {k: round(v, 1) for k, v in week.items()}, "points": points}}


def hall_share_of(changes: pd.DataFrame, catchment: pd.DataFrame, hall_ids: list[str] | None) -> float:
    """Share of the newly covered households' counter tickets taken at ``hall_ids``
    (``None``: every hall, 1): the households weighted by each community's ticket share
    at those halls, over all newly covered households."""
    if not hall_ids:
        return 1.0
    total = float(changes["households"].sum())
    if total == 0:
        return 0.0
    c = catchment[catchment["hall_id"].astype(str).isin([str(h) for h in hall_ids])]
    at = c.groupby("community_id")["hall_share"].sum()
    return float((changes["households"] * changes["community_id"].map(at).fillna(0.0)).sum()) / total


def scenario_inputs(con: Any, rooms: int = SCENARIO_ROOMS, hall_ids: tuple[str, ...] | None = None
                    ) -> dict[str, Any]:
    """What the ``rooms`` rooms the planner suggests bring, with the effects estimated
    from the warehouse (as ``servicecircle plan --add K --json``), and the share of their
    counter visits at ``hall_ids``: ``{"impact", "hall_share"}``, or ``{"impact": None,
    "reason": {zh, en}}`` without a street network or a site to plan."""
    from dashboard.analysis import impact
    from dashboard.coverage import inputs, planner
    from dashboard.coverage.refusals import NetworkError
    from dashboard.i18n import t

    try:
        plan = planner.plan(inputs.read_data(con), k=rooms)
    except NetworkError:
        return {"impact": None, "reason": {lang: t("cov.no_network", lang) for lang in ("zh", "en")}}
    except planner.PlanError as exc:
        return {"impact": None, "reason": {lang: str(exc) for lang in ("zh", "en")}}
    effects = impact.load_effects(con)
    changes = impact.newly_covered(plan.before.communities, plan.after.communities)
    return {"impact": impact.plan_impact(plan, effects),
            "hall_share": hall_share_of(changes, effects["catchment"], list(hall_ids) if hall_ids else None)}


def scenario_from(res: ForecastResult, got: dict[str, Any], categories: list[str] | None = None) -> dict[str, Any]:
    """:func:`scenario` of what :func:`scenario_inputs` found (or its reason)."""
    if got["impact"] is None:
        return {"scenario": None, "scenario_reason": got["reason"]}
    return scenario(res, got["impact"], categories=categories, hall_share=got["hall_share"])


def plan_scenario(con: Any, res: ForecastResult, *, rooms: int = SCENARIO_ROOMS, hall_ids: list[str] | None = None,
                  categories: list[str] | None = None) -> dict[str, Any]:
    """:func:`scenario` of the ``rooms`` rooms the planner suggests (:func:`scenario_inputs`)."""
    return scenario_from(res, scenario_inputs(con, rooms, tuple(hall_ids) if hall_ids else None), categories)
