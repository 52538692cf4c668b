"""The demo geography: walls make walks long, the river is crossed only at bridges."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from dashboard.demo import get_config
from dashboard.demo.geography import build_geography, to_lonlat
from dashboard.ingest.coords import wgs84_to_gcj02


@pytest.fixture(scope="module")
def geo():
    return build_geography(get_config("small"), np.random.default_rng(5))


def _graph(edges, with_motorway: bool = False) -> nx.Graph:
    g = nx.Graph()
    for r in edges.itertuples():
        if r.highway == "motorway" and not with_motorway:
            continue
        g.add_edge((r.x1, r.y1), (r.x2, r.y2), length=float(np.hypot(r.x2 - r.x1, r.y2 - r.y1)))
    return g


def _nearest_node(nodes: np.ndarray, x: float, y: float) -> tuple[float, float]:
    i = int(np.argmin(np.hypot(nodes[:, 0] - x, nodes[:, 1] - y)))
    return float(nodes[i, 0]), float(nodes[i, 1])


def test_names_ids_and_place(geo):
    c = geo.communities
    assert c["community_id"].is_unique and c["name"].is_unique
    assert c["name"].str.endswith(("社区", "村")).all()
    assert set(c["kind"]) == {"urban", "rural"}
    assert (c["elderly"] < c["population"]).all() and (c["households"] > 0).all()
    lon, lat = to_lonlat(c["x"].to_numpy(), c["y"].to_numpy())
    assert (abs(lon - 118.18) < 0.3).all() and (abs(lat - 39.63) < 0.3).all()
    assert set(geo.edges["highway"]) >= {"primary", "residential", "service", "footway", "path", "steps", "motorway"}


def test_walkable_network_is_one_piece_without_the_motorway(geo):
    assert nx.is_connected(_graph(geo.edges))


def test_walls_make_walking_much_longer_than_straight_line(geo):
    g = _graph(geo.edges)
    nodes = np.array(list(g.nodes))
    c = geo.communities
    urban = c[c["kind"] == "urban"]
    key = {r.block: r for r in urban.itertuples()}
    ratios = []
    for r in urban.itertuples():
        j, i = r.block
        nb = key.get((j, i + 1))  # the neighbour to the east (same side of the river)
        if nb is None:
            continue
        a, b = _nearest_node(nodes, r.x, r.y), _nearest_node(nodes, nb.x, nb.y)
        walk = nx.shortest_path_length(g, a, b, weight="length")
        ratios.append(walk / np.hypot(b[0] - a[0], b[1] - a[1]))
    assert len(ratios) > 20
    assert np.median(ratios) > 1.5


def test_river_is_crossed_only_at_a_few_bridges(geo):
    e = geo.edges
    cfg = get_config("small")
    # a segment crosses (or stands in) the river strip when it reaches into it
    lo, hi = geo.rivers["y_south"].iat[0], geo.rivers["y_north"].iat[0]
    cross = e[(np.minimum(e["y1"], e["y2"]) < hi) & (np.maximum(e["y1"], e["y2"]) > lo)]
    walk = cross[cross["highway"] != "motorway"]
    # the core streets cross at `bridges` columns, the country roads at the two outermost
    assert 1 <= walk["x1"].nunique() <= cfg.bridges + 2
    assert (cross["highway"] == "motorway").sum() >= 1


def test_gcj02_offset_is_a_few_hundred_metres():
    lon, lat = wgs84_to_gcj02(np.array([118.18]), np.array([39.63]))
    d = np.hypot((lon - 118.18) * 85_000, (lat - 39.63) * 111_000)
    assert 100 < d[0] < 1000
