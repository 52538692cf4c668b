"""Service given at (or from) the demo's rooms: the room ledger (服务室台账).

Every counter ticket diverted by a room (:mod:`dashboard.demo.queue`) becomes a visit
on that room's next open day, same customer and service type, so the counter's loss is
the room's gain. On top of that each room does home visits for vulnerable customers
(孤寡老人、残疾人、军烈属、低保户) and electricity-safety promotion on its open days.
Customer group follows the community's age structure; home visits go mostly to the
elderly and the disabled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.config import TICKET_TYPES, DemoConfig
from dashboard.demo.geography import Geography
from dashboard.demo.queue import day_frame
from dashboard.demo.rollout import WEEKDAY_CODES, Rollout

__all__ = ["GROUPS", "MODES", "generate_visits"]

GROUPS = ("general", "elderly", "disabled", "military_family", "low_income")
MODES = ("walk_in", "home_visit", "appointment")


def _next_open(cfg: DemoConfig, roll: Rollout, days: pd.DataFrame) -> np.ndarray:
    """``[room, day]`` → index of the room's next open day on or after ``day`` (-1: none)."""
    n_r, n_d = len(roll.rooms), len(days)
    dow = days["dow"].to_numpy()
    date = days["date"].to_numpy()
    out = np.full((n_r, n_d), -1, dtype=np.int64)
    for r, row in enumerate(roll.rooms.itertuples()):
        open_dow = np.isin(dow, [WEEKDAY_CODES.index(d) for d in row.open_days])
        is_open = open_dow & (date >= np.datetime64(row.opened_on, "D"))
        idx = np.where(is_open, np.arange(n_d), n_d)
        nxt = np.minimum.accumulate(idx[::-1])[::-1]
        out[r] = np.where(nxt < n_d, nxt, -1)
    return out


def _open_window_s(hours: str) -> tuple[int, int]:
    a, b = hours.split("-")
    ha, ma = (int(x) for x in a.split(":"))
    hb, mb = (int(x) for x in b.split(":"))
    return ha * 3600 + ma * 60, hb * 3600 + mb * 60


def generate_visits(
    cfg: DemoConfig, geo: Geography, roll: Rollout, tickets: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Room visits: diverted tickets plus home visits and promotion.

    Parameters
    ----------
    cfg, geo, roll
        Configuration, geography and roll-out.
    tickets
        The ticket frame of :func:`dashboard.demo.queue.generate_tickets`.
    rng
        Random generator.

    Returns
    -------
    pandas.DataFrame
        One row per visit, sorted by room and time: ``room_idx, comm_idx, visited_at``
        (``datetime64[s]``), ``service_type`` (code), ``customer_group``, ``mode``,
        ``resolved``, ``customer_idx``.
    """
    days = day_frame(cfg)
    comm = geo.communities
    nxt = _next_open(cfg, roll, days)
    windows = np.array([_open_window_s(h) for h in roll.rooms["open_hours"]], dtype=np.int64)

    # 1. diverted counter tickets → the serving room's next open day
    div = tickets.loc[tickets["diverted"].to_numpy(), ["comm_idx", "day_idx", "type", "customer_idx"]]
    room = roll.serving_room[div["comm_idx"].to_numpy()]
    vday = nxt[room, div["day_idx"].to_numpy()]
    keep = vday >= 0
    a = pd.DataFrame({
        "room_idx": room[keep],
        "comm_idx": div["comm_idx"].to_numpy()[keep],
        "day_idx": vday[keep],
        "service_type": np.array(TICKET_TYPES, dtype=object)[div["type"].to_numpy()[keep]],
        "customer_idx": div["customer_idx"].to_numpy()[keep],
        "extra": 0,
    })

    # 2. home visits and promotion on each open day of each room
    rows = []
    for r, row in enumerate(roll.rooms.itertuples()):
        open_days = np.unique(nxt[r][nxt[r] >= 0])
        n_home = rng.poisson(0.6 * row.managers, len(open_days))
        n_promo = rng.poisson(0.4, len(open_days))
        served = np.array(row.served_idx)
        for n_x, stype in ((n_home, "agency"), (n_promo, "promotion")):
            d = np.repeat(open_days, n_x)
            c = served[rng.integers(0, len(served), len(d))]
            rows.append(pd.DataFrame({
                "room_idx": r, "comm_idx": c, "day_idx": d, "service_type": stype,
                "customer_idx": np.floor(rng.random(len(d)) * comm["households"].to_numpy()[c]).astype(np.int32),
                "extra": 1 if stype == "agency" else 2,
            }))
    v = pd.concat([a, *rows], ignore_index=True)
    n = len(v)

    # customer group and mode
    c = v["comm_idx"].to_numpy()
    eld = (comm["elderly"].to_numpy() / np.maximum(comm["population"].to_numpy(), 1))[c]
    u = rng.random(n)
    p_eld = np.minimum(0.6, 1.8 * eld)
    group = np.where(u < p_eld, "elderly",
                     np.where(u < p_eld + 0.04, "disabled",
                              np.where(u < p_eld + 0.05, "military_family",
                                       np.where(u < p_eld + 0.07, "low_income", "general"))))
    home_extra = (v["extra"] == 1).to_numpy()
    group = np.where(home_extra & (group == "general"), "elderly", group)
    vulnerable = np.isin(group, ["elderly", "disabled"])
    w = rng.random(n)
    mode = np.where(home_extra, "home_visit",
                    np.where(w < np.where(vulnerable, 0.35, 0.05), "home_visit",
                             np.where(w < np.where(vulnerable, 0.45, 0.15), "appointment", "walk_in")))
    start, end = windows[v["room_idx"].to_numpy(), 0], windows[v["room_idx"].to_numpy(), 1]
    sec = start + np.floor(rng.random(n) * (end - start)).astype(np.int64)
    visited = (days["date"].to_numpy()[v["day_idx"].to_numpy()].astype("datetime64[s]")
               + sec.astype("timedelta64[s]"))
    out = pd.DataFrame({
        "room_idx": v["room_idx"].to_numpy(),
        "comm_idx": c,
        "visited_at": visited,
        "service_type": v["service_type"].to_numpy(),
        "customer_group": group,
        "mode": mode,
        "resolved": rng.random(n) < 0.96,
        "customer_idx": v["customer_idx"].to_numpy(),
    })
    # one int64 key, stable sort: the order of lexsort((visited_at, room_idx))
    key = out["room_idx"].to_numpy().astype(np.int64) * 10**11 + visited.astype("datetime64[s]").astype(np.int64)
    order = np.argsort(key, kind="stable")
    return out.iloc[order].reset_index(drop=True)
