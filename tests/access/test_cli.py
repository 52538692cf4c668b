"""``servicecircle users`` and ``servicecircle audit``, and the audit record of ``servicecircle import``."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from dashboard import settings
from dashboard.access import audit, users
from dashboard.access.roles import Role
from dashboard.cli import app
from tests.ingest.ingest_helpers import HALLS_CSV

runner = CliRunner()


def run(db, *args, stdin: str | None = None):
    return runner.invoke(app, [*args, "--db", str(db), "--lang", "en"], input=stdin)


def test_add_list_set_role_remove(db):
    r = run(db, "users", "add", "alice", "--role", "analyst", "--password-stdin", stdin="long enough pw\n")
    assert r.exit_code == 0, r.output
    assert "Added user alice (analyst)" in r.output and "asks for a sign-in" in r.output
    assert users.authenticate(settings.users_path(db), "alice", "long enough pw").role is Role.ANALYST
    r = run(db, "users", "add", "sso.bob", "--role", "viewer")
    assert r.exit_code == 0 and "sign-on proxy" in r.output
    r = run(db, "users", "list", "--json")
    listed = json.loads(r.stdout)
    assert [(u["name"], u["role"], u["has_password"]) for u in listed] == [
        ("alice", "analyst", True), ("sso.bob", "viewer", False)]
    assert "argon2" not in r.stdout and all("password" not in u for u in listed)
    assert run(db, "users", "set-role", "sso.bob", "admin").exit_code == 0
    assert users.load(settings.users_path(db))["sso.bob"].role is Role.ADMIN
    r = run(db, "users", "remove", "sso.bob")
    assert r.exit_code == 0 and "no admin is left" in r.output
    r = run(db, "users", "remove", "alice")
    assert r.exit_code == 0 and "no longer asks for a sign-in" in r.output
    events = [(x["event"], x["user"], x["via"], x["target"]) for x in audit.read(settings.audit_path(db))]
    me = audit.os_user()
    assert events == [("user_add", me, "cli", "alice"), ("user_add", me, "cli", "sso.bob"),
                      ("user_role", me, "cli", "sso.bob"), ("user_remove", me, "cli", "sso.bob"),
                      ("user_remove", me, "cli", "alice")]


def test_changes_as_json(db):
    r = run(db, "users", "add", "alice", "--role", "viewer", "--password-stdin", "--json", stdin="long enough pw\n")
    out = json.loads(r.stdout)
    assert out["user"] == "alice" and out["now"]["role"] == "viewer" and out["now"]["has_password"] is True
    out = json.loads(run(db, "users", "set-role", "alice", "admin", "--json").stdout)
    assert out["now"]["role"] == "admin"
    out = json.loads(run(db, "users", "remove", "alice", "--json").stdout)
    assert out == {"user": "alice", "now": None}


def test_password_never_in_the_audit(db):
    run(db, "users", "add", "alice", "--role", "viewer", "--password-stdin", stdin="s3cret-passw0rd\n")
    run(db, "users", "set-password", "alice", "--password-stdin", stdin="an0ther-passw0rd\n")
    assert users.authenticate(settings.users_path(db), "alice", "an0ther-passw0rd") is not None
    text = settings.audit_path(db).read_text()
    assert "s3cret" not in text and "an0ther" not in text and "argon2" not in text
    assert [x["event"] for x in audit.read(settings.audit_path(db))] == ["user_add", "user_password"]


@pytest.mark.parametrize("args,stdin,message", [
    (("users", "remove", "ghost"), None, "unknown user 'ghost'"),
    (("users", "set-role", "ghost", "admin"), None, "unknown user 'ghost'"),
    (("users", "add", "carol", "--role", "boss"), None, "unknown role 'boss'"),
    (("users", "set-role", "alice", "superuser"), None, "unknown role 'superuser'"),
    (("users", "add", "carol", "--role", "viewer", "--password-stdin"), "\n", "empty password"),
    (("users", "add", "carol", "--role", "viewer", "--password-stdin"), "", "empty password"),
    (("users", "add", "carol", "--role", "viewer", "--password-stdin"), "abc\n", "too short"),
    (("users", "add", "alice", "--role", "viewer"), None, "already exists"),
    (("users", "set-password", "alice"), None, "--password-stdin"),
])
def test_clear_errors_exit_2(db, args, stdin, message):
    run(db, "users", "add", "alice", "--role", "viewer")
    before = settings.users_path(db).read_bytes()
    n_before = len(audit.read(settings.audit_path(db)))
    r = run(db, *args, stdin=stdin)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output
    assert settings.users_path(db).read_bytes() == before
    assert len(audit.read(settings.audit_path(db))) == n_before


def test_audit_command(db):
    path = settings.audit_path(db)
    audit.record(path, "sign_in", user="alice", via="web", method="password", outcome="ok")
    audit.record(path, "export", user="alice", via="web", kind="pptx", source="brief-pptx",
                 file={"name": "汇报.pptx", "sha256": "ab" * 32, "bytes": 2048})
    r = run(db, "audit", "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == audit.read(path)
    r = run(db, "audit", "--json", "--since", "2999-01-01")
    assert json.loads(r.stdout) == []
    r = run(db, "audit")
    assert "汇报.pptx" in r.output and "abababababab" in r.output and "sign-in" in r.output
    assert run(db, "audit", "--since", "yesterday").exit_code == 2
    r = run(db, "audit", "--verify")
    assert r.exit_code == 0 and "2 records" in r.output
    path.write_text(path.read_text().replace('"alice"', '"mallory"', 1))
    r = run(db, "audit", "--verify")
    assert r.exit_code == 1 and "line 2" in r.output


def test_import_is_audited(db, tmp_path):
    f = tmp_path / "halls.csv"
    f.write_text(HALLS_CSV, encoding="utf-8")
    r = runner.invoke(app, ["import", "halls", str(f), "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    missing = tmp_path / "nope.csv"
    r = runner.invoke(app, ["import", "halls", str(missing), "--db", str(db)])
    assert r.exit_code == 2
    ok, refused = audit.read(settings.audit_path(db))
    assert (ok["event"], ok["user"], ok["via"], ok["table"], ok["outcome"]) == ("import", audit.os_user(), "cli", "halls", "stored")
    assert ok["files"] == [{"name": "halls.csv", "sha256": hashlib.sha256(f.read_bytes()).hexdigest(),
                            "bytes": len(f.read_bytes())}]
    assert ok["counts"] == {"read": 2, "stored": 2, "updated": 0, "duplicates": 0, "rejected": 0, "reasons": {}}
    assert (refused["outcome"], refused["files"][0]["name"]) == ("refused", "nope.csv")
    assert "nope.csv" in refused["message"]


def test_report_is_audited(app_db, tmp_path):
    out = tmp_path / "briefing.html"
    r = runner.invoke(app, ["report", "--format", "html", "--out", str(out), "--db", str(app_db)])
    assert r.exit_code == 0, r.output
    (rec,) = [x for x in audit.read(settings.audit_path(app_db)) if x["event"] == "export"]
    assert (rec["user"], rec["via"], rec["kind"], rec["source"]) == (audit.os_user(), "cli", "html", "report")
    data = out.read_bytes()
    assert rec["file"] == {"name": "briefing.html", "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
