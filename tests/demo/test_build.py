"""The demo is the importer's first user: what it generated is what the warehouse holds.

Counts are checked three ways: the files (read back with pandas) hold the generated
rows plus the planted messy ones; the importer's counts reject or dedupe exactly the
planted rows with the expected reasons; the warehouse tables hold the generated rows.
The truth file is recomputed independently from the warehouse with pandas.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard import parts, warehouse
from dashboard.demo import DemoExists, build_demo, generate
from dashboard.demo.exports import customer_numbers
from dashboard.demo.geography import to_lonlat
from dashboard.demo.queue import day_frame

WAREHOUSE_TABLE = {
    "communities": "communities", "buildings": "buildings", "halls": "business_halls",
    "rooms": "service_rooms", "staff": "staff", "tickets": "counter_tickets",
    "hotline": "hotline_orders", "visits": "room_visits", "customers": "customers",
}
EXPECTED_REASONS = {
    "communities": {"negative_count": 1},
    "tickets": {"called_before_issued": 1, "unknown_hall": 1},
    "hotline": {"unknown_category": 1},
    "visits": {"unknown_room": 1},
    "customers": {"unknown_community": 1},
}


def _file_rows(path) -> int:
    if path.suffix == ".csv":
        for enc in ("utf-8-sig", "gbk"):
            try:
                return len(pd.read_csv(path, encoding=enc, dtype=str))
            except UnicodeDecodeError:
                continue
    if path.suffix == ".xlsx":
        return len(pd.read_excel(path))
    if path.suffix == ".geojson":
        return len(json.loads(path.read_text(encoding="utf-8"))["features"])
    raise AssertionError(path)


def test_files_hold_generated_plus_planted_rows(tiny_build):
    report, root = tiny_build
    raw = root / "demo" / "raw"
    for table, names in report["files"].items():
        n = sum(_file_rows(raw / name) for name in names)
        assert n == report["generated"][table] + report["planted"][table]["rows"], table


def test_one_file_gbk_one_xlsx_bom_and_chinese_headers(tiny_build):
    report, root = tiny_build
    raw = root / "demo" / "raw"
    rooms = (raw / report["files"]["rooms"][0]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        rooms.decode("utf-8")
    assert rooms.decode("gbk").startswith("服务室编号,")
    assert (raw / report["files"]["hotline"][0]).read_bytes().startswith(b"\xef\xbb\xbf")
    assert report["files"]["halls"][0].endswith(".xlsx")
    head = (raw / report["files"]["tickets"][0]).read_text(encoding="utf-8").splitlines()[0]
    assert head.split(",")[:5] == ["流水号", "营业厅编号", "排队号", "业务名称", "取号时间"]
    # like a real queue system's: 户号 but no community; the customer list gives it
    assert "户号" in head.split(",") and "所属社区" not in head and "社区" not in head
    head = (raw / report["files"]["customers"][0]).read_text(encoding="utf-8").splitlines()[0]
    assert head.split(",") == ["户号", "户名", "社区编码", "台区编号", "用户类别", "城乡类别"]


def test_tickets_get_their_generated_community_through_the_customer_list(tiny_build):
    report, root = tiny_build
    assert report["imports"]["tickets"]["attribution"] == {
        "attributed": report["generated"]["tickets"] + 1,  # the valid rows incl. the planted duplicate
        "unattributed": 0, "from_export": 0,
    }
    city = generate("tiny", seed=7)
    kept = city.tickets.frame[~city.tickets.frame["diverted"]]
    want = kept["comm_idx"].map(dict(enumerate(city.geo.communities["community_id"]))).value_counts().sort_index()
    con = warehouse.connect_read(root / "wh.duckdb")
    try:
        got = con.execute("select community_id, community_source, count(*) n from counter_tickets group by all").df()
    finally:
        con.close()
    assert set(got["community_source"]) == {"customer"}
    assert got.set_index("community_id")["n"].sort_index().to_dict() == want.to_dict()


def test_importer_rejects_and_dedupes_exactly_the_planted_rows(tiny_build):
    report, _ = tiny_build
    assert report["mismatches"] == []
    for table, res in report["imports"].items():
        planted = report["planted"][table]
        assert res["read"] == report["generated"][table] + planted["rows"], table
        assert res["stored"] == report["generated"][table], table
        assert res["rejected"] == planted["rejected"], table
        assert res["duplicates"] == planted["duplicates"], table
        assert res["reasons"] == EXPECTED_REASONS.get(table, {}), table


def test_warehouse_holds_the_generated_rows(tiny_build):
    report, root = tiny_build
    con = warehouse.connect_read(root / "wh.duckdb")
    try:
        for table, wh in WAREHOUSE_TABLE.items():
            n = con.execute(f"select count(*) from {wh}").fetchone()[0]  # noqa: S608 (fixed names)
            assert n == report["generated"][table], table
        n_rej = con.execute("select count(*) from rejects").fetchone()[0]
        assert n_rej == sum(p["rejected"] for p in report["planted"].values())
    finally:
        con.close()


def test_generated_city_matches_the_stored_one(tiny_build):
    report, root = tiny_build
    city = generate("tiny", seed=7)
    con = warehouse.connect_read(root / "wh.duckdb")
    try:
        comm = con.execute("select community_id, households from communities order by 1").df()
        rooms = con.execute("select room_id, lon, lat, served_community_ids, open_days from service_rooms").df()
        hashes = set(con.execute("select customer_hash from counter_tickets").df()["customer_hash"].dropna())
        tk = con.execute("select hall_id, count(*) n from counter_tickets group by 1").df()
    finally:
        con.close()
    g = city.geo.communities.sort_values("community_id")
    assert comm["community_id"].tolist() == g["community_id"].tolist()
    assert comm["households"].tolist() == g["households"].tolist()
    # rooms were written in GCJ-02 and converted back on import: within 2 m of the truth
    r = city.roll.rooms.set_index("room_id").loc[rooms["room_id"]]
    lon, lat = to_lonlat(r["x"].to_numpy(), r["y"].to_numpy())
    err_m = np.hypot((rooms["lon"].to_numpy() - lon) * 85_000, (rooms["lat"].to_numpy() - lat) * 111_000)
    assert err_m.max() < 2.0
    assert [list(x) for x in rooms["served_community_ids"]] == [list(x) for x in r["served_community_ids"]]
    assert [tuple(x) for x in rooms["open_days"]] == [tuple(x) for x in r["open_days"]]
    # customer numbers are stored only as keyed hashes
    clear = {str(v) for v in customer_numbers(city.tickets.frame["comm_idx"], city.tickets.frame["customer_idx"])}
    assert hashes and not (hashes & clear)
    assert all(h.startswith("h1:") for h in hashes)
    kept = city.tickets.frame[~city.tickets.frame["diverted"]]
    assert tk["n"].sum() == len(kept)


def test_truth_matches_an_independent_computation(tiny_build):
    report, root = tiny_build
    truth = json.loads((root / "demo" / "truth.json").read_text(encoding="utf-8"))
    assert set(truth["outcomes"]) == {
        "counter_visits_per_1k_households", "hotline_per_1k_households", "restoration_hours", "hall_wait_mean_min",
        "arrival_minutes", "satisfaction_rate", "complaints_per_10k_households",
    }
    city = generate("tiny", seed=7)
    con = warehouse.connect_read(root / "wh.duckdb")
    try:
        actual = con.execute("""
            select community_id, date_trunc('month', issued_at)::date as month_on, count(*) as n
            from counter_tickets group by all""").df()
        treat = con.execute("select community_id, first_opened_on from community_treatment").df()
        comm = con.execute("select community_id, households from communities").df()
    finally:
        con.close()
    # counterfactual from the generator: every ticket, diverted ones included
    f = city.tickets.frame
    days = day_frame(city.cfg)
    cf = pd.DataFrame({
        "community_id": city.geo.communities["community_id"].to_numpy()[f["comm_idx"].to_numpy()],
        "month_on": pd.to_datetime(days["date"].to_numpy()[f["day_idx"].to_numpy()]).to_period("M").to_timestamp().date,
    }).groupby(["community_id", "month_on"]).size().rename("n_cf").reset_index()
    actual["month_on"] = pd.to_datetime(actual["month_on"]).dt.date
    panel = cf.merge(actual, how="left", on=["community_id", "month_on"]).fillna({"n": 0})
    panel = panel.merge(treat, on="community_id").merge(comm, on="community_id")
    first_month = pd.to_datetime(panel["first_opened_on"]).dt.to_period("M").dt.to_timestamp().dt.date
    treated = panel["first_opened_on"].notna() & (panel["month_on"] >= first_month)
    att = ((panel["n"] - panel["n_cf"]) * 1000.0 / panel["households"])[treated].mean()
    t = truth["outcomes"]["counter_visits_per_1k_households"]
    assert t["n_treated_cells"] == int(treated.sum())
    assert t["att"] == pytest.approx(att, rel=1e-9)
    assert t["att"] < 0
    # the realised effect is close to the expected one (noise only from the thinning draw)
    assert t["att"] == pytest.approx(t["att_expected"], rel=0.35)
    assert t["relative_effect_offloadable_full_ramp"] == city.cfg.effects.counter_rel
    r = truth["outcomes"]["restoration_hours"]
    assert r["effect_full_ramp_hours"] == pytest.approx(city.cfg.effects.restoration_min / 60.0)
    assert r["effect_full_ramp_hours"] <= r["att"] < 0
    h = truth["outcomes"]["hotline_per_1k_households"]
    assert h["by_category"]["praise"]["att"] == 0.0  # no effect configured, none generated
    assert h["by_category"]["consultation"]["att"] < 0
    w = truth["outcomes"]["hall_wait_mean_min"]
    assert w["hall_mean_actual"] < w["hall_mean_counterfactual"]


def test_existing_warehouse_is_left_alone_without_force(tiny_build):
    _, root = tiny_build
    db = root / "wh.duckdb"
    before = db.stat().st_mtime_ns
    with pytest.raises(DemoExists):
        build_demo("tiny", seed=8, db=db, out_dir=root / "other")
    assert db.stat().st_mtime_ns == before
    assert not (root / "other").exists()


def test_force_replaces_the_data(tmp_path):
    db = tmp_path / "wh.duckdb"
    a = build_demo("tiny", seed=1, db=db, out_dir=tmp_path / "d")
    b = build_demo("tiny", seed=2, db=db, out_dir=tmp_path / "d", force=True)
    con = duckdb.connect(str(db), read_only=True, config=parts.config(db))
    try:
        n = con.execute("select count(*) from counter_tickets").fetchone()[0]
        n_imports = con.execute("select count(*) from imports").fetchone()[0]
    finally:
        con.close()
    assert n == b["generated"]["tickets"] != a["generated"]["tickets"]
    assert n_imports == sum(len(v) for v in b["files"].values())
