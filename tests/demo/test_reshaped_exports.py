"""The same city, exported the way other offices would, gives the same numbers.

The tiny demo's export files are rewritten in shapes users really bring — the halls as
an old ``.xls`` with a title row, the rooms in GBK naming their communities instead of
coding them, the tickets in GB18030 with title and footer rows and hall *names*, the
street network as a Shapefile in CGCS2000 Gauss-Krüger (EPSG:4547) with Chinese road
classes and no ``.cpg`` — and imported through the CLI into a fresh warehouse, the
customer list last (the demo imports it before the tickets). The
metrics, the walking coverage and the planner's answer must equal the demo's own, and
the rows read must be accounted for the same way (plus the footer rows, as summary rows).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard import parts
from dashboard.cli import app

ROAD_CLASS = {"footway": "人行道", "primary": "主干路", "service": "小区道路", "residential": "支路",
              "path": "游步道", "steps": "台阶", "motorway": "高速公路", "secondary": "次干路",
              "tertiary": "次干路", "pedestrian": "步行街", "living_street": "支路", "unclassified": "乡道"}


def _reshape(demo: Path, out: Path, manifest: dict) -> list[list[str]]:
    """Write the reshaped exports into ``out``; return the import commands (CLI args)."""
    import xlwt

    files = {t: [demo / "raw" / f for f in fs] for t, fs in manifest["files"].items()}
    comm = gpd.read_file(files["communities"][0])
    name_of = dict(zip(comm["社区编码"], comm["社区名称"]))
    assert len(set(name_of.values())) == len(name_of)
    # halls: an old .xls workbook with a title and a blank row above the header
    halls = pd.read_excel(files["halls"][0], dtype=str, engine="calamine")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("营业厅")
    ws.write(0, 0, "营业厅一览表")
    for j, h in enumerate(halls.columns):
        ws.write(2, j, h)
    for i, r in enumerate(halls.itertuples(index=False), start=3):
        for j, v in enumerate(r):
            ws.write(i, j, v)
    wb.save(str(out / "营业厅.xls"))
    hall_name = dict(zip(halls.iloc[:, 0], halls.iloc[:, 1]))
    # rooms: community names instead of codes, GBK
    rooms = pd.read_csv(files["rooms"][0], dtype=str, encoding="gbk")
    rooms["所在社区编码"] = rooms["所在社区编码"].map(name_of)
    rooms["服务范围"] = rooms["服务范围"].map(lambda s: "、".join(name_of[x] for x in s.split("、")))
    rooms.rename(columns={"所在社区编码": "所在社区"}).to_csv(out / "服务室台账.csv", index=False, encoding="gbk")
    # tickets: hall names, title rows, footer rows, GB18030 (one file per original)
    tickets = []
    for f in files["tickets"]:
        t = pd.read_csv(f, dtype=str, encoding="utf-8", keep_default_na=False)
        t["营业厅编号"] = t["营业厅编号"].map(hall_name)
        with open(out / f.name, "w", encoding="gb18030", newline="") as fh:
            fh.write("营业厅排队叫号明细\n导出时间：2025-01-05 10:00\n")
            t.rename(columns={"营业厅编号": "营业厅"}).to_csv(fh, index=False)
            fh.write(f"合计,{len(t)}\n制表人：王五\n")
        tickets.append(str(out / f.name))
    # street network: EPSG:4547 Shapefile, Chinese road classes, no .cpg
    net_path = Path(manifest["network_file"])
    net = gpd.read_file(net_path if net_path.is_absolute() else demo / net_path)
    net["道路等级"] = net["highway"].map(ROAD_CLASS)
    assert net["道路等级"].notna().all(), set(net.loc[net["道路等级"].isna(), "highway"])
    net.drop(columns="highway").to_crs(4547).to_file(out / "路网.shp", encoding="gbk")
    (out / "路网.cpg").unlink(missing_ok=True)

    def same(t: str) -> list[str]:
        return [str(p) for p in files[t]]

    return [
        ["communities", *same("communities")],
        ["buildings", *same("buildings")],
        ["halls", str(out / "营业厅.xls")],
        ["rooms", str(out / "服务室台账.csv"), "--crs", manifest["crs"]["rooms"]],
        ["tickets", *tickets],
        ["hotline", *same("hotline")],
        ["visits", *same("visits")],
        ["staff", *same("staff")],
        ["customers", *same("customers")],  # after the tickets: they are re-attributed
        ["network", str(out / "路网.shp")],
    ]


@pytest.fixture(scope="module")
def reshaped(tiny_build, tmp_path_factory):
    report, root = tiny_build
    manifest = json.loads((root / "demo" / "manifest.json").read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("reshaped")
    db = out / "wh.duckdb"
    runner = CliRunner()
    results = {}
    for args in _reshape(root / "demo", out, manifest):
        r = runner.invoke(app, ["import", *args, "--db", str(db), "--json"])
        assert r.exit_code == 0, (args, r.output)
        results[args[0]] = json.loads(r.stdout)
    return {"demo_db": root / "wh.duckdb", "db": db, "results": results, "manifest": manifest}


def _json(*args: str) -> dict:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_rows_accounted_as_in_the_demo(reshaped):
    demo_imports = reshaped["manifest"]["imports"]
    for table, got in reshaped["results"].items():
        if table == "network":
            continue
        want = demo_imports[table]
        extra = 2 * len(got["files"]) if table == "tickets" else 0  # the 合计 and 制表人 rows
        assert got["read"] == want["read"] + extra, table
        assert (got["stored"], got["updated"], got["duplicates"]) == (want["stored"], want["updated"], want["duplicates"]), table
        assert got["rejected"] == want["rejected"] + extra, table
        if extra:
            assert got["reasons"]["summary_row"] == extra


def test_customer_list_after_the_tickets_gives_the_same_rows(reshaped):
    """The demo attributes its tickets at import; here the list came last and the stored
    tickets were re-attributed: the same rows either way (hashes aside: another key)."""
    got = reshaped["results"]["customers"]["attribution"]["counter_tickets"]
    want = reshaped["manifest"]["imports"]["tickets"]
    assert got == {"changed": want["stored"], "attributed": want["stored"], "unattributed": 0}
    q = "select * exclude (customer_hash) from counter_tickets order by ticket_id"
    a = duckdb.connect(str(reshaped["db"]), read_only=True, config=parts.config(reshaped["db"]))
    b = duckdb.connect(str(reshaped["demo_db"]), read_only=True, config=parts.config(reshaped["demo_db"]))
    try:
        assert a.execute(q).fetchall() == b.execute(q).fetchall()
    finally:
        a.close()
        b.close()


def _flat(d, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def test_metrics_coverage_and_plan_equal_the_demo(reshaped):
    demo, db = str(reshaped["demo_db"]), str(reshaped["db"])
    a, b = _flat(_json("metrics", "--db", db, "--json")), _flat(_json("metrics", "--db", demo, "--json"))
    assert a.keys() == b.keys()
    for k in a:  # equal up to the order DuckDB's threads summed floats in
        assert a[k] == (pytest.approx(b[k], rel=1e-9, abs=1e-9) if isinstance(b[k], float) else b[k]), k
    a, b = _json("coverage", "--db", db, "--json"), _json("coverage", "--db", demo, "--json")
    assert (a["households_covered"], a["share"]) == (b["households_covered"], b["share"])
    assert a["communities"] == b["communities"]
    pa, pb = _json("plan", "--add", "2", "--db", db, "--json"), _json("plan", "--add", "2", "--db", demo, "--json")
    assert pa["share_after"] == pb["share_after"]
