"""Figure of the load forecast: history, the backtest beside the held-out weeks, the
next 26 weeks with their 95 % interval band, and the scenario with new rooms (its line
and range) when there is one.

A pure function of a :class:`~dashboard.analysis.forecast.ForecastResult` and a language
(tested on ``fig.data``); every visible text goes through :func:`dashboard.i18n.t`.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.analysis.forecast import ForecastResult
from dashboard.i18n import t

__all__ = ["forecast_figure"]

HISTORY_COLOR = "#424242"
FORECAST_COLOR = "#1f77b4"
BAND_COLOR = "rgba(31, 119, 180, 0.18)"
BACKTEST_COLOR = "#ff7f0e"
NAIVE_COLOR = "#9e9e9e"
SCENARIO_COLOR = "#2e7d32"
SCENARIO_BAND = "rgba(46, 125, 50, 0.12)"


def forecast_figure(res: ForecastResult, lang: str = "zh", scenario: dict[str, Any] | None = None) -> go.Figure:
    """History, backtest (when there is one), forecast with its interval band, and the
    scenario's line and range (``scenario``: the ``"scenario"`` value of
    :func:`dashboard.analysis.forecast.scenario`, or ``None``)."""
    fig = go.Figure()
    h, p, b = res.history, res.points, res.backtest_points
    fig.add_trace(go.Scatter(x=list(h["week_on"]), y=h["value"], mode="lines", name=t("fc.fig.history", lang),
                             line={"color": HISTORY_COLOR, "width": 1.5}))
    if not b.empty:
        fig.add_trace(go.Scatter(x=list(b["week_on"]), y=b["value"], mode="lines", name=t("fc.fig.backtest", lang),
                                 line={"color": BACKTEST_COLOR, "dash": "dash"}))
        fig.add_trace(go.Scatter(x=list(b["week_on"]), y=b["naive"], mode="lines", name=t("fc.fig.naive", lang),
                                 line={"color": NAIVE_COLOR, "dash": "dot"}))
    weeks = list(p["week_on"])
    fig.add_trace(go.Scatter(x=weeks + weeks[::-1], y=list(p["high"]) + list(p["low"])[::-1], fill="toself",
                             fillcolor=BAND_COLOR, line={"width": 0}, hoverinfo="skip",
                             name=t("fc.fig.interval", lang)))
    fig.add_trace(go.Scatter(x=weeks, y=p["value"], mode="lines", name=t("fc.fig.forecast", lang),
                             line={"color": FORECAST_COLOR, "width": 2}))
    if scenario is not None:
        sp = scenario["points"]
        sw = [p["week"] for p in sp]
        fig.add_trace(go.Scatter(x=sw + sw[::-1], y=[p["high"] for p in sp] + [p["low"] for p in sp][::-1],
                                 fill="toself", fillcolor=SCENARIO_BAND, line={"width": 0}, hoverinfo="skip",
                                 name=t("fc.scenario.band", lang)))
        fig.add_trace(go.Scatter(x=sw, y=[p["value"] for p in sp], mode="lines", name=t("fc.scenario.line", lang),
                                 line={"color": SCENARIO_COLOR, "width": 2, "dash": "dash"}))
    fig.update_layout(title=t("fc.fig.title", lang), xaxis_title=t("fc.fig.week", lang),
                      yaxis_title=t("fc.fig.value", lang), hovermode="x unified",
                      legend={"orientation": "h", "y": -0.2}, margin={"t": 60, "b": 40})
    return fig
