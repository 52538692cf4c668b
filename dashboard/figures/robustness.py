"""Figure of the HonestDiD sensitivity analysis: robust intervals by restriction.

A pure function of the ``honest`` part of a
:class:`~dashboard.analysis.robustness.Robustness` and a language: the original 95 %
interval (exact parallel trends) first, then one interval per relative-magnitude bound
``Mbar`` and one per smoothness bound ``M``, as vertical error bars around their
midpoints, with a dashed line at 0 (the breakdown is where a bar first crosses it).
Every visible text goes through :func:`dashboard.i18n.t`. ``None`` (no sensitivity
analysis) gives a figure with no traces.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from dashboard.analysis.effects import fmt_num
from dashboard.i18n import t

__all__ = ["sensitivity_figure"]

COLORS = {"original": "#444444", "rm": "#1f77b4", "sd": "#ff7f0e"}


def _bars(name: str, labels: list[str], lows: list[float], highs: list[float], color: str) -> go.Scatter:
    mids = [(lo + hi) / 2 if math.isfinite(lo) and math.isfinite(hi) else float("nan")
            for lo, hi in zip(lows, highs)]
    return go.Scatter(
        x=labels,
        y=mids,
        mode="markers",
        name=name,
        marker={"color": color, "size": 4},
        error_y={"type": "data", "symmetric": False,
                 "array": [hi - m for hi, m in zip(highs, mids)],
                 "arrayminus": [m - lo for lo, m in zip(lows, mids)]},
        customdata=[[fmt_num(lo, 3), fmt_num(hi, 3)] for lo, hi in zip(lows, highs)],
        hovertemplate="%{x}: [%{customdata[0]}, %{customdata[1]}]<extra>" + name + "</extra>",
    )


def sensitivity_figure(honest: dict[str, Any] | None, lang: str = "zh") -> go.Figure:
    """Robust confidence intervals by ``Mbar`` and by ``M`` beside the original one.

    Parameters
    ----------
    honest
        The ``honest`` dict of a robustness result (keys ``original_ci``,
        ``relative_magnitudes``, ``smoothness``), or ``None``.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    go.Figure
        Traces (when ``honest`` is given): original interval, relative magnitudes,
        smoothness; each with ``error_y`` spanning ``[ci_low, ci_high]``.
    """
    fig = go.Figure()
    fig.update_layout(title=t("rob.fig.title", lang), yaxis_title=t("rob.fig.y", lang),
                      xaxis_title=t("rob.fig.x", lang))
    if honest is None:
        return fig
    lo, hi = honest["original_ci"]
    fig.add_trace(_bars(t("rob.fig.original", lang), [t("rob.fig.original", lang)], [lo], [hi], COLORS["original"]))
    rm = honest["relative_magnitudes"]
    fig.add_trace(_bars(t("rob.fig.rm", lang), [f"M̄ = {r['mbar']:g}" for r in rm],
                        [r["ci_low"] for r in rm], [r["ci_high"] for r in rm], COLORS["rm"]))
    sd = honest["smoothness"]
    fig.add_trace(_bars(t("rob.fig.sd", lang), [f"M = {fmt_num(r['m'], 3)}" for r in sd],
                        [r["ci_low"] for r in sd], [r["ci_high"] for r in sd], COLORS["sd"]))
    fig.add_hline(y=0, line_dash="dash", line_color="#999999")
    return fig
