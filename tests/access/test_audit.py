"""The audit trail: one record per event, append-only (earlier lines never change), a hash
chain that finds edits, mode 0600, safe under concurrent writers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import stat

import pytest

from dashboard import settings
from dashboard.access import audit
from dashboard.access.trail_view import describe, trail_table


@pytest.fixture
def path(db):
    return settings.audit_path(db)


def test_record_fields_and_mode(path):
    rec = audit.record(path, "sign_in", user="alice", via="web", method="password", outcome="ok")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert line == rec
    assert (line["seq"], line["event"], line["user"], line["via"], line["outcome"]) == (1, "sign_in", "alice", "web", "ok")
    assert line["prev"] == "0" * 64
    at = dt.datetime.fromisoformat(line["at"])
    assert at.tzinfo is not None and abs((dt.datetime.now(dt.UTC) - at).total_seconds()) < 60


def test_existing_open_file_made_private(path):
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    audit.record(path, "sign_out", user="alice", via="web")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_append_only_and_chained(path):
    audit.record(path, "user_add", user="root", via="cli", target="a", role="viewer")
    audit.record(path, "user_role", user="root", via="cli", target="a", old_role="viewer", role="admin")
    first_two = path.read_bytes()
    for i in range(5):
        audit.record(path, "export", user="a", via="web", kind="csv", source=f"t{i}",
                     file=audit.file_entry(f"t{i}.csv", b"x" * i))
    data = path.read_bytes()
    assert data.startswith(first_two)  # earlier records unchanged, byte for byte
    lines = data.splitlines()
    recs = [json.loads(x) for x in lines]
    assert [r["seq"] for r in recs] == list(range(1, 8))
    for prev_line, rec in zip(lines, recs[1:]):
        assert rec["prev"] == hashlib.sha256(prev_line).hexdigest()
    assert audit.verify(path) == []


@pytest.mark.parametrize("tamper,first_bad", [("edit", 3), ("delete", 2), ("insert", 3)])
def test_verify_finds_tampering(path, tamper, first_bad):
    for i in range(4):
        audit.record(path, "sign_in", user=f"u{i}", via="web", method="password", outcome="ok")
    lines = path.read_bytes().splitlines(keepends=True)
    if tamper == "edit":
        lines[1] = lines[1].replace(b'"u1"', b'"u9"')
    elif tamper == "delete":
        del lines[1]
    else:
        lines.insert(2, lines[1])
    path.write_bytes(b"".join(lines))
    problems = audit.verify(path)
    assert problems and problems[0].startswith(f"line {first_bad}:"), problems


def test_unknown_event_refused(path):
    with pytest.raises(ValueError):
        audit.record(path, "coffee", user=None, via="web")
    assert not path.exists()


def test_since(path):
    audit.record(path, "sign_out", user="a", via="web")
    recs = audit.read(path)
    now = dt.datetime.fromisoformat(recs[0]["at"])
    assert audit.since_filter(recs, now - dt.timedelta(seconds=1)) == recs
    assert audit.since_filter(recs, now + dt.timedelta(seconds=1)) == []
    assert audit.since_filter(recs, (now + dt.timedelta(days=2)).date()) == []
    assert audit.since_filter(recs, (now - dt.timedelta(days=2)).date()) == recs
    assert audit.read(path, last=1) == recs


def _import(path, files, outcome):
    from dashboard.ingest import ImportRefused

    with audit.import_record(path, user="ops", via="cli", table="tickets", files=files,
                             refused=(ImportRefused,)) as box:
        if outcome == "refused":
            raise ImportRefused("t.csv: missing column ticket_id")
        if outcome == "failed":
            raise RuntimeError("disk full")
        box["counts"] = {"table": "counter_tickets", "files": ["t.csv"], "read": 10, "stored": 7, "updated": 1,
                         "duplicates": 1, "rejected": 1, "reasons": {"bad_time": 1}}


def test_import_records(path, tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes(b"ticket_id\n1\n")
    digest = hashlib.sha256(f.read_bytes()).hexdigest()  # independent of file_entry
    _import(path, [f], "stored")
    from dashboard.ingest import ImportRefused

    with pytest.raises(ImportRefused):
        _import(path, [f], "refused")
    with pytest.raises(RuntimeError):
        _import(path, [f, tmp_path / "missing.csv"], "failed")
    stored, refused, failed = audit.read(path)
    assert stored["event"] == "import" and stored["user"] == "ops" and stored["via"] == "cli"
    assert stored["files"] == [{"name": "t.csv", "sha256": digest, "bytes": 12}]
    assert stored["outcome"] == "stored"
    assert stored["counts"] == {"read": 10, "stored": 7, "updated": 1, "duplicates": 1, "rejected": 1,
                                "reasons": {"bad_time": 1}}
    assert (refused["outcome"], refused["message"]) == ("refused", "t.csv: missing column ticket_id")
    assert "counts" not in refused
    assert (failed["outcome"], failed["message"]) == ("failed", "RuntimeError: disk full")
    assert failed["files"][1] == {"name": "missing.csv", "sha256": None, "bytes": None}
    text = describe(stored, "en")
    assert "t.csv" in text and digest[:12] in text and "Read 10" in text and "Rejected 1" in text


def test_table_newest_first(path):
    audit.record(path, "user_add", user="root", via="cli", target="a", role="viewer")
    audit.record(path, "sign_in", user=None, via="web", method="password", outcome="wrong_password", name="a")
    df = trail_table(audit.read(path), "en")
    assert list(df["#"]) == [2, 1]
    assert list(df["Event"]) == ["sign-in", "user added"]
    assert list(df["User"]) == ["–", "root"]
    assert list(df["What"]) == ["wrong name or password · a", "a (viewer)"]


def _writer(path: str, who: int, n: int) -> None:
    for i in range(n):
        audit.record(path, "export", user=f"p{who}", via="web", kind="csv", source=str(i),
                     file={"name": "x.csv", "sha256": "0" * 64, "bytes": 1})


def test_concurrent_writers_keep_the_chain(path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), w, 30)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    recs = audit.read(path)
    assert len(recs) == 120
    assert [r["seq"] for r in recs] == list(range(1, 121))
    assert audit.verify(path) == []
