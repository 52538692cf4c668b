"""Open-day schedule of the service rooms and the printable notice board (服务公示牌).

Rooms are staffed part-time by customer managers (客户经理, often former meter readers)
who work several rooms in turn, so the schedule must hold three rules:

1. a customer manager works each of their rooms on a different day (the days of two
   rooms that share a manager never overlap);
2. the rooms of the biggest communities (top ``weekend_share`` by households) open on a
   weekend day, when working residents can come;
3. neighbouring rooms (closer than ``neighbour_m``) do not all open on the same day, so a
   resident who misses one can walk to another.

:func:`propose_schedule` assigns days greedily, biggest rooms first: among the days the
room's managers are still free, it takes the one fewest neighbours already use (then the
least used day overall). :func:`check_schedule` re-checks the three rules independently
and lists every violation (e.g. a manager with more than seven rooms).

Managers come from the ``staff`` table (customer-manager role periods naming a room).
Where it names none, rooms are grouped by their nearest business hall, up to five rooms
per (inferred) manager, and the schedule says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from dashboard import settings
from dashboard.i18n import t

__all__ = [
    "days_text",
    "DEFAULT_HOURS",
    "check_schedule",
    "infer_managers",
    "neighbours",
    "notice_text",
    "propose_schedule",
    "room_households",
    "timetable",
]

DEFAULT_HOURS = "09:00-16:00"
WEEKEND = ("sat", "sun")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
ROOMS_PER_INFERRED_MANAGER = 5


def room_households(rooms: pd.DataFrame, communities: pd.DataFrame) -> pd.Series:
    """Households of the communities each room serves (its own plus ``served_community_ids``)."""
    hh = dict(zip(communities["community_id"], communities["households"], strict=True))
    out = {}
    for r in rooms.itertuples(index=False):
        served = set()
        if getattr(r, "community_id", None) is not None and not pd.isna(r.community_id):
            served.add(r.community_id)
        ids = getattr(r, "served_community_ids", None)
        if ids is not None and not (isinstance(ids, float) and np.isnan(ids)):
            served.update(str(c) for c in ids)
        out[r.room_id] = int(sum(int(hh.get(c, 0) or 0) for c in served))
    return pd.Series(out, name="households", dtype="int64")


def neighbours(rooms: pd.DataFrame, neighbour_m: float) -> dict[str, list[str]]:
    """Rooms within ``neighbour_m`` metres (straight line) of each room."""
    from dashboard.coverage.projection import local_proj, to_xy

    ok = rooms["lon"].notna() & rooms["lat"].notna()
    r = rooms[ok]
    out: dict[str, list[str]] = {rid: [] for rid in rooms["room_id"]}
    if len(r) < 2:
        return out
    proj = local_proj(float(r["lon"].mean()), float(r["lat"].mean()))
    x, y = to_xy(proj, r["lon"].to_numpy(float), r["lat"].to_numpy(float))
    tree = cKDTree(np.column_stack([x, y]))
    ids = r["room_id"].to_numpy(object)
    for i, near in enumerate(tree.query_ball_point(np.column_stack([x, y]), r=neighbour_m)):
        out[ids[i]] = sorted(str(ids[j]) for j in near if j != i)
    return out


def infer_managers(rooms: pd.DataFrame, halls: pd.DataFrame | None) -> pd.DataFrame:
    """Manager groups when the staff table names none: nearest hall, ≤ 5 rooms each.

    Returns
    -------
    DataFrame
        ``staff_hash, room_id`` with ``staff_hash`` like ``inferred:<hall>:<n>``.
    """
    from dashboard.coverage.projection import local_proj, to_xy

    rooms = rooms.reset_index(drop=True)
    hall_of = np.array(["-"] * len(rooms), dtype=object)
    ok = (rooms["lon"].notna() & rooms["lat"].notna()).to_numpy()
    if halls is not None and len(halls) and ok.any():
        proj = local_proj(float(rooms.loc[ok, "lon"].mean()), float(rooms.loc[ok, "lat"].mean()))
        hx, hy = to_xy(proj, halls["lon"].to_numpy(float), halls["lat"].to_numpy(float))
        rx, ry = to_xy(proj, rooms.loc[ok, "lon"].to_numpy(float), rooms.loc[ok, "lat"].to_numpy(float))
        _, j = cKDTree(np.column_stack([hx, hy])).query(np.column_stack([rx, ry]))
        hall_of[ok] = halls["hall_id"].to_numpy(object)[j]
    rows = []
    for hall, g in pd.DataFrame({"room_id": rooms["room_id"], "hall": hall_of}).groupby("hall", sort=True):
        ids = sorted(g["room_id"])
        for i, rid in enumerate(ids):
            rows.append({"staff_hash": f"inferred:{hall}:{i // ROOMS_PER_INFERRED_MANAGER + 1}", "room_id": rid})
    return pd.DataFrame(rows, columns=["staff_hash", "room_id"])


def propose_schedule(
    rooms: pd.DataFrame,
    managers: pd.DataFrame,
    households: pd.Series,
    *,
    neighbour_m: float = 2 * settings.walk_limit_m(),
    weekend_share: float = 0.2,
    days_per_room: int = 1,
) -> pd.DataFrame:
    """Propose the weekday(s) each room opens.

    Parameters
    ----------
    rooms
        ``room_id, name, lon, lat`` (and ``open_hours``, ``managers`` when known).
    managers
        ``staff_hash, room_id``: which rooms each customer manager works.
    households
        Households per room (index ``room_id``), e.g. :func:`room_households`.
    neighbour_m
        Rooms closer than this (straight line) are neighbours (default: two walks).
    weekend_share
        Share of rooms, the biggest by households, that open on a weekend day.
    days_per_room
        Days each room opens per week (1..3).

    Returns
    -------
    DataFrame
        ``room_id, name, households, is_big, days (list of weekday codes), hours,
        n_managers`` sorted by room_id.
    """
    days_per_room = int(min(max(days_per_room, 1), 3))
    rooms = rooms.reset_index(drop=True)
    hh = households.reindex(rooms["room_id"]).fillna(0).astype(int).to_numpy()
    order = np.lexsort((rooms["room_id"].to_numpy(str), -hh))
    n_big = int(round(weekend_share * len(rooms)))
    big = set(rooms["room_id"].to_numpy(object)[order[:n_big]])
    by_room: dict[str, set[str]] = {}
    for m, rid in zip(managers["staff_hash"], managers["room_id"], strict=True):
        by_room.setdefault(rid, set()).add(m)
    peers: dict[str, set[str]] = {}
    for m, g in managers.groupby("staff_hash"):
        ids = set(g["room_id"])
        for rid in ids:
            peers.setdefault(rid, set()).update(ids - {rid})
    near = neighbours(rooms, neighbour_m)
    days: dict[str, list[str]] = {}
    load = dict.fromkeys(settings.WEEKDAYS, 0)
    for i in order:
        rid = rooms["room_id"].iloc[i]
        taken = set()
        for p in peers.get(rid, ()):
            taken.update(days.get(p, []))
        chosen: list[str] = []
        for slot in range(days_per_room):
            free = [d for d in settings.WEEKDAYS if d not in taken and d not in chosen]
            if not free:
                break
            if rid in big and slot == 0:
                pref = [d for d in free if d in WEEKEND] or free
            else:
                pref = [d for d in free if d in WORKDAYS] or free

            def score(d: str) -> tuple[int, int, int]:
                clash = sum(1 for n in near.get(rid, []) if d in days.get(n, []))
                return (clash, load[d], settings.WEEKDAYS.index(d))

            d = min(pref, key=score)
            chosen.append(d)
            load[d] += 1
        days[rid] = sorted(chosen, key=settings.WEEKDAYS.index)
    hours = rooms["open_hours"] if "open_hours" in rooms.columns else pd.Series([None] * len(rooms))
    n_mgr = rooms["managers"] if "managers" in rooms.columns else pd.Series([None] * len(rooms))
    out = pd.DataFrame({
        "room_id": rooms["room_id"],
        "name": rooms["name"] if "name" in rooms.columns else rooms["room_id"],
        "households": hh,
        "is_big": rooms["room_id"].isin(big).to_numpy(),
        "days": [days[r] for r in rooms["room_id"]],
        "hours": [h if isinstance(h, str) and h else DEFAULT_HOURS for h in hours],
        "n_managers": [
            int(n) if n is not None and not pd.isna(n) and int(n) > 0 else max(1, len(by_room.get(r, ())))
            for r, n in zip(rooms["room_id"], n_mgr, strict=True)
        ],
    })
    return out.sort_values("room_id", kind="stable").reset_index(drop=True)


def check_schedule(schedule: pd.DataFrame, managers: pd.DataFrame, near: dict[str, list[str]],
                   weekend_share: float = 0.2) -> list[str]:
    """Every broken rule of a schedule, as readable messages (empty: all hold).

    Checks: each manager's rooms have pairwise disjoint days; the biggest
    ``weekend_share`` of rooms open on a weekend day; no room and all its neighbours
    share exactly the same days; every room has at least one day.
    """
    days = {r: set(d) for r, d in zip(schedule["room_id"], schedule["days"], strict=True)}
    problems = []
    for rid, d in days.items():
        if not d:
            problems.append(f"room {rid}: no open day")
    for m, g in managers.groupby("staff_hash"):
        ids = sorted(set(g["room_id"]) & set(days))
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if days[a] & days[b]:
                    problems.append(f"manager {m}: rooms {a} and {b} share {sorted(days[a] & days[b])}")
    n_big = int(round(weekend_share * len(schedule)))
    hh = schedule.sort_values(["households", "room_id"], ascending=[False, True])
    for rid in hh["room_id"].iloc[:n_big]:
        if not days[rid] & set(WEEKEND):
            problems.append(f"room {rid}: among the biggest but no weekend day")
    for rid, ns in near.items():
        ns = [n for n in ns if n in days]
        if rid in days and ns and all(days[n] == days[rid] for n in ns):
            problems.append(f"room {rid}: all neighbours open on the same days")
    return problems


def timetable(schedule: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Weekly timetable: one row per room, one column per weekday (hours where open)."""
    rows = []
    for r in schedule.itertuples(index=False):
        row: dict[str, Any] = {t("cov.col.room", lang): f"{r.name} ({r.room_id})"}
        for d in settings.WEEKDAYS:
            row[t(f"weekday.{d}", lang)] = r.hours if d in r.days else ""
        rows.append(row)
    return pd.DataFrame(rows)


