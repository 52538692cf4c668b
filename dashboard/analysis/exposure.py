"""Hall exposure: how much of each business hall's catchment the service rooms reach, by month.

A room takes visits away from the hall its community used to go to, so the hall's
queue is *exposed* to the rooms in proportion to the share of its counter volume that
comes from communities already served.

Definition
----------
For hall ``h`` and month ``m``::

    share(h, m) = sum_c w(h, c) * [c served by month m] / sum_c w(h, c)

where ``c`` runs over the hall's communities and ``w(h, c)`` is the community's
*pre-roll-out* counter volume at the hall: its tickets at ``h`` in the calendar months
before the month of the first room opening anywhere (all its tickets when the data start
after the roll-out began). A community is served from the calendar month of its first
room opening (``community_treatment.first_opened_on``). Communities below
:data:`MIN_COMMUNITY_SHARE` of the hall's volume (a few tickets of visitors from far
away) are not counted as the hall's communities.

A hall-month is *exposed* from the month the first room serving any of its communities
opens (the first month with ``share > 0``).

Where a hall has no attributed ticket (the queue system exports no community and no
customer list attributes the tickets), its catchment falls back to geography: every
community belongs to its nearest hall by walking distance on the street network (from the
street node nearest each point; :func:`nearest_hall`), or by straight-line distance when
no network is loaded, weighted by households. ``source`` says which was used per hall:
``tickets``, ``walk`` or ``straight``.

Public API: :func:`exposure_from_volume`, :func:`nearest_hall`, :func:`load_exposure`,
:class:`Exposure`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from dashboard import warehouse
from dashboard.analysis.filters import Filters
from dashboard.coverage.network import Network, read_network
from dashboard.coverage.projection import local_proj, to_xy
from dashboard.coverage.snapping import snap

__all__ = [
    "MIN_COMMUNITY_SHARE",
    "SOURCES",
    "Exposure",
    "exposure_from_volume",
    "hall_cells",
    "load_exposure",
    "nearest_hall",
]

MIN_COMMUNITY_SHARE = 0.002
"""A community with less than this share of a hall's volume is not one of its communities."""
SOURCES = ("tickets", "walk", "straight")
"""How a hall's catchment was found (label ``halls.source.<code>``)."""


@dataclass
class Exposure:
    """Exposure of the halls to the rooms.

    Attributes
    ----------
    shares
        One row per (hall, month): ``hall_id``, ``month_on`` (Timestamp, first day),
        ``share`` (0..1), ``exposed`` (bool: month >= the hall's exposure month).
    halls
        One row per hall: ``hall_id``, ``exposed_from`` (Timestamp month or NaT),
        ``final_share`` (share in the last month), ``source`` (:data:`SOURCES`),
        ``n_communities``.
    weights
        The catchment: ``hall_id``, ``community_id``, ``weight`` (pre-roll-out tickets,
        or households for a geographic catchment), ``served_month`` (Timestamp or NaT).
    """

    shares: pd.DataFrame
    halls: pd.DataFrame
    weights: pd.DataFrame


def _month(d: pd.Series) -> pd.Series:
    return pd.to_datetime(d).dt.to_period("M").dt.to_timestamp()


