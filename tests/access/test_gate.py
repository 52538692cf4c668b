"""The sign-in gate and the roles in the app (AppTest): nothing but the sign-in form before a
sign-in, each role's pages and controls, and the records the app writes."""

from __future__ import annotations

import hashlib

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.access import audit, users
from dashboard.i18n import t
from dashboard.ui import auth

APP = str(settings.PROJECT_ROOT / "dashboard" / "app.py")
PASSWORDS = {"vera": "viewer-pass-1", "andy": "analyst-pass-1", "ada": "admin-pass-1"}
ROLES = {"vera": "viewer", "andy": "analyst", "ada": "admin"}


@pytest.fixture
def with_users(app_db):
    for name, role in ROLES.items():
        users.add(settings.users_path(app_db), name, role, PASSWORDS[name])
    return app_db


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    return at


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="acc_name").input(name)
    at.text_input(key="acc_password").input(password)
    return at.button[0].click().run()


def _data_shown(at: AppTest) -> int:
    """Elements that carry warehouse data: metrics, tables, charts, filter widgets."""
    return (len(at.metric) + len(at.dataframe) + len(at.get("plotly_chart")) + len(at.multiselect)
            + len(at.get("arrow_vega_lite_chart")) + len(at.date_input))


def _records(db, event):
    return [r for r in audit.read(settings.audit_path(db)) if r["event"] == event]


def test_open_without_users(app_db):
    at = _app().run()
    assert not at.exception
    assert _data_shown(at) > 0
    assert not at.text_input  # no sign-in form
    assert t("acc.signin.title", "en") not in [x.value for x in at.title]


def test_nothing_but_the_form_before_sign_in(with_users):
    at = _app().run()
    assert not at.exception
    assert [x.value for x in at.title] == [t("acc.signin.title", "en")]
    assert _data_shown(at) == 0
    assert len(at.text_input) == 2 and at.text_input(key="acc_password").proto.type == 1  # PASSWORD


def test_damaged_users_file_shows_nothing(app_db):
    settings.users_path(app_db).write_text("{ not json", encoding="utf-8")
    at = _app().run()
    assert not at.exception
    assert str(settings.users_path(app_db)) in at.error[0].value
    assert _data_shown(at) == 0 and not at.text_input


def test_wrong_password_then_right(with_users):
    at = _sign_in(_app().run(), "vera", "not-her-password")
    assert [e.value for e in at.error] == [t("acc.signin.failed", "en")]
    assert _data_shown(at) == 0
    at = _sign_in(at, "vera", PASSWORDS["vera"])
    assert not at.exception
    assert _data_shown(at) > 0
    assert t("acc.signin.as", "en", name="vera", role="viewer") in [c.value for c in at.sidebar.caption]
    fail, ok = _records(with_users, "sign_in")
    assert (fail["user"], fail["name"], fail["outcome"], fail["via"]) == (None, "vera", "wrong_password", "web")
    assert (ok["user"], ok["outcome"], ok["method"]) == ("vera", "ok", "password")
    text = settings.audit_path(with_users).read_text()
    assert PASSWORDS["vera"] not in text and "not-her-password" not in text


def test_unknown_name_same_answer(with_users):
    at = _sign_in(_app().run(), "nobody", "whatever-pass")
    assert [e.value for e in at.error] == [t("acc.signin.failed", "en")]


def test_failures_lock_the_sign_in(with_users):
    at = _app().run()
    for _ in range(5):
        at = _sign_in(at, "ada", "guess-guess")
    at = _sign_in(at, "ada", PASSWORDS["ada"])  # right password, but locked
    assert _data_shown(at) == 0
    assert at.error[0].value == t("acc.signin.locked", "en", minutes=15)
    outcomes = [r["outcome"] for r in _records(with_users, "sign_in")]
    assert outcomes == ["wrong_password"] * 5 + ["locked"]


def test_sign_out(with_users):
    at = _sign_in(_app().run(), "andy", PASSWORDS["andy"])
    assert _data_shown(at) > 0
    at = at.button(key="acc_sign_out").click().run()
    assert _data_shown(at) == 0 and len(at.text_input) == 2
    assert [r["user"] for r in _records(with_users, "sign_out")] == ["andy"]


def test_removed_user_is_signed_out(with_users):
    at = _sign_in(_app().run(), "andy", PASSWORDS["andy"])
    users.remove(settings.users_path(with_users), "andy")
    at.run()
    assert _data_shown(at) == 0 and len(at.text_input) == 2


def _page(at: AppTest, name: str) -> AppTest:
    return at.switch_page(f"screens/{name}.py").run()


def test_viewer_sees_no_downloads_no_upload_no_planner(with_users):
    at = _sign_in(_app().run(), "vera", PASSWORDS["vera"])
    at = _page(at, "data")
    assert not at.exception
    assert len(at.dataframe) > 0  # reads
    assert not at.get("download_button")  # no table downloads
    assert not at.get("file_uploader")  # no import
    assert t("acc.audit.title", "en") not in [s.value for s in at.subheader]
    assert t("acc.users.title", "en") not in [s.value for s in at.subheader]
    # the map, but not its GIS files
    at = _page(at, "coverage_map")
    assert not at.exception and at.get("plotly_chart")
    assert not at.get("download_button")
    # the Briefing's PPTX / HTML are a viewer's
    at = _page(at, "briefing")
    labels = {b.proto.label for b in at.get("download_button")}
    assert labels == {t("rep.download_pptx", "en"), t("rep.download_html", "en")}
    # the planner is not listed ...
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("screens/planner.py")
    # ... and its script refuses when run anyway
    page = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "screens" / "planner.py"), default_timeout=60)
    page.query_params["lang"] = "en"
    page.session_state["_auth_user"] = "vera"
    page.run()
    assert [w.value for w in page.warning] == [t("acc.denied.role", "en", need="analyst", role="viewer")]
    assert not page.metric and not page.get("plotly_chart") and not page.number_input


