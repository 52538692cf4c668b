"""What a plan will bring: the households and elderly residents newly covered by new
rooms, the counter visits and 95598 hotline orders they avoid a month, the counter-hours
a week they free at the halls concerned, and the customer managers they need.

Newly covered
-------------
Per community, households (elderly) covered after minus before (the coverage engine's
``households_covered`` / ``elderly_covered``): for a plan, ``PlanResult.before`` and
``.after``; for any what-if set, the what-if's coverage against the starting one. A
what-if that closes rooms loses coverage, and the figures then turn negative. A plan
with a cap of households per manager serves only part of the households within a new
room's walk: each community's change is scaled so the total is what the rooms serve.

Visits and orders avoided
-------------------------
The community-level effects of :mod:`dashboard.analysis.effects` are per 1,000 households
per month (negative when the rooms take contacts away), so the contacts avoided a month
are ``-att × households newly covered / 1,000``. The effect enters linearly, so
``value / low / high`` are that product at ``att`` and at the ends of its 95 % interval
(``low`` from ``ci_high``, ``high`` from ``ci_low``): no simulation is needed. Hotline
orders: the all-category effect for the total, and one effect per category of
``settings.HOTLINE_CATEGORIES`` in ``by_category`` where that category's effect is
estimated. Every figure is a monotone function of one uncertain effect, so its interval
maps exactly from the effect's; no figure combines two uncertain effects (the rank per
manager divides by a fixed number of managers).

Counter-hours freed
-------------------
Through the staffing model (:mod:`dashboard.analysis.staffing`): each newly covered
community takes ``-att × households / 1,000`` tickets a month away from the halls in
proportion to its share of tickets at each hall
(:func:`dashboard.analysis.hall_effects.catchment_from_volume`; communities with no
ticket at any hall take none), spread over the hall-hours of the staffing period like
the observed tickets. Counters needed are computed at today's arrivals and at today's
minus those taken away (:func:`~dashboard.analysis.staffing.staffing_table` with
negative multipliers); freed = the difference summed over the week. As in the staffing
model, the multiplier is normal with mean 1 and the relative standard error of the
counter-visit effect, and the freed hours, monotone in it, are given at its 2.5 %, 50 %
and 97.5 % points. The average effect ``att`` is used (a new room's first months take
less, see the event study).

Managers needed
---------------
``rooms × managers_per_room``; with a cap of households per manager, each room needs
``max(managers_per_room, ceil(its new households / cap))`` (a room is never unstaffed).

Public API: :func:`load_effects`, :func:`newly_covered`, :func:`impact`,
:func:`plan_impact`, :func:`rank_sites`, :func:`json_keys`, :func:`sentence`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from dashboard import settings, warehouse
from dashboard.analysis import effects as effects_mod
from dashboard.analysis import staffing
from dashboard.analysis.effects import EffectResult
from dashboard.analysis.filters import Filters
from dashboard.analysis.hall_effects import catchment_from_volume

__all__ = ["COUNTER", "HOTLINE", "impact", "json_keys", "load_effects", "newly_covered", "plan_impact",
           "rank_sites", "sentence"]

COUNTER = "counter_visits_per_1k_households"
"""Outcome of the counter visits avoided (tickets per 1,000 households per month)."""
HOTLINE = "hotline_per_1k_households"
"""Outcome of the hotline orders avoided (orders per 1,000 households per month)."""
HOURS_QUANTILES = (0.025, 0.5, 0.975)
"""Points of the effect multiplier at which the freed counter-hours are given."""


# ---------------------------------------------------------------- warehouse
def load_effects(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> dict[str, Any]:
    """The effects and staffing inputs :func:`impact` needs, estimated once.

    Returns
    -------
    dict
        ``counter`` and ``hotline`` (:class:`EffectResult`), ``hotline_by_category``
        (``{category: EffectResult}``), ``staffing``
        (:class:`~dashboard.analysis.staffing.StaffingInputs`) and ``catchment``
        (community → hall ticket shares).
    """
    f = filters or Filters()
    p = f.params()
    return {
        "counter": effects_mod.estimate(con, COUNTER, f),
        "hotline": effects_mod.estimate(con, HOTLINE, f),
        "hotline_by_category": {c: effects_mod.estimate(con, HOTLINE, f, categories=(c,))
                                for c in settings.HOTLINE_CATEGORIES},
        "staffing": staffing.load_inputs(con, f),
        "catchment": catchment_from_volume(warehouse.query(
            con, "halls/exposure_volume", {"districts": p["districts"], "hall_ids": p["hall_ids"]})),
    }


# ---------------------------------------------------------------- pure computation
def newly_covered(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per community, ``households`` and ``elderly`` covered after minus before (rows
    with a change only)."""
    cols = ["households_covered", "elderly_covered"]
    b = before.set_index("community_id")[cols]
    a = after.set_index("community_id")[cols]
    d = a.sub(b.reindex(a.index).fillna(0.0), fill_value=0.0)
    d = d.rename(columns={"households_covered": "households", "elderly_covered": "elderly"})
    return d[(d != 0).any(axis=1)].reset_index()


