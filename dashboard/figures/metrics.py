"""Pure plotly builders for the metric pages (offload, waiting, hotline, faults, groups,
community). Each takes DataFrames from :mod:`dashboard.analysis.metrics` and ``lang``,
translates every title, axis, legend and hover text through :func:`dashboard.i18n.t`,
and returns a :class:`plotly.graph_objects.Figure`. Every time axis carries the
room-opening markers (one dotted vertical line per opening month, as a trace named
"服务室开放" / "Room opening" so tests can find it in ``fig.data``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import date_axis

from dashboard.i18n import label, t

__all__ = [
    "add_openings",
    "before_after_figure",
    "by_group_figure",
    "by_type_figure",
    "community_map_figure",
    "community_monthly_figure",
    "counter_by_hall_figure",
    "faults_figure",
    "hall_wait_figure",
    "heatmap_figure",
    "offload_figure",
    "per_1k_figure",
    "satisfaction_figure",
    "weekday_figure",
]

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATUS_COLOURS = {"served": "#1f77b4", "not_yet": "#ff7f0e"}


def _layout(fig: go.Figure, title: str, x: str, y: str, months_lang: str | None = None) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, legend_title_text="",
                      margin={"l": 40, "r": 20, "t": 50, "b": 40}, hovermode="x unified")
    if months_lang is not None:  # a time axis: months as 2024年3月 in Chinese
        date_axis(fig, months_lang)
    return fig


def add_openings(fig: go.Figure, openings: Sequence[dt.date], y0: float, y1: float, lang: str) -> go.Figure:
    """Add one dotted vertical line per opening month (a single trace, ``None``-separated).

    Parameters
    ----------
    fig
        The figure (time on x).
    openings
        Opening dates (months of first room openings in scope).
    y0, y1
        Vertical extent of the lines (data units).
    lang
        Language of the legend entry.
    """
    xs: list = []
    ys: list = []
    for d in openings:
        xs += [d, d, None]
        ys += [y0, y1, None]
    if xs:
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", name=t("met.fig.opening", lang),
            line={"dash": "dot", "color": "rgba(90,90,90,0.5)", "width": 1},
            hoverinfo="skip",
        ))
    return fig


def _ymax(*vals: pd.Series) -> float:
    m = max((float(v.max()) for v in vals if len(v) and pd.notna(v.max())), default=1.0)
    return m * 1.05 if m > 0 else 1.0


def offload_figure(monthly: pd.DataFrame, openings: Sequence[dt.date], lang: str) -> go.Figure:
    """Monthly offloadable transactions at counters and in rooms (bars) and the offload share
    (line, right axis). ``monthly``: month_on, counter, room, share."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=monthly["month_on"], y=monthly["counter"], name=t("met.fig.counter", lang)))
    fig.add_trace(go.Bar(x=monthly["month_on"], y=monthly["room"], name=t("met.fig.room", lang)))
    fig.add_trace(go.Scatter(x=monthly["month_on"], y=monthly["share"] * 100, name=t("met.fig.share", lang),
                             yaxis="y2", mode="lines+markers"))
    add_openings(fig, openings, 0, _ymax(monthly["counter"] + monthly["room"]) if len(monthly) else 1, lang)
    fig.update_layout(barmode="stack", yaxis2={"overlaying": "y", "side": "right", "range": [0, 100],
                                                "title": t("met.fig.share", lang) + " (%)"})
    return _layout(fig, t("met.fig.offload_title", lang), t("met.fig.month", lang), t("met.fig.transactions", lang), months_lang=lang)


