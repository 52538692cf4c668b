"""Benchmark: reading street lines from a GeoPackage / GeoJSON / Shapefile.

Usage::

    .venv/bin/python benchmarks/bench_network_import.py [--file data/city_demo/network.gpkg]
        [--runs 3] [--old-runs 3] [--no-import]

Times, as the median of ``--runs`` runs in this one process:

* ``read_file``  plain ``geopandas.read_file`` of the file (the floor: no walking
  rules, no coordinates out of the geometries);
* ``old``        the previous reader (a loop over the rows in Python, kept below as
  :func:`old_read_vector`, verbatim from ``dashboard/coverage/network.py`` before the
  speed work) — ``--old-runs`` runs, it takes about a minute on the city network;
* ``new``        :func:`dashboard.coverage.network.read_lines`;
* ``import``     the whole ``import_network`` into a fresh temporary warehouse (read,
  split, project, components, store).

Checks that the old and the new reader give the same lines (coordinates, offsets,
highway values, ways read / dropped) and the same graph when both are built by the new
``build_network`` (nodes, edges, total length).
Writes ``benchmarks/results/network_import.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from dashboard.coverage import graph, street_files
from dashboard.coverage import network as N  # noqa: E402
from dashboard.coverage.refusals import NetworkError  # noqa: E402
from dashboard.coverage.street_files import Lines
from dashboard.coverage.walking import is_walkable, tag

_HIGHWAY_COLUMNS = ("highway", "fclass", "HIGHWAY", "FCLASS", "type", "道路类型", "道路等级")
_FOOT_COLUMNS = ("foot", "FOOT")


def old_read_vector(path: Path) -> Lines:
    """The previous reader, verbatim (one Python iteration per row)."""
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise NetworkError(f"{path.name}: not a readable line file ({exc})") from None
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    hcol = next((c for c in _HIGHWAY_COLUMNS if c in gdf.columns), None)
    fcol = next((c for c in _FOOT_COLUMNS if c in gdf.columns), None)
    items: list[tuple[np.ndarray, str]] = []
    n_dropped = 0
    for i, geom in enumerate(gdf.geometry.values):
        tags = {
            "highway": gdf[hcol].iloc[i] if hcol else None,
            "foot": gdf[fcol].iloc[i] if fcol else None,
        }
        if geom is None or geom.is_empty:
            n_dropped += 1
            continue
        if geom.geom_type not in ("LineString", "MultiLineString"):
            raise NetworkError(
                f"{path.name}: row {i + 1}, field geometry: expected street lines, found {geom.geom_type}"
            )
        if not is_walkable(tags):
            n_dropped += 1
            continue
        highway = tag(tags, "highway") or "unknown"
        for part in shapely.get_parts(geom):
            c = shapely.get_coordinates(part)
            if len(c) >= 2:
                items.append((c, highway))
    return Lines.from_list(items, len(gdf), n_dropped)


def load_old_module(rev: str):
    """``dashboard/coverage/network.py`` at git revision ``rev``, as a separate module."""
    import importlib.util
    import subprocess

    src = subprocess.run(["git", "show", f"{rev}:dashboard/coverage/network.py"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("_old_network", loader=None)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_old_network"] = mod
    exec(compile(src, f"{rev}:network.py", "exec"), mod.__dict__)
    return mod


def timed(fn, runs: int) -> tuple[float, list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


def same_lines(a: Lines, b: Lines) -> bool:
    return (np.array_equal(a.offsets, b.offsets) and np.array_equal(a.coords, b.coords)
            and list(a.highway) == list(b.highway) and a.n_read == b.n_read and a.n_dropped == b.n_dropped)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = ROOT / "data" / "city_demo" / "network.gpkg"
    if not default.is_file():
        default = ROOT / "data" / "demo" / "network.gpkg"
    ap.add_argument("--file", type=Path, default=default)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--old-runs", type=int, default=3)
    ap.add_argument("--no-import", action="store_true")
    ap.add_argument("--baseline-rev", default="42ca054",
                    help="git revision of the previous network.py (its graph building is timed too)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "network_import.md")
    args = ap.parse_args()
    import geopandas as gpd

    path = args.file
    load0 = os.getloadavg()
    rows: list[tuple[str, float, list[float]]] = []
    t_rf, ts, gdf = timed(lambda: gpd.read_file(path), args.runs)
    rows.append(("plain `geopandas.read_file` (floor)", t_rf, ts))
    n_rows = len(gdf)
    del gdf
    t_new, ts, new = timed(lambda: street_files.read_lines(path), args.runs)
    rows.append(("new `read_lines` (vectorised)", t_new, ts))
    t_old, ts, old = timed(lambda: old_read_vector(path), args.old_runs)
    rows.append(("old reader (row loop)", t_old, ts))
    equal = same_lines(old, new)
    c_old = graph.build_network(old).counts
    t_build, ts_b, tables = timed(lambda: graph.build_network(new), args.runs)
    c_new = tables.counts
    graph_equal = all(c_old[k] == c_new[k] for k in ("nodes", "edges", "length_km", "islands"))
    rows.append(("new `build_network` (split, dedupe, project, components, WKB)", t_build, ts_b))
    prev = load_old_module(args.baseline_rev)
    prev_lines = prev.Lines(old.coords, old.offsets, old.highway, old.n_read, old.n_dropped)
    t_pb, ts_pb, prev_tables = timed(lambda: prev.build_network(prev_lines), args.runs)
    c_prev = prev_tables.counts
    rows.append((f"previous `build_network` ({args.baseline_rev})", t_pb, ts_pb))
    t_imp = None
    if not args.no_import:
        with tempfile.TemporaryDirectory() as tmp:
            k = [0]

            def run_import():
                k[0] += 1
                return N.import_network(path, db=Path(tmp) / f"w{k[0]}.duckdb")

            t_imp, ts, counts = timed(run_import, args.runs)
        rows.append(("whole `import_network` (read, split, project, store)", t_imp, ts))
    load1 = os.getloadavg()

    lines = [
        "# Network import benchmark (`benchmarks/bench_network_import.py`)",
        "",
        f"File: `{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}` — {n_rows:,} rows, "
        f"{len(new):,} walkable lines, {len(new.coords):,} vertices; graph {c_new['nodes']:,} nodes, "
        f"{c_new['edges']:,} edges, {c_new['length_km']:,} km.",
        f"Median of {args.runs} runs ({args.old_runs} for the old reader), one process, shared 2-core machine, "
        f"load average {load0[0]:.1f} at the start, {load1[0]:.1f} at the end. Seconds.",
        "",
        "| step | median s | runs (s) |",
        "|---|---:|---|",
    ]
    for name, med, ts in rows:
        lines.append(f"| {name} | {med:.2f} | {', '.join(f'{t:.2f}' for t in ts)} |")
    lines += [
        "",
        f"Speed-up of the reader, old / new: **{t_old / t_new:.1f}×**; new reader / plain read_file: "
        f"{t_new / t_rf:.2f}×.",
        f"Same lines as the old reader (coordinates, offsets, highway, ways read/dropped): **{equal}**; "
        f"same graph when both are built by the new `build_network` (nodes {c_old['nodes']:,} / {c_new['nodes']:,}, edges {c_old['edges']:,} / "
        f"{c_new['edges']:,}, km {c_old['length_km']} / {c_new['length_km']}): **{graph_equal}**.",
        f"Previous pipeline ({args.baseline_rev}: old reader + old graph building): nodes {c_prev['nodes']:,}, "
        f"edges {c_prev['edges']:,}, {c_prev['length_km']:,} km; new: {c_new['duplicates_dropped']:,} duplicate "
        f"edges dropped (the same street drawn twice), {c_new.get('ends_snapped', 0):,} line ends joined.",
        "",
        "Where the time went before: one Python iteration per row, each doing two pandas "
        "`.iloc` look-ups, a dict, `is_walkable`, `shapely.get_parts` and "
        "`shapely.get_coordinates` on single geometries. Now: `read_file(use_arrow=True)`, "
        "the walking rules once per distinct tag combination, and the parts / vertices of "
        "all rows in one `shapely.get_parts` / `get_coordinates(return_index=True)` call; "
        "coordinates of a projected file are reprojected as one array.",
        "The rest of the import: the edges' WKB is written straight from the coordinates "
        "(no shapely LineString per edge, then `to_wkb`), and the edges go to DuckDB as an "
        "Arrow table (no Python object per blob to convert).",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    if not (equal and graph_equal):
        sys.exit(1)


if __name__ == "__main__":
    main()
