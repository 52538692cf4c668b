"""The rooms' effect on waiting time where it happens: at the business halls.

A queue shortens for everyone at the hall, served community or not, so comparing
communities that share a hall removes the very effect we want (the community-level
estimate in :mod:`dashboard.analysis.effects` stays only as a labelled diagnostic).

Estimand
--------
The mean, over *exposed* hall-months, of (actual − counterfactual) mean wait of the
hall's served tickets (issue to call, minutes). A hall-month is exposed from the month
the first room serving any of its communities opens (:mod:`dashboard.analysis.exposure`).
The relative effect divides by the counterfactual mean over the same hall-months.

Two methods, shown side by side
-------------------------------
(a) **Design-based** (:func:`design_estimate`, method ``hall_dose_did``): a hall-month
panel, hall and month fixed effects, the exposure *share* as a continuous dose
(``y = a_h + g_t + b * share_ht``; not-yet-exposed halls and halls with a small share are
the comparison), ``att = b * mean share over the exposed hall-months``. Event study:
the hall's final share times an indicator of months since its exposure (base month −1;
the months before exposure are the parallel-trends check). Inference: cluster bootstrap
over halls (:data:`N_BOOT` resamples, percentile interval). In the demos every hall is
exposed in the first wave (each hall serves dozens of communities), so a binary
staggered design (Callaway–Sant'Anna on halls) has no comparison hall at all; the dose
is what varies. It assumes the effect is linear in the share and that halls with high
and low shares would have moved in parallel. With fewer than :data:`MIN_HALLS` halls, or
fewer than :data:`MIN_EXPOSED` exposed halls, or shares that hardly differ between halls
(:data:`MIN_DOSE_SD`), it refuses with a plain reason (zh/en).

(b) **Queue model** (:func:`queue_estimate`, method ``queue_model_mgc``): per hall × day
× hour, the observed arrivals (tickets that took a counter), counter time (call to
finish: walk and handling; mean and squared coefficient of variation per hall-month)
and counters open (distinct ``counter_no`` calling in the hour). The counterfactual
adds back the arrivals the rooms took away: the community-level counter-visit effect
(``counter_visits_per_1k_households``, by months since opening) times the served
households the hall's catchment holds (each community's households times its share of
tickets at this hall), spread over the month's hours like the observed arrivals. The
wait of an hour is the Allen–Cunneen M/G/c mean wait at the hour's load (capped at
utilisation :data:`RHO_MAX`) plus a fluid backlog: when arrivals exceed the counters'
capacity the queue carries over to the next hour (the pointwise stationary fluid
approximation). One calibration factor per hall (observed / modelled wait over its
months before exposure) scales the modelled waits. Effect per hall-month = factor ×
(modelled wait at the observed load − at the counterfactual load). The interval comes
from the counter-visit effect's interval: the result is monotone in that one number, so
its 2.5 % and 97.5 % points map to the result's (model error is not included).

Which is presented
------------------
The design-based estimate whenever the data support it (enough halls, exposed halls and
spread of shares): its interval comes from the halls themselves and carries every source
of error, and it needs no model of the queue. The queue model's interval carries only the
counter-visit effect's uncertainty, not the model's own error; on the demos it overstates
the effect (small demo +21 %, city demo +43 % against the true hall-level effect,
``benchmarks/results/hall_effects.md``). So the queue model is presented only where the
design-based estimate must refuse (a handful of halls, as in one district), and the page
says so; otherwise it is shown beside the design-based one as a check.
:attr:`HallEffect.why` says which and why in plain words.

Public API: :func:`estimate_halls`, :func:`design_estimate`, :func:`queue_estimate`,
:func:`hall_month_panel`, :class:`HallEffect`, :class:`MethodEstimate`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import warehouse
from dashboard.analysis import effects, fits
from dashboard.analysis.exposure import Exposure, hall_cells, load_exposure
from dashboard.analysis.filters import Filters
from dashboard.analysis.queueing import mgc_mean_wait
from dashboard.i18n import t

__all__ = [
    "DESIGN",
    "HALL_OUTCOME",
    "METHOD_LABEL",
    "MIN_DOSE_SD",
    "MIN_EXPOSED",
    "MIN_HALLS",
    "MIN_MONTHS",
    "N_BOOT",
    "QUEUE",
    "RHO_MAX",
    "HallEffect",
    "MethodEstimate",
    "added_per_hall_month",
    "design_estimate",
    "estimate_halls",
    "hall_month_panel",
    "queue_estimate",
]

HALL_OUTCOME = "hall_wait_mean_min"
"""The outcome estimated per hall (``effects --outcome hall_wait_mean_min``)."""
DESIGN = "hall_dose_did"
"""Method code of the design-based estimate (label ``halls.method.hall_dose_did``)."""
QUEUE = "queue_model_mgc"
"""Method code of the queue-model estimate (label ``halls.method.queue_model_mgc``)."""
MIN_HALLS = 8
"""Fewest halls with a complete panel for the design-based estimate (a cluster bootstrap
over fewer halls gives intervals that cannot be trusted)."""
MIN_EXPOSED = 4
"""Fewest exposed halls for the design-based estimate."""
MIN_MONTHS = 6
"""Fewest months in the hall panel."""
MIN_DOSE_SD = 0.05
"""Smallest spread (standard deviation) of the halls' final exposure shares: below it the
month effects absorb the rooms' effect and the dose compares nothing."""
N_BOOT = 199
"""Cluster-bootstrap resamples of halls."""
RHO_MAX = 0.95
"""Utilisation cap of the stationary M/G/c term; load above it goes to the fluid backlog."""
FLUID_STEP_MIN = 10.0
"""Time step of the fluid backlog, minutes (the step is exact for a constant inflow)."""
COUNTER_WINDOW_H = 1
"""Counters open in an hour: the most that called within this many hours either side."""
EVENT_MIN = -6
"""Event study: months before exposure shown (earlier months are binned into this one)."""
ALPHA = 0.05


