"""The walking-coverage engine: who lives within an N-minute walk of an open room.

Walking distance from a home to a room = access leg (straight line from the point to the
nearest point on the nearest street segment) + shortest path along the streets + access
leg from the street to the room. Every point (demand points, rooms, candidate sites) is
snapped once onto its nearest street segment and inserted as a *virtual node* that
splits that segment, so the shortest path may start and end in the middle of a street.
Each site gets its own leaf node ``R`` with one directed edge ``R → snap`` whose weight is
its access leg; then the distance to the nearest open room, for every demand point at
once, is one multi-source bounded Dijkstra (``scipy.sparse.csgraph.dijkstra`` with
``indices=R nodes``, ``min_only=True`` and ``limit=`` the walking distance), plus each
demand point's own access leg.

Speed: for walks up to :data:`MATRIX_MAX_LIMIT_M` the same distances are kept as a
sparse room x demand matrix, built once per walk length by
:func:`dashboard.coverage.routing.reach` (bounded
Dijkstra on local subgraphs: a walk of ``limit`` metres never leaves the disc of that
radius); any set of open rooms (a date on the roll-out slider, a what-if close) is then
a masked minimum over the matrix, and what-if rooms get their own local searches. The
multi-source pass stays as ``method="dijkstra"`` (longer walks, the walking areas'
node distances, and the tests' cross-check).

Demand points are residential buildings / compound gates when the warehouse has them
(communities without any keep their community point), else the community points
(polygon centroids). Rooms are open on a date ``d`` when ``opened_on <= d`` and
(``closed_on`` is null or ``closed_on > d``); a room without an ``opened_on`` counts as
open. A room without its own lon/lat stands at its community's point; a room with
neither cannot be placed: it is never counted as covering anyone, and it is *reported*
(``totals["rooms_unplaced"]``, :func:`room_placement`), not dropped silently. A room
whose access leg to the nearest street is longer than :data:`FAR_ACCESS_M` (outside the
street network's extent, or wrong coordinates) is flagged by :func:`room_placement`.

The straight-line answer (distance as the crow flies to the nearest open room) is given
beside the network answer, so planners see what walls, gated compounds and rivers do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from dashboard import settings
from dashboard.coverage.inputs import CoverageData
from dashboard.coverage.projection import to_xy
from dashboard.coverage.routing import attach_points, reach

__all__ = ["CoverageResult", "compute", "room_placement", "summarize"]

FAR_ACCESS_M = 150.0
"""A room farther than this (metres, straight line) from its nearest street is flagged
by :func:`room_placement`: it is likely outside the street network's extent or has
wrong coordinates, and its walking distances start with that long access leg."""


# ---------------------------------------------------------------- results
@dataclass
class CoverageResult:
    """The answer of :func:`compute`.

    Attributes
    ----------
    minutes, speed_m_s, limit_m
        The walk (``limit_m = minutes * 60 * speed``).
    on
        The date rooms were taken as open (``None``: every room not closed).
    demand
        One row per demand point: ``walk_m`` (NaN beyond reach), ``nearest_room_id``,
        ``covered``, ``straight_m``, ``straight_covered`` and the demand columns.
    communities
        One row per community: households / population / elderly and their covered
        parts (network and straight line), ``walk_m``, ``covered``,
        ``nearest_room_id``, ``straight_m``.
    totals
        ``households_total, households_covered, share, population_share,
        elderly_share, straight_share`` and counts.
    open_rooms
        The room rows used as open (with the what-if rooms added).
    node_dist
        Distance of every graph node from the nearest open room (walking areas),
        computed on first use.
    """

    minutes: float
    speed_m_s: float
    limit_m: float
    on: dt.date | None
    demand: pd.DataFrame
    communities: pd.DataFrame
    totals: dict[str, Any]
    open_rooms: pd.DataFrame
    _node_dist: np.ndarray | None = field(default=None, repr=False)
    _nearest_args: tuple[Any, ...] | None = field(default=None, repr=False)

    @property
    def node_dist(self) -> np.ndarray:
        """Distance of every graph node from the nearest open room (``inf`` beyond the
        walk): one multi-source bounded Dijkstra, run on first use (walking areas)."""
        if self._node_dist is None:
            model, sites, extra = self._nearest_args
            self._node_dist = model.nearest(sites, self.limit_m, extra)[2]
        return self._node_dist

    def as_dict(self) -> dict[str, Any]:
        """The ``servicecircle coverage --json`` object (keys of the issue)."""
        comm = []
        for r in self.communities.itertuples(index=False):
            comm.append({
                "community_id": str(r.community_id),
                "walk_m": None if not np.isfinite(r.walk_m) else round(float(r.walk_m), 1),
                "covered": bool(r.covered),
                "households": int(r.households),
                "nearest_room_id": None if pd.isna(r.nearest_room_id) else str(r.nearest_room_id),
            })
        t = self.totals
        return {
            "minutes": self.minutes,
            "speed_m_s": self.speed_m_s,
            "households_total": int(t["households_total"]),
            "households_covered": int(t["households_covered"]),
            "share": t["share"],
            "elderly_share": t["elderly_share"],
            "days_weighted_share": t["days_weighted_share"],
            "limit_m_by_kind": t.get("limit_m_by_kind", {}),
            "communities": comm,
        }


def _share(num: float, den: float) -> float | None:
    return round(float(num) / float(den), 6) if den > 0 else None


def _prep(data: CoverageData) -> dict[str, Any]:
    """Arrays reused by every :func:`compute` call (cached on the data object)."""
    c = data.cache.get("prep")
    if c is not None:
        return c
    dem = data.demand
    codes, uniq = pd.factorize(dem["community_id"].astype(object), sort=True, use_na_sentinel=False)
    info = pd.DataFrame({"community_id": pd.Series(uniq, dtype=data.communities["community_id"].dtype)})
    cols = [k for k in ("name", "district", "subdistrict", "kind", "lon", "lat") if k in data.communities.columns]
    info = info.merge(data.communities[["community_id", *cols]].drop_duplicates("community_id"),
                      on="community_id", how="left")
    rooms = data.rooms
    c = {
        "codes": codes.astype(np.int64),
        "n_groups": len(uniq),
        "info": info,
        "hh": dem["households"].to_numpy(np.float64),
        "pop": dem["population"].to_numpy(np.float64),
        "eld": dem["elderly"].to_numpy(np.float64),
        "xy": np.column_stack([dem["x"].to_numpy(float), dem["y"].to_numpy(float)])[data.located],
        "base": {k: dem[k] for k in dem.columns},
        "opened": pd.to_datetime(rooms["opened_on"]).to_numpy("datetime64[D]") if len(rooms) else np.empty(0, "datetime64[D]"),
        "closed": pd.to_datetime(rooms["closed_on"]).to_numpy("datetime64[D]") if len(rooms) else np.empty(0, "datetime64[D]"),
        "room_ids": rooms["room_id"].to_numpy(object),
        "kind": (info["kind"] if "kind" in info.columns else pd.Series([None] * len(info))).to_numpy(object)[codes],
        "room_days": _days_mask(rooms),
        "site_xy": np.full((len(data.model.site_node), 2), np.nan),
    }
    if len(rooms):
        r_ok = data.room_site >= 0
        rx, ry = to_xy(data.network.proj, rooms["lon"].to_numpy(float)[r_ok], rooms["lat"].to_numpy(float)[r_ok])
        c["site_xy"][data.room_site[r_ok]] = np.column_stack([rx, ry])
    data.cache["prep"] = c
    return c


WEEKDAY_BITS: dict[str, int] = {d: 1 << i for i, d in enumerate(settings.WEEKDAYS)}
"""Bit of each weekday (``mon`` .. ``sun``) in a room's open-days mask."""
UNKNOWN_DAYS_MASK = sum(WEEKDAY_BITS[d] for d in settings.WEEKDAYS[:5])
"""Rooms whose open days are not known (and what-if rooms) count as open every weekday."""


