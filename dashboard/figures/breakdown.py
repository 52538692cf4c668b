"""Figure of an effect broken down by group: one point per group (hotline category group,
urban / rural, walking-distance band) with its 95 % interval, and a zero line.

Pure function of a list of :class:`~dashboard.analysis.breakdown.GroupEffect` and a
language (tested on ``fig.data``). A group without an estimate gets no point; its label
stays on the axis, marked "no estimate", and its reason is in the hover of an empty
marker at 0 so the gap is explained rather than hidden.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.analysis.breakdown import GroupEffect
from dashboard.analysis.effects import fmt_num
from dashboard.i18n import label, t

__all__ = ["effect_by_group_figure"]

POINT_COLOR = "#1f77b4"
NONE_COLOR = "#b0b0b0"


def effect_by_group_figure(groups: list[GroupEffect], by: str, outcome: str, lang: str = "zh") -> go.Figure:
    """Effect per group with its 95 % CI.

    Parameters
    ----------
    groups
        From :func:`dashboard.analysis.breakdown.estimate_categories` or
        :func:`~dashboard.analysis.breakdown.estimate_by`, in display order.
    by
        Label prefix of the group codes: ``hotline_group``, ``urban_rural`` or
        ``distance_band``.
    outcome
        The outcome code (axis title).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    go.Figure
        Trace 0: the estimates (x = group labels of groups with an estimate, y = effect,
        ``error_y`` = the CI); trace 1: groups without an estimate (at 0, hollow, reason
        in the hover). The x axis lists every group in order.
    """
    labels = [label(by, g.group, lang) for g in groups]
    ok = [g for g in groups if g.result.ok]
    none = [g for g in groups if not g.result.ok]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        name=t("out.fig.group.att", lang),
        x=[label(by, g.group, lang) for g in ok],
        y=[g.result.att for g in ok],
        mode="markers",
        marker={"size": 11, "color": POINT_COLOR},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [g.result.ci_high - g.result.att for g in ok],
            "arrayminus": [g.result.att - g.result.ci_low for g in ok],
            "thickness": 2,
        },
        hovertext=[t("out.fig.group.hover", lang, group=label(by, g.group, lang), att=fmt_num(g.result.att),
                     lo=fmt_num(g.result.ci_low), hi=fmt_num(g.result.ci_high), n=g.result.n_treated) for g in ok],
        hoverinfo="text",
    ))
    fig.add_trace(go.Scatter(
        name=t("out.fig.group.none", lang),
        x=[label(by, g.group, lang) for g in none],
        y=[0.0] * len(none),
        mode="markers",
        marker={"size": 11, "color": NONE_COLOR, "symbol": "circle-open"},
        hovertext=[(g.result.reason or {}).get(lang, g.result.status) for g in none],
        hoverinfo="text",
    ))
    fig.add_hline(y=0.0, line_dash="dot", line_color="#666666")
    fig.update_layout(
        title=t(f"out.fig.group.title.{by}", lang),
        yaxis_title=f"{t('eff.fig.event.y', lang)}: {t(f'out.outcome.{outcome}', lang)}",
        xaxis={"categoryorder": "array", "categoryarray": labels, "type": "category"},
        showlegend=bool(none),
    )
    return fig
