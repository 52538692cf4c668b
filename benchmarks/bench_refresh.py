"""Benchmark: what a daily refresh costs — one day of tickets imported into a city
warehouse, against the same import into an empty warehouse that holds only the halls.

The day is the demo's own last day of tickets, re-dated to the next day (dates and the
date inside each ticket number moved by one day, so every row is new), written as a CSV
shaped like the export. Each import runs in a child process of its own (as
``servicecircle import tickets FILE`` would, without the precompute that follows it) on
a fresh copy of its warehouse, the two kinds alternating so both see the same machine
load. Reported per kind: the median wall time and CPU time, the peak memory of the
process (``VmHWM``), and where the time went inside the write
(:func:`dashboard.warehouse.writer`): copying the live file, the import itself
(read, validate, compare, write), the rollups, and the rest (commit, checkpoint, fsync,
rename).

The goal of issue 12: the city import costs at most 3x the empty one (ratio of the
medians, one run of this script), with a peak memory of at most 1 GB.

Writes a section to ``benchmarks/results/refresh.md`` (one per ``--label``, others kept)
and the raw samples to ``benchmarks/results/refresh-<label>.json``.

Usage::

    .venv/bin/python benchmarks/bench_refresh.py --db data/city.duckdb --raw data/demo_city/raw \\
        [--runs 3] [--label city]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import parts

RESULTS = ROOT / "benchmarks" / "results"

TIME_COLUMNS = ("取号时间", "叫号时间", "开始办理时间", "办结时间")
ID_COLUMN = "流水号"


# ---------------------------------------------------------------- inputs
def day_file(raw: Path, out: Path) -> tuple[Path, int, str]:
    """The last day of the newest ticket export, moved one day later, as a CSV in ``out``.

    Returns the file, its row count and the new day (ISO)."""
    import duckdb

    files = sorted(raw.glob("排队叫号明细*.csv"))
    if not files:
        raise SystemExit(f"no ticket export (排队叫号明细*.csv) in {raw}")
    con = duckdb.connect()
    con.execute("create table t as select * from read_csv($f, all_varchar = true, header = true)",
                {"f": [str(f) for f in files[-1:]]})
    last = con.execute(f"select max(left(\"{TIME_COLUMNS[0]}\", 10)) from t "
                       f"where \"{TIME_COLUMNS[0]}\" similar to '\\d{{4}}-\\d{{2}}-\\d{{2}}.*'").fetchone()[0]
    day = dt.date.fromisoformat(last)
    nxt = day + dt.timedelta(days=1)
    a, b = day.isoformat(), nxt.isoformat()
    a8, b8 = a.replace("-", ""), b.replace("-", "")
    cols = [r[0] for r in con.execute("describe t").fetchall()]
    sel = []
    for c in cols:
        q = f'"{c}"'
        if c in TIME_COLUMNS:
            sel.append(f"replace({q}, $a, $b) as {q}")
        elif c == ID_COLUMN:
            sel.append(f"replace({q}, $a8, $b8) as {q}")
        else:
            sel.append(q)
    path = out / f"排队叫号明细_{b8}.csv"
    con.execute(
        f"copy (select {', '.join(sel)} from t where left(\"{TIME_COLUMNS[0]}\", 10) = $a) to '{path}' (header)",
        {"a": a, "b": b, "a8": a8, "b8": b8},
    )
    n = con.execute("select count(*) from read_csv($p, all_varchar = true)", {"p": str(path)}).fetchone()[0]
    return path, int(n), b


def halls_only(raw: Path, db: Path) -> None:
    """An empty warehouse that holds only the halls of the export folder."""
    from dashboard.ingest.importer import import_files

    halls = sorted(raw.glob("营业厅信息.*"))
    if not halls:
        raise SystemExit(f"no hall list (营业厅信息.*) in {raw}")
    import_files("halls", halls[:1], db=db)


# ---------------------------------------------------------------- in the child
def child(db: str, file: str) -> dict:
    """Import ``file`` as tickets into ``db``; phase times inside the write."""
    os.environ["SERVICECIRCLE_PRECOMPUTE"] = "0"
    from dashboard import warehouse
    from dashboard.ingest import importer

    phases = {"copy": 0.0, "import": 0.0, "rollups": 0.0}

    def timed(name, fn):
        def run(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                phases[name] += time.perf_counter() - t0
        return run

    warehouse.shutil.copyfile = timed("copy", shutil.copyfile)
    warehouse.refresh_rollups = timed("rollups", warehouse.refresh_rollups)
    importer._import_one = timed("import", importer._import_one)
    t0, c0 = time.perf_counter(), time.process_time()
    res = importer.import_files("tickets", [file], db=db)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    phases["rest"] = wall - sum(phases.values())
    d = res.as_dict()
    return {"wall_s": wall, "cpu_s": cpu, "phases_s": phases, "read": d.get("read"), "stored": d.get("stored"),
            "rejected": d.get("rejected"), "duplicates": d.get("duplicates")}


def run_child(db: Path, file: Path) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(db), "--file", str(file)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()  # the child reports its own peak memory (peak_mb)
    if proc.returncode != 0:
        raise RuntimeError(f"import into {db} failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def _listed_mb(db: Path) -> float:
    """MB of the Parquet parts the warehouse lists (files a write unlisted may still wait
    out their grace period in the folder)."""
    from dashboard import warehouse

    con = warehouse.connect_read(db)
    try:
        files = [r[0] for r in con.execute("select file from parts_files").fetchall()]
    finally:
        con.close()
    return sum((parts.folder(db) / f).stat().st_size for f in files) / 2**20


def _peak_mb() -> float:
    """This process's peak resident memory (``VmHWM``: unlike ``ru_maxrss`` it starts
    again at ``exec``, so the parent's memory at the fork does not count)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


