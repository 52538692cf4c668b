"""Fixtures of the coverage tests: a small hand-drawn town and a warehouse built from it.

The town (metres east / north of 104.06 E, 30.66 N, in Chengdu) is drawn in
``TOWN_WAYS`` and stored as real OpenStreetMap XML in ``data/town.osm`` (regenerate with
``python tests/coverage/conftest.py``). West of a river (between x = 0 and x = 100)
lies a 200 m street grid, east of it three streets; the only walkable crossing is a
footbridge at y = 200 — a motorway (y = -300) and a service road tagged ``foot=no``
(y = -100) cross it too but must be dropped. East of the river a gated compound
(x 300..500, y 0..400) has one gate on its south side with a footway ending at
y = 350. A footway far away (x 1000) is an island.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.coverage.projection import local_proj, to_lonlat

DATA = Path(__file__).parent / "data"
TOWN_OSM = DATA / "town.osm"
LON0, LAT0 = 104.06, 30.66
PROJ = local_proj(LON0, LAT0)

_WY = [-400, -300, -200, -100, 0, 200, 400]
TOWN_WAYS: list[tuple[list[tuple[float, float]], dict[str, str]]] = []
for _x in (-600, -400, -200, 0):
    TOWN_WAYS.append(([(_x, y) for y in _WY], {"highway": "residential"}))
for _y in (-400, -200, 0, 200, 400):
    TOWN_WAYS.append(([(x, _y) for x in (-600, -400, -200, 0)], {"highway": "residential"}))
for _x in (100, 300, 500):
    TOWN_WAYS.append(([(_x, y) for y in (-400, -300, -100, 0, 200, 400)], {"highway": "residential"}))
for _y in (-400, 0, 400):
    TOWN_WAYS.append(([(x, _y) for x in (100, 300, 400, 500)], {"highway": "residential"}))
TOWN_WAYS += [
    ([(0, 200), (100, 200)], {"highway": "footway", "bridge": "yes"}),            # the one bridge
    ([(0, -300), (100, -300)], {"highway": "motorway", "bridge": "yes"}),          # dropped
    ([(0, -100), (100, -100)], {"highway": "service", "foot": "no", "bridge": "yes"}),  # dropped
    ([(400, 0), (400, 350)], {"highway": "footway", "access": "private"}),         # compound path
    ([(1000, 1000), (1050, 1000)], {"highway": "footway"}),                        # island
]


def ll(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Town metres to WGS-84 lon/lat."""
    return to_lonlat(PROJ, np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float)))


