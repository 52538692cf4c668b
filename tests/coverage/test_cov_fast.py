"""The fast paths of the coverage engine against the plain ones they replace.

Each fast path is checked against an independent computation: the WKB parser against
shapely, the fitted projection against PROJ, the room x demand matrix against the
whole-graph multi-source Dijkstra and networkx, the local-subgraph searches against
whole-graph Dijkstra rows, the street cuts against ``shapely.ops.substring``, the
candidate scoring against a brute-force loop, the raster walking area against GEOS's
exact buffer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra
from shapely.ops import substring

from dashboard import warehouse
from dashboard.coverage import (
    areas,
    graph,
    inputs,
    projection,
    routing,
    street_files,
    wkb,
)
from dashboard.coverage import engine as E
from dashboard.coverage import network as N
from dashboard.coverage import planner as P
from dashboard.coverage import views as V

PYROSM_TEST_PBF = Path(__import__("pyrosm").__file__).parent / "data" / "test.osm.pbf"


@pytest.fixture(scope="module")
def osm_net() -> N.Network:
    t = graph.build_network(street_files.read_lines(PYROSM_TEST_PBF))
    return N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})


def _frames(net: N.Network, n_dem: int, n_rooms: int, seed: int):
    rng = np.random.default_rng(seed)
    x0, x1 = np.percentile(net.node_x, [5, 95])
    y0, y1 = np.percentile(net.node_y, [5, 95])
    dem = np.column_stack([rng.uniform(x0, x1, n_dem), rng.uniform(y0, y1, n_dem)])
    rooms = np.column_stack([rng.uniform(x0, x1, n_rooms), rng.uniform(y0, y1, n_rooms)])
    dlon, dlat = projection.to_lonlat(net.proj, dem[:, 0], dem[:, 1])
    rlon, rlat = projection.to_lonlat(net.proj, rooms[:, 0], rooms[:, 1])
    comm = pd.DataFrame({"community_id": [f"C{i:03d}" for i in range(n_dem)],
                         "households": rng.integers(1, 50, n_dem), "population": 1,
                         "elderly": rng.integers(0, 10, n_dem), "lon": dlon, "lat": dlat})
    opened = pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n_rooms), unit="D")
    rm = pd.DataFrame({"room_id": [f"R{i:02d}" for i in range(n_rooms)], "name": "r", "lon": rlon, "lat": rlat,
                       "opened_on": opened, "closed_on": pd.NaT})
    return comm, rm, rng


@pytest.fixture(scope="module")
def osm_data(osm_net):
    comm, rm, _ = _frames(osm_net, 150, 12, seed=11)
    return inputs.data_from_frames(osm_net, comm, rm)


# ---------------------------------------------------------------- loading
def test_wkb_parser_equals_shapely():
    rng = np.random.default_rng(0)
    sizes = rng.integers(2, 9, 90)  # 2..8 vertices: the coordinates start at every byte alignment
    geoms = shapely.linestrings(rng.normal(size=(int(sizes.sum()), 2)) * 50, indices=np.repeat(np.arange(90), sizes))
    data, offsets = wkb.pack_wkb(shapely.to_wkb(geoms))
    coords, idx = wkb.parse_linestring_wkb(data, offsets)
    want, want_idx = shapely.get_coordinates(geoms, return_index=True)
    np.testing.assert_array_equal(coords, want)
    np.testing.assert_array_equal(idx, want_idx)
    # anything but plain 2-D little-endian LineStrings is left to shapely
    for other in (shapely.to_wkb(geoms, byte_order=0), shapely.to_wkb(shapely.force_3d(geoms, 1.0)),
                  shapely.to_wkb(shapely.points([[1.0, 2.0]]))):
        assert wkb.parse_linestring_wkb(*wkb.pack_wkb(other)) is None


def test_polynomial_projection_within_a_millimetre_of_proj():
    proj = projection.local_proj(117.0, 36.65)
    rng = np.random.default_rng(1)
    x = rng.uniform(-25_000, 25_000, projection.FAST_MIN_POINTS + 5000)
    y = rng.uniform(-20_000, 30_000, len(x))
    fwd, inv = projection._transformers(proj)
    lon, lat = (np.asarray(a) for a in inv.transform(x, y))
    fx, fy = projection.to_xy(proj, lon, lat)          # the fitted polynomial (long array)
    px, py = (np.asarray(a) for a in fwd.transform(lon, lat))
    assert np.abs(fx - px).max() < 1e-3 and np.abs(fy - py).max() < 1e-3
    blon, blat = projection.to_lonlat(proj, x, y)
    assert np.abs(blon - lon).max() < 1e-8 and np.abs(blat - lat).max() < 1e-8
    # a country-wide extent fails the check and goes through PROJ itself
    wide_lon = rng.uniform(100, 120, len(x))
    wide_lat = rng.uniform(25, 40, len(x))
    wx, _ = projection.to_xy(proj, wide_lon, wide_lat)
    np.testing.assert_array_equal(wx, np.asarray(fwd.transform(wide_lon, wide_lat)[0]))


def test_read_network_packed_coordinates_equal_the_stored_wkb(town_db):
    con = warehouse.connect_read(town_db)
    try:
        net = N.read_network(con)
        wkb = con.execute("select geometry_wkb from network_edges order by edge_id").fetchall()
        highway = [r[0] for r in con.execute("select highway from network_edges order by edge_id").fetchall()]
    finally:
        con.close()
    geoms = shapely.from_wkb([bytes(r[0]) for r in wkb])
    want, idx = shapely.get_coordinates(geoms, return_index=True)
    got, gidx = net.coords_lonlat()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(gidx, idx)
    assert [g.equals_exact(w, 1e-12) for g, w in zip(net.geoms_lonlat(), geoms, strict=True)].count(False) == 0
    assert list(net.edge_highway) == highway and {"residential", "footway"} <= set(highway)


def test_parallel_streets_hand_worked(town):
    """Two ways join (0,0) and (200,0): a straight one (200 m) and a detour through
    (100,100) (2 x 141.42 m). The detour is never a shortest path, but a home snapped
    onto it walks along it: home at (100,110) -> 10 m access to the apex, then 141.42 m
    down to (200,0) and 20 m along the spur to the room at (220,0): 171.42 m."""
    items = []
    for pts in ([(0, 0), (200, 0)], [(0, 0), (100, 100), (200, 0)], [(200, 0), (300, 0)], [(-100, 0), (0, 0)]):
        lon, lat = town.ll([p[0] for p in pts], [p[1] for p in pts])
        items.append((np.column_stack([lon, lat]), "residential"))
    t = graph.build_network(street_files.Lines.from_list(items, 4, 0))
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    lon, lat = town.ll([100, -100], [110, 5])
    comm = pd.DataFrame({"community_id": ["H", "W"], "households": [5, 7], "population": 1, "elderly": 0,
                         "lon": lon, "lat": lat})
    rlon, rlat = town.ll(220, 0)
    rooms = pd.DataFrame({"room_id": ["R"], "name": "R", "lon": rlon, "lat": rlat, "opened_on": pd.NaT,
                          "closed_on": pd.NaT})
    data = inputs.data_from_frames(net, comm, rooms)
    for method in ("matrix", "dijkstra"):
        w = E.compute(data, minutes=10, method=method).demand.set_index("demand_id")["walk_m"]
        assert w["H"] == pytest.approx(10 + 100 * np.sqrt(2) + 20, abs=0.01)
        assert w["W"] == pytest.approx(5 + 320, abs=0.01)  # along the straight street, not the detour


# ---------------------------------------------------------------- coverage
@pytest.mark.parametrize("minutes", [3, 8, 15])
def test_matrix_equals_multi_source_dijkstra(osm_data, minutes):
    rooms = osm_data.rooms
    cases = [dict(), dict(on=dt.date(2024, 1, 1)), dict(close=list(rooms["room_id"].iloc[:3])),
             dict(open_room_ids=list(rooms["room_id"].iloc[::2]))]
    rng = np.random.default_rng(minutes)
    x0, x1 = np.percentile(osm_data.network.node_lon, [10, 90])
    y0, y1 = np.percentile(osm_data.network.node_lat, [10, 90])
    cases.append(dict(add=pd.DataFrame({"room_id": ["A1", "A2"], "name": "a", "lon": rng.uniform(x0, x1, 2),
                                        "lat": rng.uniform(y0, y1, 2)}), close=["R01"]))
    n_covered = 0
    for kw in cases:
        m = E.compute(osm_data, minutes=minutes, method="matrix", **kw)
        d = E.compute(osm_data, minutes=minutes, method="dijkstra", **kw)
        wm, wd = m.demand["walk_m"].to_numpy(), d.demand["walk_m"].to_numpy()
        np.testing.assert_array_equal(np.isfinite(wm), np.isfinite(wd))
        np.testing.assert_allclose(wm[np.isfinite(wm)], wd[np.isfinite(wd)], atol=1e-6)
        sm, sd = m.demand["straight_m"].to_numpy(), d.demand["straight_m"].to_numpy()
        np.testing.assert_array_equal(np.isfinite(sm), np.isfinite(sd))
        np.testing.assert_allclose(sm[np.isfinite(sm)], sd[np.isfinite(sd)], atol=1e-6)
        assert list(m.demand["nearest_room_id"].fillna("-")) == list(d.demand["nearest_room_id"].fillna("-"))
        assert m.totals == d.totals
        np.testing.assert_allclose(m.node_dist, d.node_dist)  # the lazy pass equals the eager one
        n_covered += int(np.isfinite(wm).sum())
    assert n_covered >= 20  # the comparison is not vacuous


def _nx_distances(model: routing.Model, sources: list[int], limit: float) -> np.ndarray:
    """Independent reference: networkx Dijkstra on the model's directed graph."""
    coo = model.csr.tocoo()
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    out = np.full((len(sources), model.n_graph), np.inf)
    for i, s in enumerate(sources):
        for n, dd in nx.single_source_dijkstra_path_length(g, int(s), cutoff=limit).items():
            out[i, n] = dd
    return out


