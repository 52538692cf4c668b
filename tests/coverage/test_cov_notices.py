"""A4 notice sheets: one per room, its open days, hours and address, the contact typed at
print time (escaped, never required), and a map of the streets around the room.

The expected street count is computed here from the network's vertices in plain numpy
(edges with a vertex inside the map's box), not by the module's SVG code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from dashboard.coverage import graph, inputs, notices, projection, street_files
from dashboard.coverage import network as N

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def town_data(town):
    t = graph.build_network(street_files.read_lines(town.osm))
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    return inputs.data_from_frames(net, town.communities(), town.rooms(), town.buildings(), town.halls())


@pytest.fixture(scope="module")
def sched(town_data):
    rooms = town_data.rooms
    return pd.DataFrame({"room_id": rooms["room_id"], "name": rooms["name"],
                         "days": [("mon", "thu")] + [("tue",)] * (len(rooms) - 1),
                         "hours": "09:00-17:00", "n_managers": 1})


def _sheets(html: str) -> list[str]:
    return re.findall(r'<section class="sheet" id="room-[^"]*">.*?</section>', html, flags=re.S)


def test_one_sheet_per_room_with_days_hours_and_address(town_data, sched):
    html = notices.notice_sheets(sched, town_data.rooms, town_data)
    sheets = _sheets(html)
    assert len(sheets) == len(sched)
    first = sheets[0]
    assert "周一、周四" in first and "09:00-17:00" in first
    comm = town_data.communities.set_index("community_id")
    cid = town_data.rooms["community_id"].iloc[0]
    assert f"{comm.loc[cid, 'district']}{comm.loc[cid, 'subdistrict']}{comm.loc[cid, 'name']}" in first
    assert "@page { size: A4" in html and html.count("break-after: page") == 1


def test_contact_typed_at_print_time_is_escaped_and_blank_otherwise(town_data, sched):
    rid = sched["room_id"].iloc[0]
    html = notices.notice_sheets(sched, town_data.rooms, town_data,
                                 {rid: notices.Contact("张<三>", "138 0000 0000")})
    first, second = _sheets(html)[:2]
    assert "张&lt;三&gt;" in first and "138 0000 0000" in first and "<三>" not in first
    assert second.count('class="blank"') == 2  # name and phone left to write by hand


def test_map_draws_the_streets_around_the_room(town_data):
    room = town_data.rooms.iloc[0]
    svg = notices.map_svg(town_data, float(room["lon"]), float(room["lat"]), list(room["served_community_ids"]))
    root = ET.fromstring(svg)
    drawn = len(root.findall(f".//{SVG}polyline"))
    # independent count: edges with a vertex within 1.5 x the half side of the room
    net = town_data.network
    x0, y0 = projection.to_xy(net.proj, np.array([room["lon"]]), np.array([room["lat"]]))
    c, idx = net.coords_xy()
    half = 1.5 * notices.MAP_HALF_M
    near = (np.abs(c[:, 0] - x0[0]) <= half) & (np.abs(c[:, 1] - y0[0]) <= half)
    assert drawn == len(np.unique(idx[near])) > 0
    # the room is the star in the middle; its community is a dot with its name
    assert root.find(f".//{SVG}polygon") is not None
    names = [e.text for e in root.iter(f"{SVG}text")]
    comm = town_data.communities.set_index("community_id")
    assert comm.loc[room["served_community_ids"][0], "name"] in names


def test_room_without_a_point_gets_a_sheet_without_a_map(town_data, sched):
    rooms = town_data.rooms.copy()
    rooms.loc[0, ["lon", "lat"]] = np.nan
    html = notices.notice_sheets(sched.iloc[:1], rooms, town_data)
    assert len(_sheets(html)) == 1 and "<svg" not in html
