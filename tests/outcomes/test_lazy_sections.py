"""The pages' lazy sections (:mod:`dashboard.ui.lazy`) on the tiny demo city: a closed
section sends nothing (its chart or table is not in the page), and opening it draws its
content without an exception. Every lazy section of every page is opened here, so the
content behind them stays tested although a default view no longer runs it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.i18n import t

L = "zh"


@pytest.fixture()
def env(tiny_demo, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny_demo.db))
    return tiny_demo


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=180)
    at.query_params["lang"] = L
    at.switch_page(f"screens/{name}.py").run()
    assert not at.exception, at.exception
    return at


def _charts(at: AppTest) -> set[str]:
    """The user keys of the Plotly charts on the page (an element id ends with its key)."""
    return {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def _open(at: AppTest, key: str, value) -> AppTest:
    at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


EFFECT = "counter_visits_per_1k_households"

# page, section key, value that opens it, chart drawn when open
TAB_CASES = [
    ("offload", "off_tabs", t("met.page.offload.tab_hall", L), "off_hall"),
    ("offload", "off_tabs", t("met.page.offload.tab_type", L), "off_type"),
    ("offload", f"eff_tabs_{EFFECT}", t("eff.fig.cf.title", L), f"eff_cf_{EFFECT}"),
    ("offload", f"eff_tabs_{EFFECT}", t("eff.fig.cmp.title", L), f"eff_naive_{EFFECT}"),
    ("waiting", "wait_heat_tabs", t("met.page.waiting.tab_arrivals", L), "wait_arr"),
    ("waiting", "hall_exposure_exp", True, "hall_exposure"),
    ("waiting", "wait_diagnostic_exp", True, "eff_event_hall_wait_mean_min"),
    ("hotline", "hl_tabs", t("met.page.hotline.tab_map", L), "hl_map"),
    ("faults", "fl_effect_tabs", t("out.outcome.arrival_minutes", L), "eff_event_arrival_minutes"),
    ("faults", "fl_effect_tabs", t("out.outcome.satisfaction_rate", L), "eff_event_satisfaction_rate"),
    ("faults", "fl_effect_tabs", t("out.outcome.complaints_per_10k_households", L),
     "eff_event_complaints_per_10k_households"),
]


@pytest.mark.parametrize(("page", "key", "value", "chart"), TAB_CASES, ids=[f"{c[0]}-{c[3]}" for c in TAB_CASES])
def test_a_closed_section_sends_nothing_and_opens(env, page, key, value, chart):
    at = _page(page)
    before = _charts(at)
    assert chart not in before
    assert before, "the page's default view draws its first charts"
    after = _charts(_open(at, key, value))
    assert chart in after


def test_faults_draws_one_estimate_at_a_time(env):
    at = _page("faults")
    shown = {k for k in _charts(at) if k.startswith("eff_event_")}
    assert shown == {"eff_event_restoration_hours"}
    after = _charts(_open(at, "fl_effect_tabs", t("out.outcome.arrival_minutes", L)))
    assert {k for k in after if k.startswith("eff_event_")} == {"eff_event_arrival_minutes"}


@pytest.mark.parametrize(("page", "key"), [("offload", "off_handling_exp"), ("groups_staff", "gs_reach_exp"),
                                           ("groups_staff", "gs_rooms_exp")])
def test_a_closed_table_is_sent_when_opened(env, page, key):
    at = _page(page)
    n = len(at.dataframe)
    assert len(_open(at, key, True).dataframe) == n + 1
