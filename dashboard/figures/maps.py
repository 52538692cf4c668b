"""Pure figure builders for walking coverage: the offline map, roll-out growth, gaps.

The map needs no internet: it is a plain plotly ``Scatter`` plot in longitude/latitude
with the y axis scaled by ``1 / cos(latitude)`` so a metre is as long east-west as
north-south. Layers, bottom to top: walking areas (reached streets buffered, from
:func:`dashboard.coverage.engine.walking_area`), community polygons coloured by
coverage, the streets as their own line layer, community points carrying the hover
(community, households, walking distance, nearest room), rooms and halls. No on-map
text (markers only), so no font has to be downloaded. A tile basemap is an opt-in
(``basemap=True``): the same layers drawn as ``Scattermap`` traces over OpenStreetMap
tiles, which do need the internet.

Every builder takes ``lang`` and translates titles, legends and hover labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from dashboard.i18n import fmt_count, t

__all__ = ["coverage_map", "growth_chart", "street_xy", "uncovered_bar"]

COLORS = {
    "covered": "#2e7d32",
    "uncovered": "#c62828",
    "area": "rgba(46, 125, 50, 0.18)",
    "street": "#9e9e9e",
    "room": "#1565c0",
    "added": "#ef6c00",
    "moved": "#6a1b9a",
    "closed": "#757575",
    "hall": "#000000",
    "straight": "#90a4ae",
}


def street_xy(geoms: Sequence[Any] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Line coordinates of many LineStrings with NaN gaps between them (one trace)."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.empty(0), np.empty(0)
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    # insert a NaN after the last point of each line
    breaks = np.flatnonzero(np.diff(idx)) + 1
    x = np.insert(coords[:, 0], breaks, np.nan)
    y = np.insert(coords[:, 1], breaks, np.nan)
    return np.append(x, np.nan), np.append(y, np.nan)


def _polygon_xy(geoms: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Ring coordinates of the polygons with a NaN after each ring (numpy arrays: plotly
    validates a Python list element by element, minutes for a city-wide walking area)."""
    arr = np.array([g for g in geoms if g is not None and not g.is_empty], dtype=object)
    parts = shapely.get_parts(arr) if len(arr) else np.empty(0, dtype=object)
    parts = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts
    if len(parts) == 0:
        return np.empty(0), np.empty(0)
    coords, idx = shapely.get_coordinates(shapely.get_rings(parts), return_index=True)
    breaks = np.flatnonzero(np.diff(idx)) + 1
    x = np.append(np.insert(coords[:, 0], breaks, np.nan), np.nan)
    y = np.append(np.insert(coords[:, 1], breaks, np.nan), np.nan)
    return x, y


def _walk_text(v: float, lang: str) -> str:
    if v is None or not np.isfinite(v):
        return t("cov.hover.out_of_reach", lang)
    return t("cov.hover.metres", lang, m=f"{v:.0f}")


