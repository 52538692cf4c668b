"""Attribution on the pages: the Data page's table and the caption under per-community
figures, on the hand-worked tickets of ``test_ingest_customers`` (T1 from the export,
T2 and T3 through the list, T4 and T5 without a community)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.i18n import fmt_count, t
from dashboard.ingest import import_files
from dashboard.ui.attribution import attribution_table, effect_tables, left_out_text

from .ingest_helpers import write_text
from .test_ingest_customers import CUSTOMERS, TICKETS


def _counts(**none) -> pd.DataFrame:
    tables = ("counter_tickets", "hotline_orders", "room_visits")
    return pd.DataFrame({
        "table_name": tables, "n_rows": [10, 4, 0], "n_export": [2, 4, 0], "n_customer": [5, 0, 0],
        "n_none": [none.get(x, 0) for x in tables],
    })


def test_table_share_and_labels():
    df = _counts(counter_tickets=3)
    out = attribution_table(df, "en")
    assert list(out[t("customers.col.table", "en")]) == ["Counter tickets", "Hotline work orders", "Room visits"]
    # (2 + 5) / 10 tickets have a community; an empty table has no share
    assert list(out[t("customers.col.share", "en")]) == ["70.0%", "100.0%", "–"]
    assert list(out[t("customers.col.unattributed", "en")]) == ["3", "0", "0"]


def test_caption_names_only_tables_with_rows_left_out():
    assert left_out_text(_counts(), ("counter_tickets", "hotline_orders"), "en") is None
    df = _counts(counter_tickets=3, room_visits=2)
    assert left_out_text(df, ("hotline_orders",), "en") is None
    text = left_out_text(df, ("counter_tickets", "hotline_orders", "room_visits"), "en")
    assert text == t("customers.left_out", "en", parts="3 Counter tickets, 2 Room visits")
    assert "3" in left_out_text(df, effect_tables("hall_wait_mean_min"), "zh")
    assert effect_tables("satisfaction_rate") == ("hotline_orders",)


@pytest.fixture
def attributed(base_db, tmp_path, monkeypatch):
    import_files("tickets", [write_text(tmp_path / "t.csv", TICKETS)], db=base_db)
    import_files("customers", [write_text(tmp_path / "c.csv", CUSTOMERS)], db=base_db)
    monkeypatch.setenv("SERVICECIRCLE_DB", str(base_db))
    return base_db


def _page(name: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return at.switch_page(f"screens/{name}.py")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_page_shows_the_attribution_share(attributed, lang):
    at = _page("data", lang).run()
    assert not at.exception, at.exception
    share_col = t("customers.col.share", lang)
    df = next(d.value for d in at.dataframe if share_col in d.value.columns)
    row = df[df[t("customers.col.table", lang)] == t("data.table.counter_tickets", lang)].iloc[0]
    assert row[t("customers.col.from_export", lang)] == "1"
    assert row[t("customers.col.attributed", lang)] == "2"
    assert row[t("customers.col.unattributed", lang)] == "2"
    assert row[share_col] == "60.0%"


def test_community_page_says_how_many_rows_are_left_out(attributed):
    at = _page("community", "en").run()
    assert not at.exception, at.exception
    want = t("customers.left_out", "en", parts=t("customers.left_out.part", "en",
             table=t("data.table.counter_tickets", "en"), n=fmt_count(2, "en")))
    assert want in [c.value for c in at.caption]
