"""Hall exposure (dashboard.analysis.exposure) on hand-worked cases.

Hall H1: communities A (60 pre-roll-out tickets, served from 2024-03-10), B (30, served
2024-05-02), C (10, never served), D (0.1 % of the volume, served in January: a stray
visitor, not one of H1's communities). Shares by month Jan..Jun: 0, 0, .6, .6, .9, .9;
exposed from March.
Hall H2: the data start after the roll-out began (no pre-roll-out ticket): weights are
all its tickets: E 25 (served 2024-02), F 75 (never) -> 0, .25, .25, ...
Hall H3: no attributed ticket: the geographic catchment (households) is used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis.exposure import exposure_from_volume, nearest_hall

MONTHS = pd.date_range("2024-01-01", periods=6, freq="MS")
D = pd.Timestamp


def _volume() -> pd.DataFrame:
    return pd.DataFrame({
        "hall_id": ["H1", "H1", "H1", "H1", "H2", "H2"],
        "community_id": ["A", "B", "C", "D", "E", "F"],
        "n_pre_tickets": [6000, 3000, 1000, 10, 0, 0],
        "n_tickets": [9000, 5000, 2000, 20, 25, 75],
        "first_opened_on": [D("2024-03-10"), D("2024-05-02"), pd.NaT, D("2024-01-05"), D("2024-02-20"), pd.NaT],
    })


def _fallback() -> pd.DataFrame:
    return pd.DataFrame({"hall_id": ["H3", "H3", "H1"], "community_id": ["G", "K", "A"],
                         "households": [300, 100, 999], "first_opened_on": [D("2024-04-01"), pd.NaT, D("2024-03-10")]})


def test_shares_by_hand():
    ex = exposure_from_volume(_volume(), ["H1", "H2", "H3"], MONTHS, _fallback(), "walk")
    s = ex.shares.pivot(index="hall_id", columns="month_on", values="share")
    assert s.loc["H1"].tolist() == pytest.approx([0, 0, 0.6, 0.6, 0.9, 0.9])
    assert s.loc["H2"].tolist() == pytest.approx([0, 0.25, 0.25, 0.25, 0.25, 0.25])
    assert s.loc["H3"].tolist() == pytest.approx([0, 0, 0, 0.75, 0.75, 0.75])
    h = ex.halls.set_index("hall_id")
    assert h.loc["H1", "exposed_from"] == D("2024-03-01")  # the stray community D does not count
    assert h.loc["H2", "exposed_from"] == D("2024-02-01")
    assert h.loc["H3", "exposed_from"] == D("2024-04-01")
    assert h["source"].to_dict() == {"H1": "tickets", "H2": "tickets", "H3": "walk"}
    assert h["n_communities"].to_dict() == {"H1": 3, "H2": 2, "H3": 2}
    e = ex.shares.pivot(index="hall_id", columns="month_on", values="exposed")
    assert e.loc["H1"].tolist() == [False, False, True, True, True, True]


def test_never_reached_hall_is_never_exposed():
    v = _volume()
    v["first_opened_on"] = pd.NaT
    ex = exposure_from_volume(v, ["H1", "H2"], MONTHS)
    assert (ex.shares["share"] == 0).all() and not ex.shares["exposed"].any()
    assert ex.halls["exposed_from"].isna().all()


def test_nearest_hall_straight_line():
    halls = pd.DataFrame({"hall_id": ["S", "N"], "lon": [118.0, 118.0], "lat": [39.60, 39.70]})
    comms = pd.DataFrame({"community_id": ["a", "b", "c"], "lon": [118.0, 118.001, 118.0],
                          "lat": [39.61, 39.66, 39.69], "households": [1, 2, 3], "first_opened_on": pd.NaT})
    out, source = nearest_hall(halls, comms, None)
    assert source == "straight"
    assert dict(zip(out["community_id"], out["hall_id"])) == {"a": "S", "b": "N", "c": "N"}
    # 0.01 degree of latitude is about 1.11 km
    assert out.set_index("community_id").loc["a", "distance_m"] == pytest.approx(1112, rel=0.01)


def test_nearest_hall_walks_round_the_river():
    """Two parallel streets 200 m apart (a river between them), joined only at x = 1000.
    Community P sits on the north street at x = 0: 200 m from hall S (south street,
    x = 0) as the crow flies, but 2,200 m on foot; hall N (north street, x = 700) is
    700 m away on foot. Walking picks N, straight line S."""
    from dashboard.coverage import graph, street_files
    from dashboard.coverage import network as N
    from tests.coverage.conftest import ll

    ways = [[(0.0, 0.0), (1000.0, 0.0)], [(0.0, 200.0), (1000.0, 200.0)], [(1000.0, 0.0), (1000.0, 200.0)]]
    xs = np.array([p[0] for w in ways for p in w])
    ys = np.array([p[1] for w in ways for p in w])
    lon, lat = ll(xs, ys)
    lines = street_files.Lines(np.column_stack([lon, lat]), np.array([0, 2, 4, 6]),
                               np.array(["residential"] * 3), 3, 0)
    t = graph.build_network(lines)
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    hlon, hlat = ll([0.0, 700.0], [-1.0, 201.0])
    halls = pd.DataFrame({"hall_id": ["S", "N"], "lon": hlon, "lat": hlat})
    # Q (north street, x = 600) shares N's street piece: 100 m along it, not via its ends
    plon, plat = ll([0.0, 600.0], [199.0, 199.0])
    comms = pd.DataFrame({"community_id": ["P", "Q"], "lon": plon, "lat": plat, "households": [10, 5],
                          "first_opened_on": [pd.NaT, pd.NaT]})
    walk, source = nearest_hall(halls, comms, net)
    assert source == "walk" and walk["hall_id"].tolist() == ["N", "N"]
    assert walk["distance_m"].tolist() == pytest.approx([702, 102], abs=5)
    straight, _ = nearest_hall(halls, comms, None)
    assert straight["hall_id"].tolist() == ["S", "N"]
