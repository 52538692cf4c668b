"""Benchmark: build the demo city from nothing (generate → export files → import → truth).

Goals (issue 2, section 4): ``small`` builds in under 90 s, ``city`` in under 15 min,
on the 2-core machine. Two modes:

* default: each run is a child process building into a fresh temporary warehouse and
  output folder, so its peak RSS (``ru_maxrss``) is the build's own. The baseline, in
  the same child, is generating the city in memory only (no files, no import), so the
  ratio says what writing the exports and importing them cost on top.
* ``--cli DB OUT``: one run of the real command, ``servicecircle demo --scale S --db DB
  --out OUT --json --force``, exactly as a user runs it (this is how the team's city
  warehouse for the other benchmarks is built); no baseline.

Both record wall and CPU seconds per step (from the build manifest), the child's total
CPU time (user + system, all threads) and peak RSS, and the machine's 1-minute load
average sampled every 5 s during the run: the machine is shared, and with a load of
``L`` on 2 cores a build gets roughly ``2 / L`` of them, so CPU time is the steadier
measure.

Usage::

    .venv/bin/python benchmarks/bench_demo.py [--scale small|city] [--runs 3]
    .venv/bin/python benchmarks/bench_demo.py --scale city --cli data/city.duckdb data/city_demo

Writes ``benchmarks/results/demo_<scale>.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, resource, sys, time
scale, root = sys.argv[1:3]
from dashboard.demo import build_demo, generate
t0 = time.perf_counter()
generate(scale)
gen = time.perf_counter() - t0
t0 = time.perf_counter()
r = build_demo(scale, db=root + "/wh.duckdb", out_dir=root + "/demo")
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "generate_only_s": gen, "steps": r["seconds"],
                  "cpu_steps": r["cpu_seconds"],
                  "generated": r["generated"], "mismatches": r["mismatches"],
                  "network": r["network"]}))
"""


class LoadSampler:
    """Samples the 1-minute load average every ``every`` seconds in a thread."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.samples: list[float] = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, float]:
        s = self.samples
        return {"mean": statistics.fmean(s), "min": min(s), "max": max(s), "n": len(s)}


def _run_child(cmd: list[str], env: dict[str, str]) -> tuple[str, float, dict, dict]:
    """Run ``cmd``; return its stdout, wall seconds, rusage of that child and load summary."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err, LoadSampler() as load:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {stderr[-2000:]}")
    usage = {"cpu_s": ru.ru_utime + ru.ru_stime, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
             "peak_rss_mb": ru.ru_maxrss / 1024}
    return stdout, wall, usage, load.summary()


def run_once(scale: str) -> dict:
    """One build in a child process, into a fresh temporary warehouse."""
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        env = dict(os.environ, SERVICECIRCLE_KEY_FILE=str(Path(tmp) / "hash.key"))
        stdout, _, usage, load = _run_child([sys.executable, "-c", _CHILD, scale, tmp], env)
        r = json.loads(stdout.strip().splitlines()[-1])
        return {**r, **usage, "load": load}


def run_cli(scale: str, db: str, out: str) -> dict:
    """One build with the real ``servicecircle demo`` command into ``db`` / ``out``."""
    exe = Path(sys.executable).with_name("servicecircle")
    cmd = [str(exe), "demo", "--scale", scale, "--db", db, "--out", out, "--json", "--force"]
    stdout, wall, usage, load = _run_child(cmd, dict(os.environ))
    r = json.loads(stdout.strip().splitlines()[-1])
    return {"wall_s": wall, "generate_only_s": None, "steps": r["seconds"], "cpu_steps": r["cpu_seconds"],
            "generated": r["generated"], "mismatches": r["mismatches"], "network": r["network"],
            "command": " ".join(["servicecircle", *cmd[1:]]), **usage, "load": load}


def report(scale: str, runs: list[dict]) -> list[str]:
    """The result file's lines."""
    wall = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    goal = {"small": 90.0, "city": 900.0}.get(scale)
    last = runs[-1]
    lines = [
        f"# Demo build benchmark: scale `{scale}`",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs; runs: {len(runs)} (median).",
        "",
    ]
    if last.get("command"):
        lines += [f"Command: `{last['command']}`", ""]
    lines.append(
        f"- build from nothing (generate + export files + import + truth): **{wall:.1f} s** wall, median"
        + (f" (goal < {goal:.0f} s: {'met' if wall < goal else 'NOT met'})" if goal else "")
    )
    lines.append(f"- CPU time of the build process (user + system, all threads): {cpu:.1f} s median")
    gens = [r["generate_only_s"] for r in runs if r.get("generate_only_s")]
    if gens:
        gen = statistics.median(gens)
        lines.append(f"- baseline, generating in memory only: {gen:.1f} s; ratio build / baseline: {wall / gen:.2f}")
    lines += [
        f"- peak RSS of a build: {max(r['peak_rss_mb'] for r in runs):,.0f} MB",
        "- 1-minute load average during the runs (sampled every 5 s): "
        + "; ".join(f"mean {r['load']['mean']:.1f}, min {r['load']['min']:.1f}, max {r['load']['max']:.1f}" for r in runs),
        f"- steps of the last run, wall s: {json.dumps(last['steps'])}",
        f"- steps of the last run, CPU s: {json.dumps(last['cpu_steps'])}",
        f"- rows generated: {json.dumps(last['generated'], ensure_ascii=False)}",
        f"- street network: {json.dumps(last['network'])}",
        f"- importer counts differing from generated: {last['mismatches'] or 'none'}",
        f"- all runs' wall times (s): {[round(r['wall_s'], 1) for r in runs]}",
        f"- all runs' CPU times (s): {[round(r['cpu_s'], 1) for r in runs]}",
        "",
    ]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="small", choices=["tiny", "small", "city"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cli", nargs=2, metavar=("DB", "OUT"),
                    help="one run of `servicecircle demo` into this warehouse and output folder")
    ap.add_argument("--note", default="", help="text appended to the result file")
    args = ap.parse_args()
    if args.cli:
        runs = [run_cli(args.scale, *args.cli)]
    else:
        runs = [run_once(args.scale) for _ in range(args.runs)]
    lines = report(args.scale, runs)
    if args.note:
        lines += [args.note, ""]
    out = ROOT / "benchmarks" / "results" / f"demo_{args.scale}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(json.dumps(runs, ensure_ascii=False))


if __name__ == "__main__":
    main()