def exposure_from_volume(
    volume: pd.DataFrame,
    hall_ids: list[str],
    months: list[pd.Timestamp] | pd.DatetimeIndex,
    fallback: pd.DataFrame | None = None,
    fallback_source: str = "walk",
) -> Exposure:
    """Exposure shares per hall and month.

    Parameters
    ----------
    volume
        Rows of ``queries/halls/exposure_volume.sql``: ``hall_id, community_id,
        n_pre_tickets, n_tickets, first_opened_on``.
    hall_ids
        The halls to report (a hall without attributed tickets takes its catchment from
        ``fallback``).
    months
        Months of the panel (first days).
    fallback
        Geographic catchment ``hall_id, community_id, households, first_opened_on``
        (see :func:`nearest_hall`), or ``None``.
    fallback_source
        ``walk`` or ``straight``: how ``fallback`` was made.

    Returns
    -------
    Exposure
    """
    months = pd.DatetimeIndex(pd.to_datetime(list(months))).to_period("M").to_timestamp()
    v = volume.copy()
    v["hall_id"] = v["hall_id"].astype(str)
    pre_total = v.groupby("hall_id")["n_pre_tickets"].transform("sum")
    v["weight"] = np.where(pre_total > 0, v["n_pre_tickets"], v["n_tickets"]).astype(float)
    v["source"] = "tickets"
    parts = [v[["hall_id", "community_id", "weight", "first_opened_on", "source"]]]
    have = set(v.loc[v["weight"] > 0, "hall_id"])
    missing = [h for h in hall_ids if h not in have]
    if missing and fallback is not None and len(fallback):
        fb = fallback[fallback["hall_id"].astype(str).isin(missing)].copy()
        fb["hall_id"] = fb["hall_id"].astype(str)
        fb["weight"] = pd.to_numeric(fb["households"], errors="coerce").fillna(0.0).astype(float)
        fb["source"] = fallback_source
        parts.append(fb[["hall_id", "community_id", "weight", "first_opened_on", "source"]])
    w = pd.concat(parts, ignore_index=True)
    w = w[w["hall_id"].isin(hall_ids) & (w["weight"] > 0)]
    w = w[w["weight"] >= MIN_COMMUNITY_SHARE * w.groupby("hall_id")["weight"].transform("sum")]
    w = w.assign(served_month=_month(w["first_opened_on"])).drop(columns="first_opened_on")

    n_h, n_m = len(hall_ids), len(months)
    pos = {h: i for i, h in enumerate(hall_ids)}
    hi = w["hall_id"].map(pos).to_numpy(dtype=np.int64)  # int also when no community is left
    # month position from which the community counts as served (n_m: never in the panel)
    sm = w["served_month"]
    mpos = np.searchsorted(months.values, sm.values.astype("datetime64[ns]"), side="left")
    mpos = np.where(sm.isna().to_numpy(), n_m, mpos).astype(np.int64)
    add = np.zeros((n_h, n_m + 1))
    np.add.at(add, (hi, mpos), w["weight"].to_numpy())
    total = np.bincount(hi, weights=w["weight"].to_numpy(), minlength=n_h)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.cumsum(add[:, :n_m], axis=1) / total[:, None]
    first = np.where((share > 0).any(axis=1), (share > 0).argmax(axis=1), -1) if n_m else np.full(n_h, -1)
    exposed = (np.arange(n_m)[None, :] >= first[:, None]) & (first[:, None] >= 0)
    shares = pd.DataFrame({
        "hall_id": np.repeat(np.asarray(hall_ids, dtype=object), n_m),
        "month_on": np.tile(months.values, n_h),
        "share": share.ravel(),
        "exposed": exposed.ravel(),
    })
    src = w.groupby("hall_id")["source"].first()
    halls = pd.DataFrame({
        "hall_id": list(hall_ids),
        "exposed_from": [months[f] if f >= 0 else pd.NaT for f in first],
        "final_share": share[:, -1] if n_m else np.full(n_h, np.nan),
        "source": [src.get(h) for h in hall_ids],
        "n_communities": [int((w["hall_id"] == h).sum()) for h in hall_ids],
    })
    return Exposure(shares=shares, halls=halls, weights=w.reset_index(drop=True))


def nearest_hall(
    halls: pd.DataFrame, communities: pd.DataFrame, network: Network | None
) -> tuple[pd.DataFrame, str]:
    """Every located community's nearest hall, by walk or straight line.

    Parameters
    ----------
    halls
        ``hall_id, lon, lat`` (halls without a point are skipped).
    communities
        ``community_id, lon, lat, households, first_opened_on``.
    network
        The street network, or ``None`` (straight-line distance).

    Returns
    -------
    (DataFrame, str)
        ``hall_id, community_id, households, first_opened_on, distance_m`` and the
        source: ``walk`` or ``straight``.
    """
    h = halls.dropna(subset=["lon", "lat"]).reset_index(drop=True)
    c = communities.dropna(subset=["lon", "lat"]).reset_index(drop=True)
    cols = ["hall_id", "community_id", "households", "first_opened_on", "distance_m"]
    if h.empty or c.empty:
        return pd.DataFrame(columns=cols), "straight" if network is None else "walk"
    if network is None:
        proj = local_proj(float(h["lon"].mean()), float(h["lat"].mean()))
        hx, hy = to_xy(proj, h["lon"].to_numpy(float), h["lat"].to_numpy(float))
        cx, cy = to_xy(proj, c["lon"].to_numpy(float), c["lat"].to_numpy(float))
        d = np.hypot(cx[:, None] - hx[None, :], cy[:, None] - hy[None, :])
        k = d.argmin(axis=1)
        dist = d[np.arange(len(c)), k]
        source = "straight"
    else:
        k, dist = _walk_nearest(network, h, c)
        keep = k >= 0
        c, k, dist = c[keep].reset_index(drop=True), k[keep], dist[keep]
        source = "walk"
    out = pd.DataFrame({
        "hall_id": h["hall_id"].astype(str).to_numpy()[k],
        "community_id": c["community_id"].astype(str).to_numpy(),
        "households": c["households"].to_numpy(),
        "first_opened_on": c["first_opened_on"].to_numpy(),
        "distance_m": dist,
    })
    return out, source


