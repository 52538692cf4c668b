"""Plain chart data (:class:`~dashboard.report.briefing.Chart`) → plotly figure.

Used by the briefing page and the HTML export, so both draw the same numbers as the
native PowerPoint chart. Every text on the figure (title, axes, legend, hover) comes from
the :class:`Chart`, which :func:`~dashboard.report.briefing.assemble` filled in the chosen
language.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.report.briefing import Chart

__all__ = ["FONT_FAMILY", "PALETTE", "to_figure"]

FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
"""CJK-capable fonts, first the one Debian's fonts-noto-cjk installs."""

PALETTE = ("#1f5fa8", "#e08a1e", "#2e9d5b", "#c0392b", "#7f5fa8", "#5f7f8f")


def to_figure(chart: Chart, *, height: int = 420, font_size: int = 14) -> go.Figure:
    """Build a plotly figure from chart data.

    Parameters
    ----------
    chart
        Categories and series; ``kind`` picks lines, columns or horizontal bars.
    height
        Figure height in pixels.
    font_size
        Base font size (the presentation mode passes a larger one).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per series, named and hovered with the series' translated name.
    """
    fig = go.Figure()
    suffix = "%" if chart.percent else ""
    cats = list(chart.categories)
    for i, s in enumerate(chart.series):
        color = PALETTE[i % len(PALETTE)]
        vals = list(s.values)
        if chart.kind == "line":
            fig.add_trace(go.Scatter(
                x=cats, y=vals, name=s.name, mode="lines+markers",
                line={"color": color, "width": 3, **({"dash": "dot"} if i > 0 and len(chart.series) == 3 else {})},
                hovertemplate=f"%{{x}}<br>{s.name}: %{{y:,.2f}}{suffix}<extra></extra>",
            ))
        elif chart.kind == "column":
            fig.add_trace(go.Bar(
                x=cats, y=vals, name=s.name, marker_color=color,
                hovertemplate=f"%{{x}}<br>{s.name}: %{{y:,.0f}}{suffix}<extra></extra>",
            ))
        else:
            fig.add_trace(go.Bar(
                y=cats, x=vals, name=s.name, orientation="h", marker_color=color,
                hovertemplate=f"%{{y}}<br>{s.name}: %{{x:,.1f}}{suffix}<extra></extra>",
            ))
    value_axis = {"ticksuffix": suffix} if suffix else {}
    fig.update_layout(
        title={"text": chart.title},
        height=height,
        font={"family": FONT_FAMILY, "size": font_size},
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        showlegend=len(chart.series) > 1,
        barmode="group",
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    if chart.kind == "bar":
        fig.update_xaxes(title_text=chart.x_title, gridcolor="#e5e5e5", **value_axis)
        fig.update_yaxes(title_text=chart.y_title, automargin=True)
    else:
        fig.update_xaxes(title_text=chart.x_title, type="category")
        fig.update_yaxes(title_text=chart.y_title, gridcolor="#e5e5e5", **value_axis)
    return fig
