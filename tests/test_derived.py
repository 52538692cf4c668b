"""Precomputed results (:mod:`dashboard.derived`): stored per data version, read by a fresh
server without a single effect fit, and invalidated and rebuilt by every import."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import derived, settings, warehouse
from dashboard.analysis import fits
from dashboard.analysis.effects import estimate
from dashboard.analysis.filters import Filters
from tests.tiny_demo import build_tiny

DEFAULT_PAGES = ("overview", "offload", "waiting", "briefing")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("derived")
    build_tiny(root)
    return root / "wh.duckdb"


@pytest.fixture()
def empty_db(tmp_path):
    path = tmp_path / "wh.duckdb"
    with warehouse.writer(path):
        pass
    derived.clear_memory()
    return path


# ------------------------------------------------------------------ the store
def test_saved_result_reads_back_private_files(empty_db):
    v = warehouse.data_version(empty_db)
    assert derived.load(empty_db, v, "k") == (False, None)
    assert derived.save(empty_db, v, "k", {"a": [1, 2]})
    derived.clear_memory()  # a fresh server: only the disk copy is left
    assert derived.load(empty_db, v, "k") == (True, {"a": [1, 2]})
    folder = settings.derived_path(empty_db) / derived.token(v)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder / "k.pkl").st_mode) == 0o600


def test_each_caller_gets_its_own_copy(empty_db):
    v = warehouse.data_version(empty_db)
    derived.save(empty_db, v, "k", {"a": [1, 2]})
    _, first = derived.load(empty_db, v, "k")
    first["a"].append(3)  # a page changing its result must not change anyone else's
    assert derived.load(empty_db, v, "k") == (True, {"a": [1, 2]})


def test_result_of_older_data_is_not_stored(empty_db):
    v = warehouse.data_version(empty_db)
    time.sleep(0.01)
    with warehouse.writer(empty_db):  # an import swaps in a new file meanwhile
        pass
    assert not derived.save(empty_db, v, "k", 1)
    assert derived.load(empty_db, v, "k") == (False, None)
    assert derived.load(empty_db, warehouse.data_version(empty_db), "k") == (False, None)


def test_damaged_file_counts_as_missing(empty_db):
    v = warehouse.data_version(empty_db)
    derived.save(empty_db, v, "k", 1)
    derived.clear_memory()
    (settings.derived_path(empty_db) / derived.token(v) / "k.pkl").write_bytes(b"not a pickle")
    assert derived.load(empty_db, v, "k") == (False, None)


def test_other_code_does_not_reuse_results(empty_db, monkeypatch):
    v = warehouse.data_version(empty_db)
    derived.save(empty_db, v, "k", 1)
    derived.clear_memory()
    monkeypatch.setattr(derived, "_CODE", "othercode000")
    assert derived.load(empty_db, v, "k") == (False, None)


def test_concurrent_requests_share_one_computation(empty_db):
    v = warehouse.data_version(empty_db)
    runs: list[int] = []
    gate = threading.Event()

    def work():
        runs.append(1)
        gate.wait(5)
        return 42

    futures = [derived.compute_shared(empty_db, v, "shared", work) for _ in range(5)]
    gate.set()
    assert [f.result(10) for f in futures] == [42] * 5
    assert len(runs) == 1
    assert derived.compute_shared(empty_db, v, "shared", work).result(1) == 42  # stored now
    assert len(runs) == 1


# ------------------------------------------------------------------ precompute and a fresh server
def _render(db, page: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("SERVICECIRCLE_DB", str(db))
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=300)
    at = at.switch_page(f"screens/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_fresh_server_answers_default_pages_without_a_fit(tiny, monkeypatch):
    report = derived.precompute(tiny, pages=DEFAULT_PAGES)
    assert report["errors"] == {} and report["entries"] > 0
    assert derived.status(tiny)["pages"].keys() == set(DEFAULT_PAGES)
    derived.clear_memory()  # a fresh server process: nothing in memory, the files on disk
    fits.reset()
    for page in DEFAULT_PAGES:
        _render(tiny, page, monkeypatch)
    assert fits.count() == 0
    # and the stored estimate is the estimate: the same as computing it now
    con = warehouse.connect_read(tiny)
    try:
        direct = estimate(con, "counter_visits_per_1k_households", Filters())
    finally:
        con.close()
    assert fits.count() > 0  # the counter does see fits
    from dashboard.ui import loaders

    monkeypatch.setattr(loaders, "db", lambda: tiny)
    fits.reset()
    stored = loaders.cached_call(estimate, "counter_visits_per_1k_households", Filters())
    assert fits.count() == 0
    assert (stored.att, stored.ci_low, stored.ci_high) == (direct.att, direct.ci_low, direct.ci_high)
    # `servicecircle bench` times the Waiting page's hall-level effect as the page reads it
    from dashboard.analysis.hall_effects import estimate_halls
    from dashboard.analysis.page_queries import _time_stored

    assert set(_time_stored(tiny, estimate_halls, (Filters(),), 3)) == {"median_ms", "cold_ms"}
    assert _time_stored(tiny, estimate_halls, (Filters(hall_ids=("none",)),), 3) is None  # not a default view


def test_without_precompute_the_first_visit_fits(tiny, monkeypatch):
    """The control of the test above: with no stored results the same visit runs fits."""
    derived.prune(tiny, (0, 0, 0))  # remove every stored version
    derived.clear_memory()
    fits.reset()
    _render(tiny, "offload", monkeypatch)
    assert fits.count() > 0


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=900, check=True)


def test_every_import_invalidates_and_rebuilds(tmp_path, monkeypatch):
    build_tiny(tmp_path)
    db = tmp_path / "wh.duckdb"
    env = {"SERVICECIRCLE_PRECOMPUTE": "1", "SERVICECIRCLE_KEY_FILE": str(tmp_path / "hash.key")}
    _cli("precompute", "--db", str(db), env=env)
    old = derived.status(db)
    assert old is not None and old["errors"] == {}
    con = warehouse.connect_read(db)
    try:
        before = int(con.execute("select count(*) from counter_tickets").fetchone()[0])
        hall = con.execute("select hall_id from business_halls order by hall_id limit 1").fetchone()[0]
    finally:
        con.close()
    extra = tmp_path / "more_tickets.csv"
    extra.write_text("流水号,营业厅,取号时间,叫号时间,办理结果,业务类型\n" + "".join(
        f"NEW{i},{hall},2024-03-0{1 + i % 5} 09:{i:02d},2024-03-0{1 + i % 5} 09:{i + 5:02d},正常,交费\n"
        for i in range(30)), encoding="utf-8")
    _cli("import", "tickets", str(extra), "--db", str(db), env=env)
    new = derived.status(db)
    assert new is not None and new["version"] != old["version"]
    root = settings.derived_path(db)
    assert sorted(p.name for p in root.iterdir()) == [new["version"]]  # the old version's results are gone
    # a fresh server answers the default page of the new data without a fit, with the new numbers
    derived.clear_memory()
    fits.reset()
    with pytest.MonkeyPatch.context() as mp:
        _render(db, "offload", mp)
        assert fits.count() == 0
        from dashboard.ui import loaders

        mp.setattr(loaders, "db", lambda: db)
        stored = loaders.cached_call(estimate, "counter_visits_per_1k_households", Filters())
    assert fits.count() == 0
    con = warehouse.connect_read(db)
    try:
        assert int(con.execute("select count(*) from counter_tickets").fetchone()[0]) == before + 30
        direct = estimate(con, "counter_visits_per_1k_households", Filters())
    finally:
        con.close()
    assert (stored.att, stored.ci_low, stored.n_treated, stored.counterfactual_mean) == (
        direct.att, direct.ci_low, direct.n_treated, direct.counterfactual_mean)


def test_upload_starts_a_background_precompute(empty_db, monkeypatch):
    import subprocess as sp

    started: list[list[str]] = []
    monkeypatch.setattr(sp, "Popen", lambda args, **kw: started.append(args))
    monkeypatch.setenv("SERVICECIRCLE_PRECOMPUTE", "0")
    assert not derived.start_background(empty_db) and started == []
    monkeypatch.setenv("SERVICECIRCLE_PRECOMPUTE", "1")
    assert derived.start_background(empty_db)
    assert started == [[sys.executable, "-m", "dashboard.cli", "precompute", "--db", str(empty_db)]]


def test_precompute_opens_the_lazy_sections(tiny, monkeypatch):
    """A section drawn only when opened (here faults' second estimate and the waiting
    page's community-level diagnostic) is stored by the precompute too: opening it on a
    fresh server runs no fit."""
    from dashboard.i18n import t

    report = derived.precompute(tiny, pages=("faults", "waiting"))
    assert report["errors"] == {}
    derived.clear_memory()
    fits.reset()
    at = _render(tiny, "faults", monkeypatch)
    at.session_state["fl_effect_tabs"] = t("out.outcome.arrival_minutes", "zh")
    at.run()
    at = _render(tiny, "waiting", monkeypatch)
    at.session_state["wait_diagnostic_exp"] = True
    at.run()
    assert not at.exception, at.exception
    assert any(c.proto.id.endswith("eff_event_hall_wait_mean_min") for c in at.get("plotly_chart"))
    assert fits.count() == 0
