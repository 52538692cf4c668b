"""Robustness of a rooms' effect estimate: pre-trend test, HonestDiD sensitivity, placebo.

For one outcome's community-month panel (the one :mod:`dashboard.analysis.effects`
estimates from), on the communities observed every month (the influence-function
estimator of :mod:`dashboard.analysis.cs_influence` needs a balanced panel; the others
are counted in ``n_dropped``), with not-yet-served communities as controls like the
main estimate:

* **pre-trend test**: joint Wald test of the event-study coefficients of the
  :data:`PRE_MONTHS` months before opening (month-on-month base period), chi-squared
  (:mod:`dashboard.analysis.pretrend`);
* **sensitivity** (Rambachan & Roth): the average effect over the first
  :data:`POST_MONTHS` months after opening (universal base period: the month before
  opening) under relative magnitudes ``Mbar`` in :data:`MBARS` and smoothness ``M`` in
  :data:`M_STEPS` standard errors of that average, with the breakdown values
  (:mod:`dashboard.analysis.honestdid`);
* **placebo in time**: every served community's opening moved :data:`PLACEBO_SHIFT`
  months earlier, estimated only on months before the real openings (controls:
  communities really unserved that month); the overall effect should be near 0.

Each part compares communities within kind, as the main estimate does
(:func:`dashboard.analysis.effects.plan_strata`, on the communities observed every
month): it is computed per stratum and the strata's event studies (or overall effects)
are combined with the weights of the main estimate (treated units per event time) by
:func:`dashboard.analysis.cs_influence.combine`, whose stacked influence functions give
the combined covariance (block-diagonal across strata) that the Wald test and HonestDiD
read. With one kind this is the single fit.

Each part that the data cannot support carries a status and no number.

Public API: :func:`assess`, :func:`assess_panel`, :class:`Robustness`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from dashboard.analysis import cs_influence as cs
from dashboard.analysis import effects, honestdid
from dashboard.analysis.filters import Filters
from dashboard.analysis.pretrend import pretrend_event_study
from dashboard.i18n import t

__all__ = ["MBARS", "M_STEPS", "PARTS", "PLACEBO_SHIFT", "POST_MONTHS", "PRE_MONTHS", "Robustness", "assess", "assess_panel"]

PRE_MONTHS = 6
"""Months before opening in the pre-trend test and the sensitivity analysis."""
POST_MONTHS = 6
"""Months after opening whose average effect the sensitivity analysis bounds."""
MBARS = (0.5, 1.0, 1.5, 2.0)
"""Relative-magnitude bounds tried (as in the HonestDiD README)."""
M_STEPS = (0.0, 0.5, 1.0, 2.0)
"""Smoothness bounds tried, in standard errors of the bounded average effect per month."""
PLACEBO_SHIFT = 12
"""Months the placebo moves every opening earlier."""
ALPHA = 0.05


@dataclass
class Robustness:
    """The robustness checks of one outcome (``None`` parts: not estimable, see
    ``reasons``).

    Attributes
    ----------
    pretrend
        ``{"wald", "df", "p_value"}``.
    honest
        ``{"theta", "original_ci", "relative_magnitudes": [{"mbar", "ci_low",
        "ci_high"}], "smoothness": [{"m", "ci_low", "ci_high"}], "breakdown_mbar",
        "breakdown_m", "n_pre", "n_post"}``.
    placebo
        ``{"att", "ci_low", "ci_high", "shift_months"}``.
    n_dropped
        Communities left out because some month has no value.
    reasons
        Per part without a number, ``{"zh", "en"}`` why.
    """

    outcome: str
    pretrend: dict[str, Any] | None = None
    honest: dict[str, Any] | None = None
    placebo: dict[str, Any] | None = None
    n_dropped: int = 0
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The ``"robustness"`` object of ``servicecircle effects --robustness --json``."""
        honest = None
        if self.honest is not None:
            honest = {k: self.honest[k] for k in
                      ("relative_magnitudes", "smoothness", "breakdown_mbar", "breakdown_m")}
        return {"pretrend": self.pretrend, "honest": honest, "placebo": self.placebo}

    def sentences(self, lang: str) -> list[str]:
        """Plain sentences on each part (zh or en)."""
        out = []
        if self.pretrend is not None:
            key = "rob.pretrend.reject" if self.pretrend["p_value"] < ALPHA else "rob.pretrend.ok"
            out.append(t(key, lang, p=f"{self.pretrend['p_value']:.3f}", df=self.pretrend["df"]))
        if self.honest is not None:
            out.append(_breakdown_sentence(self.honest, lang))
        if self.placebo is not None:
            p = self.placebo
            key = "rob.placebo.ok" if p["ci_low"] <= 0 <= p["ci_high"] else "rob.placebo.reject"
            out.append(t(key, lang, shift=p["shift_months"], att=effects.fmt_num(p["att"]),
                         lo=effects.fmt_num(p["ci_low"]), hi=effects.fmt_num(p["ci_high"])))
        out.extend(r[lang] for r in self.reasons.values())
        if self.n_dropped:
            out.append(t("rob.dropped", lang, n=self.n_dropped))
        return out


