"""What a plan will bring (:mod:`dashboard.analysis.impact`): hand-worked cases with fake
effects, the null-with-reason path, managers with and without a cap, the ranking by
impact per manager, and ``servicecircle plan --json``'s impact on the tiny demo checked
against an independent recomputation from ``effects --json`` and ``plan --json``."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.analysis import impact
from dashboard.analysis.effects import EffectResult
from dashboard.cli import app
from tests.tiny_demo import build_tiny


def _effect(att: float, lo: float, hi: float, outcome: str = impact.COUNTER) -> EffectResult:
    return EffectResult(outcome=outcome, att=att, ci_low=lo, ci_high=hi, se=(hi - lo) / (2 * 1.96))


def _refused(outcome: str) -> EffectResult:
    return EffectResult(outcome=outcome, status="too_few_treated",
                        reason={"zh": "已设服务室的社区太少", "en": "too few served communities"})


def _changes(households: list[float], elderly: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"community_id": [f"c{i}" for i in range(len(households))],
                         "households": households, "elderly": elderly})


def test_visits_and_orders_avoided_hand_worked():
    # att -5 per 1,000 households a month, CI [-7, -3]; 2,000 households newly covered
    # (1,200 + 800): 5 x 2 = 10 visits avoided a month, range 3 x 2 = 6 to 7 x 2 = 14
    eff = {"counter": _effect(-5.0, -7.0, -3.0),
           "hotline": _effect(-1.5, -2.0, 1.0, impact.HOTLINE),
           "hotline_by_category": {"fault_repair": _effect(-1.0, -1.5, -0.5, impact.HOTLINE),
                                   "complaint": _refused(impact.HOTLINE)}}
    out = impact.impact(_changes([1200, 800], [300, 100]), [1200, 800], eff)
    assert out["households_covered"] == 2000 and out["elderly_covered"] == 400
    v = out["counter_visits_avoided_per_month"]
    assert v == pytest.approx({"value": 10.0, "low": 6.0, "high": 14.0})
    o = out["hotline_orders_avoided_per_month"]
    # -1.5 x 2 = 3, CI ends -2 -> 4 and +1 -> -2 (more orders), low/high ordered
    assert (o["value"], o["low"], o["high"]) == pytest.approx((3.0, -2.0, 4.0))
    assert o["by_category"] == {"fault_repair": pytest.approx({"value": 2.0, "low": 1.0, "high": 3.0})}
    # no staffing inputs: no counter-hours, with a reason in both languages
    assert out["counter_hours_freed_per_week"] is None
    assert set(out["reasons"]) == {"counter_hours_freed_per_week"}
    assert set(out["reasons"]["counter_hours_freed_per_week"]) == {"zh", "en"}
    assert impact.json_keys(out) == {"impact": out}
    en = impact.sentence(out, "en")
    assert "2,000" in en and "about 10 counter visits" in en and "range 6 to 14" in en


def test_newly_covered_is_after_minus_before():
    before = pd.DataFrame({"community_id": ["a", "b", "c"], "households_covered": [100.0, 0.0, 50.0],
                           "elderly_covered": [10.0, 0.0, 5.0]})
    after = pd.DataFrame({"community_id": ["a", "b", "c"], "households_covered": [100.0, 80.0, 20.0],
                          "elderly_covered": [10.0, 8.0, 5.0]})
    got = impact.newly_covered(before, after).set_index("community_id")
    assert list(got.index) == ["b", "c"]
    assert got.loc["b", "households"] == 80 and got.loc["b", "elderly"] == 8
    assert got.loc["c", "households"] == -30 and got.loc["c", "elderly"] == 0


def test_no_effect_gives_null_with_reason():
    eff = {"counter": _refused(impact.COUNTER), "hotline": _refused(impact.HOTLINE)}
    out = impact.impact(_changes([2000], [100]), [2000], eff)
    assert out["counter_visits_avoided_per_month"] is None
    assert out["hotline_orders_avoided_per_month"] is None
    assert out["counter_hours_freed_per_week"] is None
    keys = impact.json_keys(out)
    assert keys["impact"] is None
    assert "too few served communities" in keys["impact_reason"]["en"]
    assert "已设服务室的社区太少" in keys["impact_reason"]["zh"]
    # the coverage part is still said, then why there is no effect
    assert impact.sentence(out, "en").endswith("too few served communities")


def test_managers_needed_with_and_without_cap():
    eff = {"counter": _effect(-5.0, -7.0, -3.0), "hotline": _effect(-1.0, -2.0, 0.0, impact.HOTLINE)}
    ch = _changes([1200, 300, 0], [0, 0, 0])
    assert impact.impact(ch, [1200, 300, 0], eff, managers_per_room=2)["managers_needed"] == 6
    # cap 500 households a manager: ceil(1200/500) = 3, then at least one per room: 3 + 1 + 1
    assert impact.impact(ch, [1200, 300, 0], eff, households_per_manager=500)["managers_needed"] == 5
    # two managers a room at least: 3 + 2 + 2
    assert impact.impact(ch, [1200, 300, 0], eff, households_per_manager=500,
                         managers_per_room=2)["managers_needed"] == 7
    with pytest.raises(ValueError, match="households per manager"):
        impact.impact(ch, [1200], eff, households_per_manager=0)


def test_rank_by_impact_per_manager_differs_from_coverage():
    added = pd.DataFrame({"site_id": ["A", "B", "C"], "name": ["A", "B", "C"],
                          "new_households": [1000, 600, 450], "new_elderly": [1, 2, 3]})
    # cap 500: managers 2, 2, 1; visits at -5 per 1,000: 5, 3, 2.25; per manager 2.5, 1.5, 2.25
    got = impact.rank_sites(added, _effect(-5.0, -7.0, -3.0), households_per_manager=500)
    assert list(got["site_id"]) == ["A", "C", "B"]
    g = got.set_index("site_id")
    assert list(g.loc[["A", "B", "C"], "managers"]) == [2, 2, 1]
    assert list(g.loc[["A", "B", "C"], "impact_per_manager"]) == pytest.approx([2.5, 1.5, 2.25])
    assert list(g.loc[["A", "B", "C"], "rank_coverage"]) == [1, 2, 3]
    assert list(g.loc[["A", "B", "C"], "rank_impact_per_manager"]) == [1, 3, 2]
    assert g.loc["C", "visits_low"] == pytest.approx(450 * 3 / 1000)
    # without an effect: no impact, no impact rank, coverage rank kept
    none = impact.rank_sites(added, _refused(impact.COUNTER)).set_index("site_id")
    assert none["impact_per_manager"].isna().all() and none["rank_impact_per_manager"].isna().all()
    assert list(none.loc[["A", "B", "C"], "rank_coverage"]) == [1, 2, 3]


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("impact_tiny")
    build_tiny(root)
    return root / "wh.duckdb"


def _cli(*args: str) -> dict:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.slow
def test_plan_json_impact_equals_recomputation(tiny_db):
    plan = _cli("plan", "--add", "3", "--db", str(tiny_db), "--json", "--per-manager", "400")
    assert {"added", "share_before", "share_after", "optimality_gap", "impact"} <= set(plan)
    imp = plan["impact"]
    assert {"households_covered", "elderly_covered", "counter_visits_avoided_per_month",
            "hotline_orders_avoided_per_month", "counter_hours_freed_per_week", "managers_needed"} <= set(imp)
    hh = sum(a["new_households"] for a in plan["added"])
    assert imp["households_covered"] == hh
    assert imp["elderly_covered"] == sum(a["new_elderly"] for a in plan["added"])
    assert imp["managers_needed"] == sum(max(1, math.ceil(a["new_households"] / 400)) for a in plan["added"])
    counter = _cli("effects", "--outcome", impact.COUNTER, "--db", str(tiny_db), "--json")
    hotline = _cli("effects", "--outcome", impact.HOTLINE, "--db", str(tiny_db), "--json")
    fault = _cli("effects", "--outcome", impact.HOTLINE, "--category", "fault_repair", "--db", str(tiny_db), "--json")
    for got, e in ((imp["counter_visits_avoided_per_month"], counter),
                   (imp["hotline_orders_avoided_per_month"], hotline),
                   (imp["hotline_orders_avoided_per_month"]["by_category"]["fault_repair"], fault)):
        assert got["value"] == pytest.approx(-e["att"] * hh / 1000)
        assert got["low"] == pytest.approx(-e["ci_high"] * hh / 1000)
        assert got["high"] == pytest.approx(-e["ci_low"] * hh / 1000)
    hours = imp["counter_hours_freed_per_week"]
    assert hours["low"] <= hours["median"] <= hours["high"] and hours["halls"]


def test_counter_hours_freed_hand_worked():
    from dashboard.analysis.queueing import servers_needed
    from dashboard.analysis.staffing import StaffingInputs

    # one hall open one Monday, one hour: 60 tickets, each 10 minutes at a counter (no
    # spread: cv2 = 0), nobody walks away
    cells = pd.DataFrame({"hall_id": ["H1"], "day_on": [pd.Timestamp("2025-03-03")],
                          "month_on": [pd.Timestamp("2025-03-01")], "weekday": [0], "hour_of_day": [9],
                          "n_tickets": [60], "n_arrivals": [60], "n_waited": [60], "sum_wait_min": [120.0],
                          "n_busy": [60], "sum_busy_min": [600.0], "sumsq_busy_min2": [6000.0],
                          "n_counters": [12]})
    catchment = pd.DataFrame({"community_id": ["c0"], "hall_id": ["H1"], "households": [1000.0],
                              "hall_share": [1.0], "served_month": [pd.NaT]})
    # att -30 per 1,000 households a month, se 7.5/1.96: multiplier 1 +- 0.25 x z; the
    # 1,000 households of c0 take 30 tickets a month, all from this hour; c1 has no hall
    se = 7.5 / 1.959963984540054
    eff = {"counter": EffectResult(outcome=impact.COUNTER, att=-30.0, se=se, ci_low=-30 - 1.96 * se,
                                   ci_high=-30 + 1.96 * se),
           "hotline": None, "staffing": StaffingInputs(cells, {"H1": "Hall 1"}, None, None),
           "catchment": catchment}
    out = impact.impact(_changes([1000, 500], [0, 0]), [1500], eff, target_wait_min=2.0)
    h = out["counter_hours_freed_per_week"]

    def need(per_hour: float) -> int:
        return int(servers_needed(per_hour / 60.0, 10.0, 2.0, cv2=0.0))

    today = need(60)
    assert h["median"] == today - need(60 - 30)
    assert h["low"] == today - need(60 - 30 * 0.75 + 0.0)
    assert h["high"] == today - need(60 - 30 * 1.25)
    assert h["halls"] == ["H1"] and h["high"] > h["low"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planner_page_shows_the_impact(tiny_db, monkeypatch, lang):
    from streamlit.testing.v1 import AppTest

    from dashboard import settings, warehouse
    from dashboard.coverage import inputs, planner
    from dashboard.i18n import t

    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny_db))
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "screens" / "planner.py"), default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    con = warehouse.connect_read(tiny_db)
    try:
        eff = impact.load_effects(con)
    finally:
        con.close()
    res = planner.plan(inputs.load_data(tiny_db), k=5)
    want = impact.plan_impact(res, eff)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("impact.metric.households", lang)] == f"{want['households_covered']:,}"
    assert metrics[t("impact.metric.visits", lang)] == f"{want['counter_visits_avoided_per_month']['value']:,.0f}"
    assert metrics[t("impact.metric.managers", lang)] == str(want["managers_needed"])
    assert any(i.value == impact.sentence(want, lang) for i in at.info)
    ranked = next(d.value for d in at.dataframe if t("impact.col.rank_impact_per_manager", lang) in d.value.columns)
    assert list(ranked.iloc[:, 0]) == list(impact.rank_sites(res.added, eff["counter"])["site_id"])


@pytest.mark.slow
def test_planner_page_computes_a_plans_impact_once_for_every_session(tiny_db, monkeypatch):
    """The counter-hours of a plan solve the staffing model per hall, weekday and hour
    (0.8 s a visit at city scale): a second session, and a rerun, reuse the first one's."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import settings

    calls = []
    real = impact.plan_impact

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(impact, "plan_impact", counting)
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny_db))
    st.cache_resource.clear()
    for _ in range(2):  # two sessions
        at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "screens" / "planner.py"), default_timeout=180)
        at.run()
        assert not at.exception, at.exception
    at.run()  # and a rerun
    assert len(calls) == 1
    at.number_input(key="plan_k").set_value(2).run()  # another plan: its own impact
    assert not at.exception, at.exception
    assert len(calls) == 2
