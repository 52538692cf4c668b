"""Scheduled briefings: periods worked by hand, file names, exit codes, and the e-mail
checked on a local SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard import parts, warehouse
from dashboard.cli import app
from dashboard.i18n import fmt_date, t
from dashboard.report.mail import MailError, load_mail_settings
from dashboard.report.period import output_path, period_range

D = dt.date


@pytest.mark.parametrize("name,today,start,end,label", [
    ("last-month", D(2026, 12, 3), D(2026, 11, 1), D(2026, 11, 30), "2026-11"),
    ("last-month", D(2026, 1, 1), D(2025, 12, 1), D(2025, 12, 31), "2025-12"),
    ("last-month", D(2024, 3, 31), D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
    ("last-quarter", D(2026, 11, 15), D(2026, 7, 1), D(2026, 9, 30), "2026Q3"),
    ("last-quarter", D(2026, 1, 2), D(2025, 10, 1), D(2025, 12, 31), "2025Q4"),
    ("last-quarter", D(2026, 4, 1), D(2026, 1, 1), D(2026, 3, 31), "2026Q1"),
    ("last-quarter", D(2026, 3, 31), D(2025, 10, 1), D(2025, 12, 31), "2025Q4"),
])
def test_periods_worked_by_hand(name, today, start, end, label):
    p = period_range(name, today)
    assert (p.date_from, p.date_to, p.label) == (start, end, label)


def test_output_path(tmp_path):
    assert output_path(tmp_path, "2026-11", "pptx") == tmp_path / "briefing_2026-11.pptx"
    assert output_path(tmp_path / "new", "2026Q3", "html") == tmp_path / "new" / "briefing_2026Q3.html"
    assert output_path(tmp_path / "x.pptx", "2026-11", "pptx") == tmp_path / "x.pptx"
    assert output_path(None, "2026-11", "html") == Path.cwd() / "briefing_2026-11.html"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """Two communities and tickets in March and April 2024 (enough for a briefing)."""
    path = tmp_path_factory.mktemp("sched") / "wh.duckdb"
    with warehouse.writer(path) as con:
        con.execute("""insert into communities (community_id, name, district, kind, households, population, elderly, lon, lat)
                       values ('C1', '东苑社区', 'D1', 'urban', 1000, 3000, 400, 117.01, 36.01),
                              ('C2', '西苑社区', 'D1', 'urban', 500, 1500, 200, 117.02, 36.02)""")
        con.execute("insert into business_halls values ('H1', '城东营业厅', 'D1', 117.0, 36.0, 4)")
        tickets = pd.DataFrame({
            "ticket_id": ["T1", "T2", "T3"], "hall_id": ["H1"] * 3, "service_type": ["payment"] * 3,
            "issued_at": pd.to_datetime(["2024-03-05 09:00", "2024-04-02 09:00", "2024-04-03 10:00"]),
            "called_at": pd.to_datetime(["2024-03-05 09:30", "2024-04-02 09:10", "2024-04-03 10:20"]),
            "outcome": ["served"] * 3, "community_id": ["C1", "C2", "C1"]})
        con.register("_t", tickets)
        parts.insert(con, "counter_tickets", "select * from _t")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(path: Path, port: int, **extra) -> Path:
    lines = ["[email]", 'host = "127.0.0.1"', f"port = {port}", "starttls = false",
             'from = "reports@example.com"', 'to = ["director@example.com", "office@example.com"]']
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def smtp_server():
    """A local SMTP server that accepts user ``reports`` / password ``s3cret`` and keeps every message."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Keep:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
            return "250 OK"

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"reports" and auth_data.password == b"s3cret"
        return AuthResult(success=ok)

    handler = Keep()
    port = _free_port()
    ctl = Controller(handler, hostname="127.0.0.1", port=port, authenticator=authenticate,
                     auth_require_tls=False)
    ctl.start()
    try:
        yield port, handler
    finally:
        ctl.stop()


