"""Read the briefing's raw numbers from the warehouse through the shared analysis functions.

Every number comes from the function the matching page and CLI call:
:mod:`dashboard.analysis.metrics` (offload, waiting, hotline, faults, groups and staff),
:func:`dashboard.analysis.effects.estimate` (the causal estimates),
:func:`dashboard.coverage.engine.compute` (walking coverage) and the planner
(:mod:`dashboard.coverage.planner`, when present). Monthly series for the charts are
summed from the same named queries the metrics use.

A part that fails (no network imported yet, a module not built, no data in the range)
is left ``None`` in :class:`~dashboard.report.inputs.BriefingInputs` with the reason
in ``reasons``, so the rest of the briefing still renders and the missing part says so.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from dashboard import demo_flag, settings, warehouse
from dashboard.analysis.filters import Filters
from dashboard.report.inputs import (
    EFFECT_OUTCOMES,
    BriefingInputs,
    CoverageInput,
    EffectInput,
    FaultsInput,
    GroupsStaffInput,
    HotlineInput,
    OffloadInput,
    PlanInput,
    ScorecardInput,
    WaitingInput,
)

__all__ = ["collect_inputs", "coverage_input", "effect_input", "map_png", "page_inputs", "scorecard_input"]

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None] | None


def _month(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns={"month_on": "month"})


def _ratio(a: float, b: float) -> float | None:
    return float(a) / float(b) if b else None


# ---------------------------------------------------------------- metrics sections
def offload_input(con, f: Filters) -> OffloadInput:
    from dashboard.analysis import metrics

    r = metrics.offload(con, f)
    monthly = _month(r["monthly"][["month_on", "counter", "room"]])
    return OffloadInput(share=r["share"], room=r["room_offloadable"], counter=r["counter_offloadable"],
                        monthly=monthly)


def waiting_input(con, f: Filters) -> WaitingInput:
    from dashboard.analysis import metrics

    s = metrics.ticket_summary(con, f)
    tm = warehouse.query(con, "metrics/ticket_monthly", f.params())
    g = tm.groupby("month_on", as_index=False)[["sum_wait_s", "n_waited"]].sum()
    g["wait_mean_min"] = g["sum_wait_s"] / g["n_waited"].where(g["n_waited"] > 0) / 60.0
    return WaitingInput(mean_min=s["wait_mean_min"], within_share=s["share_within_target"],
                        target_min=s["target_min"], monthly=_month(g[["month_on", "wait_mean_min"]]))


def hotline_input(con, f: Filters) -> HotlineInput:
    from dashboard.analysis import metrics

    r = metrics.hotline(con, f)
    m = r["monthly"]
    ms = m.groupby(["month_on", "status"], as_index=False).agg(
        households=("households", "first"), n_orders=("n_orders", "sum"))
    ms["per_1k"] = ms["n_orders"] * 1000.0 / ms["households"].where(ms["households"] > 0)
    wide = ms.pivot(index="month_on", columns="status", values="per_1k").reset_index()
    for col in ("served", "not_yet"):
        if col not in wide:
            wide[col] = np.nan
    monthly = pd.DataFrame({"month": wide["month_on"], "served": wide["served"], "not_served": wide["not_yet"]})
    return HotlineInput(served_per_1k=r["rate"]["served"], not_served_per_1k=r["rate"]["not_yet"],
                        monthly=monthly.sort_values("month").reset_index(drop=True))


def faults_input(con, f: Filters) -> FaultsInput:
    from dashboard.analysis import metrics

    r = metrics.faults(con, f)
    tg = settings.TARGETS
    raw = warehouse.query(con, "metrics/faults_monthly", {
        **f.params(), "arrival_urban_min": tg.arrival_urban_min, "arrival_rural_min": tg.arrival_rural_min,
        "arrival_remote_min": tg.arrival_remote_min, "restore_urban_h": tg.restore_urban_h,
        "restore_rural_h": tg.restore_rural_h})
    g = raw.groupby("month_on", as_index=False)[["sum_restore_h", "n_restored"]].sum()
    g["restoration_h"] = g["sum_restore_h"] / g["n_restored"].where(g["n_restored"] > 0)
    return FaultsInput(restoration_h=r.get("restore_mean_h"), satisfaction_share=r["satisfaction_rate"],
                       monthly=_month(g[["month_on", "restoration_h"]]))


def groups_staff_input(con, f: Filters) -> GroupsStaffInput:
    from dashboard.analysis import metrics

    r = metrics.groups_staff(con, f)
    by = r["by_group"].groupby("customer_group")["n_visits"].sum()
    order = [g for g in settings.CUSTOMER_GROUPS if g in by.index] + [g for g in by.index if g not in settings.CUSTOMER_GROUPS]
    return GroupsStaffInput(by_group={g: float(by[g]) for g in order}, home_visits=r["n_home_visits"],
                            former_readers=r["n_former_meter_readers"])


# ---------------------------------------------------------------- effects
def effect_input(con, key: str, f: Filters) -> EffectInput | None:
    """The causal estimate behind section ``key`` (``None`` if the section has none)."""
    outcome = EFFECT_OUTCOMES.get(key)
    if outcome is None:
        return None
    from dashboard.analysis import effects, hall_effects

    if outcome == hall_effects.HALL_OUTCOME:  # a queue shortens for the whole hall: per hall
        return _hall_effect_input(hall_effects.estimate_halls(con, f))
    r = effects.estimate(con, outcome, f)
    if r.ok:
        sentences = dict(r.summary)
        es = pd.DataFrame(r.event_study, columns=["event_time", "att", "ci_low", "ci_high"]) if r.event_study else None
    else:
        sentences = dict(r.reason or {})
        es = None
    return EffectInput(outcome=outcome, sentences=sentences, att=r.att, ci_low=r.ci_low, ci_high=r.ci_high,
                       relative_effect=r.relative_effect, event_study=es)


def _hall_effect_input(h: Any) -> EffectInput:
    """The hall-level waiting-time effect (presented method) as the briefing needs it."""
    m = h.main
    sentences = {lang: f"{h.summary[lang]}{h.why[lang]}" for lang in ("zh", "en")}
    es = pd.DataFrame(m.event_study, columns=["event_time", "att", "ci_low", "ci_high"]) if m and m.event_study else None
    return EffectInput(outcome=h.as_dict()["outcome"], sentences=sentences, att=m.att if m else None,
                       ci_low=m.ci_low if m else None, ci_high=m.ci_high if m else None,
                       relative_effect=m.relative_effect if m else None, event_study=es)


# ---------------------------------------------------------------- coverage and plan
def coverage_input(result: Any, districts: tuple[str, ...] = ()) -> CoverageInput:
    """Coverage numbers from a :class:`dashboard.coverage.engine.CoverageResult`.

    With ``districts`` the totals are recomputed over those districts' communities.
    """
    c = result.communities.copy()
    if districts:
        c = c[c["district"].isin(districts)]
    hh = float(c["households"].sum())
    cov = float(c["households_covered"].sum())
    eld = float(c["elderly"].sum())
    by_d = (c.groupby("district", dropna=True)[["households", "households_covered"]].sum().reset_index())
    by_d["share"] = by_d["households_covered"] / by_d["households"].where(by_d["households"] > 0)
    gaps = c[c["households_uncovered"] > 0].copy()
    gaps["walk_m"] = gaps["walk_m"].astype(float).replace([np.inf, -np.inf], np.nan)
    gaps["name"] = gaps["name"].fillna(gaps["community_id"]).astype(str)
    gaps = gaps.sort_values("households_uncovered", ascending=False)[
        ["community_id", "name", "district", "households_uncovered", "walk_m"]].reset_index(drop=True)
    return CoverageInput(
        share=_ratio(cov, hh), elderly_share=_ratio(float(c["elderly_covered"].sum()), eld),
        households_covered=cov, households_total=hh,
        by_district=by_d[["district", "share"]].dropna(), gaps=gaps,
    )


def map_png(data: Any, result: Any, districts: tuple[str, ...] = (), size: tuple[int, int] = (1200, 900),
            max_segments: int = 120_000) -> bytes:
    """The coverage map picture for a coverage result (see :mod:`dashboard.report.mapimage`)."""
    from dashboard.report.mapimage import draw_coverage_map

    comm = data.communities.merge(result.communities[["community_id", "covered"]], on="community_id", how="left")
    if districts:
        comm = comm[comm["district"].isin(districts)]
    rooms = result.open_rooms[["lon", "lat"]]
    net = data.network
    seg = None
    if len(net.edge_u):
        seg = np.column_stack([net.node_lon[net.edge_u], net.node_lat[net.edge_u],
                               net.node_lon[net.edge_v], net.node_lat[net.edge_v]])
        if len(comm) and comm["lon"].notna().any():
            pad = 0.01
            lo0, lo1 = comm["lon"].min() - pad, comm["lon"].max() + pad
            la0, la1 = comm["lat"].min() - pad, comm["lat"].max() + pad
            keep = (seg[:, 0] >= lo0) & (seg[:, 0] <= lo1) & (seg[:, 1] >= la0) & (seg[:, 1] <= la1)
            seg = seg[keep]
        if len(seg) > max_segments:  # a whole city: thin the streets evenly, the picture looks the same
            seg = seg[:: int(np.ceil(len(seg) / max_segments))]
    return draw_coverage_map(comm, rooms, street_segments=seg, size=size)


def plan_input(data: Any, k: int, on: dt.date | None) -> PlanInput:
    """Suggested rooms from the planner."""
    from dashboard.coverage import planner

    d = planner.suggest(data, k=k, on=on).as_dict()
    added = pd.DataFrame(d.get("added") or [], columns=["site_id", "lon", "lat", "new_households", "new_elderly"])
    return PlanInput(share_before=d.get("share_before"), share_after=d.get("share_after"), added=added)


# ---------------------------------------------------------------- scorecard
def scorecard_input(con, f: Filters, coverage_data: Any = None) -> ScorecardInput:
    """The rooms' scorecard of the last whole month up to the range's end, with the targets
    in force for this warehouse (:func:`dashboard.analysis.room_targets.load_for`)."""
    from dashboard.analysis import room_targets, scorecard

    targets = room_targets.load_for(con)
    sc = scorecard.scorecard(con, f, None, targets, coverage_data=coverage_data)
    return ScorecardInput(month=sc["month"], n_rooms=len(sc["rooms"]), breaches=sc["breaches"],
                          targets=sc["targets"])


# ---------------------------------------------------------------- all together
def collect_inputs(
    con: Any,
    filters: Filters | None = None,
    *,
    plan_k: int = 5,
    with_map: bool = True,
    coverage_data: Any = None,
    progress: Progress = None,
) -> BriefingInputs:
    """Gather every section's raw numbers (see module docstring).

    Parameters
    ----------
    con
        Read connection to the warehouse.
    filters
        Global filters (dates, districts, halls, waves, service types).
    plan_k
        Number of new rooms the plan section suggests.
    with_map
        Draw the coverage map picture.
    coverage_data
        A loaded :class:`dashboard.coverage.engine.CoverageData` (pages pass their
        cached one); read through ``con`` when ``None``.
    progress
        Optional ``(message, fraction)`` callback.

    Returns
    -------
    BriefingInputs
    """
    f = filters or Filters()
    out = BriefingInputs(date_from=f.date_from, date_to=f.date_to, districts=tuple(f.districts),
                         demo=demo_flag.read(con))
    if f.date_from is None or f.date_to is None:
        try:
            from dashboard.analysis.metrics import data_span

            span = data_span(con)
            out.date_from = f.date_from or span["first_on"]
            out.date_to = f.date_to or span["last_on"]
        except Exception as exc:  # noqa: BLE001 - the period line is cosmetic
            log.info("no data span: %s", exc)
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("offload", lambda: offload_input(con, f)),
        ("waiting", lambda: waiting_input(con, f)),
        ("hotline", lambda: hotline_input(con, f)),
        ("faults", lambda: faults_input(con, f)),
        ("groups_staff", lambda: groups_staff_input(con, f)),
    ]
    n = len(steps) + len(EFFECT_OUTCOMES) + 3
    done = 0

    def tick(msg: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(msg, min(done / n, 1.0))

    for key, fn in steps:
        try:
            setattr(out, key, fn())
        except Exception as exc:  # noqa: BLE001 - one broken part must not blank the briefing
            log.warning("briefing part %s unavailable: %s", key, exc)
            out.reasons[key] = f"{type(exc).__name__}: {exc}"
        tick(key)
    for key in EFFECT_OUTCOMES:
        try:
            eff = effect_input(con, key, f)
            if eff is not None:
                out.effects[key] = eff
        except Exception as exc:  # noqa: BLE001
            log.warning("effect for %s unavailable: %s", key, exc)
            out.reasons[f"effect.{key}"] = f"{type(exc).__name__}: {exc}"
        tick(f"effect {key}")
    try:
        from dashboard.coverage import engine, inputs

        data = coverage_data = coverage_data if coverage_data is not None else inputs.read_data(con)
        result = engine.compute(data, on=f.date_to)
        out.coverage = coverage_input(result, tuple(f.districts))
        if with_map:
            out.map_png = map_png(data, result, tuple(f.districts))
        tick("coverage")
        try:
            out.plan = plan_input(data, plan_k, f.date_to)
        except Exception as exc:  # noqa: BLE001
            log.warning("plan unavailable: %s", exc)
            out.reasons["plan"] = f"{type(exc).__name__}: {exc}"
        tick("plan")
    except Exception as exc:  # noqa: BLE001
        log.warning("coverage unavailable: %s", exc)
        out.reasons["coverage"] = f"{type(exc).__name__}: {exc}"
    try:
        out.scorecard = scorecard_input(con, f, coverage_data)
    except Exception as exc:  # noqa: BLE001
        log.warning("scorecard unavailable: %s", exc)
        out.reasons["scorecard"] = f"{type(exc).__name__}: {exc}"
    tick("scorecard")
    return out


def page_inputs(con: Any, filters: Filters | None = None, plan_k: int = 5) -> BriefingInputs:
    """:func:`collect_inputs` reusing the coverage data cached per data version.

    For the briefing page (through :func:`dashboard.ui.loaders.cached_call`): the street
    network and coverage model are loaded once per warehouse version
    (:func:`dashboard.coverage.inputs.load_data`), not on every call.
    """
    data = None
    try:
        from dashboard.coverage import inputs

        data = inputs.load_data(settings.db_path(None))
    except Exception as exc:  # noqa: BLE001 - collect_inputs records why coverage is missing
        log.info("coverage data not loaded: %s", exc)
    return collect_inputs(con, filters, plan_k=plan_k, coverage_data=data)
