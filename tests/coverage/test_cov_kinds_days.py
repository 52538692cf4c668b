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


def _cands(xs):
    import pandas as pd

    from tests.coverage.conftest import ll

    lon, lat = ll(list(xs), [-1.0] * len(xs))
    return pd.DataFrame({"site_id": [f"S{int(x)}" for x in xs], "name": [f"S{int(x)}" for x in xs], "lon": lon, "lat": lat})


def test_plan_for_the_mean_walk_hand_worked():
    from dashboard.coverage import planner as P

    # no room yet: every household starts "far" = max(3 x 150 m, 1000 m) = 1000 m.
    # By hand (distance = |dx| + 2 m): S100 saves (1000-102)+(1000-2)+(1000-102)+(1000-702)+(1000-802)
    # = 3,290; S850 saves 148+248+348+948+948 = 2,640. So S100 first; the mean walk falls
    # from 1,000 m to (102+2+102+702+802)/5 = 342 m.
    data = line_street([("A", 0.0, "urban"), ("B", 100.0, "urban"), ("C", 200.0, "urban"),
                        ("D", 800.0, "urban"), ("E", 900.0, "urban")], [])
    one = P.plan(data, k=1, candidates=_cands([100.0, 850.0]), minutes=2.5, objective="mean_walk")
    assert one.added["site_id"].tolist() == ["S100"] and one.greedy_value == pytest.approx(3290)
    assert one.extra["mean_walk_before_m"] == pytest.approx(1000) and one.extra["mean_walk_after_m"] == pytest.approx(342)
    assert one.exact_value == pytest.approx(3290) and one.optimality_gap == pytest.approx(0)
    assert one.added["new_households"].tolist() == [3]  # A, B, C come within 150 m
    two = P.plan(data, k=2, candidates=_cands([100.0, 850.0]), minutes=2.5, objective="mean_walk")
    assert two.extra["mean_walk_after_m"] == pytest.approx((102 + 2 + 102 + 52 + 52) / 5)


def test_plan_with_households_per_manager():
    from dashboard.coverage import planner as P

    data = line_street([(f"H{i}", x, "urban") for i, x in enumerate([0.0, 50.0, 100.0, 150.0])], [])
    free = P.plan(data, k=1, candidates=_cands([75.0]), minutes=2.5)
    assert free.added["new_households"].tolist() == [4]
    capped = P.plan(data, k=1, candidates=_cands([75.0]), minutes=2.5, households_per_manager=3)
    assert capped.added["new_households"].tolist() == [3] and capped.greedy_value == 3.0
    assert capped.exact_value == pytest.approx(3.0) and capped.share_after == pytest.approx(0.75)
    two_managers = P.plan(data, k=1, candidates=_cands([75.0]), minutes=2.5, households_per_manager=3,
                          managers_per_room=2)
    assert two_managers.added["new_households"].tolist() == [4]
    with pytest.raises(P.PlanError):
        P.plan(data, k=1, candidates=_cands([75.0]), households_per_manager=0)
    with pytest.raises(P.PlanError, match="objective"):
        P.plan(data, k=1, objective="fastest")
