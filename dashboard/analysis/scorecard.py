"""The rooms' scorecard (考核): each room's month against its targets, and the breaches.

For every service room and calendar month (``queries/scorecard/room_month.sql``):

* ``visits`` and ``visits_per_open_day`` (visits / scheduled open days; open days come
  from the room's ``open_days`` between ``opened_on`` and ``closed_on``);
* ``vulnerable_share`` (visits by :data:`settings.VULNERABLE_GROUPS` / visits),
  ``home_visits``, ``resolution_rate`` (resolved on the spot / visits);
* ``closed_day_visits`` (visits on a day the room was not scheduled open) and
  ``idle_open_days`` (scheduled open days with no visit at all) -- both count every
  visit, whatever the service-type filter;
* ``households_per_manager`` (households of the served communities / the customer
  managers the staff ledger assigns to the room at the month's end);
* ``coverage_share``: households of the served communities within the default walk
  (:data:`settings.WALK_MINUTES` at :data:`settings.WALK_SPEED_M_S`) of any room open on
  the month's last day (:func:`dashboard.coverage.engine.compute`, once per distinct set
  of open rooms).

Each is held against its target in :class:`settings.RoomTargets` (``*_min``: at least,
``*_max``: at most). Monthly counts (visits, home visits) are judged only in whole
months the room was open and the data cover; a value that cannot be computed (no open
day, no visit, no manager, no street network) is not judged. A *breach* is a target
missed in the scorecard month; it runs *since* the first month of the unbroken run of
missed months that ends there (months not judged neither break nor start a run).

The scorecard month defaults to the last whole month of data within the filters' end
date. The district and wave filters select rooms by their own community; the
service-type filter applies to the visit counts. The ledger records no manager on a
visit, so the per-manager rows share their room's figures among its managers.

Public API: :data:`METRICS`, :func:`room_months`, :func:`room_coverage`, :func:`judge`,
:func:`breach_since`, :func:`scorecard`, :func:`default_month`, :func:`page_scorecard`,
:func:`as_json` (the ``servicecircle scorecard --json`` object).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import settings, warehouse
from dashboard.analysis.filters import Filters

__all__ = [
    "METRICS",
    "as_json",
    "breach_since",
    "default_month",
    "judge",
    "months_available",
    "page_scorecard",
    "room_coverage",
    "room_months",
    "scorecard",
]

METRICS: tuple[str, ...] = (
    "visits", "visits_per_open_day", "vulnerable_share", "home_visits", "resolution_rate",
    "closed_day_visits", "idle_open_days", "households_per_manager", "coverage_share",
)
"""Scorecard metrics in display order; each has one target ``<metric>_min`` or ``_max``."""

WHOLE_MONTH_ONLY: frozenset[str] = frozenset({"visits", "home_visits"})
"""Monthly counts, judged only in whole months."""


def target_key(metric: str) -> str:
    """The :class:`settings.RoomTargets` field of ``metric`` (``visits`` -> ``visits_min``)."""
    for suffix in ("_min", "_max"):
        if hasattr(settings.ROOM_TARGETS, metric + suffix):
            return metric + suffix
    raise KeyError(metric)


def _div(num: pd.Series, den: pd.Series) -> pd.Series:
    return num.astype(float) / den.astype(float).where(den > 0)


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def default_month(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> dt.date | None:
    """The last whole calendar month of data up to the filters' end date (first day)."""
    span = warehouse.query(con, "metrics/data_span").iloc[0]
    last = span["last_on"]
    if last is None or pd.isna(last):
        return None
    last = pd.Timestamp(last).date()
    if filters is not None and filters.date_to is not None and filters.date_to < last:
        last = filters.date_to
    nxt = last + dt.timedelta(days=1)
    if nxt.month != last.month:  # the month ends on ``last``: it is whole
        return _month_start(last)
    return _month_start(_month_start(last) - dt.timedelta(days=1))