def days_text(days: Sequence[str], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(t(f"weekday.{d}", lang) for d in days) or t("cov.notice.closed", lang)


def notice_text(schedule: pd.DataFrame, rooms: pd.DataFrame, communities: pd.DataFrame,
                lang: str = "zh") -> str:
    """The printable notice board (服务公示牌) of every room, plus the weekly overview.

    Parameters
    ----------
    schedule
        From :func:`propose_schedule`.
    rooms
        ``room_id, community_id`` (the address is the room's district, subdistrict and
        community; street addresses are never stored).
    communities
        ``community_id, name, district, subdistrict``.
    lang
        ``zh`` (default: the notice is posted in Chinese) or ``en``.

    Returns
    -------
    str
        Plain text, one block per room separated by a rule, then the week.
    """
    comm = communities.set_index("community_id")
    room_comm = dict(zip(rooms["room_id"], rooms["community_id"], strict=True))
    blocks = []
    rule = "=" * 32
    for r in schedule.itertuples(index=False):
        cid = room_comm.get(r.room_id)
        addr = ""
        if cid is not None and cid in comm.index:
            c = comm.loc[cid]
            parts = [c.get("district"), c.get("subdistrict"), c.get("name")]
            addr = ("" if lang == "zh" else " ").join(str(p) for p in parts if p is not None and not pd.isna(p))
        blocks.append("\n".join([
            t("cov.notice.title", lang),
            rule,
            t("cov.notice.room", lang, name=r.name, room_id=r.room_id),
            t("cov.notice.address", lang, address=addr or "-"),
            t("cov.notice.days", lang, days=days_text(r.days, lang)),
            t("cov.notice.hours", lang, hours=r.hours),
            t("cov.notice.staff", lang, n=r.n_managers),
            t("cov.notice.services", lang),
            t("cov.notice.hotline", lang),
        ]))
    week = [t("cov.notice.week_title", lang), rule]
    for d in settings.WEEKDAYS:
        names = [f"{r.name}" for r in schedule.itertuples(index=False) if d in r.days]
        week.append(f"{t(f'weekday.{d}', lang)}: " + (("、" if lang == "zh" else ", ").join(names) or "-"))
    blocks.append("\n".join(week))
    return "\n\n".join(blocks) + "\n"
