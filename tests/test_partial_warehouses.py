"""Every page and both report formats on warehouses a new user really starts with.

A new installation holds nothing, then only what the user has exported so far (halls and
queue tickets first, rooms later, the street network last). Every page must run without
an exception on such a warehouse and say in the user's language what is missing, and
the briefing exports must still be written.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings, warehouse
from dashboard.ui.navigation import PAGES
from dashboard.ingest import import_files
from dashboard.analysis.filters import Filters
from dashboard.commands.report import render

HALLS = "营业厅编号,营业厅名称,区县,经度,纬度,窗口数\nH01,城东营业厅,城东区,118.780,32.040,6\nH02,城西营业厅,城西区,118.700,32.050,4\n"
TICKETS = "流水号,营业厅,取号时间,叫号时间,办理结果,业务类型\n" + "".join(
    f"T{i},H0{1 + i % 2},2024-0{1 + i % 6}-0{1 + i % 9} 09:{i % 60:02d},2024-0{1 + i % 6}-0{1 + i % 9} 10:{i % 60:02d},正常,交费\n"
    for i in range(60)
)
_LATIN_SENTENCE = re.compile(r"[A-Za-z]{3,}( [A-Za-z]{2,}){3,}")  # four English words in a row


@pytest.fixture(scope="module", params=["empty", "halls_tickets"])
def partial_db(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(request.param)
    db = d / "wh.duckdb"
    with warehouse.writer(db):
        pass  # schema only
    if request.param == "halls_tickets":
        (d / "halls.csv").write_text(HALLS, encoding="utf-8")
        (d / "tickets.csv").write_text(TICKETS, encoding="utf-8")
        import_files("halls", [d / "halls.csv"], db=db)
        import_files("tickets", [d / "tickets.csv"], db=db)
    return db


def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("error", "warning", "info", "caption", "markdown", "title", "header", "subheader"):
        out.extend(str(e.value) for e in getattr(at, kind))
    return out


@pytest.mark.parametrize("page", [p[0][:-3] for p in PAGES])
def test_every_page_runs_and_speaks_chinese(partial_db, page, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(partial_db))
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.query_params["lang"] = "zh"
    at = at.switch_page(f"screens/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    for text in _texts(at):
        # commands, file types and codes may be Latin; a whole English sentence may not
        assert not _LATIN_SENTENCE.search(text.replace("servicecircle import network", "")), text


@pytest.mark.parametrize("fmt", ["pptx", "html"])
def test_briefing_exports_on_partial_warehouse(partial_db, fmt, tmp_path):
    con = warehouse.connect_read(partial_db)
    try:
        data = render(fmt, con, Filters(), "zh")
    finally:
        con.close()
    magic = b"PK" if fmt == "pptx" else b"<!DOCTYPE html"
    assert data.startswith(magic) and len(data) > 10_000
