"""Configuration of the synthetic demo city: its size, its rates and its true effects.

Everything the generator draws from lives here, so a test or a benchmark can build a
city of a known shape (``tiny`` for tests, ``small`` by default, ``city`` for the
benchmarks) and the effect estimator can be checked against the effects chosen here
(written to ``data/demo/truth.json`` by :mod:`dashboard.demo.build`).

Units
-----
Rates are per 1,000 households per month (the units of the effect panels in
``queries/effects``); times are minutes unless the name says otherwise; distances are
metres in a local plane around the city centre (converted to WGS-84 on export).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

CENTRE_LON: float = 118.18
"""Tangshan (唐山) city centre, WGS-84 longitude."""
CENTRE_LAT: float = 39.63
"""Tangshan city centre, WGS-84 latitude."""

# the ticket taxonomy in a fixed order: codes are indices into this tuple
TICKET_TYPES: tuple[str, ...] = (
    "payment", "query", "consultation", "fault_report", "application",
    "agency", "complaint", "promotion", "other",
)
TICKET_SHARE: tuple[float, ...] = (0.30, 0.12, 0.15, 0.05, 0.12, 0.10, 0.03, 0.01, 0.12)
"""Share of each ticket type in a hall's demand before any room opens."""
HANDLING_MIN: tuple[float, ...] = (3.5, 4.0, 6.0, 7.0, 16.0, 10.0, 12.0, 3.0, 5.0)
"""Mean handling time at the counter per ticket type, minutes (log-normal, sigma 0.5)."""
OFFLOADABLE: tuple[str, ...] = ("payment", "query", "consultation", "fault_report", "agency")
"""Types a room takes over from the counter (spec: offloadable)."""

HOTLINE_CATEGORIES: tuple[str, ...] = (
    "consultation", "fault_repair", "complaint", "report", "opinion",
    "praise", "service_request", "reminder",
)
HOTLINE_RATE: tuple[float, ...] = (14.0, 12.0, 1.5, 0.3, 1.0, 0.5, 6.0, 1.7)
"""95598 orders per 1,000 households per month by category (urban; faults x1.4 rural)."""


@dataclass(frozen=True)
class TrueEffects:
    """What a service room does to the communities it serves, at full ramp.

    Each effect ramps up linearly from 0 on the opening day to its full size
    ``ramp_months`` months later and stays there.

    Attributes
    ----------
    counter_rel
        Relative change of the counter tickets of the offloadable types (the other
        types are unchanged): each such ticket goes to the room instead with this
        probability (times the ramp).
    hotline_rel
        Relative change of the 95598 orders per category (pairs ``(category, rel)``;
        categories not named are unchanged).
    restoration_min
        Change of a fault's restoration time (``restored_at - received_at``), minutes.
    ramp_months
        Months from opening until the effects reach full size.
    """

    counter_rel: float = -0.25
    hotline_rel: tuple[tuple[str, float], ...] = (
        ("consultation", -0.30), ("fault_repair", -0.10), ("complaint", -0.15),
    )
    restoration_min: float = -20.0
    ramp_months: float = 6.0

    def hotline(self, category: str) -> float:
        """Relative effect on one hotline category (0 when not named)."""
        return dict(self.hotline_rel).get(category, 0.0)


@dataclass(frozen=True)
class District:
    """One district (区) or county: an urban core of compounds and a ring of villages.

    Attributes
    ----------
    code
        Six-digit administrative code (e.g. ``130202`` 路南区).
    name
        District name.
    rows, cols
        Urban core: a grid of ``rows x cols`` blocks, one gated compound (社区) each.
    villages
        Number of villages (村) around the core.
    offset_km
        Position of the district centre relative to the city centre (east, north), km.
    halls
        Business halls in this district.
    """

    code: str
    name: str
    rows: int
    cols: int
    villages: int
    offset_km: tuple[float, float]
    halls: int