def test_reach_equals_whole_graph_rows_and_networkx(osm_data):
    """Many small tiles (two sources each) so that the local subgraphs are really cut."""
    m = osm_data.model
    limit = 450.0
    rng = np.random.default_rng(5)
    x0, x1 = np.percentile(m.net.node_x, [5, 95])
    y0, y1 = np.percentile(m.net.node_y, [5, 95])
    px, py = rng.uniform(x0, x1, 30), rng.uniform(y0, y1, 30)
    a, b, oa, ob, _ = routing.attach_points(m, px, py)
    src, col, dist = routing.reach(m, a, b, oa, ob, limit, tile_sources=2)
    got = np.full((30, len(m.demand_node)), np.inf)
    got[src, col] = dist
    rows = dijkstra(m.csr, directed=True, indices=np.unique(np.concatenate([a, b])), limit=limit)
    lut = {int(n): i for i, n in enumerate(np.unique(np.concatenate([a, b])))}
    ref_nx = _nx_distances(m, sorted(lut), limit)
    want = np.full_like(got, np.inf)
    for i in range(30):
        ra, rb = rows[lut[int(a[i])]], rows[lut[int(b[i])]]
        np.testing.assert_allclose(np.where(np.isfinite(ra), ra, -1),
                                   np.where(np.isfinite(ref_nx[lut[int(a[i])]]), ref_nx[lut[int(a[i])]], -1),
                                   atol=1e-6)
        want[i] = np.minimum(ra[m.demand_node] + oa[i], rb[m.demand_node] + ob[i]) + m.demand_access
    want[want > limit + 1e-9] = np.inf
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
    np.testing.assert_allclose(got[np.isfinite(got)], want[np.isfinite(want)], atol=1e-6)
    assert np.isfinite(got).sum() >= 30


