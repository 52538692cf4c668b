"""Walking thresholds by community kind (villages may walk farther) and coverage weighted
by opening days, on one straight street where every distance can be worked by hand.

Households (1 each, 1 m north of the street) at x = -150, 100, 250, 350, 600; rooms
(1 m south) A at x = 0 open Mon + Tue, B at x = 200 open Wed, C at x = 700 with no open
days known (counted as every weekday). Walking distance = |x_house - x_room| + 2 m.
"""

from __future__ import annotations

import pytest

from dashboard.coverage import engine as E
from tests.coverage.conftest import line_street

HOUSES = [("W150", -150.0, "urban"), ("E100", 100.0, "urban"), ("E250", 250.0, "rural"),
          ("E350", 350.0, "rural"), ("E600", 600.0, "urban")]
ROOMS = [("A", 0.0, ("mon", "tue")), ("B", 200.0, ("wed",)), ("C", 700.0, None)]


@pytest.fixture(scope="module")
def street():
    return line_street(HOUSES, ROOMS)


def _covered(result) -> dict[str, bool]:
    return dict(zip(result.communities["community_id"], result.communities["covered"], strict=True))


@pytest.mark.parametrize("method", ["matrix", "dijkstra"])
def test_villages_walk_farther(street, method):
    # 2.5 minutes at 1 m/s = 150 m: W150 (152 m) and E350 (152 m from B) are out
    plain = E.compute(street, minutes=2.5, method=method)
    assert _covered(plain) == {"W150": False, "E100": True, "E250": True, "E350": False, "E600": True}
    # villages 4 minutes (240 m): E350 (rural, 152 m) comes in; W150 (urban) stays out
    by_kind = E.compute(street, minutes=2.5, minutes_by_kind={"rural": 4.0}, method=method)
    assert _covered(by_kind) == {"W150": False, "E100": True, "E250": True, "E350": True, "E600": True}
    assert by_kind.totals["households_covered"] == 4 and by_kind.totals["limit_m_by_kind"] == {"rural": 240.0}
    # a longer urban walk covers W150 too, whatever the villages do
    assert _covered(E.compute(street, minutes=2.6, minutes_by_kind={"rural": 1.0}, method=method))["W150"]


@pytest.mark.parametrize("method", ["matrix", "dijkstra"])
def test_coverage_weighted_by_opening_days(street, method):
    r = E.compute(street, minutes=2.6, method=method)  # 156 m
    # by hand: W150 reaches A (Mon, Tue): 2 days; E100 reaches A (102 m) and B (102 m):
    # Mon, Tue, Wed = 3; E250 reaches B: 1; E350 reaches B (152 m): 1; E600 reaches C
    # (unknown days: every weekday) = 5 -> weights 0.4, 0.6, 0.2, 0.2, 1.0
    per = dict(zip(r.communities["community_id"], r.communities["households_days_weighted"], strict=True))
    assert per == pytest.approx({"W150": 0.4, "E100": 0.6, "E250": 0.2, "E350": 0.2, "E600": 1.0})
    assert r.totals["days_weighted_share"] == pytest.approx(2.4 / 5)
    assert r.totals["share"] == 1.0  # plain coverage counts them all


def test_days_follow_the_rooms_open_on_the_date_and_what_ifs(street):
    closed = E.compute(street, minutes=2.6, close=["B"])
    per = dict(zip(closed.communities["community_id"], closed.communities["households_days_weighted"], strict=True))
    assert per == pytest.approx({"W150": 0.4, "E100": 0.4, "E250": 0.0, "E350": 0.0, "E600": 1.0})
    import pandas as pd

    from tests.coverage.conftest import ll

    lon, lat = ll([300.0], [-1.0])
    added = E.compute(street, minutes=2.6, add=pd.DataFrame({"room_id": ["N"], "lon": lon, "lat": lat}))
    per = dict(zip(added.communities["community_id"], added.communities["households_days_weighted"], strict=True))
    # the what-if room N (every weekday) reaches E250 and E350 (52 m)
    assert per["E250"] == pytest.approx(1.0) and per["E350"] == pytest.approx(1.0)


def test_a_non_positive_village_walk_is_refused(street):
    with pytest.raises(ValueError, match="positive"):
        E.compute(street, minutes_by_kind={"rural": 0})


def test_the_planner_uses_the_village_walk():
    import pandas as pd

    from dashboard.coverage import planner as P
    from tests.coverage.conftest import ll

    # houses: U at x = 0 (urban), V at x = 300 (village); sites S100 and S450; walks 150 m / 240 m
    data = line_street([("U", 0.0, "urban"), ("V", 300.0, "rural")], [])
    lon, lat = ll([100.0, 450.0], [-1.0, -1.0])
    cands = pd.DataFrame({"site_id": ["S100", "S450"], "name": ["S100", "S450"], "lon": lon, "lat": lat})
    plain = P.plan(data, k=1, candidates=cands, minutes=2.5)
    assert plain.greedy_value == 1.0 and plain.added["site_id"].tolist() == ["S100"]  # only U (102 m)
    village = P.plan(data, k=1, candidates=cands, minutes=2.5, minutes_by_kind={"rural": 4.0})
    # S100 now reaches V too (202 m <= 240 m): both households
    assert village.greedy_value == 2.0 and village.added["new_households"].tolist() == [2]
    assert village.share_after == 1.0 and village.exact_value == 2.0


def test_cli_village_walk(tmp_path):
    """The town's communities are all urban, so a village walk changes nothing there;
    relabelling one as rural makes --village-minutes reach it."""
    import json

    from typer.testing import CliRunner

    from dashboard import warehouse
    from dashboard.cli import app
    from tests.coverage.conftest import write_town

    db = tmp_path / "t.duckdb"
    write_town(db)
    with warehouse.writer(db) as con:
        con.execute("update communities set kind = 'rural' where community_id = 'C06'")
    base = json.loads(CliRunner().invoke(app, ["coverage", "--db", str(db), "--json"]).stdout)
    far = json.loads(CliRunner().invoke(app, ["coverage", "--db", str(db), "--json", "--village-minutes", "10"]).stdout)
    c06 = {c["community_id"]: c for c in far["communities"]}["C06"]
    assert {c["community_id"]: c for c in base["communities"]}["C06"]["covered"] is False
    assert c06["covered"] is True and c06["walk_m"] <= 600  # 10 minutes at 1 m/s
    assert far["limit_m_by_kind"] == {"rural": 600.0}
    others = {c["community_id"]: c["covered"] for c in far["communities"] if c["community_id"] != "C06"}
    assert others == {c["community_id"]: c["covered"] for c in base["communities"] if c["community_id"] != "C06"}
