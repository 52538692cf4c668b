"""The default ``small`` demo builds from nothing and loads every generated row (slow)."""

from __future__ import annotations

import json

import pytest

from dashboard import warehouse
from dashboard.demo import build_demo


@pytest.mark.slow
def test_small_demo_builds_and_loads_everything(tmp_path):
    report = build_demo("small", db=tmp_path / "wh.duckdb", out_dir=tmp_path / "demo")
    assert report["mismatches"] == []
    g = report["generated"]
    assert 70 <= g["communities"] <= 90
    assert 30 <= g["rooms"] <= 50
    assert 800_000 <= g["tickets"] <= 1_300_000
    con = warehouse.connect_read(tmp_path / "wh.duckdb")
    try:
        assert con.execute("select count(*) from counter_tickets").fetchone()[0] == g["tickets"]
        assert con.execute("select count(*) from business_halls").fetchone()[0] == 4
        never = con.execute("select count(*) from community_treatment where wave = 'none'").fetchone()[0]
        waves = con.execute("select count(distinct wave) from community_treatment where wave <> 'none'").fetchone()[0]
        roles = dict(con.execute("select former_role, count(*) from staff group by 1").fetchall())
    finally:
        con.close()
    assert never >= 10  # never-treated controls
    assert waves >= 4  # staggered
    assert roles["meter_reader"] > sum(roles.values()) / 2  # mostly former meter readers
    truth = json.loads((tmp_path / "demo" / "truth.json").read_text(encoding="utf-8"))
    assert truth["outcomes"]["counter_visits_per_1k_households"]["att"] < 0
    assert report["network"]["edges"] > 0
    assert report["network"]["ways_dropped"] > 0  # the motorway
    assert report["network"]["islands"] == 0
