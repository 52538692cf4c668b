"""The Data page in Chinese and English: loaded tables, history, rejects with filters."""

from __future__ import annotations

import pytest
from .ingest_helpers import TICKETS_CSV, write_text
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.i18n import t
from dashboard.ingest import import_files


def _frame(at: AppTest, column: str, nth: int = 0):
    """The ``nth`` dataframe on the page that has a column labelled ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    return found[nth]


def _page(lang: str) -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return at.switch_page("screens/data.py")


@pytest.fixture
def loaded(base_db, tmp_path, monkeypatch):
    bad = TICKETS_CSV + "T8,H99,A8,交费,2024-03-05 09:00,,,,1,正常,,,,\nT9,H01,A9,开发票,2024-03-06 09:00,,,,1,正常,,,,\n"
    import_files("tickets", [write_text(tmp_path / "t.csv", bad)], db=base_db)
    monkeypatch.setenv("SERVICECIRCLE_DB", str(base_db))
    return base_db


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_page(loaded, lang):
    at = _page(lang).run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("data.page.title", lang)
    loaded_df = _frame(at, t("data.col.first", lang))
    by_table = dict(zip(loaded_df.iloc[:, 0], loaded_df.iloc[:, 1]))
    assert by_table[t("data.table.counter_tickets", lang)] == "3"
    assert by_table[t("data.table.business_halls", lang)] == "2"
    rej = _frame(at, t("data.col.values", lang))
    assert sorted(rej[t("data.col.reason", lang)]) == sorted(
        [t("data.reason.unknown_hall", lang), t("data.reason.unknown_category", lang)]
    )
    # the file's lines as a spreadsheet shows them: header on line 1, T8 and T9 on lines 5 and 6
    assert sorted(rej[t("data.col.row", lang)]) == [5, 6]
    # filter by reason
    at.multiselect(key="data_rej_reason").select("unknown_hall").run()
    assert not at.exception, at.exception
    rej = _frame(at, t("data.col.values", lang))
    assert list(rej[t("data.col.detail", lang)]) == ["H99"]
    hist = _frame(at, t("data.col.time", lang))
    assert len(hist) == 3  # halls, communities, tickets


def test_data_page_without_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(tmp_path / "none.duckdb"))
    at = _page("zh").run()
    assert not at.exception, at.exception
    assert any("none.duckdb" in i.value for i in at.info)