def months_available(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> list[dt.date]:
    """Months a scorecard can be drawn for, latest first: from the first month with data
    to :func:`default_month`."""
    last = default_month(con, filters)
    first = warehouse.query(con, "metrics/data_span").iloc[0]["first_on"]
    if last is None or first is None or pd.isna(first):
        return []
    months = pd.date_range(_month_start(pd.Timestamp(first).date()), last, freq="MS").date
    return [d for d in reversed(list(months))]


def room_months(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                month: dt.date | None = None) -> pd.DataFrame:
    """One row per room and month up to ``month``: the counts of
    ``queries/scorecard/room_month.sql`` and the metrics of :data:`METRICS` (but
    ``coverage_share``, see :func:`room_coverage`)."""
    f = filters or Filters()
    df = warehouse.query(con, "scorecard/room_month", {
        **f.params(), "month_on": month, "vulnerable": list(settings.VULNERABLE_GROUPS)})
    df["month_on"] = pd.to_datetime(df["month_on"]).dt.date
    df["visits"] = df["n_visits"].astype(float)
    df["visits_per_open_day"] = _div(df["n_visits"], df["n_open_days"])
    df["vulnerable_share"] = _div(df["n_vulnerable"], df["n_visits"])
    df["home_visits"] = df["n_home_visits"].astype(float)
    df["resolution_rate"] = _div(df["n_resolved"], df["n_visits"])
    df["closed_day_visits"] = df["n_closed_day_visits"].astype(float)
    df["idle_open_days"] = df["n_idle_days"].astype(float)
    df["households_per_manager"] = _div(df["households"], df["n_managers"].fillna(0))
    return df


def room_coverage(data: Any, rooms: pd.DataFrame, months: list[dt.date]) -> pd.DataFrame:
    """Walking coverage of each room's communities at the end of each month.

    Parameters
    ----------
    data
        :class:`dashboard.coverage.inputs.CoverageData`.
    rooms
        ``room_id``, ``community_id`` and ``served_community_ids`` (``data.rooms``).
    months
        First days of the months.

    Returns
    -------
    DataFrame
        ``room_id, month_on, households, households_covered, coverage_share``.
    """
    from dashboard.coverage import engine

    served = {}
    for r in rooms.itertuples(index=False):
        ids = set() if r.served_community_ids is None else {str(c) for c in r.served_community_ids}
        if isinstance(r.community_id, str):
            ids.add(r.community_id)
        served[r.room_id] = ids
    opened = pd.to_datetime(data.rooms["opened_on"])
    closed = pd.to_datetime(data.rooms["closed_on"])
    memo: dict[frozenset, pd.DataFrame] = {}
    out = []
    for m in months:
        end_ts = pd.Timestamp(m) + pd.offsets.MonthEnd(0)
        end = end_ts.date()
        is_open = (opened.isna() | (opened <= end_ts)) & (closed.isna() | (closed > end_ts))  # engine.compute's rule
        key = frozenset(data.rooms.loc[is_open.to_numpy(), "room_id"])
        if key not in memo:
            memo[key] = engine.compute(data, on=end).communities[["community_id", "households", "households_covered"]]
        comm = memo[key].set_index("community_id")
        for rid, ids in served.items():
            c = comm.loc[comm.index.intersection(list(ids))]
            hh, cov = float(c["households"].sum()), float(c["households_covered"].sum())
            out.append({"room_id": rid, "month_on": m, "households": hh, "households_covered": cov,
                        "coverage_share": cov / hh if hh > 0 else np.nan})
    return pd.DataFrame(out, columns=["room_id", "month_on", "households", "households_covered", "coverage_share"])


def judge(months: pd.DataFrame, targets: settings.RoomTargets | None = None) -> pd.DataFrame:
    """Each room-month's metrics against the targets.

    Returns
    -------
    DataFrame
        ``room_id, month_on, metric, value, target, ok``; ``ok`` is True (met), False
        (missed) or NA (not judged: no value, or a monthly count outside a whole month).
    """
    tg = targets or settings.ROOM_TARGETS
    parts = []
    for metric in METRICS:
        if metric not in months:
            continue
        key = target_key(metric)
        goal = float(getattr(tg, key))
        v = months[metric].astype(float)
        ok = (v >= goal) if key.endswith("_min") else (v <= goal)
        judged = v.notna()
        if metric in WHOLE_MONTH_ONLY:
            judged &= months["is_full_month"].astype(bool)
        parts.append(pd.DataFrame({
            "room_id": months["room_id"], "month_on": months["month_on"], "metric": metric,
            "value": v, "target": goal, "ok": pd.array(ok.where(judged, None), dtype="boolean"),
        }))
    cols = ["room_id", "month_on", "metric", "value", "target", "ok"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def breach_since(judged: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """The targets missed in ``month`` and since when.

    Parameters
    ----------
    judged
        From :func:`judge` (any months; later months are ignored).
    month
        The scorecard month (first day).

    Returns
    -------
    DataFrame
        ``room_id, metric, value, target, since``: one row per (room, target) missed in
        ``month``; ``since`` is the first month of the unbroken run of misses ending in
        ``month`` (months not judged are skipped; a met month ends the run).
    """
    cols = ["room_id", "metric", "value", "target", "since"]
    j = judged[(judged["month_on"] <= month) & judged["ok"].notna()].sort_values("month_on")
    rows = []
    for (room, metric), g in j.groupby(["room_id", "metric"], sort=True):
        last = g.iloc[-1]
        if last["month_on"] != month or bool(last["ok"]):
            continue
        ok = g["ok"].astype(bool).to_numpy()
        met = np.flatnonzero(ok)
        start = met[-1] + 1 if len(met) else 0
        rows.append({"room_id": room, "metric": metric, "value": last["value"], "target": last["target"],
                     "since": g["month_on"].iloc[start]})
    return pd.DataFrame(rows, columns=cols)


def scorecard(con: duckdb.DuckDBPyConnection, filters: Filters | None = None, month: dt.date | None = None,
              targets: settings.RoomTargets | None = None, *, coverage_data: Any = None,
              with_coverage: bool = True, coverage: pd.DataFrame | None = None) -> dict[str, Any]:
    """The scorecard of one month: rooms, managers, breaches.

    Parameters
    ----------
    con
        Warehouse connection.
    filters
        Global filters (districts / waves of the room's community, service types).
    month
        Any day of the scorecard month (default :func:`default_month`).
    targets
        Default: the targets in force (:func:`dashboard.analysis.room_targets.load`
        is the caller's business; here ``settings.ROOM_TARGETS``).
    coverage_data
        Loaded :class:`~dashboard.coverage.inputs.CoverageData`; read through ``con``
        when ``None`` and ``with_coverage``.
    with_coverage
        Compute ``coverage_share`` (needs the street network).
    coverage
        Precomputed :func:`room_coverage` rows (``room_id, month_on, coverage_share``)
        covering the months; used instead of computing them.

    Returns
    -------
    dict
        ``month`` (first day, or None without data), ``targets`` (dict),
        ``coverage_note`` (why coverage is missing, or None), ``rooms`` DataFrame (one row
        per room in the month: ids, counts, each metric and ``<metric>_ok``,
        ``n_breaches``), ``managers`` DataFrame (staff_hash, room_id, name, n_managers,
        visits, home_visits, households, with ``households_ok``), ``breaches`` DataFrame
        (room_id, name, metric, value, target, since), ``judged`` (every room-month).
    """
    f = filters or Filters()
    tg = targets or settings.ROOM_TARGETS
    month = _month_start(month) if month is not None else default_month(con, f)
    months = room_months(con, f, month) if month is not None else room_months(con, f).iloc[0:0]
    note = None
    if coverage is not None and len(months):
        months = months.merge(coverage[["room_id", "month_on", "coverage_share"]], on=["room_id", "month_on"],
                              how="left")
    elif with_coverage and len(months):
        try:
            from dashboard.coverage import inputs

            data = coverage_data if coverage_data is not None else inputs.read_data(con)
            cov = room_coverage(data, data.rooms[data.rooms["room_id"].isin(months["room_id"])],
                                sorted(months["month_on"].unique()))
            months = months.merge(cov[["room_id", "month_on", "coverage_share"]], on=["room_id", "month_on"],
                                  how="left")
        except Exception as exc:  # noqa: BLE001 - no street network yet: coverage not judged, said so
            note = str(exc)
    if "coverage_share" not in months:
        months["coverage_share"] = np.nan
    judged = judge(months, tg)
    names = months.drop_duplicates("room_id").set_index("room_id")["name"]
    rooms = months[months["month_on"] == month].copy() if month is not None else months
    for metric in METRICS:
        ok = judged[(judged["metric"] == metric) & (judged["month_on"] == month)].set_index("room_id")["ok"]
        rooms[f"{metric}_ok"] = pd.array(rooms["room_id"].map(ok), dtype="boolean")
    rooms["n_breaches"] = sum((rooms[f"{m}_ok"] == False).fillna(False).astype(int)
                              for m in METRICS) if len(rooms) else 0
    rooms = rooms.reset_index(drop=True)
    breaches = breach_since(judged, month) if month is not None else breach_since(judged, dt.date.min)
    breaches.insert(1, "name", breaches["room_id"].map(names))
    return {
        "month": month,
        "targets": {k: float(v) for k, v in vars(tg).items()},
        "coverage_note": note,
        "rooms": rooms,
        "managers": _managers(con, rooms, month, tg),
        "breaches": breaches.sort_values(["since", "room_id", "metric"]).reset_index(drop=True),
        "judged": judged,
    }


def _managers(con: duckdb.DuckDBPyConnection, rooms: pd.DataFrame, month: dt.date | None,
              tg: settings.RoomTargets) -> pd.DataFrame:
    """Per customer manager: their room's month shared among the room's managers."""
    end = None if month is None else (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    staff = warehouse.query(con, "scorecard/managers", {"month_end": end})
    r = rooms.set_index("room_id")
    staff = staff[staff["room_id"].isin(r.index)].copy()
    cols = ["staff_hash", "room_id", "name", "former_role", "n_managers", "visits", "home_visits", "households",
            "households_ok"]
    if staff.empty:
        return pd.DataFrame(columns=cols)
    n = staff["room_id"].map(r["n_managers"]).astype(float)
    staff["name"] = staff["room_id"].map(r["name"])
    staff["n_managers"] = n
    staff["visits"] = staff["room_id"].map(r["n_visits"]) / n
    staff["home_visits"] = staff["room_id"].map(r["n_home_visits"]) / n
    staff["households"] = staff["room_id"].map(r["households"]) / n
    staff["households_ok"] = pd.array(staff["households"] <= tg.households_per_manager_max, dtype="boolean")
    return staff.reset_index(drop=True)[cols]


@functools.lru_cache(maxsize=2)
def _coverage_cached(path: str, version: tuple[int, int, int]) -> tuple[pd.DataFrame | None, str | None]:
    """Every room's coverage in every month of the data, once per data version (filters,
    targets and the month do not change it); ``(None, why)`` without a street network."""
    from dashboard.coverage import inputs

    try:
        data = inputs.load_data(path)
    except Exception as exc:  # noqa: BLE001 - said on the page: coverage not judged
        return None, str(exc)
    con = warehouse.connect_read(path)
    try:
        months = sorted(room_months(con)["month_on"].unique())
    finally:
        con.close()
    return room_coverage(data, data.rooms, months), None


def page_scorecard(con: duckdb.DuckDBPyConnection, filters: Filters, month: dt.date | None,
                   targets: settings.RoomTargets) -> dict[str, Any]:
    """:func:`scorecard` with the rooms' coverage computed once per data version (for the
    pages, through :func:`dashboard.ui.loaders.cached_call`)."""
    coverage, why = _coverage_cached(*warehouse.versioned(None))
    sc = scorecard(con, filters, month, targets, with_coverage=False, coverage=coverage)
    if why is not None:
        sc["coverage_note"] = why
    return sc


def _plain(v: Any) -> Any:
    """A JSON value: NaN / NA -> None, dates -> ``YYYY-MM-DD``, numpy scalars -> Python."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (dt.date, pd.Timestamp)):
        return pd.Timestamp(v).date().isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _records(df: pd.DataFrame, month_cols: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict("records"):
        row = {k: _plain(v) for k, v in rec.items()}
        for c in month_cols:
            if row.get(c) is not None:
                row[c] = row[c][:7]
        out.append(row)
    return out


def as_json(sc: dict[str, Any]) -> dict[str, Any]:
    """The ``servicecircle scorecard --json`` object of a :func:`scorecard` answer.

    ``month`` as ``YYYY-MM``; ``rooms`` (one object per room: the columns of
    ``sc["rooms"]``), ``managers``, ``breaches`` (``since`` as ``YYYY-MM``), ``targets``,
    ``coverage_note``. Missing values are ``null``.
    """
    month = sc["month"]
    return {
        "month": None if month is None else month.isoformat()[:7],
        "targets": sc["targets"],
        "coverage_note": sc["coverage_note"],
        "rooms": _records(sc["rooms"], ("month_on",)),
        "managers": _records(sc["managers"]),
        "breaches": _records(sc["breaches"], ("since",)),
    }
