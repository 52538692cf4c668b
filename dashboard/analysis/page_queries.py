"""The full set of metric calls each page makes, and a timer for them (``servicecircle bench``).

A page's query set is what it asks the warehouse for on a default view (no filters):
the analysis functions of :mod:`dashboard.analysis.metrics` its page file calls plus the
sidebar's filter options. :func:`bench` runs each set once on a fresh connection (cold) and then
several times (warm, median), in one process.
"""

from __future__ import annotations

import os
import statistics
import time
from types import ModuleType
from typing import Any

import duckdb

from dashboard import warehouse
from dashboard.analysis import metrics as m
from dashboard.analysis.filters import Filters


PAGE_CALLS: dict[str, tuple[str, ...]] = {
    "overview": ("overview_kpis",),
    "offload": ("offload", "ticket_summary", "openings"),
    "waiting": ("waiting",),
    "hotline": ("hotline", "openings"),
    "faults": ("faults", "openings"),
    "groups_staff": ("groups_staff", "openings"),
    "community": ("community",),
}
"""Page name → the metric functions (names in :mod:`dashboard.analysis.metrics`) its page
file calls on a default view; each page also loads the sidebar options. ``community``
stands for the profile page: the community list, then the first community's profile."""


def _call(mod: ModuleType, name: str, con: duckdb.DuckDBPyConnection, f: Filters) -> Any:
    if name == "community":
        lst = mod.query(con, "metrics/community_list", {
            "districts": list(f.districts) or None, "waves": list(f.waves) or None})
        if len(lst):
            return mod.community_profile(con, str(lst["community_id"].iloc[0]), f)
        return None
    return getattr(mod, name)(con, f)


def run_page(con: duckdb.DuckDBPyConnection, page: str, filters: Filters | None = None,
             mod: ModuleType = m) -> None:
    """Run one page's full query set (sidebar options included).

    Parameters
    ----------
    con
        Warehouse connection.
    page
        A key of :data:`PAGE_CALLS`.
    filters
        Filters (default: none).
    mod
        The metrics module to call (the benchmark passes an earlier revision's to compare).
    """
    f = filters or Filters()
    mod.filter_options(con)
    for name in PAGE_CALLS[page]:
        _call(mod, name, con, f)


def _extra_timings(db: os.PathLike) -> tuple[float | None, float | None]:
    from dashboard.coverage import bench as coverage_bench

    res = coverage_bench.timings(db)
    return res.get("coverage_ms"), res.get("plan_ms")


def _time(fn: Any, db: os.PathLike, runs: int) -> dict[str, float]:
    """Cold (first call on a fresh connection) and warm median milliseconds of ``fn(con)``."""
    con = warehouse.connect_read(db)
    try:
        t0 = time.perf_counter()
        fn(con)
        cold = (time.perf_counter() - t0) * 1000.0
        warm = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn(con)
            warm.append((time.perf_counter() - t0) * 1000.0)
    finally:
        con.close()
    return {"median_ms": round(statistics.median(warm), 1), "cold_ms": round(cold, 1)}


def bench(db: os.PathLike, runs: int = 7, filters: Filters | None = None) -> dict[str, Any]:
    """Time every page's query set.

    Parameters
    ----------
    db
        Warehouse path.
    runs
        Warm runs per page (the median is reported).
    filters
        Filters to apply (default: none, the pages' default view).

    Returns
    -------
    dict
        ``{"pages": {name: {"median_ms", "cold_ms"}}, "coverage_ms", "plan_ms",
        "hall_effect": {"median_ms", "cold_ms"}, "hall_effect_stored": {...} | None}``;
        coverage and plan from
        ``dashboard.coverage.bench.timings(db)`` when that exists; ``hall_effect`` times
        :func:`dashboard.analysis.hall_effects.estimate_halls` (both methods, the
        Waiting page's hall-level effect) computed, ``hall_effect_stored`` read from the
        precomputed views as a fresh server's page does (``None``: not precomputed).
    """
    from dashboard.analysis.hall_effects import estimate_halls

    pages = {page: _time(lambda con, page=page: run_page(con, page, filters), db, runs) for page in PAGE_CALLS}
    cov, plan = _extra_timings(db)
    hall = _time(lambda con: estimate_halls(con, filters), db, runs)
    return {"pages": pages, "coverage_ms": cov, "plan_ms": plan, "hall_effect": hall,
            "hall_effect_stored": _time_stored(db, estimate_halls, (filters or Filters(),), runs)}


def _time_stored(db, fn, args: tuple, runs: int) -> dict[str, float] | None:
    """Reading ``fn(con, *args)`` from the precomputed views (:mod:`dashboard.derived`), as a
    page on a fresh server does: cold = from disk, median = from memory (``None`` when the
    current data is not precomputed)."""
    from dashboard import derived

    version = warehouse.data_version(db)
    key = derived.call_key(fn, args)
    derived.clear_memory()
    t0 = time.perf_counter()
    found, _ = derived.load(db, version, key)
    cold = (time.perf_counter() - t0) * 1000
    if not found:
        return None
    warm = []
    for _ in range(runs):
        t0 = time.perf_counter()
        derived.load(db, version, key)
        warm.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(warm), "cold_ms": cold}
