"""Write the demo city as the export files the real systems produce.

The files are shaped like what users bring (``shared/spec/exports.md``): Chinese
headers, taken from the spec's alias lists and varied from table to table; different
encodings and formats (a GBK CSV from Excel on Chinese Windows, an XLSX, UTF-8 and
UTF-8-with-BOM CSVs, a GeoJSON of polygons, a point file in GCJ-02); different time
forms; personal columns (姓名, 联系电话) the importer must drop. A handful of *messy*
rows are planted on purpose (a ticket called before it was issued, an unknown hall, an
unknown category word, a visit of an unknown room, a negative household count, a
customer of an unknown community, exact duplicate rows): the importer must reject or
dedupe exactly those, and :class:`Written` records how many of each to expect.

Like a real queue system's, the ticket export carries the customer number (户号) and no
community; the customer list beside it (营销系统客户档案: 户号 → 社区编码) gives the
tickets their communities on import (:mod:`dashboard.ingest.attribution`).

Big files (tickets, hotline, visits) are formatted and written by DuckDB ``COPY``, which
keeps row order, so the bytes depend only on the seed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from dashboard.demo.config import HOTLINE_CATEGORIES, TICKET_TYPES, DemoConfig
from dashboard.demo.geography import Geography, to_lonlat
from dashboard.demo.queue import OUTCOME_CANCELLED, OUTCOME_NO_SHOW, Tickets
from dashboard.demo.rollout import Rollout
from dashboard.ingest.coords import wgs84_to_gcj02

__all__ = ["FILES", "Written", "customer_numbers", "write_exports", "write_network"]

FILES: dict[str, tuple[str, str]] = {
    # table: (file name or pattern, import crs)
    "communities": ("社区信息.geojson", "wgs84"),
    "buildings": ("小区出入口及楼栋.csv", "wgs84"),
    "halls": ("营业厅信息.xlsx", "wgs84"),
    "rooms": ("服务室台账.csv", "gcj02"),
    "staff": ("客户经理台账.csv", "wgs84"),
    "tickets": ("排队叫号明细_{year}.csv", "wgs84"),
    "hotline": ("95598工单明细.csv", "wgs84"),
    "visits": ("服务室服务台账.csv", "wgs84"),
    "customers": ("营销系统客户档案.csv", "wgs84"),
}
"""Export file of each table, and the coordinate system it is written in."""

LOAD_ORDER: tuple[str, ...] = (
    "communities", "buildings", "halls", "rooms", "staff", "customers", "tickets", "hotline", "visits",
)
"""Referenced tables first (tickets need halls, visits need rooms; the customer list
needs the communities and gives the tickets theirs)."""

TICKET_WORDS = {
    "payment": "交费", "query": "电费查询", "consultation": "业务咨询", "fault_report": "故障报修",
    "application": "业扩报装", "agency": "代办", "complaint": "投诉", "promotion": "用电宣传", "other": "其他",
}
VISIT_WORDS = {
    "payment": "电费缴纳", "query": "电量查询", "consultation": "电价咨询", "fault_report": "报修",
    "application": "业扩报装", "agency": "资料代收", "complaint": "意见", "promotion": "节能宣传", "other": "其他",
}
HOTLINE_WORDS = {
    "consultation": "咨询", "fault_repair": "故障报修", "complaint": "投诉", "report": "举报",
    "opinion": "意见", "praise": "表扬", "service_request": "服务申请", "reminder": "催办",
}
SATISFACTION_WORDS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意", "no_callback": "未回访"}
GROUP_WORDS = {"general": "普通", "elderly": "老年人", "disabled": "残疾人", "military_family": "军烈属", "low_income": "低保户"}
MODE_WORDS = {"walk_in": "到室", "home_visit": "上门", "appointment": "预约"}
ROLE_WORDS = {"meter_reader": "抄表员", "accountant": "核算员", "cashier": "收费员", "clerk": "营业员"}
DAY_WORDS = {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "星期六", "sun": "星期日"}
_TICKET_LETTER = {"payment": "A", "query": "A", "application": "C", "agency": "C"}


@dataclass
class Written:
    """What :func:`write_exports` wrote.

    Attributes
    ----------
    files
        Table → list of file paths (in load order of the files).
    crs
        Table → coordinate system of its files.
    generated
        Table → rows of the generated data (before messy rows were planted).
    planted
        Table → ``{"rejected": n, "duplicates": n, "rows": n}``: messy rows added to
        the files (``rows`` = rejected + duplicates).
    """

    files: dict[str, list[Path]] = field(default_factory=dict)
    crs: dict[str, str] = field(default_factory=dict)
    generated: dict[str, int] = field(default_factory=dict)
    planted: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, table: str, paths: list[Path], generated: int, *,
            rejected: int = 0, duplicates: int = 0) -> None:
        """Record a table's files, its generated rows and the messy rows planted in them."""
        self.files[table] = paths
        self.generated[table] = generated
        self.planted[table] = {"rejected": rejected, "duplicates": duplicates,
                               "rows": rejected + duplicates}

    def expected_stored(self, table: str) -> int:
        """Rows the importer should store for ``table`` in a fresh warehouse."""
        return self.generated[table]

    def as_dict(self) -> dict:
        return {
            "files": {k: [p.name for p in v] for k, v in self.files.items()},
            "crs": dict(self.crs),
            "generated": dict(self.generated),
            "planted": {k: dict(v) for k, v in self.planted.items()},
        }


