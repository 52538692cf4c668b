"""Benchmark: a 5-million-customer list and 5 million tickets that need attribution.

Issue 9, section 1: a city has millions of customers and the customer list must import
as fast as the tickets do (the 5M-ticket import: ~31 s, ``benchmarks/results/import.md``).
Three imports are timed, each in a child process on a fresh copy of its starting
warehouse (so peak RSS ``ru_maxrss`` is the import's own):

``customers``
    the 5M-row customer list (户号, masked 户名, 社区编码, 台区编号, 用户类别, 城乡类别,
    联系电话) into a warehouse with the halls and communities;
``tickets_after``
    5M tickets with 户号 and no community into the warehouse holding the list: every
    ticket is attributed at import (a hash join in the staging SQL);
``customers_after``
    the list into a warehouse already holding the 5M unattributed tickets: the list is
    stored and the stored tickets are re-attributed (one UPDATE joining on the hash).

The baseline, measured the same way, is DuckDB merely loading the customer CSV into a
table (no mapping, hashing, checks or ledger).

Usage::

    .venv/bin/python benchmarks/bench_customers.py [--customers 5000000] [--tickets 5000000] [--runs 3]

Writes ``benchmarks/results/customers.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_import import (
    make_halls,
    parse_bench_args,
    private_workdir,
    run_child,
    ticket_select,
    write_result,
)

from dashboard import parts  # noqa: E402 (after the path is set)

N_COMMUNITIES = 1500


def make_communities(db: Path, work: Path) -> None:
    from dashboard.ingest import import_files

    lines = ["社区编码,社区名称,区县,类型,户数"]
    lines += [f"C{i:05d},社区{i},区{i % 12},{'城市社区' if i % 3 else '行政村'},{2000 + i % 1500}" for i in range(N_COMMUNITIES)]
    (work / "communities.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_files("communities", [work / "communities.csv"], db=db)


def make_customers(path: Path, n: int) -> None:
    """``n`` customers shaped like a marketing system's customer list (Chinese headers)."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""
        copy (
          select cast(3200000000 + i as varchar)                                      as "户号",
                 (['王', '李', '张', '刘', '陈'])[cast(1 + i % 5 as bigint)] || '**'   as "户名",
                 'C' || lpad(cast(hash(i, 1) % {N_COMMUNITIES} as varchar), 5, '0')   as "社区编码",
                 'TQ' || lpad(cast(i // 150 as varchar), 6, '0')                      as "台区编号",
                 case when i % 25 = 24 then '一般工商业' else '居民' end                as "用户类别",
                 case when hash(i, 2) % 3 = 0 then '农村' else '城市' end               as "城乡类别",
                 '138' || lpad(cast(hash(i, 3) % 100000000 as varchar), 8, '0')      as "联系电话"
          from range($n) t(i)
        ) to '{path}' (header, delimiter ',')
        """,
        {"n": n},
    )
    con.close()


# after the common ticket columns: the call time and a 户号 drawn from the customer list
_CUSTOMER_COLUMNS = """
                 strftime(issued + to_seconds(cast(60 + hash(i, 3) % 1800 as bigint)), '%Y-%m-%d %H:%M:%S') as "叫号时间",
                 cast(3200000000 + hash(i, 6) % $c as varchar)                      as "户号\""""


def make_tickets(path: Path, n: int, n_customers: int) -> None:
    """``n`` tickets with 户号 (drawn from the customer list) and no community."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""
        copy ({ticket_select(_CUSTOMER_COLUMNS)}
        ) to '{path}' (header, delimiter ',')
        """,
        {"n": n, "c": n_customers},
    )
    con.close()


def _row(name: str, runs: list[dict]) -> str:
    med = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    rss = statistics.median(r["peak_rss_mb"] for r in runs)
    mx = max(r["peak_rss_mb"] for r in runs)
    walls = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
    loads = ", ".join(f"{r['load1']:.1f}" for r in runs)
    return f"| {name} | **{med:.1f} s** ({walls}) | {cpu:.1f} s | {rss:.0f} MB ({mx:.0f}) | {loads} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=5_000_000)
    ap.add_argument("--tickets", type=int, default=5_000_000)
    args = parse_bench_args(ap, "customers.md")
    work, env = private_workdir("sc-bench-customers-")
    try:
        cust_csv, tk_csv = work / "customers.csv", work / "tickets.csv"
        t0 = time.perf_counter()
        make_customers(cust_csv, args.customers)
        make_tickets(tk_csv, args.tickets, args.customers)
        print(f"generated {args.customers:,} customers ({cust_csv.stat().st_size / 1e6:.0f} MB), "
              f"{args.tickets:,} tickets ({tk_csv.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s",
              flush=True)
        base = work / "base.duckdb"
        make_halls(base, work)
        make_communities(base, work)
        # starting points: the list stored; the tickets stored without communities
        with_list, with_tickets = work / "with_list.duckdb", work / "with_tickets.duckdb"
        for start, table, csv in ((with_list, "customers", cust_csv), (with_tickets, "tickets", tk_csv)):
            parts.copy_warehouse(base, start)
            r = run_child(table, start, csv, env)
            print(f"prepared {start.name}: {r['wall_s']:.1f} s", flush=True)

        plan = {  # name: (table imported, starting warehouse, file)
            "customers": ("customers", base, cust_csv),
            "tickets_after": ("tickets", with_list, tk_csv),
            "customers_after": ("customers", with_tickets, cust_csv),
            "baseline": ("baseline", None, cust_csv),
        }
        runs: dict[str, list[dict]] = {k: [] for k in plan}
        for i in range(args.runs):
            for name, (table, start, csv) in plan.items():
                db = work / f"run-{name}-{i}.duckdb"
                if start is not None:
                    parts.copy_warehouse(start, db)
                r = run_child(table, db, csv, env)
                runs[name].append(r)
                res = r["result"]
                if name == "customers":
                    assert res["stored"] == args.customers and res["rejected"] == 0, res
                if name == "tickets_after":
                    assert res["attribution"]["attributed"] == args.tickets, res
                if name == "customers_after":
                    assert res["attribution"]["counter_tickets"]["changed"] == args.tickets, res
                print(f"{name} run {i + 1}: {r['wall_s']:.1f} s (CPU {r['cpu_s']:.1f} s, load {r['load1']:.1f}), "
                      f"peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
                db.unlink()
        med = {k: statistics.median(r["wall_s"] for r in v) for k, v in runs.items()}
        max_rss = max(r["peak_rss_mb"] for k, v in runs.items() if k != "baseline" for r in v)
        ok = max(med["customers"], med["tickets_after"], med["customers_after"]) < 60 and max_rss < 4096
        text = f"""# Customer-list benchmark: {args.customers:,} customers, {args.tickets:,} tickets to attribute

`benchmarks/bench_customers.py --customers {args.customers} --tickets {args.tickets} --runs {args.runs}` on the team machine ({os.cpu_count()} CPU cores, Python {platform.python_version()}).

Files: the customer list, {cust_csv.stat().st_size / 1e6:.0f} MB UTF-8 CSV, 7 Chinese columns (户号 hashed;
户名 and 联系电话 dropped; 社区编码 checked against {N_COMMUNITIES:,} communities; 台区编号, 用户类别, 城乡类别);
the tickets, {tk_csv.stat().st_size / 1e6:.0f} MB, 户号 drawn from the list, no community column. Every import
runs in a child process on a fresh copy of its starting warehouse; each row is the median of {args.runs} runs.

| import | wall time, median (runs) | CPU (user+sys), median | peak RSS, median (max) | machine load at the end |
|---|---|---|---|---|
{_row("customer list into halls + communities", runs["customers"])}
{_row("tickets after the list (attributed at import)", runs["tickets_after"])}
{_row("customer list after the tickets (re-attributes them)", runs["customers_after"])}
{_row("baseline: DuckDB `read_csv` of the list into a table", runs["baseline"])}

| ratio to the baseline (wall, medians) | value |
|---|---|
| customer list | {med["customers"] / med["baseline"]:.1f}× |
| tickets after the list | {med["tickets_after"] / med["baseline"]:.1f}× |
| customer list after the tickets | {med["customers_after"] / med["baseline"]:.1f}× |
| goal: each import in the 5M-ticket import's class (< 60 s, < 4096 MB; that import: ~31 s) | {'met' if ok else 'NOT met'} |

Customers stored: {runs["customers"][0]["result"]["stored"]:,}; tickets attributed at import:
{runs["tickets_after"][0]["result"]["attribution"]["attributed"]:,}; tickets re-attributed by the later list:
{runs["customers_after"][0]["result"]["attribution"]["counter_tickets"]["changed"]:,}.
The machine is shared with other work (see the load column), so wall times vary; CPU time
is the steadier measure.
"""
        write_result(text, args.out, args.no_write)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