def _breakdown_sentence(h: dict[str, Any], lang: str) -> str:
    mbar, m = h["breakdown_mbar"], h["breakdown_m"]
    lead = t("rob.breakdown.lead", lang, months=h["n_post"])
    sep = "" if lang == "zh" else " "
    lo, hi = h["original_ci"]
    if lo <= 0 <= hi:
        return lead + sep + t("rob.breakdown.not_significant", lang)
    parts = []
    if mbar is None:
        parts.append(t("rob.breakdown.rm_none", lang))
    elif mbar >= MBARS[-1]:
        parts.append(t("rob.breakdown.rm_all", lang, mbar=f"{mbar:g}"))
    else:
        parts.append(t("rob.breakdown.rm", lang, mbar=f"{mbar:g}"))
    if m is None:
        parts.append(t("rob.breakdown.sd_none", lang))
    elif m == 0:
        parts.append(t("rob.breakdown.sd_zero", lang))
    else:
        parts.append(t("rob.breakdown.sd", lang, m=effects.fmt_num(m, 3)))
    return lead + sep + sep.join(parts)


def assess(con: duckdb.DuckDBPyConnection, outcome: str, filters: Filters | None = None,
           categories: tuple[str, ...] = ()) -> Robustness:
    """The robustness checks of ``outcome`` from the warehouse (same panel and
    parameters as :func:`dashboard.analysis.effects.estimate`)."""
    panel, _ = effects.load_panel(con, outcome, filters, categories)
    return assess_panel(panel, outcome)


PARTS = ("pretrend", "honest", "placebo")


def assess_panel(panel: pd.DataFrame, outcome: str, *, placebo_shift: int = PLACEBO_SHIFT,
                 parts: tuple[str, ...] = PARTS) -> Robustness:
    """The robustness checks from a community-month panel (columns of
    :func:`dashboard.analysis.effects.estimate_panel`); ``parts`` chooses which of
    :data:`PARTS` to run (the others stay ``None``)."""
    res = Robustness(outcome=outcome)
    data, _ = effects._prepare(panel)
    if data.empty:
        res.reasons["all"] = _reason("no_data")
        return res
    n_months = int(data["t"].max())
    per = data.groupby("community_id")["t"].nunique()
    complete = per.index[per == n_months]
    res.n_dropped = int(len(per) - len(complete))
    Y, g, ids = cs.balanced_matrix(data[data["community_id"].isin(complete)])
    if not (g > 0).any() or np.unique(g).size < 2:  # no served or no comparison group
        res.reasons["all"] = _reason("no_groups")
        return res
    strata = _strata(data, Y, g, ids)
    if "pretrend" in parts:
        _pretrend(res, strata)
    if "honest" in parts:
        _honest(res, strata)
    if "placebo" in parts:
        _placebo(res, strata, placebo_shift)
    return res


@dataclass
class _Strata:
    """The within-kind strata of a balanced panel: per stratum its outcome rows and
    cohorts, and the positions of its units among the ``n`` units of the union."""

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    n: int

    def over(self, fn: Any) -> cs.Aggregate | None:
        """``fn(Y, g) -> (GroupTime, Aggregate) | None`` per stratum, combined
        (:func:`dashboard.analysis.cs_influence.combine`); ``None`` when no stratum
        has a coefficient."""
        done = []
        for Y, g, rows in self.parts:
            out = fn(Y, g)
            if out is None or out[1].labels.size == 0:
                continue
            gt, agg = out
            done.append((agg, cs.cell_mass(gt, agg.labels), rows))
        if not done:
            return None
        if len(done) == 1:
            return done[0][0]
        return cs.combine(done, self.n)


