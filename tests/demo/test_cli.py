"""``servicecircle demo``: builds, refuses to overwrite without --force, prints JSON.

(``--force`` itself is tested on :func:`dashboard.demo.build_demo` in test_build.)
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dashboard.cli import app


def test_demo_command_builds_then_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    db, out = tmp_path / "wh.duckdb", tmp_path / "demo"
    args = ["demo", "--scale", "tiny", "--seed", "3", "--db", str(db), "--out", str(out)]
    r = runner.invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["imports"]["tickets"]["stored"] == report["generated"]["tickets"]
    assert (out / "truth.json").is_file() and (out / "raw").is_dir()

    r = runner.invoke(app, [*args, "--lang", "en"])
    assert r.exit_code == 4
    assert "--force" in r.output



def test_demo_command_rejects_unknown_scale(tmp_path):
    r = CliRunner().invoke(app, ["demo", "--scale", "huge", "--db", str(tmp_path / "x.duckdb")])
    assert r.exit_code == 2
    assert not (tmp_path / "x.duckdb").exists()
