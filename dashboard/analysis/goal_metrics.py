"""Measures of the seed goals that had no place on a page: complaint timeliness, the
rooms' reach among elderly and disabled residents, home visits per manager, room
resolution rates, counter handling time and appointment share, hotline subcategories.

Complaint timeliness
--------------------
The service standard (spec, ``settings.TARGETS``): contact the customer within 1 working
day of a complaint, reply within 7 working days. The exports carry one closing time per
order (``closed_at``: 归档 / 办结 时间), so a complaint is *replied in time* when it was
closed within ``complaint_reply_days`` working days; and *contacted in time for sure* when
it was closed within ``complaint_contact_days`` working day (a reply is a contact; a
contact before a later closing leaves no trace, so this share is a lower bound).

Working days: a complaint received on a day off counts as received on the next working
day; it is within N working days when at most N working days lie after that day up to
and including the closing day (closed on the receipt day, or on one of the next N working
days). Working days are Monday to Friday: the code has no calendar of Chinese public holidays or of the
weekends worked in their place (调休), so a holiday counts as a working day and a worked
weekend as a day off. Pass ``holidays=`` to :func:`complaint_timeliness` to use one.
Orders not closed are counted apart (neither in time nor late).

Reach
-----
Distinct customers (户号 hashes) of room visits by the elderly or disabled groups,
divided by the elderly + disabled residents of the community (``communities.elderly +
communities.disabled``). A visit without a 户号 cannot be counted as a person, so the
reach is a lower bound when 户号 is missing; the count of such visits is returned.
Military families and low-income households (低保户) are not in the denominator:
communities record no count of them.

Public API: :func:`complaint_timeliness`, :func:`within_working_days`,
:func:`vulnerable_reach`, :func:`room_service`, :func:`counter_handling`,
:func:`hotline_subcategories`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import settings, warehouse
from dashboard.analysis.filters import Filters

__all__ = [
    "complaint_timeliness",
    "counter_handling",
    "hotline_subcategories",
    "room_service",
    "vulnerable_reach",
    "within_working_days",
]


def _q(con: duckdb.DuckDBPyConnection, name: str, filters: Filters | None) -> pd.DataFrame:
    return warehouse.query(con, f"outcomes/{name}", (filters or Filters()).params())


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def within_working_days(
    received_at: pd.Series, closed_at: pd.Series, days: int, holidays: Sequence[Any] = ()
) -> np.ndarray:
    """Whether each order was closed within ``days`` working days of its receipt.

    Parameters
    ----------
    received_at, closed_at
        Timestamps (``closed_at`` NaT: not closed, gives ``False``).
    days
        Working days allowed after the day of receipt.
    holidays
        Extra days off (dates); weekends are always off.

    Returns
    -------
    numpy.ndarray of bool
    """
    rec = pd.to_datetime(received_at).to_numpy().astype("datetime64[D]")
    clo = pd.to_datetime(closed_at).to_numpy()
    closed = ~np.isnat(clo)
    out = np.zeros(len(rec), dtype=bool)
    if closed.any():
        hol = np.array([np.datetime64(pd.Timestamp(h).date(), "D") for h in holidays], dtype="datetime64[D]")
        start = np.busday_offset(rec[closed], 0, roll="forward", holidays=hol)
        one = np.timedelta64(1, "D")
        # working days in (start, closing day]; negative when closed before start (in time)
        n = np.busday_count(start + one, clo[closed].astype("datetime64[D]") + one, holidays=hol)
        out[closed] = n <= days
    return out


def complaint_timeliness(
    con: duckdb.DuckDBPyConnection,
    filters: Filters | None = None,
    targets: settings.Targets | None = None,
    holidays: tuple[Any, ...] = (),
) -> dict[str, Any]:
    """Complaints against the contact and reply standards (rule in the module docstring).

    Returns
    -------
    dict
        ``n_complaints``, ``n_closed``, ``n_open`` (not closed), ``n_contact_in_time``,
        ``n_reply_in_time``, ``share_contact_in_time`` and ``share_reply_in_time`` (of the
        closed ones; ``None`` when none), ``contact_days``, ``reply_days``.
    """
    tg = targets or settings.TARGETS
    df = _q(con, "complaint_orders", filters)
    closed = df["closed_at"].notna().to_numpy()
    contact = within_working_days(df["received_at"], df["closed_at"], tg.complaint_contact_days, holidays)
    reply = within_working_days(df["received_at"], df["closed_at"], tg.complaint_reply_days, holidays)
    n_closed = int(closed.sum())
    return {
        "n_complaints": len(df),
        "n_closed": n_closed,
        "n_open": int(len(df) - n_closed),
        "n_contact_in_time": int(contact.sum()),
        "n_reply_in_time": int(reply.sum()),
        "share_contact_in_time": _ratio(contact.sum(), n_closed),
        "share_reply_in_time": _ratio(reply.sum(), n_closed),
        "contact_days": tg.complaint_contact_days,
        "reply_days": tg.complaint_reply_days,
    }


def vulnerable_reach(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> dict[str, Any]:
    """Distinct elderly and disabled customers served, over elderly + disabled residents.

    Returns
    -------
    dict
        ``reach`` (all selected communities with a resident count: their customers over
        their residents; ``None`` without residents), ``n_customers``, ``n_residents``,
        ``by_community`` DataFrame (community_id, name, n_residents, n_customers, n_visits,
        reach).
    """
    df = _q(con, "vulnerable_reach", filters)
    df["reach"] = df["n_customers"] / df["n_residents"].where(df["n_residents"] > 0)
    known = df["n_residents"].notna()
    n_res = float(df.loc[known, "n_residents"].sum())
    n_cus = int(df.loc[known, "n_customers"].sum())
    return {
        "reach": _ratio(n_cus, n_res),
        "n_customers": n_cus,
        "n_residents": int(n_res),
        "by_community": df,
    }


def room_service(
    con: duckdb.DuckDBPyConnection, filters: Filters | None, n_home_visits: int, n_managers: int
) -> dict[str, Any]:
    """Room resolution rates and home visits per customer manager.

    Parameters
    ----------
    n_home_visits, n_managers
        From :func:`dashboard.analysis.metrics.groups_staff` (the same filters).

    Returns
    -------
    dict
        ``resolution_rate`` (resolved / visits over all rooms), ``by_room`` DataFrame
        (room_id, name, n_visits, n_resolved, resolution_rate), ``home_visits_per_manager``.
    """
    rooms = _q(con, "room_resolution", filters)
    return {
        "resolution_rate": _ratio(rooms["n_resolved"].sum(), rooms["n_visits"].sum()),
        "by_room": rooms,
        "home_visits_per_manager": _ratio(n_home_visits, n_managers),
    }


def counter_handling(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> dict[str, Any]:
    """Counter handling time (finished_at - started_at) and the share of tickets taken by
    appointment.

    Returns
    -------
    dict
        ``handle_mean_min``, ``appointment_share``, ``n_tickets``; ``by_type`` DataFrame
        (service_type, n_tickets, n_handled, handle_mean_min, appointment_share).
    """
    df = _q(con, "counter_handling", filters)
    df["handle_mean_min"] = df["sum_handle_s"] / 60.0 / df["n_handled"].where(df["n_handled"] > 0)
    df["appointment_share"] = df["n_appointment"] / df["n_tickets"].where(df["n_tickets"] > 0)
    return {
        "handle_mean_min": _ratio(df["sum_handle_s"].sum() / 60.0, df["n_handled"].sum()),
        "appointment_share": _ratio(df["n_appointment"].sum(), df["n_tickets"].sum()),
        "n_tickets": int(df["n_tickets"].sum()),
        "by_type": df[["service_type", "n_tickets", "n_handled", "handle_mean_min", "appointment_share"]],
    }


def hotline_subcategories(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pd.DataFrame:
    """95598 orders by category and subcategory: ``category, subcategory, n_orders,
    share_of_category``."""
    df = _q(con, "hotline_subcategory", filters)
    df["share_of_category"] = df["n_orders"] / df.groupby("category")["n_orders"].transform("sum")
    return df
