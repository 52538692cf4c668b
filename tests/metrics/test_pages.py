"""AppTest for every metric page: default view and a changed filter run without an
exception, and the metric values shown equal the CLI's (``servicecircle metrics --json``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.analysis import definitions
from dashboard.i18n import t

PAGES = ["overview", "offload", "waiting", "hotline", "faults", "groups_staff", "community", "rooms", "definitions"]


@pytest.fixture()
def app_env(small, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(small["db"]))
    return small


def _cli(db, *args) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "metrics", "--db", str(db), "--json", *args],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def _page(name: str) -> AppTest:
    """The app's entry with navigation, switched to page ``name`` (page links need it)."""
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=60)
    return at.switch_page(f"screens/{name}.py")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("name", PAGES)
def test_page_default_and_filtered(app_env, name):
    at = _page(name).run()
    assert not at.exception, at.exception
    if name == "definitions":
        assert len(at.dataframe) == 1
        assert len(at.dataframe[0].value) == len(definitions.METRICS)
        return
    # change a filter: one district
    at.multiselect(key="met_f_district").select("D1").run()
    assert not at.exception, at.exception
    assert at.query_params.get("district") in ("D1", ["D1"])


def test_waiting_page_equals_cli(app_env):
    cli = _cli(app_env["db"])
    at = _page("waiting").run()
    m = _metrics(at)
    zh = "zh"
    assert m[t("met.def.hall_wait_mean_min.name", zh)] == definitions.fmt_value(cli["hall_wait_mean_min"], "minutes", zh)
    assert m[t("met.def.hall_wait_p90_min.name", zh)] == definitions.fmt_value(cli["hall_wait_p90_min"], "minutes", zh)
    assert m[t("met.def.share_within_target.name", zh)] == definitions.fmt_value(cli["share_within_target"], "share", zh)
    assert m[t("met.def.hall_tickets.name", zh)] == definitions.fmt_value(cli["hall_tickets"], "tickets", zh)


def test_waiting_page_filtered_equals_cli(app_env):
    cli = _cli(app_env["db"], "--district", "D1")
    at = _page("waiting").run()
    at.multiselect(key="met_f_district").select("D1").run()
    m = _metrics(at)
    assert m[t("met.def.hall_wait_mean_min.name", "zh")] == definitions.fmt_value(cli["hall_wait_mean_min"], "minutes", "zh")
    assert m[t("met.def.hall_tickets.name", "zh")] == definitions.fmt_value(cli["hall_tickets"], "tickets", "zh")


def test_overview_equals_cli(app_env):
    cli = _cli(app_env["db"])
    at = _page("overview").run()
    m = _metrics(at)
    for key, _ in __import__("dashboard.analysis.metrics", fromlist=["x"]).OVERVIEW_KPIS:
        unit = definitions.get(key).unit
        value = definitions.fmt_value(cli["overview"][key]["value"], unit, "zh")
        if cli["overview"][key]["new_service"]:  # shown as a new service, not a change
            value = t("sc.ov.new_service", "zh", v=value)
        assert m[t(f"met.def.{key}.name", "zh")] == value
    assert len(at.get("page_link")) == 8 + 1  # one per KPI, and the scorecard's


def test_offload_and_groups_equal_cli(app_env):
    cli = _cli(app_env["db"])
    at = _page("offload").run()
    assert _metrics(at)[t("met.def.offload_share.name", "zh")] == definitions.fmt_value(cli["offload_share"], "share", "zh")
    at = _page("groups_staff").run()
    assert _metrics(at)[t("met.def.room_visits.name", "zh")] == definitions.fmt_value(cli["room_visits"], "visits", "zh")


def test_filters_come_from_url(app_env):
    at = _page("waiting")
    at.query_params["district"] = "D2"
    at.query_params["from"] = "2024-01-01"
    at.run()
    assert not at.exception
    assert at.multiselect(key="met_f_district").value == ["D2"]
    cli = _cli(app_env["db"], "--district", "D2", "--from", "2024-01-01")
    assert _metrics(at)[t("met.def.hall_tickets.name", "zh")] == definitions.fmt_value(cli["hall_tickets"], "tickets", "zh")


def test_english(app_env):
    at = _page("hotline")
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == t("nav.hotline", "en")


def test_link_with_dates_outside_the_data_is_clamped_not_an_error(app_env):
    at = _page("overview")
    at.query_params["from"] = "1999-01-01"
    at.query_params["to"] = "2099-12-31"
    at.run()
    assert not at.exception, at.exception
    lo, hi = at.date_input(key="met_f_from").value, at.date_input(key="met_f_to").value
    ticket_days = app_env["tickets"]["issued_at"].dt.date
    assert lo >= ticket_days.min() and hi <= ticket_days.max() + __import__("datetime").timedelta(days=366)
    assert lo <= hi
