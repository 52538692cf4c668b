"""The Staffing section of the Waiting page (AppTest on the tiny demo): it shows the
library's sentence, and a new waiting target reruns it with the new numbers."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import settings, warehouse
from dashboard.analysis import staffing


def _sentence(db, target: float, lang: str = "zh") -> str:
    con = warehouse.connect_read(db)
    try:
        return staffing.sentence(staffing.staffing(staffing.load_inputs(con), target), lang)
    finally:
        con.close()


def test_waiting_page_staffing_section(tiny_city, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tiny_city["db"]))
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at = at.switch_page("screens/waiting.py").run()
    assert not at.exception, at.exception
    infos = [i.value for i in at.info]
    assert _sentence(tiny_city["db"], 15.0) in infos
    at.number_input(key="staffing_target").set_value(4.0).run()
    assert not at.exception, at.exception
    infos = [i.value for i in at.info]
    tight = _sentence(tiny_city["db"], 4.0)
    assert tight in infos and tight != _sentence(tiny_city["db"], 15.0)


def _section():
    from dashboard.analysis.filters import Filters
    from dashboard.ui.staffing_section import render_staffing

    render_staffing(Filters(), "zh")


def test_section_says_why_on_a_warehouse_without_handling_times(tmp_path, monkeypatch):
    from dashboard.ingest import import_files
    from dashboard.i18n import t
    from tests.test_partial_warehouses import HALLS, TICKETS

    db = tmp_path / "wh.duckdb"
    (tmp_path / "halls.csv").write_text(HALLS, encoding="utf-8")
    (tmp_path / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    import_files("halls", [tmp_path / "halls.csv"], db=db)
    import_files("tickets", [tmp_path / "tickets.csv"], db=db)
    monkeypatch.setenv("SERVICECIRCLE_DB", str(db))
    at = AppTest.from_function(_section, default_timeout=120).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [t("staffing.reason.no_handling", "zh")]
