"""The city map's layers against hand-worked cases: the street walks (each edge once,
every edge's vertices kept in order), the walk bands and gaps on one straight street,
hover texts, room labels, the offline map style and the compact JSON."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dashboard.coverage import engine
from dashboard.figures import citymap
from tests.coverage.conftest import line_street


def _walks(order, rev, first, u, v):
    """The node sequence of each walk."""
    walks = []
    for e, r, f in zip(order, rev, first, strict=True):
        a, b = (v[e], u[e]) if r else (u[e], v[e])
        if f:
            walks.append([a])
        assert walks[-1][-1] == a, "a walk must go on from where it stopped"
        walks[-1].append(b)
    return walks


def test_chain_edges_covers_each_edge_once_in_few_walks():
    # a T: 0-1-2 with 1-3 hanging off, plus a square 4-5-6-7-4 apart.
    # Odd nodes 0, 1, 2, 3 -> exactly 2 walks for the T; the square is one closed walk.
    u = np.array([0, 1, 1, 4, 5, 6, 7])
    v = np.array([1, 2, 3, 5, 6, 7, 4])
    order, rev, first = citymap.chain_edges(u, v, 8)
    assert sorted(order.tolist()) == list(range(7))
    walks = _walks(order, rev, first, u, v)
    assert len(walks) == 3
    assert sum(len(w) - 1 for w in walks) == 7
    square = [w for w in walks if 4 in w]
    assert len(square) == 1 and square[0][0] == square[0][-1] and len(square[0]) == 5


def _street_case():
    # three edges with inner vertices: a->b (3 vertices), b->c (2), d->b (4), all in lon/lat
    coords = np.array([
        [116.0, 39.0], [116.0005, 39.0001], [116.001, 39.0],              # edge 0: node 0 -> 1
        [116.001, 39.0], [116.002, 39.0],                                 # edge 1: node 1 -> 2
        [116.001, 39.002], [116.0012, 39.0015], [116.0011, 39.0008], [116.001, 39.0],  # edge 2: node 3 -> 1
    ])
    idx = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    return coords, idx, np.array([0, 1, 3]), np.array([1, 2, 1])


def _contains_run(path: np.ndarray, run: np.ndarray) -> bool:
    n = len(run)
    for seq in (run, run[::-1]):
        for i in range(len(path) - n + 1):
            if np.array_equal(path[i:i + n], seq):
                return True
    return False


def test_street_paths_keep_every_edge_and_its_endpoints_in_order():
    coords, idx, u, v = _street_case()
    s = citymap.street_paths(coords, idx, u, v, 4)
    # node 1 has degree 3 (odd), nodes 0, 2, 3 degree 1: two walks; the shared node 1 is
    # written once per walk, not once per edge: 9 vertices in, 9 - 1 out
    assert len(s.paths) == 2 and s.n_edges == 3 and s.n_vertices_in == 9 and s.n_vertices == 8
    q = np.rint((coords - np.asarray(s.origin)) * citymap.SCALE).astype(np.int64)
    paths = [p.reshape(-1, 2) for p in s.paths]
    for e in range(3):
        run = q[idx == e]
        assert sum(_contains_run(p, run) for p in paths) == 1, f"edge {e} not drawn exactly once, in order"
    # the JSON is the same numbers
    assert json.loads(s.json) == [p.tolist() for p in s.paths]
    # and back to lon/lat: every vertex, within the rounding (1e-5 degree)
    got = {tuple(np.round(p, 5)) for i in range(2) for p in s.lonlat(i)}
    assert got == {tuple(np.round(c, 5)) for c in coords}


def test_street_paths_write_a_repeated_rounded_point_once():
    # an edge shorter than the rounding: its two ends become one point, the walk stays one line
    coords = np.array([[116.0, 39.0], [116.000001, 39.0], [116.000001, 39.0], [116.001, 39.0]])
    s = citymap.street_paths(coords, np.array([0, 0, 1, 1]), np.array([0, 1]), np.array([1, 2]), 3)
    assert len(s.paths) == 1 and s.n_vertices == 2


def test_band_of_by_hand():
    # limit 300 m: bands end at 100, 200, 300; beyond, NaN (no route within the walk) and inf are gaps
    walk = np.array([0.0, 100.0, 100.1, 200.0, 300.0, 300.1, np.nan, np.inf])
    assert citymap.band_of(walk, 300.0).tolist() == [0, 0, 1, 1, 2, 3, 3, 3]


@pytest.fixture(scope="module")
def street_case():
    # houses at x = 0, 200, 400, 700 m on one street, a room at x = 0; the walk is |x| + 2 m
    data = line_street([("甲社区", 0.0, "urban"), ("乙社区", 200.0, "urban"), ("丙社区", 400.0, "urban"),
                        ("丁社区", 700.0, "urban")], [("R1", 0.0, None)])
    res = engine.compute(data, minutes=5, speed_m_s=1.0)  # limit 300 m
    data.rooms["name"] = ["幸福里服务室"]
    return data, res


def _layer(spec, layer_id):
    return next(lay for lay in spec["layers"] if lay["id"] == layer_id)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_map_colours_by_walk_band_and_flags_gaps(street_case, lang):
    data, res = street_case
    spec = citymap.city_map(demand=res.demand, communities=data.communities, rooms=data.rooms, limit_m=300.0,
                            speed=1.0, lang=lang, streets=citymap.network_streets(data), halls=None)
    names = {b: [d["tip"].split("\n")[0] for d in _layer(spec, f"band{b}")["data"]] for b in range(4)}
    # walks 2, 202, 402, 702 m: 甲 within a third, 乙 in the last third, 丙 and 丁 gaps
    assert names == {0: ["甲社区"], 1: [], 2: ["乙社区"], 3: ["丙社区", "丁社区"]}
    for b in range(4):
        lay = _layer(spec, f"band{b}")
        assert lay["getFillColor"] == citymap.BAND_COLORS[b]
        assert lay["stroked"] is (b == citymap.GAP_BAND) and lay["pickable"] is True
    gap_tip = _layer(spec, "band3")["data"][0]["tip"]
    ok_tip = _layer(spec, "band2")["data"][0]["tip"]
    if lang == "zh":
        assert "步行 202 米（约 3.4 分钟）" in ok_tip and "最近服务室 R1" in ok_tip and "服务盲区" not in ok_tip
        # the engine searches no farther than the walk: beyond it, no distance is known
        assert "\n步行超过 300 米\n" in gap_tip and "最近服务室 –" in gap_tip and gap_tip.endswith("服务盲区")
    else:
        assert "Walk 202 m (about 3.4 min)" in ok_tip and gap_tip.endswith("Gap")
    # the room: a dot and its Chinese name as a label, drawn from the browser's own fonts
    rooms = _layer(spec, "rooms")["data"]
    assert [r["label"] for r in rooms] == ["幸福里服务室"] and rooms[0]["c"] == citymap.ROOM_COLORS["open"]
    labels = _layer(spec, "room_labels")
    assert labels["data"] == [{"p": rooms[0]["p"], "label": "幸福里服务室"}]
    assert labels["characterSet"] == "auto" and "Noto Sans CJK SC" in labels["fontFamily"]
    # the street: one line along the street's full length
    streets = _layer(spec, "streets")
    assert len(streets["data"].paths) == 1
    ends = streets["data"].lonlat(0)[[0, -1]]
    assert sorted(ends[:, 0]) == pytest.approx(sorted(data.network.node_lon[[0, -1]]), abs=1e-5)


def test_city_map_room_status_and_no_basemap(street_case):
    data, res = street_case
    rooms = pd.DataFrame({"room_id": ["R1", "N1", "R9", "R8"], "name": ["甲", "新一", None, "撤"],
                          "lon": [104.06, 104.061, 104.062, np.nan], "lat": [30.66, 30.661, 30.662, 30.0],
                          "status": ["kept", "added", "closed", "moved"]})
    spec = citymap.city_map(demand=res.demand, communities=data.communities, rooms=rooms, limit_m=300.0, speed=1.0)
    got = [(r["s"], r["label"]) for r in _layer(spec, "rooms")["data"]]
    assert got == [("open", "甲"), ("added", "新一"), ("closed", "R9")]  # no point: not drawn
    assert spec["mapStyle"] == citymap.NO_BASEMAP and "mapProvider" not in spec
    assert not any(lay["id"] == "streets" for lay in spec["layers"])
    tiles = citymap.city_map(demand=res.demand, communities=data.communities, rooms=rooms, limit_m=300.0, speed=1.0,
                             basemap=True)
    assert tiles["mapProvider"] == "carto" and tiles["mapStyle"].startswith("https://")


def test_spec_json_is_compact_and_carries_the_streets(street_case):
    data, res = street_case
    streets = citymap.network_streets(data)
    spec = citymap.city_map(demand=res.demand, communities=data.communities, rooms=data.rooms, limit_m=300.0,
                            speed=1.0, streets=streets)
    text = citymap.spec_json(spec)
    assert "\n  " not in text and "幸福里服务室" in text  # not indented, Chinese as is
    back = json.loads(text)
    assert back["layers"][0]["data"] == json.loads(streets.json)
    assert back["layers"][1:] == json.loads(json.dumps(spec["layers"][1:]))
    deck = citymap.to_deck(text)
    assert deck.to_json() == text and deck._tooltip == {"text": "{tip}"}


def _png(url: str):
    import base64
    import io

    from PIL import Image

    assert url.startswith("data:image/png;base64,")  # in the page: nothing to fetch
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))


def test_street_image_draws_each_street_where_it_lies():
    # a street along latitude 39.03 from 118.0 to 118.1, and one along longitude 118.07
    # from 38.95 to 39.05; 101 pixels on the longer side
    coords = np.array([[118.0, 39.03], [118.1, 39.03], [118.07, 38.95], [118.07, 39.05]])
    s = citymap.street_paths(coords, np.array([0, 0, 1, 1]), np.array([0, 2]), np.array([1, 3]), 4)
    img = citymap.street_image(s, px=101)
    a = _png(img.url)[..., 3]  # alpha: a street pixel is opaque, the rest transparent
    h, w = a.shape
    assert img.size == (w, h) and max(w, h) == 101
    # Web Mercator rows, north at the top
    merc = lambda lat: np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))  # noqa: E731
    exact_row = (merc(39.05) - merc(39.03)) / (merc(39.05) - merc(38.95)) * (h - 1)
    exact_col = (118.07 - 118.0) / 0.1 * (w - 1)
    row, col = int(np.argmax((a > 0).sum(axis=1))), int(np.argmax((a > 0).sum(axis=0)))
    assert abs(row - exact_row) <= 1 and abs(col - exact_col) <= 1  # drawn where they lie, to a pixel
    # both streets, end to end (the last pixel may hold the street's end or lie past it)
    assert (a[row, :-1] > 0).all() and (a[:-1, col] > 0).all()
    street = np.zeros_like(a, dtype=bool)
    street[row, :] = street[:, col] = True
    assert (a[~street] == 0).all()  # nothing else drawn
    west, south, east, north = img.bounds  # the outer edges of the first and last pixels
    assert west < 118.0 < 118.1 < east and south < 38.95 < 39.05 < north
    px_deg = (east - west) / w  # square pixels in Web Mercator: the same size both ways
    assert px_deg == pytest.approx(np.degrees(merc(north) - merc(south)) / h, rel=1e-9)
    assert 118.0 - west == pytest.approx(px_deg / 2, rel=1e-9)


def test_a_city_sized_network_is_sent_as_one_image(street_case, monkeypatch):
    data, res = street_case
    streets = citymap.network_streets(data)
    kw = dict(demand=res.demand, communities=data.communities, rooms=data.rooms, limit_m=300.0, speed=1.0,
              streets=streets)
    assert _layer(citymap.city_map(**kw), "streets")["@@type"] == "PathLayer"  # a district: lines
    monkeypatch.setattr(citymap, "RASTER_VERTICES", 1)  # as if it were a city
    lay = _layer(citymap.city_map(**kw), "streets")
    assert lay["@@type"] == "BitmapLayer" and len(lay["bounds"]) == 4
    assert (_png(lay["image"])[..., 3] > 0).any()
    assert "@@RAW" not in citymap.spec_json(citymap.city_map(**kw))


def test_room_names_drawn_for_a_district_and_only_the_changes_for_a_city(street_case):
    """Every name up to LABELS_ALL_MAX rooms; above it (a city) only the rooms a plan
    changes; True / False force every name / none; the hover keeps every name."""
    data, res = street_case
    n = citymap.LABELS_ALL_MAX + 1
    many = pd.DataFrame({"room_id": [f"R{i}" for i in range(n)], "name": [f"第{i}服务室" for i in range(n)],
                         "lon": 118.0 + np.arange(n) * 1e-4, "lat": 39.6, "status": ["open"] * n})
    many.loc[[3, 7], "status"] = ["added", "moved"]
    many.loc[5, "status"] = "kept"

    def drawn(rooms, labels=None):
        spec = citymap.city_map(demand=res.demand, communities=data.communities, rooms=rooms, limit_m=300.0,
                                speed=1.0, labels=labels)
        assert [r["tip"].split("\n")[0] for r in _layer(spec, "rooms")["data"]] == list(rooms["name"])
        layer = [lay for lay in spec["layers"] if lay["id"] == "room_labels"]
        return [d["label"] for d in layer[0]["data"]] if layer else []

    assert drawn(many) == ["第3服务室", "第7服务室"]
    assert drawn(many, labels=True) == list(many["name"])
    assert drawn(many, labels=False) == []
    few = many.iloc[: citymap.LABELS_ALL_MAX]
    assert drawn(few) == list(few["name"])
