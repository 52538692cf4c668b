"""Map figure builders on fig.data, and the coverage / plan commands' JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.coverage import areas, engine, inputs, views
from dashboard.figures import maps


@pytest.fixture(scope="module")
def result(town_db):
    data = inputs.load_data(town_db)
    return data, engine.compute(data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_coverage_map_layers_and_hover(result, lang):
    data, r = result
    area = areas.walking_area(data, r)
    fig = maps.coverage_map(communities=views.map_communities(data, r), rooms=r.open_rooms, lang=lang,
                            streets=views.street_lines(data), halls=data.halls, area=area)
    names = [tr.name for tr in fig.data]
    streets = "街道" if lang == "zh" else "Streets"
    assert streets in names
    st_trace = fig.data[names.index(streets)]
    assert isinstance(st_trace, go.Scattergl) and st_trace.mode == "lines"
    # one NaN gap per street piece: 47 edges
    assert int(np.isnan(np.asarray(st_trace.x, float)).sum()) == 47
    # community markers split by coverage; hover carries name, households, walk, nearest room
    cov_name = "社区（步行可达）" if lang == "zh" else "Community (within walk)"
    gap_name = "社区（服务盲区）" if lang == "zh" else "Community (gap)"
    covered = fig.data[names.index(cov_name)]
    gaps = fig.data[names.index(gap_name)]
    assert len(covered.x) == int(r.communities["covered"].sum())
    assert len(gaps.x) == int((~r.communities["covered"]).sum())
    c02 = [row for row in covered.customdata if row[0] == "C02社区"][0]
    assert c02[2] == ("280 米" if lang == "zh" else "280 m") and c02[3] == "R1"
    assert ("户数" if lang == "zh" else "Households") in covered.hovertemplate
    out = [row for row in gaps.customdata if row[0] == "C06社区"][0]
    assert out[2] == ("超出步行范围" if lang == "zh" else "beyond the walk")
    # the walking area is a filled polygon layer; polygons coloured by coverage
    area_t = fig.data[names.index("步行可达范围" if lang == "zh" else "Walking area")]
    assert area_t.fill == "toself"
    assert ("未覆盖社区" if lang == "zh" else "Uncovered communities") in names
    # no on-map text, equal metres both ways, no tiles
    assert all("text" not in (tr.mode or "") for tr in fig.data)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians(30.66)), rel=1e-3)
    assert not any(isinstance(tr, go.Scattermap) for tr in fig.data)
    rooms = fig.data[names.index("服务室" if lang == "zh" else "Room")]
    assert sorted(rooms.customdata[:, 0]) == ["R1", "R2", "R3", "R5"]


def test_basemap_is_opt_in(result):
    data, r = result
    fig = maps.coverage_map(communities=views.map_communities(data, r), rooms=r.open_rooms, basemap=True)
    assert all(isinstance(tr, go.Scattermap) for tr in fig.data)
    assert fig.layout.map.style == "open-street-map"


def test_growth_and_gap_charts(town_db):
    data = inputs.load_data(town_db)
    s = views.rollout_series(data, 5, 1.0)
    assert list(s["rooms_open"]) == [1, 2, 3, 4, 5, 4]  # five openings, then R4 closes
    assert s["share"].iloc[0] <= s["share"].max()
    fig = maps.growth_chart(s, "en")
    assert fig.layout.title.text == "Walking coverage as rooms opened"
    assert list(fig.data[0].y) == list(s["share"])
    r = engine.compute(data)
    bar = maps.uncovered_bar(r.communities, "zh")
    want = r.communities[r.communities["households_uncovered"] > 0]
    assert sorted(bar.data[0].x, reverse=True) == list(bar.data[0].x)
    assert sum(bar.data[0].x) == want["households_uncovered"].sum()


def test_coverage_cli_json(town_db):
    res = CliRunner().invoke(app, ["coverage", "--db", str(town_db), "--json"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.stdout)
    assert list(j) == ["minutes", "speed_m_s", "households_total", "households_covered", "share",
                       "elderly_share", "days_weighted_share", "limit_m_by_kind", "communities"]
    assert j["days_weighted_share"] == j["share"]  # the town's rooms have no open days: every weekday
    assert j["minutes"] == 5 and j["speed_m_s"] == 1.0
    comm = {c["community_id"]: c for c in j["communities"]}
    assert comm["C02"] == {"community_id": "C02", "walk_m": 280.0, "covered": True, "households": 800,
                           "nearest_room_id": "R1"}
    assert comm["C06"]["walk_m"] is None and comm["C06"]["covered"] is False
    assert j["households_covered"] == sum(c["households"] for c in j["communities"] if c["covered"])
    res10 = CliRunner().invoke(app, ["coverage", "--db", str(town_db), "--minutes", "10", "--on", "2024-06-01",
                                     "--json"])
    j10 = json.loads(res10.stdout)
    assert {c["community_id"]: c["walk_m"] for c in j10["communities"]}["C06"] == 480.0


def test_plan_cli_json(town_db, tmp_path, town):
    res = CliRunner().invoke(app, ["plan", "--add", "2", "--db", str(town_db), "--json"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.stdout)
    assert list(j) == ["added", "share_before", "share_after", "optimality_gap", "objective", "impact",
                       "impact_reason"]
    # the town has no tickets or hotline orders: no effect, so no impact, with a reason
    assert j["impact"] is None and set(j["impact_reason"]) == {"zh", "en"}
    assert len(j["added"]) == 2 and j["share_after"] > j["share_before"]
    lon, lat = town.ll([-310], [60])
    p = tmp_path / "c.csv"
    pd.DataFrame({"site_id": ["S1"], "lon": lon, "lat": lat}).to_csv(p, index=False)
    res2 = CliRunner().invoke(app, ["plan", "--add", "1", "--candidates", str(p), "--db", str(town_db), "--json"])
    j2 = json.loads(res2.stdout)
    assert j2["added"][0]["site_id"] == "S1" and j2["added"][0]["new_households"] == 700
    bad = tmp_path / "bad.csv"
    bad.write_text("site_id,lon,lat\nS1,1000,30\n")
    res3 = CliRunner().invoke(app, ["plan", "--add", "1", "--candidates", str(bad), "--db", str(town_db), "--json"])
    assert res3.exit_code == 2 and "bad.csv: row 1, field lon" in res3.output


def test_cli_without_network(tmp_path):
    from dashboard import warehouse

    db = tmp_path / "empty.duckdb"
    warehouse.ensure(db)
    res = CliRunner().invoke(app, ["coverage", "--db", str(db), "--json"])
    assert res.exit_code == 2 and "import network" in res.output
