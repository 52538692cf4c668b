"""Fixtures of the scorecard tests: the ``tiny`` demo city (seed 7) with a few rows added
by hand so every scorecard column has something to count -- visits on a day the room is
closed (a Monday at a Tuesday/Thursday room, and one before a room opened), a visit with
no customer group, mode or resolved flag, and a customer manager moved to another room
mid-month -- and its raw tables as DataFrames for the independent pandas computation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from dashboard import parts, privacy, warehouse

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _closed_weekdays(room, month_first: dt.date) -> list[dt.date]:
    """Days of the month on which ``room`` (a service_rooms row) is not scheduled open."""
    days = pd.date_range(month_first, month_first + pd.offsets.MonthEnd(0), freq="D").date
    return [d for d in days if DAYS[d.weekday()] not in list(room.open_days)]


@dataclass
class Tiny:
    db: Path
    tables: dict[str, pd.DataFrame]
    closed_room: str
    """Got three visits on days it is closed, in September 2024."""
    early_room: str
    """Got a visit 30 days before it opened."""
    moved_manager: str
    """Moved on 2024-08-15 from a room with two managers to ``moved_to``."""
    moved_to: str


@pytest.fixture(scope="package")
def tiny(tmp_path_factory) -> Tiny:
    from dashboard.demo import build_demo

    root = tmp_path_factory.mktemp("scorecard_tiny")
    db = root / "wh.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SERVICECIRCLE_KEY_FILE", str(root / "hash.key"))
        privacy._key.cache_clear()
        build_demo("tiny", seed=7, db=db, out_dir=root / "demo")
        privacy._key.cache_clear()
    con = warehouse.connect_read(db)
    rooms = con.execute("select * from service_rooms order by room_id").df()
    staff = con.execute("select * from staff where current_role = 'customer_manager' order by staff_hash").df()
    con.close()
    closed = next(r for r in rooms.itertuples() if _closed_weekdays(r, dt.date(2024, 9, 1)))
    c1, c2 = _closed_weekdays(closed, dt.date(2024, 9, 1))[:2]
    early = rooms.sort_values("opened_on").iloc[-1]
    before = pd.Timestamp(early["opened_on"]).date() - dt.timedelta(days=30)
    shared = staff.groupby("room_id").filter(lambda g: len(g) >= 2)
    moved = shared.iloc[0]
    moved_to = next(r for r in rooms.itertuples() if r.room_id != moved["room_id"])
    open_day = next(d for d in pd.date_range("2024-09-01", "2024-09-30").date
                    if d not in _closed_weekdays(moved_to, dt.date(2024, 9, 1)))
    extra = [
        # visit_id, room_id, visited_at, service_type, customer_group, mode, resolved
        ("XT1", closed.room_id, f"{c1} 10:00:00", "payment", "elderly", "home_visit", True),
        ("XT2", closed.room_id, f"{c1} 11:00:00", "query", "general", "walk_in", False),
        ("XT3", closed.room_id, f"{c2} 09:30:00", "payment", None, None, None),
        ("XT4", early["room_id"], f"{before} 10:00:00", "query", "disabled", "walk_in", True),
        ("XT5", moved_to.room_id, f"{open_day} 10:00:00", "consultation", "low_income", "appointment", True),
    ]
    with warehouse.writer(db) as con:
        for vid, room, at, st, grp, mode, res in extra:
            parts.insert(
                con, "room_visits",
                "select $v as visit_id, $r as room_id, cast($at as timestamp) as visited_at, $st as service_type, "
                "$g as customer_group, $m as mode, $res as resolved",
                {"v": vid, "r": room, "at": at, "st": st, "g": grp, "m": mode, "res": res})
        con.execute("insert into staff select staff_hash, former_role, current_role, $to, "
                    "date '2024-08-15' from staff where staff_hash = $h", {"to": moved_to.room_id, "h": moved["staff_hash"]})
    con = warehouse.connect_read(db)
    try:
        tables = {n: con.execute(f"select * from {n}").df() for n in (
            "communities", "service_rooms", "room_visits", "staff", "counter_tickets", "hotline_orders")}
    finally:
        con.close()
    return Tiny(db=db, tables=tables, closed_room=closed.room_id, early_room=early["room_id"],
                moved_manager=moved["staff_hash"], moved_to=moved_to.room_id)


def read(db: Path, fn, *args, **kwargs):
    """``fn(con, *args, **kwargs)`` on a read connection to ``db`` (closed after)."""
    con = warehouse.connect_read(db)
    try:
        return fn(con, *args, **kwargs)
    finally:
        con.close()


def app_page(name: str, lang: str = "zh", timeout: int = 120):
    """An AppTest of the app's entry switched to ``screens/<name>.py`` in ``lang``."""
    from streamlit.testing.v1 import AppTest

    from dashboard import settings

    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    return at.switch_page(f"screens/{name}.py")
