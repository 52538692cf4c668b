"""Fixtures for the metric tests: small hand-made warehouses written through the writer.

``tiny_db`` holds a handful of rows whose answers are worked out by hand in the tests.
``small_db`` holds a few thousand seeded random rows; the tests recompute every metric
from the same rows with plain pandas (the frames are returned beside the path).
Rollups refresh automatically inside :func:`dashboard.warehouse.writer`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard import warehouse
from tests.warehouse_rows import communities as _communities
from tests.warehouse_rows import write_tables

TS = pd.Timestamp


def _rooms() -> pd.DataFrame:
    return pd.DataFrame({
        "room_id": ["R1", "R2"],
        "name": ["东苑服务室", "河口服务室"],
        "community_id": ["C1", "C3"],
        "served_community_ids": [["C1", "C2"], ["C3"]],
        "lon": [117.01, 117.20],
        "lat": [36.01, 36.20],
        "opened_on": [dt.date(2024, 3, 10), dt.date(2024, 7, 1)],
        "open_days": [["tue", "sat"], ["wed"]],
        "open_hours": ["09:00-16:00", "09:00-12:00"],
        "managers": [2, 1],
    })


def _halls() -> pd.DataFrame:
    return pd.DataFrame({
        "hall_id": ["H1", "H2"], "name": ["城区营业厅", "县营业厅"], "district": ["D1", "D2"],
        "lon": [117.0, 117.2], "lat": [36.0, 36.2], "counters": [3, 2],
    })


def _staff() -> pd.DataFrame:
    return pd.DataFrame({
        "staff_hash": ["h1:a", "h1:b", "h1:c", "h1:a"],
        "former_role": ["meter_reader", "meter_reader", "cashier", "meter_reader"],
        "current_role": ["other", "customer_manager", "customer_manager", "customer_manager"],
        "room_id": [None, "R1", "R1", "R2"],
        "assigned_on": [dt.date(2023, 1, 1), dt.date(2024, 3, 1), dt.date(2024, 3, 1), dt.date(2024, 6, 20)],
    })


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> dict:
    """A hand-worked warehouse (answers are computed by hand in test_handworked.py)."""
    db = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    tickets = pd.DataFrame([
        # ticket, hall, type, issued, called (last call), outcome, community
        ("T1", "H1", "payment", TS("2024-05-06 09:00:00"), TS("2024-05-06 09:05:00"), "served", "C1"),
        # re-called: first call at 09:10 missed, stored called_at is the last call 09:20:30
        ("T2", "H1", "payment", TS("2024-05-06 09:00:00"), TS("2024-05-06 09:20:30"), "served", "C1"),
        ("T3", "H1", "application", TS("2024-05-06 10:00:00"), TS("2024-05-06 10:15:00"), "served", "C2"),
        ("T4", "H1", "query", TS("2024-05-06 10:00:00"), TS("2024-05-06 10:40:00"), "no_show", "C2"),
        ("T5", "H2", "query", TS("2024-05-07 14:00:00"), TS("2024-05-07 14:10:00"), "served", "C3"),
        ("T6", "H2", "payment", TS("2024-05-07 14:00:00"), None, "cancelled", None),
    ], columns=["ticket_id", "hall_id", "service_type", "issued_at", "called_at", "outcome", "community_id"])
    visits = pd.DataFrame([
        ("V1", "R1", TS("2024-05-07 10:00"), "payment", "elderly", "walk_in", "C1"),
        ("V2", "R1", TS("2024-05-07 11:00"), "query", "general", "walk_in", "C2"),
        ("V3", "R1", TS("2024-05-11 10:00"), "application", "disabled", "home_visit", "C1"),
        ("V4", "R2", TS("2024-05-08 10:00"), "consultation", "military_family", "walk_in", "C3"),
    ], columns=["visit_id", "room_id", "visited_at", "service_type", "customer_group", "mode", "community_id"])
    orders = pd.DataFrame([
        # id, received, category, community, area, arrived, restored, satisfaction
        ("O1", TS("2024-05-01 08:00"), "fault_repair", "C1", "urban",
         TS("2024-05-01 08:30"), TS("2024-05-01 10:00"), "satisfied"),
        ("O2", TS("2024-05-02 08:00"), "fault_repair", "C1", "urban",
         TS("2024-05-02 09:00"), TS("2024-05-02 12:00"), "dissatisfied"),
        ("O3", TS("2024-05-03 08:00"), "fault_repair", "C3", "rural",
         TS("2024-05-03 09:20"), TS("2024-05-03 13:00"), "basically_satisfied"),
        ("O4", TS("2024-05-04 08:00"), "complaint", "C2", "urban", None, None, "no_callback"),
        ("O5", TS("2024-05-05 08:00"), "consultation", "C4", "rural", None, None, None),
    ], columns=["order_id", "received_at", "category", "community_id", "urban_rural",
                "arrived_at", "restored_at", "satisfaction"])
    write_tables(db, {
        "communities": _communities(), "business_halls": _halls(), "service_rooms": _rooms(),
        "counter_tickets": tickets, "room_visits": visits, "hotline_orders": orders,
        "staff": _staff(),
    })
    return {"db": db, "tickets": tickets, "visits": visits, "orders": orders}


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> dict:
    """A seeded random warehouse spanning 2023-01 .. 2024-12; frames returned for pandas."""
    rng = np.random.default_rng(7)
    db = tmp_path_factory.mktemp("small") / "small.duckdb"
    comm = _communities()
    types = ["consultation", "query", "payment", "fault_report", "application", "agency"]
    n = 3000
    start = TS("2023-01-01 08:00")
    day = rng.integers(0, 731, n)
    issued = start + pd.to_timedelta(day, "D") + pd.to_timedelta(rng.integers(0, 9 * 3600, n), "s")
    wait_s = rng.gamma(2.0, 400.0, n).round()  # whole seconds, mean ~13 min
    wait_s[:5] = [0, 900, 900, 15000, 600]  # exact 0, exactly at target, overflow bin
    outcome = rng.choice(["served", "no_show", "cancelled"], n, p=[0.85, 0.1, 0.05])
    called = issued + pd.to_timedelta(wait_s, "s")
    called = pd.Series(called).where(outcome != "cancelled", pd.NaT)
    community = rng.choice(["C1", "C2", "C3", "C4", None], n)
    hall = np.where(np.isin(community, ["C3", "C4"]), "H2", "H1")
    tickets = pd.DataFrame({
        "ticket_id": [f"T{i}" for i in range(n)], "hall_id": hall,
        "service_type": rng.choice(types, n), "issued_at": issued, "called_at": called,
        "outcome": outcome, "community_id": community,
    })
    m = 800
    vday = rng.integers(0, 731, m)
    visits = pd.DataFrame({
        "visit_id": [f"V{i}" for i in range(m)],
        "room_id": rng.choice(["R1", "R2"], m),
        "visited_at": TS("2023-01-01 09:00") + pd.to_timedelta(vday, "D"),
        "service_type": rng.choice(types, m),
        "customer_group": rng.choice(["general", "elderly", "disabled", "military_family"], m),
        "mode": rng.choice(["walk_in", "home_visit"], m),
    })
    visits["community_id"] = np.where(visits["room_id"] == "R1", rng.choice(["C1", "C2"], m), "C3")
    k = 900
    received = TS("2023-01-01") + pd.to_timedelta(rng.integers(0, 731 * 24 * 60, k), "min")
    cat = rng.choice(["fault_repair", "consultation", "complaint", "opinion"], k)
    oc = rng.choice(["C1", "C2", "C3", "C4", None], k)
    area = np.where(np.isin(oc, ["C3", "C4"]), "rural", "urban")
    arr = received + pd.to_timedelta(rng.gamma(2.0, 25.0, k), "min")
    res = received + pd.to_timedelta(rng.gamma(2.0, 80.0, k), "min")
    fault = cat == "fault_repair"
    orders = pd.DataFrame({
        "order_id": [f"O{i}" for i in range(k)], "received_at": received, "category": cat,
        "community_id": oc, "urban_rural": area,
        "arrived_at": pd.Series(arr).where(fault, pd.NaT),
        "restored_at": pd.Series(res).where(fault, pd.NaT),
        "satisfaction": rng.choice(["satisfied", "basically_satisfied", "dissatisfied", "no_callback"], k),
    })
    write_tables(db, {
        "communities": comm, "business_halls": _halls(), "service_rooms": _rooms(),
        "counter_tickets": tickets, "room_visits": visits, "hotline_orders": orders,
        "staff": _staff(),
    })
    return {"db": db, "tickets": tickets, "visits": visits, "orders": orders,
            "communities": comm, "rooms": _rooms()}


@pytest.fixture(scope="module")
def con(small):
    """A read connection to ``small`` for a test module (test_handworked.py reads ``tiny``
    through its own ``con``)."""
    c = warehouse.connect_read(small["db"])
    yield c
    c.close()
