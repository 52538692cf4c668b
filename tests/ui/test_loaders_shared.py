"""Sessions share cached results: a computation that several sessions ask for at the same
time runs once, and a new data version (an import) gets a fresh result.

``dashboard.ui.loaders.cached_call`` keys the cache on (warehouse path, data version,
function, arguments) in :mod:`dashboard.derived`, which runs one computation per key, so the sessions that
ask while the first one computes wait for its result instead of computing again.
"""

from __future__ import annotations

import threading
import time

import pytest

from dashboard import derived, warehouse
from dashboard.ui import loaders

CALLS: list[float] = []


def slow_count(con, table: str) -> int:
    """Module-level (as cached_call requires): count rows slowly, recording each run."""
    CALLS.append(time.monotonic())
    time.sleep(0.4)
    return con.execute(f"select count(*) from {table}").fetchone()[0]  # table: a constant of this test


@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = tmp_path / "wh.duckdb"
    with warehouse.writer(path):
        pass
    monkeypatch.setattr(loaders, "db", lambda: path)
    derived.clear_memory()
    CALLS.clear()
    return path


def test_concurrent_sessions_compute_once(db):
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(loaders.cached_call(slow_count, "imports")))
               for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert results == [0] * 6
    assert len(CALLS) == 1


def test_new_data_version_recomputes(db):
    assert loaders.cached_call(slow_count, "meta") >= 1
    assert loaders.cached_call(slow_count, "meta") >= 1
    assert len(CALLS) == 1
    time.sleep(0.01)  # a new file: the data version (inode, mtime, size) changes
    with warehouse.writer(db):
        pass
    loaders.cached_call(slow_count, "meta")
    assert len(CALLS) == 2


def slow_square(path: str, version: tuple, x: int) -> int:
    """Work without a connection (as coverage is), recording each run."""
    CALLS.append(time.monotonic())
    return x * x


def test_stored_work_runs_once_per_data_version_and_survives_a_restart(db):
    assert loaders.stored(slow_square, 7) == 49
    assert loaders.stored(slow_square, 7) == 49
    assert len(CALLS) == 1
    derived.clear_memory()  # a fresh server: read from disk, not run again
    assert loaders.stored(slow_square, 7) == 49
    assert len(CALLS) == 1
    assert loaders.stored(slow_square, 8) == 64  # other arguments: another result
    assert len(CALLS) == 2
    time.sleep(0.01)
    with warehouse.writer(db):
        pass
    assert loaders.stored(slow_square, 7) == 49
    assert len(CALLS) == 3
