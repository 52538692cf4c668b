"""The demo's true effects on the seed-goal outcomes added to the effect panels: arrival
on site, callback satisfaction and complaints per 10,000 households (``truth.json``,
beside the outcomes of :mod:`dashboard.demo.truth`, with the same definitions: the mean
over treated community-months of actual minus counterfactual).

* ``arrival_minutes``: the demo's rooms do nothing to the crew's arrival, so actual and
  counterfactual are the same for every kept fault order: the true effect is 0 (the
  outcome is a placebo on real-shaped data).
* ``satisfaction_rate``: callbacks judge a fault by its restoration time, which the
  rooms shorten, and rooms thin complaint orders (the least satisfied): actual = kept
  orders with their callback; counterfactual = every order (thinned ones put back) with
  the callback drawn from the same uniform number against the restoration time without
  the room. Cells where either rate has no callback are left out.
* ``complaints_per_10k_households``: complaint orders per 10,000 households, kept vs all.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard.demo.config import HOTLINE_CATEGORIES, DemoConfig

__all__ = ["goal_truth"]

_CALLBACK = ("satisfied", "basically_satisfied", "dissatisfied")
_SATISFIED = ("satisfied", "basically_satisfied")


def goal_truth(
    cfg: DemoConfig,
    hotline: pd.DataFrame,
    hh: np.ndarray,
    treated: np.ndarray,
    event: np.ndarray,
    panel: Callable[..., np.ndarray],
    summary: Callable[..., dict],
) -> dict[str, dict]:
    """Truth of the three outcomes.

    Parameters
    ----------
    cfg, hotline
        The generated city's configuration and 95598 orders (kept and thinned).
    hh
        Households per community.
    treated, event
        Community x month masks / months since opening (as in
        :func:`dashboard.demo.truth.compute_truth`).
    panel, summary
        :func:`dashboard.demo.truth._panel` and ``_summary`` (community x month sums and
        the summary entry).

    Returns
    -------
    dict
        ``{outcome: truth entry}``.
    """
    n_c, n_m = treated.shape
    start = np.datetime64(cfg.start, "M")
    hm = (hotline["received_at"].to_numpy().astype("datetime64[M]") - start).astype(np.int64)
    hc = hotline["comm_idx"].to_numpy()
    kept = ~hotline["diverted"].to_numpy()
    cat = hotline["category"].to_numpy()
    ramp = cfg.effects.ramp_months

    # complaints per 10,000 households
    comp = cat == HOTLINE_CATEGORIES.index("complaint")
    k = 10000.0 / hh[:, None]
    cf = panel(hc[comp], hm[comp], n_c, n_m)
    act = panel(hc[comp & kept], hm[comp & kept], n_c, n_m)
    complaints = summary((act - cf) * k, cf * k, treated, event)
    complaints.update({
        "unit": "complaint orders per 10,000 households per month",
        "relative_effect_full_ramp": cfg.effects.hotline("complaint"),
        "ramp_months": ramp,
    })

    # arrival on site: no configured effect, identical with and without rooms
    fault = (cat == HOTLINE_CATEGORIES.index("fault_repair")) & kept
    arr = hotline["arrived_at"].to_numpy()[fault]
    has = panel(hc[fault], hm[fault], n_c, n_m) > 0
    arrival = summary(np.zeros((n_c, n_m)), None, treated & has, event)
    arrival.update({
        "unit": "minutes from receipt to arrival on site, mean per community-month of fault orders",
        "effect_full_ramp_minutes": 0.0,
        "relative_effect_full_ramp": 0.0,
        "note": "the demo's rooms do not change arrival times: a placebo outcome",
        "n_orders_with_arrival": int((~np.isnat(arr)).sum()),
        "ramp_months": ramp,
    })

    # callback satisfaction rate
    def rate(mask: np.ndarray, sat: np.ndarray) -> np.ndarray:
        call = mask & np.isin(sat, _CALLBACK)
        good = mask & np.isin(sat, _SATISFIED)
        with np.errstate(invalid="ignore", divide="ignore"):
            return panel(hc[good], hm[good], n_c, n_m) / panel(hc[call], hm[call], n_c, n_m)

    everyone = np.ones(len(hotline), dtype=bool)
    r_act = rate(kept, hotline["satisfaction"].to_numpy())
    r_cf = rate(everyone, hotline["satisfaction_cf"].to_numpy())
    ok = np.isfinite(r_act) & np.isfinite(r_cf)
    satisfaction = summary(r_act - r_cf, None, treated & ok, event)
    satisfaction.update({
        "unit": "share of callbacks satisfied or basically satisfied, per community-month",
        "relative_effect_full_ramp": None,
        "note": "emerges from shorter restoration and fewer complaint orders; no configured size",
        "ramp_months": ramp,
    })
    return {
        "arrival_minutes": arrival,
        "satisfaction_rate": satisfaction,
        "complaints_per_10k_households": complaints,
    }