def _strata(data: pd.DataFrame, Y: np.ndarray, g: np.ndarray, ids: np.ndarray) -> _Strata:
    """Split the balanced matrix into the strata of the main estimate."""
    kinds = data.drop_duplicates("community_id").set_index("community_id")["kind"]
    units = pd.DataFrame({"community_id": ids, "g": g, "kind": kinds.reindex(ids).to_numpy()})
    plan = effects.plan_strata(units)
    used = plan.ids
    keep = np.flatnonzero([u in used for u in ids])
    pos = {u: i for i, u in enumerate(ids[keep])}
    parts = []
    for s in plan.strata:
        rows = np.array(sorted(pos[u] for u in s.ids), dtype=np.int64)
        parts.append((Y[keep][rows], g[keep][rows], rows))
    return _Strata(parts, int(keep.size))


def _reason(code: str, **fmt: Any) -> dict[str, str]:
    return {lang: t(f"rob.reason.{code}", lang, **fmt) for lang in ("zh", "en")}


def _pretrend(res: Robustness, strata: _Strata) -> None:
    def one(Y: np.ndarray, g: np.ndarray) -> tuple[cs.GroupTime, cs.Aggregate]:
        gt = cs.att_gt(Y, g, control_group="not_yet_treated", base_period="varying")
        return gt, cs.event_study(gt, min_e=-PRE_MONTHS, max_e=-1)

    es = strata.over(one)
    try:
        if es is None:
            raise ValueError("no pre-opening coefficient")
        w = pretrend_event_study(es)
    except ValueError:
        res.reasons["pretrend"] = _reason("pretrend")
        return
    res.pretrend = w.as_dict()


def _honest(res: Robustness, strata: _Strata) -> None:
    def one(Y: np.ndarray, g: np.ndarray) -> tuple[cs.GroupTime, cs.Aggregate]:
        gt = cs.att_gt(Y, g, control_group="not_yet_treated", base_period="universal")
        return gt, cs.event_study(gt, min_e=-(PRE_MONTHS + 1), max_e=POST_MONTHS - 1)

    es = strata.over(one)
    if es is None:
        res.reasons["honest"] = _reason("honest")
        return
    pre = es.labels <= -2
    post = es.labels >= 0
    n_pre, n_post = int(pre.sum()), int(post.sum())
    V = es.vcov
    if n_pre < 2 or n_post < 1 or np.linalg.cond(V) > 1e12:
        res.reasons["honest"] = _reason("honest")
        return
    beta = es.att
    lv = np.full(n_post, 1.0 / n_post)
    se = float(np.sqrt(lv @ V[np.ix_(post, post)] @ lv))
    rm = [honestdid.relative_magnitudes_ci(beta, V, n_pre, n_post, mb, l_vec=lv) for mb in MBARS]
    ms = [step * se for step in M_STEPS]
    sd = [honestdid.smoothness_ci(beta, V, n_pre, n_post, m, l_vec=lv) for m in ms]
    res.honest = {
        "theta": float(lv @ beta[post]),
        "original_ci": [float(x) for x in honestdid.original_ci(beta, V, n_pre, n_post, l_vec=lv)],
        "relative_magnitudes": [{"mbar": mb, "ci_low": lo, "ci_high": hi} for mb, (lo, hi) in zip(MBARS, rm)],
        "smoothness": [{"m": m, "ci_low": lo, "ci_high": hi} for m, (lo, hi) in zip(ms, sd)],
        "breakdown_mbar": honestdid.breakdown(list(MBARS), rm),
        "breakdown_m": honestdid.breakdown(ms, sd),
        "n_pre": n_pre,
        "n_post": n_post,
    }


def _placebo(res: Robustness, strata: _Strata, shift: int) -> None:
    def one(Y: np.ndarray, g: np.ndarray) -> tuple[cs.GroupTime, cs.Aggregate] | None:
        fake = np.where((g > 0) & (g - shift >= 2), g - shift, 0)
        cohorts = np.unique(fake[fake > 0])
        if cohorts.size == 0:
            return None
        last = {int(c): int(c) + shift - 1 for c in cohorts}  # months before the real opening
        gt = cs.att_gt(Y, fake, control_group="not_yet_treated", base_period="varying",
                       control_cohort=g, last_period=last)
        if (~gt.pre).sum() == 0:
            return None
        return gt, cs.aggregate_simple(gt)

    agg = strata.over(one)
    if agg is None:
        res.reasons["placebo"] = _reason("placebo", shift=shift)
        return
    att, se = float(agg.att[0]), float(agg.se[0])
    z = stats.norm.ppf(1 - ALPHA / 2)
    res.placebo = {"att": att, "ci_low": float(att - z * se), "ci_high": float(att + z * se), "shift_months": shift}
