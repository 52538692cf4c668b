"""Roll-out of the demo's service rooms: who gets a room, when, open days and staff.

Rooms open in quarterly waves. Communities that are large and old (many elderly) are
picked first, as a planner would, so treated and untreated communities differ in
level: the effect estimator has to rely on parallel trends, not on a lucky draw.
Some communities never get a room and stay as never-treated controls. A room serves
its own community and, sometimes, one neighbour without a room.

Each room opens on fixed weekdays (the biggest communities at weekends) and has one or
two customer managers (客户经理), most of them former meter readers (原抄表人员).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.demo.config import DemoConfig
from dashboard.demo.geography import Geography

__all__ = ["Rollout", "build_rollout", "ramp"]

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FORMER_ROLES = ("meter_reader", "accountant", "cashier", "clerk")
FORMER_ROLE_P = (0.70, 0.10, 0.12, 0.08)
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀兰", "霞", "平", "刚")


@dataclass
class Rollout:
    """Rooms, their staff, and when each community is first served.

    Attributes
    ----------
    rooms
        One row per room: ``room_id, name, comm_idx, community_id, served_idx`` (row
        positions of served communities, own first), ``served_community_ids``,
        ``x, y, opened_on, wave, open_days`` (tuple of mon..sun), ``open_hours,
        managers``.
    staff
        One row per manager: ``staff_id, person_name, phone, former_role,
        current_role, room_id, assigned_on``.
    first_opened
        Per community (row position): first opening date of a room serving it, or NaT.
    serving_room
        Per community: row position in ``rooms`` of that first room, or -1.
    """

    rooms: pd.DataFrame
    staff: pd.DataFrame
    first_opened: np.ndarray
    serving_room: np.ndarray


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def ramp(days_since_open: np.ndarray, ramp_months: float) -> np.ndarray:
    """Share of the full effect reached ``days_since_open`` days after opening.

    0 before opening (negative days or NaN), rising linearly to 1 after ``ramp_months``
    months (30.4375 days each), 1 afterwards.
    """
    d = np.asarray(days_since_open, dtype=float)
    out = np.clip(d / (ramp_months * 30.4375), 0.0, 1.0)
    out[~np.isfinite(d) | (d < 0)] = 0.0
    return out


def build_rollout(cfg: DemoConfig, geo: Geography, rng: np.random.Generator) -> Rollout:
    """Choose the rooms, their waves, open days and managers.

    Parameters
    ----------
    cfg
        Demo configuration (``room_share``, ``first_wave_month``, ``n_waves`` ...).
    geo
        The city's geography.
    rng
        Random generator.

    Returns
    -------
    Rollout
    """
    comm = geo.communities
    n = len(comm)
    hh = comm["households"].to_numpy(dtype=float)
    eld_share = comm["elderly"].to_numpy() / np.maximum(comm["population"].to_numpy(), 1)
    urban = (comm["kind"] == "urban").to_numpy()
    score = np.log(hh) + 4.0 * eld_share + 0.6 * urban + rng.normal(0.0, 0.45, n)
    n_rooms = max(1, int(round(cfg.room_share * n)))
    hosts = np.argsort(-score, kind="stable")[:n_rooms]  # best first: earlier waves
    # waves: equal groups of the ranking; opening day spread over the quarter's first 60 days
    wave_of = np.minimum(np.arange(n_rooms) * cfg.n_waves // n_rooms, cfg.n_waves - 1)
    host_set = set(hosts.tolist())
    taken: set[int] = set()
    big_cut = np.quantile(hh[hosts], 0.75) if n_rooms > 1 else np.inf
    rows = []
    for r, (ci, w) in enumerate(zip(hosts.tolist(), wave_of.tolist())):
        wave_start = _add_months(cfg.start, cfg.first_wave_month + 3 * w)
        opened = wave_start + dt.timedelta(days=int(rng.integers(0, 60)))
        served = [ci]
        cands = [j for j in comm["neighbours"].iat[ci] if j not in host_set and j not in taken]
        if cands and rng.random() < cfg.neighbour_share:
            j = cands[int(rng.integers(len(cands)))]
            served.append(j)
            taken.add(j)
        if hh[ci] >= big_cut:
            days = ("sat", "sun")
            hours = "09:00-17:00"
        elif urban[ci]:
            pair = sorted(rng.choice(5, size=2, replace=False).tolist())
            days = tuple(WEEKDAY_CODES[p] for p in pair)
            hours = "09:00-16:00"
        else:
            days = (WEEKDAY_CODES[int(rng.integers(5))],)
            hours = "09:00-15:00"
        managers = 2 if (hh[ci] >= big_cut or rng.random() < 0.15) else 1
        code = comm["community_id"].iat[ci]
        rows.append({
            "room_id": f"FWS{code[2:6]}{r + 1:04d}",
            "name": f"{comm['name'].iat[ci]}供电服务室",
            "comm_idx": ci,
            "community_id": code,
            "served_idx": served,
            "served_community_ids": [comm["community_id"].iat[j] for j in served],
            "x": float(comm["x"].iat[ci]) + float(rng.uniform(-60, 60)),
            "y": float(comm["y"].iat[ci]) + float(rng.uniform(-60, 60)),
            "opened_on": opened,
            "wave": f"{opened.year}Q{(opened.month - 1) // 3 + 1}",
            "open_days": days,
            "open_hours": hours,
            "managers": managers,
        })
    rooms = pd.DataFrame(rows).sort_values(["opened_on", "room_id"], kind="stable").reset_index(drop=True)

    first = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    serving = np.full(n, -1, dtype=np.int64)
    for r, row in enumerate(rooms.itertuples()):
        d = np.datetime64(row.opened_on, "D")
        for j in row.served_idx:
            if serving[j] < 0 or d < first[j]:
                first[j] = d
                serving[j] = r

    staff_rows = []
    sid = 0
    for row in rooms.itertuples():
        for _ in range(row.managers):
            sid += 1
            role = FORMER_ROLES[int(rng.choice(len(FORMER_ROLES), p=FORMER_ROLE_P))]
            staff_rows.append({
                "staff_id": f"TS{100000 + sid * 7:06d}",
                "person_name": f"{'王李张刘陈杨赵黄周吴'[int(rng.integers(10))]}{_GIVEN[int(rng.integers(len(_GIVEN)))]}",
                "phone": f"13{int(rng.integers(0, 10**9)):09d}",
                "former_role": role,
                "current_role": "customer_manager",
                "room_id": row.room_id,
                "assigned_on": row.opened_on - dt.timedelta(days=int(rng.integers(0, 30))),
            })
    staff = pd.DataFrame(staff_rows)
    return Rollout(rooms=rooms, staff=staff, first_opened=first, serving_room=serving)