def _avoided(effect: EffectResult | None, households: float) -> dict[str, float] | None:
    """``-att × households / 1000`` at the estimate and the CI's ends (None unless ok)."""
    if effect is None or not effect.ok or effect.att is None:
        return None
    ends = sorted(-x * households / 1000.0 for x in (effect.ci_low, effect.ci_high))
    return {"value": -effect.att * households / 1000.0, "low": ends[0], "high": ends[1]}


def _reason(effect: EffectResult | None, lang_key: str) -> dict[str, str]:
    from dashboard.i18n import t

    why = (effect.reason if effect is not None else None) or {}
    return {lang: t(lang_key, lang, why=why.get(lang, t("impact.reason.no_estimate", lang)))
            for lang in ("zh", "en")}


def _hours_freed(changes: pd.DataFrame, counter: EffectResult, inputs: staffing.StaffingInputs,
                 catchment: pd.DataFrame, target_min: float) -> dict[str, Any] | None:
    """Counter-hours a week freed at the halls whose catchment the changed communities
    belong to (see the module docstring); ``None`` without cells or counter times."""
    cells = inputs.cells
    if cells.empty or not (cells["n_busy"] > 0).any() or counter.se is None or not counter.att:
        return None
    per = changes.merge(catchment[["community_id", "hall_id", "hall_share"]], on="community_id")
    per = per[per["hall_share"].notna()]
    # tickets a month taken from each hall at the point estimate
    per_hall = (-counter.att * per["households"] / 1000.0 * per["hall_share"]).groupby(per["hall_id"]).sum()
    c = cells.assign(hall_id=cells["hall_id"].astype(str))
    n_month = c.groupby(["hall_id", "month_on"])["n_tickets"].transform("sum")
    share = (c["n_tickets"] / n_month.where(n_month > 0)).fillna(0.0)
    c["taken"] = share * c["hall_id"].map(per_hall).fillna(0.0)
    scale_se = float(counter.se) / abs(float(counter.att))
    factors = 1.0 + scale_se * stats.norm.ppf(HOURS_QUANTILES)
    # counters at today's arrivals minus the taken ones: multipliers -factor
    rows, _, need = staffing.staffing_table(c, target_min, -factors, point=-1.0)
    freed = (rows["counters_needed_after"].to_numpy()[:, None] - need).sum(axis=0).astype(float)
    lo, hi = sorted((freed[0], freed[-1]))
    halls = sorted(per_hall.index[per_hall != 0].astype(str))
    return {"median": float(freed[1]), "low": float(lo), "high": float(hi), "halls": halls}


