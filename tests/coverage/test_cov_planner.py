"""Planner: greedy vs the exact optimum (brute force and MILP), plan on the town, what-if, export."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from dashboard.coverage import engine as E
from dashboard.coverage import graph, inputs, street_files
from dashboard.coverage import network as N
from dashboard.coverage import planner as P
from tests.coverage.conftest import line_street, ll


def _brute(A: np.ndarray, w: np.ndarray, k: int) -> float:
    best = 0.0
    for combo in itertools.combinations(range(A.shape[0]), min(k, A.shape[0])):
        best = max(best, float(w[A[list(combo)].any(axis=0)].sum()))
    return best


def test_greedy_hand_worked_equals_optimum():
    # sites: S0 covers {0,1,2}, S1 covers {2,3}, S2 covers {4}; weights 10,10,10,5,7
    A = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 0, 1]], bool)
    w = np.array([10, 10, 10, 5, 7.0])
    chosen, gains = P.greedy(sparse.csr_matrix(A), w, 2)
    assert chosen == [0, 2] and gains == [30.0, 7.0]  # by hand: S0 (30), then S2 (7) beats S1 (5)
    _, value, bound, optimal = P.exact(sparse.csr_matrix(A), w, 2)
    assert optimal and value == 37.0 and bound == 37.0


def test_greedy_can_be_suboptimal_and_the_gap_shows_it():
    # classic: S0 covers the middle {1,2} (weight 2+2), S1 covers {0,1}, S2 covers {2,3} (3+1 each)
    A = np.array([[0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]], bool)
    w = np.array([3.0, 1.5, 1.5, 3.0])
    chosen, gains = P.greedy(sparse.csr_matrix(A), w, 2)
    assert chosen[0] == 1  # ties S1/S2 at 4.5 beat S0 (3.0); lowest index wins
    assert sum(gains) == 9.0
    _, value, _, optimal = P.exact(sparse.csr_matrix(A), w, 2)
    assert optimal and value == 9.0
    # the middle site grabs most first and still ties the optimum here (6.5 = 6.5); greedy
    # is strictly worse in the fixtures at the end of this file
    A2 = np.array([[1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], bool)
    w2 = np.array([1.0, 1, 1, 1.5, 1, 1])
    ch, g = P.greedy(sparse.csr_matrix(A2), w2, 2)
    assert ch[0] == 0 and sum(g) == pytest.approx(6.5)
    _, v2, _, _ = P.exact(sparse.csr_matrix(A2), w2, 2)
    assert v2 == pytest.approx(_brute(A2, w2, 2)) == pytest.approx(6.5)


@pytest.mark.parametrize("seed", range(12))
def test_greedy_and_milp_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m, k = 9, 25, 3
    A = rng.random((n, m)) < 0.18
    w = rng.integers(1, 50, m).astype(float)
    opt = _brute(A, w, k)
    chosen, gains = P.greedy(sparse.csr_matrix(A), w, k)
    greedy_value = float(w[A[chosen].any(axis=0)].sum()) if chosen else 0.0
    assert greedy_value == pytest.approx(sum(gains))
    assert greedy_value >= (1 - 1 / np.e) * opt - 1e-9
    assert greedy_value <= opt + 1e-9
    ex_chosen, value, bound, optimal = P.exact(sparse.csr_matrix(A), w, k)
    assert optimal and value == pytest.approx(opt) and len(ex_chosen) <= k


@pytest.fixture(scope="module")
def town_data(town):
    t = graph.build_network(street_files.read_lines(town.osm))
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    return inputs.data_from_frames(net, town.communities(), town.rooms(), town.buildings(), town.halls())


def test_plan_on_the_town(town_data):
    res = P.plan(town_data, k=2)
    before = E.compute(town_data)
    assert res.share_before == before.totals["share"]
    # the added rooms' new households add up to the change the engine computes
    hh_total = before.totals["households_total"]
    new = int(res.added["new_households"].sum())
    assert res.share_after == pytest.approx((before.totals["households_covered"] + new) / hh_total, abs=1e-6)
    assert res.share_after > res.share_before
    assert res.optimality_gap is not None and 0.0 <= res.optimality_gap < 1 - 1 / np.e
    j = res.as_dict()
    assert list(j) == ["added", "share_before", "share_after", "optimality_gap", "objective"]
    assert set(j["added"][0]) == {"site_id", "lon", "lat", "new_households", "new_elderly"}
    # the first pick is the best single site: no candidate alone adds more
    A = P.coverage_matrix(town_data, res.candidates,
                          np.flatnonzero(~before.demand[town_data.located]["covered"].to_numpy()), before.limit_m)
    w = before.demand[town_data.located]["households"].to_numpy(float)[
        ~before.demand[town_data.located]["covered"].to_numpy()]
    assert res.added["new_households"].iloc[0] == (A.astype(float) @ w).max()


def test_coverage_matrix_matches_engine(town_data):
    """A candidate's column set equals what the engine finds with that candidate as the only room."""
    before = E.compute(town_data)
    cands = P.candidates_from_network(town_data, before, max_candidates=15)
    cols = np.arange(len(town_data.model.demand_node))
    A = P.coverage_matrix(town_data, cands, cols, 300.0).toarray()
    for i in range(len(cands)):
        add = pd.DataFrame({"room_id": ["X"], "name": ["X"], "lon": [cands["lon"].iloc[i]],
                            "lat": [cands["lat"].iloc[i]]})
        r = E.compute(town_data, open_room_ids=[], add=add)
        np.testing.assert_array_equal(A[i], r.demand[town_data.located]["covered"].to_numpy())


