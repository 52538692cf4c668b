"""AppTest of the coverage map and planner pages on the town warehouse, in zh and en."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import parts, settings
from dashboard.coverage import engine, inputs

PAGES = settings.PROJECT_ROOT / "dashboard" / "screens"


def _run(page: str, db, monkeypatch, lang: str) -> AppTest:
    monkeypatch.setenv("SERVICECIRCLE_DB", str(db))
    at = AppTest.from_file(str(PAGES / page), default_timeout=120)
    at.query_params["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_coverage_map_page(town_db, monkeypatch, lang):
    at = _run("coverage_map.py", town_db, monkeypatch, lang)
    assert not at.exception, at.exception
    want = engine.compute(inputs.load_data(town_db))
    metrics = {m.label: m.value for m in at.metric}
    label = "步行覆盖率（户）" if lang == "zh" else "Households within the walk"
    assert metrics[label] == f"{want.totals['share']:.1%}"
    days_label = "按开放日加权覆盖率" if lang == "zh" else "Coverage weighted by open days"
    assert metrics[days_label] == f"{want.totals['days_weighted_share']:.1%}"
    gaps = at.dataframe[0].value
    assert int(gaps.iloc[:, 4].sum()) == want.totals["households_uncovered"]
    # replay the roll-out: on the first opening day only R1 is open
    at.select_slider(key="cov_on").set_value(dt.date(2023, 3, 1)).run()
    assert not at.exception
    first = engine.compute(inputs.load_data(town_db), on=dt.date(2023, 3, 1)).totals
    rooms_label = "开放服务室" if lang == "zh" else "Open rooms"
    assert {m.label: m.value for m in at.metric}[rooms_label] == "1"
    assert {m.label: m.value for m in at.metric}[label] == f"{first['share']:.1%}"
    at.number_input(key="cov_minutes").set_value(20.0).run()
    assert not at.exception
    metrics20 = {m.label: m.value for m in at.metric}
    assert metrics20[label] != metrics[label]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planner_page(town_db, monkeypatch, lang):
    at = _run("planner.py", town_db, monkeypatch, lang)
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    before = "规划前覆盖率" if lang == "zh" else "Share before"
    whatif = "试算覆盖率" if lang == "zh" else "What-if share"
    want = engine.compute(inputs.load_data(town_db)).totals["share"]
    assert metrics[before] == f"{want:.1%}"
    # what-if: close R1 and drop the suggested rooms -> the what-if share falls below before
    at.checkbox(key="wi_add").uncheck().run()
    assert {m.label: m.value for m in at.metric}[whatif] == f"{want:.1%}"
    at.multiselect(key="wi_close").set_value(["R1"]).run()
    assert not at.exception
    closed = engine.compute(inputs.load_data(town_db), close=["R1"]).totals["share"]
    assert {m.label: m.value for m in at.metric}[whatif] == f"{closed:.1%}"
    # notice board is Chinese whatever the UI language
    assert any("服务公示牌" in c.value for c in at.code)


def test_coverage_map_lists_rooms_to_check(town_db, monkeypatch, tmp_path):
    """A room far outside the streets is listed under "rooms to check" with its access leg."""

    from dashboard import warehouse

    db = tmp_path / "far.duckdb"
    parts.copy_warehouse(town_db, db)
    with warehouse.writer(db) as con:
        con.execute("update service_rooms set lon = lon + 0.05 where room_id = 'R1'")  # ~4.7 km east
    placement = engine.room_placement(inputs.load_data(db)).set_index("room_id")
    assert placement.loc["R1", "status"] == "far_from_street"
    at = _run("coverage_map.py", db, monkeypatch, "zh")
    assert not at.exception, at.exception
    assert any("需核对" in str(w.value) or "服务室" in str(w.value) for w in at.warning)
    table = at.dataframe[-1].value
    assert list(table.iloc[:, 0]) == ["R1"]
    assert table.iloc[0, 1] == "离街道过远"
    assert abs(float(table.iloc[0, 2]) - round(placement.loc["R1", "access_m"])) < 1


def test_planner_prints_notice_sheets_without_storing_the_contact(town_db, monkeypatch):
    import hashlib

    before = hashlib.sha256(town_db.read_bytes()).hexdigest()
    at = _run("planner.py", town_db, monkeypatch, "zh")
    assert not at.exception, at.exception
    rid = at.multiselect(key="notice_rooms").value[0]
    at.text_input(key=f"notice_name_{rid}").input("王经理")
    at.text_input(key=f"notice_phone_{rid}").input("13900000000")
    at.button(key="FormSubmitter:notice_print-生成公示牌").click().run()
    assert not at.exception, at.exception
    from dashboard.i18n import t

    assert t("cov.notice.print.download", "zh") in [b.proto.label for b in at.get("download_button")]
    assert hashlib.sha256(town_db.read_bytes()).hexdigest() == before  # nothing written to the warehouse


def test_planner_mean_walk_objective(town_db, monkeypatch):
    from dashboard.coverage import planner

    at = _run("planner.py", town_db, monkeypatch, "en")
    at.radio(key="plan_objective").set_value("mean_walk").run()
    assert not at.exception, at.exception
    want = planner.plan(inputs.load_data(town_db), k=5, objective="mean_walk")
    caption = [c.value for c in at.caption if c.value.startswith("Mean walk:")]
    assert caption == [f"Mean walk: {want.extra['mean_walk_before_m']:.0f} m before, "
                       f"{want.extra['mean_walk_after_m']:.0f} m after (walks beyond {want.extra['far_m']:.0f} m "
                       f"count as {want.extra['far_m']:.0f} m)."]
    assert want.extra["mean_walk_after_m"] < want.extra["mean_walk_before_m"]


def test_planner_schedules_a_what_if_once_for_every_session(town_db, monkeypatch):
    """The open-day proposal and its check (most of a planner visit's script at city
    scale) are shared: a second session reuses them; other settings get their own."""
    import streamlit as st

    from dashboard.coverage import schedule

    calls = []
    real = schedule.propose_schedule

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(schedule, "propose_schedule", counting)
    st.cache_resource.clear()
    for _ in range(2):
        at = _run("planner.py", town_db, monkeypatch, "zh")
        assert not at.exception, at.exception
    assert len(calls) == 1
    shown = at.code[0].value
    at.number_input(key="sched_days").set_value(2).run()
    assert not at.exception, at.exception
    assert len(calls) == 2
    assert at.code[0].value != shown  # the notice follows the new schedule


def test_server_warms_the_planner_before_it_listens(town_db, monkeypatch):
    """``dashboard.server.warm`` renders the planning pages in the server's process: the
    first visitor's planner then finds its plan in the caches (no planning run)."""
    import streamlit as st

    from dashboard import server
    from dashboard.coverage import planner

    st.cache_resource.clear()
    monkeypatch.setenv("SERVICECIRCLE_DB", str(town_db))
    monkeypatch.setenv("SERVICECIRCLE_PRECOMPUTE", "1")
    assert server.warm() == {}
    calls = []
    real = planner.plan

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(planner, "plan", counting)
    at = _run("planner.py", town_db, monkeypatch, "zh")
    assert not at.exception, at.exception
    assert calls == []
    monkeypatch.setenv("SERVICECIRCLE_PRECOMPUTE", "0")  # switched off: nothing warmed
    st.cache_resource.clear()
    assert server.warm() == {}
    _run("planner.py", town_db, monkeypatch, "zh")
    assert len(calls) == 1
