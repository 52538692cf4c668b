"""Management metrics (KPIs) of the service rooms, computed from the rollup tables.

Every function takes an open warehouse connection (read snapshot or writer) and a
:class:`~dashboard.analysis.filters.Filters`, runs named queries from
``queries/metrics/`` (``$params`` bound, never formatted) and returns plain dicts and
DataFrames. The pages (through :func:`dashboard.ui.loaders.cached_call`) and the
``servicecircle metrics`` command call the same functions, so they cannot disagree.

Definitions (see :mod:`dashboard.analysis.definitions` for the full registry):

* wait = ``called_at - issued_at`` of a served ticket (the last call of a re-called
  ticket); mean and max are exact; median and P90 come from 10-second bins and are
  within 10 s of exact; the share within a target that is a whole multiple of 10 s is
  exact.
* counter transactions = served tickets; offload share = room visits of offloadable types
  / (room visits + counter transactions of those types), :data:`settings.OFFLOADABLE_TYPES`.
* per-1,000 (per-10,000) household rates are per month: orders of the communities in a
  group / their households / months; a community counts as *served* from the calendar
  month of its first room opening on (``community_treatment``), else *not yet served*.
* monthly series and rates use whole calendar months overlapping the date range; totals
  (tickets, orders, visits, waits) cut the range at exact days.

The rollup tables these read are rebuilt inside every import (``queries/rollups``), so
no page scans the 20-million-row ticket table. Where a filter allows it, a query reads a
smaller rollup with the same answer: the macros of ``queries/macros`` and the query
headers say which (``faults_monthly_hist`` is chosen here, see :func:`_fault_query`);
``tests/metrics`` checks each path against pandas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import settings
from dashboard.analysis.filters import Filters
from dashboard.warehouse import query

__all__ = [
    "BIN_S",
    "CAUSAL_OUTCOMES",
    "NEW_SERVICE_KPIS",
    "OVERVIEW_KPIS",
    "community_profile",
    "cli_summary",
    "data_span",
    "faults",
    "filter_options",
    "groups_staff",
    "hist_quantile",
    "hist_share_within",
    "hotline",
    "offload",
    "openings",
    "overview_kpis",
    "ticket_summary",
    "waiting",
]

BIN_S: float = 10.0
"""Width of a wait bin in seconds (rollups/21_tickets.sql)."""
OVERFLOW_BIN: int = 1441
"""Bin holding every wait above 240 min."""
DAYS_PER_MONTH: float = 365.25 / 12


# ---------------------------------------------------------------- helpers
def _q(con: duckdb.DuckDBPyConnection, name: str, filters: Filters, **extra: Any) -> pd.DataFrame:
    params = filters.params()
    params.update(extra)
    return query(con, f"metrics/{name}", params)


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0 or pd.isna(num) or pd.isna(den):
        return None
    return float(num) / float(den)


def _num(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _fault_query(filters: Filters, tg: settings.Targets) -> str:
    """``faults_monthly_hist`` (month histograms, exact) when no district / wave filter is
    set and every target is a whole number of minutes, else the per-order
    ``faults_monthly``."""
    whole = all(float(v).is_integer() for v in (
        tg.arrival_urban_min, tg.arrival_rural_min, tg.arrival_remote_min,
        tg.restore_urban_h * 60.0, tg.restore_rural_h * 60.0))
    if whole and not (filters.districts or filters.waves):
        return "faults_monthly_hist"
    return "faults_monthly"


def _faults_monthly(con: duckdb.DuckDBPyConnection, filters: Filters,
                    tg: settings.Targets) -> pd.DataFrame:
    return _q(con, _fault_query(filters, tg), filters,
              arrival_urban_min=tg.arrival_urban_min, arrival_rural_min=tg.arrival_rural_min,
              arrival_remote_min=tg.arrival_remote_min, restore_urban_h=tg.restore_urban_h,
              restore_rural_h=tg.restore_rural_h)


def hist_quantile(bins: np.ndarray, counts: np.ndarray, q: float) -> float | None:
    """A quantile (numpy's default linear rule) read from 10-second wait bins, in seconds.

    Bin ``k`` holds waits in ``(10(k-1), 10k]`` s (bin 0: exactly 0 s). The ``i``-th of
    the ``n`` values in a bin is placed at ``lower + 10 (i + 0.5) / n``, then the two order
    statistics around ``q (N - 1)`` are interpolated as numpy does, so the result is
    within 10 s of ``numpy.percentile`` of the raw waits (values above 240 min are placed
    at 240 min).

    Parameters
    ----------
    bins, counts
        Bin numbers and their counts (any order; zero counts allowed).
    q
        Quantile in ``[0, 1]``.

    Returns
    -------
    float or None
        Seconds; ``None`` when there are no values.
    """
    bins = np.asarray(bins, dtype=float)
    counts = np.asarray(counts, dtype=float)
    keep = counts > 0
    bins, counts = bins[keep], counts[keep]
    if counts.size == 0:
        return None
    order = np.argsort(bins)
    bins, counts = bins[order], counts[order]
    cum = np.cumsum(counts)
    total = cum[-1]
    pos = q * (total - 1)

    def value_at(i: float) -> float:
        k = int(np.searchsorted(cum, i + 1, side="left"))  # bin holding order stat i
        b = bins[k]
        if b <= 0:
            return 0.0
        if b >= OVERFLOW_BIN:
            return (OVERFLOW_BIN - 1) * BIN_S
        before = cum[k - 1] if k > 0 else 0.0
        j = i - before
        return (b - 1) * BIN_S + BIN_S * (j + 0.5) / counts[k]

    lo = float(np.floor(pos))
    hi = float(np.ceil(pos))
    v_lo = value_at(lo)
    if hi == lo:
        return float(v_lo)
    return float(v_lo + (value_at(hi) - v_lo) * (pos - lo))


def hist_share_within(bins: np.ndarray, counts: np.ndarray, target_s: float) -> float | None:
    """Share of waits ``<= target_s`` from 10-second bins (exact when ``target_s`` is a
    multiple of 10 s; otherwise the bin holding the target counts as within)."""
    bins = np.asarray(bins, dtype=float)
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    if total == 0:
        return None
    limit = np.ceil(target_s / BIN_S)
    return float(counts[bins <= limit].sum() / total)


def _wait_stats(hist: pd.DataFrame, target_min: float) -> dict[str, float | None]:
    return _wait_stats_arr(hist["wait_bin"].to_numpy(), hist["n"].to_numpy(), target_min)


def _wait_stats_arr(b: np.ndarray, n: np.ndarray, target_min: float) -> dict[str, float | None]:
    med = hist_quantile(b, n, 0.5)
    p90 = hist_quantile(b, n, 0.9)
    return {
        "wait_median_min": None if med is None else med / 60.0,
        "wait_p90_min": None if p90 is None else p90 / 60.0,
        "share_within_target": hist_share_within(b, n, target_min * 60.0),
    }


def _period_days(filters: Filters, first: dt.date | None, last: dt.date | None) -> int | None:
    """Days in the period: the filter's ends where set, else the data's first/last day."""
    lo = filters.date_from or first
    hi = filters.date_to or last
    if lo is None or hi is None or hi < lo:
        return None
    return (hi - lo).days + 1


def _as_date(x: Any) -> dt.date | None:
    if x is None or x is pd.NaT or (not isinstance(x, (dt.date, dt.datetime)) and pd.isna(x)):
        return None
    if isinstance(x, pd.Timestamp):
        return x.date()
    if isinstance(x, dt.datetime):
        return x.date()
    return x


# ---------------------------------------------------------------- options
def filter_options(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...] = ()) -> dict[str, Any]:
    """Values the sidebar filters offer.

    Returns
    -------
    dict
        ``districts`` (list), ``halls`` (DataFrame hall_id, name, district), ``waves``
        (list), ``service_types`` (list), ``first_on`` / ``last_on`` (dates or None).
    """
    span = data_span(con)
    opts = query(con, "metrics/options")
    by_kind = {k: g for k, g in opts.groupby("kind", sort=False)}
    empty = opts.iloc[0:0]

    def values(kind: str) -> list:
        return by_kind.get(kind, empty)["value"].tolist()

    halls = by_kind.get("hall", empty)
    if districts:
        halls = halls[halls["district"].isin(list(districts))]
    halls = halls.rename(columns={"value": "hall_id"})[["hall_id", "name", "district"]]
    return {
        "districts": values("district"),
        "halls": halls.reset_index(drop=True),
        "waves": values("wave"),
        "service_types": values("service_type"),
        **span,
    }


def data_span(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date | None]:
    """First and last day with any ticket, order or visit (``first_on``, ``last_on``)."""
    row = query(con, "metrics/data_span").iloc[0]
    return {"first_on": _as_date(row["first_on"]), "last_on": _as_date(row["last_on"])}


# ---------------------------------------------------------------- tickets and waits
def ticket_summary(
    con: duckdb.DuckDBPyConnection, filters: Filters, target_min: float | None = None
) -> dict[str, Any]:
    """Counter tickets and waits over the filters.

    Parameters
    ----------
    con
        Warehouse connection.
    filters
        Global filters.
    target_min
        Waiting target in minutes (default ``settings.TARGETS.wait_target_min``).

    Returns
    -------
    dict
        ``n_tickets``, ``n_served`` (counter transactions), ``n_no_show``, ``n_cancelled``,
        ``no_show_rate``, ``cancel_rate`` (of tickets), ``n_waited``, ``wait_mean_min``,
        ``wait_median_min``, ``wait_p90_min``, ``wait_max_min``, ``share_within_target``,
        ``target_min``, ``first_day_on``, ``last_day_on``.
    """
    target = settings.TARGETS.wait_target_min if target_min is None else float(target_min)
    row = _totals_row(_q(con, "ticket_totals", filters))
    hist = _q(con, "wait_hist", filters)
    return _summary(row, hist["wait_bin"].to_numpy(), hist["n"].to_numpy(), target)


def _totals_row(df: pd.DataFrame) -> dict[str, Any]:
    """One totals row from the per-service-type rows of ``ticket_totals`` (or per-hall rows)."""
    has = len(df) > 0
    out: dict[str, Any] = {k: (df[k].sum() if has else 0) for k in (
        "n_tickets", "n_served", "n_no_show", "n_cancelled", "n_waited", "sum_wait_s")}
    out["max_wait_s"] = df["max_wait_s"].max() if has else None
    out["first_day_on"] = df["first_day_on"].min() if has else None
    out["last_day_on"] = df["last_day_on"].max() if has else None
    return out


def _summary(row: Any, bins: np.ndarray, counts: np.ndarray, target: float) -> dict[str, Any]:
    """:func:`ticket_summary`'s dict from a totals row and the wait histogram."""
    n = int(row["n_tickets"])
    out: dict[str, Any] = {
        "n_tickets": n,
        "n_served": int(row["n_served"]),
        "n_no_show": int(row["n_no_show"]),
        "n_cancelled": int(row["n_cancelled"]),
        "no_show_rate": _ratio(row["n_no_show"], n),
        "cancel_rate": _ratio(row["n_cancelled"], n),
        "n_waited": int(row["n_waited"]),
        "wait_mean_min": _ratio(row["sum_wait_s"], row["n_waited"] * 60.0),
        "wait_max_min": None if pd.isna(row["max_wait_s"]) else float(row["max_wait_s"]) / 60.0,
        "target_min": target,
        "first_day_on": _as_date(row["first_day_on"]),
        "last_day_on": _as_date(row["last_day_on"]),
    }
    out.update(_wait_stats_arr(bins, counts, target))
    return out


def waiting(
    con: duckdb.DuckDBPyConnection, filters: Filters, target_min: float | None = None
) -> dict[str, Any]:
    """Everything the waiting-time page shows.

    Returns
    -------
    dict
        ``summary`` (see :func:`ticket_summary`); ``heatmap`` DataFrame (weekday 1..7,
        hour_of_day, arrivals_per_month, wait_mean_min); ``before_after`` DataFrame
        (period, minute, share) with waits in whole minutes (last bin: 60+); ``cutoff``
        (first month of 'after', or None); ``per_hall`` DataFrame (hall_id, hall_name,
        n_tickets, n_served, wait_mean_min, wait_median_min, wait_p90_min, wait_max_min,
        share_within_target, no_show_rate, cancel_rate).
    """
    target = settings.TARGETS.wait_target_min if target_min is None else float(target_min)
    # the per-hall rows and histograms also give the summary (sums over halls): two
    # queries instead of four
    halls = _q(con, "ticket_by_hall", filters)
    hh = _q(con, "wait_hist_by_hall", filters)
    b_all = hh["wait_bin"].to_numpy().astype(np.int64)
    n_all = hh["n"].to_numpy().astype(np.int64)
    total_n = np.bincount(b_all, weights=n_all, minlength=OVERFLOW_BIN + 1) if len(b_all) else np.zeros(0)
    total_row = _totals_row(halls)
    summary = _summary(total_row, np.arange(len(total_n)), total_n, target)

    hm = _q(con, "ticket_weekday_hour", filters)
    hm["arrivals_per_month"] = hm["n_tickets"] / hm["n_months"].where(hm["n_months"] > 0)
    hm["wait_mean_min"] = hm["sum_wait_s"] / hm["n_waited"].where(hm["n_waited"] > 0) / 60.0
    heatmap = hm[["weekday", "hour_of_day", "n_tickets", "arrivals_per_month", "wait_mean_min"]]

    first = _first_opening(con, filters)
    cutoff = None if first is None else first.replace(day=1)
    if cutoff is not None:
        ba = _q(con, "wait_hist_before_after", filters, cutoff=cutoff)
        ba["minute"] = np.minimum(np.ceil(ba["wait_bin"] * BIN_S / 60.0), 60).astype(int)
        ba = ba.groupby(["period", "minute"], as_index=False)["n"].sum()
        ba["share"] = ba["n"] / ba.groupby("period")["n"].transform("sum")
    else:
        ba = pd.DataFrame({"period": [], "minute": [], "n": [], "share": []})

    # one pass over the (hall, bin) rows (sorted by hall): slice each hall's bins out
    keys = hh["hall_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.array([], int)
    bounds = dict(zip(keys[starts], zip(starts, np.r_[starts[1:], len(keys)]))) if len(keys) else {}
    none_stats = {"wait_median_min": None, "wait_p90_min": None, "share_within_target": None}
    rows = []
    for h in halls.itertuples(index=False):
        if h.hall_id in bounds:
            i, j = bounds[h.hall_id]
            stats = _wait_stats_arr(b_all[i:j], n_all[i:j], target)
        else:
            stats = none_stats
        rows.append({
            "hall_id": h.hall_id,
            "hall_name": h.hall_name if isinstance(h.hall_name, str) else h.hall_id,
            "n_tickets": int(h.n_tickets),
            "n_served": int(h.n_served),
            "wait_mean_min": _ratio(h.sum_wait_s, h.n_waited * 60.0),
            "wait_median_min": stats["wait_median_min"],
            "wait_p90_min": stats["wait_p90_min"],
            "wait_max_min": None if pd.isna(h.max_wait_s) else float(h.max_wait_s) / 60.0,
            "share_within_target": stats["share_within_target"],
            "no_show_rate": _ratio(h.n_no_show, h.n_tickets),
            "cancel_rate": _ratio(h.n_cancelled, h.n_tickets),
        })
    per_hall = pd.DataFrame(rows, columns=[
        "hall_id", "hall_name", "n_tickets", "n_served", "wait_mean_min", "wait_median_min",
        "wait_p90_min", "wait_max_min", "share_within_target", "no_show_rate", "cancel_rate",
    ])
    return {"summary": summary, "heatmap": heatmap, "before_after": ba, "cutoff": cutoff,
            "per_hall": per_hall}


# ---------------------------------------------------------------- offload
def _per_1k(df: pd.DataFrame, col: str, scale: float = 1000.0) -> pd.Series:
    return df[col] * scale / df["households"].where(df["households"] > 0)


def offload(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Counter transactions against room visits of the same types; offload share.

    Returns
    -------
    dict
        ``share`` (offload share over the range, or None); ``counter_offloadable``,
        ``room_offloadable`` (totals); ``monthly`` DataFrame (month_on, counter, room,
        share) for offloadable types; ``counter_by_hall_type`` DataFrame (month_on,
        hall_id, service_type, n_served); ``room_by_type`` (month_on, service_type,
        n_visits); ``per_1k`` DataFrame (month_on, status, households, n_tickets,
        per_1k) — counter tickets per 1,000 households, served vs not-yet-served.
    """
    types = set(settings.OFFLOADABLE_TYPES)
    tm = _q(con, "ticket_monthly", filters)
    vis = _q(con, "visits", filters)
    counter = tm.groupby(["month_on", "hall_id", "service_type"], as_index=False)["n_served"].sum()
    room = vis.groupby(["month_on", "service_type"], as_index=False)["n_visits"].sum()
    c_m = counter[counter["service_type"].isin(types)].groupby("month_on")["n_served"].sum()
    r_m = room[room["service_type"].isin(types)].groupby("month_on")["n_visits"].sum()
    monthly = pd.concat([c_m.rename("counter"), r_m.rename("room")], axis=1).fillna(0).sort_index()
    monthly.index.name = "month_on"
    monthly = monthly.reset_index()
    tot = monthly["counter"] + monthly["room"]
    monthly["share"] = monthly["room"] / tot.where(tot > 0)
    c_tot, r_tot = float(c_m.sum()), float(r_m.sum())
    p1k = _q(con, "counter_per_1k_month", filters)
    p1k["per_1k"] = _per_1k(p1k, "n_tickets")
    return {
        "share": _ratio(r_tot, c_tot + r_tot),
        "counter_offloadable": int(c_tot),
        "room_offloadable": int(r_tot),
        "monthly": monthly,
        "counter_by_hall_type": counter,
        "room_by_type": room,
        "per_1k": p1k,
    }


def _rate_by_status(df: pd.DataFrame, n_col: str, scale: float) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for status in ("served", "not_yet"):
        sub = df[df["status"] == status]
        out[status] = _ratio(sub[n_col].sum() * scale, sub["households"].sum())
    out["all"] = _ratio(df[n_col].sum() * scale, df["households"].sum())
    return out


# ---------------------------------------------------------------- hotline
def hotline(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """95598 work orders per 1,000 households per month, by category and status.

    Returns
    -------
    dict
        ``monthly`` DataFrame (month_on, status, category, households, n_orders, per_1k);
        ``rate`` dict {served, not_yet, all}: orders per 1,000 households per month over
        the range; ``totals`` DataFrame by category (exact days, orders without a community
        included when no district/wave filter); ``n_orders`` (int); ``community_change``
        DataFrame (community_id, name, lon, lat, wave, rate_before, rate_after, change).
    """
    m = _q(con, "hotline_per_1k_month", filters)
    m["per_1k"] = _per_1k(m, "n_orders")
    # household-months once per (month, status), orders summed over categories
    ms = m.groupby(["month_on", "status"], as_index=False).agg(
        households=("households", "first"), n_orders=("n_orders", "sum"))
    totals = _q(con, "hotline_totals", filters)
    change = _q(con, "community_change", filters)
    return {
        "monthly": m,
        "rate": _rate_by_status(ms, "n_orders", 1000.0),
        "totals": totals,
        "n_orders": int(totals["n_orders"].sum()) if len(totals) else 0,
        "community_change": change,
    }


# ---------------------------------------------------------------- faults
def faults(
    con: duckdb.DuckDBPyConnection, filters: Filters, targets: settings.Targets | None = None
) -> dict[str, Any]:
    """Fault repair against the commitments, callback satisfaction, complaints.

    Returns
    -------
    dict
        ``monthly`` DataFrame (month_on, urban_rural, n_faults, arrival_mean_min,
        restore_mean_h, share_arrival_late, share_restore_late); ``by_area`` DataFrame
        (urban_rural, the same columns, plus arrival_target_min, restore_target_h);
        ``restore_mean_h``, ``arrival_mean_min``, ``share_arrival_late``,
        ``share_restore_late``, ``n_faults`` over the range; ``satisfaction_rate``
        ((满意 + 基本满意) / callbacks); ``satisfaction_monthly`` DataFrame (month_on,
        n_callback, n_satisfied, rate); ``complaints_per_10k`` (per month) and
        ``complaints_monthly`` DataFrame (month_on, households, n_complaints, per_10k).
    """
    tg = targets or settings.TARGETS
    f = _faults_monthly(con, filters, tg)

    cols = ["n_faults", "arrival_mean_min", "restore_mean_h", "share_arrival_late", "share_restore_late"]
    sums = ["n_faults", "n_arrived", "sum_arrival_min", "n_arrival_late", "n_restored",
            "sum_restore_h", "n_restore_late"]

    def rates(g: pd.DataFrame) -> pd.DataFrame:
        arrived = g["n_arrived"].where(g["n_arrived"] > 0)
        restored = g["n_restored"].where(g["n_restored"] > 0)
        return pd.DataFrame({
            "n_faults": g["n_faults"].astype("int64"),
            "arrival_mean_min": (g["sum_arrival_min"] / arrived).astype(float),
            "restore_mean_h": (g["sum_restore_h"] / restored).astype(float),
            "share_arrival_late": (g["n_arrival_late"] / arrived).astype(float),
            "share_restore_late": (g["n_restore_late"] / restored).astype(float),
        }, index=g.index)

    if len(f):
        monthly = rates(f.groupby(["month_on", "urban_rural"], sort=True)[sums].sum()).reset_index()
        by_area = rates(f.groupby("urban_rural", sort=True)[sums].sum()).reset_index()
        tot_row = f[sums].sum()
        overall = {
            "n_faults": tot_row["n_faults"],
            "arrival_mean_min": _ratio(tot_row["sum_arrival_min"], tot_row["n_arrived"]),
            "restore_mean_h": _ratio(tot_row["sum_restore_h"], tot_row["n_restored"]),
            "share_arrival_late": _ratio(tot_row["n_arrival_late"], tot_row["n_arrived"]),
            "share_restore_late": _ratio(tot_row["n_restore_late"], tot_row["n_restored"]),
        }
    else:
        monthly = pd.DataFrame(columns=["month_on", "urban_rural", *cols])
        by_area = pd.DataFrame(columns=["urban_rural", *cols])
        overall = dict.fromkeys(cols)
        overall["n_faults"] = 0
    arr_t = {"urban": tg.arrival_urban_min, "rural": tg.arrival_rural_min, "remote": tg.arrival_remote_min}
    res_t = {"urban": tg.restore_urban_h, "rural": tg.restore_rural_h, "remote": tg.restore_rural_h}
    by_area["arrival_target_min"] = by_area["urban_rural"].map(arr_t)
    by_area["restore_target_h"] = by_area["urban_rural"].map(res_t)

    sat = _q(con, "satisfaction_monthly", filters)
    tot = _q(con, "hotline_totals", filters)
    sat["rate"] = sat["n_satisfied"] / sat["n_callback"].where(sat["n_callback"] > 0)
    hm = _q(con, "hotline_per_1k_month", filters)
    comp = hm[hm["category"] == "complaint"].groupby("month_on", as_index=False).agg(
        households=("households", "sum"), n_complaints=("n_orders", "sum"))
    comp["per_10k"] = comp["n_complaints"] * 10000.0 / comp["households"].where(comp["households"] > 0)
    return {
        "monthly": monthly,
        "by_area": by_area,
        **{k: (None if v is None or pd.isna(v) else float(v)) for k, v in overall.items() if k != "n_faults"},
        "n_faults": int(overall["n_faults"] or 0),
        "satisfaction_rate": _ratio(tot["n_satisfied"].sum(), tot["n_callback"].sum()),
        "satisfaction_monthly": sat[["month_on", "n_callback", "n_satisfied", "rate"]],
        "complaints_per_10k": _ratio(comp["n_complaints"].sum() * 10000.0, comp["households"].sum()),
        "complaints_monthly": comp,
    }


# ---------------------------------------------------------------- groups and staff
def groups_staff(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Room visits by vulnerable groups and mode; customer managers; utilisation.

    Returns
    -------
    dict
        ``n_visits``, ``n_vulnerable`` (elderly, disabled, military families, low-income),
        ``n_home_visits``; ``by_group`` DataFrame (month_on, customer_group, n_visits);
        ``by_mode`` DataFrame (month_on, mode, n_visits); ``n_managers``,
        ``n_former_meter_readers``, ``share_former_meter_readers``;
        ``visits_per_manager_day`` (visits on open days / manager-days);
        ``weekday`` DataFrame (weekday 1..7, n_open_days, n_manager_days, n_visits,
        visits_per_open_day, visits_per_manager_day).
    """
    vis = _q(con, "visits", filters)
    vulnerable = set(settings.VULNERABLE_GROUPS)
    by_group = vis.groupby(["month_on", "customer_group"], as_index=False)["n_visits"].sum()
    by_mode = vis.groupby(["month_on", "mode"], as_index=False)["n_visits"].sum()
    st_ = _q(con, "staff", filters).iloc[0]
    wk = _q(con, "room_weekday", filters)
    wk["visits_per_open_day"] = wk["n_visits"] / wk["n_open_days"].where(wk["n_open_days"] > 0)
    wk["visits_per_manager_day"] = wk["n_visits"] / wk["n_manager_days"].where(wk["n_manager_days"] > 0)
    n_mgr = int(st_["n_managers"] or 0)
    n_fmr = int(st_["n_former_meter_readers"] or 0)
    return {
        "n_visits": int(vis["n_visits"].sum()),
        "n_vulnerable": int(vis.loc[vis["customer_group"].isin(vulnerable), "n_visits"].sum()),
        "n_home_visits": int(vis.loc[vis["mode"] == "home_visit", "n_visits"].sum()),
        "by_group": by_group,
        "by_mode": by_mode,
        "n_managers": n_mgr,
        "n_former_meter_readers": n_fmr,
        "share_former_meter_readers": _ratio(n_fmr, n_mgr),
        "visits_per_manager_day": _ratio(wk["n_visits"].sum(), wk["n_manager_days"].sum()),
        "weekday": wk,
    }


# ---------------------------------------------------------------- community
def community_profile(
    con: duckdb.DuckDBPyConnection, community_id: str, filters: Filters | None = None
) -> dict[str, Any]:
    """One community: facts, rooms serving it, and its monthly activity.

    Returns
    -------
    dict
        ``info`` (dict of community facts, or None if unknown), ``rooms`` DataFrame
        (room_id, room_name, opened_on, closed_on, open_days, open_hours, managers),
        ``monthly`` DataFrame (month_on, n_tickets, n_hotline, n_faults, n_visits).
    """
    filters = filters or Filters()
    info = query(con, "metrics/community_info", {"community_id": community_id})
    monthly = query(con, "metrics/community_monthly", {
        "community_id": community_id, "date_from": filters.date_from, "date_to": filters.date_to})
    if info.empty:
        return {"info": None, "rooms": info, "monthly": monthly}
    facts = info.iloc[0][["community_id", "name", "district", "kind", "households", "population",
                          "elderly", "disabled", "wave", "first_opened_on"]].to_dict()
    rooms = info[info["room_id"].notna()][
        ["room_id", "room_name", "opened_on", "closed_on", "open_days", "open_hours", "managers"]
    ].reset_index(drop=True)
    return {"info": facts, "rooms": rooms, "monthly": monthly}


# ---------------------------------------------------------------- overview
OVERVIEW_KPIS: tuple[tuple[str, str], ...] = (
    ("counter_transactions_per_month", "offload"),
    ("offload_share", "offload"),
    ("hall_wait_mean_min", "waiting"),
    ("hall_wait_p90_min", "waiting"),
    ("share_within_target", "waiting"),
    ("hotline_per_1k_households", "hotline"),
    ("restoration_hours", "faults"),
    ("vulnerable_visits_per_month", "groups_staff"),
)
"""(KPI key, page it links to), in display order."""

NEW_SERVICE_KPIS: frozenset[str] = frozenset({"offload_share", "vulnerable_visits_per_month"})
"""KPIs whose baseline is zero by construction: there were no rooms before the first
opening, so no room visit and no offload. Their "change" is the whole new service, and
the Overview shows them as new services, not as changes."""

CAUSAL_OUTCOMES: dict[str, str] = {
    "counter_transactions_per_month": "counter_visits_per_1k_households",
    "hall_wait_mean_min": "hall_wait_mean_min",
    "hotline_per_1k_households": "hotline_per_1k_households",
    "restoration_hours": "restoration_hours",
}
"""KPI -> the causal estimate (:data:`dashboard.analysis.effects.OUTCOMES`) that answers
the same question against communities not yet served; shown beside the plain change."""


def openings(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[dt.date]:
    """First days of the months in which communities in scope got their first room (the
    markers on every time axis), within the date range when one is set."""
    df = _q(con, "openings", filters)
    return [_as_date(d) for d in df["month_on"]]


def _first_opening(con: duckdb.DuckDBPyConnection, filters: Filters) -> dt.date | None:
    row = _q(con, "first_opening", filters).iloc[0]
    return _as_date(row["first_opened_on"])


def _kpi_values(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, float | None]:
    """The Overview KPIs over one window (the lean query set: no chart data)."""
    tt = _q(con, "ticket_totals", f)  # per service type: all and offloadable
    hist = _q(con, "wait_hist", f)
    ts = _summary(_totals_row(tt), hist["wait_bin"].to_numpy(), hist["n"].to_numpy(),
                  settings.TARGETS.wait_target_min)
    days = _period_days(f, ts["first_day_on"], ts["last_day_on"])
    months = None if days is None else days / DAYS_PER_MONTH
    off = set(settings.OFFLOADABLE_TYPES)
    counter = float(tt.loc[tt["service_type"].isin(off), "n_served"].sum())
    vis = _q(con, "visits", f)
    room = float(vis.loc[vis["service_type"].isin(off), "n_visits"].sum())
    hm = _q(con, "hotline_per_1k_month", f)
    hm_s = hm.groupby(["month_on", "status"], as_index=False).agg(
        households=("households", "first"), n_orders=("n_orders", "sum"))
    fm = _faults_monthly(con, f, settings.TARGETS)
    n_vul = float(vis.loc[vis["customer_group"].isin(settings.VULNERABLE_GROUPS), "n_visits"].sum())
    return {
        "counter_transactions_per_month": _ratio(ts["n_served"], months),
        "offload_share": _ratio(room, counter + room),
        "hall_wait_mean_min": ts["wait_mean_min"],
        "hall_wait_p90_min": ts["wait_p90_min"],
        "share_within_target": ts["share_within_target"],
        "hotline_per_1k_households": _ratio(hm_s["n_orders"].sum() * 1000.0, hm_s["households"].sum()),
        "restoration_hours": _ratio(fm["sum_restore_h"].sum(), fm["n_restored"].sum()),
        "vulnerable_visits_per_month": _ratio(n_vul, months),
    }


def overview_kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Headline KPIs of the latest 12 months in the range against the year before the
    first room opened (in the filters' districts and waves).

    The *current* window is the last 365 days of the selected range (ending at the
    range's end or the last day with data); the *baseline* is the 365 days before the
    first room opening, clipped to the first day with data (no baseline when no data
    precede the opening). Both carry the district, hall, wave and service-type filters.
    Counts are per month (days / 30.44) so windows of any length compare.

    Returns
    -------
    dict
        ``current`` and ``baseline`` ((from, to) dates or None), ``first_opened_on``, and
        ``kpis`` DataFrame (key, page, value, baseline, change, change_pct, new_service)
        in :data:`OVERVIEW_KPIS` order; ``new_service`` marks :data:`NEW_SERVICE_KPIS`.
    """
    span = data_span(con)
    end = min(d for d in (filters.date_to, span["last_on"]) if d is not None) if (
        filters.date_to or span["last_on"]) else None
    start = None
    if end is not None:
        start = end - dt.timedelta(days=364)
        lo = filters.date_from or span["first_on"]
        if lo is not None and lo > start:
            start = lo
    current_f = replace(filters, date_from=start, date_to=end)
    cur = _kpi_values(con, current_f)
    first = _first_opening(con, filters)
    base: dict[str, float | None] = dict.fromkeys(cur)
    base_range = None
    if first is not None:
        # the year before the first opening, clipped to the days that have data, so a
        # baseline shorter than a year is not diluted by months with no exports
        base_from = first - dt.timedelta(days=365)
        if span["first_on"] is not None and span["first_on"] > base_from:
            base_from = span["first_on"]
        base_to = first - dt.timedelta(days=1)
        if base_from <= base_to:
            base_range = (base_from, base_to)
            base = _kpi_values(con, replace(filters, date_from=base_from, date_to=base_to))
    rows = []
    for key, page in OVERVIEW_KPIS:
        v, b = cur[key], base[key]
        change = None if v is None or b is None else v - b
        rows.append({"key": key, "page": page, "value": v, "baseline": b, "change": change,
                     "change_pct": _ratio(change, b) if b else None, "new_service": key in NEW_SERVICE_KPIS})
    return {
        "current": (start, end) if end is not None else None,
        "baseline": base_range,
        "first_opened_on": first,
        "kpis": pd.DataFrame(rows, columns=["key", "page", "value", "baseline", "change", "change_pct",
                                            "new_service"]),
    }


# ---------------------------------------------------------------- CLI
def cli_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """The ``servicecircle metrics --json`` object.

    Returns
    -------
    dict
        ``hall_tickets`` (tickets issued), ``hall_transactions`` (served),
        ``hall_wait_mean_min``, ``hall_wait_median_min``, ``hall_wait_p90_min``,
        ``hall_wait_max_min``, ``share_within_target``, ``no_show_rate``, ``cancel_rate``,
        ``hotline_orders``, ``room_visits``, ``offload_share``, and ``overview``: {KPI key:
        {value, baseline, change, change_pct, new_service}} with ``overview_current`` /
        ``overview_baseline`` periods (ISO dates).
    """
    ts = ticket_summary(con, filters)
    hl = _q(con, "hotline_totals", filters)
    vis = _q(con, "visits", filters)
    ov = overview_kpis(con, filters)

    def iso(p):
        return None if p is None else [None if d is None else d.isoformat() for d in p]

    return {
        "hall_tickets": ts["n_tickets"],
        "hall_transactions": ts["n_served"],
        "hall_wait_mean_min": ts["wait_mean_min"],
        "hall_wait_median_min": ts["wait_median_min"],
        "hall_wait_p90_min": ts["wait_p90_min"],
        "hall_wait_max_min": ts["wait_max_min"],
        "share_within_target": ts["share_within_target"],
        "no_show_rate": ts["no_show_rate"],
        "cancel_rate": ts["cancel_rate"],
        "hotline_orders": int(hl["n_orders"].sum()) if len(hl) else 0,
        "room_visits": int(vis["n_visits"].sum()),
        "offload_share": offload(con, filters)["share"],
        "overview_current": iso(ov["current"]),
        "overview_baseline": iso(ov["baseline"]),
        "overview": {
            r["key"]: {**{k: _num(r[k]) for k in ("value", "baseline", "change", "change_pct")},
                       "new_service": bool(r["new_service"])}
            for _, r in ov["kpis"].iterrows()
        },
    }
