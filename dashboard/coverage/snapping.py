"""Snapping points onto the street network: nearest street segment and position on it.

Every point (demand points, rooms, candidate sites) is snapped once onto its nearest
street piece (the network's pieces of at most ``PIECE_M`` metres, in a KD-tree); the
access leg is the straight line from the point to that nearest point on the street.
"""

from __future__ import annotations

import numpy as np

from dashboard.coverage.network import Network

__all__ = ["snap", "snap_points"]


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
