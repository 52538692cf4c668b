"""The briefing's inputs: raw, language-free numbers per section, as plain dataclasses.

:mod:`dashboard.report.collect` fills a :class:`BriefingInputs` from the warehouse (tests
build one by hand); :func:`dashboard.report.briefing.assemble` turns it into words and
charts. Keeping the classes here lets both import them without importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "EFFECT_OUTCOMES",
    "BriefingInputs",
    "CoverageInput",
    "EffectInput",
    "FaultsInput",
    "GroupsStaffInput",
    "HotlineInput",
    "OffloadInput",
    "PlanInput",
    "ScorecardInput",
    "WaitingInput",
]

EFFECT_OUTCOMES: dict[str, str] = {
    "offload": "counter_visits_per_1k_households",
    "waiting": "hall_wait_mean_min",
    "hotline": "hotline_per_1k_households",
    "faults": "restoration_hours",
}
"""Which causal estimate (``dashboard.analysis.effects`` outcome) backs which section."""


@dataclass
class EffectInput:
    """A staggered difference-in-differences result as the briefing needs it.

    Attributes
    ----------
    outcome
        Outcome code, e.g. ``"hotline_per_1k_households"``.
    sentences
        The estimator's own plain sentence per language (``{"zh": .., "en": ..}``);
        when the data cannot support an estimate this says so instead of a number.
    att, ci_low, ci_high, relative_effect
        Overall effect, its 95% CI and effect / counterfactual mean (``None`` when
        not estimable).
    event_study
        Columns ``event_time, att, ci_low, ci_high`` (may be ``None``).
    """

    outcome: str
    sentences: Mapping[str, str]
    att: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    relative_effect: float | None = None
    event_study: pd.DataFrame | None = None


@dataclass
class OffloadInput:
    """Offloadable transactions in rooms vs at counters.

    ``monthly`` has columns ``month`` (date, first of month), ``counter``, ``room``.
    """

    share: float | None
    room: float
    counter: float
    monthly: pd.DataFrame | None = None


@dataclass
class WaitingInput:
    """Counter waiting. ``monthly``: ``month``, ``wait_mean_min``."""

    mean_min: float | None
    within_share: float | None
    target_min: float
    monthly: pd.DataFrame | None = None


@dataclass
class HotlineInput:
    """95598 orders per 1,000 households a month. ``monthly``: ``month``, ``served``, ``not_served``."""

    served_per_1k: float | None
    not_served_per_1k: float | None
    monthly: pd.DataFrame | None = None


@dataclass
class FaultsInput:
    """Fault repair. ``monthly``: ``month``, ``restoration_h``."""

    restoration_h: float | None
    satisfaction_share: float | None
    monthly: pd.DataFrame | None = None


@dataclass
class GroupsStaffInput:
    """Room visits by customer group (``{group code: visits}``), home visits, staff."""

    by_group: Mapping[str, float]
    home_visits: float | None
    former_readers: float | None


@dataclass
class CoverageInput:
    """Five-minute walking coverage.

    Attributes
    ----------
    share, elderly_share
        Shares (0..1) of households / elderly within the walk.
    households_covered, households_total
        Counts.
    by_district
        Columns ``district``, ``share`` (0..1).
    gaps
        Communities with uncovered households, largest first: ``name``, ``district``,
        ``households_uncovered``, ``walk_m`` (NaN when no room is within reach).
    """

    share: float | None
    elderly_share: float | None
    households_covered: float
    households_total: float
    by_district: pd.DataFrame | None = None
    gaps: pd.DataFrame | None = None


@dataclass
class PlanInput:
    """Suggested new rooms. ``added``: ``site_id``, ``new_households``, ``new_elderly``."""

    share_before: float | None
    share_after: float | None
    added: pd.DataFrame


@dataclass
class ScorecardInput:
    """The rooms' scorecard month (:func:`dashboard.analysis.scorecard.scorecard`).

    ``breaches``: ``room_id, name, metric, value, target, since`` (first month of the
    run); ``targets``: the targets in force (``{key: value}``).
    """

    month: dt.date | None
    n_rooms: int
    breaches: pd.DataFrame
    targets: Mapping[str, float]


@dataclass
class BriefingInputs:
    """Everything the briefing shows, as raw numbers (language-free).

    A part is ``None`` when its analysis is missing or failed; ``reasons`` then says
    why (in words for the log, not for the page).
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    districts: tuple[str, ...] = ()
    offload: OffloadInput | None = None
    waiting: WaitingInput | None = None
    hotline: HotlineInput | None = None
    faults: FaultsInput | None = None
    groups_staff: GroupsStaffInput | None = None
    coverage: CoverageInput | None = None
    plan: PlanInput | None = None
    scorecard: ScorecardInput | None = None
    effects: dict[str, EffectInput] = field(default_factory=dict)
    map_png: bytes | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    generated_on: dt.date = field(default_factory=dt.date.today)
    demo: Mapping[str, object] | None = None
    """The warehouse's demo-data flag (:func:`dashboard.demo_flag.read`); ``None`` for real data."""