@dataclass(frozen=True)
class DemoConfig:
    """A demo city: its districts, its period, its rates and its true effects.

    Attributes
    ----------
    scale
        Name of the scale (``tiny``, ``small``, ``city``).
    districts
        The districts (see :class:`District`).
    start
        First day of the data window.
    months
        Length of the window in months.
    first_wave_month
        Month (0-based from ``start``) of the first quarterly wave of rooms.
    n_waves
        Number of quarterly waves.
    room_share
        Share of communities that get a room of their own.
    neighbour_share
        Probability that a room also serves a neighbouring community without a room.
    block_m
        Side of an urban block (one compound), metres.
    compound_grid
        Internal path grid of a compound (``k x k`` nodes).
    road_step_m
        Spacing of nodes along the primary roads, metres.
    rural_step_m
        Spacing of nodes along the country roads, metres.
    river_gap_m
        Width of the river strip, metres; the river is crossed only at ``bridges``.
    bridges
        Number of bridges per district.
    households_factor
        Multiplies every community's households (``tiny`` uses less).
    ticket_rate
        Counter tickets per 1,000 households per month before any room (urban).
    rural_ticket_factor
        Rural ticket rate relative to urban.
    payment_trend_per_year
        Relative yearly change of payment tickets (online payment takes over; a common
        trend the estimator must not mistake for an effect).
    hall_util
        Offered load per counter in the busiest half hour of an average baseline
        weekday (above 1: queues build in the peaks and drain at lunch and in the
        evening); sets the fixed number of counters per hall.
    hotline_factor
        Multiplies :data:`HOTLINE_RATE`.
    counterfactual_queue
        Also run the queue without rooms (for the truth of the waiting time).
    effects
        The true effects.
    """

    scale: str
    districts: tuple[District, ...]
    start: dt.date
    months: int
    first_wave_month: int
    n_waves: int
    room_share: float = 0.5
    neighbour_share: float = 0.3
    block_m: float = 600.0
    compound_grid: int = 6
    road_step_m: float = 150.0
    river_gap_m: float = 180.0
    rural_step_m: float = 300.0
    bridges: int = 2
    households_factor: float = 1.0
    ticket_rate: float = 220.0
    rural_ticket_factor: float = 1.15
    payment_trend_per_year: float = -0.12
    hall_util: float = 1.65
    hotline_factor: float = 1.0
    counterfactual_queue: bool = True
    effects: TrueEffects = field(default_factory=TrueEffects)

    @property
    def end(self) -> dt.date:
        """Last day of the window (inclusive)."""
        y, m = divmod(self.start.month - 1 + self.months, 12)
        return dt.date(self.start.year + y, m + 1, 1) - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days + 1


_LUNAN = District("130202", "路南区", rows=7, cols=8, villages=24, offset_km=(0.0, 0.0), halls=4)

SCALES: dict[str, DemoConfig] = {
    # tests only: a handful of communities, one hall, nine months
    "tiny": DemoConfig(
        scale="tiny",
        districts=(District("130202", "路南区", rows=3, cols=3, villages=4, offset_km=(0.0, 0.0), halls=1),),
        start=dt.date(2024, 1, 1),
        months=9,
        first_wave_month=2,
        n_waves=2,
        compound_grid=4,
        households_factor=0.25,
    ),
    # default: one district, ~80 communities, 4 halls, ~40 rooms, 2 years, ~1M tickets
    "small": DemoConfig(
        scale="small",
        districts=(_LUNAN,),
        start=dt.date(2023, 1, 1),
        months=24,
        first_wave_month=6,
        n_waves=5,
    ),
    # benchmarks: ~1,500 communities and villages, ~40 halls, ~800 rooms, 3 years
    "city": DemoConfig(
        scale="city",
        districts=(
            District("130202", "路南区", 7, 8, 24, (0.0, 0.0), 4),
            District("130203", "路北区", 8, 9, 20, (0.0, 9.0), 5),
            District("130204", "古冶区", 5, 6, 50, (26.0, 6.0), 2),
            District("130205", "开平区", 5, 6, 60, (12.0, 5.0), 2),
            District("130207", "丰南区", 6, 7, 100, (-4.0, -16.0), 3),
            District("130208", "丰润区", 6, 7, 100, (-12.0, 20.0), 3),
            District("130209", "曹妃甸区", 5, 6, 90, (22.0, -42.0), 3),
            District("130224", "滦南县", 4, 5, 105, (34.0, -28.0), 3),
            District("130225", "乐亭县", 4, 5, 105, (56.0, -34.0), 3),
            District("130227", "迁西县", 4, 4, 95, (12.0, 62.0), 2),
            District("130229", "玉田县", 4, 5, 90, (-40.0, 18.0), 3),
            District("130281", "遵化市", 4, 5, 95, (-22.0, 56.0), 3),
            District("130283", "迁安市", 4, 5, 90, (36.0, 44.0), 2),
            District("130284", "滦州市", 4, 5, 90, (32.0, 14.0), 2),
        ),
        start=dt.date(2022, 1, 1),
        months=36,
        first_wave_month=6,
        n_waves=9,
        room_share=0.53,
        ticket_rate=265.0,
        compound_grid=10,
        rural_step_m=28.0,
        counterfactual_queue=True,
    ),
}


def get_config(scale: str = "small", **overrides) -> DemoConfig:
    """The configuration of a named scale, with fields replaced by ``overrides``.

    Parameters
    ----------
    scale
        ``tiny`` (tests), ``small`` (default) or ``city``.
    **overrides
        Any :class:`DemoConfig` field, e.g. ``effects=TrueEffects(counter_rel=0)``.

    Raises
    ------
    KeyError
        For an unknown scale, naming the known ones.
    """
    try:
        cfg = SCALES[scale]
    except KeyError:
        raise KeyError(f"unknown demo scale {scale!r}; expected one of {', '.join(SCALES)}") from None
    return replace(cfg, **overrides) if overrides else cfg
