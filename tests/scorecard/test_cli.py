"""``servicecircle scorecard --json`` prints the library's rows; ``servicecircle targets``
edits the targets file and refuses bad values with exit code 2."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from dashboard import warehouse
from dashboard.analysis import room_targets, scorecard
from dashboard.cli import app


@pytest.fixture()
def runner():
    return CliRunner()


def test_scorecard_json_equals_the_library(tiny, runner, tmp_path, monkeypatch):
    res = runner.invoke(app, ["targets", "--db", str(tiny.db), "--set", "visits_min=35", "--set",
                              "home_visits_min=11", "--json"])
    try:
        assert res.exit_code == 0, res.output
        assert json.loads(res.output)["targets"]["visits_min"] == 35.0
        res = runner.invoke(app, ["scorecard", "--db", str(tiny.db), "--json", "--month", "2024-08"])
        assert res.exit_code == 0, res.output
        out = json.loads(res.output)
        con = warehouse.connect_read(tiny.db)
        try:
            lib = scorecard.scorecard(con, None, dt.date(2024, 8, 1), room_targets.load(tiny.db))
        finally:
            con.close()
        assert out == json.loads(json.dumps(scorecard.as_json(lib)))
        assert out["month"] == "2024-08" and out["targets"]["visits_min"] == 35.0
        assert len(out["rooms"]) == len(lib["rooms"]) > 0
        assert [(b["room_id"], b["metric"], b["since"]) for b in out["breaches"]] == [
            (b.room_id, b.metric, b.since.isoformat()[:7]) for b in lib["breaches"].itertuples()]
        assert any(b["metric"] == "visits" for b in out["breaches"])  # the raised target bites
    finally:
        room_targets.settings.room_targets_path(tiny.db).unlink(missing_ok=True)


def test_targets_refuses_bad_values(tiny, runner):
    res = runner.invoke(app, ["targets", "--db", str(tiny.db), "--set", "vulnerable_share_min=7"])
    assert res.exit_code == 2
    assert "vulnerable_share_min" in res.output and "between 0 and 1" in res.output
    res = runner.invoke(app, ["targets", "--db", str(tiny.db), "--set", "nope=1"])
    assert res.exit_code == 2 and "unknown target" in res.output
    res = runner.invoke(app, ["scorecard", "--db", str(tiny.db), "--month", "2024-13"])
    assert res.exit_code == 2 and "--month" in res.output
    assert not room_targets.settings.room_targets_path(tiny.db).exists()


def test_scorecard_of_no_room(tiny, runner):
    """A district with no room: an empty scorecard, not an error."""
    res = runner.invoke(app, ["scorecard", "--db", str(tiny.db), "--json", "--district", "no such district"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["rooms"] == [] and out["managers"] == [] and out["breaches"] == []
