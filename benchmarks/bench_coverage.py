"""Benchmark: walking coverage at city scale (~250k-node network, 800 rooms).

Usage::

    .venv/bin/python benchmarks/bench_coverage.py [--side 500] [--rooms 800] [--runs 7]
        [--db PATH] [--baseline-rev 4aeabe5] [--no-baseline] [--no-cli]

Synthesizes a city street grid (``side`` x ``side`` nodes, ~60 m blocks, jittered, 8 %
of street pieces missing), 1,500 communities with 20,000 buildings and ``--rooms``
rooms, and stores it in a warehouse through the same code as ``servicecircle import
network`` (``--db PATH`` keeps that warehouse and reuses it on the next run). Then, all
as medians of several runs:

* ``load``        network read from the warehouse; network + demand + rooms and the
  routing model (a cold page or CLI pays this once per warehouse version);
* ``coverage``    first coverage at a walk length (builds the room x demand matrix),
  then every further one (the pages' date slider, the roll-out series); the
  multi-source Dijkstra pass and one Dijkstra per room, then the minimum, beside it;
* ``what-if``     add one room anywhere and close one;
* ``plan``        20 rooms from 2,000 network-node candidates (greedy, no MILP), first
  call (candidate pairs and coverage matrix built) and again;
* ``map page``    the map page's data path, cold: load, coverage, roll-out series,
  walking area, street layer;
* ``CLI``         ``servicecircle coverage --json`` and ``plan --add 20 --json`` as fresh
  processes (cold: everything loaded from the warehouse).

The previous implementation (``--baseline-rev``, the commit before the speed work) is
loaded from git into this process under another package name and timed on the same
warehouse, so every ratio is measured here, under the same machine load.

Writes ``benchmarks/results/coverage.md``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.sparse.csgraph import dijkstra  # noqa: E402

from dashboard import warehouse  # noqa: E402
from dashboard.coverage import (  # noqa: E402
    areas,
    engine,
    graph,
    inputs,
    network,
    planner,
    projection,
    street_files,
    views,
)

LON0, LAT0 = 117.0, 36.65  # Jinan

NOTES = """\
Notes:

- Where the time went before: loading parsed 459k WKB blobs with shapely, projected ~1M
  vertices with PROJ (about 1.3 µs a point for the ellipsoidal azimuthal equidistant
  projection), built shapely geometries for snapping and node positions, and lexsorted
  ~1M directed edges to drop parallel ones. Now the WKB bytes come as one Arrow buffer and
  are read into coordinates with numpy, a degree-5 polynomial fitted to PROJ on a grid
  (checked against PROJ to 1 mm on a second grid and 2,000 of the points, else PROJ is
  used) projects them, snapping pieces come straight from the coordinates, and parallel
  streets are found once per network.
- Coverage: the distance from every room to every demand point within the walk is kept
  as a sparse matrix (bounded Dijkstra on local subgraphs, built once per walk length),
  so a date on the slider or a what-if close is a masked minimum; what-if rooms and plan
  candidates get their own local searches. The multi-source Dijkstra pass remains
  (`method="dijkstra"`, longer walks, walking areas) and the tests check both agree.
- City-wide walking area: GEOS's exact union of ~75k buffered street stretches took
  143,634 ms in one run before (11:52, heavy load); it is now traced from a distance
  raster (~20 m cells, contourpy), within a few per cent of the exact area (tested).
  The map figure's polygon layers are now numpy arrays: with Python lists plotly
  validated the city-wide area element by element (5-22 s per figure).
- A fresh CLI process spends about 1.3 s of CPU importing (pandas / pyarrow / duckdb /
  scipy), before any coverage work.
