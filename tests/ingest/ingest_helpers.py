"""Shared data and helpers of the importer tests (small exports, warehouse readers)."""

from __future__ import annotations

from pathlib import Path

import duckdb


FILES = Path(__file__).parent / "files"

HALLS_CSV = """营业厅编号,营业厅名称,区县,经度,纬度,窗口数
H01,城东营业厅,城东区,118.780,32.040,6
H02,城西营业厅,城西区,118.700,32.050,4
"""

COMMUNITIES_CSV = """社区编码,社区名称,区县,街道,类型,户数,常住人口,60岁以上人口,经度,纬度
C001,梅园社区,城东区,梅园街道,城市社区,3200,8100,1900,118.781,32.041
C002,桃园社区,城东区,梅园街道,城市社区,2500,6400,1500,118.785,32.045
V001,王庄村,城西区,王庄镇,行政村,800,2300,700,118.650,32.100
"""

# the personal values planted in inputs; none may ever reach the warehouse
PERSONAL = ["1234567890", "9876543210", "张三丰", "李四光", "13800138000", "13900139000",
            "320102199001011234", "梅园路12号3栋501室"]

TICKETS_CSV = (
    "流水号,营业厅,排队号,业务类型,取号时间,叫号时间,开始办理时间,结束办理时间,窗口号,办理结果,户号,姓名,联系电话,身份证号\n"
    "T1,H01,A001,交费,2024-03-05 09:12:33,2024/3/5 9:20,2024-03-05T09:21:00,20240305092500,1,正常,1234567890,张三丰,13800138000,320102199001011234\n"
    "T2,H01,A002,电费查询,2024年3月5日 9:13,2024-03-05 09:30,2024-03-05 09:31,2024-03-05 09:40,2,已办结,9876543210,李四光,13900139000,\n"
    "T3,H02,A003,缴费,20240305091400,2024-03-05 09:20,,,2,过号,,,,\n"
)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """Run SQL on a read-only snapshot of the warehouse."""
    from dashboard import warehouse

    con = warehouse.connect_read(db)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def all_text(db: Path) -> str:
    """Every value stored for the warehouse as one big string: every table in the file and
    every Parquet part beside it (listed or not)."""
    from dashboard import parts

    con = duckdb.connect(str(db), read_only=True, config=parts.config(db))
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        sources = [f'"{t}"' for t in tables]
        sources += [f"read_parquet('{p}', hive_partitioning = false)" for p in sorted(parts.folder(db).rglob("*.parquet"))]
        lines = []
        for source in sources:
            for r in con.execute(f"select * from {source}").fetchall():
                lines.append(" | ".join(map(str, r)))
        return "\n".join(lines)
    finally:
        con.close()


def identity(d: dict) -> bool:
    return d["read"] == d["stored"] + d["updated"] + d["duplicates"] + d["rejected"]