def town_osm_xml() -> str:
    """The town as OpenStreetMap XML (nodes shared where ways meet)."""
    ids: dict[tuple[float, float], int] = {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="servicecircle-tests">']
    for pts, _ in TOWN_WAYS:
        for p in pts:
            if p not in ids:
                ids[p] = len(ids) + 1
                lon, lat = ll(*p)
                lines.append(f'  <node id="{ids[p]}" lon="{lon[0]:.7f}" lat="{lat[0]:.7f}"/>')
    for i, (pts, tags) in enumerate(TOWN_WAYS, start=1):
        lines.append(f'  <way id="{1000 + i}">')
        lines += [f'    <nd ref="{ids[p]}"/>' for p in pts]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


# communities: id, centre (x, y), households, population, elderly
TOWN_COMMUNITIES = [
    ("C01", (-490, -330), 1200, 3000, 500),
    ("C02", (-320, -290), 800, 2000, 300),
    ("C03", (-30, -290), 600, 1500, 200),
    ("C04", (-520, 130), 900, 2300, 400),
    ("C05", (-310, 80), 700, 1800, 150),
    ("C06", (-110, 320), 500, 1200, 100),
    ("C07", (170, -230), 400, 1000, 120),
    ("C08", (400, 200), 500, 1300, 260),
]
# rooms: id, (x, y), community, opened_on, closed_on
TOWN_ROOMS = [
    ("R1", (-300, -190), "C02", dt.date(2023, 3, 1), None),
    ("R2", (-100, 210), "C06", dt.date(2023, 9, 1), None),
    ("R3", (400, 415), "C08", dt.date(2024, 1, 10), None),
    ("R4", (300, -210), "C07", dt.date(2024, 5, 1), dt.date(2025, 1, 1)),
    ("R5", (-20, -150), "C03", dt.date(2023, 6, 1), None),
]
# buildings of the gated compound C08: one deep inside, one by the gate
TOWN_BUILDINGS = [
    ("B1", "C08", (400, 360), 300, 800, 160),
    ("B2", "C08", (400, 50), 200, 500, 100),
]


def _square(x: float, y: float, half: float = 90.0):
    import shapely

    xs = np.array([x - half, x + half, x + half, x - half, x - half])
    ys = np.array([y - half, y - half, y + half, y + half, y - half])
    lon, lat = to_lonlat(PROJ, xs, ys)
    return shapely.to_wkb(shapely.polygons(np.column_stack([lon, lat])))


def communities_frame(with_polygons: bool = True) -> pd.DataFrame:
    rows = []
    for cid, (x, y), hh, pop, eld in TOWN_COMMUNITIES:
        lon, lat = ll(x, y)
        rows.append({"community_id": cid, "name": f"{cid}社区", "district": "武侯区", "subdistrict": "浆洗街街道",
                     "kind": "urban", "households": hh, "population": pop, "elderly": eld,
                     "lon": float(lon[0]), "lat": float(lat[0]),
                     "geometry_wkb": _square(x, y) if with_polygons else None})
    return pd.DataFrame(rows)


def rooms_frame() -> pd.DataFrame:
    rows = []
    for rid, (x, y), cid, opened, closed in TOWN_ROOMS:
        lon, lat = ll(x, y)
        rows.append({"room_id": rid, "name": f"{cid}供电服务室", "community_id": cid, "community_name": f"{cid}社区",
                     "served_community_ids": [cid], "lon": float(lon[0]), "lat": float(lat[0]),
                     "lon_source": "room", "opened_on": opened, "closed_on": closed,
                     "open_days": None, "open_hours": None, "managers": 1})
    df = pd.DataFrame(rows)
    df["opened_on"] = pd.to_datetime(df["opened_on"])
    df["closed_on"] = pd.to_datetime(df["closed_on"])
    return df


def buildings_frame() -> pd.DataFrame:
    rows = []
    for bid, cid, (x, y), hh, pop, eld in TOWN_BUILDINGS:
        lon, lat = ll(x, y)
        rows.append({"building_id": bid, "community_id": cid, "kind": "building", "households": hh,
                     "population": pop, "elderly": eld, "lon": float(lon[0]), "lat": float(lat[0])})
    return pd.DataFrame(rows)


def halls_frame() -> pd.DataFrame:
    lon, lat = ll(-600, 0)
    return pd.DataFrame([{"hall_id": "H1", "name": "浆洗街营业厅", "district": "武侯区",
                          "lon": float(lon[0]), "lat": float(lat[0]), "counters": 6}])


def write_town(db: Path, with_buildings: bool = True) -> None:
    """Write the town's canonical rows and its network into a new warehouse."""
    from dashboard import warehouse
    from dashboard.coverage.network import import_network

    comm = communities_frame()
    rooms = rooms_frame()
    halls = halls_frame()
    with warehouse.writer(db) as con:
        con.register("c", comm)
        con.execute("insert into communities select community_id, name, district, subdistrict, kind, households,"
                    " population, elderly, null, lon, lat, geometry_wkb from c")
        con.register("r", rooms)
        con.execute("insert into service_rooms select room_id, name, community_id, served_community_ids, lon, lat,"
                    " cast(opened_on as date), cast(closed_on as date), null, null, managers from r")
        con.register("h", halls)
        con.execute("insert into business_halls select hall_id, name, district, lon, lat, counters from h")
        if with_buildings:
            con.register("b", buildings_frame())
            con.execute("insert into buildings select building_id, community_id, kind, households, population,"
                        " elderly, lon, lat from b")
        con.executemany("insert into staff values ($1, 'meter_reader', 'customer_manager', $2, $3)",
                        [["m1hash", "R1", dt.date(2023, 3, 1)], ["m1hash", "R2", dt.date(2023, 9, 1)],
                         ["m1hash", "R5", dt.date(2023, 6, 1)],
                         ["m2hash", "R3", dt.date(2024, 1, 10)], ["m2hash", "R4", dt.date(2024, 5, 1)]])
        import_network([TOWN_OSM], con=con)


def line_street(houses: list[tuple[str, float, str]], rooms: list[tuple[str, float, tuple[str, ...] | None]],
                street=(-300.0, 900.0)):
    """Coverage data on one straight east-west street (metres from ``LON0, LAT0``): one
    household per community, 1 m north of the street at ``x`` (``(community_id, x, kind)``),
    and rooms 1 m south of it (``(room_id, x, open_days)``). Walking distances are then
    plain differences of ``x`` (plus 2 m of access legs)."""
    from dashboard.coverage import graph, inputs, street_files
    from dashboard.coverage import network as N

    xs = np.array(sorted({street[0], street[1], *(h[1] for h in houses), *(r[1] for r in rooms)}), float)
    lon, lat = ll(xs, np.zeros_like(xs))
    lines = street_files.Lines(np.column_stack([lon, lat]), np.array([0, len(xs)]), np.array(["residential"]), 1, 0)
    t = graph.build_network(lines)
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    hlon, hlat = ll([h[1] for h in houses], [1.0] * len(houses))
    comm = pd.DataFrame({"community_id": [h[0] for h in houses], "name": [h[0] for h in houses],
                         "district": "D", "subdistrict": "S", "kind": [h[2] for h in houses],
                         "households": 1, "population": 2, "elderly": 0, "lon": hlon, "lat": hlat,
                         "geometry_wkb": None})
    rlon, rlat = ll([r[1] for r in rooms], [-1.0] * len(rooms)) if rooms else ([], [])
    room_df = pd.DataFrame({
        "room_id": [r[0] for r in rooms], "name": [r[0] for r in rooms], "community_id": None,
        "community_name": None, "served_community_ids": [[] for _ in rooms], "lon": rlon, "lat": rlat,
        "lon_source": "room", "opened_on": pd.NaT, "closed_on": pd.NaT,
        "open_days": [None if r[2] is None else list(r[2]) for r in rooms], "open_hours": None, "managers": 1},
        columns=["room_id", "name", "community_id", "community_name", "served_community_ids", "lon", "lat",
                 "lon_source", "opened_on", "closed_on", "open_days", "open_hours", "managers"])
    return inputs.data_from_frames(net, comm, room_df)


@pytest.fixture(scope="session")
def town():
    """The town's helpers: ``ll``, frames, ``PROJ``, ``TOWN_OSM``."""
    import types

    return types.SimpleNamespace(
        ll=ll, proj=PROJ, osm=TOWN_OSM, xml=town_osm_xml, ways=TOWN_WAYS,
        communities=communities_frame, rooms=rooms_frame, buildings=buildings_frame, halls=halls_frame,
        write=write_town,
    )


@pytest.fixture(scope="session")
def town_db(tmp_path_factory) -> Path:
    """A small warehouse: the town's communities, rooms, hall, compound buildings, staff, network."""
    db = tmp_path_factory.mktemp("town") / "town.duckdb"
    write_town(db)
    return db


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    TOWN_OSM.write_text(town_osm_xml(), encoding="utf-8")
    print(f"wrote {TOWN_OSM}")