def test_attach_points_equal_the_slot_leaves(osm_data):
    """A point attached by (a, b, offsets) reaches what the spare-leaf what-if room reaches."""
    m = osm_data.model
    rng = np.random.default_rng(9)
    x0, x1 = np.percentile(m.net.node_x, [5, 95])
    y0, y1 = np.percentile(m.net.node_y, [5, 95])
    for _ in range(5):
        px, py = rng.uniform(x0, x1, 1), rng.uniform(y0, y1, 1)
        a, b, oa, ob, _ = routing.attach_points(m, px, py)
        src, col, dist = routing.reach(m, a, b, oa, ob, 600.0)
        walk, _, _ = m.nearest(np.empty(0, np.int64), 600.0, (px, py))
        got = np.full(len(m.demand_node), np.inf)
        got[col] = dist
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(walk))
        np.testing.assert_allclose(got[np.isfinite(got)], walk[np.isfinite(walk)], atol=1e-6)


# ---------------------------------------------------------------- planner
def test_uploaded_candidates_matrix_equals_engine(osm_data):
    rng = np.random.default_rng(21)
    lon = rng.uniform(*np.percentile(osm_data.network.node_lon, [10, 90]), 25)
    lat = rng.uniform(*np.percentile(osm_data.network.node_lat, [10, 90]), 25)
    cands = pd.DataFrame({"site_id": [f"S{i}" for i in range(25)], "name": "s", "lon": lon, "lat": lat})
    cols = np.arange(len(osm_data.model.demand_node))
    A = P.coverage_matrix(osm_data, cands, cols, 300.0).toarray()
    hits = 0
    for i in range(len(cands)):
        r = E.compute(osm_data, open_room_ids=[], add=cands.iloc[[i]].rename(columns={"site_id": "room_id"}),
                      method="dijkstra")
        want = r.demand[osm_data.located]["covered"].to_numpy()
        np.testing.assert_array_equal(A[i], want)
        hits += int(want.sum())
    assert hits > 0


