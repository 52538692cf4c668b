"""Global filters: URL round trip, SQL parameters, clamping to the data's span."""

from __future__ import annotations

import datetime as dt

from dashboard.analysis.filters import Filters

D = dt.date


def test_query_string_round_trip():
    f = Filters(D(2024, 1, 1), D(2024, 6, 30), ("路南区",), ("H1", "H2"), ("2024Q1",), ("payment",))
    assert Filters.from_query(f.to_query()) == f
    assert Filters.from_query({"from": "not-a-date"}) == Filters()


def test_empty_selection_binds_null():
    p = Filters().params()
    assert p["districts"] is None and p["date_from"] is None
    assert Filters(hall_ids=("H1",)).params()["hall_ids"] == ["H1"]


def test_dates_outside_the_data_are_clamped():
    lo, hi = D(2023, 1, 1), D(2024, 12, 31)
    f = Filters(D(2020, 5, 1), D(2030, 1, 1), districts=("A",)).clamped(lo, hi)
    assert (f.date_from, f.date_to, f.districts) == (lo, hi, ("A",))
    # both ends past the data: both clamp to the last day
    f = Filters(D(2025, 2, 1), D(2025, 3, 1)).clamped(lo, hi)
    assert (f.date_from, f.date_to) == (hi, hi)
    # crossed ends are put back in order; open ends stay open
    f = Filters(D(2024, 6, 1), D(2024, 2, 1)).clamped(lo, hi)
    assert (f.date_from, f.date_to) == (D(2024, 2, 1), D(2024, 6, 1))
    assert Filters(date_to=D(2024, 2, 1)).clamped(lo, hi).date_from is None