def customer_numbers(comm_idx: np.ndarray, customer_idx: np.ndarray) -> np.ndarray:
    """The 户号 of a customer: ``31`` + 8 digits, unique per (community, household)."""
    return 3_100_000_000 + np.asarray(comm_idx, dtype=np.int64) * 10_000 + np.asarray(customer_idx, dtype=np.int64)


def _lonlat_geoms(geoms: pd.Series) -> np.ndarray:
    def f(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_lonlat(xy[:, 0], xy[:, 1])
        return np.column_stack([np.round(lon, 7), np.round(lat, 7)])
    return shapely.transform(np.asarray(geoms.to_list(), dtype=object), f)


def _ts(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """``datetime64[s]`` from day dates and seconds after midnight (NaT where seconds < 0)."""
    out = days.astype("datetime64[s]") + np.maximum(seconds, 0).astype("timedelta64[s]")
    out[np.asarray(seconds) < 0] = np.datetime64("NaT")
    return out


def write_network(geo: Geography, path: Path) -> int:
    """Write the street network as a GeoPackage of lines with a ``highway`` column.

    Returns
    -------
    int
        Number of segments written.
    """
    e = geo.edges
    lon1, lat1 = to_lonlat(e["x1"].to_numpy(), e["y1"].to_numpy())
    lon2, lat2 = to_lonlat(e["x2"].to_numpy(), e["y2"].to_numpy())
    coords = np.stack([np.column_stack([lon1, lat1]), np.column_stack([lon2, lat2])], axis=1)
    lines = shapely.linestrings(np.round(coords, 7))
    gdf = gpd.GeoDataFrame({"highway": e["highway"].to_numpy()}, geometry=lines, crs="EPSG:4326")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    gdf.to_file(path, layer="streets", driver="GPKG", engine="pyogrio")
    return len(gdf)


def write_exports(
    cfg: DemoConfig,
    geo: Geography,
    roll: Rollout,
    tickets: Tickets,
    hotline: pd.DataFrame,
    visits: pd.DataFrame,
    raw_dir: Path,
) -> Written:
    """Write every export file into ``raw_dir`` (emptied of earlier demo files first).

    Parameters
    ----------
    cfg, geo, roll, tickets, hotline, visits
        The generated city.
    raw_dir
        Output folder (``data/demo/raw``).

    Returns
    -------
    Written
        Files, their coordinate systems, generated row counts and planted messy rows.
    """
    raw_dir.mkdir(parents=True, exist_ok=True)
    for old in raw_dir.iterdir():
        if old.is_file() and old.suffix in (".csv", ".xlsx", ".geojson", ".json"):
            old.unlink()
    w = Written()
    comm = geo.communities
    cids = comm["community_id"].to_numpy()

    # ---- communities: GeoJSON polygons, one messy row (negative households)
    kind_word = np.where(comm["kind"] == "urban", "城市社区", "行政村")
    cdf = pd.DataFrame({
        "社区编码": cids,
        "社区名称": comm["name"].to_numpy(),
        "所属区县": comm["district"].to_numpy(),
        "街道/乡镇": comm["subdistrict"].to_numpy(),
        "城乡类别": kind_word,
        "总户数": comm["households"].to_numpy(),
        "常住人口": comm["population"].to_numpy(),
        "60岁以上人口": comm["elderly"].to_numpy(),
        "残疾人数": comm["disabled"].to_numpy(),
    })
    geoms = _lonlat_geoms(comm["polygon"])
    bad = cdf.iloc[[0]].copy()
    bad["社区编码"] = cids[0][:6] + "999001"
    bad["社区名称"] = "测试社区"
    bad["总户数"] = -1
    cdf = pd.concat([cdf, bad], ignore_index=True)
    geoms = np.append(geoms, geoms[0])
    path = raw_dir / FILES["communities"][0]
    gpd.GeoDataFrame(cdf, geometry=list(geoms), crs="EPSG:4326").to_file(path, driver="GeoJSON", engine="pyogrio")
    w.add("communities", [path], len(comm), rejected=1)

    # ---- buildings / gates: UTF-8 CSV
    b = geo.buildings
    blon, blat = to_lonlat(b["x"].to_numpy(), b["y"].to_numpy())
    bdf = pd.DataFrame({
        "编号": b["building_id"].to_numpy(),
        "所属社区": b["community_id"].to_numpy(),
        "类型": np.where(b["kind"] == "gate", "小区出入口", "楼栋"),
        "户数": b["households"].to_numpy(),
        "人口": b["population"].to_numpy(),
        "老年人口": b["elderly"].to_numpy(),
        "经度": np.round(blon, 6),
        "纬度": np.round(blat, 6),
    })
    path = raw_dir / FILES["buildings"][0]
    bdf.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    w.add("buildings", [path], len(bdf))

    # ---- halls: XLSX, one duplicate row
    h = geo.halls
    hlon, hlat = to_lonlat(h["x"].to_numpy(), h["y"].to_numpy())
    hdf = pd.DataFrame({
        "营业厅编号": h["hall_id"].to_numpy(),
        "营业厅名称": h["name"].to_numpy(),
        "区县": h["district"].to_numpy(),
        "经度": np.round(hlon, 6),
        "纬度": np.round(hlat, 6),
        "窗口数": tickets.counters,
    })
    hdf = pd.concat([hdf, hdf.iloc[[len(hdf) - 1]]], ignore_index=True)
    path = raw_dir / FILES["halls"][0]
    _write_xlsx(hdf, path, "营业厅")
    w.add("halls", [path], len(h), duplicates=1)

    # ---- rooms: GBK CSV, coordinates in GCJ-02, dates like 2024年3月5日
    r = roll.rooms
    rlon, rlat = to_lonlat(r["x"].to_numpy(), r["y"].to_numpy())
    glon, glat = wgs84_to_gcj02(rlon, rlat)
    rdf = pd.DataFrame({
        "服务室编号": r["room_id"].to_numpy(),
        "服务室名称": r["name"].to_numpy(),
        "所在社区编码": r["community_id"].to_numpy(),
        "服务范围": ["、".join(s) for s in r["served_community_ids"]],
        "经度": np.round(glon, 6),
        "纬度": np.round(glat, 6),
        "启用日期": [f"{d.year}年{d.month}月{d.day}日" for d in r["opened_on"]],
        "服务日": ["、".join(DAY_WORDS[x] for x in days) for days in r["open_days"]],
        "服务时间": r["open_hours"].to_numpy(),
        "客户经理人数": r["managers"].to_numpy(),
    })
    path = raw_dir / FILES["rooms"][0]
    rdf.to_csv(path, index=False, encoding="gbk", lineterminator="\r\n")
    w.add("rooms", [path], len(rdf))
    w.crs["rooms"] = "gcj02"

    # ---- staff: UTF-8 with BOM, names and phones (dropped on import)
    s = roll.staff
    sdf = pd.DataFrame({
        "工号": s["staff_id"].to_numpy(),
        "姓名": s["person_name"].to_numpy(),
        "原岗位": [ROLE_WORDS[x] for x in s["former_role"]],
        "现岗位": "客户经理",
        "服务室": s["room_id"].to_numpy(),
        "到岗日期": [f"{d.year}/{d.month}/{d.day}" for d in s["assigned_on"]],
        "联系电话": s["phone"].to_numpy(),
    })
    path = raw_dir / FILES["staff"][0]
    sdf.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    w.add("staff", [path], len(sdf))

    con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": True})
    try:
        _lookup(con, "lu_comm", geo.communities["community_id"])
        _write_customers(geo, con, raw_dir, w)
        _write_tickets(cfg, geo, tickets, con, raw_dir, w)
        _write_hotline(geo, hotline, con, raw_dir, w)
        _write_visits(geo, roll, visits, con, raw_dir, w)
    finally:
        con.close()
    for t in w.files:
        w.crs.setdefault(t, FILES[t][1])
    return w


def _write_xlsx(df: pd.DataFrame, path: Path, sheet: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2024, 1, 1)})  # fixed: same bytes for a seed
    ws = wb.add_worksheet(sheet)
    ws.write_row(0, 0, list(df.columns))
    for i, row in enumerate(df.itertuples(index=False), start=1):
        ws.write_row(i, 0, [v.item() if hasattr(v, "item") else v for v in row])
    wb.close()


