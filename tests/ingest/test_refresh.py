"""``servicecircle refresh DIR`` (dashboard/commands/refresh.py) on the tiny demo's
exports: every file imported in dependency order, a second run imports nothing, a changed
file is imported again, an unknown file stops the refresh before anything is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard import warehouse
from dashboard.cli import app
from dashboard.ingest.recognise import IMPORT_ORDER
from tests.tiny_demo import build_tiny

from .ingest_helpers import rows


@pytest.fixture(scope="module")
def demo_raw(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("refresh")
    build_tiny(root)
    return root / "demo" / "raw"


@pytest.fixture
def inbox(tmp_path, demo_raw) -> Path:
    folder = tmp_path / "inbox"
    shutil.copytree(demo_raw, folder)
    return folder


def _refresh(folder: Path, db: Path, *extra: str):
    res = CliRunner().invoke(app, ["refresh", str(folder), "--db", str(db), "--json", *extra])
    return res, (json.loads(res.stdout) if res.exit_code == 0 else None)


def test_refresh_imports_every_file_in_dependency_order_then_nothing(inbox, db):
    res, first = _refresh(inbox, db)
    assert res.exit_code == 0, res.output
    tables = [r["table"] for r in first["imported"]]
    assert tables == list(IMPORT_ORDER)  # one file per table, communities first ... visits last
    assert first["skipped"] == []
    # what the ledger holds is what was read, file by file
    ledger = dict(rows(db, "select file_name, n_read from imports"))
    assert {r["file"]: r["read"] for r in first["imported"]} == ledger
    assert rows(db, "select count(*) from counter_tickets")[0][0] == first["imported"][6]["stored"] > 1000
    version = warehouse.data_version(db)

    res, second = _refresh(inbox, db)
    assert res.exit_code == 0, res.output
    assert second["imported"] == [] and second["tables"] == {}
    assert sorted(s["file"] for s in second["skipped"]) == sorted(p.name for p in inbox.iterdir())
    assert warehouse.data_version(db) == version  # no write at all


def test_a_changed_file_is_imported_again(inbox, db):
    assert _refresh(inbox, db)[0].exit_code == 0
    tickets = inbox / "排队叫号明细_2024.csv"
    lines = tickets.read_text(encoding="utf-8-sig").splitlines()
    header, last = lines[0].split(","), lines[-1].split(",")
    last[header.index("流水号")] = "NEW-0001"
    tickets.write_text("\n".join(lines + [",".join(last)]) + "\n", encoding="utf-8")
    before = rows(db, "select count(*) from counter_tickets")[0][0]

    res, again = _refresh(inbox, db)
    assert res.exit_code == 0, res.output
    assert [(r["file"], r["table"]) for r in again["imported"]] == [(tickets.name, "counter_tickets")]
    changed = again["imported"][0]
    assert changed["stored"] == 1 and changed["read"] == len(lines)  # the rest are duplicates or rejects
    assert changed["duplicates"] + changed["rejected"] + changed["stored"] + changed["updated"] == changed["read"]
    assert rows(db, "select count(*) from counter_tickets")[0][0] == before + 1
    assert len(again["skipped"]) == len(list(inbox.iterdir())) - 1


def test_an_unknown_file_stops_the_refresh_naming_it(inbox, db):
    (inbox / "weather.csv").write_text("日期,气温\n2024-01-01,3\n", encoding="utf-8")
    res, _ = _refresh(inbox, db, "--lang", "en")
    assert res.exit_code == 2
    assert "weather.csv" in res.stderr and "Nothing was written" in res.stderr
    assert not db.exists()  # recognised before any write


def test_refresh_is_audited(inbox, db):
    from dashboard import settings
    from dashboard.access import audit

    assert _refresh(inbox, db)[0].exit_code == 0
    lines = [json.loads(x) for x in settings.audit_path(db).read_text(encoding="utf-8").splitlines()]
    records = [r for r in lines if r.get("via") == "refresh"]
    assert sorted(r["table"] for r in records) == sorted(IMPORT_ORDER)
    assert all(r["outcome"] == "stored" for r in records)
    assert audit.verify(settings.audit_path(db)) == []  # the chain holds