def _walk_nearest(net: Network, halls: pd.DataFrame, comms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Nearest hall of each community on foot: both snapped to their nearest street, each
    hall a leaf joined to both ends of its street piece, one multi-source Dijkstra;
    a community and a hall on the same piece also walk along it. Returns the hall row
    (-1 when unreachable) and the distance in metres."""
    n, n_h = net.n_nodes, len(halls)
    hx, hy = to_xy(net.proj, halls["lon"].to_numpy(float), halls["lat"].to_numpy(float))
    cx, cy = to_xy(net.proj, comms["lon"].to_numpy(float), comms["lat"].to_numpy(float))
    he, ha, hp = snap(net, hx, hy)
    ce, ca, cp = snap(net, cx, cy)
    leaf = n + np.arange(n_h)
    hl = net.edge_len[he]
    rows = np.r_[net.edge_u, leaf, leaf]
    cols = np.r_[net.edge_v, net.edge_u[he], net.edge_v[he]]
    wts = np.maximum(np.r_[net.edge_len, ha + hp, ha + hl - hp], 1e-6)
    g = sparse.coo_matrix((wts, (rows, cols)), shape=(n + n_h, n + n_h)).tocsr()
    dist_n, _, src = dijkstra(g, directed=False, indices=leaf, min_only=True, return_predecessors=True)
    cl = net.edge_len[ce]
    via_u = dist_n[net.edge_u[ce]] + cp
    via_v = dist_n[net.edge_v[ce]] + cl - cp
    use_u = via_u <= via_v
    dist = np.where(use_u, via_u, via_v) + ca
    k = np.where(use_u, src[net.edge_u[ce]], src[net.edge_v[ce]]) - n
    k = np.where(np.isfinite(dist) & (k >= 0), k, -1)
    # same street piece: walk along it
    same = ce[:, None] == he[None, :]
    if same.any():
        direct = np.where(same, ca[:, None] + ha[None, :] + np.abs(cp[:, None] - hp[None, :]), np.inf)
        j = direct.argmin(axis=1)
        better = direct[np.arange(len(ce)), j] < np.where(k >= 0, dist, np.inf)
        k = np.where(better, j, k)
        dist = np.where(better, direct[np.arange(len(ce)), j], dist)
    return k.astype(np.int64), dist


def _month_start(d: dt.date | None) -> dt.date | None:
    return None if d is None else d.replace(day=1)


def hall_cells(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """The selected halls' queue by day and hour (``queries/staffing/hall_cells.sql`` on
    the rollup ``hall_hour_cell``), the date range widened to whole months."""
    p = (filters or Filters()).params()
    return warehouse.query(con, "staffing/hall_cells", {
        "districts": p["districts"], "hall_ids": p["hall_ids"],
        "month_from": _month_start(p["date_from"]), "month_to": _month_start(p["date_to"])})


def load_exposure(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                  months: list[pd.Timestamp] | pd.DatetimeIndex | None = None,
                  volume: pd.DataFrame | None = None) -> Exposure:
    """The exposure of the selected halls from the warehouse (districts and halls of
    ``filters``), for ``months`` (default: the months with tickets in the date range);
    ``volume``: the rows of ``halls/exposure_volume`` when already read."""
    p = (filters or Filters()).params()
    hp = {"districts": p["districts"], "hall_ids": p["hall_ids"]}
    halls = warehouse.query(con, "halls/halls", hp)
    if volume is None:
        volume = warehouse.query(con, "halls/exposure_volume", hp)
    if months is None:
        cells = hall_cells(con, filters)
        months = sorted(pd.to_datetime(cells["month_on"]).unique())
    hall_ids = halls["hall_id"].astype(str).tolist()
    have = set(volume.loc[volume["n_tickets"] > 0, "hall_id"].astype(str))
    fallback, source = None, "walk"
    if any(h not in have for h in hall_ids):
        every = warehouse.query(con, "halls/halls", {"districts": None, "hall_ids": None})
        comms = warehouse.query(con, "halls/catchment_communities", {})
        fallback, source = nearest_hall(every, comms, read_network(con))
    return exposure_from_volume(volume, hall_ids, months, fallback, source)