def _managers(room_households: Sequence[float], managers_per_room: int,
              households_per_manager: float | None) -> np.ndarray:
    """Managers of each room (see the module docstring)."""
    if managers_per_room < 1:
        raise ValueError(f"managers per room must be at least 1, got {managers_per_room!r}")
    hh = np.asarray(room_households, dtype=float)
    if households_per_manager is None:
        return np.full(len(hh), int(managers_per_room), dtype=np.int64)
    if not households_per_manager > 0:
        raise ValueError(f"households per manager must be above 0, got {households_per_manager!r}")
    need = np.ceil(np.clip(hh, 0.0, None) / float(households_per_manager))
    return np.maximum(need, managers_per_room).astype(np.int64)


def impact(changes: pd.DataFrame, room_households: Sequence[float], effects: Mapping[str, Any], *,
           managers_per_room: int = 1, households_per_manager: float | None = None,
           target_wait_min: float | None = None) -> dict[str, Any]:
    """What a set of added rooms brings.

    Parameters
    ----------
    changes
        ``community_id, households, elderly`` newly covered (:func:`newly_covered`).
    room_households
        New households of each added room (for the managers).
    effects
        ``counter``, ``hotline`` (:class:`EffectResult`), optional
        ``hotline_by_category`` (``{category: EffectResult}``), ``staffing`` and
        ``catchment`` (see :func:`load_effects`; without them no counter-hours).
    managers_per_room, households_per_manager
        Staffing of a room (see the module docstring).
    target_wait_min
        Mean-wait target of the counters (default ``settings.TARGETS.wait_target_min``).

    Returns
    -------
    dict
        ``rooms, households_covered, elderly_covered,
        counter_visits_avoided_per_month`` (``{value, low, high}``),
        ``hotline_orders_avoided_per_month`` (``{value, low, high, by_category}``),
        ``counter_hours_freed_per_week`` (``{median, low, high, halls}``),
        ``managers_needed`` and ``reasons`` (``{figure: {zh, en}}`` for each figure
        that is ``None``).
    """
    hh = float(changes["households"].sum())
    counter, hotline = effects.get("counter"), effects.get("hotline")
    reasons: dict[str, dict[str, str]] = {}
    visits = _avoided(counter, hh)
    if visits is None:
        reasons["counter_visits_avoided_per_month"] = _reason(counter, "impact.reason.counter")
    orders = _avoided(hotline, hh)
    if orders is None:
        reasons["hotline_orders_avoided_per_month"] = _reason(hotline, "impact.reason.hotline")
    else:
        by_cat = {c: _avoided(e, hh) for c, e in (effects.get("hotline_by_category") or {}).items()}
        orders["by_category"] = {c: v for c, v in by_cat.items() if v is not None}
    hours = None
    if visits is not None and effects.get("staffing") is not None and effects.get("catchment") is not None:
        target = float(settings.TARGETS.wait_target_min if target_wait_min is None else target_wait_min)
        hours = _hours_freed(changes, counter, effects["staffing"], effects["catchment"], target)
    if hours is None:
        reasons["counter_hours_freed_per_week"] = (
            reasons.get("counter_visits_avoided_per_month") or _reason(None, "impact.reason.hours"))
    return {
        "rooms": len(room_households),
        "households_covered": round(hh),
        "elderly_covered": round(float(changes["elderly"].sum())),
        "counter_visits_avoided_per_month": visits,
        "hotline_orders_avoided_per_month": orders,
        "counter_hours_freed_per_week": hours,
        "managers_needed": int(_managers(room_households, managers_per_room, households_per_manager).sum()),
        "reasons": reasons,
    }


def plan_impact(plan_result: Any, effects: Mapping[str, Any], *, managers_per_room: int = 1,
                households_per_manager: float | None = None,
                target_wait_min: float | None = None) -> dict[str, Any]:
    """:func:`impact` of a :class:`~dashboard.coverage.planner.PlanResult`'s new rooms."""
    changes = newly_covered(plan_result.before.communities, plan_result.after.communities)
    if "capacity" in plan_result.extra:
        # a capped room serves part of the households within its walk: each community's
        # change scaled to the households (elderly) the rooms serve
        for col, served in (("households", "new_households"), ("elderly", "new_elderly")):
            within = float(changes[col].sum())
            if within > 0:
                changes[col] = changes[col] * float(plan_result.added[served].sum()) / within
    return impact(changes, list(plan_result.added["new_households"]), effects,
                  managers_per_room=managers_per_room, households_per_manager=households_per_manager,
                  target_wait_min=target_wait_min)


