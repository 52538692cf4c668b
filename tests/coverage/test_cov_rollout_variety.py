"""The coverage roll-out replay on roll-outs the demo never makes: rooms without any
point (listed "not placed", never dropped silently), rooms that close (not counted from
their closing day), and a room outside the street network's extent (snapped with a long
access leg, flagged). Expected values come from the room frame in plain pandas and from
shapely distances to the network's edges, not from the engine."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.coverage import engine as E
from dashboard.coverage import graph, inputs, projection, street_files, views
from dashboard.coverage import network as N


@pytest.fixture(scope="module")
def town_net(town):
    t = graph.build_network(street_files.read_lines(town.osm))
    return N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})


FAR_XY = (3000.0, 3000.0)


@pytest.fixture(scope="module")
def variety(town, town_net):
    """The town's rooms plus: R6 without a point (its community is unknown), R7 without
    its own point (stands at community C01's point), R8 far outside the streets."""
    rooms = town.rooms()
    far_lon, far_lat = town.ll(*FAR_XY)
    c01 = town.communities().set_index("community_id").loc["C01"]
    extra = pd.DataFrame([
        {"room_id": "R6", "name": "无坐标", "community_id": "C99", "served_community_ids": ["C99"],
         "lon": np.nan, "lat": np.nan, "lon_source": "community",
         "opened_on": pd.Timestamp("2023-04-01"), "closed_on": pd.NaT},
        {"room_id": "R7", "name": "社区点", "community_id": "C01", "served_community_ids": ["C01"],
         "lon": float(c01["lon"]), "lat": float(c01["lat"]), "lon_source": "community",
         "opened_on": pd.Timestamp("2023-05-01"), "closed_on": pd.NaT},
        {"room_id": "R8", "name": "郊外", "community_id": "C07", "served_community_ids": ["C07"],
         "lon": float(far_lon[0]), "lat": float(far_lat[0]), "lon_source": "room",
         "opened_on": pd.Timestamp("2024-02-01"), "closed_on": pd.NaT},
    ])
    rooms = pd.concat([rooms, extra], ignore_index=True)
    return inputs.data_from_frames(town_net, town.communities(), rooms, town.buildings(), town.halls())


def _open_placed(rooms: pd.DataFrame, d: dt.date) -> set[str]:
    ts = pd.Timestamp(d)
    ok = (rooms["opened_on"].isna() | (rooms["opened_on"] <= ts)) & (rooms["closed_on"].isna() | (rooms["closed_on"] > ts))
    ok &= rooms["lon"].notna() & rooms["lat"].notna()
    return set(rooms.loc[ok, "room_id"])


def test_room_without_any_point_is_listed_not_placed_and_counted(variety):
    p = E.room_placement(variety).set_index("room_id")
    assert p.loc["R6", "status"] == "not_placed" and not p.loc["R6", "placed"] and np.isnan(p.loc["R6", "access_m"])
    assert p.loc["R7", "status"] == "ok" and p.loc["R7", "placed"]  # stands at its community's point
    assert len(p) == len(variety.rooms)  # nobody dropped
    before = views.unplaced_rooms(variety, on=dt.date(2023, 3, 15))
    after = views.unplaced_rooms(variety, on=dt.date(2023, 4, 1))
    assert before.empty and list(after["room_id"]) == ["R6"]
    r = E.compute(variety, on=dt.date(2024, 6, 1))
    assert r.totals["rooms_unplaced"] == 1
    assert "R6" not in set(r.open_rooms["room_id"])


def test_rollout_replay_counts_open_rooms_closings_and_unplaced(variety):
    s = views.rollout_series(variety, 5, 1.0)
    rooms = variety.rooms
    days = [d.date() for d in s["on"]]
    assert dt.date(2025, 1, 1) in days  # R4's closing is a replay date
    for d, n_open, n_unplaced in zip(days, s["rooms_open"], s["rooms_unplaced"], strict=True):
        assert n_open == len(_open_placed(rooms, d)), d
        assert n_unplaced == int(d >= dt.date(2023, 4, 1)), d
    # closing: R4 counts the day before its closed_on, not from it (10-minute walk: R4
    # is then the nearest room of compound building B2)
    on_eve = E.compute(variety, on=dt.date(2024, 12, 31), minutes=10)
    closed = E.compute(variety, on=dt.date(2025, 1, 1), minutes=10)
    assert "R4" in set(on_eve.open_rooms["room_id"]) and "R4" not in set(closed.open_rooms["room_id"])
    was_r4 = on_eve.demand["nearest_room_id"] == "R4"
    assert was_r4.any()
    assert "R4" not in set(closed.demand["nearest_room_id"].dropna())
    # taking a room away never shortens a walk; the points R4 served walk farther now
    assert (closed.demand["walk_m"] >= on_eve.demand["walk_m"] - 1e-9).all()
    assert (closed.demand["walk_m"][was_r4] > on_eve.demand["walk_m"][was_r4]).all()
    assert closed.totals["households_covered"] < on_eve.totals["households_covered"]
    s10 = views.rollout_series(variety, 10, 1.0)
    share = dict(zip([d.date() for d in s10["on"]], s10["share"]))
    assert share[dt.date(2025, 1, 1)] < share[max(d for d in days if d < dt.date(2025, 1, 1))]


def test_room_outside_the_street_network_is_flagged_with_its_access_leg(variety, town_net, town):
    p = E.room_placement(variety).set_index("room_id")
    # independent: straight distance from the room to the nearest street line (shapely)
    coords, idx = town_net.coords_lonlat()
    x, y = projection.to_xy(town_net.proj, coords[:, 0], coords[:, 1])
    lines = shapely.linestrings(np.column_stack([x, y]), indices=idx)
    fx, fy = projection.to_xy(town_net.proj, *town.ll(*FAR_XY))
    want = float(shapely.distance(lines, shapely.points(fx[0], fy[0])).min())
    assert want > 2000
    assert p.loc["R8", "status"] == "far_from_street"
    assert p.loc["R8", "access_m"] == pytest.approx(want, rel=1e-6)
    others = p.drop(index=["R6", "R8"])
    assert (others["status"] == "ok").all() and (others["access_m"] < E.FAR_ACCESS_M).all()
    flagged = views.flagged_rooms(variety)
    assert list(flagged["room_id"]) == ["R6", "R8"]  # not placed first, then by access leg
    # the far room is open but covers nobody within a 5-minute walk
    r = E.compute(variety, on=dt.date(2024, 6, 1))
    assert "R8" in set(r.open_rooms["room_id"])
    assert "R8" not in set(r.demand["nearest_room_id"].dropna())


def test_open_mask_without_date_keeps_a_room_whose_closing_is_planned():
    import datetime as _dt

    import pandas as _pd

    from dashboard.coverage.inputs import open_mask

    today = _dt.date.today()
    rooms = _pd.DataFrame({
        "opened_on": [_dt.date(2023, 1, 1)] * 4,
        "closed_on": [None, today - _dt.timedelta(days=1), today, today + _dt.timedelta(days=30)],
    })
    # closed yesterday or today: gone; closing next month: still open now
    assert open_mask(rooms, None).tolist() == [True, False, False, True]
    assert open_mask(rooms, today + _dt.timedelta(days=60)).tolist() == [True, False, False, False]
