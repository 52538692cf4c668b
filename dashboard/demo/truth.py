"""The demo's true effects, in the units of the effect panels (``queries/effects``).

The generator knows both worlds for every community-month: the city as generated
(*actual*) and the same draws without any room (*counterfactual*: diverted tickets and
thinned orders put back, restoration without the room's minutes, the queue re-run
with every ticket). The truth written to ``data/demo/truth.json`` is, per outcome:

* the configured effect at full ramp and the ramp length;
* ``att``: the mean, over treated community-months, of actual minus counterfactual
  (a community-month is treated from the calendar month of its first room opening,
  matching ``community_treatment``; the ramp makes early months smaller);
* ``att_relative``: the summed difference over the summed counterfactual;
* ``by_event_month``: the same mean by months since the opening month (0, 1, ...),
  as a list of ``{event_month, att, n_cells}``;
* for the counts, ``att_expected``: the same from the Poisson means, without noise.

The hall waiting time has no configured effect: it falls because rooms take load off
the halls, and that also helps never-served communities at the same hall
(``spillover_never_treated``), which a difference-in-differences estimate does not
see as an effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.config import HOTLINE_CATEGORIES, HOTLINE_RATE, OFFLOADABLE, TICKET_SHARE, TICKET_TYPES, DemoConfig
from dashboard.demo.geography import Geography
from dashboard.demo.queue import OUTCOME_SERVED, Tickets, _rates, day_frame
from dashboard.demo.rollout import Rollout, ramp
from dashboard.demo.truth_outcomes import goal_truth
from dashboard.demo.truth_staffing import staffing_truth
from dashboard.demo.truth_halls import hall_truth

__all__ = ["compute_truth"]


def _panel(comm_idx: np.ndarray, month_idx: np.ndarray, n_c: int, n_m: int, weights=None) -> np.ndarray:
    flat = comm_idx.astype(np.int64) * n_m + month_idx.astype(np.int64)
    return np.bincount(flat, weights=weights, minlength=n_c * n_m).reshape(n_c, n_m)


def _summary(diff: np.ndarray, cf: np.ndarray | None, mask: np.ndarray, event: np.ndarray) -> dict:
    out: dict = {"att": float(diff[mask].mean()) if mask.any() else None, "n_treated_cells": int(mask.sum())}
    if cf is not None:
        s = float(cf[mask].sum())
        out["att_relative"] = float(diff[mask].sum()) / s if s else None
    out["by_event_month"] = [
        {"event_month": int(e), "att": float(diff[mask & (event == e)].mean()),
         "n_cells": int((mask & (event == e)).sum())}
        for e in np.unique(event[mask])
    ]
    return out


def compute_truth(
    cfg: DemoConfig,
    geo: Geography,
    roll: Rollout,
    tickets: Tickets,
    hotline: pd.DataFrame,
    cf_queue: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    seed: int,
) -> dict:
    """Compute the truth file's content.

    Parameters
    ----------
    cfg, geo, roll, tickets, hotline
        The generated city (tickets with the real queue run).
    cf_queue
        :func:`dashboard.demo.queue.simulate_queue` with ``include_diverted=True`` (the
        city without rooms), or ``None`` to leave the waiting time out.
    seed
        The seed, recorded.

    Returns
    -------
    dict
        JSON-ready truth (see the module docstring).
    """
    days = day_frame(cfg)
    n_c, n_m = len(geo.communities), cfg.months
    hh = geo.communities["households"].to_numpy(dtype=float)
    month_of_day = days["month_idx"].to_numpy()
    first = roll.first_opened
    start = np.datetime64(cfg.start, "M")
    open_m = np.where(np.isnat(first), n_m + 10, (first.astype("datetime64[M]") - start).astype(np.int64))
    months = np.arange(n_m)
    event = months[None, :] - open_m[:, None]
    treated = event >= 0
    never = np.isnat(first)
    eff = cfg.effects
    off_share = float(sum(s for t, s in zip(TICKET_TYPES, TICKET_SHARE) if t in OFFLOADABLE) / sum(TICKET_SHARE))

    # ---- counter visits per 1,000 households
    f = tickets.frame
    m = month_of_day[f["day_idx"].to_numpy()]
    c = f["comm_idx"].to_numpy()
    div = f["diverted"].to_numpy()
    cf_cnt = _panel(c, m, n_c, n_m)
    act_cnt = _panel(c[~div], m[~div], n_c, n_m)
    k = 1000.0 / hh[:, None]
    counter = _summary((act_cnt - cf_cnt) * k, cf_cnt * k, treated, event)
    # expected: Poisson means times the diversion probability
    lam = _rates(cfg, geo, days)
    off = np.isin(np.array(TICKET_TYPES), OFFLOADABLE)
    lam_off = lam[:, :, off].sum(axis=2)
    lam_all = lam.sum(axis=2)
    del lam
    since = (days["date"].to_numpy()[None, :] - first[:, None]).astype("timedelta64[D]").astype(float)
    since[np.isnat(first)] = np.nan
    p = -eff.counter_rel * ramp(since.ravel(), eff.ramp_months).reshape(since.shape)
    exp_diff = np.zeros((n_c, n_m))
    exp_cf = np.zeros((n_c, n_m))
    for mi in range(n_m):
        sel = month_of_day == mi
        exp_diff[:, mi] = -(lam_off[:, sel] * p[:, sel]).sum(axis=1)
        exp_cf[:, mi] = lam_all[:, sel].sum(axis=1)
    counter["att_expected"] = float((exp_diff * k)[treated].mean()) if treated.any() else None
    counter["att_expected_relative"] = float(exp_diff[treated].sum() / exp_cf[treated].sum()) if treated.any() else None
    counter.update({
        "unit": "tickets per 1,000 households per month (any outcome)",
        "relative_effect_full_ramp": eff.counter_rel * off_share,
        "relative_effect_offloadable_full_ramp": eff.counter_rel,
        "offloadable_types": list(OFFLOADABLE),
        "ramp_months": eff.ramp_months,
    })

    # ---- hotline per 1,000 households (all categories, and by category)
    hm = ((hotline["received_at"].to_numpy().astype("datetime64[M]") - start).astype(np.int64))
    hc = hotline["comm_idx"].to_numpy()
    hd = hotline["diverted"].to_numpy()
    hcat = hotline["category"].to_numpy()
    h_cf = _panel(hc, hm, n_c, n_m)
    h_act = _panel(hc[~hd], hm[~hd], n_c, n_m)
    hot = _summary((h_act - h_cf) * k, h_cf * k, treated, event)
    rates = np.array(HOTLINE_RATE)
    by_cat = {}
    for ki, name in enumerate(HOTLINE_CATEGORIES):
        s = hcat == ki
        cf_k = _panel(hc[s], hm[s], n_c, n_m)
        act_k = _panel(hc[s & ~hd], hm[s & ~hd], n_c, n_m)
        summ = _summary((act_k - cf_k) * k, cf_k * k, treated, event)
        summ.pop("by_event_month")
        summ["relative_effect_full_ramp"] = eff.hotline(name)
        by_cat[name] = summ
    total_rel = float(sum(eff.hotline(n) * r for n, r in zip(HOTLINE_CATEGORIES, rates)) / rates.sum())
    hot.update({
        "unit": "95598 orders per 1,000 households per month",
        "relative_effect_full_ramp": total_rel,
        "ramp_months": eff.ramp_months,
        "by_category": by_cat,
    })

    # ---- restoration hours (same orders, with and without the room's minutes)
    fault = (hcat == HOTLINE_CATEGORIES.index("fault_repair")) & ~hd
    rec = hotline["received_at"].to_numpy()[fault]
    act_h = (hotline["restored_at"].to_numpy()[fault] - rec).astype("timedelta64[s]").astype(float) / 3600.0
    cf_h = (hotline["restored_cf_at"].to_numpy()[fault] - rec).astype("timedelta64[s]").astype(float) / 3600.0
    n_f = _panel(hc[fault], hm[fault], n_c, n_m)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_act = _panel(hc[fault], hm[fault], n_c, n_m, act_h) / n_f
        mean_cf = _panel(hc[fault], hm[fault], n_c, n_m, cf_h) / n_f
    has = n_f > 0
    rest = _summary(mean_act - mean_cf, None, treated & has, event)
    rest["att_relative"] = float((mean_act - mean_cf)[treated & has].sum() / mean_cf[treated & has].sum())
    base = float(np.nanmean(cf_h)) if len(cf_h) else None
    rest.update({
        "unit": "hours from receipt to restoration, mean per community-month of fault orders",
        "effect_full_ramp_hours": eff.restoration_min / 60.0,
        "relative_effect_full_ramp": (eff.restoration_min / 60.0 / base) if base else None,
        "baseline_mean_hours": base,
        "ramp_months": eff.ramp_months,
    })

    outcomes = {
        "counter_visits_per_1k_households": counter,
        "hotline_per_1k_households": hot,
        "restoration_hours": rest,
    }
    outcomes.update(goal_truth(cfg, hotline, hh, treated, event, _panel, _summary))

    # ---- waiting time of the community's residents (served tickets)
    if cf_queue is not None:
        issued = f["issued_s"].to_numpy()
        s_act = f["outcome"].to_numpy() == OUTCOME_SERVED
        w_act = (f["called_s"].to_numpy() - issued) / 60.0
        called_cf, _, out_cf = cf_queue
        s_cf = out_cf == OUTCOME_SERVED
        w_cf = (called_cf - issued) / 60.0
        with np.errstate(invalid="ignore", divide="ignore"):
            ma = _panel(c[s_act], m[s_act], n_c, n_m, w_act[s_act]) / _panel(c[s_act], m[s_act], n_c, n_m)
            mc = _panel(c[s_cf], m[s_cf], n_c, n_m, w_cf[s_cf]) / _panel(c[s_cf], m[s_cf], n_c, n_m)
        ok = np.isfinite(ma) & np.isfinite(mc)
        wait = _summary(ma - mc, None, treated & ok, event)
        wait["att_relative"] = float((ma - mc)[treated & ok].sum() / mc[treated & ok].sum()) if (treated & ok).any() else None
        first_wave = int(open_m[~never].min()) if (~never).any() else n_m
        spill = never[:, None] & (months[None, :] >= first_wave) & ok
        wait.update({
            "unit": "minutes from issue to call, mean over served tickets per community-month",
            "relative_effect_full_ramp": None,
            "note": "emerges from the queue; rooms shorten waits for everyone at the hall",
            "spillover_never_treated": float((ma - mc)[spill].mean()) if spill.any() else None,
            "hall_mean_actual": float(w_act[s_act].mean()) if s_act.any() else None,
            "hall_mean_counterfactual": float(w_cf[s_cf].mean()) if s_cf.any() else None,
        })
        wait["hall_level"] = hall_truth(f, geo.communities["hall_idx"].to_numpy(), open_m, month_of_day,
                                        len(geo.halls), n_m, cf_queue)
        outcomes["hall_wait_mean_min"] = wait

    return {
        "scale": cfg.scale,
        "seed": int(seed),
        "window": {"start": cfg.start.isoformat(), "end": cfg.end.isoformat(), "months": cfg.months},
        "treatment_rule": (
            "a community is served from the first opened_on of a room whose served_community_ids "
            "contain it; effects ramp linearly from 0 at opening to full size after ramp_months"
        ),
        "att_definition": (
            "mean over treated community-months (month >= calendar month of first opening, in the "
            "window) of actual minus counterfactual; counterfactual = the same draws without rooms"
        ),
        "ramp_months": eff.ramp_months,
        "n_communities": int(n_c),
        "n_treated_communities": int((~never).sum()),
        "n_never_treated": int(never.sum()),
        "counter_staffing": staffing_truth(f, days, geo.halls["hall_id"].astype(str).tolist(), n_m),
        "outcomes": outcomes,
    }
