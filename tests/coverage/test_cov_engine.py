"""The coverage engine against hand-worked distances and an independent networkx reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.coverage import areas, graph, inputs, projection, street_files
from dashboard.coverage import engine as E
from dashboard.coverage import network as N

PYROSM_TEST_PBF = Path(__import__("pyrosm").__file__).parent / "data" / "test.osm.pbf"


@pytest.fixture(scope="module")
def town_net(town):
    t = graph.build_network(street_files.read_lines(town.osm))
    return N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})


@pytest.fixture(scope="module")
def town_data(town, town_net):
    return inputs.data_from_frames(town_net, town.communities(), town.rooms(), town.buildings(), town.halls())


def _by_id(frame, key, col):
    return dict(zip(frame[key], frame[col], strict=True))


def test_tiny_t_junction_hand_worked(town):
    """Street A (0,0)-(400,0), street B (200,0)-(200,300); worked out on paper."""
    items = []
    for pts in ([(0, 0), (200, 0), (400, 0)], [(200, 0), (200, 300)]):
        lon, lat = town.ll([p[0] for p in pts], [p[1] for p in pts])
        items.append((np.column_stack([lon, lat]), "residential"))
    t = graph.build_network(street_files.Lines.from_list(items, 2, 0))
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    pts = {"P1": (350, -20), "P2": (190, 150), "P3": (60, 5)}
    lon, lat = town.ll([p[0] for p in pts.values()], [p[1] for p in pts.values()])
    comm = pd.DataFrame({"community_id": list(pts), "name": list(pts), "district": "d", "subdistrict": "s",
                         "kind": "urban", "households": [10, 20, 30], "population": [20, 40, 60],
                         "elderly": [1, 2, 3], "lon": lon, "lat": lat, "geometry_wkb": None})
    rlon, rlat = town.ll(50, 10)
    rooms = pd.DataFrame({"room_id": ["R"], "name": ["R"], "community_id": ["P3"], "lon": rlon, "lat": rlat,
                          "opened_on": [pd.Timestamp("2024-01-01")], "closed_on": [pd.NaT]})
    data = inputs.data_from_frames(net, comm, rooms)
    # P1: 10 (room access) + 300 along A + 20 access = 330
    # P2: 10 + 150 to the junction + 150 up B + 10 = 320; P3: 10 + 10 + 5 = 25
    r = E.compute(data, minutes=6)  # 360 m
    walk = _by_id(r.communities, "community_id", "walk_m")
    assert walk["P1"] == pytest.approx(330, abs=0.05)
    assert walk["P2"] == pytest.approx(320, abs=0.05)
    assert walk["P3"] == pytest.approx(25, abs=0.05)
    r5 = E.compute(data, minutes=5)  # 300 m: only P3
    assert r5.totals["households_covered"] == 30
    assert r5.totals["share"] == pytest.approx(30 / 60)
    assert r5.totals["elderly_share"] == pytest.approx(3 / 6)
    near = _by_id(r5.communities, "community_id", "nearest_room_id")
    assert pd.isna(near["P1"]) and pd.isna(near["P2"]) and near["P3"] == "R"
    assert [c["nearest_room_id"] for c in r5.as_dict()["communities"]] == [None, None, "R"]
    assert [c["walk_m"] for c in r5.as_dict()["communities"]] == [None, None, 25.0]
    # straight line: P1 is 301.5 m from the room, P2 is 197.2 m
    straight = _by_id(r5.communities, "community_id", "straight_m")
    assert np.isinf(straight["P1"]) and straight["P2"] == pytest.approx(np.hypot(140, 140), abs=0.05)


def test_town_hand_worked(town_data):
    """Distances in the town worked out by hand (conftest's drawing), 20-minute walk."""
    r = E.compute(town_data, minutes=20)  # 1200 m, rooms open now: R1, R2, R3, R5
    walk = _by_id(r.communities, "community_id", "walk_m")
    near = _by_id(r.communities, "community_id", "nearest_room_id")
    assert walk["C02"] == pytest.approx(280, abs=0.1) and near["C02"] == "R1"
    assert walk["C06"] == pytest.approx(480, abs=0.1) and near["C06"] == "R2"
    assert walk["C03"] == pytest.approx(190, abs=0.1) and near["C03"] == "R5"
    d = r.demand.set_index("demand_id")
    assert d.loc["B1", "walk_m"] == pytest.approx(975, abs=0.1)
    assert d.loc["B2", "walk_m"] == pytest.approx(665, abs=0.1)
    assert d.loc["B1", "nearest_room_id"] == "R3"


def test_gated_compound_straight_covered_walk_not(town_data):
    """B1 is 55 m from R3 as the crow flies but 975 m on foot (round the wall to the gate)."""
    r = E.compute(town_data)  # five minutes, 300 m
    d = r.demand.set_index("demand_id")
    assert d.loc["B1", "straight_m"] == pytest.approx(55, abs=0.1)
    assert bool(d.loc["B1", "straight_covered"]) and not bool(d.loc["B1", "covered"])
    assert np.isinf(d.loc["B1", "walk_m"])
    c = r.communities.set_index("community_id")
    assert c.loc["C08", "households_covered"] == 0
    assert c.loc["C08", "households_covered_straight"] == 300  # B1 only (B2 is 365 m from R3)


def test_river_with_one_bridge(town_data):
    """C07 (east bank) is 206 m from R5 (west bank) in a straight line, yet over the only
    bridge (y = 200) R5 is 970 m away and R2 is nearer: 70 + 430 + 100 + 100 + 10 = 710 m.

    A motorway and a foot=no road cross the river nearer; they must not be walked.
    """
    r = E.compute(town_data, minutes=20)
    c = r.communities.set_index("community_id")
    assert c.loc["C07", "walk_m"] == pytest.approx(710, abs=0.1)
    assert c.loc["C07", "nearest_room_id"] == "R2"
    only_r5 = E.compute(town_data, minutes=20, open_room_ids=["R5"]).communities.set_index("community_id")
    assert only_r5.loc["C07", "walk_m"] == pytest.approx(970, abs=0.1)
    assert c.loc["C07", "straight_m"] == pytest.approx(np.hypot(190, 80), abs=0.1)
    r5 = E.compute(town_data)
    c5 = r5.communities.set_index("community_id")
    assert bool(c5.loc["C07", "straight_covered"]) and not bool(c5.loc["C07", "covered"])


def test_rooms_open_as_of_a_date(town_data):
    rooms = town_data.rooms
    open_ids = lambda d: set(rooms.loc[inputs.open_mask(rooms, d), "room_id"])  # noqa: E731
    assert open_ids(dt.date(2023, 2, 28)) == set()
    assert open_ids(dt.date(2023, 3, 1)) == {"R1"}
    assert open_ids(dt.date(2024, 6, 1)) == {"R1", "R2", "R3", "R4", "R5"}
    assert open_ids(dt.date(2025, 1, 1)) == {"R1", "R2", "R3", "R5"}  # closed_on is the first closed day
    assert open_ids(None) == {"R1", "R2", "R3", "R5"}
    r = E.compute(town_data, minutes=20, on=dt.date(2024, 6, 1))
    d = r.demand.set_index("demand_id")
    assert d.loc["B2", "walk_m"] == pytest.approx(360, abs=0.1)   # R4: 50 + 100 + 210
    assert d.loc["B2", "nearest_room_id"] == "R4"
    assert r.communities.set_index("community_id").loc["C07", "walk_m"] == pytest.approx(630, abs=0.1)
    empty = E.compute(town_data, on=dt.date(2020, 1, 1))
    assert empty.totals["households_covered"] == 0 and empty.totals["rooms_open"] == 0


def test_totals_match_pandas(town_data):
    r = E.compute(town_data, minutes=8)
    d = r.demand
    cov = d["walk_m"] <= r.limit_m
    assert r.totals["households_total"] == d["households"].sum()
    assert r.totals["households_covered"] == d.loc[cov, "households"].sum()
    assert r.totals["elderly_share"] == pytest.approx(d.loc[cov, "elderly"].sum() / d["elderly"].sum(), abs=1e-6)
    by = d.assign(hc=np.where(cov, d["households"], 0)).groupby("community_id")["hc"].sum()
    got = r.communities.set_index("community_id")["households_covered"]
    pd.testing.assert_series_equal(got.sort_index(), by.sort_index(), check_names=False, check_dtype=False)
    unc = r.communities.set_index("community_id")["households_uncovered"]
    assert (unc == r.communities.set_index("community_id")["households"] - got).all()
    j = r.as_dict()
    assert list(j) == ["minutes", "speed_m_s", "households_total", "households_covered", "share",
                       "elderly_share", "days_weighted_share", "limit_m_by_kind", "communities"]
    assert set(j["communities"][0]) == {"community_id", "walk_m", "covered", "households", "nearest_room_id"}


def _reference(net: N.Network, dem_xy, room_xy, limit):
    """Independent reference: brute-force snapping + networkx Dijkstra per room."""
    geoms = net.geoms_xy()
    g = nx.Graph()
    for u, v, w in zip(net.edge_u, net.edge_v, net.edge_len, strict=True):
        if u != v and (not g.has_edge(u, v) or g[u][v]["weight"] > w):
            g.add_edge(int(u), int(v), weight=float(w))

    def snap_bf(x, y):
        p = shapely.Point(x, y)
        d = shapely.distance(geoms, p)
        e = int(np.argmin(d))
        pos = float(shapely.line_locate_point(geoms[e], p)) * net.edge_len[e] / geoms[e].length
        return e, float(d[e]), pos

    dem = [snap_bf(*xy) for xy in dem_xy]
    out = np.full(len(dem), np.inf)
    for rx, ry in room_xy:
        e, a, p = snap_bf(rx, ry)
        starts = {int(net.edge_u[e]): a + p, int(net.edge_v[e]): a + net.edge_len[e] - p}
        dist = {}
        for s, off in starts.items():
            for n, dd in nx.single_source_dijkstra_path_length(g, s, weight="weight").items():
                dist[n] = min(dist.get(n, np.inf), dd + off)
        for i, (de, da, dp) in enumerate(dem):
            best = min(dist.get(int(net.edge_u[de]), np.inf) + dp,
                       dist.get(int(net.edge_v[de]), np.inf) + net.edge_len[de] - dp) + da
            if de == e:
                best = min(best, a + abs(dp - p) + da)
            out[i] = min(out[i], best)
    out[out > limit] = np.inf
    return out


@pytest.mark.parametrize("minutes", [5, 15])
def test_against_networkx_on_real_osm(minutes):
    t = graph.build_network(street_files.read_lines(PYROSM_TEST_PBF))
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    rng = np.random.default_rng(7)
    x0, x1 = np.percentile(net.node_x, [10, 90])
    y0, y1 = np.percentile(net.node_y, [10, 90])
    dem = np.column_stack([rng.uniform(x0, x1, 60), rng.uniform(y0, y1, 60)])
    rooms = np.column_stack([rng.uniform(x0, x1, 6), rng.uniform(y0, y1, 6)])
    # two demand points on the same street as a room, to exercise the shared-edge case
    dem[:2] = rooms[0] + np.array([[3.0, 1.0], [-4.0, 2.0]])
    dlon, dlat = projection.to_lonlat(net.proj, dem[:, 0], dem[:, 1])
    rlon, rlat = projection.to_lonlat(net.proj, rooms[:, 0], rooms[:, 1])
    comm = pd.DataFrame({"community_id": [f"C{i:02d}" for i in range(len(dem))], "households": 1,
                         "population": 1, "elderly": 0, "lon": dlon, "lat": dlat})
    rm = pd.DataFrame({"room_id": [f"R{i}" for i in range(len(rooms))], "name": "r", "lon": rlon, "lat": rlat,
                       "opened_on": pd.NaT, "closed_on": pd.NaT})
    data = inputs.data_from_frames(net, comm, rm)
    r = E.compute(data, minutes=minutes)
    got = r.demand.sort_values("demand_id")["walk_m"].to_numpy()
    want = _reference(net, dem, rooms, r.limit_m)
    assert np.isfinite(want).sum() >= 5  # the comparison is not vacuous
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
    np.testing.assert_allclose(got[np.isfinite(got)], want[np.isfinite(want)], atol=1e-3)


def test_what_if_slot_equals_a_real_room(town, town_net):
    """A what-if room at a point (spare leaf, no rebuild) gives what a stored room there gives."""
    comm, rooms = town.communities(), town.rooms()
    new = (250.0, 160.0)
    lon, lat = town.ll(*new)
    data = inputs.data_from_frames(town_net, comm, rooms, town.buildings())
    add = pd.DataFrame({"room_id": ["X"], "name": ["X"], "lon": lon, "lat": lat})
    a = E.compute(data, minutes=10, add=add, close=["R2"])
    real = pd.concat([rooms[rooms["room_id"] != "R2"], add.assign(opened_on=pd.NaT, closed_on=pd.NaT)],
                     ignore_index=True)
    b = E.compute(inputs.data_from_frames(town_net, comm, real, town.buildings()), minutes=10)
    np.testing.assert_allclose(a.demand["walk_m"], b.demand["walk_m"])
    assert list(a.demand["nearest_room_id"]) == list(b.demand["nearest_room_id"])
    assert "X" in set(a.demand["nearest_room_id"].dropna())


def test_walking_area_follows_streets_not_a_hull(town_data):
    r = E.compute(town_data)
    area = areas.walking_area(town_data, r, buffer_m=20)
    assert area is not None
    proj = town_data.network.proj
    # in local metres: the area hugs the streets, so it is much smaller than its convex hull
    area_xy = shapely.transform(area, lambda c: np.column_stack(projection.to_xy(proj, c[:, 0], c[:, 1])))
    assert area_xy.area < 0.6 * shapely.convex_hull(area_xy).area
    # R1's snap point is inside, the middle of a block near R1 (far from every street) is not
    r1 = town_data.rooms.set_index("room_id").loc["R1"]
    rx, ry = projection.to_xy(proj, np.array([r1["lon"]]), np.array([r1["lat"]]))
    assert area_xy.contains(shapely.Point(rx[0], ry[0]))
    mid = town_data.communities.set_index("community_id").loc["C01"]  # block middle, 70 m off any street
    mx, my = projection.to_xy(proj, np.array([mid["lon"]]) , np.array([mid["lat"]]))
    assert not area_xy.contains(shapely.Point(mx[0], my[0]))
    segs = areas.reached_segments(town_data, r)
    total = sum(g.length for g in segs)
    # reached street length is bounded by what 4 rooms can reach within 300 m in all directions
    assert 0 < total <= 4 * 4 * 300 + 1
