"""``servicecircle effects --outcome hall_wait_mean_min --json`` on the tiny demo: the keys
of every outcome plus ``unit`` and ``estimates`` (one per method), the same numbers as the
library; the hall figures on ``fig.data``."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard import warehouse
from dashboard.analysis import hall_effects as he
from dashboard.cli import app
from dashboard.figures.halls import exposure_figure, hall_event_figure
from tests.halls._sim import dose_panel, queue_world
from tests.tiny_demo import tiny_db

KEYS = {"outcome", "method", "att", "ci_low", "ci_high", "relative_effect", "n_treated", "n_control",
        "event_study", "naive_before_after"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_db(tmp_path_factory, "halls_tiny")


def test_cli_json_keys_and_library(tiny):
    out = CliRunner().invoke(app, ["effects", "--outcome", "hall_wait_mean_min", "--json", "--db", str(tiny)])
    assert out.exit_code == 0, out.output
    d = json.loads(out.stdout)
    assert set(d) == KEYS | {"unit", "estimates"}
    assert d["unit"] == "hall" and d["outcome"] == "hall_wait_mean_min"
    assert [e["method"] for e in d["estimates"]] == [he.DESIGN, he.QUEUE]
    for e in d["estimates"]:
        assert set(e) == {"method", "att", "ci_low", "ci_high", "relative_effect"}
    # one hall: the design-based method refuses, saying so on stderr
    assert d["estimates"][0]["att"] is None
    assert "halls" in out.stderr or "营业厅" in out.stderr
    con = warehouse.connect_read(tiny)
    try:
        lib = he.estimate_halls(con).as_dict()
    finally:
        con.close()
    assert d["att"] == lib["att"] and d["method"] == lib["method"]
    assert d["n_treated"] == lib["n_treated"] == 1
    # the other outcomes keep their shape (no unit, no estimates; the strata they combine)
    other = CliRunner().invoke(app, ["effects", "--outcome", "counter_visits_per_1k_households", "--json",
                                     "--db", str(tiny)])
    assert set(json.loads(other.stdout)) == KEYS | {"strata"}


def test_exposure_figure():
    shares = pd.DataFrame({"hall_id": ["B", "B", "A", "A"],
                           "month_on": pd.to_datetime(["2024-01-01", "2024-02-01"] * 2),
                           "share": [0.0, 0.5, 0.2, 0.9]})
    fig = exposure_figure(shares, {"A": "甲厅"}, "en")
    assert [tr.name for tr in fig.data] == ["甲厅", "B"]
    assert list(fig.data[0].y) == [0.2, 0.9] and list(fig.data[1].y) == [0.0, 0.5]
    assert fig.layout.yaxis.title.text == "Share reached"


@pytest.fixture(scope="module")
def found():
    """A hall result whose presented (queue-model) interval excludes 0."""
    panel, _ = dose_panel()
    w = queue_world(p_divert=0.1, months=4, exposed_from=2)
    design = he.design_estimate(panel, n_boot=19)
    queue = he.queue_estimate(w.cells, w.exposure, w.catchment, w.arrival)
    return he.assemble(design, queue, w.exposure, panel), panel, w


def test_briefing_says_what_the_halls_found(found):
    from dashboard.report.collect import _hall_effect_input

    res, _, _ = found
    assert res.found_effect and res.presented == he.DESIGN
    eff = _hall_effect_input(res)
    assert eff.outcome == "hall_wait_mean_min" and eff.att == res.main.att
    assert "fell by" in eff.sentences["en"] and "not distinguishable" not in eff.sentences["en"]
    assert "缩短" in eff.sentences["zh"] and "没有显著差异" not in eff.sentences["zh"]
    assert "difference-in-differences" in eff.sentences["en"]  # which method, and why
    assert list(eff.event_study["event_time"]) == [r["event_time"] for r in res.main.event_study]


def test_hall_event_figure(found):
    res, panel, w = found
    queue = res.get(he.QUEUE)
    fig = hall_event_figure(res, "zh")
    assert len(fig.data) == 2
    q = fig.data[1]
    es = sorted(queue.event_study, key=lambda r: r["event_time"])
    assert list(q.x) == [r["event_time"] for r in es] and list(q.y) == pytest.approx([r["att"] for r in es])
    assert list(q.error_y.array) == pytest.approx([r["ci_high"] - r["att"] for r in es])
    refused = he.assemble(he.design_estimate(panel.head(0)), queue, w.exposure, panel)
    assert len(hall_event_figure(refused, "zh").data) == 1
