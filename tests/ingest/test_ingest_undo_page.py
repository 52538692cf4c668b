"""The Data page's import batches with undo (AppTest): an admin undoes after a confirm step
and sees the result or the refusal; viewers and analysts see no undo.

Import A then B (see test_ingest_undo): B overlaps A, so A cannot be undone while B is in place.
"""

from __future__ import annotations

import pandas as pd
import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.access import audit, users
from dashboard.i18n import t
from dashboard.ingest import import_files

from .ingest_helpers import TICKETS_CSV, write_text
from .test_ingest_undo import B_CSV, table

ROLES = {"vera": "viewer", "andy": "analyst", "ada": "admin"}


@pytest.fixture
def ab(base_db, tmp_path, monkeypatch):
    """A and B imported, three users (cheap argon2 hashes), the app on this warehouse."""
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(users, "_DUMMY_HASH", None)
    a = import_files("tickets", [write_text(tmp_path / "a.csv", TICKETS_CSV)], db=base_db, user="ann")
    after_a = table(base_db)
    b = import_files("tickets", [write_text(tmp_path / "b.csv", B_CSV)], db=base_db, user="bob")
    for name, role in ROLES.items():
        users.add(settings.users_path(base_db), name, role, f"{name}-pass-1")
    monkeypatch.setenv("SERVICECIRCLE_DB", str(base_db))
    return {"db": base_db, "a": a.files[0].import_id, "b": b.files[0].import_id, "after_a": after_a}


def _data_page(who: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.session_state["_auth_user"] = who  # signed in (as the sign-in form leaves it)
    at.run()
    return at.switch_page("screens/data.py").run()


def _undo_buttons(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key and b.key.startswith("undo_btn_")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_admin_undoes_after_confirming(ab, lang):
    at = _data_page("ada", lang)
    assert not at.exception, at.exception
    assert t("undo.page.title", lang) in [s.value for s in at.subheader]
    # every import of this warehouse can be undone (newest first on the page)
    assert _undo_buttons(at) == {f"undo_btn_{i}" for i in (ab["a"], ab["b"])} | {
        f"undo_btn_{i}" for i in _ids(ab["db"]) if i not in (ab["a"], ab["b"])}
    texts = [x.value for x in at.text]
    assert texts.index("b.csv") < texts.index("a.csv") < texts.index("halls.csv")
    assert "bob" in texts and "ann" in texts
    # a click asks first; cancel leaves everything as it was
    at.button(key=f"undo_btn_{ab['b']}").click().run()
    question = t("undo.page.confirm", lang, file="b.csv", table=t("data.table.counter_tickets", lang),
                 at=_finished(ab["db"], ab["b"]), n_written="2", n_replaced="1")
    assert [w.value for w in at.warning] == [question]
    at.button(key="undo_no").click().run()
    assert not at.warning and table(ab["db"]).shape[0] == 4
    # confirm: B is undone, the table is A's again, the list says so
    at.button(key=f"undo_btn_{ab['b']}").click().run()
    at.button(key="undo_yes").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [t("undo.page.done", lang, file="b.csv", deleted="2", restored="1")]
    pd.testing.assert_frame_equal(table(ab["db"]), ab["after_a"])
    assert f"undo_btn_{ab['b']}" not in _undo_buttons(at)
    from .ingest_helpers import rows

    undone_at = pd.Timestamp(rows(ab["db"], "select undone_at from import_undos")[0][0])
    assert t("undo.status.undone", lang, at=undone_at.isoformat(sep=" ", timespec="seconds"), by="ada") in [
        x.value for x in at.text]
    web = [r for r in audit.read(settings.audit_path(ab["db"])) if r["event"] == "undo"]
    assert [(r["outcome"], r["user"], r["via"], r["import_id"]) for r in web] == [("undone", "ada", "web", ab["b"])]


def test_admin_sees_the_refusal(ab):
    at = _data_page("ada")
    at.button(key=f"undo_btn_{ab['a']}").click().run()
    at.button(key="undo_yes").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(t("undo.page.refused", "en", msg=""))
    assert ab["b"] in errors[0] and "b.csv" in errors[0]
    assert table(ab["db"]).shape[0] == 4  # nothing changed
    assert [r["outcome"] for r in audit.read(settings.audit_path(ab["db"])) if r["event"] == "undo"] == ["refused"]


@pytest.mark.parametrize("who", ["vera", "andy"])
def test_viewer_and_analyst_see_no_undo(ab, who):
    from dashboard.ingest.undo import undo_import

    done = undo_import(ab["b"], db=ab["db"], user="ada")
    at = _data_page(who)
    assert not at.exception, at.exception
    # the history says which import was undone (newest first: B, A, communities, halls)
    hist = next(d.value for d in at.dataframe if t("undo.col.status", "en") in d.value.columns)
    assert list(hist[t("data.col.file", "en")]) == ["b.csv", "a.csv", "communities.csv", "halls.csv"]
    assert list(hist[t("undo.col.status", "en")])[:2] == [
        t("undo.status.undone", "en", at=done.undone_at, by="ada"), t("undo.status.live", "en")]
    assert list(hist[t("undo.col.who", "en")])[:2] == ["bob", "ann"]
    assert t("undo.page.title", "en") not in [s.value for s in at.subheader]
    assert not _undo_buttons(at)
    assert not at.warning  # not even a refusal: the section is not drawn


def _ids(db) -> list[str]:
    from .ingest_helpers import rows

    return [r[0] for r in rows(db, "select import_id from imports")]


def _finished(db, import_id: str) -> str:
    from .ingest_helpers import rows

    ts = rows(db, "select finished_at from imports where import_id = $i", {"i": import_id})[0][0]
    return pd.Timestamp(ts).isoformat(sep=" ", timespec="seconds")


RUN_SCRIPT = """
from dashboard.ui import undo_panel
undo_panel._run({"import_id": IMPORT_ID}, "en")
"""


def test_undo_is_checked_on_the_server(ab):
    """A viewer's session that reaches the undo itself (not through a drawn button) is
    refused by the role check and nothing is undone."""
    at = AppTest.from_string(RUN_SCRIPT.replace("IMPORT_ID", repr(ab["b"])), default_timeout=60)
    at.session_state["_auth_user"] = "vera"
    at.run()
    assert [w.value for w in at.warning] == [t("acc.denied.role", "en", need="admin", role="viewer")]
    assert table(ab["db"]).shape[0] == 4
    assert not [r for r in audit.read(settings.audit_path(ab["db"])) if r["event"] == "undo"]