@dataclass
class MethodEstimate:
    """One method's hall-level estimate.

    Attributes
    ----------
    method
        :data:`DESIGN` or :data:`QUEUE`.
    status
        ``"ok"`` or why there is no estimate (``too_few_halls``, ``too_few_exposed``,
        ``too_few_months``, ``no_dose_variation``, ``no_pre_months``,
        ``no_arrival_effect``, ``no_counters``, ``no_data``).
    reason
        ``{"zh", "en"}``: why, and what would help (``None`` when ok).
    att, ci_low, ci_high
        Mean effect over exposed hall-months, minutes, and its 95 % interval.
    relative_effect
        ``att`` / counterfactual mean over the same hall-months.
    counterfactual_mean
        Mean wait the exposed hall-months would have had without rooms, minutes.
    event_study
        ``[{"event_time", "att", "ci_low", "ci_high"}]`` by months since exposure.
    details
        Method-specific numbers (calibration factors, added arrivals, slope ...).
    """

    method: str
    status: str = "ok"
    reason: dict[str, str] | None = None
    att: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    relative_effect: float | None = None
    counterfactual_mean: float | None = None
    event_study: list[dict[str, float]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict[str, Any]:
        """One entry of the CLI's ``"estimates"``."""
        return {"method": self.method, "att": self.att, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "relative_effect": self.relative_effect}


@dataclass
class HallEffect:
    """The hall-level waiting-time effect, both methods.

    Attributes
    ----------
    estimates
        Design-based then queue model.
    presented
        Method code whose numbers the product shows first (``None``: neither ran).
    why
        ``{"zh", "en"}``: which method is presented and why.
    exposure
        The halls' exposure (shares by month, exposure month, catchment source).
    panel
        Hall-month panel (:func:`hall_month_panel`).
    naive_before_after
        Mean over exposed halls of (mean wait after exposure − before).
    summary
        ``{"zh", "en"}`` sentence of the presented result (a refusal reason if none).
    """

    estimates: list[MethodEstimate]
    presented: str | None
    why: dict[str, str]
    exposure: Exposure
    panel: pd.DataFrame
    naive_before_after: float | None = None
    summary: dict[str, str] = field(default_factory=dict)

    def get(self, method: str) -> MethodEstimate:
        return next(e for e in self.estimates if e.method == method)

    @property
    def main(self) -> MethodEstimate | None:
        return self.get(self.presented) if self.presented else None

    @property
    def n_exposed(self) -> int:
        return int(self.exposure.halls["exposed_from"].notna().sum())

    @property
    def n_halls(self) -> int:
        return len(self.exposure.halls)

    @property
    def found_effect(self) -> bool:
        """The presented interval excludes zero."""
        m = self.main
        return bool(m is not None and m.ok and (m.ci_high < 0 or m.ci_low > 0))

    def as_dict(self) -> dict[str, Any]:
        """The ``effects --outcome hall_wait_mean_min --json`` object: the keys of every
        outcome plus ``unit``, ``estimates`` and ``presented_because``."""
        m = self.main
        return {
            "outcome": HALL_OUTCOME,
            "method": self.presented,
            "att": m.att if m else None,
            "ci_low": m.ci_low if m else None,
            "ci_high": m.ci_high if m else None,
            "relative_effect": m.relative_effect if m else None,
            "n_treated": self.n_exposed,
            "n_control": self.n_halls - self.n_exposed,
            "event_study": list(m.event_study) if m else [],
            "naive_before_after": self.naive_before_after,
            "unit": "hall",
            "estimates": [e.as_dict() for e in self.estimates],
        }


# ---------------------------------------------------------------- panel
def hall_month_panel(cells: pd.DataFrame, exposure: Exposure) -> pd.DataFrame:
    """Mean wait of served tickets per hall-month, with the exposure share.

    Parameters
    ----------
    cells
        Rows of ``queries/staffing/hall_cells.sql``.
    exposure
        The halls' exposure for the same months.

    Returns
    -------
    DataFrame
        ``hall_id, month_on, n_served, y`` (minutes), ``share``, ``exposed``; only
        hall-months with a served ticket.
    """
    c = cells.assign(hall_id=cells["hall_id"].astype(str), month_on=pd.to_datetime(cells["month_on"]))
    g = c.groupby(["hall_id", "month_on"], as_index=False)[["n_waited", "sum_wait_min"]].sum()
    g = g[g["n_waited"] > 0]
    out = g.assign(y=g["sum_wait_min"] / g["n_waited"]).rename(columns={"n_waited": "n_served"})
    sh = exposure.shares.assign(month_on=pd.to_datetime(exposure.shares["month_on"]))
    out = out.merge(sh, on=["hall_id", "month_on"], how="inner")
    return out[["hall_id", "month_on", "n_served", "y", "share", "exposed"]].sort_values(
        ["hall_id", "month_on"]).reset_index(drop=True)


def _naive(panel: pd.DataFrame) -> float | None:
    ex = panel.groupby("hall_id")["exposed"].transform("any")
    p = panel[ex]
    m = p.pivot_table(index="hall_id", columns="exposed", values="y", aggfunc="mean")
    if True not in m.columns or False not in m.columns:
        return None
    d = (m[True] - m[False]).dropna()
    return float(d.mean()) if len(d) else None


# ---------------------------------------------------------------- (a) design-based
def _within(a: np.ndarray) -> np.ndarray:
    """Two-way demeaning of a balanced panel ``(units, months, k)``."""
    return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean(axis=(0, 1), keepdims=True)


def _ols(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Coefficients of ``y`` on the columns of ``x`` after two-way demeaning (normal
    equations); NaN for a column that is zero everywhere."""
    out = np.full(x.shape[2], np.nan)
    use = (x != 0).any(axis=(0, 1))
    if not use.any():
        return out
    xd = _within(x[:, :, use]).reshape(-1, int(use.sum()))
    yd = _within(y[:, :, None]).ravel()
    # einsum, not BLAS: small matrices, and BLAS threads stall on a busy machine
    xtx, xty = np.einsum("ij,ik->jk", xd, xd), np.einsum("ij,i->j", xd, yd)
    try:
        out[use] = np.linalg.solve(xtx, xty)
    except np.linalg.LinAlgError:
        out[use] = np.linalg.pinv(xtx) @ xty
    return out


def design_estimate(panel: pd.DataFrame, *, n_boot: int = N_BOOT, seed: int = 0,
                    min_halls: int = MIN_HALLS, min_exposed: int = MIN_EXPOSED) -> MethodEstimate:
    """Method (a): continuous-dose difference-in-differences on the hall-month panel.

    Parameters
    ----------
    panel
        :func:`hall_month_panel` rows (``hall_id, month_on, y, share, exposed``).
    n_boot
        Cluster-bootstrap resamples of halls.
    seed
        Seed of the resampling.
    min_halls, min_exposed
        Refusal thresholds (see the module docstring).

    Returns
    -------
    MethodEstimate
    """
    res = MethodEstimate(method=DESIGN)
    if panel.empty:
        return _refuse(res, "no_data")
    fits.record("hall_design")
    months = np.sort(panel["month_on"].unique())
    n_t = len(months)
    per = panel.groupby("hall_id")["month_on"].nunique()
    complete = per.index[per == n_t]
    p = panel[panel["hall_id"].isin(complete)].sort_values(["hall_id", "month_on"])
    halls = list(complete)
    n_h = len(halls)
    res.details["n_halls"] = n_h
    res.details["n_halls_incomplete"] = int(len(per) - n_h)
    if n_t < MIN_MONTHS:
        return _refuse(res, "too_few_months", n=n_t, min=MIN_MONTHS)
    if n_h < min_halls:
        return _refuse(res, "too_few_halls", n=n_h, min=min_halls)
    y = p["y"].to_numpy(float).reshape(n_h, n_t)
    share = p["share"].to_numpy(float).reshape(n_h, n_t)
    exposed = p["exposed"].to_numpy(bool).reshape(n_h, n_t)
    n_exp = int(exposed.any(axis=1).sum())
    res.details["n_exposed"] = n_exp
    if n_exp < min_exposed:
        return _refuse(res, "too_few_exposed", n=n_exp, min=min_exposed)
    if exposed.all():
        return _refuse(res, "no_pre_months")
    final = share[:, -1]
    sd = float(final.std())
    res.details["dose_sd"] = sd
    if sd < MIN_DOSE_SD:
        return _refuse(res, "no_dose_variation", sd=f"{sd:.2f}", min=f"{MIN_DOSE_SD:.2f}")

    # event time per hall-month (never exposed: no event column)
    first = np.where(exposed.any(axis=1), exposed.argmax(axis=1), -10**6)
    ev = np.arange(n_t)[None, :] - first[:, None]
    ev = np.where(first[:, None] >= 0, np.maximum(ev, EVENT_MIN), np.iinfo(np.int64).min)
    e_vals = [int(e) for e in np.unique(ev[first >= 0]) if e != -1]
    x_es = np.stack([final[:, None] * (ev == e) for e in e_vals], axis=2) if e_vals else np.zeros((n_h, n_t, 0))
    x_dose = share[:, :, None]
    mean_share = float(share[exposed].mean())
    mean_final = float(final[first >= 0].mean())

    def fit(idx: np.ndarray) -> tuple[float, np.ndarray]:
        b = _ols(x_dose[idx], y[idx])[0]
        if not e_vals:
            return float(b), np.zeros(0)
        # an event month no resampled hall reaches has no estimate (NaN) in that resample
        return float(b), _ols(x_es[idx], y[idx])

    b, es = fit(np.arange(n_h))
    rng = np.random.default_rng(seed)
    boots = [fit(rng.integers(0, n_h, n_h)) for _ in range(n_boot)]
    bb = np.array([v[0] for v in boots])
    eb = np.array([v[1] for v in boots]) if e_vals else np.zeros((n_boot, 0))
    q = (100 * ALPHA / 2, 100 * (1 - ALPHA / 2))
    att = b * mean_share
    lo, hi = np.percentile(bb * mean_share, q)
    cf = float((y[exposed] - b * share[exposed]).mean())
    res.att, res.ci_low, res.ci_high = float(att), float(lo), float(hi)
    res.counterfactual_mean = cf
    res.relative_effect = att / cf if cf else None
    res.event_study = sorted(
        [{"event_time": -1, "att": 0.0, "ci_low": 0.0, "ci_high": 0.0}]
        + [{"event_time": e, "att": float(es[i] * mean_final),
            "ci_low": float(np.nanpercentile(eb[:, i], q[0]) * mean_final),
            "ci_high": float(np.nanpercentile(eb[:, i], q[1]) * mean_final)} for i, e in enumerate(e_vals)
           if np.isfinite(es[i])],
        key=lambda r: r["event_time"])
    res.details.update(slope_per_share=float(b), mean_share_exposed=mean_share, n_boot=int(n_boot),
                       mean_final_share=mean_final)
    return res


# ---------------------------------------------------------------- (b) queue model
@dataclass
class ArrivalEffect:
    """The community-level counter-visit effect (tickets per 1,000 households per month):
    ``att`` with its interval, and by months since opening (``event_study`` rows)."""

    att: float
    ci_low: float
    ci_high: float
    by_event: dict[int, float]

    def at(self, event: np.ndarray, scale: float) -> np.ndarray:
        """Effect at months since opening ``event`` (>= 0), the whole profile times
        ``scale``; months beyond the estimated ones take the last estimated month."""
        known = sorted(k for k, v in self.by_event.items() if k >= 0 and math.isfinite(v))
        if not known:
            return np.full(event.shape, self.att * scale)
        vals = np.array([self.by_event[k] for k in known])
        pos = np.clip(np.searchsorted(known, event), 0, len(known) - 1)
        return vals[pos] * scale


def _modelled_wait(n: np.ndarray, n_all: np.ndarray, c: np.ndarray, s: np.ndarray, cv2: np.ndarray,
                   patience: np.ndarray) -> np.ndarray:
    """Mean wait (minutes) per hour: Allen–Cunneen M/G/c at the capped load plus a fluid
    backlog carried from hour to hour, which customers leave at rate 1/patience.

    ``n`` arrivals that took a counter, ``n_all`` every ticket (those who walk away
    queue too), ``c`` counters, ``s`` mean counter time (minutes), ``cv2`` its squared
    coefficient of variation: all shaped ``(hall_days, hours)``; ``patience`` mean
    patience (minutes), shaped ``(hall_days, 1)``.
    """
    cap = np.where(c > 0, c * 60.0 / s, 0.0)  # customers the counters can take per hour
    lam = np.minimum(n, RHO_MAX * cap) / 60.0
    w_st = np.zeros_like(n, dtype=float)
    ok = (lam > 0) & (c > 0)
    w_st[ok] = mgc_mean_wait(lam[ok], s[ok], c[ok], cv2[ok])
    w = np.zeros_like(w_st)
    q = np.zeros(n.shape[0])
    decay = np.exp(-FLUID_STEP_MIN / patience[:, 0])
    steps = int(60 / FLUID_STEP_MIN)
    for h in range(n.shape[1]):
        # dQ/dt = a - Q / patience while Q > 0, a = net inflow per minute; exact per step
        a = (n_all[:, h] - cap[:, h]) / 60.0
        level = a * patience[:, 0]
        q_sum = np.zeros_like(q)
        n_empty = np.zeros_like(q)
        for _ in range(steps):
            q_next = np.maximum(0.0, level + (q - level) * decay)
            q_sum += (q + q_next) / 2.0
            n_empty += (q == 0) & (q_next == 0)
            q = q_next
        rate = np.where(cap[:, h] > 0, cap[:, h] / 60.0, np.inf)
        # with a backlog every counter is busy: the wait is the backlog's; without one,
        # the stationary M/G/c wait
        w[:, h] = w_st[:, h] * n_empty / steps + q_sum / steps / rate
    return w


def queue_estimate(cells: pd.DataFrame, exposure: Exposure, catchment: pd.DataFrame,
                   arrival: ArrivalEffect | None) -> MethodEstimate:
    """Method (b): the queue model (see the module docstring).

    Parameters
    ----------
    cells
        Rows of ``queries/staffing/hall_cells.sql``.
    exposure
        The halls' exposure.
    catchment
        ``hall_id, community_id, households, hall_share, served_month``: each
        community's households and the share of its tickets that go to the hall.
    arrival
        The counter-visit effect, or ``None`` when it could not be estimated.

    Returns
    -------
    MethodEstimate
    """
    res = MethodEstimate(method=QUEUE)
    if cells.empty:
        return _refuse(res, "no_data")
    if arrival is None:
        return _refuse(res, "no_arrival_effect")
    c = cells.copy()
    c["hall_id"] = c["hall_id"].astype(str)
    c["month_on"] = pd.to_datetime(c["month_on"])
    if int(c["n_counters"].sum()) == 0:
        return _refuse(res, "no_counters")
    fits.record("hall_queue")
    ex = exposure.halls.set_index("hall_id")["exposed_from"]
    c = c[c["hall_id"].isin(ex.index)]
    c["is_exposed"] = c["month_on"] >= c["hall_id"].map(ex).fillna(pd.Timestamp.max)
    pre_halls = set(c.loc[~c["is_exposed"] & (c["n_waited"] > 0), "hall_id"])
    if not pre_halls:
        return _refuse(res, "no_pre_months")
    c = c[c["hall_id"].isin(pre_halls)]

    # counter time per hall-month
    hm = c.groupby(["hall_id", "month_on"], as_index=False)[
        ["n_busy", "sum_busy_min", "sumsq_busy_min2", "n_arrivals", "n_tickets", "n_waited", "sum_wait_min"]].sum()
    s = hm["sum_busy_min"] / hm["n_busy"].where(hm["n_busy"] > 0)
    var = hm["sumsq_busy_min2"] / hm["n_busy"].where(hm["n_busy"] > 0) - s**2
    hm["s"] = s.fillna(s.median())
    hm["cv2"] = (var / s**2).clip(lower=0.0).fillna(1.0)
    hm["added"] = added_per_hall_month(hm, catchment, 1.0, arrival)  # tickets, at scale 1
    hm["arr_share"] = (hm["n_arrivals"] / hm["n_tickets"].where(hm["n_tickets"] > 0)).fillna(1.0)
    hm["hm"] = np.arange(len(hm))
    c = c.merge(hm[["hall_id", "month_on", "s", "cv2", "hm"]], on=["hall_id", "month_on"])

    # dense (hall-day, hour) arrays; counters where none called: the hall-day's most
    c = c.sort_values(["hall_id", "day_on", "hour_of_day"])
    hall_code, hall_names = pd.factorize(c["hall_id"])
    day_no = pd.to_datetime(c["day_on"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    hd_key = hall_code.astype(np.int64) * 1_000_000 + (day_no - day_no.min())
    hd, hd_idx = np.unique(hd_key, return_inverse=True)
    h0, h1 = int(c["hour_of_day"].min()), int(c["hour_of_day"].max())
    hr = c["hour_of_day"].to_numpy() - h0
    shape = (len(hd), h1 - h0 + 1)

    def dense(values: np.ndarray, fill: float = 0.0) -> np.ndarray:
        a = np.full(shape, fill, dtype=float)
        a[hd_idx, hr] = values
        return a

    n = dense(c["n_arrivals"].to_numpy(float))
    n_all = dense(c["n_tickets"].to_numpy(float))
    cnt = _counters_open(dense(c["n_counters"].to_numpy(float)), n)
    s_a = dense(c["s"].to_numpy(float), 1.0)
    cv2_a = dense(c["cv2"].to_numpy(float), 1.0)
    hm_a = dense(c["hm"].to_numpy(float), -1).astype(np.int64)
    wt = dense(c["n_waited"].to_numpy(float))
    valid = hm_a >= 0
    hm_safe = np.where(valid, hm_a, 0)
    n_hm = len(hm)

    def per_hm(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        num = np.bincount(hm_safe[valid], weights=(values * weights)[valid], minlength=n_hm)
        den = np.bincount(hm_safe[valid], weights=weights[valid], minlength=n_hm)
        with np.errstate(invalid="ignore", divide="ignore"):
            return num / den

    hall_of_hd = np.asarray(hall_names, dtype=object)[hd // 1_000_000]
    theta = _patience(c[~c["is_exposed"]]).reindex(hall_of_hd).fillna(np.inf).to_numpy(float)[:, None]
    w_act = _modelled_wait(n, n_all, cnt, s_a, cv2_a, theta)
    obs = (hm["sum_wait_min"] / hm["n_waited"].where(hm["n_waited"] > 0)).to_numpy(float)
    ex_hm = hm["month_on"].to_numpy() >= hm["hall_id"].map(ex).fillna(pd.Timestamp.max).to_numpy()
    # calibration on the hall-days before exposure: one factor per hall
    wt_day = wt.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        obs_day = dense(c["sum_wait_min"].to_numpy(float)).sum(axis=1) / wt_day
        mod_day = (w_act * wt).sum(axis=1) / wt_day
    hm_day = hm_a.max(axis=1)
    k_day = _calibrate(obs_day, mod_day, wt_day, hall_of_hd, ~ex_hm[hm_day])
    base_arr = hm["n_arrivals"].to_numpy(float)
    added = hm["added"].to_numpy(float) * hm["arr_share"].to_numpy(float)
    cells_exposed = ex_hm & np.isfinite(obs)
    if not cells_exposed.any():
        return _refuse(res, "no_data")

    def per_month(day_values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        num = np.bincount(hm_day, weights=day_values * weights, minlength=n_hm)
        den = np.bincount(hm_day, weights=weights, minlength=n_hm)
        with np.errstate(invalid="ignore", divide="ignore"):
            return num / den

    m_act = per_month(k_day * mod_day, wt_day)

    def effect_at(scale: float) -> np.ndarray:
        f = 1.0 + np.where(base_arr > 0, added * scale / np.where(base_arr > 0, base_arr, 1.0), 0.0)
        f_a = np.where(valid, f[hm_safe], 1.0)
        w_cf = _modelled_wait(n * f_a, n_all * f_a, cnt, s_a, cv2_a, theta)
        # the longer wait makes more customers walk away: fewer served (exponential patience)
        wt_cf = wt * f_a * np.exp(-(w_cf - w_act) / theta)
        with np.errstate(invalid="ignore", divide="ignore"):
            day_cf = (w_cf * wt_cf).sum(axis=1) / wt_cf.sum(axis=1)
        return m_act - per_month(k_day * np.nan_to_num(day_cf), wt_cf.sum(axis=1))

    att_ = arrival.att
    d_mid = effect_at(1.0)
    d_lo = effect_at(arrival.ci_low / att_) if att_ else d_mid
    d_hi = effect_at(arrival.ci_high / att_) if att_ else d_mid
    sel = cells_exposed & np.isfinite(d_mid)
    att = float(d_mid[sel].mean())
    ends = sorted((float(d_lo[sel].mean()), float(d_hi[sel].mean())))
    cf = float((obs[sel] - d_mid[sel]).mean())
    res.att, res.ci_low, res.ci_high = att, ends[0], ends[1]
    res.counterfactual_mean = cf
    res.relative_effect = att / cf if cf else None
    first = hm["hall_id"].map(ex).to_numpy()
    ev = ((hm["month_on"].dt.year - pd.to_datetime(first).year) * 12
          + hm["month_on"].dt.month - pd.to_datetime(first).month).to_numpy()
    res.event_study = []
    for e in np.unique(ev[sel]):
        m = sel & (ev == e)
        lo_e, hi_e = sorted((float(d_lo[m].mean()), float(d_hi[m].mean())))
        res.event_study.append({"event_time": int(e), "att": float(d_mid[m].mean()), "ci_low": lo_e, "ci_high": hi_e})
    res.details.update(
        calibration=pd.Series(k_day, index=hall_of_hd).groupby(level=0).first().round(3).to_dict(),
        patience_min=pd.Series(theta[:, 0], index=hall_of_hd).groupby(level=0).first().round(1).to_dict(),
        added_arrivals_per_exposed_hall_month=float(added[sel].mean()),
        arrivals_per_exposed_hall_month=float(base_arr[sel].mean()),
        arrival_effect={"att": arrival.att, "ci_low": arrival.ci_low, "ci_high": arrival.ci_high},
    )
    return res


def _counters_open(called: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Counters open per hour from the counters that called (``(hall_days, hours)``).

    A counter that called nobody in an hour may have been open and idle (with few
    customers the lowest free counter takes them all); the counters open are taken as the
    most that called in the hour, the hour before or the hour after
    (:data:`COUNTER_WINDOW_H`). Hours with arrivals but no call take the day's most.
    """
    k = COUNTER_WINDOW_H
    pad = np.pad(called, ((0, 0), (k, k)))
    out = np.max(np.stack([pad[:, i:i + called.shape[1]] for i in range(2 * k + 1)]), axis=0)
    return np.where((out == 0) & (n > 0), called.max(axis=1, keepdims=True), out)


def _calibrate(obs: np.ndarray, mod: np.ndarray, weight: np.ndarray, hall: np.ndarray,
               pre: np.ndarray) -> np.ndarray:
    """Calibration factor of each hall-day's hall: observed over modelled wait, summed
    over the hall's served tickets of the days before exposure (1 without such days)."""
    use = pre & np.isfinite(obs) & np.isfinite(mod) & (weight > 0)
    codes, inv = np.unique(hall, return_inverse=True)
    num = np.bincount(inv[use], weights=(obs * weight)[use], minlength=len(codes))
    den = np.bincount(inv[use], weights=(mod * weight)[use], minlength=len(codes))
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(den > 0, num / den, 1.0)
    return k[inv]


def _patience(pre: pd.DataFrame) -> pd.Series:
    """Mean patience per hall, minutes: time in queue over walk-aways (the exponential
    hazard estimate; a walk-away is taken to have waited the hour's mean wait), from the
    months before exposure. Infinite when nobody walked away."""
    n_away = (pre["n_tickets"] - pre["n_arrivals"]).clip(lower=0)
    mean_w = (pre["sum_wait_min"] / pre["n_waited"].where(pre["n_waited"] > 0)).fillna(0.0)
    g = pd.DataFrame({"hall_id": pre["hall_id"], "away": n_away,
                      "exposure": pre["sum_wait_min"] + n_away * mean_w}).groupby("hall_id").sum()
    return (g["exposure"] / g["away"].where(g["away"] > 0)).fillna(np.inf)


def added_per_hall_month(hm: pd.DataFrame, catchment: pd.DataFrame, scale: float,
                          arrival: ArrivalEffect) -> np.ndarray:
    """Tickets the rooms took away from each hall-month (positive), at ``scale`` times
    the counter-visit effect: sum over the hall's served communities of households /
    1,000 × the community's share of tickets at the hall × −effect(months since opening)."""
    cm = catchment[catchment["served_month"].notna()]
    if cm.empty:
        return np.zeros(len(hm))
    rows = hm[["hall_id", "month_on"]].reset_index().merge(cm, on="hall_id")
    rows = rows[rows["month_on"] >= rows["served_month"]]
    ev = ((rows["month_on"].dt.year - rows["served_month"].dt.year) * 12
          + rows["month_on"].dt.month - rows["served_month"].dt.month).to_numpy()
    took = -arrival.at(ev, scale) * rows["households"].to_numpy(float) / 1000.0 * rows["hall_share"].to_numpy(float)
    return np.bincount(rows["index"].to_numpy(), weights=took, minlength=len(hm))


def arrival_effect(res: effects.EffectResult) -> ArrivalEffect | None:
    """The counter-visit effect as the queue model needs it (``None`` unless ok)."""
    if not res.ok or res.att is None:
        return None
    return ArrivalEffect(att=res.att, ci_low=res.ci_low, ci_high=res.ci_high,
                         by_event={int(r["event_time"]): float(r["att"]) for r in res.event_study})


def catchment_from_volume(volume: pd.DataFrame) -> pd.DataFrame:
    """Each community's households and share of its tickets at each hall."""
    v = volume.copy()
    v["hall_id"] = v["hall_id"].astype(str)
    tot = v.groupby("community_id")["n_tickets"].transform("sum")
    v["hall_share"] = v["n_tickets"] / tot.where(tot > 0)
    v["households"] = pd.to_numeric(v["households"], errors="coerce").fillna(0.0)
    v["served_month"] = pd.to_datetime(v["first_opened_on"]).dt.to_period("M").dt.to_timestamp()
    return v[["hall_id", "community_id", "households", "hall_share", "served_month"]]


# ---------------------------------------------------------------- entry point
def estimate_halls(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                   *, n_boot: int = N_BOOT) -> HallEffect:
    """Both hall-level estimates from the warehouse, and which one is presented.

    Parameters
    ----------
    con
        An open warehouse connection.
    filters
        Date range (whole months), districts and halls (the halls' own district). Waves
        and service types do not apply: a hall's queue is every ticket.
    n_boot
        Cluster-bootstrap resamples of the design-based method.

    Returns
    -------
    HallEffect
    """
    f = filters or Filters()
    p = f.params()
    hp = {"districts": p["districts"], "hall_ids": p["hall_ids"]}
    cells = hall_cells(con, f)
    months = sorted(pd.to_datetime(cells["month_on"]).unique())
    volume = warehouse.query(con, "halls/exposure_volume", hp)
    exposure = load_exposure(con, f, months, volume)
    panel = hall_month_panel(cells, exposure) if len(cells) else pd.DataFrame(
        columns=["hall_id", "month_on", "n_served", "y", "share", "exposed"])
    design = design_estimate(panel, n_boot=n_boot)
    # the arrival effect of every community of the date range (the halls' catchments
    # reach beyond a district filter)
    arr = arrival_effect(effects.estimate(con, "counter_visits_per_1k_households",
                                          Filters(date_from=f.date_from, date_to=f.date_to)))
    queue = queue_estimate(cells, exposure, catchment_from_volume(volume), arr)
    return assemble(design, queue, exposure, panel)


def assemble(design: MethodEstimate, queue: MethodEstimate, exposure: Exposure,
             panel: pd.DataFrame) -> HallEffect:
    """Pick the presented method and write the sentences."""
    if design.ok:
        presented, why_key = DESIGN, "halls.why.design"
    elif queue.ok:
        presented, why_key = QUEUE, "halls.why.queue"
    else:
        presented, why_key = None, "halls.why.none"
    res = HallEffect(estimates=[design, queue], presented=presented,
                     why={lang: t(why_key, lang) for lang in ("zh", "en")}, exposure=exposure, panel=panel,
                     naive_before_after=_naive(panel) if len(panel) else None)
    res.summary = {lang: _sentence(res, lang) for lang in ("zh", "en")}
    return res


def _sentence(res: HallEffect, lang: str) -> str:
    m = res.main
    if m is None:
        q = res.get(QUEUE)
        return (q.reason or {}).get(lang, "")
    method = t(METHOD_LABEL[m.method], lang)
    nums = {"att": effects.fmt_num(m.att), "abs": effects.fmt_num(abs(m.att)),
            "lo": effects.fmt_num(min(abs(m.ci_low), abs(m.ci_high))),
            "hi": effects.fmt_num(max(abs(m.ci_low), abs(m.ci_high))),
            "rel": effects.fmt_pct(m.relative_effect), "method": method, "n": res.n_exposed}
    if m.ci_high < 0:
        return t("halls.sentence.down", lang, **nums)
    if m.ci_low > 0:
        return t("halls.sentence.up", lang, **nums)
    return t("halls.sentence.unclear", lang, **{**nums, "lo": effects.fmt_num(m.ci_low),
                                                 "hi": effects.fmt_num(m.ci_high)})


METHOD_LABEL = {DESIGN: "halls.method.hall_dose_did", QUEUE: "halls.method.queue_model_mgc"}
"""Label key of each method code."""
REASONS = ("too_few_halls", "too_few_exposed", "too_few_months", "no_dose_variation", "no_pre_months",
           "no_arrival_effect", "no_counters", "no_data")
"""Refusal codes (label ``halls.reason.<code>``)."""


def _refuse(res: MethodEstimate, status: str, **fmt: Any) -> MethodEstimate:
    keys = {code: "halls.reason." + code for code in REASONS}
    res.status = status
    res.reason = {lang: t(keys[status], lang, **fmt) for lang in ("zh", "en")}
    return res

