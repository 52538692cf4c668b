"""95598 hotline work orders of the demo city.

Orders arrive per community, day and category (Poisson; faults more often in rural
areas and in summer). After a room opens, orders of the categories named in the true
effects are thinned (``-rel * ramp``): the question is answered at the room instead.
Fault orders get dispatch, arrival and restoration times; the room's customer managers
know the local grid, so restoration is shorter by ``restoration_min * ramp`` minutes
(never earlier than 5 minutes after the crew arrives). Callback satisfaction falls
when restoration misses the commitment. All times are whole minutes.

The counterfactual restoration time of every kept fault order (the same order without
any room) is kept alongside, for the truth file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.config import HOTLINE_CATEGORIES, HOTLINE_RATE, DemoConfig
from dashboard.demo.geography import Geography
from dashboard.demo.queue import SEASON, day_frame
from dashboard.demo.rollout import Rollout, ramp

__all__ = ["SUBCATEGORIES", "generate_hotline"]

SUBCATEGORIES: dict[str, tuple[str, ...]] = {
    "consultation": ("电价政策", "电费查询", "停电信息", "业务办理进度", "阶梯电价"),
    "fault_repair": ("低压故障", "计量装置故障", "高压故障", "客户内部故障"),
    "complaint": ("服务态度", "停电问题", "电费争议", "业扩报装时限"),
    "report": ("窃电举报", "违章用电"),
    "opinion": ("营业网点", "线路改造"),
    "praise": ("抢修及时", "服务热情"),
    "service_request": ("表计校验", "电能表异常", "更名过户", "用电报装"),
    "reminder": ("催办抢修", "催办业务"),
}
_FAULT_SEASON = np.array([1.1, 1.0, 0.9, 0.8, 0.9, 1.2, 1.5, 1.5, 1.1, 0.8, 0.9, 1.1])
_HOURS_FAULT = np.array([2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 8, 7, 5, 4, 3], float)
_HOURS_OTHER = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 6, 8, 8, 7, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1, 0.5, 0.3])


def generate_hotline(cfg: DemoConfig, geo: Geography, roll: Rollout, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the 95598 orders (kept and thinned) with their times and satisfaction.

    Returns
    -------
    pandas.DataFrame
        One row per order that exists without rooms, sorted by receipt time:
        ``comm_idx, category`` (code), ``diverted`` (thinned away by a room: not
        exported), ``received_at, dispatched_at, arrived_at, restored_at,
        restored_cf_at`` (restoration without rooms), ``closed_at``
        (``datetime64[s]``, NaT where not applicable), ``satisfaction``,
        ``satisfaction_cf`` (the same callback without rooms),
        ``subcategory``, ``customer_idx`` (-1: no 户号 on the order), ``phone``.
    """
    days = day_frame(cfg)
    comm = geo.communities
    rural = (comm["kind"] == "rural").to_numpy()
    n_c, n_d, n_k = len(comm), len(days), len(HOTLINE_CATEGORIES)
    base = comm["households"].to_numpy() / 1000.0 * 12.0 / 365.25 * cfg.hotline_factor
    rate = np.array(HOTLINE_RATE)[None, :] * np.ones((n_c, 1))
    fault = HOTLINE_CATEGORIES.index("fault_repair")
    rate[:, fault] *= np.where(rural, 1.4, 1.0)
    season = np.ones((n_d, n_k))
    season[:, fault] = _FAULT_SEASON[days["cal_month"].to_numpy() - 1]
    other = [k for k in range(n_k) if k != fault]
    season[:, other] = SEASON[days["cal_month"].to_numpy() - 1][:, None] ** 0.5
    lam = base[:, None, None] * rate[:, None, :] * season[None, :, :]
    counts = rng.poisson(lam).astype(np.int64)
    cell = np.repeat(np.arange(counts.size, dtype=np.int64), counts.ravel())
    del lam, counts
    comm_idx = (cell // (n_d * n_k)).astype(np.int32)
    day_idx = ((cell // n_k) % n_d).astype(np.int32)
    cat = (cell % n_k).astype(np.int8)
    del cell
    n = len(cat)
    is_fault = cat == fault

    # minute of the day
    cf = np.cumsum(_HOURS_FAULT) / _HOURS_FAULT.sum()
    co = np.cumsum(_HOURS_OTHER) / _HOURS_OTHER.sum()
    u = rng.random(n)
    hour = np.where(is_fault, np.searchsorted(cf, u, side="right"), np.searchsorted(co, u, side="right"))
    minute = hour * 60 + rng.integers(0, 60, n)
    day0 = days["date"].to_numpy()[day_idx].astype("datetime64[s]")
    received = day0 + (minute * 60).astype("timedelta64[s]")

    # rooms thin the named categories
    first = roll.first_opened[comm_idx]
    since = (days["date"].to_numpy()[day_idx] - first).astype("timedelta64[D]").astype(float)
    since[np.isnat(first)] = np.nan
    r = ramp(since, cfg.effects.ramp_months)
    rel = np.array([cfg.effects.hotline(c) for c in HOTLINE_CATEGORIES])[cat]
    diverted = rng.random(n) < (-np.minimum(rel, 0.0)) * r

    # fault times (minutes after receipt)
    urb = ~rural[comm_idx]
    disp = np.maximum(2.0, np.round(rng.lognormal(np.log(6.0), 0.4, n)))
    travel = np.round(rng.lognormal(np.log(np.where(urb, 26.0, 48.0)), 0.45))
    repair = np.round(rng.lognormal(np.log(np.where(urb, 80.0, 115.0)), 0.55))
    arrive_min = disp + np.maximum(3.0, travel)
    restored_cf_min = arrive_min + np.maximum(10.0, repair)
    restored_min = np.maximum(arrive_min + 5.0, np.round(restored_cf_min + cfg.effects.restoration_min * r))
    close_min = np.where(
        is_fault, restored_min + rng.integers(30, 24 * 60, n),
        np.round(rng.lognormal(np.log(np.where(cat == HOTLINE_CATEGORIES.index("complaint"), 3 * 24 * 60.0, 18 * 60.0)), 0.6)),
    )

    def at(m: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = received + (np.nan_to_num(m).astype(np.int64) * 60).astype("timedelta64[s]")
        out[~mask] = np.datetime64("NaT")
        return out

    everywhere = np.ones(n, dtype=bool)
    # callback satisfaction (and the same draw without rooms: restoration without the
    # room's minutes, for the truth file)
    target_min = np.where(urb, 180.0, 240.0)
    v = rng.random(n)

    def satisfaction(restored: np.ndarray) -> np.ndarray:
        late = is_fault & (restored > target_min)
        p_dis = 0.03 + 0.12 * late + 0.15 * (cat == HOTLINE_CATEGORIES.index("complaint"))
        p_basic = 0.15 + 0.05 * late
        return np.where(v < 0.08, "no_callback",
                        np.where(v < 0.08 + p_dis, "dissatisfied",
                                 np.where(v < 0.08 + p_dis + p_basic, "basically_satisfied", "satisfied")))

    sat = satisfaction(restored_min)
    sat_cf = satisfaction(restored_cf_min)
    sub_pick = rng.random(n)
    subcat = np.empty(n, dtype=object)
    for k, name in enumerate(HOTLINE_CATEGORIES):
        m = cat == k
        opts = np.array(SUBCATEGORIES[name], dtype=object)
        subcat[m] = opts[np.minimum((sub_pick[m] * len(opts)).astype(int), len(opts) - 1)]
    hh = comm["households"].to_numpy()[comm_idx]
    has_customer = rng.random(n) < 0.8
    customer = np.where(has_customer, np.floor(rng.random(n) * hh), -1).astype(np.int32)
    phone = rng.integers(0, 10**9, n)

    frame = pd.DataFrame({
        "comm_idx": comm_idx,
        "category": cat,
        "diverted": diverted,
        "received_at": received,
        "dispatched_at": at(disp, is_fault),
        "arrived_at": at(arrive_min, is_fault),
        "restored_at": at(restored_min, is_fault),
        "restored_cf_at": at(restored_cf_min, is_fault),
        "closed_at": at(close_min, everywhere),
        "satisfaction": sat,
        "satisfaction_cf": sat_cf,
        "subcategory": subcat,
        "customer_idx": customer,
        "phone": phone,
    })
    # one int64 key, stable sort: the order of lexsort((comm_idx, received)), 5x faster
    key = received.astype("datetime64[s]").astype(np.int64) * (n_c + 1) + comm_idx
    order = np.argsort(key, kind="stable")
    return frame.iloc[order].reset_index(drop=True)
