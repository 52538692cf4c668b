"""Page-side assembly for the coverage pages: pure functions on loaded data.

The pages stay thin: they lay out widgets and call these. Everything here is plain
Python on :class:`~dashboard.coverage.engine.CoverageData` (no Streamlit), so it is
tested directly and the pages only cache it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.coverage.engine import CoverageResult, compute, room_placement
from dashboard.coverage.inputs import CoverageData

__all__ = ["community_table", "flagged_rooms", "gaps_table", "map_communities", "rollout_dates", "rollout_series",
           "street_lines", "unplaced_rooms"]


def rollout_dates(rooms: pd.DataFrame, max_points: int = 40) -> list[dt.date]:
    """Dates at which the set of open rooms changes (openings and closings), oldest first.

    With more than ``max_points`` such dates, quarter ends are used instead.
    """
    ds = pd.concat([pd.to_datetime(rooms["opened_on"]), pd.to_datetime(rooms["closed_on"])]).dropna()
    if ds.empty:
        return [dt.date.today()]
    days = sorted({d.date() for d in ds})
    if len(days) > max_points:
        q = pd.period_range(days[0], days[-1], freq="Q")
        days = [p.end_time.date() for p in q]
    return days


def rollout_series(data: CoverageData, minutes: float, speed_m_s: float,
                   minutes_by_kind: dict[str, float] | None = None) -> pd.DataFrame:
    """Coverage share at every roll-out date.

    Columns ``on, share, straight_share, rooms_open`` (open rooms with a point, the ones
    counted) and ``rooms_unplaced`` (open by their dates but without any point: not
    counted, listed by :func:`unplaced_rooms`). Closed rooms stop counting from their
    ``closed_on``.
    """
    rows = []
    for d in rollout_dates(data.rooms):
        r = compute(data, minutes=minutes, speed_m_s=speed_m_s, on=d, minutes_by_kind=minutes_by_kind)
        rows.append({"on": pd.Timestamp(d), "share": r.totals["share"], "straight_share": r.totals["straight_share"],
                     "rooms_open": r.totals["rooms_open"], "rooms_unplaced": r.totals["rooms_unplaced"]})
    return pd.DataFrame(rows)


def unplaced_rooms(data: CoverageData, on: dt.date | None = None) -> pd.DataFrame:
    """Rooms that cannot be placed on the map (no point of their own nor of their
    community), open on ``on`` (``None``: every such room): listed "not placed", never
    dropped silently. Columns of :func:`dashboard.coverage.engine.room_placement`."""
    p = room_placement(data)
    p = p[p["status"] == "not_placed"]
    if on is not None:
        d = pd.Timestamp(on)
        p = p[(p["opened_on"].isna() | (p["opened_on"] <= d)) & (p["closed_on"].isna() | (p["closed_on"] > d))]
    return p.reset_index(drop=True)


def flagged_rooms(data: CoverageData) -> pd.DataFrame:
    """Rooms to check: not placed, or farther than
    :data:`dashboard.coverage.engine.FAR_ACCESS_M` from any street (outside the street
    network's extent or wrong coordinates), longest access leg first."""
    p = room_placement(data)
    p = p[p["status"] != "ok"]
    return p.sort_values(["placed", "access_m", "room_id"], ascending=[True, False, True]).reset_index(drop=True)


def map_communities(data: CoverageData, result: CoverageResult) -> pd.DataFrame:
    """Community rows for the map: result columns plus the stored polygon."""
    geo = data.communities[["community_id", "geometry_wkb"]] if "geometry_wkb" in data.communities.columns else None
    out = result.communities.copy()
    if geo is not None:
        out = out.merge(geo, on="community_id", how="left")
    return out


def gaps_table(result: CoverageResult) -> pd.DataFrame:
    """Uncovered households by community, largest gap first (walk distances in metres)."""
    c = result.communities
    g = c[c["households_uncovered"] > 0].copy()
    g["walk_m"] = g["walk_m"].astype(float).replace([np.inf], np.nan).round(0)
    g["straight_m"] = g["straight_m"].astype(float).replace([np.inf], np.nan).round(0)
    cols = ["community_id", "name", "district", "households", "households_uncovered", "walk_m", "straight_m"]
    g = g.reindex(columns=cols)
    return g.sort_values(["households_uncovered", "community_id"], ascending=[False, True]).reset_index(drop=True)


def community_table(result: CoverageResult) -> pd.DataFrame:
    """Every community with its coverage (for downloads)."""
    c = result.communities.copy()
    for k in ("walk_m", "straight_m"):
        c[k] = c[k].astype(float).replace([np.inf], np.nan).round(1)
    cols = ["community_id", "name", "district", "households", "households_covered", "households_uncovered",
            "elderly_covered", "walk_m", "straight_m", "nearest_room_id"]
    return c.reindex(columns=cols)


def street_lines(data: CoverageData, max_edges: int = 150_000) -> tuple[np.ndarray, np.ndarray]:
    """Street coordinates for the map's street layer (evenly thinned beyond ``max_edges``).

    The same arrays as :func:`dashboard.figures.maps.street_xy` of every ``k``-th edge
    (lon, lat with a NaN after each line), built from the network's packed coordinates
    without making shapely objects.
    """
    net = data.network
    coords, idx = net.coords_lonlat()
    if len(coords) == 0:
        return np.empty(0), np.empty(0)
    step = int(np.ceil(net.n_edges / max_edges)) if net.n_edges > max_edges else 1
    if step > 1:
        sel = idx % step == 0
        coords, idx = coords[sel], idx[sel]
    breaks = np.flatnonzero(np.diff(idx)) + 1
    x = np.insert(coords[:, 0], breaks, np.nan)
    y = np.insert(coords[:, 1], breaks, np.nan)
    return np.append(x, np.nan), np.append(y, np.nan)
