"""Benchmark: import a ticket export saved as XLSX (Chinese headers) into a fresh warehouse.

Users export from Excel as often as to CSV. The importer reads workbooks with calamine
(Rust); the baseline, measured in the same process, is merely *reading* the same sheet
with openpyxl in read-only mode (what the importer did before) — so the ratio says how
much faster a whole import now is than the old reader's first step alone.

Usage::

    .venv/bin/python benchmarks/bench_xlsx_import.py [--rows 100000] [--runs 3]

Writes ``benchmarks/results/xlsx_import.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import parts  # noqa: E402 (after the path is set)

sys.path.insert(0, str(ROOT / "benchmarks"))


def make_xlsx(path: Path, csv: Path) -> None:
    """Write the benchmark CSV's rows as an XLSX sheet (strings, as exports hold them)."""
    import duckdb
    import xlsxwriter

    rows = duckdb.execute("select * from read_csv($p, all_varchar = true, header = true)", {"p": str(csv)})
    names = [d[0] for d in rows.description]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("排队叫号明细")
    ws.write_row(0, 0, names)
    i = 1
    while batch := rows.fetchmany(10_000):
        for r in batch:
            ws.write_row(i, 0, r)
            i += 1
    wb.close()


def openpyxl_read(path: Path) -> int:
    """The baseline: read every cell with openpyxl (read-only, values only)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return n


def main() -> None:
    import bench_import as B

    from dashboard.ingest import import_files

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "xlsx_import.md")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sc-bench-xlsx-"))
    os.environ["SERVICECIRCLE_KEY_FILE"] = str(work / "hash.key")
    try:
        csv, xlsx = work / "t.csv", work / "t.xlsx"
        B.make_csv(csv, args.rows)
        t0 = time.perf_counter()
        make_xlsx(xlsx, csv)
        print(f"wrote {args.rows:,} rows as XLSX ({xlsx.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s", flush=True)
        halls = work / "halls.duckdb"
        B.make_halls(halls, work)
        imp, base, cpu = [], [], []
        for i in range(args.runs):
            db = work / f"run{i}.duckdb"
            parts.copy_warehouse(halls, db)
            t, c = time.perf_counter(), time.process_time()
            r = import_files("tickets", [xlsx], db=db)
            imp.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert r.stored == args.rows, r.as_dict()
            db.unlink()
            t = time.perf_counter()
            assert openpyxl_read(xlsx) == args.rows + 1
            base.append(time.perf_counter() - t)
            print(f"run {i + 1}: import {imp[-1]:.1f} s (CPU {cpu[-1]:.1f} s), openpyxl read {base[-1]:.1f} s, load {os.getloadavg()[0]:.1f}", flush=True)
        m_imp, m_base = statistics.median(imp), statistics.median(base)
        text = f"""# XLSX import benchmark: {args.rows:,} ticket rows

`benchmarks/bench_xlsx_import.py --rows {args.rows} --runs {args.runs}` ({os.cpu_count()} CPU cores).
The same 13 Chinese-headed columns as `bench_import.py`, written as one XLSX sheet
({xlsx.stat().st_size / 1e6:.1f} MB). Import into a fresh warehouse holding the halls, in this process.

| measure | value |
|---|---|
| whole import (calamine reader), median of {args.runs} | **{m_imp:.1f} s** (runs: {', '.join(f'{x:.1f}' for x in imp)}) |
| import CPU time, median | {statistics.median(cpu):.1f} s |
| baseline: openpyxl read-only, reading the sheet only, median | {m_base:.1f} s (runs: {', '.join(f'{x:.1f}' for x in base)}) |
| ratio baseline / import | {m_base / m_imp:.1f}× |
| machine load at the end | {os.getloadavg()[0]:.1f} |
"""
        print(text)
        args.out.write_text(text, encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
