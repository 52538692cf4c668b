"""The targets file beside the warehouse: defaults, round trip, refusals that name file,
line and key and leave the old file as it was."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard import settings
from dashboard.analysis import room_targets


def test_defaults_without_a_file(tmp_path):
    assert room_targets.load(tmp_path / "wh.duckdb") == settings.ROOM_TARGETS
    assert set(room_targets.KEYS) == {f.name for f in dataclasses.fields(settings.RoomTargets)}


def test_round_trip(tmp_path):
    db = tmp_path / "wh.duckdb"
    new = room_targets.save(db, {"visits_min": 25, "coverage_share_min": 0.75})
    assert settings.room_targets_path(db) == tmp_path / "wh.duckdb.targets.toml"
    assert room_targets.load(db) == new == dataclasses.replace(settings.ROOM_TARGETS, visits_min=25.0,
                                                               coverage_share_min=0.75)
    # a second edit keeps the first
    room_targets.save(db, {"idle_open_days_max": 4})
    got = room_targets.load(db)
    assert (got.visits_min, got.coverage_share_min, got.idle_open_days_max) == (25.0, 0.75, 4.0)
    # only overrides are written
    text = settings.room_targets_path(db).read_text(encoding="utf-8")
    assert "visits_min = 25.0" in text and "home_visits_min" not in text


@pytest.mark.parametrize("text, words", [
    ("visits_min = 20\nvisit_min = 3\n", ["line 2", "visit_min", "unknown target"]),
    ("visits_min = -1\n", ["line 1", "visits_min", ">= 0"]),
    ("\ncoverage_share_min = 1.5\n", ["line 2", "coverage_share_min", "between 0 and 1"]),
    ("visits_min = 'many'\n", ["line 1", "visits_min", "not a number"]),
    ("visits_min = true\n", ["visits_min", "not a number"]),
    ("visits_min = inf\n", ["visits_min", "finite"]),
    ("visits_min = \n", ["not valid TOML"]),
])
def test_bad_files_are_refused_naming_file_line_and_key(tmp_path, text, words):
    db = tmp_path / "wh.duckdb"
    path = settings.room_targets_path(db)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(room_targets.TargetsError) as err:
        room_targets.load(db)
    msg = str(err.value)
    assert str(path) in msg
    for w in words:
        assert w in msg


def test_a_refused_edit_changes_nothing(tmp_path):
    db = tmp_path / "wh.duckdb"
    room_targets.save(db, {"visits_min": 30})
    before = settings.room_targets_path(db).read_bytes()
    with pytest.raises(room_targets.TargetsError, match="resolution_rate_min"):
        room_targets.save(db, {"home_visits_min": 5, "resolution_rate_min": 2})
    assert settings.room_targets_path(db).read_bytes() == before
    assert room_targets.load(db).home_visits_min == settings.ROOM_TARGETS.home_visits_min