def rank_sites(added: pd.DataFrame, counter: EffectResult | None, *, managers_per_room: int = 1,
               households_per_manager: float | None = None) -> pd.DataFrame:
    """The added sites ranked by coverage and by counter visits avoided per manager.

    Parameters
    ----------
    added
        ``site_id, name, new_households, new_elderly`` (``PlanResult.added``).
    counter
        The counter-visit effect (without an estimate, the impact columns are NaN and
        the impact rank is missing).

    Returns
    -------
    pandas.DataFrame
        ``site_id, name, new_households, new_elderly, managers, visits_avoided,
        visits_low, visits_high, impact_per_manager, rank_coverage,
        rank_impact_per_manager`` (1 = best; ties share the best rank), sorted by
        ``rank_impact_per_manager`` then ``rank_coverage``.
    """
    out = added[["site_id", "name", "new_households", "new_elderly"]].copy()
    out["managers"] = _managers(out["new_households"], managers_per_room, households_per_manager)
    vals = [_avoided(counter, float(h)) or {"value": np.nan, "low": np.nan, "high": np.nan}
            for h in out["new_households"]]
    out["visits_avoided"] = [v["value"] for v in vals]
    out["visits_low"] = [v["low"] for v in vals]
    out["visits_high"] = [v["high"] for v in vals]
    out["impact_per_manager"] = out["visits_avoided"] / out["managers"]
    out["rank_coverage"] = out["new_households"].rank(method="min", ascending=False).astype("Int64")
    out["rank_impact_per_manager"] = out["impact_per_manager"].rank(method="min", ascending=False).astype("Int64")
    return out.sort_values(["rank_impact_per_manager", "rank_coverage"], na_position="last").reset_index(drop=True)


def json_keys(imp: dict[str, Any]) -> dict[str, Any]:
    """The ``impact`` keys of ``servicecircle plan --json``: the figures, or ``None``
    with ``impact_reason`` (``{zh, en}``) when neither effect could be estimated."""
    if imp["counter_visits_avoided_per_month"] is None and imp["hotline_orders_avoided_per_month"] is None:
        return {"impact": None, "impact_reason": imp["reasons"]["counter_visits_avoided_per_month"]}
    return {"impact": imp}


def sentence(imp: dict[str, Any], lang: str) -> str:
    """The plan's effect in a sentence a planner can take to a superior (zh / en)."""
    from dashboard.i18n import t

    def n(x: float) -> str:
        return f"{x:,.0f}"

    parts = [t("impact.sentence.coverage", lang, rooms=imp["rooms"], households=n(imp["households_covered"]),
               elderly=n(imp["elderly_covered"]), managers=imp["managers_needed"])]
    v = imp["counter_visits_avoided_per_month"]
    if v is not None:
        parts.append(t("impact.sentence.visits", lang, value=n(v["value"]), low=n(v["low"]), high=n(v["high"])))
    o = imp["hotline_orders_avoided_per_month"]
    if o is not None:
        parts.append(t("impact.sentence.orders", lang, value=n(o["value"]), low=n(o["low"]), high=n(o["high"])))
    h = imp["counter_hours_freed_per_week"]
    if h is not None:
        parts.append(t("impact.sentence.hours", lang, median=n(h["median"]), low=n(h["low"]), high=n(h["high"])))
    if v is None and o is None:
        parts.append(imp["reasons"]["counter_visits_avoided_per_month"][lang])
    elif v is not None and v["low"] <= 0 <= v["high"]:
        parts.append(t("impact.sentence.unclear", lang))
    return " ".join(parts)
