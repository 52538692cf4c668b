"""A freshly started server answers the default pages in a real browser without running a
single effect fit: the import precomputed them (:mod:`dashboard.derived`). The fits of
the server process are counted through ``SERVICECIRCLE_FIT_LOG``."""

from __future__ import annotations

import pytest

from dashboard import parts, settings

from .e2e_support import exceptions, goto, page_url, pages, start_server

pytestmark = pytest.mark.e2e

DEFAULT_PAGES = ("overview", "offload", "waiting", "hotline", "faults", "briefing")


def _visit(page, srv, names) -> None:
    first = pages()[0][0]
    for name in names:
        goto(page.page, page_url(srv.url, name, first))
        assert not exceptions(page.page), (name, exceptions(page.page))


def _fits(log) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_fresh_server_runs_no_fit_on_default_pages(demo_db, page, tmp_path, monkeypatch):
    assert (settings.derived_path(demo_db)).is_dir(), "the demo build stored no precomputed views"
    log = tmp_path / "fits.log"
    monkeypatch.setenv("SERVICECIRCLE_FIT_LOG", str(log))
    srv = start_server(demo_db, tmp_path / "serve.log")
    try:
        _visit(page, srv, DEFAULT_PAGES)
    finally:
        srv.stop()
    assert _fits(log) == []


def test_without_stored_views_the_same_visit_fits(demo_db, page, tmp_path, monkeypatch):
    """The control: on a copy of the warehouse without its stored views (and with the
    precompute at start turned off) the same visits run fits, so the count above is real."""
    copy = tmp_path / "copy.duckdb"
    parts.copy_warehouse(demo_db, copy)
    log = tmp_path / "fits.log"
    monkeypatch.setenv("SERVICECIRCLE_FIT_LOG", str(log))
    monkeypatch.setenv("SERVICECIRCLE_PRECOMPUTE", "0")
    srv = start_server(copy, tmp_path / "serve.log")
    try:
        _visit(page, srv, DEFAULT_PAGES[:2])
    finally:
        srv.stop()
    assert len(_fits(log)) > 0