def test_network_candidates_equal_brute_force(osm_data):
    before = E.compute(osm_data, minutes=4)
    got = P.candidates_from_network(osm_data, before, max_candidates=40)
    net = osm_data.network
    dem = before.demand[osm_data.located]
    unc = dem[~dem["covered"] & (dem["households"] > 0)]
    ux, uy, hh = unc["x"].to_numpy(), unc["y"].to_numpy(), unc["households"].to_numpy(float)
    cell = before.limit_m / 3.0
    score = {}
    for n in range(net.n_nodes):
        d = np.hypot(ux - net.node_x[n], uy - net.node_y[n])
        if (d <= before.limit_m).any():
            score[n] = float(hh[d <= before.limit_m].sum())
    seen, want = set(), []
    for n in sorted(score, key=lambda k: (-score[k], k)):
        key = (int(np.floor(net.node_x[n] / cell)), int(np.floor(net.node_y[n] / cell)))
        if key not in seen:
            seen.add(key)
            want.append(n)
    assert list(got["node"]) == want[:40]
    assert len(want) > 40


# ---------------------------------------------------------------- walking areas, street layer
def test_cut_edges_equal_substring(osm_net):
    rng = np.random.default_rng(3)
    e = rng.integers(0, osm_net.n_edges, 300)
    length = osm_net.edge_len[e]
    a = rng.uniform(0, 1, 300) * length
    b = a + rng.uniform(0, 1, 300) * (length - a)
    got = areas._cut_edges(osm_net, e, a, b)
    geoms = osm_net.geoms_xy()
    for i in range(300):
        s = geoms[e[i]].length / length[i]
        want = substring(geoms[e[i]], a[i] * s, b[i] * s)
        assert got[i].length == pytest.approx(want.length, abs=1e-6)
        assert shapely.hausdorff_distance(got[i], want) < 1e-6
    assert (np.diff(osm_net._vertex_start())[e] > 2).sum() > 50  # curved streets are exercised


def test_raster_area_close_to_the_exact_buffer(osm_data, monkeypatch):
    r = E.compute(osm_data, minutes=5)
    exact = areas.walking_area(osm_data, r)
    monkeypatch.setattr(areas, "EXACT_AREA_MAX_SEGMENTS", 0)
    raster = areas.walking_area(osm_data, r)
    proj = osm_data.network.proj

    def xy(g):
        return shapely.transform(g, lambda c: np.column_stack(projection.to_xy(proj, c[:, 0], c[:, 1])))

    assert shapely.is_valid(raster)
    ex, ra = xy(exact), xy(raster)
    assert ex.area > 0
    assert abs(ra.area - ex.area) / ex.area < 0.08
    assert shapely.symmetric_difference(ex, ra).area / ex.area < 0.2
    # points on reached streets are inside; points far from every reached street are not
    segs = areas.reached_segments(osm_data, r)
    mids = shapely.line_interpolate_point(segs, 0.5, normalized=True)
    assert shapely.contains(ra, mids).mean() > 0.95
    far = shapely.points(np.column_stack([np.full(5, np.asarray(ex.bounds)[2] + 500.0), np.arange(5) * 100.0]))
    assert not shapely.contains(ra, far).any()