def _days_mask(rooms: pd.DataFrame) -> np.ndarray:
    """Open-days bit mask per room (``UNKNOWN_DAYS_MASK`` where ``open_days`` is empty)."""
    out = np.full(len(rooms), UNKNOWN_DAYS_MASK, dtype=np.int64)
    if "open_days" not in rooms.columns:
        return out
    for i, days in enumerate(rooms["open_days"]):
        if isinstance(days, (list, tuple, np.ndarray)) and len(days):
            out[i] = sum(WEEKDAY_BITS.get(str(d), 0) for d in days) or UNKNOWN_DAYS_MASK
    return out


def _popcount7(mask: np.ndarray) -> np.ndarray:
    return sum((mask >> i) & 1 for i in range(7))


def _group_median(codes: np.ndarray, n: int, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Household-weighted median per group: the value at which half the households are
    reached, walking up the sorted values (a group without households: plain median)."""
    out = np.full(n, np.inf)
    if len(codes) == 0:
        return out
    w = weights.astype(float).copy()
    tot = np.bincount(codes, weights=w, minlength=n)
    w[tot[codes] <= 0] = 1.0
    tot = np.bincount(codes, weights=w, minlength=n)
    order = np.lexsort((values, codes))
    cs, vs, ws = codes[order], values[order], w[order]
    cw = np.cumsum(ws)
    start = np.searchsorted(cs, np.arange(n), side="left")
    before = np.where(start > 0, cw[np.maximum(start - 1, 0)], 0.0)
    within = cw - before[cs]
    hit = within >= tot[cs] / 2.0 - 1e-9
    first_pos = np.flatnonzero(hit)
    g, first = np.unique(cs[first_pos], return_index=True)
    out[g] = vs[first_pos[first]]
    return out


def summarize(prep: dict[str, Any], walk: np.ndarray, straight: np.ndarray, near: np.ndarray,
              site_ids: np.ndarray, limit: float | np.ndarray,
              days_weight: np.ndarray | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per-community and total coverage from per-demand-point answers (numpy throughout).

    Parameters
    ----------
    prep
        From :func:`_prep`: community codes of the demand points and their weights.
    walk, straight
        Walking / straight-line distance per demand point (``inf`` beyond reach).
    near
        Index of the nearest site per demand point (``-1``: none in reach).
    site_ids
        Room id of each site index.
    limit
        Walking distance in metres: one for all, or one per demand point (thresholds by
        community kind; every point of a community has its community's).
    days_weight
        Per demand point, the share of a full week of weekdays on which a room within
        its walk is open (``min(days, 5) / 5``); ``None`` when not computed.

    Returns
    -------
    (DataFrame, dict)
        One row per community (households / population / elderly and their covered
        parts, ``walk_m`` and ``straight_m`` as household-weighted medians, ``covered``,
        ``nearest_room_id`` = the room nearest to most of its covered households) and totals.
    """
    codes, n = prep["codes"], prep["n_groups"]
    hh, pop, eld = prep["hh"], prep["pop"], prep["eld"]
    cov = walk <= limit
    scov = straight <= limit

    def bc(v: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=v, minlength=n)

    g_hh, g_pop, g_eld = bc(hh), bc(pop), bc(eld)
    g_hc, g_pc, g_ec = bc(hh * cov), bc(pop * cov), bc(eld * cov)
    g_hs = bc(hh * scov)
    w_med = _group_median(codes, n, walk, hh)
    s_med = _group_median(codes, n, straight, hh)
    nearest = np.full(n, None, dtype=object)
    sel = cov & (near >= 0)
    if sel.any():
        key = codes[sel] * (len(site_ids) + 1) + near[sel]
        uk, inv = np.unique(key, return_inverse=True)
        wsum = np.bincount(inv, weights=hh[sel])
        kg = uk // (len(site_ids) + 1)
        ks = uk % (len(site_ids) + 1)
        o = np.lexsort((ks, -wsum, kg))
        first = np.unique(kg[o], return_index=True)[1]
        nearest[kg[o][first]] = site_ids[ks[o][first]]
    g_lim = np.full(n, np.inf)
    np.minimum.at(g_lim, codes, np.broadcast_to(np.asarray(limit, float), codes.shape))
    walk_c = np.where(w_med <= g_lim, w_med, np.inf)
    str_c = np.where(s_med <= g_lim, s_med, np.inf)
    info = prep["info"]
    comm = pd.DataFrame({
        "community_id": info["community_id"],
        "households": g_hh.astype(np.int64),
        "population": g_pop.astype(np.int64),
        "elderly": g_eld.astype(np.int64),
        "households_covered": g_hc.astype(np.int64),
        "population_covered": g_pc.astype(np.int64),
        "elderly_covered": g_ec.astype(np.int64),
        "households_covered_straight": g_hs.astype(np.int64),
        "walk_m": walk_c,
        "straight_m": str_c,
        "nearest_room_id": pd.Series(nearest, dtype=object),
        "n_points": np.bincount(codes, minlength=n).astype(np.int64),
        "covered": np.isfinite(walk_c),
        "straight_covered": np.isfinite(str_c),
        "households_uncovered": (g_hh - g_hc).astype(np.int64),
        **{k: info[k] for k in info.columns if k != "community_id"},
    })
    hh_t, hc_t = float(hh.sum()), float((hh * cov).sum())
    totals = {
        "households_total": int(hh_t),
        "households_covered": int(hc_t),
        "share": _share(hc_t, hh_t),
        "population_share": _share((pop * cov).sum(), pop.sum()),
        "elderly_share": _share((eld * cov).sum(), eld.sum()),
        "straight_households_covered": int((hh * scov).sum()),
        "straight_share": _share((hh * scov).sum(), hh_t),
        "population_total": int(pop.sum()),
        "elderly_total": int(eld.sum()),
        "elderly_covered": int((eld * cov).sum()),
        "communities": int(n),
        "communities_covered": int(np.isfinite(walk_c).sum()),
        "households_uncovered": int(hh_t - hc_t),
    }
    if days_weight is not None:
        comm["households_days_weighted"] = bc(hh * days_weight)
        totals["households_days_weighted"] = float((hh * days_weight).sum())
        totals["days_weighted_share"] = _share((hh * days_weight).sum(), hh_t)
    else:
        totals["households_days_weighted"] = totals["days_weighted_share"] = None
    return comm, totals


MATRIX_MAX_LIMIT_M = 1200.0
"""Walks up to this length use the cached room x demand distance matrix in :func:`compute`;
longer walks run the multi-source Dijkstra pass (the matrix would grow with the square of
the walk)."""


def _site_reach(data: CoverageData, limit: float) -> dict[str, np.ndarray]:
    """Every located room's walking distance to the demand points within ``limit``, and
    the straight-line pairs within ``limit``, sorted by (demand point, distance); cached
    per walk length on the data object."""
    key = ("site_reach", round(float(limit), 6))
    c = data.cache.get(key)
    if c is not None:
        return c
    m = data.model
    sn = m.site_node
    src, col, dist = reach(m, sn, sn, np.zeros(len(sn)), np.zeros(len(sn)), limit)
    o = np.lexsort((src, dist, col))
    prep = _prep(data)
    s_src, s_col, s_dist = _straight_pairs(prep["site_xy"], prep["xy"], limit, _demand_tree(data))
    so = np.lexsort((s_src, s_dist, s_col))
    c = {"site": src[o], "col": col[o], "dist": dist[o],
         "s_site": s_src[so], "s_col": s_col[so], "s_dist": s_dist[so]}
    data.cache[key] = c
    return c


def _straight_pairs(src_xy: np.ndarray, dem_xy: np.ndarray, limit: float, dem_tree: cKDTree | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source, demand point, straight distance) for every pair within ``limit``."""
    ok = np.flatnonzero(np.isfinite(src_xy).all(axis=1)) if len(src_xy) else np.empty(0, np.int64)
    if len(ok) == 0 or len(dem_xy) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    tree = dem_tree if dem_tree is not None else cKDTree(dem_xy)
    if len(ok) <= 64:  # a few what-if rooms: ball queries on the cached demand tree
        hits = tree.query_ball_point(src_xy[ok], r=limit)
        src = np.repeat(ok, [len(h) for h in hits]).astype(np.int64)
        col = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]) if len(src) else np.empty(0, np.int64)
        return src, col, np.hypot(dem_xy[col, 0] - src_xy[src, 0], dem_xy[col, 1] - src_xy[src, 1])
    pairs = cKDTree(src_xy[ok]).sparse_distance_matrix(tree, limit, output_type="coo_matrix")
    return ok[pairs.row].astype(np.int64), pairs.col.astype(np.int64), pairs.data.astype(float)


def _demand_tree(data: CoverageData) -> cKDTree:
    """KD-tree of the located demand points (cached on the data object)."""
    t = data.cache.get("demand_tree")
    if t is None:
        t = data.cache["demand_tree"] = cKDTree(_prep(data)["xy"])
    return t


def _nearest_of(site: np.ndarray, col: np.ndarray, dist: np.ndarray, open_site: np.ndarray, n_dem: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per demand point, the nearest open site among entries sorted by (col, dist)."""
    sel = open_site[site]
    c, d, st = col[sel], dist[sel], site[sel]
    walk = np.full(n_dem, np.inf)
    near = np.full(n_dem, -1, dtype=np.int64)
    if len(c):
        first = np.ones(len(c), dtype=bool)
        first[1:] = c[1:] != c[:-1]
        walk[c[first]] = d[first]
        near[c[first]] = st[first]
    return walk, near


def _merge_nearest(walk: np.ndarray, near: np.ndarray, src: np.ndarray, col: np.ndarray, dist: np.ndarray,
                   labels: np.ndarray) -> None:
    """Fold extra (source, demand, distance) entries into ``walk`` / ``near`` in place."""
    if len(col) == 0:
        return
    o = np.lexsort((src, dist, col))
    src, col, dist = src[o], col[o], dist[o]
    first = np.ones(len(col), dtype=bool)
    first[1:] = col[1:] != col[:-1]
    c, d, s = col[first], dist[first], src[first]
    better = d < walk[c]
    walk[c[better]] = d[better]
    near[c[better]] = labels[s[better]]


def compute(
    data: CoverageData,
    *,
    minutes: float = settings.WALK_MINUTES,
    speed_m_s: float = settings.WALK_SPEED_M_S,
    on: dt.date | None = None,
    open_room_ids: Sequence[str] | None = None,
    close: Sequence[str] = (),
    add: pd.DataFrame | None = None,
    method: str = "auto",
    minutes_by_kind: Mapping[str, float] | None = None,
) -> CoverageResult:
    """Walking coverage of the rooms open on ``on`` (optionally changed by a what-if).

    Parameters
    ----------
    data
        From :func:`load_data` or :func:`data_from_frames`.
    minutes, speed_m_s
        The walk (default 5 minutes at 1.0 m/s = 300 m).
    on
        Rooms open on this date (``None``: every room not closed).
    open_room_ids
        Use exactly these rooms as open instead of the date rule.
    close
        Room ids taken out (what-if close; a move is a close plus an add).
    add
        What-if rooms: ``room_id, lon, lat`` (and optionally ``name``).
    method
        ``"dijkstra"``: one multi-source bounded Dijkstra over the whole graph;
        ``"matrix"``: the nearest open room from the cached room x demand distance
        matrix (:func:`reach`, built once per walk length; what-if rooms get their own
        local searches); ``"auto"`` (default): the matrix for walks up to
        :data:`MATRIX_MAX_LIMIT_M`, else Dijkstra. Both give the same distances.
    minutes_by_kind
        Other walks for communities of a kind, e.g. ``{"rural": 15}`` for villages
        (others keep ``minutes``, the GB 50180 urban default).

    The answer also weighs coverage by opening days (``totals["days_weighted_share"]``):
    a household counts ``min(d, 5) / 5`` where ``d`` is the number
    of weekdays on which some room within its walk is open (rooms without known open
    days, and what-if rooms, count as open every weekday).

    Returns
    -------
    CoverageResult
    """
    limit = settings.walk_limit_m(minutes, speed_m_s)
    if limit <= 0 or any(m <= 0 for m in (minutes_by_kind or {}).values()):
        raise ValueError("minutes and speed must be positive")
    if method not in ("auto", "matrix", "dijkstra"):
        raise ValueError(f"unknown method {method!r}")
    prep = _prep(data)
    rooms = data.rooms
    ids = prep["room_ids"]
    if open_room_ids is not None:
        mask = np.isin(ids, np.asarray(list(open_room_ids), dtype=object))
    elif on is None:
        mask = np.isnat(prep["closed"])
    else:
        d64 = np.datetime64(on, "D")
        mask = (np.isnat(prep["opened"]) | (prep["opened"] <= d64)) & (np.isnat(prep["closed"]) | (prep["closed"] > d64))
    if close:
        mask &= ~np.isin(ids, np.asarray(list(close), dtype=object))
    n_unplaced = int((mask & (data.room_site < 0)).sum())
    mask &= data.room_site >= 0
    idx_rows = np.flatnonzero(mask)
    sites = data.room_site[idx_rows]
    n_sites = len(data.model.site_node)
    extra = None
    site_ids = np.full(n_sites, None, dtype=object)
    site_ids[data.room_site[data.room_site >= 0]] = ids[data.room_site >= 0]
    open_rooms = rooms.iloc[idx_rows].assign(status="open")
    if add is not None and len(add):
        ax, ay = to_xy(data.network.proj, add["lon"].to_numpy(float), add["lat"].to_numpy(float))
        extra = (ax, ay)
        site_ids = np.concatenate([site_ids, add["room_id"].astype(str).to_numpy(object)])
        open_rooms = pd.concat([open_rooms, add.assign(status="added")], ignore_index=True)
    n_loc = len(data.model.demand_node)
    # the walk of each demand point (thresholds by community kind), and the longest one,
    # which bounds every search
    lim_dem = np.full(len(data.demand), limit)
    for kind, m in (minutes_by_kind or {}).items():
        lim_dem[prep["kind"] == kind] = settings.walk_limit_m(m, speed_m_s)
    lim_loc = lim_dem[data.located]
    search = float(max(limit, lim_dem.max(initial=limit)))
    use_matrix = method == "matrix" or (method == "auto" and search <= MATRIX_MAX_LIMIT_M)
    node_dist = None
    days_loc = None
    if use_matrix:
        sr = _site_reach(data, search)
        open_site = np.zeros(n_sites, dtype=bool)
        open_site[sites] = True
        walk, near = _nearest_of(sr["site"], sr["col"], sr["dist"], open_site, n_loc)
        straight_loc, _ = _nearest_of(sr["s_site"], sr["s_col"], sr["s_dist"], open_site, n_loc)
        # opening days: the union of the open days of every open room within each walk
        site_days = np.zeros(n_sites, dtype=np.int64)
        site_days[data.room_site[data.room_site >= 0]] = prep["room_days"][data.room_site >= 0]
        days_acc = np.zeros(n_loc, dtype=np.int64)
        ok = open_site[sr["site"]] & (sr["dist"] <= lim_loc[sr["col"]])
        np.bitwise_or.at(days_acc, sr["col"][ok], site_days[sr["site"][ok]])
        if extra is not None:
            ex, ey = extra
            a, b, oa, ob, _ = attach_points(data.model, ex, ey)
            src, col, dist = reach(data.model, a, b, oa, ob, search)
            _merge_nearest(walk, near, src, col, dist, n_sites + np.arange(len(ex)))
            s_src, s_col, s_dist = _straight_pairs(np.column_stack([ex, ey]), prep["xy"], search, _demand_tree(data))
            _merge_nearest(straight_loc, np.full(n_loc, -1, np.int64), s_src, s_col, s_dist, np.arange(len(ex)))
            in_walk = dist <= lim_loc[col]
            days_acc[col[in_walk]] |= UNKNOWN_DAYS_MASK
        days_loc = np.minimum(_popcount7(days_acc), 5) / 5.0
    else:
        walk, near, node_dist = data.model.nearest(sites, search, extra)
        # opening days: one bounded search per weekday with the rooms open that day
        site_days = np.zeros(n_sites, dtype=np.int64)
        site_days[data.room_site[data.room_site >= 0]] = prep["room_days"][data.room_site >= 0]
        n_days = np.zeros(n_loc)
        for bit in WEEKDAY_BITS.values():
            today = sites[(site_days[sites] & bit) > 0]
            extra_today = extra if bit & UNKNOWN_DAYS_MASK else None
            if len(today) or extra_today is not None:
                w_day = data.model.nearest(today, search, extra_today)[0]
                n_days += w_day <= lim_loc
        days_loc = np.minimum(n_days, 5) / 5.0
        straight_loc = np.full(n_loc, np.inf)
        if len(open_rooms) and len(prep["xy"]):
            ox, oy = to_xy(data.network.proj, open_rooms["lon"].to_numpy(float), open_rooms["lat"].to_numpy(float))
            ok = np.isfinite(ox) & np.isfinite(oy)
            if ok.any():
                straight_loc, _ = cKDTree(np.column_stack([ox[ok], oy[ok]])).query(prep["xy"])

    n_dem = len(data.demand)
    full_walk = np.full(n_dem, np.inf)
    full_near = np.full(n_dem, -1, dtype=np.int64)
    full_walk[data.located] = walk
    full_near[data.located] = near
    # straight line, beside the network answer
    straight = np.full(n_dem, np.inf)
    straight[data.located] = straight_loc
    straight[straight > lim_dem] = np.inf
    full_walk[full_walk > lim_dem] = np.inf
    full_near[~np.isfinite(full_walk)] = -1
    days = None
    if days_loc is not None:
        days = np.zeros(n_dem)
        days[data.located] = days_loc
    comm, totals = summarize(prep, full_walk, straight, full_near, site_ids, lim_dem, days)
    near_ids = np.full(n_dem, None, dtype=object)
    has = full_near >= 0
    near_ids[has] = site_ids[full_near[has]]
    dem = pd.DataFrame({**prep["base"], "walk_m": full_walk, "nearest_room_id": pd.Series(near_ids, dtype=object),
                        "straight_m": straight, "covered": full_walk <= lim_dem, "straight_covered": straight <= lim_dem})
    totals["rooms_open"] = int(len(open_rooms))
    totals["rooms_unplaced"] = n_unplaced  # open by date but without a point: not counted
    totals["limit_m_by_kind"] = {k: settings.walk_limit_m(m, speed_m_s) for k, m in (minutes_by_kind or {}).items()}
    return CoverageResult(float(minutes), float(speed_m_s), limit, on, dem, comm, totals,
                          open_rooms.reset_index(drop=True), node_dist, (data.model, sites, extra))


def room_placement(data: CoverageData, far_m: float = FAR_ACCESS_M) -> pd.DataFrame:
    """Where each room stands on the street network.

    Parameters
    ----------
    data
        From :func:`load_data` or :func:`data_from_frames`.
    far_m
        Access legs longer than this are flagged (default :data:`FAR_ACCESS_M`).

    Returns
    -------
    DataFrame
        One row per room: ``room_id``, ``opened_on``, ``closed_on``, ``lon_source``
        (``room`` / ``community``, or ``None`` when the rooms frame lacks it),
        ``placed`` (has a point), ``access_m`` (straight line to the nearest street,
        NaN when not placed) and ``status``: ``"ok"``, ``"not_placed"`` (no point of its
        own nor of its community: never counted as covering) or ``"far_from_street"``.
    """
    rooms = data.rooms
    site = data.room_site
    access = np.full(len(rooms), np.nan)
    ok = site >= 0
    access[ok] = np.asarray(data.model.site_access, float)[site[ok]]
    status = np.where(~ok, "not_placed", np.where(access > far_m, "far_from_street", "ok"))
    return pd.DataFrame({
        "room_id": rooms["room_id"].astype(object).to_numpy() if len(rooms) else np.empty(0, object),
        "opened_on": pd.to_datetime(rooms["opened_on"]) if len(rooms) else pd.Series(dtype="datetime64[ns]"),
        "closed_on": pd.to_datetime(rooms["closed_on"]) if len(rooms) else pd.Series(dtype="datetime64[ns]"),
        "lon_source": rooms["lon_source"].to_numpy(object) if "lon_source" in rooms.columns else None,
        "placed": ok,
        "access_m": access,
        "status": status,
    }).reset_index(drop=True)