def counter_by_hall_figure(counter: pd.DataFrame, halls: pd.DataFrame, openings: Sequence[dt.date],
                           lang: str) -> go.Figure:
    """One line per hall: served counter tickets per month. ``counter``: month_on, hall_id,
    service_type, n_served; ``halls``: hall_id, name."""
    names = dict(zip(halls["hall_id"], halls["name"])) if len(halls) else {}
    g = counter.groupby(["hall_id", "month_on"], as_index=False)["n_served"].sum()
    fig = go.Figure()
    for hall, sub in g.groupby("hall_id"):
        fig.add_trace(go.Scatter(x=sub["month_on"], y=sub["n_served"], name=str(names.get(hall, hall)),
                                 mode="lines"))
    add_openings(fig, openings, 0, _ymax(g["n_served"]), lang)
    return _layout(fig, t("met.fig.by_hall_title", lang), t("met.fig.month", lang), t("met.fig.transactions", lang), months_lang=lang)


def by_type_figure(counter: pd.DataFrame, room: pd.DataFrame, lang: str) -> go.Figure:
    """Totals by service type: counter transactions against room visits (grouped bars)."""
    c = counter.groupby("service_type")["n_served"].sum()
    r = room.groupby("service_type")["n_visits"].sum()
    types = sorted(set(c.index) | set(r.index))
    xs = [label("service_type", s, lang) for s in types]
    fig = go.Figure([
        go.Bar(x=xs, y=[float(c.get(s, 0)) for s in types], name=t("met.fig.counter", lang)),
        go.Bar(x=xs, y=[float(r.get(s, 0)) for s in types], name=t("met.fig.room", lang)),
    ])
    fig.update_layout(barmode="group")
    return _layout(fig, t("met.fig.by_type_title", lang), t("met.filter.service_type", lang),
                   t("met.fig.transactions", lang))


def per_1k_figure(df: pd.DataFrame, value: str, openings: Sequence[dt.date], lang: str,
                  title_key: str = "met.fig.per_1k_title") -> go.Figure:
    """Served vs not-yet-served lines of a per-household rate. ``df``: month_on, status,
    households and the count column ``value``; rate = value * 1000 / households."""
    fig = go.Figure()
    g = df.groupby(["month_on", "status"], as_index=False).agg(n=(value, "sum"), households=("households", "first"))
    g["rate"] = g["n"] * 1000.0 / g["households"].where(g["households"] > 0)
    for status in ("served", "not_yet"):
        sub = g[g["status"] == status]
        if len(sub):
            fig.add_trace(go.Scatter(x=sub["month_on"], y=sub["rate"], name=t(f"met.status.{status}", lang),
                                     mode="lines+markers", line={"color": STATUS_COLOURS[status]}))
    add_openings(fig, openings, 0, _ymax(g["rate"]), lang)
    return _layout(fig, t(title_key, lang), t("met.fig.month", lang), t("met.fig.per_1k", lang), months_lang=lang)


def heatmap_figure(heat: pd.DataFrame, value: str, lang: str) -> go.Figure:
    """Weekday × hour heatmap of ``value`` (``wait_mean_min`` or ``arrivals_per_month``)."""
    hours = sorted(heat["hour_of_day"].unique().tolist()) if len(heat) else []
    days = list(range(1, 8))
    z = [[None] * len(hours) for _ in days]
    for _, r in heat.iterrows():
        v = r[value]
        z[int(r["weekday"]) - 1][hours.index(r["hour_of_day"])] = None if pd.isna(v) else float(v)
    title = "met.fig.heat_wait_title" if value == "wait_mean_min" else "met.fig.heat_arrivals_title"
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"{h}:00" for h in hours], y=[t(f"weekday.{WEEKDAY_CODES[d - 1]}", lang) for d in days],
        colorscale="YlOrRd", hoverongaps=False, name=t(title, lang),
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t(title, lang), t("met.fig.hour", lang), t("met.fig.weekday", lang))


