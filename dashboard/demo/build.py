"""Build the demo city: generate → write export files → import them → write the truth.

:func:`generate` draws the city (geography, roll-out, tickets through the queue,
hotline orders, room visits) from one seed; every part gets its own child generator
(``numpy.random.SeedSequence.spawn``), so a seed fixes every byte.

:func:`build_demo` writes the exports into ``data/demo/raw/`` and the street network
into ``data/demo/network.gpkg``, loads them all through the importer
(:func:`dashboard.ingest.import_files`) and the network import inside ONE
:func:`dashboard.warehouse.writer` block (one atomic swap: a failed build leaves the
warehouse as it was), marks the warehouse as demo data in the same write
(:func:`dashboard.demo_flag.mark`), then writes ``data/demo/truth.json`` (the true effects, see
:mod:`dashboard.demo.truth`) and ``data/demo/manifest.json`` (files, generated and
planted counts, import results, timings).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import demo_flag, parts, settings, warehouse
from dashboard.coverage.network import import_network
from dashboard.demo.config import DemoConfig, get_config
from dashboard.demo.exports import (
    LOAD_ORDER,
    Written,
    write_exports,
    write_manifest,
    write_network,
)
from dashboard.demo.geography import Geography, build_geography
from dashboard.demo.hotline import generate_hotline
from dashboard.demo.queue import Tickets, day_frame, generate_tickets, simulate_queue
from dashboard.demo.rollout import Rollout, build_rollout
from dashboard.demo.truth import compute_truth
from dashboard.demo.visits import generate_visits

__all__ = ["DEFAULT_SEED", "DemoCity", "DemoExists", "build_demo", "generate"]

log = logging.getLogger(__name__)

DEFAULT_SEED = 20240101
Progress = Callable[[str, float], None] | None

CANONICAL_TABLES: tuple[str, ...] = (
    "communities", "buildings", "business_halls", "service_rooms", "counter_tickets",
    "hotline_orders", "room_visits", "staff", "customers",
)


class DemoExists(RuntimeError):
    """The warehouse already holds data and ``force`` was not given."""

    def __init__(self, db: Path) -> None:
        super().__init__(
            f"warehouse {db} already holds data; rebuild with force=True (--force) or use another db"
        )
        self.db = db


@dataclass
class DemoCity:
    """A generated city (nothing written yet)."""

    cfg: DemoConfig
    seed: int
    geo: Geography
    roll: Rollout
    tickets: Tickets
    hotline: pd.DataFrame
    visits: pd.DataFrame
    cf_queue: tuple[np.ndarray, np.ndarray, np.ndarray] | None


def generate(
    scale: str = "small", *, seed: int = DEFAULT_SEED, cfg: DemoConfig | None = None,
    progress: Progress = None,
) -> DemoCity:
    """Generate the city in memory.

    Parameters
    ----------
    scale
        ``tiny`` (tests), ``small`` (default) or ``city``; ignored when ``cfg`` is given.
    seed
        Seed of every random draw.
    cfg
        A configuration to use instead of the named scale (e.g. other true effects).
    progress
        ``progress(message, fraction)`` callback.

    Returns
    -------
    DemoCity
    """
    cfg = cfg or get_config(scale)
    rng_geo, rng_roll, rng_tk, rng_ho, rng_vi = (
        np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(5)
    )
    say = progress or (lambda m, f: None)
    say("geography", 0.0)
    geo = build_geography(cfg, rng_geo)
    say("rollout", 0.05)
    roll = build_rollout(cfg, geo, rng_roll)
    say("tickets", 0.08)
    tickets = generate_tickets(cfg, geo, roll, rng_tk)
    cf = None
    if cfg.counterfactual_queue:
        say("tickets without rooms", 0.35)
        cf = simulate_queue(tickets.frame, tickets.counters, day_frame(cfg), include_diverted=True)
    say("hotline", 0.55)
    hotline = generate_hotline(cfg, geo, roll, rng_ho)
    say("visits", 0.8)
    visits = generate_visits(cfg, geo, roll, tickets.frame, rng_vi)
    say("generated", 1.0)
    return DemoCity(cfg, int(seed), geo, roll, tickets, hotline, visits, cf)


def _has_data(db: Path) -> bool:
    if not db.exists():
        return False
    con = warehouse.connect_read(db)
    try:
        have = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'wh'").fetchall()}
        for t in CANONICAL_TABLES:
            if t in have and con.execute(f'select count(*) from "{t}"').fetchone()[0]:  # noqa: S608 (fixed names)
                return True
        return False
    finally:
        con.close()


def build_demo(
    scale: str = "small",
    *,
    seed: int = DEFAULT_SEED,
    db: str | os.PathLike | None = None,
    out_dir: str | os.PathLike | None = None,
    force: bool = False,
    cfg: DemoConfig | None = None,
    progress: Progress = None,
) -> dict:
    """Generate the demo city, write its exports and load them into the warehouse.

    Parameters
    ----------
    scale
        ``small`` (default), ``city``, or ``tiny`` (tests).
    seed
        Seed of the whole city.
    db
        Warehouse path (default ``settings.db_path()``).
    out_dir
        Where ``raw/``, ``network.gpkg``, ``truth.json`` and ``manifest.json`` go
        (default ``data/demo``).
    force
        Replace what the warehouse holds (in the same atomic write). Without it a
        warehouse with data is left alone and :class:`DemoExists` is raised before any
        work is done.
    cfg
        A configuration to use instead of the named scale.
    progress
        ``progress(message, fraction)`` callback.

    Returns
    -------
    dict
        The manifest: files, generated counts, planted messy rows, per-table import
        results (``ImportResult.as_dict()``), network counts, wall ``seconds`` and
        ``cpu_seconds`` (this process, all threads) per step, paths.

    Raises
    ------
    DemoExists
        If the warehouse already holds data and ``force`` is false.
    """
    t_all = time.perf_counter()
    db_path = settings.db_path(db)
    out = Path(out_dir) if out_dir else settings.DEMO_DIR
    raw = out / "raw"
    if not force and _has_data(db_path):
        raise DemoExists(db_path)
    say = progress or (lambda m, f: None)
    secs: dict[str, float] = {}
    cpu: dict[str, float] = {}  # CPU seconds of this process (all threads) per step
    c_all = time.process_time()

    def lap(name: str, t0: float, c0: float) -> None:
        secs[name] = time.perf_counter() - t0
        cpu[name] = time.process_time() - c0

    t, c = time.perf_counter(), time.process_time()
    city = generate(scale, seed=seed, cfg=cfg, progress=lambda m, f: say(m, 0.45 * f))
    lap("generate", t, c)

    t, c = time.perf_counter(), time.process_time()
    say("exports", 0.45)
    written: Written = write_exports(city.cfg, city.geo, city.roll, city.tickets, city.hotline, city.visits, raw)
    net_path = out / "network.gpkg"
    n_segments = write_network(city.geo, net_path)
    lap("write_exports", t, c)

    t, c = time.perf_counter(), time.process_time()
    truth = compute_truth(city.cfg, city.geo, city.roll, city.tickets, city.hotline, city.cf_queue, seed)
    lap("truth", t, c)
    scale_name = city.cfg.scale
    del city  # the generated frames are on disk now; free them before the import

    from dashboard.ingest import import_files

    imports: dict[str, dict] = {}
    t, c = time.perf_counter(), time.process_time()
    files_total = sum(len(written.files[k]) for k in LOAD_ORDER)
    done = 0
    with warehouse.writer(db_path) as con:
        if force:
            for tname in (*CANONICAL_TABLES, "imports", "rejects"):
                parts.clear(con, tname)
        for table in LOAD_ORDER:
            files = written.files[table]
            base = done

            def step(msg: str, frac: float, base: int = base, n: int = len(files), table: str = table) -> None:
                say(f"import {table}: {msg}", 0.5 + 0.45 * (base + frac * n) / files_total)

            res = import_files(table, files, crs=written.crs[table], con=con, progress=step)
            imports[table] = res.as_dict()
            done += len(files)
        lap("import_tables", t, c)
        t2, c2 = time.perf_counter(), time.process_time()
        say("import network", 0.95)
        network = import_network([net_path], con=con)
        lap("import_network", t2, c2)
        demo_flag.mark(con, scale=scale_name, seed=seed)
        say("publish", 0.98)
        t2, c2 = time.perf_counter(), time.process_time()
    lap("publish", t2, c2)  # rollups, checkpoint, atomic swap
    lap("import", t, c)
    secs["total"] = time.perf_counter() - t_all
    cpu["total"] = time.process_time() - c_all

    mismatches = []
    for table in LOAD_ORDER:
        r, p = imports[table], written.planted[table]
        want = (written.generated[table], p["rejected"], p["duplicates"])
        got = (r["stored"] + r["updated"], r["rejected"], r["duplicates"])
        if got != want:
            mismatches.append({"table": table, "expected": list(want), "loaded": list(got)})
            log.warning("demo %s: expected stored/rejected/duplicates %s, importer gave %s", table, want, got)

    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    report = {
        "scale": scale_name,
        "seed": int(seed),
        "db": str(db_path),
        "out_dir": str(out),
        "network_file": str(net_path),
        "network_segments": n_segments,
        "imports": imports,
        "network": network,
        "mismatches": mismatches,
        "seconds": {k: round(v, 2) for k, v in secs.items()},
        "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
    }
    write_manifest(out / "manifest.json", written, report)
    say("done", 1.0)
    return {**written.as_dict(), **report}
