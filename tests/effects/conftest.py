"""Fixtures: small warehouses written through ``dashboard.warehouse.writer``.

``tiny_db``: a hand-made warehouse (4 communities, 3 rooms, a handful of orders and
tickets) with the edge cases the panels must get right; its rows are also returned as
DataFrames for the independent pandas computation.

``city_db``: a generated warehouse big enough for an estimate (40 communities, 18
months, three opening waves, Poisson orders and tickets with a known drop after
opening), and one with a single wave and no never-served communities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.warehouse_rows import write_tables


@dataclass
class Rows:
    db: Path
    communities: pd.DataFrame
    service_rooms: pd.DataFrame
    hotline_orders: pd.DataFrame
    counter_tickets: pd.DataFrame


TS = pd.Timestamp


def _tiny_rows() -> dict[str, pd.DataFrame]:
    communities = pd.DataFrame(
        {
            "community_id": ["C1", "C2", "C3", "C4", "C5"],
            "district": ["east", "east", "west", "west", "west"],
            "households": [1000, 500, 2000, 400, 0],  # C5: no households -> no rate
        }
    )
    service_rooms = pd.DataFrame(
        {
            "room_id": ["R1", "R2", "R3"],
            "community_id": ["C1", "C3", "C4"],
            # R1 serves C1 and C2; R2 serves C3 (own) and C2 again (later); R3 never opened
            "served_community_ids": [["C1", "C2"], ["C3", "C2"], ["C4"]],
            "opened_on": [dt.date(2024, 2, 15), dt.date(2024, 3, 1), None],
        }
    )
    hotline_orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(1, 11)],
            "received_at": [
                TS("2024-01-03 08:00"), TS("2024-01-20 09:00"), TS("2024-02-28 23:59"),
                TS("2024-03-01 00:00"), TS("2024-03-15 10:00"), TS("2024-01-10 10:00"),
                TS("2024-04-30 12:00"), TS("2024-02-02 10:00"), TS("2024-03-03 03:00"),
                TS("2024-04-01 06:00"),
            ],
            "category": [
                "fault_repair", "consultation", "fault_repair", "fault_repair", "complaint",
                "fault_repair", "fault_repair", "fault_repair", "consultation", "fault_repair",
            ],
            "community_id": ["C1", "C1", "C2", "C1", "C3", None, "C3", "C4", "C4", "C1"],
            "restored_at": [
                TS("2024-01-03 10:30"),  # 2.5 h
                None,
                TS("2024-02-29 02:59"),  # 3 h
                TS("2024-03-01 01:00"),  # 1 h
                None,
                TS("2024-01-10 11:00"),  # no community -> not placed
                TS("2024-04-30 11:00"),  # restored before received -> left out
                TS("2024-02-02 14:00"),  # 4 h
                None,
                TS("2024-04-01 10:00"),  # 4 h
            ],
        }
    )
    counter_tickets = pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(1, 11)],
            "hall_id": ["H1", "H1", "H2", "H1", "H2", "H1", "H2", "H1", "H1", "H2"],
            "service_type": [
                "payment", "query", "payment", "application", "payment",
                "payment", "query", "payment", "payment", "payment",
            ],
            "issued_at": [
                TS("2024-01-05 09:00"), TS("2024-01-05 09:10"), TS("2024-02-01 10:00"),
                TS("2024-02-10 10:00"), TS("2024-03-31 16:00"), TS("2024-04-02 09:00"),
                TS("2024-04-02 09:30"), TS("2024-01-08 09:00"), TS("2024-03-08 09:00"),
                TS("2024-02-20 09:00"),
            ],
            "called_at": [
                TS("2024-01-05 09:12"),  # 12 min
                TS("2024-01-05 09:40"),  # 30 min (re-called: called_at holds the last call)
                TS("2024-02-01 10:06"),  # 6 min
                None,                    # no-show, never called
                TS("2024-03-31 16:20"),  # 20 min
                TS("2024-04-02 08:59"),  # called before issued -> left out of waits
                TS("2024-04-02 09:45"),  # 15 min
                TS("2024-01-08 09:05"),  # 5 min, no community
                TS("2024-03-08 09:09"),  # 9 min
                TS("2024-02-20 09:30"),  # cancelled: not served
            ],
            "outcome": [
                "served", "served", "served", "no_show", "served",
                "served", "served", "served", "served", "cancelled",
            ],
            "community_id": ["C1", "C1", "C2", "C2", "C3", "C3", "C4", None, "C1", "C4"],
        }
    )
    return {
        "communities": communities,
        "service_rooms": service_rooms,
        "hotline_orders": hotline_orders,
        "counter_tickets": counter_tickets,
    }


@pytest.fixture
def tiny_db(tmp_path) -> Rows:
    rows = _tiny_rows()
    db = tmp_path / "tiny.duckdb"
    write_tables(db, rows)
    return Rows(db=db, **rows)


def make_city(
    db: Path,
    *,
    seed: int = 0,
    n: int = 40,
    months: int = 18,
    waves: tuple[int, ...] = (7, 10, 13),
    share_never: float = 0.4,
    drop: float = 0.3,
) -> dict[str, pd.DataFrame]:
    """Write a generated city: Poisson hotline orders and tickets per community-month,
    rates cut by ``drop`` (relative) from the month a community's room opens."""
    rng = np.random.default_rng(seed)
    start = dt.date(2023, 1, 1)

    def month(k: int) -> dt.date:  # 1-based
        y, m = divmod(k - 1, 12)
        return dt.date(start.year + y, m + 1, 1)

    ids = [f"K{i:03d}" for i in range(n)]
    households = rng.integers(300, 3000, n)
    never = np.arange(n) < int(round(share_never * n))
    g = np.where(never, 0, np.array(waves)[np.arange(n) % len(waves)])
    communities = pd.DataFrame(
        {"community_id": ids, "district": np.where(np.arange(n) % 2 == 0, "east", "west"),
         "households": households}
    )
    rooms = pd.DataFrame(
        {
            "room_id": [f"R{i:03d}" for i in range(n) if g[i] > 0],
            "community_id": [ids[i] for i in range(n) if g[i] > 0],
            "served_community_ids": [[ids[i]] for i in range(n) if g[i] > 0],
            "opened_on": [month(int(g[i])) for i in range(n) if g[i] > 0],
        }
    )
    orders, tickets = [], []
    for i in range(n):
        base = households[i] / 1000 * rng.uniform(8, 14)
        for k in range(1, months + 1):
            season = 1 + 0.2 * np.sin(2 * np.pi * k / 12)
            trend = 1 + 0.01 * k
            eff = (1 - drop) if (g[i] and k >= g[i]) else 1.0
            lam = base * season * trend * eff
            m0 = pd.Timestamp(month(k))
            for _ in range(rng.poisson(lam)):
                rec = m0 + pd.Timedelta(minutes=int(rng.integers(0, 27 * 24 * 60)))
                orders.append((rec, ids[i], rng.random() < 0.4, rng.uniform(0.5, 5) * (0.8 if eff < 1 else 1)))
            for _ in range(rng.poisson(lam * 2)):
                iss = m0 + pd.Timedelta(minutes=int(rng.integers(0, 27 * 24 * 60)))
                tickets.append((iss, ids[i], rng.uniform(1, 30) * (0.7 if eff < 1 else 1)))
    hotline = pd.DataFrame(
        {
            "order_id": [f"O{j}" for j in range(len(orders))],
            "received_at": [o[0] for o in orders],
            "community_id": [o[1] for o in orders],
            "category": ["fault_repair" if o[2] else "consultation" for o in orders],
            "restored_at": [o[0] + pd.Timedelta(hours=o[3]) if o[2] else pd.NaT for o in orders],
        }
    )
    counter = pd.DataFrame(
        {
            "ticket_id": [f"T{j}" for j in range(len(tickets))],
            "hall_id": ["H1"] * len(tickets),
            "service_type": ["payment"] * len(tickets),
            "issued_at": [x[0] for x in tickets],
            "called_at": [x[0] + pd.Timedelta(minutes=x[2]) for x in tickets],
            "outcome": ["served"] * len(tickets),
            "community_id": [x[1] for x in tickets],
        }
    )
    rows = {
        "communities": communities,
        "service_rooms": rooms,
        "hotline_orders": hotline,
        "counter_tickets": counter,
    }
    write_tables(db, rows)
    return rows


@pytest.fixture(scope="session")
def city_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("city") / "city.duckdb"
    make_city(db)
    return db
