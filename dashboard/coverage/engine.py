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
sparse room x demand matrix, built once per walk length by :func:`reach` (bounded
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
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from dashboard import settings, warehouse
from dashboard.coverage.network import Network, NetworkError, read_network, to_lonlat, to_xy

__all__ = [
    "CoverageData",
    "CoverageResult",
    "Model",
    "attach_points",
    "build_model",
    "compute",
    "data_from_frames",
    "demand_points",
    "load_data",
    "open_mask",
    "reach",
    "reached_segments",
    "room_placement",
    "walking_area",
]

EPS = 1e-6
"""Weight given to zero-length edges (scipy's csgraph must see them as edges)."""
_FAR = 1e15
N_SLOTS = 64
"""Spare leaf nodes for what-if rooms at arbitrary places (no graph rebuild)."""
FAR_ACCESS_M = 150.0
"""A room farther than this (metres, straight line) from its nearest street is flagged
by :func:`room_placement`: it is likely outside the street network's extent or has
wrong coordinates, and its walking distances start with that long access leg."""


# ---------------------------------------------------------------- snapping
def snap(net: Network, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Snap points to the nearest point on the nearest street segment.

    Parameters
    ----------
    net
        The network.
    x, y
        Point coordinates in the network's local metres.

    Returns
    -------
    edge, access, pos
        Index of the nearest edge, straight distance to it (the access leg, metres) and
        the position of the snapped point along the edge from its ``u`` end (metres).
    """
    edge, access, pos, _, _ = snap_points(net, x, y)
    return edge, access, pos


def snap_points(net: Network, x: np.ndarray, y: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`snap`, plus the snapped points themselves (``sx, sy`` in local metres)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if len(x) == 0:
        return np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0), np.empty(0)
    pc = net.pieces()
    k = int(min(16, len(pc["edge"])))
    _, cand = pc["kd"].query(np.column_stack([x, y]), k=k)
    cand = cand.reshape(len(x), k)
    d, t = _seg_dist(pc, cand, x[:, None], y[:, None])
    best = np.argmin(d, axis=1)
    rows = np.arange(len(x))
    piece = cand[rows, best]
    access = d[rows, best]
    tt = t[rows, best]
    # exactness: a nearer piece would have its midpoint within access + half a piece; when the
    # k-th candidate is not beyond that, look at every piece in that radius
    kth = np.hypot(x - (pc["x0"][cand[:, -1]] + pc["x1"][cand[:, -1]]) / 2.0,
                   y - (pc["y0"][cand[:, -1]] + pc["y1"][cand[:, -1]]) / 2.0)
    for i in np.flatnonzero(kth <= access + pc["half"] + 1e-9):
        near = np.asarray(pc["kd"].query_ball_point([x[i], y[i]], r=access[i] + pc["half"] + 1e-9), dtype=np.int64)
        if len(near) == 0:
            continue
        dd, ts = _seg_dist(pc, near[None, :], x[i:i + 1, None], y[i:i + 1, None])
        j = int(np.argmin(dd[0]))
        if dd[0, j] < access[i]:
            piece[i], access[i], tt[i] = near[j], dd[0, j], ts[0, j]
    edge = pc["edge"][piece].astype(np.int64)
    pdx = pc["x1"][piece] - pc["x0"][piece]
    pdy = pc["y1"][piece] - pc["y0"][piece]
    plen = np.hypot(pdx, pdy)
    pos = np.clip(pc["start"][piece] + tt * plen, 0.0, net.edge_len[edge])
    return edge, access, pos, pc["x0"][piece] + tt * pdx, pc["y0"][piece] + tt * pdy


def _seg_dist(pc: dict[str, np.ndarray], idx: np.ndarray, x: np.ndarray, y: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Distance from points to pieces ``idx`` and the projection parameter ``t`` in [0, 1]."""
    x0, y0, x1, y1 = pc["x0"][idx], pc["y0"][idx], pc["x1"][idx], pc["y1"][idx]
    dx, dy = x1 - x0, y1 - y0
    ll = dx * dx + dy * dy
    t = np.clip(np.divide((x - x0) * dx + (y - y0) * dy, ll, out=np.zeros_like(ll), where=ll > 0), 0.0, 1.0)
    return np.hypot(x - (x0 + t * dx), y - (y0 + t * dy)), t


# ---------------------------------------------------------------- the model
@dataclass
class Model:
    """A network with demand points and sites inserted, ready for Dijkstra.

    Attributes
    ----------
    net
        The street network.
    csr
        Directed graph: street edges both ways, chain edges through virtual nodes,
        ``R → snap`` leaf edges of the sites, and :data:`N_SLOTS` spare leaves.
    demand_node, demand_access
        Graph node of each demand point and its access leg (metres).
    site_node, site_access
        Leaf node ``R`` of each site and its access leg.
    """

    net: Network
    csr: sparse.csr_matrix
    demand_node: np.ndarray
    demand_access: np.ndarray
    site_node: np.ndarray
    site_access: np.ndarray
    site_snap: np.ndarray
    slot_node: np.ndarray
    slot_ptr: np.ndarray
    vn_edge: np.ndarray  # virtual nodes sorted by (edge, pos)
    vn_pos: np.ndarray
    vn_node: np.ndarray
    node_xy: np.ndarray | None = None  # graph node positions in local metres (slots: inf)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n_graph(self) -> int:
        return self.csr.shape[0]

    def _slot_graph(self, x: np.ndarray, y: np.ndarray) -> sparse.csr_matrix:
        """A copy of the graph with slot leaves wired to the points (x, y)."""
        if len(x) > len(self.slot_node):
            raise ValueError(f"at most {len(self.slot_node)} what-if rooms at once")
        g = self.csr.copy()
        edge, access, pos = snap(self.net, x, y)
        for i, (e, a, p) in enumerate(zip(edge, access, pos, strict=True)):
            lo = np.searchsorted(self.vn_edge, e, side="left")
            hi = np.searchsorted(self.vn_edge, e, side="right")
            ps = self.vn_pos[lo:hi]
            ns = self.vn_node[lo:hi]
            k = int(np.searchsorted(ps, p, side="right"))
            a_node = int(self.net.edge_u[e]) if k == 0 else int(ns[k - 1])
            a_pos = 0.0 if k == 0 else float(ps[k - 1])
            b_node = int(self.net.edge_v[e]) if k == len(ps) else int(ns[k])
            b_pos = float(self.net.edge_len[e]) if k == len(ps) else float(ps[k])
            ptr = self.slot_ptr[i]
            g.indices[ptr] = a_node
            g.indices[ptr + 1] = b_node
            g.data[ptr] = max(a + (p - a_pos), EPS)
            g.data[ptr + 1] = max(a + (b_pos - p), EPS)
        g.has_sorted_indices = False
        return g

    def nearest(
        self,
        sites: np.ndarray,
        limit: float,
        extra_xy: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distance from every demand point to the nearest of the given sites.

        Parameters
        ----------
        sites
            Indices of the open sites (rows of the model's site table).
        limit
            Walking distance in metres; farther answers are ``inf``.
        extra_xy
            Extra what-if rooms at arbitrary points (local metres), numbered after the
            model's sites in the returned ``nearest`` (``n_sites + i``).

        Returns
        -------
        walk_m, nearest, node_dist
            Walking distance per demand point (``inf`` beyond the limit), the index of
            the nearest site (``-1`` if none in reach), and the distance of every graph
            node from the nearest site (for drawing walking areas).
        """
        sites = np.asarray(sites, dtype=np.int64)
        graph = self.csr
        sources = self.site_node[sites]
        labels = sites
        if extra_xy is not None and len(extra_xy[0]):
            graph = self._slot_graph(np.asarray(extra_xy[0], float), np.asarray(extra_xy[1], float))
            n_extra = len(extra_xy[0])
            sources = np.concatenate([sources, self.slot_node[:n_extra]])
            labels = np.concatenate([sites, len(self.site_node) + np.arange(n_extra)])
        n_dem = len(self.demand_node)
        if len(sources) == 0:
            return np.full(n_dem, np.inf), np.full(n_dem, -1), np.full(self.n_graph, np.inf)
        dist, _pred, src = dijkstra(
            graph, directed=True, indices=sources, limit=limit, min_only=True, return_predecessors=True
        )
        lookup = np.full(self.n_graph, -1, dtype=np.int64)
        lookup[sources] = labels
        walk = dist[self.demand_node] + self.demand_access
        src_d = src[self.demand_node]
        near = np.where(src_d >= 0, lookup[np.maximum(src_d, 0)], -1)
        out = ~(walk <= limit + 1e-9)
        walk[out] = np.inf
        near[out] = -1
        return walk, near, dist

    def reach_matrix(self, source_nodes: np.ndarray, limit: float, chunk: int = 32) -> sparse.csr_matrix:
        """Boolean matrix: source ``i`` reaches demand point ``j`` within ``limit``.

        One bounded Dijkstra per source (in chunks), keeping only the demand columns.
        """
        source_nodes = np.asarray(source_nodes, dtype=np.int64)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for s in range(0, len(source_nodes), chunk):
            part = source_nodes[s:s + chunk]
            d = dijkstra(self.csr, directed=True, indices=part, limit=limit)
            d = d[:, self.demand_node] + self.demand_access[None, :]
            r, c = np.nonzero(d <= limit + 1e-9)
            rows.append(r + s)
            cols.append(c)
        r = np.concatenate(rows) if rows else np.empty(0, np.int64)
        c = np.concatenate(cols) if cols else np.empty(0, np.int64)
        return sparse.csr_matrix(
            (np.ones(len(r), dtype=bool), (r, c)), shape=(len(source_nodes), len(self.demand_node))
        )


# ---------------------------------------------------------------- local bounded searches
GRID_CELL_M = 250.0
"""Cell size of the grid that finds the graph nodes in a box (cached per model)."""
TILE_SOURCES = 48
"""About this many sources share one local subgraph in :func:`reach`."""


def attach_points(model: Model, x: np.ndarray, y: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """How points at (x, y) join the model's graph without rebuilding it.

    A point is snapped onto its street; between the graph nodes ``a`` and ``b`` that
    enclose the snapped position (street ends or virtual nodes), it reaches the graph at
    ``a`` after ``off_a`` metres (access leg + along the street) and at ``b`` after
    ``off_b``.

    Returns
    -------
    a, b, off_a, off_b, access
        Graph nodes, offsets in metres, and the access legs.
    """
    net = model.net
    edge, access, pos = snap(net, np.asarray(x, float), np.asarray(y, float))
    n = len(edge)
    lo = np.searchsorted(model.vn_edge, edge, side="left")
    hi = np.searchsorted(model.vn_edge, edge, side="right")
    k = lo.copy()
    for i in np.flatnonzero(hi > lo):  # points on streets that carry virtual nodes
        k[i] = lo[i] + int(np.searchsorted(model.vn_pos[lo[i]:hi[i]], pos[i], side="right"))
    has_prev = k > lo
    has_next = k < hi
    prev = np.maximum(k - 1, 0)
    nxt = np.minimum(k, max(len(model.vn_node) - 1, 0))
    vn_node = model.vn_node if len(model.vn_node) else np.zeros(1, np.int64)
    vn_pos = model.vn_pos if len(model.vn_pos) else np.zeros(1)
    a = np.where(has_prev, vn_node[prev], net.edge_u[edge]).astype(np.int64)
    a_pos = np.where(has_prev, vn_pos[prev], 0.0)
    b = np.where(has_next, vn_node[nxt], net.edge_v[edge]).astype(np.int64)
    b_pos = np.where(has_next, vn_pos[nxt], net.edge_len[edge])
    if n == 0:
        return a, b, np.empty(0), np.empty(0), access
    return a, b, access + (pos - a_pos), access + (b_pos - pos), access


def _grid(model: Model) -> dict[str, Any]:
    """Graph nodes sorted by grid cell (cached on the model)."""
    g = model.cache.get("grid")
    if g is None:
        xy = model.node_xy
        finite = np.flatnonzero(np.isfinite(xy).all(axis=1))
        cell = np.floor(xy[finite] / GRID_CELL_M).astype(np.int64)
        origin = cell.min(axis=0) if len(cell) else np.zeros(2, np.int64)
        cell -= origin
        size = cell.max(axis=0) + 1 if len(cell) else np.ones(2, np.int64)
        key = cell[:, 0] * size[1] + cell[:, 1]
        order = np.argsort(key, kind="stable")
        node_dem = np.full(model.n_graph, -1, dtype=np.int64)
        node_dem[model.demand_node] = np.arange(len(model.demand_node))
        g = {"origin": origin, "size": size, "keys": key[order], "nodes": finite[order], "node_dem": node_dem}
        model.cache["grid"] = g
    return g


def _nodes_in_box(g: dict[str, Any], lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Graph nodes in the grid cells that cover the box ``lo``..``hi`` (a superset)."""
    c0 = np.floor(lo / GRID_CELL_M).astype(np.int64) - g["origin"]
    c1 = np.floor(hi / GRID_CELL_M).astype(np.int64) - g["origin"]
    c0 = np.maximum(c0, 0)
    c1 = np.minimum(c1, g["size"] - 1)
    if (c1 < c0).any():
        return np.empty(0, np.int64)
    cx = np.arange(c0[0], c1[0] + 1)
    i0 = np.searchsorted(g["keys"], cx * g["size"][1] + c0[1], side="left")
    i1 = np.searchsorted(g["keys"], cx * g["size"][1] + c1[1], side="right")
    cnt = i1 - i0
    idx = np.repeat(i0 - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(int(cnt.sum()))
    return g["nodes"][idx]


def _subgraph(csr: sparse.csr_matrix, sub: np.ndarray, local: np.ndarray) -> sparse.csr_matrix:
    """The graph restricted to the nodes ``sub`` (``local`` maps them to 0..len-1)."""
    starts = csr.indptr[sub]
    cnt = csr.indptr[sub + 1] - starts
    pos = np.repeat(starts - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(int(cnt.sum()))
    lc = local[csr.indices[pos]]
    keep = lc >= 0
    row = np.repeat(np.arange(len(sub)), cnt)[keep]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=len(sub)))])
    return sparse.csr_matrix((csr.data[pos][keep], lc[keep].astype(np.int32), indptr.astype(np.int32)),
                             shape=(len(sub), len(sub)))


def reach(model: Model, a: np.ndarray, b: np.ndarray, off_a: np.ndarray, off_b: np.ndarray, limit: float,
          progress: Any = None, tile_sources: int = TILE_SOURCES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walking distance from many sources to every demand point within ``limit``.

    Source ``i`` enters the graph at node ``a[i]`` after ``off_a[i]`` metres and at
    ``b[i]`` after ``off_b[i]`` (a room's own leaf node: ``a = b``, offsets 0). A walk of
    at most ``limit`` metres never leaves the disc of that radius around where it starts
    (a street is never shorter than the straight line between its ends), so sources are
    grouped into tiles of about ``tile_sources`` and each tile runs scipy's bounded
    Dijkstra on the subgraph of the nodes within ``limit`` of its sources' box — exact,
    and far cheaper than whole-graph rows.

    Returns
    -------
    src, col, dist
        One entry per (source, demand point) pair within ``limit``: the source index,
        the demand point's index in the model and the walking distance (access legs
        included).
    """
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    off_a = np.asarray(off_a, float)
    off_b = np.asarray(off_b, float)
    n = len(a)
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if n == 0 or len(model.demand_node) == 0:
        return empty
    g = _grid(model)
    # per call, not cached: pages share one model between sessions (threads)
    local = np.full(model.n_graph, -1, dtype=np.int64)
    xy = model.node_xy
    use_a = off_a <= limit
    use_b = off_b <= limit
    live = np.flatnonzero(use_a | use_b)
    if len(live) == 0:
        return empty
    pos = np.where(use_a[live, None], xy[a[live]], xy[b[live]])
    span = pos.max(axis=0) - pos.min(axis=0)
    tile = max(2.0 * limit, float(np.sqrt(max(span[0], 1.0) * max(span[1], 1.0) * tile_sources / len(live))))
    tkey = np.floor((pos - pos.min(axis=0)) / tile).astype(np.int64)
    tid = tkey[:, 0] * (int(tkey[:, 1].max()) + 1) + tkey[:, 1]
    order = np.argsort(tid, kind="stable")
    bounds = np.flatnonzero(np.diff(tid[order])) + 1
    groups = np.split(live[order], bounds)
    da_all = model.demand_access
    out_s, out_c, out_d = [], [], []
    done = 0
    for members in groups:
        ends = np.concatenate([a[members][use_a[members]], b[members][use_b[members]]])
        exy = xy[ends]
        lo = exy.min(axis=0) - limit - 1.0
        hi = exy.max(axis=0) + limit + 1.0
        sub = _nodes_in_box(g, lo, hi)
        local[sub] = np.arange(len(sub))
        try:
            dem_local = np.flatnonzero(g["node_dem"][sub] >= 0)
            if len(dem_local) == 0:
                continue
            dcols = g["node_dem"][sub[dem_local]]
            sg = _subgraph(model.csr, sub, local)
            for s0 in range(0, len(members), 2 * tile_sources):
                mem = members[s0:s0 + 2 * tile_sources]
                la = np.where(use_a[mem], local[a[mem]], -1)
                lb = np.where(use_b[mem], local[b[mem]], -1)
                uniq, inv = np.unique(np.concatenate([la, lb]), return_inverse=True)
                ok = uniq >= 0
                d = np.full((len(uniq), len(dem_local)), np.inf)
                if ok.any():
                    d[ok] = dijkstra(sg, directed=True, indices=uniq[ok], limit=limit)[:, dem_local]
                k = len(mem)
                tot = np.minimum(d[inv[:k]] + off_a[mem, None], d[inv[k:]] + off_b[mem, None]) + da_all[dcols][None, :]
                r, c = np.nonzero(tot <= limit + 1e-9)
                out_s.append(mem[r])
                out_c.append(dcols[c])
                out_d.append(tot[r, c])
        finally:
            local[sub] = -1
        done += len(members)
        if progress:
            progress("coverage matrix", done / len(live))
    if not out_s:
        return empty
    return np.concatenate(out_s), np.concatenate(out_c), np.concatenate(out_d)


def _simple_edges(net: Network) -> np.ndarray:
    """Mask of the edges kept for routing: no loops, and of parallel streets between the
    same two nodes (either direction) only the shortest (cached on the network)."""
    if "simple_edges" not in net._cache:
        u, v = net.edge_u, net.edge_v
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        key = lo * np.int64(max(net.n_nodes, 1)) + hi
        order = np.argsort(key, kind="stable")
        ks = key[order]
        dup = np.zeros(len(u), dtype=bool)
        dup[1:] = ks[1:] == ks[:-1]
        keep = u != v
        if dup.any():  # only the parallel groups are sorted by length
            grp = np.zeros(len(u), dtype=bool)
            grp[dup] = True
            grp[:-1] |= dup[1:]
            members = order[grp]
            o2 = np.lexsort((net.edge_len[members], key[members]))
            m2 = members[o2]
            first = np.ones(len(m2), dtype=bool)
            first[1:] = key[m2][1:] != key[m2][:-1]
            keep[m2[~first]] = False
        net._cache["simple_edges"] = keep
    return net._cache["simple_edges"]


def build_model(net: Network, demand_xy: tuple[np.ndarray, np.ndarray], site_xy: tuple[np.ndarray, np.ndarray],
                n_slots: int = N_SLOTS) -> Model:
    """Insert demand points and sites into the network as virtual nodes.

    Parameters
    ----------
    net
        The street network.
    demand_xy, site_xy
        ``(x, y)`` arrays in local metres.
    n_slots
        Spare leaves for what-if rooms.

    Returns
    -------
    Model
    """
    dx, dy = (np.asarray(a, float) for a in demand_xy)
    sx, sy = (np.asarray(a, float) for a in site_xy)
    n_dem, n_site = len(dx), len(sx)
    edge, access, pos, snap_x, snap_y = snap_points(net, np.concatenate([dx, sx]), np.concatenate([dy, sy]))
    n_pts = len(edge)
    nb = net.n_nodes
    order = np.lexsort((pos, edge))
    s_edge, s_pos = edge[order], pos[order]
    vnode_sorted = nb + np.arange(n_pts)
    point_node = np.empty(n_pts, dtype=np.int64)
    point_node[order] = vnode_sorted
    first = np.ones(n_pts, dtype=bool)
    first[1:] = s_edge[1:] != s_edge[:-1]
    last = np.ones(n_pts, dtype=bool)
    last[:-1] = s_edge[1:] != s_edge[:-1]
    prev_node = np.where(first, net.edge_u[s_edge], np.roll(vnode_sorted, 1))
    prev_pos = np.where(first, 0.0, np.roll(s_pos, 1))
    chain_a = [prev_node, vnode_sorted[last]]
    chain_b = [vnode_sorted, net.edge_v[s_edge[last]]]
    chain_w = [s_pos - prev_pos, net.edge_len[s_edge[last]] - s_pos[last]]
    # untouched streets, without the longer of parallel streets (never on a shortest path;
    # the shorter one, or its chain through virtual nodes, is as short or shorter)
    untouched = _simple_edges(net).copy()
    untouched[s_edge] = False
    a = np.concatenate([net.edge_u[untouched], *chain_a])
    b = np.concatenate([net.edge_v[untouched], *chain_b])
    w = np.maximum(np.concatenate([net.edge_len[untouched], *chain_w]), EPS)
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    # both directions
    rows = [a, b]
    cols = [b, a]
    ws = [w, w]
    # site leaves: R -> snap
    site_node = nb + n_pts + np.arange(n_site)
    rows.append(site_node)
    cols.append(point_node[n_dem:])
    ws.append(np.maximum(access[n_dem:], EPS))
    # spare slot leaves, wired to two distinct dummy targets until used
    slot_node = nb + n_pts + n_site + np.arange(n_slots)
    rows += [slot_node, slot_node]
    cols += [np.zeros(n_slots, np.int64), np.ones(n_slots, np.int64) % max(nb, 1)]
    ws += [np.full(n_slots, _FAR), np.full(n_slots, _FAR * 2)]
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    ww = np.concatenate(ws)
    # no parallel edges are left (a COO -> CSR conversion would add them up)
    n = nb + n_pts + n_site + n_slots
    csr = sparse.csr_matrix((ww, (r, c)), shape=(n, n))
    csr.sort_indices()
    slot_ptr = csr.indptr[slot_node]
    # positions of every graph node (to cut local subgraphs): snapped points for virtual nodes
    sxy = np.column_stack([snap_x, snap_y])
    node_xy = np.vstack([np.column_stack([net.node_x, net.node_y]), sxy[order], sxy[n_dem:],
                         np.full((n_slots, 2), np.inf)])
    return Model(
        net=net,
        csr=csr,
        demand_node=point_node[:n_dem],
        demand_access=access[:n_dem],
        site_node=site_node,
        site_access=access[n_dem:],
        site_snap=point_node[n_dem:],
        slot_node=slot_node,
        slot_ptr=slot_ptr,
        vn_edge=s_edge,
        vn_pos=s_pos,
        vn_node=vnode_sorted,
        node_xy=node_xy,
    )


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
    path = settings.db_path(db)
    version = warehouse.data_version(path)
    if version is None:
        raise warehouse.WarehouseMissing(f"warehouse {path} does not exist")
    return _load_cached(str(path.resolve()), version)


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
    cols = [k for k in ("name", "district", "subdistrict", "lon", "lat") if k in data.communities.columns]
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
        "site_xy": np.full((len(data.model.site_node), 2), np.nan),
    }
    if len(rooms):
        r_ok = data.room_site >= 0
        rx, ry = to_xy(data.network.proj, rooms["lon"].to_numpy(float)[r_ok], rooms["lat"].to_numpy(float)[r_ok])
        c["site_xy"][data.room_site[r_ok]] = np.column_stack([rx, ry])
    data.cache["prep"] = c
    return c


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
              site_ids: np.ndarray, limit: float) -> tuple[pd.DataFrame, dict[str, Any]]:
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
        Walking distance in metres.

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
    walk_c = np.where(w_med <= limit, w_med, np.inf)
    str_c = np.where(s_med <= limit, s_med, np.inf)
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

    Returns
    -------
    CoverageResult
    """
    limit = settings.walk_limit_m(minutes, speed_m_s)
    if limit <= 0:
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
    use_matrix = method == "matrix" or (method == "auto" and limit <= MATRIX_MAX_LIMIT_M)
    node_dist = None
    if use_matrix:
        sr = _site_reach(data, limit)
        open_site = np.zeros(n_sites, dtype=bool)
        open_site[sites] = True
        walk, near = _nearest_of(sr["site"], sr["col"], sr["dist"], open_site, n_loc)
        straight_loc, _ = _nearest_of(sr["s_site"], sr["s_col"], sr["s_dist"], open_site, n_loc)
        if extra is not None:
            ex, ey = extra
            a, b, oa, ob, _ = attach_points(data.model, ex, ey)
            src, col, dist = reach(data.model, a, b, oa, ob, limit)
            _merge_nearest(walk, near, src, col, dist, n_sites + np.arange(len(ex)))
            s_src, s_col, s_dist = _straight_pairs(np.column_stack([ex, ey]), prep["xy"], limit, _demand_tree(data))
            _merge_nearest(straight_loc, np.full(n_loc, -1, np.int64), s_src, s_col, s_dist, np.arange(len(ex)))
    else:
        walk, near, node_dist = data.model.nearest(sites, limit, extra)
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
    straight[straight > limit] = np.inf
    comm, totals = summarize(prep, full_walk, straight, full_near, site_ids, limit)
    near_ids = np.full(n_dem, None, dtype=object)
    has = full_near >= 0
    near_ids[has] = site_ids[full_near[has]]
    dem = pd.DataFrame({**prep["base"], "walk_m": full_walk, "nearest_room_id": pd.Series(near_ids, dtype=object),
                        "straight_m": straight, "covered": full_walk <= limit, "straight_covered": straight <= limit})
    totals["rooms_open"] = int(len(open_rooms))
    totals["rooms_unplaced"] = n_unplaced  # open by date but without a point: not counted
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


# ---------------------------------------------------------------- walking areas
EXACT_AREA_MAX_SEGMENTS = 3000
"""Up to this many reached street pieces the walking area is buffered exactly with GEOS;
beyond (a city-wide map) it is traced from a distance raster (:func:`_raster_area`)."""
AREA_RASTER_CELLS = 1600
"""Cells along the longer side of the walking-area raster (about 20 m at 30 km)."""


def _cut_edges(net: Network, edges: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """LineStrings (local metres) of the stretches ``a``..``b`` metres along the edges."""
    edges = np.asarray(edges, np.int64)
    if len(edges) == 0:
        return np.empty(0, dtype=object)
    c, idx = net.coords_xy()
    vstart = net._vertex_start()
    step = np.zeros(len(c))
    same = idx[1:] == idx[:-1]
    step[1:] = np.where(same, np.hypot(np.diff(c[:, 0]), np.diff(c[:, 1])), 1.0)  # 1 m gap between edges
    gpos = np.cumsum(step)                        # strictly increasing along the vertex list
    base = gpos[vstart[:-1]]
    glen = gpos[vstart[1:] - 1] - base
    scale = np.divide(glen[edges], net.edge_len[edges], out=np.ones(len(edges)), where=net.edge_len[edges] > 0)
    ga = base[edges] + np.clip(a * scale, 0.0, glen[edges])
    gb = base[edges] + np.clip(b * scale, 0.0, glen[edges])
    i0 = np.searchsorted(gpos, ga, side="right")  # first vertex after the start
    i1 = np.searchsorted(gpos, gb, side="left")   # first vertex at or after the end
    i0 = np.clip(i0, vstart[edges] + 1, vstart[edges + 1] - 1)
    i1 = np.clip(i1, vstart[edges] + 1, vstart[edges + 1] - 1)

    def at(g: np.ndarray, k: np.ndarray) -> np.ndarray:  # point at g on the vertex step k-1 -> k
        t = np.divide(g - gpos[k - 1], step[k], out=np.zeros(len(g)), where=step[k] > 0)
        return c[k - 1] + np.clip(t, 0.0, 1.0)[:, None] * (c[k] - c[k - 1])

    n_in = np.maximum(i1 - i0, 0)
    cnt = n_in + 2
    first = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    pts = np.empty((int(cnt.sum()), 2))
    pts[first] = at(ga, i0)
    pts[first + cnt - 1] = at(gb, i1)
    rows = np.repeat(np.arange(len(edges)), n_in)
    k = np.arange(int(n_in.sum())) - np.repeat(np.cumsum(n_in) - n_in, n_in)
    pts[first[rows] + 1 + k] = c[i0[rows] + k]
    return shapely.linestrings(pts, indices=np.repeat(np.arange(len(edges)), cnt))


def reached_segments(data: CoverageData, result: CoverageResult) -> np.ndarray:
    """The reached parts of the streets (LineStrings in local metres).

    A street is reached from its ends (``limit - dist(u)`` from ``u``, likewise from
    ``v``) and from any reached point on it (an open room or a demand point snapped
    onto it: ``limit - dist`` both ways); partial streets are cut at those positions.
    """
    net = data.network
    limit = result.limit_m
    nd = result.node_dist[: net.n_nodes]
    ru = np.clip(limit - nd[net.edge_u], 0.0, None)
    rv = np.clip(limit - nd[net.edge_v], 0.0, None)
    L = net.edge_len
    full = (ru >= L) | (rv >= L) | (ru + rv >= L)
    part = ~full & ((ru > 0) | (rv > 0))
    fu = np.flatnonzero(part & (ru > 0))
    fv = np.flatnonzero(part & (rv > 0))
    m = data.model
    vdist = result.node_dist[m.vn_node]
    on = np.isfinite(vdist) & (vdist < limit) & ~full[m.vn_edge]
    ve, vp, vr = m.vn_edge[on], m.vn_pos[on], limit - vdist[on]
    e = np.concatenate([fu, fv, ve])
    a = np.concatenate([np.zeros(len(fu)), L[fv] - rv[fv], np.maximum(0.0, vp - vr)])
    b = np.concatenate([ru[fu], L[fv], np.minimum(L[ve], vp + vr)])
    keep = b - a > 0.5
    return np.concatenate([net.edge_geoms_xy(np.flatnonzero(full)), _cut_edges(net, e[keep], a[keep], b[keep])])


def _raster_area(segs: np.ndarray, buffer_m: float, cells: int = AREA_RASTER_CELLS):
    """The ``buffer_m`` neighbourhood of many lines, traced from a distance raster.

    Points every half cell along the lines mark raster cells; a Euclidean distance
    transform finds each cell's nearest marked cell, the distance is measured to that
    cell's point on the line, and the ``buffer_m`` iso-line is traced with contourpy
    (linear interpolation between cell centres). Holes and gaps narrower than a cell or
    two may close; at a city-wide map's scale a cell is about a screen pixel.
    """
    import contourpy
    from scipy import ndimage

    b = shapely.bounds(segs)
    pad = buffer_m * 2.0
    x0, y0 = float(np.nanmin(b[:, 0])) - pad, float(np.nanmin(b[:, 1])) - pad
    x1, y1 = float(np.nanmax(b[:, 2])) + pad, float(np.nanmax(b[:, 3])) + pad
    cell = max((x1 - x0) / cells, (y1 - y0) / cells, buffer_m / 5.0)
    nx = int(np.ceil((x1 - x0) / cell)) + 1
    ny = int(np.ceil((y1 - y0) / cell)) + 1
    pts = shapely.get_coordinates(shapely.segmentize(segs, cell / 2.0))
    ix = np.clip(((pts[:, 0] - x0) / cell).astype(np.int64), 0, nx - 1)
    iy = np.clip(((pts[:, 1] - y0) / cell).astype(np.int64), 0, ny - 1)
    flat = iy * nx + ix
    px = np.full(nx * ny, np.nan)
    py = np.full(nx * ny, np.nan)
    px[flat] = pts[:, 0]
    py[flat] = pts[:, 1]
    empty = np.isnan(px).reshape(ny, nx)
    _, (jy, jx) = ndimage.distance_transform_edt(empty, return_distances=True, return_indices=True)
    near = (jy * nx + jx).ravel()
    gx = x0 + (np.arange(nx) + 0.5) * cell
    gy = y0 + (np.arange(ny) + 0.5) * cell
    cx = np.broadcast_to(gx[None, :], (ny, nx)).ravel()
    cy = np.broadcast_to(gy[:, None], (ny, nx)).ravel()
    dist = np.hypot(cx - px[near], cy - py[near]).reshape(ny, nx)
    gen = contourpy.contour_generator(gx, gy, dist, fill_type="OuterOffset")
    points, offsets = gen.filled(-1.0, buffer_m)
    # one polygon per outer ring (its holes follow it): build all rings at once
    if not points:
        return None
    coords = np.concatenate(points)
    base = np.concatenate([[0], np.cumsum([len(p) for p in points])[:-1]])
    starts = np.concatenate([o[:-1] + b0 for o, b0 in zip(offsets, base, strict=True)])
    ends = np.concatenate([o[1:] + b0 for o, b0 in zip(offsets, base, strict=True)])
    poly_of = np.concatenate([np.full(len(o) - 1, i) for i, o in enumerate(offsets)])
    is_shell = np.concatenate([np.arange(len(o) - 1) == 0 for o in offsets])
    ok = (ends - starts) >= 4
    keep_poly = np.zeros(len(points), dtype=bool)
    keep_poly[poly_of[ok & is_shell]] = True
    ok &= keep_poly[poly_of]
    if not ok.any():
        return None
    starts, ends, poly_of = starts[ok], ends[ok], poly_of[ok]
    cnt = ends - starts
    pos = np.repeat(starts - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(int(cnt.sum()))
    rings = shapely.linearrings(coords[pos], indices=np.repeat(np.arange(len(cnt)), cnt))
    _, poly_idx = np.unique(poly_of, return_inverse=True)
    # the iso-line has a vertex at every cell edge it crosses: thin the rings to a quarter
    # of a cell (Douglas-Peucker per ring; rings that collapse are dropped)
    rings = shapely.simplify(rings, cell / 4.0, preserve_topology=False)
    keep = ~shapely.is_empty(rings) & (shapely.get_num_coordinates(rings) >= 4)
    shell = np.zeros(len(rings), dtype=bool)
    shell[np.unique(poly_idx, return_index=True)[1]] = True
    keep &= np.isin(poly_idx, poly_idx[shell & keep])
    _, poly_idx = np.unique(poly_idx[keep], return_inverse=True)
    polys = shapely.polygons(rings[keep], indices=poly_idx)
    bad = ~shapely.is_valid(polys)
    if bad.any():  # a simplified hole may cross its shell: repair those polygons only
        fixed = shapely.get_parts(shapely.make_valid(polys[bad]))
        polys = np.concatenate([polys[~bad], fixed[shapely.get_type_id(fixed) == 3]])
    return shapely.multipolygons(polys)


def walking_area(data: CoverageData, result: CoverageResult, buffer_m: float = 25.0):
    """Walking-area polygon: the reached streets buffered by ``buffer_m`` (WGS-84).

    Buffering the reached street segments (not a convex hull of them) keeps the area
    honest: a river or a walled compound stays a hole. Up to
    :data:`EXACT_AREA_MAX_SEGMENTS` street pieces GEOS buffers them exactly; a
    city-wide area (tens of thousands of pieces, where the exact union takes minutes)
    is traced from a distance raster instead (:func:`_raster_area`).

    Returns
    -------
    shapely geometry or None
        (Multi)Polygon in lon/lat, ``None`` when nothing is reached.
    """
    segs = reached_segments(data, result)
    if len(segs) == 0:
        return None
    if len(segs) <= EXACT_AREA_MAX_SEGMENTS:
        area = shapely.buffer(shapely.multilinestrings(list(segs)), buffer_m, quad_segs=2)
        area = shapely.simplify(area, 2.0)
    else:
        area = _raster_area(segs, buffer_m)
        if area is None:
            return None
    proj = data.network.proj
    return shapely.transform(area, lambda c: np.column_stack(to_lonlat(proj, c[:, 0], c[:, 1])))
