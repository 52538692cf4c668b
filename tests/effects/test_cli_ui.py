"""``servicecircle effects --json`` and the Streamlit effect block on a generated city."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from dashboard import warehouse
from dashboard.analysis.effects import estimate, fmt_num, fmt_pct
from dashboard.analysis.filters import Filters
from dashboard.cli import app

KEYS = {"outcome", "method", "att", "ci_low", "ci_high", "relative_effect", "n_treated",
        "n_control", "event_study", "naive_before_after", "strata"}
OUTCOMES = ["hotline_per_1k_households", "counter_visits_per_1k_households", "restoration_hours"]
# hall_wait_mean_min is estimated per hall (keys + unit, estimates): tests/halls/test_cli_page.py


def _run(*args: str):
    return CliRunner().invoke(app, ["effects", *args])


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_cli_json_has_exactly_the_keys_and_page_numbers(city_db, outcome):
    out = _run("--outcome", outcome, "--db", str(city_db), "--json")
    assert out.exit_code == 0, out.output
    d = json.loads(out.stdout)
    assert set(d) == KEYS and d["outcome"] == outcome
    assert d["event_study"] and all(set(r) == {"event_time", "att", "ci_low", "ci_high"} for r in d["event_study"])
    con = warehouse.connect_read(city_db)
    res = estimate(con, outcome, Filters())
    assert d["att"] == pytest.approx(res.att) and d["ci_low"] < d["att"] < d["ci_high"]
    assert d["n_treated"] == 24 and d["n_control"] > 16
    # no kind recorded: one comparison of every community
    assert d["strata"] == [{"kind": None, "comparison": "all_kinds", "att": d["att"], "se": pytest.approx(res.se),
                            "n_treated": 24}]
    # the generated city cuts every outcome by 20-30 % from the opening month
    assert -0.45 < d["relative_effect"] < -0.1, d["relative_effect"]


def test_cli_insufficient_data_gives_nulls_and_reason(city_db):
    out = _run("--outcome", "hotline_per_1k_households", "--db", str(city_db),
               "--from", "2023-01-01", "--to", "2023-04-30", "--json", "--lang", "en")
    assert out.exit_code == 0
    d = json.loads(out.stdout)
    assert set(d) == KEYS
    assert d["att"] is None and d["ci_low"] is None and d["relative_effect"] is None
    assert d["event_study"] == [] and d["naive_before_after"] is None
    assert "4 months" in out.stderr


def test_cli_filters_and_text_output(city_db):
    out = _run("--outcome", "hotline_per_1k_households", "--db", str(city_db), "--district", "east",
               "--lang", "en")
    assert out.exit_code == 0 and out.stdout.startswith("After the rooms opened")
    bad = _run("--outcome", "nope", "--db", str(city_db), "--json")
    assert bad.exit_code != 0 and "hotline_per_1k_households" in bad.output
    bad_date = _run("--outcome", "restoration_hours", "--db", str(city_db), "--from", "2024-13-01")
    assert bad_date.exit_code != 0 and "--from" in bad_date.output


def test_cli_missing_warehouse(tmp_path):
    out = _run("--outcome", "restoration_hours", "--db", str(tmp_path / "none.duckdb"), "--json")
    assert out.exit_code == 1 and "does not exist" in out.stderr


# ---------------------------------------------------------------- Streamlit block
def _panel_app(outcome: str, lang: str, district: str | None) -> None:
    from dashboard.analysis.filters import Filters
    from dashboard.ui.effect_panel import render_effect

    render_effect(outcome, Filters(districts=(district,) if district else ()), lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_effect_panel_shows_the_cli_numbers(city_db, monkeypatch, lang):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SERVICECIRCLE_DB", str(city_db))
    at = AppTest.from_function(_panel_app, args=("hotline_per_1k_households", lang, None), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    d = json.loads(_run("--outcome", "hotline_per_1k_households", "--db", str(city_db), "--json").stdout)
    values = [m.value for m in at.metric]
    assert values[0] == fmt_num(d["att"]) and values[1] == fmt_pct(d["relative_effect"])
    assert values[2] == fmt_num(d["naive_before_after"])
    assert values[3] == f"{d['n_treated']} / {d['n_control']}"
    text = " ".join(m.value for m in at.markdown)
    assert ("服务室开放后" if lang == "zh" else "After the rooms opened") in text


def test_effect_panel_says_why_when_it_cannot_estimate(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "empty.duckdb"
    warehouse.ensure(db)
    monkeypatch.setenv("SERVICECIRCLE_DB", str(db))
    at = AppTest.from_function(_panel_app, args=("restoration_hours", "zh", None), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert len(at.metric) == 0
    assert at.info and "无法估计效果" in at.info[0].value


def test_cli_prints_the_caveats(city_db):
    """Communities served before the window are left out; the CLI says so (stderr with --json)."""
    con = warehouse.connect_read(city_db)
    try:
        res = estimate(con, "hotline_per_1k_households", Filters(date_from=dt.date(2023, 10, 1)))
    finally:
        con.close()
    assert res.caveats  # 16 communities opened before 2023-10
    out = _run("--outcome", "hotline_per_1k_households", "--db", str(city_db), "--from", "2023-10-01",
               "--json", "--lang", "en")
    assert out.exit_code == 0
    assert json.loads(out.stdout)["att"] == pytest.approx(res.att)  # stdout stays pure JSON
    for c in res.caveats:
        assert c["en"] in out.stderr
    text = _run("--outcome", "hotline_per_1k_households", "--db", str(city_db), "--from", "2023-10-01")
    assert all(c["zh"] in text.stdout for c in res.caveats)
