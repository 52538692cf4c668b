"""AppTest of the pages that show the seed-goal outcomes on the tiny demo city: the
values shown equal the library's, the outcome / grouping choice of the heterogeneity
block reruns without an exception, both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings, warehouse
from dashboard.analysis import definitions, goal_metrics, metrics
from dashboard.analysis.filters import Filters
from dashboard.i18n import t


@pytest.fixture()
def env(tiny_demo, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny_demo.db))
    return tiny_demo


def _page(name: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    return at.switch_page(f"screens/{name}.py").run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hotline_page_shows_timeliness_subcategories_and_category_effects(env, lang):
    at = _page("hotline", lang)
    assert not at.exception, at.exception
    ct = goal_metrics.complaint_timeliness(warehouse.connect_read(env.db), Filters())
    shown = _metrics(at)
    assert shown[t("out.kpi.reply_in_time", lang, days=7)] == definitions.fmt_value(ct["share_reply_in_time"], "share", lang)
    assert shown[t("out.kpi.contact_in_time", lang, days=1)] == definitions.fmt_value(
        ct["share_contact_in_time"], "share", lang)
    assert t("out.page.by_category.title", lang) in [s.value for s in at.subheader]
    assert any(len(df.value) > 10 for df in at.dataframe)  # the subcategory table


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_groups_staff_page_names_low_income_and_shows_reach(env, lang):
    at = _page("groups_staff", lang)
    assert not at.exception, at.exception
    shown = _metrics(at)
    assert any(t("group.low_income", lang) in label for label in shown)
    con = warehouse.connect_read(env.db)
    reach = goal_metrics.vulnerable_reach(con, Filters())
    gs = metrics.groups_staff(con, Filters())
    rooms = goal_metrics.room_service(con, Filters(), gs["n_home_visits"], gs["n_managers"])
    assert shown[t("out.kpi.reach", lang)] == definitions.fmt_value(reach["reach"], "share", lang)
    assert shown[t("out.kpi.resolution_rate", lang)] == definitions.fmt_value(rooms["resolution_rate"], "share", lang)
    assert shown[t("out.kpi.home_visits_per_manager", lang)] == definitions.fmt_value(
        rooms["home_visits_per_manager"], "visits", lang)


def test_offload_page_handling_and_heterogeneity_choice(env):
    at = _page("offload", "zh")
    assert not at.exception, at.exception
    h = goal_metrics.counter_handling(warehouse.connect_read(env.db), Filters())
    shown = _metrics(at)
    assert shown[t("out.kpi.handle_mean_min", "zh")] == definitions.fmt_value(h["handle_mean_min"], "minutes", "zh")
    assert shown[t("out.kpi.appointment_share", "zh")] == definitions.fmt_value(h["appointment_share"], "share", "zh")
    at.selectbox(key="out_hetero_outcome").select("arrival_minutes").run()
    assert not at.exception, at.exception
    at.radio(key="out_hetero_by").set_value("urban_rural").run()
    assert not at.exception, at.exception


def test_faults_page_has_the_four_effects(env):
    at = _page("faults", "en")
    assert not at.exception, at.exception
    labels = [tab.label for tab in at.tabs]
    for o in ("restoration_hours", "arrival_minutes", "satisfaction_rate", "complaints_per_10k_households"):
        assert t(f"out.outcome.{o}", "en") in labels