def test_uploaded_candidates_and_elderly_weight(town, town_data, tmp_path):
    """By hand: S1 (-310, 60) reaches only C05 (700 households, 150 elderly) at 140 m; S2 on the
    compound footway (400, 300) reaches B1 (60 m) and B2 (250 m): 500 households, 260 elderly.
    Households alone pick S1; with 2 points per elderly person S2 wins (1020 > 1000)."""
    lon, lat = town.ll([-310, 400], [60, 300])
    p = tmp_path / "cands.csv"
    pd.DataFrame({"编号": ["S1", "S2"], "名称": ["社区服务中心", "小区物业"], "经度": lon, "纬度": lat}).to_csv(
        p, index=False, encoding="gbk")
    cands = P.read_candidates(p)
    assert list(cands["site_id"]) == ["S1", "S2"] and list(cands["name"]) == ["社区服务中心", "小区物业"]
    res = P.plan(town_data, k=1, candidates=cands)
    assert res.added[["site_id", "new_households", "new_elderly"]].values.tolist() == [["S1", 700, 150]]
    res2 = P.plan(town_data, k=1, candidates=cands, elderly_weight=2.0)
    assert res2.added[["site_id", "new_households", "new_elderly"]].values.tolist() == [["S2", 500, 260]]
    assert res2.greedy_value == pytest.approx(1020)
    both = P.plan(town_data, k=2, candidates=cands)
    assert list(both.added["site_id"]) == ["S1", "S2"] and both.optimality_gap == 0.0


