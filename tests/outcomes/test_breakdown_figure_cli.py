"""The effect-by-group figure on ``fig.data``; the CLI's ``--category`` and ``--by`` JSON
against the library call; the distance bands' edges by hand."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from dashboard import warehouse
from dashboard.analysis.breakdown import GroupEffect, estimate_by
from dashboard.analysis.community_groups import BY, community_groups, distance_band
from dashboard.analysis.effects import EffectResult, estimate
from dashboard.figures.breakdown import effect_by_group_figure
from dashboard.i18n import label


def _ok(att, lo, hi, n=7) -> EffectResult:
    return EffectResult(outcome="counter_visits_per_1k_households", att=att, ci_low=lo, ci_high=hi, n_treated=n)


def _none(reason_en) -> EffectResult:
    return EffectResult(outcome="counter_visits_per_1k_households", status="too_few_treated",
                        reason={"zh": "太少", "en": reason_en})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_effect_by_group_figure(lang):
    groups = [GroupEffect("le300", _ok(-3.0, -4.5, -1.0), 9), GroupEffect("300_500", _none("too few"), 2),
              GroupEffect("500_800", _ok(-1.0, -2.0, 0.5), 8), GroupEffect("gt800", _ok(0.2, -1.0, 1.0), 6)]
    fig = effect_by_group_figure(groups, "distance_band", "counter_visits_per_1k_households", lang)
    est, none = fig.data
    names = [label("distance_band", c, lang) for c in ("le300", "500_800", "gt800")]
    assert list(est.x) == names
    np.testing.assert_allclose(est.y, [-3.0, -1.0, 0.2])
    np.testing.assert_allclose(est.error_y.array, [2.0, 1.5, 0.8])       # ci_high - att
    np.testing.assert_allclose(est.error_y.arrayminus, [1.5, 1.0, 1.2])  # att - ci_low
    assert list(none.x) == [label("distance_band", "300_500", lang)] and list(none.y) == [0.0]
    assert list(none.hovertext) == ["太少" if lang == "zh" else "too few"]
    assert est.hovertext[0].startswith(names[0]) and "-3.0" in est.hovertext[0] and "-4.5" in est.hovertext[0]
    # every band on the axis, nearest first
    assert list(fig.layout.xaxis.categoryarray) == [label("distance_band", c, lang) for c in BY["distance_band"]]
    assert fig.layout.title.text and fig.layout.yaxis.title.text


def test_distance_band_edges_by_hand():
    d = np.array([0, 299.9, 300, 300.1, 500, 500.1, 800, 800.1, np.inf, np.nan])
    assert distance_band(d).tolist() == ["le300", "le300", "le300", "300_500", "300_500", "500_800",
                                         "500_800", "gt800", "gt800", "gt800"]


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", "effects", *args],
                          capture_output=True, text=True, check=False)


def test_cli_category_json_equals_library(tiny_demo):
    out = _cli("--outcome", "hotline_per_1k_households", "--category", "consultation", "--category", "report",
               "--db", str(tiny_demo.db), "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    lib = estimate(warehouse.connect_read(tiny_demo.db), "hotline_per_1k_households",
                   categories=("consultation", "report"))
    assert got["categories"] == ["consultation", "report"]
    assert got["att"] == pytest.approx(lib.att) and got["ci_low"] == pytest.approx(lib.ci_low)
    total = estimate(warehouse.connect_read(tiny_demo.db), "hotline_per_1k_households")
    assert got["att"] != pytest.approx(total.att)  # the category restriction bites


def test_cli_by_json_equals_library(tiny_demo):
    for by in BY:
        out = _cli("--outcome", "counter_visits_per_1k_households", "--by", by, "--db", str(tiny_demo.db), "--json")
        assert out.returncode == 0, out.stderr
        got = json.loads(out.stdout)
        assert got["outcome"] == "counter_visits_per_1k_households" and got["by"] == by
        lib = estimate_by(warehouse.connect_read(tiny_demo.db), "counter_visits_per_1k_households", by)
        assert [g["group"] for g in got["groups"]] == list(BY[by])
        for g, ref in zip(got["groups"], lib):
            assert g["status"] == ref.result.status and g["n_communities"] == ref.n_communities
            assert (g["att"] is None) == (ref.result.att is None)
            if ref.result.att is not None:
                assert g["att"] == pytest.approx(ref.result.att)
    # the tiny city's served communities are all urban: urban has an estimate, rural none
    urban, rural = json.loads(_cli("--outcome", "counter_visits_per_1k_households", "--by", "urban_rural",
                                   "--db", str(tiny_demo.db), "--json").stdout)["groups"]
    assert urban["status"] == "ok" and rural["status"] == "too_few_treated" and rural["att"] is None


def test_cli_rejects_bad_category_and_grouping(tiny_demo):
    bad = _cli("--outcome", "hotline_per_1k_households", "--category", "weather", "--db", str(tiny_demo.db))
    assert bad.returncode == 2 and "weather" in bad.stderr
    wrong = _cli("--outcome", "restoration_hours", "--category", "complaint", "--db", str(tiny_demo.db))
    assert wrong.returncode == 2 and "--category" in wrong.stderr
    by = _cli("--outcome", "restoration_hours", "--by", "planet", "--db", str(tiny_demo.db))
    assert by.returncode == 2 and "planet" in by.stderr


def test_community_groups_of_the_tiny_city(tiny_demo):
    g = community_groups(warehouse.connect_read(tiny_demo.db)).set_index("community_id")
    c = tiny_demo.tables["communities"].set_index("community_id")
    assert set(g.index) == set(c.index)
    assert (g["urban_rural"] == c["kind"]).all()
    # a finite distance lies in its band; no distance means beyond 800 m
    finite = g["walk_m"].notna()
    assert (g.loc[finite, "distance_band"] == distance_band(g.loc[finite, "walk_m"])).all()
    assert (g.loc[~finite, "distance_band"] == "gt800").all()
    assert set(g["distance_band"]) >= {"le300", "gt800"}