def before_after_figure(ba: pd.DataFrame, target_min: float, lang: str) -> go.Figure:
    """Wait distributions (share of served tickets per whole minute) before and after the
    first opening, with the target as a vertical line."""
    fig = go.Figure()
    for period in ("before", "after"):
        sub = ba[ba["period"] == period]
        if len(sub):
            fig.add_trace(go.Scatter(x=sub["minute"], y=sub["share"] * 100, name=t(f"met.period.{period}", lang),
                                     mode="lines", line_shape="hvh"))
    ymax = float(ba["share"].max() * 100) if len(ba) else 1.0
    fig.add_trace(go.Scatter(x=[target_min, target_min], y=[0, ymax], mode="lines",
                             name=t("met.fig.target", lang, v=f"{target_min:g}"), line={"dash": "dash", "color": "red"}))
    return _layout(fig, t("met.fig.before_after_title", lang), t("met.fig.wait_min", lang),
                   t("met.fig.share_of_tickets", lang) + " (%)")


def hall_wait_figure(per_hall: pd.DataFrame, target_min: float, lang: str) -> go.Figure:
    """Mean, median and P90 wait per hall (grouped bars) with the target line."""
    xs = per_hall["hall_name"].astype(str).tolist()
    fig = go.Figure([
        go.Bar(x=xs, y=per_hall[col], name=t(key, lang))
        for col, key in (("wait_mean_min", "met.fig.mean"), ("wait_median_min", "met.fig.median"),
                         ("wait_p90_min", "met.fig.p90"))
    ])
    if xs:
        fig.add_trace(go.Scatter(x=[xs[0], xs[-1]], y=[target_min, target_min], mode="lines",
                                 name=t("met.fig.target", lang, v=f"{target_min:g}"),
                                 line={"dash": "dash", "color": "red"}))
    fig.update_layout(barmode="group")
    return _layout(fig, t("met.fig.hall_wait_title", lang), t("met.col.hall", lang), t("met.fig.wait_min", lang))


def community_map_figure(change: pd.DataFrame, lang: str) -> go.Figure:
    """Communities as points in lon/lat (no tiles), coloured by the change in 95598 orders
    per 1,000 households per month after opening; grey where there is no change."""
    has = change[change["change"].notna() & change["lon"].notna()]
    none = change[change["change"].isna() & change["lon"].notna()]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=none["lon"], y=none["lat"], mode="markers", name=t("met.fig.not_served", lang),
        marker={"color": "lightgrey", "size": 7}, text=none["name"], hovertemplate="%{text}<extra></extra>",
    ))
    lim = float(has["change"].abs().max()) if len(has) else 1.0
    fig.add_trace(go.Scatter(
        x=has["lon"], y=has["lat"], mode="markers", name=t("met.col.change", lang),
        text=has["name"], customdata=has["change"],
        marker={"color": has["change"], "colorscale": "RdBu_r", "cmin": -lim, "cmax": lim, "size": 10,
                "colorbar": {"title": t("met.fig.per_1k", lang)}},
        hovertemplate="%{text}: %{customdata:.2f}<extra></extra>",
    ))
    fig.update_yaxes(scaleanchor="x", scaleratio=1.2)
    fig = _layout(fig, t("met.fig.map_title", lang), t("met.fig.lon", lang), t("met.fig.lat", lang))
    fig.update_layout(hovermode="closest")
    return fig


def faults_figure(monthly: pd.DataFrame, by_area: pd.DataFrame, openings: Sequence[dt.date], lang: str,
                  which: str = "restore") -> go.Figure:
    """Monthly mean arrival (``which='arrival'``, minutes) or restoration (hours) per area,
    with each area's commitment as a dashed line."""
    col, tcol, key = (("arrival_mean_min", "arrival_target_min", "met.fig.arrival") if which == "arrival"
                      else ("restore_mean_h", "restore_target_h", "met.fig.restore"))
    fig = go.Figure()
    for area, sub in monthly.groupby("urban_rural"):
        fig.add_trace(go.Scatter(x=sub["month_on"], y=sub[col], mode="lines+markers",
                                 name=label("met.area", area, lang)))
    if len(monthly):
        x0, x1 = monthly["month_on"].min(), monthly["month_on"].max()
        for _, r in by_area.iterrows():
            fig.add_trace(go.Scatter(
                x=[x0, x1], y=[r[tcol], r[tcol]], mode="lines", line={"dash": "dash"},
                name=t("met.fig.commitment", lang, v=f"{label('met.area', r['urban_rural'], lang)} {r[tcol]:g}"),
            ))
    y = [monthly[col]] if len(monthly) else []
    add_openings(fig, openings, 0, _ymax(*y, by_area[tcol]) if len(by_area) else 1, lang)
    return _layout(fig, t("met.fig.faults_title", lang) + " · " + t(key, lang), t("met.fig.month", lang), t(key, lang), months_lang=lang)