def _lookup(con: duckdb.DuckDBPyConnection, name: str, values) -> None:
    con.register(name, pd.DataFrame({"i": np.arange(len(values), dtype=np.int64), "v": list(values)}))


def _write_tickets(cfg: DemoConfig, geo: Geography, tickets: Tickets, con, raw_dir: Path, w: Written) -> None:
    f = tickets.frame
    keep = ~f["diverted"].to_numpy()
    t = f.loc[keep]
    from dashboard.demo.queue import day_frame

    day_dates = day_frame(cfg)["date"].to_numpy()
    dates = day_dates[t["day_idx"].to_numpy()]
    called_s = t["called_s"].to_numpy()
    outcome = t["outcome"].to_numpy()
    served = outcome == 0
    started_s = np.where(served, called_s + t["walk_s"].to_numpy(), -1)
    finished_s = np.where(served, started_s + t["service_s"].to_numpy(), -1)
    letters = ("A", "B", "C")
    letter = np.array([letters.index(_TICKET_LETTER.get(x, "B")) for x in TICKET_TYPES], dtype=np.int64)[
        t["type"].to_numpy()]
    hd = t["hall_idx"].to_numpy().astype(np.int64) * 100_000 + t["day_idx"].to_numpy()
    if len(hd) > 1 and (np.diff(hd) < 0).any():
        raise ValueError("tickets must be sorted by hall and day (see generate_tickets)")
    issued_at = _ts(dates, t["issued_s"].to_numpy())
    def cat(codes: np.ndarray, labels) -> pd.Categorical:
        return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(labels))

    frame = pd.DataFrame({
        "hall": cat(t["hall_idx"].to_numpy(), geo.halls["hall_id"]),
        "issued_at": issued_at,
        "called_at": _ts(dates, called_s),
        "started_at": _ts(dates, started_s),
        "finished_at": _ts(dates, finished_s),
        "type": cat(t["type"].to_numpy(), [TICKET_WORDS[x] for x in TICKET_TYPES]),
        "counter": t["counter"].to_numpy() + 1,
        "outcome": cat(outcome, ["已办结", "过号", "取消"]),
        "customer_no": customer_numbers(t["comm_idx"].to_numpy(), t["customer_idx"].to_numpy()),
        "appointment": cat(t["appointment"].to_numpy().astype(np.int64), ["否", "是"]),
        "letter": cat(letter, letters),
        "year": issued_at.astype("datetime64[Y]").astype(np.int64) + 1970,
        # the day as YYYYMMDD text (an ENUM in DuckDB: no strftime per row)
        "ymd": cat(t["day_idx"].to_numpy(),
                   np.char.replace(np.datetime_as_string(day_dates.astype("datetime64[D]")), "-", "")),
    })
    # per hall-day sequence (流水号) and per hall-day-letter ticket number (排队号); the
    # tickets are sorted by hall and day, so a hall-day is one run of rows
    seq, no = _run_counts(hd, letter, len(letters))
    frame["seq"] = seq
    frame["no"] = no
    frame["rn"] = np.arange(len(frame), dtype=np.int64)
    # through Arrow: DuckDB scans it in parallel (a pandas scan holds the GIL)
    years = sorted(set(frame["year"].unique().tolist()))
    con.register("tk", pa.Table.from_pandas(frame, preserve_index=False))
    del frame
    assert OUTCOME_NO_SHOW == 1 and OUTCOME_CANCELLED == 2
    # a pure projection of the frame (categoricals arrive as ENUMs: no join, no sort),
    # so the rows keep their order
    con.execute("""
        create or replace view tk_out as
        select
            rn,
            year,
            hall::varchar || ymd::varchar || lpad(seq::varchar, 4, '0') as "流水号",
            hall::varchar as "营业厅编号",
            letter::varchar || lpad(no::varchar, 3, '0') as "排队号",
            type::varchar as "业务名称",
            issued_at as "取号时间",
            called_at as "叫号时间",
            started_at as "开始办理时间",
            finished_at as "办结时间",
            case when counter > 0 then counter::varchar end as "窗口号",
            outcome::varchar as "状态",
            customer_no::varchar as "户号",
            appointment::varchar as "是否预约"
        from tk
    """)
    n = len(t)
    # messy rows, appended to the last year's file: a copy of a served ticket called
    # 5 minutes before it was issued, a copy at an unknown hall, and an exact duplicate
    mid = n // 2
    first_served = int(np.flatnonzero((outcome == 0) & (np.arange(n) >= mid))[0])
    con.execute("""
        create or replace table tk_messy as
        select 1 as _k, * replace (
            "流水号" || 'X1' as "流水号",
            "取号时间" - interval 5 minute as "叫号时间")
        from tk_out where rn = $s
        union all
        select 2 as _k, * replace ("流水号" || 'X2' as "流水号", 'YYT999999' as "营业厅编号")
        from tk_out where rn = $m + 1
        union all
        select 3 as _k, * from tk_out where rn = $m + 2
    """, {"m": mid, "s": first_served})
    paths = []
    for y in years:
        path = raw_dir / FILES["tickets"][0].format(year=y)
        con.execute(
            f"copy (select * exclude (rn, year) from tk_out where year = {int(y)}) "
            f"to '{_sql_path(path)}' (header, delimiter ',')"
        )
        if y == years[-1]:
            _append_csv(con, "select * exclude (_k, rn, year) from tk_messy order by _k", path)
        paths.append(path)
    con.execute("drop view tk_out; drop table tk_messy")
    con.unregister("tk")
    w.add("tickets", paths, n, rejected=2, duplicates=1)


