"""Robustness checks on the ``tiny`` demo city: the placebo covers zero, the CLI's
``"robustness"`` object has the documented keys and the same numbers as the library,
the sensitivity figure shows its intervals."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from dashboard import warehouse
from dashboard.analysis import effects
from dashboard.analysis.robustness import assess, assess_panel
from dashboard.cli import app
from dashboard.figures.robustness import sensitivity_figure
from tests.tiny_demo import build_tiny

OUTCOME = "hotline_per_1k_households"


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("robustness_tiny")
    build_tiny(root)
    return root / "wh.duckdb"


@pytest.fixture(scope="module")
def panel(tiny_db):
    con = warehouse.connect_read(tiny_db)
    try:
        return effects.load_panel(con, OUTCOME)[0]
    finally:
        con.close()


def test_placebo_on_the_tiny_demo_covers_zero(panel):
    # the tiny city has 9 months: openings moved 3 months earlier still have earlier months
    r = assess_panel(panel, OUTCOME, placebo_shift=3, parts=("placebo",))
    p = r.placebo
    assert p is not None and p["shift_months"] == 3
    assert p["ci_low"] < p["att"] < p["ci_high"]
    assert p["ci_low"] <= 0 <= p["ci_high"], p
    # the default 12 months leave no earlier month there: a reason, no number
    r12 = assess_panel(panel, OUTCOME, parts=("placebo",))
    assert r12.placebo is None and set(r12.reasons) == {"placebo"}
    assert r12.reasons["placebo"]["zh"] and r12.reasons["placebo"]["en"]


@pytest.mark.slow
def test_cli_robustness_json_keys_and_library_numbers(tiny_db):
    out = CliRunner().invoke(app, ["effects", "--outcome", OUTCOME, "--db", str(tiny_db), "--json",
                                   "--robustness", "--lang", "en"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.stdout)
    rob = d["robustness"]
    assert set(rob) == {"pretrend", "honest", "placebo"}
    assert set(rob["pretrend"]) == {"wald", "df", "p_value"}
    assert set(rob["honest"]) == {"relative_magnitudes", "smoothness", "breakdown_mbar", "breakdown_m"}
    assert [set(r) for r in rob["honest"]["relative_magnitudes"]] == [{"mbar", "ci_low", "ci_high"}] * 4
    assert [set(r) for r in rob["honest"]["smoothness"]] == [{"m", "ci_low", "ci_high"}] * 4
    assert rob["placebo"] is None and "12 months earlier" in out.stderr
    con = warehouse.connect_read(tiny_db)
    try:
        lib = assess(con, OUTCOME)
    finally:
        con.close()
    assert rob["pretrend"]["p_value"] == pytest.approx(lib.pretrend["p_value"])
    assert rob["honest"]["smoothness"][0]["ci_low"] == pytest.approx(lib.honest["smoothness"][0]["ci_low"])
    # without --robustness the JSON keeps exactly its keys
    plain = json.loads(CliRunner().invoke(app, ["effects", "--outcome", OUTCOME, "--db", str(tiny_db),
                                                "--json"]).stdout)
    assert "robustness" not in plain

    fig = sensitivity_figure(lib.honest, "en")
    assert [tr.name for tr in fig.data] == ["Original (parallel trends)", "Relative magnitudes M̄",
                                           "Smoothness M"]
    rm = fig.data[1]
    for mid, up, down, r in zip(rm.y, rm.error_y.array, rm.error_y.arrayminus,
                                lib.honest["relative_magnitudes"]):
        assert mid + up == pytest.approx(r["ci_high"]) and mid - down == pytest.approx(r["ci_low"])
    assert math.isfinite(fig.data[0].y[0])


def test_sensitivity_figure_without_analysis_is_empty():
    fig = sensitivity_figure(None, "zh")
    assert len(fig.data) == 0 and fig.layout.title.text == "平行趋势放宽后的置信区间"


def _expander_app(lang: str) -> None:
    from dashboard.analysis.filters import Filters
    from dashboard.ui.robustness_panel import render_robustness

    render_robustness("hotline_per_1k_households", Filters(), lang)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_expander_computes_on_demand(tiny_db, monkeypatch, lang):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny_db))
    at = AppTest.from_function(_expander_app, args=(lang,), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.expander[0].label == ("稳健性检验" if lang == "zh" else "Robustness")
    assert len(at.markdown) == 0  # nothing computed until asked
    at.toggle[0].set_value(True).run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert ("预趋势检验" if lang == "zh" else "Pre-trend test") in text
    assert ("时间安慰剂" if lang == "zh" else "placebo in time") in text