def coverage_map(
    *,
    communities: pd.DataFrame,
    rooms: pd.DataFrame,
    lang: str = "zh",
    streets: tuple[np.ndarray, np.ndarray] | None = None,
    halls: pd.DataFrame | None = None,
    area: Any = None,
    straight_area: Any = None,
    title: str | None = None,
    basemap: bool = False,
    height: int = 650,
) -> go.Figure:
    """The coverage map.

    Parameters
    ----------
    communities
        One row per community: ``community_id, name, lon, lat, households, walk_m,
        covered, nearest_room_id`` and optionally ``geometry_wkb`` (WGS-84 polygon).
    rooms
        ``room_id, name, lon, lat`` and optionally ``status`` (``open`` / ``kept``,
        ``added``, ``moved``, ``closed``).
    lang
        ``zh`` or ``en``.
    streets
        ``(lon, lat)`` arrays with NaN gaps (:func:`street_xy`).
    halls
        ``hall_id, name, lon, lat``.
    area
        Walking-area (Multi)Polygon in lon/lat, or ``None``.
    straight_area
        Optional straight-line circles to compare (drawn as an outline).
    title
        Figure title (already translated), default the map title.
    basemap
        Opt-in: draw over OpenStreetMap tiles (needs the internet).

    Returns
    -------
    go.Figure
    """
    traces: list[dict[str, Any]] = []
    if area is not None and not area.is_empty:
        ax, ay = _polygon_xy([area])
        traces.append(dict(x=ax, y=ay, mode="lines", fill="toself", fillcolor=COLORS["area"],
                           line=dict(color=COLORS["covered"], width=0.5), name=t("cov.map.area", lang),
                           hoverinfo="skip"))
    if straight_area is not None and not straight_area.is_empty:
        sx, sy = _polygon_xy([straight_area])
        traces.append(dict(x=sx, y=sy, mode="lines", line=dict(color=COLORS["straight"], width=1, dash="dot"),
                           name=t("cov.map.straight", lang), hoverinfo="skip"))
    if "geometry_wkb" in communities.columns:
        polys = communities["geometry_wkb"].map(
            lambda b: shapely.from_wkb(bytes(b)) if isinstance(b, (bytes, bytearray, memoryview)) and len(b) else None)
        for status in ("covered", "uncovered"):
            sel = communities["covered"].astype(bool) if status == "covered" else ~communities["covered"].astype(bool)
            px, py = _polygon_xy(list(polys[sel.to_numpy()]))
            if len(px):
                traces.append(dict(x=px, y=py, mode="lines", fill="toself",
                                   fillcolor=_rgba(COLORS[status], 0.12),
                                   line=dict(color=COLORS[status], width=1),
                                   name=t(f"cov.map.poly_{status}", lang), hoverinfo="skip"))
    if streets is not None and len(streets[0]):
        traces.append(dict(x=streets[0], y=streets[1], mode="lines", line=dict(color=COLORS["street"], width=1),
                           name=t("cov.map.streets", lang), hoverinfo="skip", kind="gl"))
    comm = communities[communities["lon"].notna() & communities["lat"].notna()]
    for status in ("covered", "uncovered"):
        sel = comm[comm["covered"].astype(bool)] if status == "covered" else comm[~comm["covered"].astype(bool)]
        if sel.empty:
            continue
        custom = np.column_stack([
            sel.get("name", sel["community_id"]).astype(str).to_numpy(),
            [fmt_count(h, lang) for h in sel["households"]],
            [_walk_text(v, lang) for v in sel["walk_m"].astype(float)],
            [str(r) if r is not None and not pd.isna(r) else "–" for r in sel["nearest_room_id"]],
        ])
        hover = (
            f"<b>%{{customdata[0]}}</b><br>{t('cov.hover.households', lang)}: %{{customdata[1]}}"
            f"<br>{t('cov.hover.walk', lang)}: %{{customdata[2]}}"
            f"<br>{t('cov.hover.nearest_room', lang)}: %{{customdata[3]}}<extra></extra>"
        )
        traces.append(dict(x=sel["lon"].to_numpy(float), y=sel["lat"].to_numpy(float), mode="markers",
                           marker=dict(size=9, color=COLORS[status], symbol="circle",
                                       line=dict(color="white", width=1)),
                           name=t(f"cov.map.comm_{status}", lang), customdata=custom, hovertemplate=hover))
    if rooms is not None and len(rooms):
        r = rooms[rooms["lon"].notna() & rooms["lat"].notna()]
        status = r["status"] if "status" in r.columns else pd.Series("open", index=r.index)
        status = status.replace({"kept": "open"})
        for s, symbol in (("open", "square"), ("added", "star"), ("moved", "diamond"), ("closed", "x")):
            sel = r[(status == s).to_numpy()]
            if sel.empty:
                continue
            custom = np.column_stack([sel["room_id"].astype(str), sel.get("name", sel["room_id"]).astype(str)])
            traces.append(dict(x=sel["lon"].to_numpy(float), y=sel["lat"].to_numpy(float), mode="markers",
                               marker=dict(size=12, color=COLORS["room" if s == "open" else s], symbol=symbol,
                                           line=dict(color="white", width=1)),
                               name=t(f"cov.map.room_{s}", lang), customdata=custom,
                               hovertemplate=f"<b>%{{customdata[1]}}</b><br>{t('cov.hover.room', lang)}: "
                                             f"%{{customdata[0]}}<extra></extra>"))
    if halls is not None and len(halls):
        h = halls[halls["lon"].notna() & halls["lat"].notna()]
        custom = np.column_stack([h["hall_id"].astype(str), h.get("name", h["hall_id"]).astype(str)])
        traces.append(dict(x=h["lon"].to_numpy(float), y=h["lat"].to_numpy(float), mode="markers",
                           marker=dict(size=13, color=COLORS["hall"], symbol="triangle-up"),
                           name=t("cov.map.halls", lang), customdata=custom,
                           hovertemplate=f"<b>%{{customdata[1]}}</b><br>{t('cov.hover.hall', lang)}: "
                                         f"%{{customdata[0]}}<extra></extra>"))
    fig = go.Figure()
    lat0 = float(np.nanmean(comm["lat"])) if len(comm) else (float(np.nanmean(rooms["lat"])) if len(rooms) else 30.0)
    lon0 = float(np.nanmean(comm["lon"])) if len(comm) else (float(np.nanmean(rooms["lon"])) if len(rooms) else 120.0)
    for tr in traces:
        kind = tr.pop("kind", None)
        if basemap:
            x, y = tr.pop("x"), tr.pop("y")
            # map markers take no outline or plotly symbol; map lines take no dash
            if "marker" in tr:
                tr["marker"] = {k: v for k, v in tr["marker"].items() if k not in ("line", "symbol")}
            if "line" in tr:
                tr["line"] = {k: v for k, v in tr["line"].items() if k != "dash"}
            fig.add_trace(go.Scattermap(lon=x, lat=y, **tr))
        elif kind == "gl":
            fig.add_trace(go.Scattergl(**tr))
        else:
            fig.add_trace(go.Scatter(**tr))
    fig.update_layout(
        title=title or t("cov.map.title", lang),
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=-0.08, x=0),
        plot_bgcolor="white",
        hoverlabel=dict(namelength=-1),
    )
    if basemap:
        fig.update_layout(map=dict(style="open-street-map", center=dict(lon=lon0, lat=lat0), zoom=12))
    else:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.0 / max(math.cos(math.radians(lat0)), 0.1))
    return fig


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def growth_chart(series: pd.DataFrame, lang: str = "zh", marker_date: Any = None) -> go.Figure:
    """Coverage growing wave by wave: household share within the walk over time.

    Parameters
    ----------
    series
        ``on (date), share, straight_share, rooms_open``.
    lang
        ``zh`` or ``en``.
    marker_date
        Date picked on the slider, drawn as a vertical line.
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=series["on"], y=series["share"], mode="lines+markers", line_shape="hv",
                             name=t("cov.growth.network", lang), line=dict(color=COLORS["covered"]),
                             hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"))
    if "straight_share" in series.columns:
        fig.add_trace(go.Scatter(x=series["on"], y=series["straight_share"], mode="lines", line_shape="hv",
                                 name=t("cov.growth.straight", lang),
                                 line=dict(color=COLORS["straight"], dash="dot"),
                                 hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"))
    if marker_date is not None:
        fig.add_vline(x=pd.Timestamp(marker_date).timestamp() * 1000, line=dict(color="#555", dash="dash"))
    fig.update_layout(title=t("cov.growth.title", lang), height=300, margin=dict(l=10, r=10, t=50, b=10),
                      xaxis_title=t("cov.growth.x", lang), yaxis_title=t("cov.growth.y", lang),
                      yaxis=dict(tickformat=".0%", range=[0, 1.02]), plot_bgcolor="white")
    return fig


def uncovered_bar(communities: pd.DataFrame, lang: str = "zh", top: int = 20) -> go.Figure:
    """Uncovered households by community (largest gaps first)."""
    d = communities[communities["households_uncovered"] > 0].sort_values(
        ["households_uncovered", "community_id"], ascending=[False, True]).head(top)
    names = d["name"].fillna(d["community_id"]).astype(str) if "name" in d.columns else d["community_id"].astype(str)
    fig = go.Figure(go.Bar(
        x=d["households_uncovered"].to_numpy(), y=names.to_numpy(), orientation="h",
        marker_color=COLORS["uncovered"], name=t("cov.bar.uncovered", lang),
        hovertemplate="%{y}<br>%{x:,}<extra></extra>",
    ))
    fig.update_layout(title=t("cov.bar.title", lang), height=max(250, 24 * len(d) + 90),
                      margin=dict(l=10, r=10, t=50, b=10), xaxis_title=t("cov.bar.x", lang),
                      yaxis=dict(autorange="reversed"), plot_bgcolor="white")
    return fig
