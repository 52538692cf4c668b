"""What the coverage engine reads: rooms, communities and demand points.

Demand points are residential buildings / compound gates when the warehouse has them
(communities without any keep their community point), else the community points
(polygon centroids). Rooms are open on a date ``d`` when ``opened_on <= d`` and
(``closed_on`` is null or ``closed_on > d``); a room without an ``opened_on`` counts as
open (:func:`open_mask`). :func:`load_data` reads it all once per data version.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboard import warehouse
from dashboard.coverage.network import Network, read_network
from dashboard.coverage.projection import to_xy
from dashboard.coverage.refusals import NetworkError
from dashboard.coverage.routing import Model, build_model

__all__ = ["CoverageData", "data_from_frames", "demand_points", "load_data", "open_mask", "read_data"]


# ---------------------------------------------------------------- data
def open_mask(rooms: pd.DataFrame, on: dt.date | None) -> np.ndarray:
    """Rooms open on date ``on``: ``opened_on <= on`` and (``closed_on`` null or ``> on``).

    ``on=None`` means every room not closed by today (a closing planned for a later day
    does not take a room away yet), opened or planned. A room without ``opened_on``
    counts as open.
    """
    if rooms.empty:
        return np.zeros(0, dtype=bool)
    opened = pd.to_datetime(rooms["opened_on"]).dt.date
    closed = pd.to_datetime(rooms["closed_on"]).dt.date
    if on is None:
        return (closed.isna() | (closed > dt.date.today())).to_numpy(dtype=bool).copy()
    ok_open = opened.isna() | (opened <= on)
    ok_closed = closed.isna() | (closed > on)
    return (ok_open & ok_closed).to_numpy(dtype=bool)


def demand_points(communities: pd.DataFrame, buildings: pd.DataFrame | None) -> pd.DataFrame:
    """The demand points: buildings / gates where present, else community points.

    Parameters
    ----------
    communities
        Rows of the named query ``coverage/communities``.
    buildings
        Rows of ``coverage/buildings`` (may be empty or ``None``).

    Returns
    -------
    DataFrame
        ``demand_id, community_id, level ('building'|'community'), households,
        population, elderly, lon, lat`` (lon/lat NaN for a community without a point).
    """
    cols = ["demand_id", "community_id", "level", "households", "population", "elderly", "lon", "lat"]
    parts = []
    have = set()
    if buildings is not None and not buildings.empty:
        b = buildings.rename(columns={"building_id": "demand_id"}).assign(level="building")
        parts.append(b[cols])
        have = b["community_id"].dropna().unique()
    c = communities[~communities["community_id"].isin(have)]
    parts.append(c.assign(demand_id=c["community_id"], level="community")[cols])
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else pd.DataFrame(columns=cols)
    for k in ("households", "population", "elderly"):
        out[k] = pd.to_numeric(out[k], errors="coerce").fillna(0).astype("int64")
    out["lon"] = pd.to_numeric(out["lon"], errors="coerce").astype(float)
    out["lat"] = pd.to_numeric(out["lat"], errors="coerce").astype(float)
    return out.reset_index(drop=True)


@dataclass
class CoverageData:
    """Everything the coverage pages and commands need, loaded once per data version.

    Attributes
    ----------
    network
        The street network.
    communities, rooms, halls, buildings
        Rows of the named queries in ``queries/coverage/``.
    demand
        :func:`demand_points` with ``x, y`` added (``located`` False when no point).
    model
        The network with the located demand points and all located rooms inserted.
    room_site
        For each room row, its site index in ``model`` (``-1`` when it has no point).
    """

    network: Network
    communities: pd.DataFrame
    rooms: pd.DataFrame
    halls: pd.DataFrame
    buildings: pd.DataFrame
    demand: pd.DataFrame
    model: Model
    room_site: np.ndarray
    located: np.ndarray
    cache: dict[str, Any] = field(default_factory=dict, repr=False)


def data_from_frames(
    network: Network,
    communities: pd.DataFrame,
    rooms: pd.DataFrame,
    buildings: pd.DataFrame | None = None,
    halls: pd.DataFrame | None = None,
) -> CoverageData:
    """Build :class:`CoverageData` from frames (the loader and the tests use this).

    Parameters
    ----------
    network
        The street network.
    communities, rooms, buildings, halls
        Frames with the columns of the named queries ``coverage/<name>``.
    """
    buildings = buildings if buildings is not None else pd.DataFrame(
        columns=["building_id", "community_id", "kind", "households", "population", "elderly", "lon", "lat"])
    halls = halls if halls is not None else pd.DataFrame(columns=["hall_id", "name", "district", "lon", "lat", "counters"])
    demand = demand_points(communities, buildings)
    located = demand["lon"].notna().to_numpy() & demand["lat"].notna().to_numpy()
    dx, dy = to_xy(network.proj, demand["lon"].to_numpy()[located], demand["lat"].to_numpy()[located])
    demand["x"] = np.nan
    demand["y"] = np.nan
    demand.loc[located, "x"] = dx
    demand.loc[located, "y"] = dy
    rooms = rooms.reset_index(drop=True)
    r_ok = rooms["lon"].notna().to_numpy() & rooms["lat"].notna().to_numpy() if len(rooms) else np.zeros(0, bool)
    rx, ry = to_xy(network.proj, rooms["lon"].to_numpy(float)[r_ok], rooms["lat"].to_numpy(float)[r_ok])
    room_site = np.full(len(rooms), -1, dtype=np.int64)
    room_site[r_ok] = np.arange(int(r_ok.sum()))
    model = build_model(network, (dx, dy), (rx, ry))
    return CoverageData(network, communities.reset_index(drop=True), rooms, halls.reset_index(drop=True),
                        buildings.reset_index(drop=True), demand, model, room_site, located)


def read_data(con) -> CoverageData:
    """Load network, communities, rooms, buildings and halls through a connection.

    Raises
    ------
    NetworkError
        When no street network is stored yet.
    """
    net = read_network(con)
    if net is None:
        raise NetworkError("no street network in the warehouse: run `servicecircle import network FILE`")
    q = functools.partial(warehouse.query, con)
    return data_from_frames(net, q("coverage/communities"), q("coverage/rooms"),
                            q("coverage/buildings"), q("coverage/halls"))


@functools.lru_cache(maxsize=2)
def _load_cached(path: str, version: tuple[int, int, int]) -> CoverageData:
    con = warehouse.connect_read(path)
    try:
        return read_data(con)
    finally:
        con.close()


def load_data(db: str | os.PathLike | None = None) -> CoverageData:
    """:class:`CoverageData` of the warehouse, cached per data version.

    Parameters
    ----------
    db
        Warehouse path (default: see :func:`dashboard.settings.db_path`).
    """
    return _load_cached(*warehouse.versioned(db))
