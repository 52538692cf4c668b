"""The pandas side of the metric tests on the ``small`` warehouse (tests/metrics/conftest.py).

The fixed facts of that warehouse (each community's roll-out wave and district, each
hall's district) and the global filters (:class:`dashboard.analysis.filters.Filters`)
applied to the frames that were written, never to a rollup.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.filters import Filters

WAVES = {"C1": "2024Q1", "C2": "2024Q1", "C3": "2024Q3", "C4": "none"}
HALL_DISTRICT = {"H1": "D1", "H2": "D2"}
COMM_DISTRICT = {"C1": "D1", "C2": "D1", "C3": "D2", "C4": "D2"}
HOUSEHOLDS = {"C1": 1000, "C2": 500, "C3": 2000, "C4": 250}


def in_range(day: pd.Series, f: Filters) -> pd.Series:
    """Rows whose day lies in the filter's date range (inclusive; open ends)."""
    keep = pd.Series(True, index=day.index)
    if f.date_from:
        keep &= day >= f.date_from
    if f.date_to:
        keep &= day <= f.date_to
    return keep


def tickets(small: dict, f: Filters) -> pd.DataFrame:
    """The counter tickets the filters select (district = the hall's, wave = the community's)."""
    t = small["tickets"]
    keep = in_range(t["issued_at"].dt.date, f)
    if f.districts:
        keep &= t["hall_id"].map(HALL_DISTRICT).isin(f.districts)
    if f.hall_ids:
        keep &= t["hall_id"].isin(f.hall_ids)
    if f.waves:
        keep &= t["community_id"].map(WAVES).isin(f.waves)
    if f.service_types:
        keep &= t["service_type"].isin(f.service_types)
    return t[keep].copy()


def by_community(df: pd.DataFrame, time_col: str, f: Filters, *, service_types: bool = False) -> pd.DataFrame:
    """Rows of ``df`` in the date range whose community is in the district / wave filter
    (and, with ``service_types``, of the filter's service types)."""
    keep = in_range(df[time_col].dt.date, f)
    if f.districts:
        keep &= df["community_id"].map(COMM_DISTRICT).isin(f.districts)
    if f.waves:
        keep &= df["community_id"].map(WAVES).isin(f.waves)
    if service_types and f.service_types:
        keep &= df["service_type"].isin(f.service_types)
    return df[keep]
