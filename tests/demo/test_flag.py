"""The demo-data flag: set by the demo, kept while any demo row is stored, shown on the
pages (one banner) and on every slide and the HTML report.

The rule is checked on a hand-made warehouse (two "demo" communities, real exports
that add, then replace them one by one) and on the tiny demo city (the flag's row count
against a plain count of every canonical table).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dashboard import demo_flag, parts, settings, warehouse
from dashboard.i18n import t
from dashboard.ingest import import_files

HEADER = "社区编码,社区名称,区县,类型,户数,常住人口,60岁以上人口,经度,纬度\n"
DEMO_ROWS = "C1,梅园社区,城东区,城市社区,3200,8100,1900,118.781,32.041\nC2,桃园社区,城东区,城市社区,2500,6400,1500,118.785,32.045\n"


def _csv(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _flag(db: Path) -> dict | None:
    con = warehouse.connect_read(db)
    try:
        return demo_flag.read(con)
    finally:
        con.close()


@pytest.fixture()
def hand_demo(tmp_path) -> Path:
    """A warehouse whose two communities were stored by a demo build (marked as such)."""
    db = tmp_path / "wh.duckdb"
    with warehouse.writer(db) as con:
        import_files("communities", _csv(tmp_path / "demo.csv", DEMO_ROWS), con=con)
        demo_flag.mark(con, scale="hand", seed=1)
    return db


def test_real_imports_clear_the_flag_only_when_no_demo_row_is_left(hand_demo, tmp_path):
    assert _flag(hand_demo) == {**_flag(hand_demo), "scale": "hand", "seed": 1, "n_demo_rows": 2}
    # a real export with another community: both demo rows are still there
    import_files("communities", _csv(tmp_path / "c3.csv", "C3,杏园社区,城西区,城市社区,900,2000,300,118.70,32.05\n"),
                 db=hand_demo)
    assert _flag(hand_demo)["n_demo_rows"] == 2
    # the real export re-states C1 with other values: C1 is real now, C2 is still demo
    import_files("communities", _csv(tmp_path / "c1.csv", "C1,梅园社区,城东区,城市社区,3300,8200,1950,118.781,32.041\n"),
                 db=hand_demo)
    assert _flag(hand_demo)["n_demo_rows"] == 1
    # and C2: no demo row left, the flag and the recorded hashes are gone
    import_files("communities", _csv(tmp_path / "c2.csv", "C2,桃园社区,城东区,城市社区,2600,6500,1500,118.785,32.045\n"),
                 db=hand_demo)
    assert _flag(hand_demo) is None
    con = warehouse.connect_read(hand_demo)
    try:
        assert con.execute("select count(*) from demo_rows").fetchone()[0] == 0
        assert con.execute("select count(*) from meta where key = 'demo'").fetchone()[0] == 0
    finally:
        con.close()


def test_a_warehouse_the_demo_never_wrote_carries_no_flag(tmp_path):
    db = tmp_path / "real.duckdb"
    import_files("communities", _csv(tmp_path / "real.csv", DEMO_ROWS), db=db)
    assert _flag(db) is None


@pytest.fixture(scope="module")
def demo_db(tiny_build, tmp_path_factory) -> Path:
    """A copy of the tiny demo warehouse (tests here write to it)."""
    _, root = tiny_build
    db = tmp_path_factory.mktemp("flag") / "wh.duckdb"
    parts.copy_warehouse(root / "wh.duckdb", db)
    return db


def test_demo_sets_the_flag_on_every_row_it_stored(demo_db):
    info = _flag(demo_db)
    assert info is not None and info["scale"] == "tiny" and info["seed"] == 7
    con = warehouse.connect_read(demo_db)
    try:
        total = sum(con.execute(f"select count(*) from {tab}").fetchone()[0] for tab in warehouse.CANONICAL_TABLES)
        assert con.execute("select count(*) from counter_tickets").fetchone()[0] > 0
        assert con.execute("select count(*) from network_edges").fetchone()[0] > 0
    finally:
        con.close()
    assert info["n_demo_rows"] == total


def test_a_real_import_into_the_demo_keeps_the_flag(demo_db, tmp_path):
    before = _flag(demo_db)["n_demo_rows"]
    res = import_files("communities", _csv(tmp_path / "new.csv", "X1,新社区,城西区,城市社区,900,2000,300,118.70,39.65\n"),
                       db=demo_db)
    assert res.stored == 1
    after = _flag(demo_db)
    assert after is not None and after["n_demo_rows"] == before


def test_every_page_shows_the_banner(demo_db, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    app = str(settings.PROJECT_ROOT / "dashboard" / "app.py")
    monkeypatch.setenv("SERVICECIRCLE_DB", str(demo_db))
    at = AppTest.from_file(app, default_timeout=120).switch_page("screens/definitions.py").run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning].count(t("flag.banner", "zh")) == 1
    # the same page on real data: no banner
    real = tmp_path / "real.duckdb"
    import_files("communities", _csv(tmp_path / "real.csv", DEMO_ROWS), db=real)
    monkeypatch.setenv("SERVICECIRCLE_DB", str(real))
    at = AppTest.from_file(app, default_timeout=120).switch_page("screens/definitions.py").run()
    assert not at.exception, at.exception
    assert t("flag.banner", "zh") not in [w.value for w in at.warning]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slide_and_the_html_report_say_demo(demo_db, tmp_path, lang):
    from pptx import Presentation
    from typer.testing import CliRunner

    from dashboard.cli import app
    from dashboard.report.briefing import SECTIONS

    stamp = t("flag.stamp", lang)
    runner = CliRunner()
    deck, page = tmp_path / "b.pptx", tmp_path / "b.html"
    for fmt, out in (("pptx", deck), ("html", page)):
        r = runner.invoke(app, ["report", "--format", fmt, "--db", str(demo_db), "--lang", lang, "--out", str(out)])
        assert r.exit_code == 0, r.output
    prs = Presentation(io.BytesIO(deck.read_bytes()))
    assert len(prs.slides) == 1 + len(SECTIONS)  # title slide, one per section
    for i, slide in enumerate(prs.slides, start=1):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert stamp in texts, f"slide {i} has no demo mark"
    html = page.read_text(encoding="utf-8")
    assert f'<div class="demo-flag" id="demo-flag">{stamp}</div>' in html
