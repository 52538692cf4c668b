"""Write ``notebooks/1-effect-analysis.ipynb`` with nbformat (run: ``python notebooks/build_notebooks.py``).

The notebook is generated so its cells stay reviewable as plain Python here; the test
suite (``tests/notebooks``) executes the written ``.ipynb`` with nbclient against a
small demo warehouse so it cannot rot.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

CELLS = [
    new_markdown_cell("""# 1 · 服务室成效与五分钟覆盖：从数据仓库复现一个结果
# 1 · Effect analysis: reproduce one effect estimate and one coverage figure

本笔记本带分析人员走一遍：打开数据仓库，用包里的函数复现一个**成效估计**（错峰双重差分，
Callaway & Sant'Anna）和一个**覆盖率数字**，并与命令行 `servicecircle effects` / `servicecircle coverage`
的输出核对。页面、命令行和这里调用的是同一批函数，所以数字必须一致。

This notebook opens the warehouse, reproduces one causal estimate (staggered
difference-in-differences) and one coverage figure with the package's own functions, and
checks them against the command line. The warehouse path comes from `SERVICECIRCLE_DB`
(default `data/warehouse.duckdb`; build one with `servicecircle demo`)."""),
    new_code_cell("""import json
import os
import subprocess
import sys

import pandas as pd

from dashboard import settings, warehouse
from dashboard.analysis import effects
from dashboard.analysis.filters import Filters

DB = settings.db_path(os.environ.get("SERVICECIRCLE_DB"))
con = warehouse.connect_read(DB)  # a read-only snapshot: imports can run meanwhile
print(DB)"""),
    new_markdown_cell("""## 数据概况 · What is in the warehouse
每张规范表的行数（表结构见 `shared/spec/exports.md`）。"""),
    new_code_cell("""counts = {
    name: con.execute(f"select count(*) from {name}").fetchone()[0]  # table names are constants, not data
    for name in ("communities", "service_rooms", "counter_tickets", "hotline_orders", "room_visits")
}
pd.Series(counts, name="rows")"""),
    new_markdown_cell("""## 成效估计 · One effect estimate
结果变量：每千户每月95598工单量。估计方法为 Callaway & Sant'Anna 双稳健估计，以尚未开设服务室的社区作对照。
数据不足以支撑估计时（社区太少、月份太少），结果会直接说明原因，而不给出数字。

`estimate()` reads the community-month panel through the named query
`queries/effects/<outcome>.sql` and fits it; below we do the two steps by hand and get
the same answer."""),
    new_code_cell("""OUTCOME = "hotline_per_1k_households"
filters = Filters()  # whole warehouse; e.g. Filters(districts=("路南区",)) narrows it

result = effects.estimate(con, OUTCOME, filters)
print(result.status)
print(result.summary.get("zh") if result.ok else result.reason["zh"])
print(result.summary.get("en") if result.ok else result.reason["en"])"""),
    new_code_cell("""# the same two steps by hand: the community-month panel (named query queries/effects/<outcome>.sql)
# and the communities' status rows, then the estimator
panel, status = effects.load_panel(con, OUTCOME, filters)
print(panel.shape)
by_hand = effects.estimate_panel(panel, OUTCOME, communities=status)
assert by_hand.status == result.status
assert by_hand.att == result.att and by_hand.ci_low == result.ci_low and by_hand.ci_high == result.ci_high
panel.head()"""),
    new_code_cell("""# the command line gives the same numbers
cli = json.loads(subprocess.run(
    [sys.executable, "-m", "dashboard.cli", "effects", "--outcome", OUTCOME, "--db", str(DB), "--json"],
    check=True, capture_output=True, text=True).stdout)
assert cli["att"] == result.att and cli["ci_low"] == result.ci_low, (cli, result.att)
{k: cli[k] for k in ("outcome", "method", "att", "ci_low", "ci_high", "relative_effect", "n_treated", "n_control")}"""),
    new_code_cell("""# event study: effect by months since opening; the months before opening check parallel trends
if result.ok:
    from dashboard.figures.effects import event_study_figure

    fig = event_study_figure(result, "zh")
else:
    fig = None
    print("no estimate on this warehouse:", result.reason["en"])
fig"""),
    new_markdown_cell("""## 五分钟覆盖 · One coverage figure
沿真实街道网络步行5分钟（1.0米/秒，约300米）能到达服务室的住户占比，以及缺口最大的社区。

Walking coverage on the street network (5 minutes at 1.0 m/s ≈ 300 m): the share of
households within the walk, checked against `servicecircle coverage --json`."""),
    new_code_cell("""from dashboard.coverage import engine, inputs

data = inputs.load_data(DB)          # network + communities + rooms, cached per data version
cov = engine.compute(data, minutes=5, speed_m_s=1.0)
print(f"network: {cov.totals['share']:.1%} of households; straight line: {cov.totals['straight_share']:.1%}")

cli_cov = json.loads(subprocess.run(
    [sys.executable, "-m", "dashboard.cli", "coverage", "--db", str(DB), "--json"],
    check=True, capture_output=True, text=True).stdout)
assert cli_cov["share"] == cov.totals["share"]
assert cli_cov["households_covered"] == cov.totals["households_covered"]
cov.communities.sort_values("households_uncovered", ascending=False)[
    ["community_id", "name", "households", "households_covered", "households_uncovered"]].head(10)"""),
    new_code_cell("""from dashboard.figures.maps import uncovered_bar

uncovered_bar(cov.communities, lang="zh")"""),
    new_code_cell("""con.close()"""),
]


def build() -> nbformat.NotebookNode:
    """The notebook object (Python 3 kernel)."""
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


if __name__ == "__main__":
    out = HERE / "1-effect-analysis.ipynb"
    nbformat.write(build(), out)
    print(out)