def test_analyst_downloads_and_plans_but_does_not_import(with_users):
    at = _sign_in(_app().run(), "andy", PASSWORDS["andy"])
    at = _page(at, "data")
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("rep.download_csv", "en") in labels and t("rep.download_xlsx", "en") in labels
    assert not at.get("file_uploader")
    assert t("acc.audit.title", "en") not in [s.value for s in at.subheader]
    at = _page(at, "coverage_map")
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}
    assert {"cov_export_geojson", "cov_export_kml", "cov_export_shp"} <= keys, keys
    at = _page(at, "planner")
    assert not at.exception
    assert not at.warning or t("acc.denied.role", "en", need="analyst", role="analyst") not in [w.value for w in at.warning]
    assert len(at.metric) >= 3


def test_admin_imports_and_reads_the_audit(with_users):
    at = _sign_in(_app().run(), "ada", PASSWORDS["ada"])
    at = _page(at, "data")
    assert not at.exception
    assert len(at.get("file_uploader")) == 2  # files and profile
    assert t("acc.audit.title", "en") in [s.value for s in at.subheader]
    people = next(d.value for d in at.dataframe if t("acc.col.password", "en") in d.value.columns)
    assert sorted(zip(people["Name"], people["Role"])) == [("ada", "admin"), ("andy", "analyst"), ("vera", "viewer")]
    assert not people.apply(lambda col: col.astype(str).str.contains("argon2")).any().any()
    trail = at.dataframe[-1].value
    assert trail[t("acc.audit.col.event", "en")].iloc[0] == "sign-in"  # newest first
    assert trail[t("acc.audit.col.user", "en")].iloc[0] == "ada"


REQUIRE_SCRIPT = """
import streamlit as st
from dashboard.ui import auth
auth.require(ACTION, "en")
st.markdown("carried out")
"""


@pytest.mark.parametrize("who,action,allowed", [
    ("vera", "import", False), ("andy", "import", False), ("ada", "import", True),
    ("vera", "plan", False), ("andy", "plan", True), ("vera", "download_tables", False),
])
def test_require_on_the_server(with_users, who, action, allowed):
    """The check a page makes before acting (e.g. the Data page's import path), not the hidden button."""
    at = AppTest.from_string(REQUIRE_SCRIPT.replace("ACTION", repr(action)), default_timeout=30)
    at.session_state["_auth_user"] = who
    at.run()
    assert ("carried out" in [m.value for m in at.markdown]) is allowed
    assert bool(at.warning) is not allowed


def test_require_without_sign_in(with_users):
    at = AppTest.from_string(REQUIRE_SCRIPT.replace("ACTION", repr("read")), default_timeout=30).run()
    assert "carried out" not in [m.value for m in at.markdown]


AUDITED_SCRIPT = """
import streamlit as st
from dashboard.ui.auditing import audited
make = audited(lambda: "ab,c\\n", user="andy", kind="csv", file_name="gaps.csv", source="cov_gaps__csv")
st.session_state["made"] = make()
"""


def test_download_recorded_when_made(app_db):
    at = AppTest.from_string(AUDITED_SCRIPT, default_timeout=30).run()
    assert at.session_state["made"] == b"ab,c\n"
    (rec,) = _records(app_db, "export")
    assert (rec["user"], rec["via"], rec["kind"], rec["source"]) == ("andy", "web", "csv", "cov_gaps__csv")
    assert rec["file"] == {"name": "gaps.csv", "sha256": hashlib.sha256(b"ab,c\n").hexdigest(), "bytes": 5}


@pytest.fixture
def proxy(with_users, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_TRUST_PROXY_HEADER", "X-Remote-User")
    sent = {"X-Remote-User": ""}
    monkeypatch.setattr(auth, "_header", lambda name: sent.get(name, ""))
    return sent


def test_proxy_known_user(proxy, with_users):
    proxy["X-Remote-User"] = "andy"
    at = _app().run()
    assert not at.exception and _data_shown(at) > 0
    assert not at.text_input  # no password form behind the sign-on
    assert t("acc.signin.as_proxy", "en", name="andy", role="analyst") in [c.value for c in at.sidebar.caption]
    at.run()
    (rec,) = _records(with_users, "sign_in")  # once per session, not per rerun
    assert (rec["user"], rec["method"], rec["outcome"]) == ("andy", "proxy", "ok")


@pytest.mark.parametrize("sent,key", [("mallory", "acc.denied.unknown"), ("", "acc.denied.no_header")])
def test_proxy_not_authorised(proxy, with_users, sent, key):
    proxy["X-Remote-User"] = sent
    at = _app().run()
    assert [x.value for x in at.title] == [t("acc.denied.title", "en")]
    assert at.error[0].value == t(key, "en", name=sent)
    assert _data_shown(at) == 0 and not at.text_input
    (rec,) = _records(with_users, "sign_in")
    assert (rec["user"], rec["outcome"], rec["name"]) == (None, "not_authorised", sent or None)