def test_bad_candidate_file_names_row_and_field(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("id,lon,lat\nA,104.06,30.66\nB,abc,30.66\n", encoding="utf-8")
    with pytest.raises(P.PlanError, match=r"c.csv: row 2, field lon"):
        P.read_candidates(p)
    q = tmp_path / "d.csv"
    q.write_text("id,name\nA,x\n", encoding="utf-8")
    with pytest.raises(P.PlanError, match=r"d.csv: field lon/lat"):
        P.read_candidates(q)


def test_what_if_move_and_close(town, town_data):
    base = E.compute(town_data)
    closed = P.what_if(town_data, close=["R1"])
    assert closed.totals["households_covered"] < base.totals["households_covered"]
    assert "R1" not in set(closed.open_rooms["room_id"])
    lon, lat = town.ll(400, 340)  # move R3 inside the compound, next to B1
    moved = P.what_if(town_data, move={"R3": (float(lon[0]), float(lat[0]))})
    d = moved.demand.set_index("demand_id")
    assert bool(d.loc["B1", "covered"]) and d.loc["B1", "nearest_room_id"] == "R3"
    assert d.loc["B1", "walk_m"] == pytest.approx(10 + 10, abs=0.2)  # B1 10 m off the path end (350), room on the path at 340


def test_export_csv_and_geojson(town_data):
    res = P.plan(town_data, k=1)
    table = P.plan_table(res.after, added=res.added, closed=["R2"])
    assert set(table["status"]) == {"kept", "added", "closed"}
    gj = json.loads(P.plan_geojson(table))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == len(table)
    added = [f for f in gj["features"] if f["properties"]["status"] == "added"]
    assert added[0]["geometry"]["coordinates"] == pytest.approx([res.added["lon"].iloc[0], res.added["lat"].iloc[0]])
    closed = [f for f in gj["features"] if f["properties"]["status"] == "closed"]
    assert closed[0]["geometry"] is None


def test_exact_check_sees_through_repeated_candidates(town_data, monkeypatch):
    """Many candidates that repeat the same sites (or reach nobody) do not stop the exact
    check: it runs on one candidate of each kind and gives the same gap as on the originals."""
    base = P.plan(town_data, k=2)
    assert base.optimality_gap is not None
    cands = base.candidates
    n_distinct = len(cands)
    monkeypatch.setattr(P, "EXACT_MAX_CANDIDATES", n_distinct)
    many = pd.concat([cands] * 3, ignore_index=True)
    many["site_id"] = [f"S{i}" for i in range(len(many))]
    res = P.plan(town_data, k=2, candidates=many)
    assert len(res.candidates) == 3 * n_distinct > P.EXACT_MAX_CANDIDATES
    assert res.optimality_gap == pytest.approx(base.optimality_gap)
    assert res.share_after == pytest.approx(base.share_after)


def test_candidates_from_a_workbook_equal_the_csv(tmp_path):
    df = pd.DataFrame({"编号": ["S1", "S2"], "名称": ["社区服务中心", "小区物业"],
                       "经度": [104.061, 104.062], "纬度": [30.661, 30.662]})
    csv = tmp_path / "c.csv"
    df.to_csv(csv, index=False, encoding="utf-8")
    xlsx = tmp_path / "c.xlsx"
    df.to_excel(xlsx, index=False, engine="openpyxl")  # written by openpyxl, read without it
    a, b = P.read_candidates(csv), P.read_candidates(xlsx.read_bytes(), filename="候选.xlsx")
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    with pytest.raises(P.PlanError, match="bad.xlsx: not a readable workbook"):
        P.read_candidates(b"not a workbook", filename="bad.xlsx")


# --------------------------------------------------------------- greedy provably suboptimal
# Six single households on one straight street, 100 m apart (x = 0..500), and three
# candidate sites: S0 at x = 250 reaches the four in the middle (1..4), S1 at x = 100 the
# first three (0..2), S2 at x = 400 the last three (3..5), within a walk of 160 m.
# Greedy takes S0 first (4 households) and then adds one: 5. The optimum is S1 + S2: 6.
# So greedy is strictly worse, the exact value is 6, the bound 6, the gap (6 - 5) / 6.
LINE_X = [0.0, 100.0, 200.0, 300.0, 400.0, 500.0]
SITES = {"S0": 250.0, "S1": 100.0, "S2": 400.0}


def _line_town():
    data = line_street([(f"C{i}", x, "urban") for i, x in enumerate(LINE_X)], [])
    sx, sy = ll(list(SITES.values()), [-1.0] * len(SITES))
    return data, pd.DataFrame({"site_id": list(SITES), "name": list(SITES), "lon": sx, "lat": sy})


def test_greedy_strictly_worse_on_a_hand_worked_matrix():
    A = np.array([[0, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], bool)
    w = np.ones(6)
    chosen, gains = P.greedy(sparse.csr_matrix(A), w, 2)
    assert chosen[0] == 0 and sum(gains) == 5.0
    ex_chosen, value, bound, optimal = P.exact(sparse.csr_matrix(A), w, 2)
    assert optimal and sorted(ex_chosen) == [1, 2] and value == bound == 6.0 == _brute(A, w, 2)


def test_plan_reports_its_own_exact_value_bound_and_gap_when_greedy_loses():
    data, cands = _line_town()
    # walk limit 160 m: 2 minutes at 4/3 m/s
    res = P.plan(data, k=2, candidates=cands, minutes=2.0, speed_m_s=160.0 / 120.0)
    assert res.added["site_id"].iloc[0] == "S0"
    assert res.greedy_value == pytest.approx(5.0)
    assert res.exact_value == pytest.approx(6.0) and res.exact_bound == pytest.approx(6.0) and res.exact_optimal
    assert res.optimality_gap == pytest.approx(1.0 / 6.0)
    # the same instance with the candidates repeated: the de-duplication keeps the answer
    many = pd.concat([cands] * 4, ignore_index=True)
    many["site_id"] = [f"X{i}" for i in range(len(many))]
    again = P.plan(data, k=2, candidates=many, minutes=2.0, speed_m_s=160.0 / 120.0)
    assert again.exact_value == pytest.approx(6.0) and again.optimality_gap == pytest.approx(1.0 / 6.0)


def test_named_what_if_sites():
    typed = pd.DataFrame({"name": ["  东门 ", None, "坏行", None, "海外"],
                          "lon": [104.06, 104.07, "abc", None, -70.0],
                          "lat": [30.66, 30.67, 30.6, None, 40.0]})
    sites, bad = P.named_sites(typed, lambda i: f"新增 {i}")
    assert sites.to_dict("records") == [
        {"room_id": "W1", "name": "东门", "lon": 104.06, "lat": 30.66},
        {"room_id": "W2", "name": "新增 2", "lon": 104.07, "lat": 30.67},
    ]
    assert bad == [3, 5]  # row 4 is empty (being typed): skipped without a warning


def test_several_named_sites_in_one_what_if(town, town_data):
    lon, lat = town.ll([400, -310], [300, 60])
    sites, _ = P.named_sites(pd.DataFrame({"name": ["小区物业", "社区服务中心"], "lon": lon, "lat": lat}), str)
    wi = P.what_if(town_data, add=sites)
    added = wi.open_rooms[wi.open_rooms["status"] == "added"]
    assert list(added["room_id"]) == ["W1", "W2"] and list(added["name"]) == ["小区物业", "社区服务中心"]
    one = P.what_if(town_data, add=sites.iloc[:1])
    both_cov = wi.totals["households_covered"]
    assert both_cov > one.totals["households_covered"] > E.compute(town_data).totals["households_covered"]
