"""Timings of the coverage area for ``servicecircle bench``: ``coverage_ms`` and ``plan_ms``.

:func:`timings` loads the warehouse's network and demand once (``load_ms``, cold), times
the first coverage at the default walk (``coverage_first_ms``: it builds the room x demand
distance matrix that later calls reuse), then reports medians over several runs: coverage
of every open room (``coverage_ms``), a what-if (add one room, close one: ``what_if_ms``)
and a 20-room plan from up to 2,000 network-node candidates without the exact check
(``plan_ms``; its first run also builds the candidate pairs).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from dashboard import settings

__all__ = ["timings"]


def _median_ms(fn: Callable[[], Any], runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return round(statistics.median(out), 1)


def timings(db: str | os.PathLike | None = None, runs: int = 5, plan_k: int = 20) -> dict[str, Any]:
    """Coverage timings on the warehouse ``db`` (``None`` values when no network is stored).

    Parameters
    ----------
    db
        Warehouse path (default: see :func:`dashboard.settings.db_path`).
    runs
        Runs per measurement (median reported); the plan runs ``max(1, runs // 3)`` times.
    plan_k
        Rooms the timed plan adds.

    Returns
    -------
    dict
        ``{"load_ms", "coverage_first_ms", "coverage_ms", "what_if_ms", "plan_ms", "nodes", "rooms"}``.
    """
    from dashboard import warehouse
    from dashboard.coverage import engine, inputs, planner
    from dashboard.coverage.refusals import NetworkError

    path = settings.db_path(db)
    t0 = time.perf_counter()
    con = warehouse.connect_read(path)
    try:
        data = inputs.read_data(con)
    except NetworkError:
        return {"load_ms": None, "coverage_first_ms": None, "coverage_ms": None, "what_if_ms": None,
                "plan_ms": None, "nodes": 0, "rooms": 0}
    finally:
        con.close()
    load_ms = round((time.perf_counter() - t0) * 1000.0, 1)
    first = _median_ms(lambda: engine.compute(data), 1)  # builds the distance matrix
    cov = _median_ms(lambda: engine.compute(data), runs)
    rooms = data.rooms
    add = pd.DataFrame({"room_id": ["WHATIF"], "name": ["WHATIF"], "lon": [float(data.network.node_lon.mean())],
                        "lat": [float(data.network.node_lat.mean())]})
    close = list(rooms["room_id"].iloc[:1])
    wi = _median_ms(lambda: planner.what_if(data, add=add, close=close), runs)
    plan = _median_ms(lambda: planner.plan(data, k=plan_k, max_candidates=2000, exact_check=False),
                      max(1, runs // 3))
    return {"load_ms": load_ms, "coverage_first_ms": first, "coverage_ms": cov, "what_if_ms": wi, "plan_ms": plan,
            "nodes": int(data.network.n_nodes), "rooms": int(len(rooms))}