"""


def _timed(fn, runs: int, setup=None) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of ``runs`` calls (``setup`` untimed)."""
    wall, cpu = [], []
    for _ in range(runs):
        if setup is not None:
            setup()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _pair(new, old, runs: int, setup=None) -> tuple[tuple[float, float], tuple[float, float]]:
    """Like :func:`_timed` for two implementations, run alternately (same machine load)."""
    nw, nc, ow, oc = [], [], [], []
    for _ in range(runs):
        for fn, w, c in ((new, nw, nc), (old, ow, oc)):
            if setup is not None:
                setup()
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            w.append((time.perf_counter() - t0) * 1000)
            c.append((time.process_time() - c0) * 1000)
    return ((statistics.median(nw), statistics.median(nc)), (statistics.median(ow), statistics.median(oc)))


def synth_lines(side: int, block_m: float, rng) -> street_files.Lines:
    proj = projection.local_proj(LON0, LAT0)
    ix, iy = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    x = ix * block_m + rng.normal(0, 4, ix.shape)
    y = iy * block_m + rng.normal(0, 4, iy.shape)
    x -= x.mean()
    y -= y.mean()
    lon, lat = projection.to_lonlat(proj, x.ravel(), y.ravel())
    ll = np.column_stack([lon, lat]).reshape(side, side, 2)
    pieces = []
    for a, b in (((slice(None, -1), slice(None)), (slice(1, None), slice(None))),
                 ((slice(None), slice(None, -1)), (slice(None), slice(1, None)))):
        p0 = ll[a].reshape(-1, 2)
        p1 = ll[b].reshape(-1, 2)
        keep = rng.random(len(p0)) > 0.08
        pieces.append(np.stack([p0[keep], p1[keep]], axis=1))
    seg = np.concatenate(pieces)
    coords = seg.reshape(-1, 2)
    offsets = np.arange(0, len(coords) + 1, 2, dtype=np.int64)
    hw = np.where(rng.random(len(seg)) < 0.3, "footway", "residential").astype(object)
    return street_files.Lines(coords, offsets, hw, len(seg), 0), x, y


def build_city(db: Path, side: int, n_rooms: int) -> dict:
    """Write the synthetic city into a new warehouse ``db``; returns the network counts."""
    rng = np.random.default_rng(42)
    lines, gx, _ = synth_lines(side, 60.0, rng)
    t0 = time.perf_counter()
    tables = graph.build_network(lines)
    build_s = time.perf_counter() - t0
    half = gx.max() * 0.95
    proj = projection.local_proj(LON0, LAT0)

    def pts(n):
        return projection.to_lonlat(proj, rng.uniform(-half, half, n), rng.uniform(-half, half, n))

    clon, clat = pts(1500)
    comm = pd.DataFrame({"community_id": [f"C{i:04d}" for i in range(1500)], "name": [f"社区{i}" for i in range(1500)],
                         "district": [f"D{i % 12}" for i in range(1500)], "households": rng.integers(300, 4000, 1500),
                         "population": rng.integers(800, 10000, 1500), "elderly": rng.integers(100, 2000, 1500),
                         "lon": clon, "lat": clat})
    blon, blat = pts(20000)
    bld = pd.DataFrame({"building_id": [f"B{i:05d}" for i in range(20000)],
                        "community_id": [f"C{i % 1500:04d}" for i in range(20000)], "kind": "building",
                        "households": rng.integers(20, 200, 20000), "population": rng.integers(50, 500, 20000),
                        "elderly": rng.integers(5, 100, 20000), "lon": blon, "lat": blat})
    rlon, rlat = pts(n_rooms)
    opened = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 900, n_rooms), unit="D")
    rooms = pd.DataFrame({"room_id": [f"R{i:04d}" for i in range(n_rooms)], "name": "room",
                          "community_id": [f"C{i % 1500:04d}" for i in range(n_rooms)],
                          "lon": rlon, "lat": rlat, "opened_on": opened.date, "closed_on": None})
    with warehouse.writer(db, refresh=False) as con:
        network._store(con, tables, ["synthetic"])
        con.register("c", comm)
        con.execute("insert into communities select community_id, name, district, null, 'urban', households,"
                    " population, elderly, null, lon, lat, null from c")
        con.register("b", bld)
        con.execute("insert into buildings select building_id, community_id, kind, households, population,"
                    " elderly, lon, lat from b")
        con.register("r", rooms)
        con.execute("insert into service_rooms select room_id, name, community_id, [community_id], lon, lat,"
                    " cast(opened_on as date), null, null, null, 1 from r")
    return {**tables.counts, "build_ms": build_s * 1000}


