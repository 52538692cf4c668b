"""Figures of the causal estimates: event study, counterfactual line, naive vs DiD.

Pure functions of an :class:`~dashboard.analysis.effects.EffectResult` and a language:
they build a plotly ``Figure`` and touch nothing else (tested on ``fig.data``). Every
title, axis, legend entry and hover text goes through :func:`dashboard.i18n.t`.
A result without an estimate (``status != "ok"``) gives a figure with no traces; the
page shows the plain reason instead.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures import date_axis

from dashboard.analysis.effects import EffectResult, fmt_num
from dashboard.i18n import t

__all__ = ["EVENT_WINDOW", "counterfactual_figure", "event_study_figure", "naive_vs_did_figure"]

EVENT_WINDOW: tuple[int, int] = (-12, 24)
"""Months before/after opening shown by default (far ends rest on one wave only)."""

PRE_COLOR = "#8c8c8c"
POST_COLOR = "#1f77b4"
BAND_COLOR = "rgba(31, 119, 180, 0.18)"
CF_COLOR = "#d62728"


def _axis_title(res: EffectResult, lang: str) -> str:
    return f"{t('eff.fig.event.y', lang)}: {t(f'eff.what.{res.outcome}', lang)}"


def event_study_figure(
    res: EffectResult, lang: str = "zh", window: tuple[int, int] | None = EVENT_WINDOW
) -> go.Figure:
    """Effect by months since opening with its 95 % CI band.

    Parameters
    ----------
    res
        An estimate from :func:`dashboard.analysis.effects.estimate`.
    lang
        ``"zh"`` or ``"en"``.
    window
        ``(first, last)`` event times to show; ``None`` shows all.

    Returns
    -------
    go.Figure
        Traces: CI band upper edge, CI band (filled to the upper edge), pre-opening
        estimates (grey, the parallel-trends check), post-opening estimates.
    """
    fig = go.Figure()
    fig.update_layout(
        title=t("eff.fig.event.title", lang),
        xaxis_title=t("eff.fig.event.x", lang),
        yaxis_title=_axis_title(res, lang),
        hovermode="x unified",
    )
    rows = [
        r for r in res.event_study
        if window is None or window[0] <= r["event_time"] <= window[1]
    ]
    if not res.ok or not rows:
        return fig
    e = [r["event_time"] for r in rows]
    hi = [r["ci_high"] for r in rows]
    lo = [r["ci_low"] for r in rows]
    fig.add_trace(go.Scatter(x=e, y=hi, mode="lines", line={"width": 0}, showlegend=False,
                             hoverinfo="skip", name=t("eff.fig.event.ci", lang)))
    fig.add_trace(go.Scatter(x=e, y=lo, mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor=BAND_COLOR, name=t("eff.fig.event.ci", lang), hoverinfo="skip"))
    for part, color, key in (
        ([r for r in rows if r["event_time"] < 0], PRE_COLOR, "eff.fig.event.pre"),
        ([r for r in rows if r["event_time"] >= 0], POST_COLOR, "eff.fig.event.post"),
    ):
        if not part:
            continue
        fig.add_trace(
            go.Scatter(
                x=[r["event_time"] for r in part],
                y=[r["att"] for r in part],
                mode="lines+markers",
                line={"color": color},
                marker={"color": color, "size": 6},
                name=t(key, lang),
                hovertext=[
                    t("eff.fig.event.hover", lang, e=r["event_time"], att=fmt_num(r["att"]),
                      lo=fmt_num(r["ci_low"]), hi=fmt_num(r["ci_high"]))
                    for r in part
                ],
                hoverinfo="text",
            )
        )
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    fig.add_vline(x=-0.5, line={"color": "#444", "width": 1, "dash": "dot"})
    return fig


def counterfactual_figure(res: EffectResult, lang: str = "zh") -> go.Figure:
    """Served communities per month: observed mean vs "what would have happened without
    rooms" (observed minus the estimated effect of the rooms already open).

    Returns
    -------
    go.Figure
        Two line traces: observed, counterfactual (dashed).
    """
    fig = go.Figure()
    fig.update_layout(
        title=t("eff.fig.cf.title", lang),
        xaxis_title=t("eff.fig.cf.x", lang),
        yaxis_title=t(f"eff.what.{res.outcome}", lang),
        hovermode="x unified",
    )
    date_axis(fig, lang)
    cf = res.counterfactual
    if not res.ok or cf is None or cf.empty:
        return fig
    x = [str(d) for d in cf["month_on"]]
    fig.add_trace(go.Scatter(x=x, y=cf["observed"].tolist(), mode="lines+markers",
                             name=t("eff.fig.cf.observed", lang), line={"color": POST_COLOR}))
    fig.add_trace(go.Scatter(x=x, y=cf["counterfactual"].tolist(), mode="lines",
                             name=t("eff.fig.cf.counterfactual", lang),
                             line={"color": CF_COLOR, "dash": "dash"}))
    return fig


def naive_vs_did_figure(res: EffectResult, lang: str = "zh") -> go.Figure:
    """Two bars: the plain before/after difference and the DiD effect with its 95 % CI.

    Returns
    -------
    go.Figure
        One bar trace with x = [naive label, DiD label]; the DiD bar carries the CI as
        an asymmetric error bar.
    """
    fig = go.Figure()
    fig.update_layout(title=t("eff.fig.cmp.title", lang), yaxis_title=_axis_title(res, lang))
    if not res.ok or res.att is None:
        return fig
    naive = res.naive_before_after
    labels = [t("eff.fig.cmp.naive", lang), t("eff.fig.cmp.did", lang)]
    fig.add_trace(
        go.Bar(
            x=labels,
            y=[naive, res.att],
            marker={"color": [PRE_COLOR, POST_COLOR]},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [0.0, res.ci_high - res.att],
                "arrayminus": [0.0, res.att - res.ci_low],
            },
            text=[fmt_num(naive), fmt_num(res.att)],
            textposition="outside",
        )
    )
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    return fig
