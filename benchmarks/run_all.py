"""Run every benchmark script (``benchmarks/bench_*.py``) in turn; ``make bench`` calls this.

Each script measures one goal and writes its own result under ``benchmarks/results/``
(median of several runs, ratio against a baseline run in the same process). They run one
after another, never side by side: the machine has two cores, and a benchmark sharing
them with another measures the other one too. Some build a city-scale warehouse first
and take many minutes; ``--only NAME`` (repeatable) runs a subset, ``--list`` shows them
with their first docstring line, and arguments after ``--`` go to every script run.

Usage::

    .venv/bin/python benchmarks/run_all.py [--list] [--only import --only pages] [-- --runs 3]

Exits non-zero when any script failed, after running the others, and prints a summary
line per script (exit code, wall time).
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> dict[str, Path]:
    """The benchmark scripts by short name (``bench_import.py`` → ``import``)."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def summary(path: Path) -> str:
    """First line of a script's module docstring."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.splitlines()[0] if doc else ""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[], help="short name of a script (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the scripts and exit")
    args = ap.parse_args(argv)

    found = scripts()
    if args.list:
        for name, path in found.items():
            print(f"{name:16s} {summary(path)}")
        return 0
    unknown = [n for n in args.only if n not in found]
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(found)}")
    chosen = {n: p for n, p in found.items() if not args.only or n in args.only}

    results: list[tuple[str, int, float]] = []
    for name, path in chosen.items():
        print(f"== {name}: {summary(path)}", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, str(path), *extra])
        results.append((name, code, time.perf_counter() - t0))

    print("\nbenchmark          exit   wall")
    for name, code, wall in results:
        print(f"{name:18s} {code:4d} {wall:8.1f} s")
    return 1 if any(code for _, code, _ in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
