"""Mapping profiles (custom headers and category words) and the ``servicecircle import`` command."""

from __future__ import annotations

import json

import pytest
from .ingest_helpers import identity, rows, write_text
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.ingest import ImportRefused, import_files

CUSTOM = (
    "单据号,办理网点,取票时刻,业务名称,办理结果\n"
    "Q1,H01,2024-03-05 09:00,电费发票打印,正常\n"
    "Q2,H01,2024-03-05 09:01,电费发票打印,待确认\n"
    "Q3,H01,2024-03-05 09:02,交费,已受理\n"
)
PROFILE = """
[headers.tickets]
"单据号" = "ticket_id"
"办理网点" = "hall_id"

[headers]
"取票时刻" = "issued_at"
"""


def test_profile_maps_headers_and_reports_unknown_words(base_db, tmp_path):
    prof = write_text(tmp_path / "p.toml", PROFILE)
    data = write_text(tmp_path / "custom.csv", CUSTOM)
    r = import_files("tickets", [data], db=base_db, profile=prof)
    d = r.as_dict()
    assert identity(d) and d["stored"] == 0 and d["reasons"] == {"unknown_category": 3}
    words = {(w["field"], w["word"]): w["count"] for w in r.unknown_words}
    assert words == {("service_type", "电费发票打印"): 2, ("outcome", "待确认"): 1, ("outcome", "已受理"): 1}
    # the printed lines, with the code filled in, make a working profile
    codes = {"电费发票打印": "query", "待确认": "served", "已受理": "served"}
    lines = [w["profile_line"].split(" = ")[0] + f' = "{codes[w["word"]]}"' for w in r.unknown_words]
    fixed = "\n".join(lines) + "\n" + PROFILE
    prof2 = write_text(tmp_path / "p2.toml", fixed)
    r2 = import_files("tickets", [data], db=base_db, profile=prof2).as_dict()
    assert (r2["stored"], r2["rejected"]) == (3, 0)
    assert rows(base_db, "select ticket_id, service_type, outcome from counter_tickets order by 1") == [
        ("Q1", "query", "served"), ("Q2", "query", "served"), ("Q3", "payment", "served")
    ]


@pytest.mark.parametrize("text, match", [
    ('[headers.tickets]\n"x" = "no_such_field"\n', "no_such_field"),
    ('[categories.outcome]\n"x" = "maybe"\n', "maybe"),
    ('[categories.colours]\n"x" = "red"\n', "colours"),
    ('[headers\n', "TOML"),
])
def test_bad_profiles_refused(base_db, tmp_path, text, match):
    with pytest.raises(ImportRefused, match=match):
        import_files("tickets", [write_text(tmp_path / "c.csv", CUSTOM)], db=base_db, profile=write_text(tmp_path / "p.toml", text))


def test_example_profile_is_valid():
    from dashboard.ingest import load_profile
    from dashboard.settings import PROJECT_ROOT

    prof = load_profile(PROJECT_ROOT / "examples" / "profile.example.toml")
    assert prof.categories and prof.headers


runner = CliRunner()


def test_cli_json(base_db, tickets_csv):
    res = runner.invoke(app, ["import", "tickets", str(tickets_csv), "--db", str(base_db), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert {k: d[k] for k in ("table", "read", "stored", "updated", "duplicates", "rejected", "reasons")} == {
        "table": "counter_tickets", "read": 3, "stored": 3, "updated": 0, "duplicates": 0, "rejected": 0, "reasons": {}
    }
    assert d["unknown_words"] == []


def test_cli_table_output_in_english(base_db, tickets_csv):
    res = runner.invoke(app, ["import", "tickets", str(tickets_csv), "--db", str(base_db), "--lang", "en"])
    assert res.exit_code == 0
    assert "Stored (new)" in res.stdout and "3" in res.stdout


def test_cli_refusal_exit_code_without_traceback(base_db, tmp_path):
    bad = write_text(tmp_path / "bad.csv", "a,b\n1,2\n")
    res = runner.invoke(app, ["import", "tickets", str(bad), "--db", str(base_db)])
    assert res.exit_code == 2
    assert "bad.csv" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["import", "lamps", str(bad), "--db", str(base_db)])
    assert res.exit_code == 2 and "lamps" in res.output


def test_cli_network_dispatches_to_coverage(tmp_path, monkeypatch):
    import dashboard.coverage.network as network

    calls = []

    def fake(paths, *, db=None, crs="wgs84", progress=None, con=None):
        calls.append((paths, str(db), crs))
        progress("edges", 1.0)
        return {"nodes": 3, "edges": 2}

    monkeypatch.setattr(network, "import_network", fake)
    f = write_text(tmp_path / "roads.geojson", "{}")
    res = runner.invoke(app, ["import", "network", str(f), "--db", str(tmp_path / "w.duckdb"), "--crs", "gcj02", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {"nodes": 3, "edges": 2}
    assert calls == [([str(f)], str(tmp_path / "w.duckdb"), "gcj02")]
