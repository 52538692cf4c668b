"""Figure of counter staffing: counters needed per weekday × hour without the rooms and
with them, side by side on one colour scale.

A pure function of the rows of :func:`dashboard.analysis.staffing.staffing` and a
language; it builds a plotly ``Figure`` and touches nothing else (tested on
``fig.data``). Every title, axis and hover text goes through :func:`dashboard.i18n.t`;
hover texts are formatted per cell (no plotly ``%{..}`` templates in the catalogue).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.metrics import WEEKDAY_CODES
from dashboard.i18n import t

__all__ = ["staffing_heatmap"]

PANEL_KEY = {"before": "staffing.fig.before", "after": "staffing.fig.after"}


def staffing_heatmap(rows: pd.DataFrame, lang: str = "zh", hall_ids: list[str] | None = None) -> go.Figure:
    """Counters needed by weekday (rows) and hour (columns), summed over the halls.

    Parameters
    ----------
    rows
        ``Staffing.rows``: ``hall_id, weekday`` (0 = Monday), ``hour``,
        ``counters_needed_before`` (may be missing: no arrival effect),
        ``counters_needed_after``.
    lang
        ``zh`` or ``en``.
    hall_ids
        Halls to show (default all).

    Returns
    -------
    go.Figure
        One heatmap trace per panel: *without the rooms* (``before``, when known) then
        *with the rooms* (``after``); ``z`` is weekdays × hours, ``None`` where the halls
        are closed.
    """
    r = rows if not hall_ids else rows[rows["hall_id"].isin(hall_ids)]
    hours = sorted(int(h) for h in r["hour"].unique()) if len(r) else []
    days = sorted(int(d) for d in r["weekday"].unique()) if len(r) else []
    has_before = len(r) > 0 and r["counters_needed_before"].notna().all()
    panels = (["before"] if has_before else []) + ["after"]
    fig = make_subplots(rows=1, cols=len(panels), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[t(PANEL_KEY[p], lang) for p in panels])
    day_names = [t(f"weekday.{WEEKDAY_CODES[d]}", lang) for d in days]
    hour_names = [f"{h}:00" for h in hours]
    grids = {}
    for p in panels:
        col = f"counters_needed_{p}"
        s = r.assign(v=r[col].astype(float)).groupby(["weekday", "hour"])["v"].sum()
        grids[p] = [[(float(s[(d, h)]) if (d, h) in s.index else None) for h in hours] for d in days]
    zmax = max([v for g in grids.values() for row in g for v in row if v is not None], default=1.0)
    for i, p in enumerate(panels, start=1):
        z = grids[p]
        text = [[("" if v is None else t("staffing.fig.hover", lang, day=day_names[di], hour=hour_names[hi],
                                          n=f"{v:.0f}")) for hi, v in enumerate(row)] for di, row in enumerate(z)]
        fig.add_trace(go.Heatmap(
            z=z, x=hour_names, y=day_names, name=t(PANEL_KEY[p], lang), text=text, hoverinfo="text",
            colorscale="YlOrRd", zmin=0, zmax=zmax, hoverongaps=False, showscale=(i == len(panels)),
            colorbar={"title": {"text": t("staffing.fig.counters", lang)}},
        ), row=1, col=i)
        fig.update_xaxes(title_text=t("staffing.fig.hour", lang), row=1, col=i)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=t("staffing.fig.title", lang), margin={"l": 40, "r": 20, "t": 70, "b": 40})
    return fig