def _append_csv(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    """Append the rows of ``select`` (no header) to the CSV at ``path``."""
    tmp = path.with_suffix(".part")
    con.execute(f"copy ({select}) to '{_sql_path(tmp)}' (header false, delimiter ',')")
    with open(path, "ab") as fh:
        fh.write(tmp.read_bytes())
    tmp.unlink()


def _write_customers(geo: Geography, con, raw_dir: Path, w: Written) -> None:
    """The marketing system's customer list (营销系统客户档案): one row per household of
    every community, 户号 → 社区编码 with 台区, 用户类别 and 城乡类别, and a masked 户名
    (dropped on import). The ticket export carries only 户号: its communities come from
    this list. Messy rows: a customer of an unknown community, and an exact duplicate."""
    comm = geo.communities
    hh = comm["households"].to_numpy().astype(np.int64)
    comm_idx = np.repeat(np.arange(len(comm), dtype=np.int64), hh)
    idx = np.arange(int(hh.sum()), dtype=np.int64) - np.repeat(np.cumsum(hh) - hh, hh)
    frame = pd.DataFrame({
        "customer_no": customer_numbers(comm_idx, idx),
        "comm": pd.Categorical.from_codes(comm_idx, categories=list(comm["community_id"])),
        "rural": (comm["kind"] == "rural").to_numpy()[comm_idx],
        "idx": idx,
    })
    con.register("cu", pa.Table.from_pandas(frame, preserve_index=False))
    del frame
    con.execute("""
        create or replace view cu_out as
        select
            customer_no::varchar as "户号",
            (['王', '李', '张', '刘', '陈'])[1 + idx % 5] || '**' as "户名",
            comm::varchar as "社区编码",
            comm::varchar || '-TQ' || lpad((idx // 150)::varchar, 3, '0') as "台区编号",
            case when idx % 25 = 24 then '一般工商业' else '居民' end as "用户类别",
            case when rural then '农村' else '城市' end as "城乡类别"
        from cu
    """)
    path = raw_dir / FILES["customers"][0]
    con.execute(f"copy (select * from cu_out) to '{_sql_path(path)}' (header, delimiter ',')")
    _append_csv(con, """
        select '3099999999', '赵**', 'XX999999', 'XX999999-TQ000', '居民', '城市'
        union all
        (select * from cu_out limit 1)
        order by 1""", path)
    con.execute("drop view cu_out")
    con.unregister("cu")
    w.add("customers", [path], int(hh.sum()), rejected=1, duplicates=1)


def _run_counts(group: np.ndarray, sub: np.ndarray, n_sub: int) -> tuple[np.ndarray, np.ndarray]:
    """1-based position of each row in its run of equal ``group`` values, and in its
    (run, ``sub``) pair; ``group`` must hold each group in one contiguous run."""
    n = len(group)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pos = np.arange(n, dtype=np.int64)
    run_start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    start_of = np.repeat(run_start, np.diff(np.r_[run_start, n]))
    seq = pos - start_of + 1
    no = np.zeros(n, dtype=np.int64)
    for k in range(n_sub):
        hit = sub == k
        c = np.cumsum(hit)
        before = np.r_[0, c][start_of]  # hits before the row's run
        no[hit] = (c - before)[hit]
    return seq, no


def _sql_path(path: Path) -> str:
    s = str(path)
    if "'" in s:
        raise ValueError(f"output path may not contain a quote: {s}")
    return s


def _write_hotline(geo: Geography, hotline: pd.DataFrame, con, raw_dir: Path, w: Written) -> None:
    o = hotline.loc[~hotline["diverted"].to_numpy()]
    comm = geo.communities
    rural = (comm["kind"] == "rural").to_numpy()[o["comm_idx"].to_numpy()]
    cust = customer_numbers(o["comm_idx"].to_numpy(), np.maximum(o["customer_idx"].to_numpy(), 0))
    sat = pd.Categorical(o["satisfaction"].to_numpy(), categories=list(SATISFACTION_WORDS))
    frame = pd.DataFrame({
        "rn": np.arange(len(o), dtype=np.int64),
        "received_at": o["received_at"].to_numpy(),
        "cat": o["category"].to_numpy().astype(np.int64),
        "subcategory": pd.Categorical(o["subcategory"].to_numpy().astype(str)),
        "comm_idx": o["comm_idx"].to_numpy().astype(np.int64),
        "grid": pd.Categorical.from_codes(rural.astype(np.int64), categories=["城网", "农网"]),
        "dispatched_at": o["dispatched_at"].to_numpy(),
        "arrived_at": o["arrived_at"].to_numpy(),
        "restored_at": o["restored_at"].to_numpy(),
        "closed_at": o["closed_at"].to_numpy(),
        "satisfaction": sat.rename_categories(SATISFACTION_WORDS),
        "customer_no": np.where(o["customer_idx"].to_numpy() >= 0, cust, -1),
        "phone": 13_000_000_000 + o["phone"].to_numpy().astype(np.int64),
    })
    table = pa.Table.from_pandas(frame, preserve_index=False)
    del frame
    _lookup(con, "lu_cat", [HOTLINE_WORDS[c] for c in HOTLINE_CATEGORIES])
    fmt = "'%Y/%-m/%-d %-H:%M'"
    n = _stage(con, "ho", table, f"""
        select
            ho.rn,
            strftime(ho.received_at, '%Y%m%d') || lpad((row_number() over (
                partition by ho.received_at::date order by ho.rn))::varchar, 6, '0') as "工单编号",
            strftime(ho.received_at, {fmt}) as "受理时间",
            k.v as "工单类型",
            ho.subcategory::varchar as "业务子类",
            c.v as "所属社区",
            ho.grid::varchar as "城农网标志",
            strftime(ho.dispatched_at, {fmt}) as "派工时间",
            strftime(ho.arrived_at, {fmt}) as "到达现场时间",
            strftime(ho.restored_at, {fmt}) as "恢复送电时间",
            strftime(ho.closed_at, {fmt}) as "归档时间",
            ho.satisfaction::varchar as "回访满意度",
            case when ho.customer_no >= 0 then ho.customer_no::varchar end as "户号",
            ho.phone::varchar as "联系电话"
        from ho
        join lu_cat k on k.i = ho.cat
        join lu_comm c on c.i = ho.comm_idx
    """)
    del table
    mid = n // 3
    con.execute("""
        create or replace table ho_messy as
        select * replace ("工单编号" || '99' as "工单编号", '其它诉求' as "工单类型") from ho_out where rn = $m
        union all
        select * from ho_out where rn = $m + 1
    """, {"m": mid})
    path = raw_dir / FILES["hotline"][0]
    # UTF-8 with BOM: DuckDB writes plain UTF-8, so the BOM goes first by hand
    tmp = path.with_suffix(".part")
    _copy_with_messy(con, "ho", tmp, order='rn, _k, "工单编号"')
    _prepend_bom(tmp, path)
    w.add("hotline", [path], n, rejected=1, duplicates=1)


def _stage(con: duckdb.DuckDBPyConnection, name: str, frame: pa.Table, select: str) -> int:
    """Register ``frame`` as ``name``, make table ``<name>_out`` from ``select`` (which
    reads it; the export's columns plus ``rn``, the row's order), drop the registration;
    the rows made."""
    con.register(name, frame)
    con.execute(f"create or replace table {name}_out as {select}")
    con.unregister(name)
    return int(con.execute(f"select count(*) from {name}_out").fetchone()[0])


def _copy_with_messy(con: duckdb.DuckDBPyConnection, name: str, path: Path, order: str = "rn, _k") -> None:
    """Write ``<name>_out`` with the planted rows of ``<name>_messy`` after the rows they
    copy (ordered by ``order``) as a CSV at ``path``, then drop both tables."""
    con.execute(
        f"copy (select * exclude (rn, _k) from (select *, 0 as _k from {name}_out union all "
        f"select *, 1 as _k from {name}_messy) order by {order}) "
        f"to '{_sql_path(path)}' (header, delimiter ',')"
    )
    con.execute(f"drop table {name}_out; drop table {name}_messy")


def _prepend_bom(src: Path, dst: Path) -> None:
    with open(dst, "wb") as out, open(src, "rb") as inp:
        out.write(b"\xef\xbb\xbf")
        while chunk := inp.read(1 << 22):
            out.write(chunk)
    src.unlink()


def _write_visits(geo: Geography, roll: Rollout, visits: pd.DataFrame, con, raw_dir: Path, w: Written) -> None:
    v = visits

    def words(values: pd.Series, mapping: dict[str, str]) -> pd.Categorical:
        return pd.Categorical(values.to_numpy(), categories=list(mapping)).rename_categories(mapping)

    frame = pd.DataFrame({
        "rn": np.arange(len(v), dtype=np.int64),
        "room_idx": v["room_idx"].to_numpy().astype(np.int64),
        "visited_at": v["visited_at"].to_numpy(),
        "stype": words(v["service_type"], VISIT_WORDS),
        "grp": words(v["customer_group"], GROUP_WORDS),
        "mode": words(v["mode"], MODE_WORDS),
        "comm_idx": v["comm_idx"].to_numpy().astype(np.int64),
        "resolved": v["resolved"].to_numpy(),
        "customer_no": customer_numbers(v["comm_idx"].to_numpy(), v["customer_idx"].to_numpy()),
    })
    table = pa.Table.from_pandas(frame, preserve_index=False)
    del frame
    _lookup(con, "lu_room", roll.rooms["room_id"])
    n = _stage(con, "vi", table, """
        select
            vi.rn,
            'TZ' || r.v || lpad((row_number() over (partition by vi.room_idx order by vi.rn))::varchar, 6, '0') as "台账编号",
            r.v as "服务室编号",
            strftime(vi.visited_at, '%Y%m%d%H%M%S') as "服务时间",
            vi.stype::varchar as "服务项目",
            vi.grp::varchar as "客户类别",
            vi.mode::varchar as "服务方式",
            c.v as "所属社区",
            case when vi.resolved then '是' else '否' end as "是否办结",
            vi.customer_no::varchar as "户号"
        from vi
        join lu_room r on r.i = vi.room_idx
        join lu_comm c on c.i = vi.comm_idx
    """)
    del table
    con.execute("""
        create or replace table vi_messy as
        select * replace ("台账编号" || 'X' as "台账编号", 'FWS99999999' as "服务室编号")
        from vi_out where rn = $m
    """, {"m": n // 2})
    path = raw_dir / FILES["visits"][0]
    _copy_with_messy(con, "vi", path)
    w.add("visits", [path], n, rejected=1)


def write_manifest(path: Path, written: Written, extra: dict) -> None:
    """Write ``manifest.json``: files, generated counts, planted messy rows, ``extra``."""
    data = {**written.as_dict(), **extra}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