def test_last_month_written_by_period_name_and_mailed(db, tmp_path, smtp_server, monkeypatch):
    port, handler = smtp_server
    cfg = _config(tmp_path / "config.toml", port, user="reports", password_env="TEST_SMTP_PASSWORD")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    out = tmp_path / "reports"
    out.mkdir()
    r = CliRunner().invoke(app, ["report", "--period", "last-month", "--today", "2024-05-02", "--format", "html",
                                 "--lang", "en", "--db", str(db), "--out", str(out), "--email", "--config", str(cfg),
                                 "--json"])
    assert r.exit_code == 0, r.output
    written = out / "briefing_2024-04.html"
    assert json.loads(r.stdout) == {"path": str(written), "bytes": written.stat().st_size, "period": "2024-04",
                                    "from": "2024-04-01", "to": "2024-04-30", "demo": False,
                                    "emailed_to": ["director@example.com", "office@example.com"]}
    html = written.read_text(encoding="utf-8")
    assert t("rep.period", "en", start=fmt_date(D(2024, 4, 1), "en"), end=fmt_date(D(2024, 4, 30), "en")) in html
    assert len(handler.messages) == 1
    rcpts, raw = handler.messages[0]
    assert rcpts == ["director@example.com", "office@example.com"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert "2024-04" in msg["Subject"] and t("flag.stamp", "en") not in msg["Subject"]
    files = [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True)) for p in msg.iter_attachments()]
    assert files == [("briefing_2024-04.html", "text/html", written.read_bytes())]


def test_last_quarter_pptx_into_the_current_folder(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["report", "--period", "last-quarter", "--today", "2024-07-01", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "briefing_2024Q2.pptx").read_bytes()[:2] == b"PK"


def test_a_failed_send_keeps_the_file_and_exits_4(db, tmp_path):
    cfg = _config(tmp_path / "config.toml", _free_port())  # nothing listens there
    r = CliRunner().invoke(app, ["report", "--period", "last-month", "--today", "2024-05-02", "--format", "html",
                                 "--db", str(db), "--out", str(tmp_path), "--email", "--config", str(cfg)])
    assert r.exit_code == 4, r.output
    assert "failed" in r.output
    assert (tmp_path / "briefing_2024-04.html").is_file()


@pytest.mark.parametrize("args,message", [
    (["--period", "last-week"], "--period"),
    (["--period", "last-month", "--from", "2024-01-01"], "exclude"),
    (["--today", "2024-05-02"], "--today"),
    (["--period", "last-month", "--email", "--config", "MISSING"], "config file not found"),
])
def test_bad_options_exit_2_and_write_nothing(db, tmp_path, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [str(tmp_path / "none.toml") if a == "MISSING" else a for a in args]
    r = CliRunner().invoke(app, ["report", "--db", str(db), "--format", "html", *args])
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert not list(tmp_path.glob("briefing*"))


def test_mail_settings_name_file_and_field(tmp_path, monkeypatch):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[email]\nhost = "h"\nport = "25"\nfrom = "a@b.c"\nto = "x@y.z"\n', encoding="utf-8")
    with pytest.raises(MailError, match=r"c\.toml: \[email\] port must be a int"):
        load_mail_settings(cfg)
    cfg.write_text('[email]\nport = 25\nfrom = "a@b.c"\nto = "x@y.z"\n', encoding="utf-8")
    with pytest.raises(MailError, match=r"\[email\] host is missing"):
        load_mail_settings(cfg)
    cfg.write_text('[email]\nhost = "h"\nfrom = "a@b.c"\nto = "x@y.z"\nuser = "u"\n', encoding="utf-8")
    s = load_mail_settings(cfg)
    assert (s.port, s.starttls, s.to) == (587, True, ("x@y.z",))
    monkeypatch.delenv("SERVICECIRCLE_SMTP_PASSWORD", raising=False)
    with pytest.raises(MailError, match="SERVICECIRCLE_SMTP_PASSWORD"):
        s.password()


def test_a_demo_briefing_says_so_in_the_mail_subject_and_json(tmp_path, smtp_server, monkeypatch):
    from tests.tiny_demo import build_tiny

    port, handler = smtp_server
    build_tiny(tmp_path)
    cfg = _config(tmp_path / "config.toml", port)
    r = CliRunner().invoke(app, ["report", "--period", "last-quarter", "--today", "2024-10-01", "--format", "html",
                                 "--lang", "en", "--db", str(tmp_path / "wh.duckdb"), "--out", str(tmp_path / "out"),
                                 "--email", "--config", str(cfg), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["demo"] is True
    msg = email.message_from_bytes(handler.messages[0][1], policy=email.policy.default)
    assert str(msg["Subject"]).strip().startswith(t("flag.stamp", "en"))
    assert [p.get_filename() for p in msg.iter_attachments()] == ["briefing_2024Q3.html"]
