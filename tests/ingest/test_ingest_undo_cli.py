"""``servicecircle imports list`` and ``imports undo``: JSON, exit codes, the audit trail.

Import A (3 tickets) then B (corrects T1, adds T4): see test_ingest_undo for the cases.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dashboard import settings
from dashboard.access import audit
from dashboard.cli import app
from dashboard.i18n import t

from .ingest_helpers import TICKETS_CSV, rows, write_text
from .test_ingest_undo import B_CSV


@pytest.fixture
def ab(base_db, tmp_path):
    runner = CliRunner()
    for name, text in (("a.csv", TICKETS_CSV), ("b.csv", B_CSV)):
        r = runner.invoke(app, ["import", "tickets", str(write_text(tmp_path / name, text)), "--db", str(base_db),
                                "--json"])
        assert r.exit_code == 0, r.output
    return base_db


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_list_json(ab):
    r = _run("imports", "list", "--db", str(ab), "--json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    ledger = rows(ab, "select import_id, file_name, content_hash, n_read, n_stored, n_updated, n_duplicates, "
                      "n_rejected from imports order by finished_at desc")
    assert [(b["import_id"], b["file"], b["sha256"], b["read"], b["stored"], b["updated"], b["duplicates"],
             b["rejected"]) for b in got] == ledger
    assert [b["file"] for b in got] == ["b.csv", "a.csv", "communities.csv", "halls.csv"]  # newest first
    assert got[0]["imported_by"] == audit.os_user() and got[0]["can_undo"] and not got[0]["undone"]
    assert (got[0]["n_written"], got[0]["n_replaced"]) == (2, 1)


def test_undo_codes_json_and_audit(ab):
    db = str(ab)
    ids = {b["file"]: b["import_id"] for b in json.loads(_run("imports", "list", "--db", db, "--json").stdout)}
    # A is blocked by B: exit 2, one line naming B, nothing changed
    before = rows(ab, "select * from counter_tickets order by ticket_id")
    r = _run("imports", "undo", ids["a.csv"], "--db", db, "--lang", "en")
    assert r.exit_code == 2
    assert ids["b.csv"] in r.stderr and "b.csv" in r.stderr and "Traceback" not in r.output
    assert r.stderr.startswith(t("undo.cli.refused", "en", msg="")[:20])
    assert rows(ab, "select * from counter_tickets order by ticket_id") == before
    # unknown id: exit 2
    assert _run("imports", "undo", "ffffffffffff", "--db", db).exit_code == 2
    # B: exit 0, its JSON
    r = _run("imports", "undo", ids["b.csv"], "--db", db, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert (d["import_id"], d["file"], d["deleted"], d["restored"], d["undone_by"]) == (
        ids["b.csv"], "b.csv", 2, 1, audit.os_user())
    # B again: already undone, exit 2; the list says undone
    assert _run("imports", "undo", ids["b.csv"], "--db", db).exit_code == 2
    listed = {b["file"]: b for b in json.loads(_run("imports", "list", "--db", db, "--json").stdout)}
    assert listed["b.csv"]["undone"] and not listed["b.csv"]["can_undo"] and listed["a.csv"]["can_undo"]
    # no warehouse: exit 2
    assert _run("imports", "undo", ids["a.csv"], "--db", str(ab.parent / "none.duckdb")).exit_code == 2
    # the audit trail: every undo asked for, with its outcome
    undos = [r for r in audit.read(settings.audit_path(ab)) if r["event"] == "undo"]
    assert [u["outcome"] for u in undos] == ["refused", "refused", "undone", "refused"]
    done = undos[2]
    assert done["import_id"] == ids["b.csv"] and done["user"] == audit.os_user() and done["via"] == "cli"
    assert done["counts"] == {"deleted": 2, "restored": 1}
    sha = rows(ab, "select content_hash from imports where import_id = $i", {"i": ids["b.csv"]})[0][0]
    assert done["files"] == [{"name": "b.csv", "sha256": sha}]
    assert audit.verify(settings.audit_path(ab)) == []
    # as people read it (servicecircle audit, the Data page)
    from dashboard.access.trail_view import describe

    assert describe(done, "en") == (f"counter_tickets · b.csv (sha256 {sha[:12]}…) · {ids['b.csv']} · "
                                    "deleted 2, restored 1")
    assert describe(undos[0], "en").startswith(f"{ids['a.csv']} · {t('acc.audit.outcome.refused', 'en')}: ")


def test_list_printed(ab):
    ids = [b["import_id"] for b in json.loads(_run("imports", "list", "--db", str(ab), "--json").stdout)]
    r = CliRunner().invoke(app, ["imports", "list", "--db", str(ab), "--lang", "en"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    lines = [line for line in r.stdout.splitlines() if any(i[:12] in line for i in ids)]
    assert len(lines) == 4 and "b.csv" in lines[0] and "halls.csv" in lines[3]  # newest first
    assert "1 / 1 / 1" in lines[0] and t("undo.status.live", "en") in lines[0]  # B: stored / updated / rejected