def satisfaction_figure(sat: pd.DataFrame, complaints: pd.DataFrame, openings: Sequence[dt.date],
                        lang: str) -> go.Figure:
    """Callback satisfaction (%, left) and complaints per 10,000 households (right) by month."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=sat["month_on"], y=sat["rate"] * 100, name=t("met.fig.satisfaction", lang),
                             mode="lines+markers"))
    fig.add_trace(go.Bar(x=complaints["month_on"], y=complaints["per_10k"], name=t("met.fig.complaints", lang),
                         yaxis="y2", opacity=0.5))
    add_openings(fig, openings, 0, 100, lang)
    fig.update_layout(yaxis={"range": [0, 100]}, yaxis2={"overlaying": "y", "side": "right",
                                                         "title": t("met.fig.complaints", lang)})
    return _layout(fig, t("met.fig.sat_title", lang), t("met.fig.month", lang), t("met.fig.satisfaction", lang) + " (%)", months_lang=lang)


def by_group_figure(df: pd.DataFrame, col: str, prefix: str, openings: Sequence[dt.date], lang: str,
                    title_key: str) -> go.Figure:
    """Stacked monthly bars of room visits by ``col`` (``customer_group`` or ``mode``),
    categories labelled with ``label(prefix, code)``."""
    fig = go.Figure()
    for code, sub in df.groupby(col):
        fig.add_trace(go.Bar(x=sub["month_on"], y=sub["n_visits"], name=label(prefix, code, lang)))
    tot = df.groupby("month_on")["n_visits"].sum() if len(df) else pd.Series(dtype=float)
    add_openings(fig, openings, 0, _ymax(tot), lang)
    fig.update_layout(barmode="stack")
    return _layout(fig, t(title_key, lang), t("met.fig.month", lang), t("met.unit.visits", lang), months_lang=lang)


def weekday_figure(wk: pd.DataFrame, lang: str) -> go.Figure:
    """Visits per open day by weekday (bars)."""
    fig = go.Figure(go.Bar(
        x=[t(f"weekday.{WEEKDAY_CODES[int(d) - 1]}", lang) for d in wk["weekday"]],
        y=wk["visits_per_open_day"], name=t("met.fig.per_open_day", lang),
    ))
    return _layout(fig, t("met.fig.weekday_title", lang), t("met.fig.weekday", lang), t("met.fig.per_open_day", lang))


def community_monthly_figure(monthly: pd.DataFrame, openings: Sequence[dt.date], lang: str) -> go.Figure:
    """One community's monthly tickets, hotline orders, fault orders and room visits."""
    fig = go.Figure()
    cols = ("n_tickets", "n_hotline", "n_faults", "n_visits")
    for col in cols:
        fig.add_trace(go.Scatter(x=monthly["month_on"], y=monthly[col], name=t(f"met.series.{col}", lang),
                                 mode="lines+markers"))
    add_openings(fig, openings, 0, _ymax(*(monthly[c] for c in cols)) if len(monthly) else 1, lang)
    return _layout(fig, t("met.fig.community_title", lang), t("met.fig.month", lang), t("met.fig.count", lang), months_lang=lang)
