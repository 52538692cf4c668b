"""Fixtures of the seed-goal outcome tests: the ``tiny`` demo city built once per module
(the same path as ``servicecircle demo --scale tiny``), and its raw tables as DataFrames
for the independent pandas computations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from dashboard import privacy, warehouse


@dataclass
class Demo:
    db: Path
    truth: dict
    tables: dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def tiny_demo(tmp_path_factory) -> Demo:
    """Build the ``tiny`` demo (seed 7) into a temporary warehouse."""
    from dashboard.demo import build_demo

    root = tmp_path_factory.mktemp("outcomes_tiny")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVICECIRCLE_KEY_FILE", str(root / "hash.key"))
        privacy._key.cache_clear()
        build_demo("tiny", seed=7, db=root / "wh.duckdb", out_dir=root / "demo")
        privacy._key.cache_clear()
    con = warehouse.connect_read(root / "wh.duckdb")
    try:
        tables = {
            name: con.execute(f"select * from {name}").df()
            for name in ("communities", "service_rooms", "hotline_orders", "counter_tickets",
                         "room_visits", "staff", "business_halls")
        }
    finally:
        con.close()
    truth = json.loads((root / "demo" / "truth.json").read_text(encoding="utf-8"))
    return Demo(db=root / "wh.duckdb", truth=truth, tables=tables)


def first_opening(t: dict[str, pd.DataFrame]) -> pd.Series:
    """community_id → first opened_on of a room serving it (own community included)."""
    r = t["service_rooms"].dropna(subset=["opened_on"]).copy()
    r["cid"] = [list(s if s is not None else []) + [c] for s, c in zip(r["served_community_ids"], r["community_id"])]
    r = r.explode("cid")
    return pd.to_datetime(r.groupby("cid")["opened_on"].min())


def wave_of(t: dict[str, pd.DataFrame]) -> pd.Series:
    """community_id → roll-out wave ('YYYYQn' or 'none')."""
    first = first_opening(t)
    w = pd.Series("none", index=t["communities"]["community_id"].to_numpy(), dtype=object)
    q = first.dt.year.astype(str) + "Q" + first.dt.quarter.astype(str)
    w.loc[w.index.intersection(q.index)] = q
    return w