def load_baseline(rev: str):
    """The coverage modules as of git revision ``rev``, importable as ``_sc_base_<rev>``."""
    pkg = f"_sc_base_{rev}"
    tmp = Path(tempfile.mkdtemp(prefix="sc_base_"))
    (tmp / pkg).mkdir()
    (tmp / pkg / "__init__.py").write_text("", encoding="utf-8")
    for mod in ("network", "engine", "planner"):
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:dashboard/coverage/{mod}.py"],
                             check=True, capture_output=True, text=True).stdout
        src = src.replace("from dashboard.coverage.", f"from {pkg}.")
        (tmp / pkg / f"{mod}.py").write_text(src, encoding="utf-8")
    sys.path.insert(0, str(tmp))
    return (importlib.import_module(f"{pkg}.engine"), importlib.import_module(f"{pkg}.planner"),
            importlib.import_module(f"{pkg}.network"))


def _cli(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system of the child) milliseconds of a fresh CLI process."""
    import resource

    exe = Path(sys.executable).with_name("servicecircle")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dashboard.cli"]
    wall, cpu = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([*cmd, *args], check=True, capture_output=True)
        wall.append((time.perf_counter() - t0) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=int, default=500)
    ap.add_argument("--rooms", type=int, default=800)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", type=Path, default=None, help="keep the city warehouse here (reused when present)")
    ap.add_argument("--baseline-rev", default="4aeabe5", help="git revision of the previous implementation")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-cli", action="store_true")
    args = ap.parse_args()

    tmpdir = None
    if args.db is None:
        tmpdir = tempfile.TemporaryDirectory()
        db = Path(tmpdir.name) / "city.duckdb"
    else:
        db = args.db
    build_ms = None
    if not db.exists():
        counts = build_city(db, args.side, args.rooms)
        build_ms = counts["build_ms"]

    def read(fn):
        c = warehouse.connect_read(db)
        try:
            return fn(c)
        finally:
            c.close()

    base = None
    base_note = ""
    if not args.no_baseline:
        try:
            base = load_baseline(args.baseline_rev)
        except (subprocess.CalledProcessError, FileNotFoundError) as exc:
            base_note = f"(baseline not loaded: {exc})"
    load_avg = os.getloadavg()
    R: dict[str, tuple[float, float]] = {}
    B: dict[str, tuple[float, float]] = {}

    def measure(key, new, old=None, runs=3, setup=None):
        if base is not None and old is not None:
            R[key], B[key] = _pair(new, old, runs, setup)
        else:
            R[key] = _timed(new, runs, setup)

    be, bp, bn = base if base is not None else (None, None, None)
    measure("load_net", lambda: read(network.read_network), base and (lambda: read(bn.read_network)))
    measure("load_all", lambda: read(inputs.read_data), base and (lambda: read(be.read_data)))
    data = read(inputs.read_data)
    bdata = read(be.read_data) if base else None
    net = data.network

    def forget(*keys):
        def clear():
            for k in list(data.cache):
                if isinstance(k, tuple) and k[0] in keys:
                    del data.cache[k]
            net._cache.pop("node_kd", None)
        return clear

    measure("cov_first", lambda: engine.compute(data), runs=3, setup=forget("site_reach"))
    engine.compute(data)
    if base:
        be.compute(bdata)
    measure("cov", lambda: engine.compute(data), base and (lambda: be.compute(bdata)), runs=args.runs)
    measure("cov_dijkstra", lambda: engine.compute(data, method="dijkstra"), runs=args.runs)
    r = engine.compute(data)
    rd = engine.compute(data, method="dijkstra")
    same = np.array_equal(np.isfinite(r.demand["walk_m"]), np.isfinite(rd.demand["walk_m"])) and np.allclose(
        r.demand["walk_m"].fillna(-1).replace(np.inf, -1), rd.demand["walk_m"].fillna(-1).replace(np.inf, -1))
    m = data.model
    sources = m.site_node[data.room_site[data.room_site >= 0]]
    limit = r.limit_m

    def per_room():
        best = np.full(m.n_graph, np.inf)
        for s_ in sources:
            np.minimum(best, dijkstra(m.csr, indices=int(s_), limit=limit), out=best)
        return best

    measure("per_room", per_room)
    ref = per_room()
    np.testing.assert_allclose(np.where(np.isfinite(ref), ref, -1), np.where(np.isfinite(r.node_dist), r.node_dist, -1))
    add = pd.DataFrame({"room_id": ["X"], "name": ["X"], "lon": [LON0], "lat": [LAT0]})
    measure("what_if", lambda: planner.what_if(data, add=add, close=["R0001"]),
            base and (lambda: bp.what_if(bdata, add=add, close=["R0001"])), runs=args.runs)
    plan_kw = dict(k=20, max_candidates=2000, exact_check=False)
    measure("plan_first", lambda: planner.plan(data, **plan_kw), base and (lambda: bp.plan(bdata, **plan_kw)),
            setup=forget("node_demand_pairs"))
    pr = planner.plan(data, **plan_kw)
    measure("plan", lambda: planner.plan(data, **plan_kw), base and (lambda: bp.plan(bdata, **plan_kw)))
    dates = views.rollout_dates(data.rooms)
    measure("rollout", lambda: views.rollout_series(data, 5.0, 1.0),
            base and (lambda: [be.compute(bdata, on=d) for d in dates]))
    measure("area", lambda: areas.walking_area(data, engine.compute(data, on=dates[-1])))

    def old_streets():  # the previous street layer: WKB parsed by shapely on a fresh network
        from dashboard.figures.maps import street_xy

        g = read(bn.read_network).geoms_lonlat()
        return street_xy(g[:: int(np.ceil(len(g) / 150_000))])

    def new_streets():
        from types import SimpleNamespace

        return views.street_lines(SimpleNamespace(network=read(network.read_network)))

    measure("streets", new_streets, base and old_streets)

    def page_cold():
        d = read(inputs.read_data)
        res = engine.compute(d, on=dates[-1])
        views.rollout_series(d, 5.0, 1.0)
        areas.walking_area(d, res)
        views.street_lines(d)
        views.map_communities(d, res)
        views.gaps_table(res)

    measure("page_cold", page_cold)
    if not args.no_cli:
        R["cli_cov"] = _cli(["coverage", "--db", str(db), "--json"], 3)
        R["cli_plan"] = _cli(["plan", "--add", "20", "--db", str(db), "--json"], 3)
    R["cli_import"] = _cli(["--help"], 3) if not args.no_cli else None
    if base:
        ob = be.compute(bdata)
        bw, nw = ob.demand["walk_m"].to_numpy(), r.demand["walk_m"].to_numpy()
        same_base = np.array_equal(np.isfinite(bw), np.isfinite(nw)) and np.allclose(
            np.where(np.isfinite(bw), bw, -1), np.where(np.isfinite(nw), nw, -1), atol=1e-3)
        bpr = bp.plan(bdata, **plan_kw)
        base_note = (f"Previous implementation = `{args.baseline_rev}` loaded from git into this process and run "
                     f"alternately with the new one: same walking distances "
                     f"{'(checked, 1 mm)' if same_base else '(DIFFER)'}; its plan {bpr.share_before:.2%} → "
                     f"{bpr.share_after:.2%}, the new one {pr.share_before:.2%} → {pr.share_after:.2%}.")
    if tmpdir is not None:
        tmpdir.cleanup()

    def fmt(v):
        return "—" if v is None else f"{v[0]:,.0f} ({v[1]:,.0f})"

    def ratio(k):
        b, n = B.get(k), R.get(k)
        return f"{b[0] / n[0]:.1f}× ({b[1] / n[1]:.1f}×)" if b and n else "—"

    rows = [
        ("load network from warehouse", "load_net", "< 2000"),
        ("load network + demand + rooms, build routing model (cold page / CLI)", "load_all", "—"),
        ("coverage, first at a walk length (builds room × demand matrix)", "cov_first", "—"),
        ("coverage of all rooms, again (matrix; previous: Dijkstra pass)", "cov", "< 100"),
        ("coverage of all rooms, multi-source Dijkstra pass", "cov_dijkstra", "—"),
        ("one Dijkstra per room, then min", "per_room", "—"),
        ("what-if: add one room, close one", "what_if", "< 300"),
        ("plan: 20 rooms from 2,000 candidates, first call", "plan_first", "< 3000"),
        ("plan: 20 rooms from 2,000 candidates, again", "plan", "< 3000"),
        (f"roll-out series ({len(dates)} dates)", "rollout", "—"),
        ("walking area, city-wide (raster trace)", "area", "—"),
        ("street layer (fresh network)", "streets", "—"),
        ("map page data path, cold (load + coverage + roll-out + area + streets)", "page_cold", "few s"),
        ("`servicecircle coverage --json`, fresh process", "cli_cov", "few s"),
        ("`servicecircle plan --add 20 --json`, fresh process", "cli_plan", "few s"),
        ("`servicecircle --help`, fresh process (imports only)", "cli_import", "—"),
    ]
    out = ROOT / "benchmarks" / "results" / "coverage.md"
    lines_md = [
        "# Coverage benchmark (`benchmarks/bench_coverage.py`)", "",
        f"Synthetic city: {net.n_nodes:,} nodes, {net.n_edges:,} street pieces, 1,500 communities, "
        f"20,000 buildings, {len(data.rooms)} rooms ({r.totals['rooms_open']} open). Walk 5 min × 1.0 m/s = 300 m. "
        f"Median of runs ({args.runs} for coverage / what-if, 3 otherwise) on a shared 2-core machine, "
        f"load average {load_avg[0]:.1f} / {load_avg[1]:.1f} / {load_avg[2]:.1f} at the start: "
        "wall-clock ms, CPU ms of this process in brackets (under load the wall clock is several times the CPU).",
        "",
        "| step | ms (CPU) | previous, same process (CPU) | speed-up wall (CPU) | target |",
        "|---|---:|---:|---:|---:|",
        *[f"| {label} | {fmt(R.get(k))} | {fmt(B.get(k))} | {ratio(k)} | {tgt} |"
          for label, k, tgt in rows if R.get(k) is not None],
        "",
        f"Multi-source pass vs one Dijkstra per room: **{R['per_room'][0] / R['cov_dijkstra'][0]:.1f}×** "
        f"(same node distances, checked); matrix vs multi-source pass: same walking distances "
        f"{'(checked)' if same else '(DIFFER)'}.",
        f"Coverage share {r.totals['share']:.1%}; plan adds {len(pr.added)} rooms: "
        f"{pr.share_before:.1%} → {pr.share_after:.1%} ({pr.n_candidates} candidates).",
        base_note, "", NOTES,
    ]
    if build_ms is not None:
        lines_md.insert(4, f"Network build from lines (import path): {build_ms:,.0f} ms.\n")
    out.write_text("\n".join(lines_md), encoding="utf-8")
    print("\n".join(lines_md))


if __name__ == "__main__":
    main()
