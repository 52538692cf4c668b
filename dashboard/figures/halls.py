"""Figures of the hall-level waiting-time effect: exposure of each hall over time, and the
effect by months since exposure (both methods side by side).

Pure functions of :mod:`dashboard.analysis.exposure` / :mod:`dashboard.analysis.hall_effects`
results and a language; they build a plotly ``Figure`` and touch nothing else (tested on
``fig.data``). Every title, axis and legend entry goes through :func:`dashboard.i18n.t`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.analysis.hall_effects import METHOD_LABEL, HallEffect
from dashboard.figures import date_axis
from dashboard.figures.downsample import thin
from dashboard.i18n import t

__all__ = ["exposure_figure", "hall_event_figure"]

METHOD_COLOR = {"hall_dose_did": "#8c564b", "queue_model_mgc": "#1f77b4"}


def exposure_figure(shares: pd.DataFrame, names: dict[str, str] | None = None, lang: str = "zh") -> go.Figure:
    """One line per hall: the share of its catchment the rooms reach, by month.

    Parameters
    ----------
    shares
        ``Exposure.shares`` rows: ``hall_id, month_on, share``.
    names
        Hall names by id (the legend); ids where missing.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    go.Figure
        One line trace per hall (in hall-id order), y in 0..1.
    """
    names = names or {}
    fig = go.Figure()
    for hall_id, g in shares.sort_values(["hall_id", "month_on"]).groupby("hall_id", sort=True):
        x, y = thin(pd.to_datetime(g["month_on"]), g["share"])  # a long history: no more points than drawn
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=names.get(hall_id) or str(hall_id)))
    fig.update_layout(title=t("halls.fig.exposure.title", lang), xaxis_title=t("halls.fig.exposure.x", lang),
                      yaxis_title=t("halls.fig.exposure.y", lang), yaxis_tickformat=".0%",
                      yaxis_range=[0, 1.02], hovermode="x unified")
    date_axis(fig, lang)
    return fig


def hall_event_figure(res: HallEffect, lang: str = "zh") -> go.Figure:
    """Effect on the hall wait by months since exposure, one marker line with 95 % CI
    error bars per method that gave an estimate.

    Returns
    -------
    go.Figure
        One trace per estimated method (design-based first), none when neither ran.
    """
    fig = go.Figure()
    for e in res.estimates:
        if not e.ok or not e.event_study:
            continue
        es = sorted(e.event_study, key=lambda r: r["event_time"])
        x = [r["event_time"] for r in es]
        y = [r["att"] for r in es]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=t(METHOD_LABEL[e.method], lang),
            line={"color": METHOD_COLOR[e.method]},
            error_y={"type": "data", "symmetric": False,
                     "array": [r["ci_high"] - r["att"] for r in es],
                     "arrayminus": [r["att"] - r["ci_low"] for r in es]},
        ))
    fig.add_hline(y=0, line_color="#444", line_width=1)
    fig.update_layout(title=t("halls.fig.event.title", lang), xaxis_title=t("halls.fig.event.x", lang),
                      yaxis_title=t("halls.fig.event.y", lang), legend_title_text=t("halls.fig.ci", lang))
    return fig
