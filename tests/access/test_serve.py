"""``servicecircle serve``: 127.0.0.1 unless --address, the proxy header handed to the app,
built-in data export off, and the warnings a trusted header deserves."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dashboard import settings
from dashboard.access import users
from dashboard.cli import app
from dashboard.commands import app as serve_module


@pytest.fixture
def launched(monkeypatch, db):
    """serve's Streamlit command line and environment, without starting anything."""
    seen: dict = {}

    def fake_execve(executable, cmd, env):
        seen["executable"], seen["cmd"], seen["env"] = executable, cmd, env

    monkeypatch.setattr(serve_module.os, "execve", fake_execve)
    monkeypatch.setattr(serve_module, "up_to_date", lambda path: None)
    return seen


def _opt(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


def test_defaults(launched, db, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_TRUST_PROXY_HEADER", "X-Stale")  # not inherited
    r = CliRunner().invoke(app, ["serve", "--db", str(db)])
    assert r.exit_code == 0, r.output
    cmd, env = launched["cmd"], launched["env"]
    assert cmd[:3] == [launched["executable"], "-m", "dashboard.server"]
    assert _opt(cmd, "--server.address") == "127.0.0.1"
    assert _opt(cmd, "--client.disableDataExport") == "true"
    assert "SERVICECIRCLE_TRUST_PROXY_HEADER" not in env
    assert env["SERVICECIRCLE_DB"] == str(db.resolve())


def test_proxy_header_passed_and_warned(launched, db):
    r = CliRunner().invoke(app, ["serve", "--db", str(db), "--address", "0.0.0.0",
                                 "--trust-proxy-header", "X-Remote-User"])
    assert r.exit_code == 0
    assert launched["env"]["SERVICECIRCLE_TRUST_PROXY_HEADER"] == "X-Remote-User"
    assert _opt(launched["cmd"], "--server.address") == "0.0.0.0"
    assert "0.0.0.0" in r.output  # anyone reaching it directly could forge the header
    assert str(settings.users_path(db)) in r.output  # and nobody is authorised yet


@pytest.mark.parametrize("address,open_", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                            ("0.0.0.0", True), ("10.1.2.3", True), ("dash.example", True)])
def test_proxy_warnings(db, address, open_):
    users.add(settings.users_path(db), "andy", "analyst")
    warnings = serve_module.proxy_warnings(address, db)
    assert len(warnings) == int(open_)