def test_street_lines_equal_street_xy(osm_data):
    from dashboard.figures.maps import street_xy

    geoms = osm_data.network.geoms_lonlat()
    for max_edges in (10**9, max(1, len(geoms) // 3)):
        got = V.street_lines(osm_data, max_edges=max_edges)
        step = int(np.ceil(len(geoms) / max_edges)) if len(geoms) > max_edges else 1
        want = street_xy(geoms[::step])
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)


def test_sessions_sharing_one_model_get_their_own_answers(osm_net):
    """The pages share one loaded model between sessions (threads): concurrent what-ifs
    (local searches, the cached matrix) give what each gives alone."""
    from concurrent.futures import ThreadPoolExecutor

    comm, rm, rng = _frames(osm_net, 120, 8, seed=4)
    data = inputs.data_from_frames(osm_net, comm, rm)
    lon = rng.uniform(*np.percentile(osm_net.node_lon, [10, 90]), 12)
    lat = rng.uniform(*np.percentile(osm_net.node_lat, [10, 90]), 12)

    def one(i: int) -> np.ndarray:
        add = pd.DataFrame({"room_id": [f"A{i}"], "name": "a", "lon": [lon[i]], "lat": [lat[i]]})
        return E.compute(data, minutes=6, add=add, close=[f"R{i % 8:02d}"]).demand["walk_m"].to_numpy()

    alone = [one(i) for i in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(one, range(12)))
    for a, b in zip(alone, together, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len({np.isfinite(a).sum() for a in alone}) > 1  # the what-ifs differ


def test_map_polygon_layer_arrays_equal_the_rings():
    """The map's polygon layers as NaN-separated arrays: every ring of every polygon (holes
    included, lines and points skipped), in order, against a plain loop over the rings."""
    from dashboard.figures.maps import _polygon_xy

    donut = shapely.Point(0, 0).buffer(10).difference(shapely.Point(0, 0).buffer(4))
    geoms = [donut, None, shapely.MultiPolygon([shapely.box(20, 0, 21, 1), shapely.box(30, 0, 32, 2)]),
             shapely.GeometryCollection([shapely.box(40, 0, 41, 1), shapely.LineString([(0, 0), (1, 1)])]),
             shapely.Polygon()]
    want_x: list[float] = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        for p in getattr(g, "geoms", [g]):
            if p.geom_type == "Polygon":
                for ring in [p.exterior, *p.interiors]:
                    want_x += [*np.asarray(ring.coords)[:, 0], np.nan]
    x, y = _polygon_xy(geoms)
    np.testing.assert_array_equal(x, np.array(want_x))
    assert int(np.isnan(x).sum()) == 5 and len(x) == len(y)
    assert len(_polygon_xy([None])[0]) == 0


@pytest.mark.parametrize("n_src", [10, 100])
def test_straight_pairs_equal_brute_force(n_src):
    """Both branches (ball queries for a few sources, a sparse distance matrix for many)."""
    rng = np.random.default_rng(n_src)
    src = rng.uniform(0, 2000, (n_src, 2))
    src[3] = np.nan  # a room without a point
    dem = rng.uniform(0, 2000, (300, 2))
    s, c, d = E._straight_pairs(src, dem, 250.0)
    got = {(int(a), int(b)): float(x) for a, b, x in zip(s, c, d, strict=True)}
    want = {}
    for i in range(n_src):
        for j in range(300):
            dist = float(np.hypot(*(src[i] - dem[j])))
            if dist <= 250.0:
                want[(i, j)] = dist
    assert got.keys() == want.keys() and len(want) > 20
    assert all(abs(got[k] - want[k]) < 1e-9 for k in want)
