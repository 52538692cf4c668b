"""The routing model: the walking graph with every point inserted, and bounded searches.

Each snapped point becomes a *virtual node* that splits its street segment, so a shortest
path may start and end in the middle of a street (:func:`build_model`). Each site gets its
own leaf node with one directed edge whose weight is its access leg; :data:`N_SLOTS`
spare leaves take what-if rooms without a graph rebuild (:func:`attach_points`).
:func:`reach` runs bounded Dijkstra searches on local subgraphs (a walk of ``limit``
metres never leaves the disc of that radius), tiled over a grid of the graph's nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from dashboard.coverage.network import Network
from dashboard.coverage.snapping import snap, snap_points

__all__ = ["Model", "attach_points", "build_model", "reach"]

EPS = 1e-6
"""Weight given to zero-length edges (scipy's csgraph must see them as edges)."""
_FAR = 1e15
N_SLOTS = 64
"""Spare leaf nodes for what-if rooms at arbitrary places (no graph rebuild)."""


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