# ---------------------------------------------------------------- report
def _fmt_phases(samples: list[dict]) -> str:
    keys = ("copy", "import", "rollups", "rest")
    med = {k: statistics.median(s["phases_s"][k] for s in samples) for k in keys}
    return ", ".join(f"{k} {med[k]:.2f} s" for k in keys)


def section(label: str, meta: dict, empty: list[dict], city: list[dict]) -> str:
    me, mc = (statistics.median(s["wall_s"] for s in x) for x in (empty, city))
    ce, cc = (statistics.median(s["cpu_s"] for s in x) for x in (empty, city))
    pe, pc = (max(s["peak_mb"] for s in x) for x in (empty, city))
    ratio = mc / me
    lines = [
        f"<!-- run: {label} -->",
        f"## {label}",
        "",
        (f"- date: {meta['date']}; code `{meta['commit']}`; {meta['runs']} runs each, alternating; load average "
        f"{meta['load_start']} at the start, {meta['load_end']} at the end"),
        (f"- warehouse `{meta['db']}` ({meta['db_mb']:.0f} MB file, {meta.get('parts_mb', 0):.0f} MB of Parquet "
         f"parts); the day: {meta['day']} ({meta['rows']:,} rows, "
        f"{meta['file_mb']:.1f} MB CSV)"),
        "",
        "| import of the day into | wall (median) | CPU (median) | peak memory (max) | where the time went (medians) |",
        "|---|---:|---:|---:|---|",
        f"| an empty warehouse with only the halls | {me:.2f} s | {ce:.2f} s | {pe:.0f} MB | {_fmt_phases(empty)} |",
        f"| the city warehouse | {mc:.2f} s | {cc:.2f} s | {pc:.0f} MB | {_fmt_phases(city)} |",
        "",
        (f"**Ratio city / empty: {ratio:.1f}x** (goal <= 3x: {'met' if ratio <= 3 else 'not met'}); "
        f"peak memory {pc:.0f} MB (goal <= 1024 MB: {'met' if pc <= 1024 else 'not met'})."),
        "",
        f"<!-- end: {label} -->",
    ]
    return "\n".join(lines) + "\n"


def write_section(label: str, text: str) -> Path:
    path = RESULTS / "refresh.md"
    head = ("# Daily refresh: one day of tickets into a city warehouse\n\n"
            "Written by `benchmarks/bench_refresh.py` (see its docstring for what is timed).\n\n")
    old = path.read_text(encoding="utf-8") if path.exists() else head
    start, end = f"<!-- run: {label} -->", f"<!-- end: {label} -->"
    if start in old and end in old:
        a, b = old.index(start), old.index(end) + len(end) + 1
        new = old[:a] + text + old[b:]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="the city warehouse (only read: each run imports into a copy)")
    ap.add_argument("--raw", type=Path, help="the export folder the warehouse was built from (tickets, halls)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--label", default="city")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--file", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        out = child(a.child, a.file)
        out["peak_mb"] = _peak_mb()
        print(json.dumps(out))
        return 0
    if a.db is None or a.raw is None:
        ap.error("--db and --raw are required")
    work = Path(tempfile.mkdtemp(prefix="bench_refresh-", dir=a.work))
    try:
        load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
        day, rows, new_day = day_file(a.raw, work)
        print(f"the day: {new_day}, {rows:,} rows", flush=True)
        base = work / "halls.duckdb"
        os.environ["SERVICECIRCLE_PRECOMPUTE"] = "0"
        halls_only(a.raw, base)
        # the city warehouse as this code would find it after its first write (a warehouse
        # made by an older version rebuilds its rollups once, which is not a refresh's cost)
        source = work / "city-source.duckdb"
        parts.copy_warehouse(a.db, source)
        from dashboard import warehouse

        if warehouse.bring_up_to_date(source):
            print("the city warehouse's rollups were rebuilt for this version first (untimed)", flush=True)
        empty, city = [], []
        for i in range(a.runs):
            for kind, src, acc in (("empty", base, empty), ("city", source, city)):
                target = work / f"{kind}-{i}.duckdb"
                parts.copy_warehouse(src, target)
                s = run_child(target, day)
                acc.append(s)
                print(f"run {i + 1} {kind}: {s['wall_s']:.2f} s, peak {s['peak_mb']:.0f} MB, "
                      f"phases {json.dumps({k: round(v, 2) for k, v in s['phases_s'].items()})}", flush=True)
                target.unlink()
                shutil.rmtree(parts.folder(target), ignore_errors=True)
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        meta = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
                "runs": a.runs, "db": str(a.db), "db_mb": a.db.stat().st_size / 2**20,
                "parts_mb": _listed_mb(a.db),
                "day": new_day,
                "rows": rows, "file_mb": day.stat().st_size / 2**20, "load_start": load_start,
                "load_end": " ".join(f"{x:.2f}" for x in os.getloadavg())}
        text = section(a.label, meta, empty, city)
        print(text)
        path = write_section(a.label, text)
        (RESULTS / f"refresh-{a.label}.json").write_text(
            json.dumps({"meta": meta, "empty": empty, "city": city}, indent=1), encoding="utf-8")
        print(f"written to {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
