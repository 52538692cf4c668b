"""``servicecircle staffing --json`` on the tiny demo (the issue's keys, the library's
numbers, ``--hall`` and ``--target-min``), and the heatmap builder on ``fig.data``."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard import warehouse
from dashboard.analysis import staffing
from dashboard.cli import app
from dashboard.figures.staffing import staffing_heatmap
from dashboard.i18n import t

ROW_KEYS = {"hall_id", "weekday", "hour", "arrivals_per_hour", "handling_min", "counters_observed",
            "counters_needed_before", "counters_needed_after"}


def _cli(db, *args):
    out = CliRunner().invoke(app, ["staffing", "--db", str(db), "--json", *args])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout), out


def test_cli_json_keys_and_library(tiny_city):
    db = tiny_city["db"]
    d, _ = _cli(db)
    assert {"target_wait_min", "rows", "counter_hours_freed_per_week"} <= set(d)
    assert d["target_wait_min"] == 15.0
    assert set(d["counter_hours_freed_per_week"]) == {"median", "low", "high"}
    assert d["rows"] and all(set(r) == ROW_KEYS for r in d["rows"])
    assert all(isinstance(r["counters_needed_before"], int) for r in d["rows"])
    con = warehouse.connect_read(db)
    try:
        lib = staffing.staffing(staffing.load_inputs(con), 15.0).as_dict()
    finally:
        con.close()
    assert d == json.loads(json.dumps(lib, ensure_ascii=False))


def test_cli_target_and_hall(tiny_city):
    db = tiny_city["db"]
    loose, _ = _cli(db, "--target-min", "60")
    tight, _ = _cli(db, "--target-min", "2")
    assert loose["target_wait_min"] == 60.0
    n_loose = sum(r["counters_needed_after"] for r in loose["rows"])
    n_tight = sum(r["counters_needed_after"] for r in tight["rows"])
    assert n_tight > n_loose
    hall = loose["rows"][0]["hall_id"]
    one, _ = _cli(db, "--hall", hall)
    assert {r["hall_id"] for r in one["rows"]} == {hall}
    none, out = _cli(db, "--hall", "NO-SUCH-HALL")
    assert none["rows"] == [] and none["counter_hours_freed_per_week"] is None and none["status"] == "no_data"
    assert t("staffing.reason.no_data", "zh") in out.stderr


def _rows(before=True):
    rows = pd.DataFrame({
        "hall_id": ["A", "B", "A", "A"],
        "weekday": [0, 0, 0, 5],
        "hour": [9, 9, 10, 10],
        "counters_needed_before": [3, 2, 2, 1],
        "counters_needed_after": [2, 2, 1, 1],
    })
    if not before:
        rows["counters_needed_before"] = pd.array([pd.NA] * 4, dtype="Int64")
    return rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_heatmap_sums_halls_per_cell(lang):
    fig = staffing_heatmap(_rows(), lang)
    assert [tr.type for tr in fig.data] == ["heatmap", "heatmap"]
    before, after = fig.data
    assert before.name == t("staffing.fig.before", lang) and after.name == t("staffing.fig.after", lang)
    assert list(before.x) == ["9:00", "10:00"]
    assert list(before.y) == [t("weekday.mon", lang), t("weekday.sat", lang)]
    # Monday 9:00 sums halls A and B; Saturday 9:00 has no row: a gap
    assert [list(r) for r in before.z] == [[5.0, 2.0], [None, 1.0]]
    assert [list(r) for r in after.z] == [[4.0, 1.0], [None, 1.0]]
    assert before.zmax == after.zmax == 5.0
    assert before.text[0][0] == t("staffing.fig.hover", lang, day=t("weekday.mon", lang), hour="9:00", n="5")
    assert fig.layout.title.text == t("staffing.fig.title", lang)


def test_heatmap_one_hall_and_no_before():
    fig = staffing_heatmap(_rows(), "en", ["B"])
    assert [list(r) for r in fig.data[0].z] == [[2.0]]
    fig = staffing_heatmap(_rows(before=False), "en")
    assert len(fig.data) == 1 and fig.data[0].name == t("staffing.fig.after", "en")
    assert staffing_heatmap(_rows().iloc[0:0], "en").data[0].z == ()
