"""Causal effect of the service rooms: staggered difference-in-differences per outcome.

Rooms open in waves, so a plain before/after comparison of served communities mixes
the room's effect with seasons and city-wide trends. A two-way fixed-effects (TWFE)
regression is not used either: under staggered timing it compares late openers with
*already treated* early openers, and when the effect grows or differs between waves
those "forbidden comparisons" get negative weights and can even flip the sign
(Goodman-Bacon 2021; ``tests/effects`` shows the bias on a simulated panel).

Method
------
Callaway & Sant'Anna (2021) group-time effects ATT(g, t), doubly robust, with
never-served *and not-yet-served* communities as controls, from the ``diff-diff``
package (pinned ``diff-diff==3.13.0``; matches R's ``did``). Inference is the
analytic influence-function standard error (the multiplier bootstrap is not needed for
pointwise 95 % intervals and costs time). Aggregations:

* overall ATT: the "simple" aggregation (average over treated community-months);
* event study: effect by months since opening (``e = 0`` is the opening month); the
  pre-opening estimates (``e < 0``, varying base period: month-on-month) are the
  parallel-trends check and should straddle 0.

Parallel trends within kind. Urban communities and villages (``communities.kind``) do not
share one trend in absolute terms: a city-wide *relative* trend (payments moving online,
-12 % a year) is a larger fall in outcome units where levels are higher, and a roll-out
that serves mostly one kind leaves the other as pure controls, whose different trend then
reads as an effect. So the comparison is made within kind (:func:`plan_strata`):

* a kind with served communities and at least ``min_control`` (:data:`MIN_CONTROL`)
  communities of its own never served in the window is one stratum, fitted on its own
  communities only (``comparison = "within_kind"``). The not-yet-served stop being
  controls as they open, so the months after a kind's last opening rest on its
  never-served communities alone: with fewer than ``min_control`` of them the kind is not
  compared within itself;
* such a kind is instead fitted against the never-served communities of *every* kind
  (its own included; ``comparison = "all_kinds"``), which assumes parallel trends across
  kinds for it: counted and said (``excluded["kind_fallback"]``), never silent;
* communities of a kind without any served community take part only in such a fallback;
  otherwise they are left out (``excluded["other_kind"]``);
* with one kind (or no kind recorded) there is one stratum of every community: exactly the
  single fit above.

The strata's estimates are combined as one estimate over their cells: the overall ATT is
the average of the strata's simple ATTs weighted by each stratum's treated
community-months in estimable post-opening cells (the simple aggregation's own weights,
so it equals a simple aggregation over the union of the strata's cells); each event time
``e`` is combined the same way with the weights of its cells. Strata are fitted on
disjoint communities, so their estimates are independent and ``se = sqrt(sum w_k^2
se_k^2)`` (weights taken as fixed). When a fallback stratum shares never-served
communities with another stratum the covariance is not known from the fits and the
standard error is the upper bound ``sum w_k se_k`` (perfect correlation). Intervals are
normal (``att ± 1.96 se``). The counterfactual mean and series use each stratum's own
ATT(g, t) on its own treated cells (the same cells as the weights). The robustness checks
(:mod:`dashboard.analysis.robustness`) combine the strata's event studies the same way,
with the covariance from the stacked influence functions (block-diagonal across disjoint
strata). ``EffectResult.strata`` lists each stratum's estimate.

Data
----
One community-month panel per outcome, built in SQL (``queries/effects/<outcome>.sql``)
with the global filters bound as ``$params``. Time unit is the calendar month; a
community's cohort is the month of its first room opening (``community_treatment``),
so the opening month counts as treated (it is partly treated: the effect there is a
little diluted). Communities served before the first month of the window have no
pre-opening months and are left out; communities first served after the window are
never-treated within it. Count outcomes are balanced panels (0 in a month without
events); mean outcomes (waits, restoration times) have no value in a month without
events. When at least 90 % of the communities are observed every month, the others
are left out and the panel estimator runs on the balanced rest (within-community
differencing); otherwise every community-month is kept and estimated on the unbalanced
panel (diff-diff's ``allow_unbalanced_panel``, R's ``allow_unbalanced_panel=TRUE``: the
repeated-cross-section estimator, valid when the months without a value are not related
to the outcome's own changes).

When the data cannot support an estimate (no data, too few months, too few served
communities, no comparison community at all because every community got its room in the
same month, too few comparison communities, no estimable group-time cell) the result
carries ``status != "ok"`` and a plain reason (zh and en: why, and what would help), and
no number.

Roll-outs seen in the field
---------------------------
Every simplification is counted and said in plain words (``EffectResult.excluded`` and
``EffectResult.caveats``), never applied silently:

* communities served at or before the first month of the window: no pre-opening month,
  left out of the served groups *and* of the controls (``served_before_window``);
* communities without a household count for a per-1,000-household outcome: no rate, left
  out (``no_households``; the panel SQL already drops them, ``community_status`` counts
  them);
* communities of the selection without any value of the outcome in the window
  (``no_data``);
* served communities that later lost every room for a while (rooms closed,
  ``lost_service``): treatment stays "first opening" (absorbing, the contract of
  ``community_treatment``), so the estimate is the effect of *having been given* a room
  (intention to treat) and may understate the effect of an open room;
* mean outcomes: communities with months without a value left out to balance the panel
  (``gappy``);
* communities of a kind without any served community, not used as comparisons
  (``other_kind``); served communities of a kind with too few never-served communities of
  its own, compared across kinds (``kind_fallback``); served communities of a kind whose
  stratum has no estimable cell (``kind_no_estimate``).

Public API: :data:`OUTCOMES`, :func:`estimate`, :func:`estimate_panel`,
:class:`EffectResult`, :func:`plan_strata`, :class:`Stratum`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from dashboard import warehouse
from dashboard.analysis import fits
from dashboard.analysis.filters import Filters
from dashboard.i18n import t

__all__ = [
    "CATEGORY_OUTCOMES",
    "METHOD",
    "MIN_CONTROL",
    "MIN_MONTHS",
    "MIN_TREATED",
    "OUTCOMES",
    "EffectResult",
    "OutcomeSpec",
    "Stratum",
    "estimate",
    "estimate_panel",
    "fmt_num",
    "fmt_pct",
    "load_panel",
    "plan_strata",
]

METHOD = "callaway_santanna_dr_not_yet_treated"
"""Method code in results and the CLI JSON (label: ``eff.method.<METHOD>``)."""

MIN_MONTHS = 6
"""Fewest months in the window for an estimate."""
MIN_TREATED = 5
"""Fewest communities first served inside the window (with pre-opening months)."""
MIN_CONTROL = 5
"""Fewest comparison communities (never served, or served later than the first wave)."""
ALPHA = 0.05
_Z = stats.norm.ppf(1 - ALPHA / 2)
BALANCE_SHARE = 0.9
"""A mean outcome's panel with gaps is cut to the communities observed every month when
they are at least this share (within-community differencing: more precise and faster);
below it the unbalanced-panel route keeps every community-month."""


@dataclass(frozen=True)
class OutcomeSpec:
    """One outcome the estimator supports.

    Attributes
    ----------
    name
        Outcome code, also the SQL file ``queries/effects/<name>.sql`` unless
        ``panel_query`` names another one.
    balanced
        ``True`` for counts (a month without events is 0), ``False`` for means.
    lower_is_better
        Direction of improvement (satisfaction: higher is better).
    panel_query
        Another outcome's SQL file read with ``fixed`` parameters (complaints per
        10,000 households are the hotline panel restricted to complaints).
    fixed
        Parameters bound on top of the filters, as ``((name, value), ...)``.
    """

    name: str
    balanced: bool
    lower_is_better: bool = True
    panel_query: str | None = None
    fixed: tuple[tuple[str, Any], ...] = ()

    @property
    def query(self) -> str:
        return f"effects/{self.panel_query or self.name}"


OUTCOMES: dict[str, OutcomeSpec] = {
    "hotline_per_1k_households": OutcomeSpec("hotline_per_1k_households", balanced=True),
    "counter_visits_per_1k_households": OutcomeSpec("counter_visits_per_1k_households", balanced=True),
    "hall_wait_mean_min": OutcomeSpec("hall_wait_mean_min", balanced=False),
    "restoration_hours": OutcomeSpec("restoration_hours", balanced=False),
    "arrival_minutes": OutcomeSpec("arrival_minutes", balanced=False),
    "satisfaction_rate": OutcomeSpec("satisfaction_rate", balanced=False, lower_is_better=False),
    "complaints_per_10k_households": OutcomeSpec(
        "complaints_per_10k_households", balanced=True, panel_query="hotline_per_1k_households",
        fixed=(("categories", ["complaint"]), ("per_households", 10000)),
    ),
}
"""The outcomes of ``servicecircle effects --outcome``."""

CATEGORY_OUTCOMES = frozenset({"hotline_per_1k_households"})
"""Outcomes whose panel can be restricted to hotline categories (``categories=``)."""

STATUS_QUERY = "effects/community_status"
"""Named query with one row per selected community (households, closures) for the
caveats; see ``queries/effects/community_status.sql``."""
PER_HOUSEHOLD = frozenset(
    {"hotline_per_1k_households", "counter_visits_per_1k_households", "complaints_per_10k_households"}
)
"""Outcomes that are rates per 1,000 households (need ``households > 0``)."""


@dataclass
class EffectResult:
    """The estimated effect of the rooms on one outcome.

    Attributes
    ----------
    outcome, method
        Outcome code and method code (:data:`METHOD`).
    status
        ``"ok"``, or why there is no estimate: ``"no_data"``, ``"too_few_months"``,
        ``"too_few_treated"``, ``"no_control"`` (every community got its room in the
        same month), ``"too_few_control"``, ``"no_estimate"``.
    reason
        ``{"zh": ..., "en": ...}`` plain sentence when ``status != "ok"``, else ``None``.
    att, se, ci_low, ci_high
        Average effect on served communities per month (outcome units) and its 95 % CI.
    relative_effect
        ``att`` / counterfactual mean of the treated post-opening community-months
        (e.g. ``-0.22`` for -22 %).
    counterfactual_mean
        Mean the served communities would have had after opening without rooms.
    n_treated
        Communities first served inside the window (with pre-opening months).
    n_control
        Communities used as comparison in at least one month: never served in the
        window, or served after the first wave (not-yet-served controls).
    n_months
        Months in the panel.
    event_study
        ``[{"event_time", "att", "ci_low", "ci_high"}]`` by months since opening.
    naive_before_after
        Mean over served communities of (mean after opening - mean before): what a
        plain before/after comparison reports.
    counterfactual
        Per calendar month for the served communities: ``month_on``, ``observed``,
        ``counterfactual`` ("what would have happened without rooms"), ``n_served``
        (communities already open that month).
    summary, naive_note
        ``{"zh", "en"}`` plain sentences: the result, and why naive differs.
    notes
        Messages diff-diff raised while fitting (kept for diagnosis).
    excluded
        Communities left out or simplified, by cause (see the module docstring):
        ``served_before_window``, ``no_households``, ``no_data``, ``lost_service``,
        ``gappy``; only causes with a count above 0.
    caveats
        One ``{"zh", "en"}`` sentence per entry of ``excluded`` (shown under the result,
        also when there is no estimate).
    strata
        The comparisons the estimate combines, one per kind with served communities:
        ``[{"kind", "comparison", "att", "se", "n_treated", "n_control", "weight"}]``;
        ``kind`` is ``"urban"`` / ``"rural"`` (``None``: no kind recorded),
        ``comparison`` ``"within_kind"`` or ``"all_kinds"`` (a fallback, see the module
        docstring), ``weight`` the stratum's share of the overall ATT. Empty without
        an estimate.
    """

    outcome: str
    method: str = METHOD
    status: str = "ok"
    reason: dict[str, str] | None = None
    att: float | None = None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    relative_effect: float | None = None
    counterfactual_mean: float | None = None
    n_treated: int = 0
    n_control: int = 0
    n_months: int = 0
    event_study: list[dict[str, float]] = field(default_factory=list)
    naive_before_after: float | None = None
    counterfactual: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"month_on": [], "observed": [], "counterfactual": [], "n_served": []}
        )
    )
    summary: dict[str, str] = field(default_factory=dict)
    naive_note: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    caveats: list[dict[str, str]] = field(default_factory=list)
    strata: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """``True`` when there is an estimate to show."""
        return self.status == "ok"

    def as_dict(self) -> dict[str, Any]:
        """The CLI ``--json`` object: the keys of the issue's contract and ``strata``
        (which comparisons the estimate combines)."""
        return {
            "outcome": self.outcome,
            "method": self.method,
            "att": self.att,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "relative_effect": self.relative_effect,
            "n_treated": int(self.n_treated),
            "n_control": int(self.n_control),
            "event_study": [
                {k: row[k] for k in ("event_time", "att", "ci_low", "ci_high")}
                for row in self.event_study
            ],
            "naive_before_after": self.naive_before_after,
            "strata": [
                {k: row[k] for k in ("kind", "comparison", "att", "se", "n_treated")}
                for row in self.strata
            ],
        }


# ---------------------------------------------------------------- entry points
def estimate(
    con: duckdb.DuckDBPyConnection,
    outcome: str,
    filters: Filters | None = None,
    categories: tuple[str, ...] = (),
) -> EffectResult:
    """Estimate the rooms' effect on ``outcome`` from the warehouse.

    Parameters
    ----------
    con
        An open warehouse connection (read snapshot or writer).
    outcome
        One of :data:`OUTCOMES`.
    filters
        Global filters; date range (widened to whole months), districts, waves (which
        served communities enter; never-served ones always stay as controls), halls and
        service types (counter outcomes only).
    categories
        Hotline categories (``hotline_orders.category`` codes) the outcome counts, for
        the outcomes of :data:`CATEGORY_OUTCOMES`; empty = all.

    Returns
    -------
    EffectResult
        With ``status == "ok"`` and numbers, or a status and plain reason and no number.

    Raises
    ------
    ValueError
        If ``outcome`` is not one of :data:`OUTCOMES`, or ``categories`` are given for an
        outcome without categories.
    """
    panel, status = load_panel(con, outcome, filters, categories)
    return estimate_panel(panel, outcome, communities=status)


def load_panel(
    con: duckdb.DuckDBPyConnection,
    outcome: str,
    filters: Filters | None = None,
    categories: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The outcome's community-month panel and the selected communities' status rows
    (``queries/effects/community_status.sql``), with the parameters of
    :func:`estimate`."""
    spec = _spec(outcome)
    if categories and outcome not in CATEGORY_OUTCOMES:
        raise ValueError(f"outcome {outcome!r} has no categories; categories apply to: "
                         f"{', '.join(sorted(CATEGORY_OUTCOMES))}")
    params = (filters or Filters()).params()
    panel_params = {**params, "categories": None, "per_households": None, **dict(spec.fixed)}
    if categories:
        panel_params["categories"] = list(categories)
    panel = warehouse.query(con, spec.query, panel_params)
    status = warehouse.query(con, STATUS_QUERY, params)
    return panel, status


def estimate_panel(
    panel: pd.DataFrame,
    outcome: str,
    *,
    min_months: int = MIN_MONTHS,
    min_treated: int = MIN_TREATED,
    min_control: int = MIN_CONTROL,
    communities: pd.DataFrame | None = None,
) -> EffectResult:
    """Estimate the effect from a community-month panel.

    Parameters
    ----------
    panel
        Columns ``community_id``, ``month_on`` (first day of the month),
        ``first_opened_on`` (date of first room opening, NaT if never served) and ``y``
        (the outcome; NaN or missing rows for months without a value).
    outcome
        One of :data:`OUTCOMES` (sets the wording of sentences).
    min_months, min_treated, min_control
        Thresholds below which no estimate is given.
    communities
        Optional rows of ``queries/effects/community_status.sql`` (the selected
        communities with ``households``, ``first_opened_on``, ``unserved_from``): used
        only to count what the panel leaves out (``excluded`` / ``caveats``).

    Returns
    -------
    EffectResult
    """
    spec = _spec(outcome)
    res = EffectResult(outcome=outcome)
    data, n_before = _prepare(panel)
    window = _window(data)
    _count_status(res, communities, panel, window)
    if n_before:
        res.excluded["served_before_window"] = n_before
    if data.empty:
        return _refuse(res, "no_data", min_control=min_control)

    n_months = int(data["t"].max())
    res.n_months = n_months
    data, n_dropped = _balance(data, n_months)
    if n_dropped:
        res.notes.append(f"{n_dropped} communities with months without a value left out (balanced panel)")
        res.excluded["gappy"] = n_dropped
    units = data.drop_duplicates("community_id")[["community_id", "g", "kind"]]
    plan = plan_strata(units, min_control)
    if plan.n_other_kind:
        res.excluded["other_kind"] = plan.n_other_kind
    if plan.n_fallback:
        res.excluded["kind_fallback"] = plan.n_fallback
    data = data[data["community_id"].isin(plan.ids)].reset_index(drop=True)
    treated_g = units.loc[units["g"] > 0, "g"]
    res.n_treated = int(treated_g.size)
    first_wave = int(treated_g.min()) if treated_g.size else 0
    res.n_control = len(set().union(*(s.controls(units) for s in plan.strata)))
    if n_months < min_months:
        return _refuse(res, "too_few_months", n=n_months, min=min_months, min_control=min_control)
    if res.n_treated < min_treated:
        return _refuse(res, "too_few_treated", n=res.n_treated, min=min_treated, min_control=min_control)
    if res.n_control == 0:
        return _refuse(res, "no_control", n=res.n_treated, month=_cohort_month(data, first_wave), min_control=min_control)
    if res.n_control < min_control:
        return _refuse(res, "too_few_control", n=res.n_control, min=min_control, min_control=min_control)

    fitted: list[_StratumFit] = []
    failed = 0
    for stratum in plan.strata:
        sub = data[data["community_id"].isin(stratum.ids)].reset_index(drop=True)
        one = _fit_stratum(sub, stratum)
        res.notes = res.notes + one.notes
        if one.ok:
            fitted.append(one)
        else:
            failed += stratum.n_treated(units)
    if not fitted:
        return _refuse(res, "no_estimate", min_control=min_control)
    if failed:
        res.excluded["kind_no_estimate"] = failed
    res.notes = sorted(set(res.notes), key=res.notes.index)

    if len(fitted) == 1:
        only = fitted[0]
        res.att, res.se, res.ci_low, res.ci_high = only.att, only.se, only.ci_low, only.ci_high
        res.event_study = only.event_study
        weights = [1.0]
    else:
        weights = _combine(res, fitted, shared=plan.shared)
    res.strata = [
        {"kind": f.stratum.kind, "comparison": f.stratum.comparison, "att": f.att, "se": f.se,
         "n_treated": f.stratum.n_treated(units), "n_control": len(f.stratum.controls(units)),
         "weight": w}
        for f, w in zip(fitted, weights)
    ]

    ever = pd.concat([_ever_cells(f.data, f.gt) for f in fitted], ignore_index=True)
    cf_mean = _counterfactual_mean(ever)
    res.counterfactual_mean = cf_mean
    res.relative_effect = (
        res.att / cf_mean if cf_mean is not None and math.isfinite(cf_mean) and cf_mean != 0.0 else None
    )
    res.counterfactual = _counterfactual_series(ever)
    res.naive_before_after = _naive(data)
    res.summary = {lang: _sentence(spec, res, lang) for lang in ("zh", "en")}
    res.naive_note = {lang: _naive_sentence(spec, res, lang) for lang in ("zh", "en")}
    res.caveats = _caveats(res, min_control)
    return res


# ---------------------------------------------------------------- strata (kinds)
@dataclass(frozen=True)
class Stratum:
    """One comparison of the within-kind design (see the module docstring).

    Attributes
    ----------
    kind
        The kind whose served communities this stratum estimates (``None``: no kind
        recorded).
    comparison
        ``"within_kind"``: only the kind's own communities; ``"all_kinds"``: the kind's
        communities and the never-served communities of every kind.
    ids
        The communities of the fit.
    """

    kind: str | None
    comparison: str
    ids: frozenset[str]

    def n_treated(self, units: pd.DataFrame) -> int:
        """Served communities of the stratum (``units``: ``community_id``, ``g``)."""
        u = units[units["community_id"].isin(self.ids)]
        return int((u["g"] > 0).sum())

    def controls(self, units: pd.DataFrame) -> set[str]:
        """Communities that are a comparison in at least one month: never served, or
        served after the stratum's first wave."""
        u = units[units["community_id"].isin(self.ids)]
        tr = u.loc[u["g"] > 0, "g"]
        first = int(tr.min()) if tr.size else 0
        return set(u.loc[(u["g"] == 0) | (u["g"] > first), "community_id"])


@dataclass(frozen=True)
class StrataPlan:
    """The strata of a panel, what they leave out, and whether they share communities.

    Attributes
    ----------
    strata
        In kind order (urban, rural, others, unrecorded last).
    n_other_kind
        Communities in no stratum (a kind without served communities, no fallback).
    n_fallback
        Served communities compared across kinds (``comparison == "all_kinds"`` because
        their kind has too few never-served communities).
    shared
        A community is in two strata (a fallback's never-served comparisons).
    """

    strata: list[Stratum]
    n_other_kind: int = 0
    n_fallback: int = 0
    shared: bool = False

    @property
    def ids(self) -> set[str]:
        """The communities of at least one stratum (the rest take no part)."""
        return set().union(*(s.ids for s in self.strata))


def plan_strata(units: pd.DataFrame, min_control: int = MIN_CONTROL) -> StrataPlan:
    """The within-kind comparisons of a panel (rule in the module docstring).

    Parameters
    ----------
    units
        One row per community: ``community_id``, ``g`` (cohort, 0 = never served in the
        window) and ``kind`` (``None`` / NaN: not recorded).
    min_control
        Fewest never-served communities of its own a kind needs to be compared within
        itself.

    Returns
    -------
    StrataPlan
    """
    ids = units["community_id"].astype(str).to_numpy()
    g = units["g"].to_numpy()
    kind = _kinds(units).to_numpy()
    kinds = sorted(set(kind), key=_kind_order)
    served_kinds = [k for k in kinds if ((kind == k) & (g > 0)).any()]
    if len(kinds) <= 1 or not served_kinds:
        only = kinds[0] if kinds else None
        return StrataPlan([Stratum(only, "within_kind" if only is not None else "all_kinds",
                                   frozenset(ids))])
    never = frozenset(ids[g == 0])
    strata, fallback = [], 0
    for k in served_kinds:
        own = kind == k
        if int((own & (g == 0)).sum()) >= min_control:
            strata.append(Stratum(k, "within_kind", frozenset(ids[own])))
        else:
            strata.append(Stratum(k, "all_kinds", frozenset(ids[own]) | never))
            fallback += int((own & (g > 0)).sum())
    used = set().union(*(s.ids for s in strata))
    return StrataPlan(strata, n_other_kind=int(len(ids) - len(used)), n_fallback=fallback,
                      shared=sum(len(s.ids) for s in strata) > len(used))


def _kinds(frame: pd.DataFrame) -> pd.Series:
    """``frame["kind"]`` as objects, ``None`` where not recorded (every row without the
    column)."""
    if "kind" not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame["kind"].astype(object).where(frame["kind"].notna(), None)


def _kind_order(k: str | None) -> tuple[int, str]:
    return ({"urban": 0, "rural": 1}.get(k, 2) if k is not None else 3, k or "")


@dataclass
class _StratumFit:
    """One stratum's fit: its estimate, event study, cells and weights."""

    stratum: Stratum
    data: pd.DataFrame
    ok: bool = False
    att: float = math.nan
    se: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    event_study: list[dict[str, float]] = field(default_factory=list)
    es_se: dict[int, float] = field(default_factory=dict)
    gt: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["g", "t", "att_gt", "w"]))
    notes: list[str] = field(default_factory=list)

    @property
    def weight(self) -> float:
        """Treated community-months in the estimable post-opening cells (the weight of
        the simple aggregation)."""
        return self._mass(self.gt["t"] >= self.gt["g"])

    def weight_at(self, e: int) -> float:
        """Treated community-months in the estimable cells ``t - g = e``."""
        return self._mass(self.gt["t"] - self.gt["g"] == e)

    def _mass(self, cells: pd.Series) -> float:
        """Summed weight ``w`` of the ``cells`` whose ATT(g, t) is estimable."""
        return float(self.gt.loc[cells & np.isfinite(self.gt["att_gt"].to_numpy(float)), "w"].sum())


def _fit_stratum(data: pd.DataFrame, stratum: Stratum) -> _StratumFit:
    """Fit one stratum (``ok`` False when it has no finite estimate)."""
    out = _StratumFit(stratum=stratum, data=data)
    try:
        fit, out.notes = _fit(data)
        simple = fit.aggregate("simple")
        att = float(simple.att[0])
    except (ValueError, np.linalg.LinAlgError) as exc:  # no estimable cell at all
        out.notes = [str(exc).splitlines()[0][:300]]
        return out
    se = float(simple.se[0])
    lo, hi = float(simple.conf_int_lower[0]), float(simple.conf_int_upper[0])
    if not all(math.isfinite(v) for v in (att, se, lo, hi)):
        # a number without a finite interval is not shown as a number
        return out
    out.ok = True
    out.att, out.se, out.ci_low, out.ci_high = att, se, lo, hi
    es = fit.aggregate("event_study")
    for e, a, s_e, lo, hi in zip(es.event_time, es.att, es.se, es.conf_int_lower, es.conf_int_upper):
        if math.isfinite(a) and math.isfinite(lo) and math.isfinite(hi):
            out.event_study.append({"event_time": int(e), "att": float(a), "ci_low": float(lo),
                                    "ci_high": float(hi)})
            out.es_se[int(e)] = float(s_e)
    out.gt = _gt_frame(fit)
    return out


def _combine(res: EffectResult, fits_: list[_StratumFit], *, shared: bool) -> list[float]:
    """Set ``res``'s overall ATT and event study from several strata; return the
    strata's weights in the overall ATT.

    Weights: each stratum's treated community-months (per event time: in that event
    time's cells). Standard error: ``sqrt(sum w^2 se^2)`` for strata on disjoint
    communities, the upper bound ``sum w se`` when they share communities.
    """
    z = float(_Z)

    def pool(atts: list[float], ses: list[float], ws: list[float]) -> tuple[float, float, list[float]]:
        total = sum(ws)
        share = [w / total for w in ws]
        att = float(sum(s * a for s, a in zip(share, atts)))
        if shared:
            se = float(sum(s * e for s, e in zip(share, ses)))
        else:
            se = float(math.sqrt(sum((s * e) ** 2 for s, e in zip(share, ses))))
        return att, se, share

    att, se, share = pool([f.att for f in fits_], [f.se for f in fits_], [f.weight for f in fits_])
    res.att, res.se, res.ci_low, res.ci_high = att, se, att - z * se, att + z * se
    events = sorted({int(r["event_time"]) for f in fits_ for r in f.event_study})
    res.event_study = []
    for e in events:
        parts = [(f, r) for f in fits_ for r in f.event_study if int(r["event_time"]) == e and f.weight_at(e) > 0]
        if not parts:
            continue
        a, s_e, _ = pool([r["att"] for _, r in parts], [f.es_se[e] for f, _ in parts],
                         [f.weight_at(e) for f, _ in parts])
        if math.isfinite(a) and math.isfinite(s_e):
            res.event_study.append({"event_time": e, "att": a, "ci_low": a - z * s_e, "ci_high": a + z * s_e})
    return share


# ---------------------------------------------------------------- internals
def _spec(outcome: str) -> OutcomeSpec:
    try:
        return OUTCOMES[outcome]
    except KeyError:
        raise ValueError(
            f"unknown outcome {outcome!r}; choose one of: {', '.join(OUTCOMES)}"
        ) from None


def _month_index(d: pd.Series) -> pd.Series:
    d = pd.to_datetime(d)
    return d.dt.year * 12 + d.dt.month


def _prepare(panel: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Integer months ``t`` (1 = first month), cohorts ``g`` (0 = never in window).

    Drops rows without a finite ``y`` and communities served at or before the window's
    first month (no pre-opening month: neither a served group nor a control). Keeps
    ``month_on`` for the counterfactual series and ``kind`` for the strata (``None``
    when the panel has no ``kind``).

    Returns
    -------
    (DataFrame, int)
        The prepared rows and the number of communities served too early.
    """
    need = {"community_id", "month_on", "first_opened_on", "y"}
    missing = need - set(panel.columns)
    if missing:
        raise ValueError(f"panel lacks columns: {', '.join(sorted(missing))}")
    df = panel[["community_id", "month_on", "first_opened_on", "y"]].copy()
    df["kind"] = _kinds(panel)  # urban / rural: the comparison is made within kind
    df["y"] = pd.to_numeric(df["y"], errors="coerce").astype("float64")
    df = df[np.isfinite(df["y"].to_numpy())]
    if df.empty:
        return df.assign(t=pd.Series(dtype="int64"), g=pd.Series(dtype="int64")), 0
    df["community_id"] = df["community_id"].astype(str)
    df["month_on"] = pd.to_datetime(df["month_on"]).dt.to_period("M").dt.to_timestamp()
    m = _month_index(df["month_on"])
    m0 = int(m.min())
    m_last = int(m.max())
    df["t"] = (m - m0 + 1).astype("int64")
    opened = pd.to_datetime(df["first_opened_on"])
    gm = _month_index(opened)
    g = (gm - m0 + 1).where(opened.notna(), 0)
    g = g.where(gm.isna() | (gm <= m_last), 0)  # first served after the window: control
    df["g"] = g.fillna(0).astype("int64")
    # served at or before the first month: no pre-opening month, cannot be used (neither
    # served group nor control). Tested on the month itself, not on g: a room opened the
    # month before the window has g = 0, the code of "never served".
    early = (opened.notna() & (gm <= m0)).to_numpy()
    n_early = int(df.loc[early, "community_id"].nunique())
    df = df[~early]
    return df.reset_index(drop=True), n_early


def _window(data: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last month of the prepared panel (``None`` when empty)."""
    if data.empty:
        return None
    return pd.Timestamp(data["month_on"].min()), pd.Timestamp(data["month_on"].max())


def _cohort_month(data: pd.DataFrame, g: int) -> str:
    """``YYYY-MM`` of cohort ``g`` (the month of its first room opening)."""
    m = pd.Timestamp(data["month_on"].min()) + pd.DateOffset(months=int(g) - 1)
    return f"{m.year:04d}-{m.month:02d}"


def _count_status(
    res: EffectResult,
    communities: pd.DataFrame | None,
    panel: pd.DataFrame,
    window: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> None:
    """Fill ``res.excluded`` from the selected communities' status rows: no household
    count (rate outcomes), no value in the window, and rooms closed for good or a while
    after the first opening, inside the window."""
    if communities is None or communities.empty:
        return
    c = communities.copy()
    c["community_id"] = c["community_id"].astype(str)
    if res.outcome in PER_HOUSEHOLD and "households" in c.columns:
        hh = pd.to_numeric(c["households"], errors="coerce").astype("float64").to_numpy()
        no_hh = ~(np.isfinite(hh) & (hh > 0))  # NULL, NaN, 0 or negative: no rate
        if no_hh.any():
            res.excluded["no_households"] = int(no_hh.sum())
        c = c[~no_hh]
    y = pd.to_numeric(panel["y"], errors="coerce") if "y" in panel else pd.Series(dtype=float)
    has = set(panel.loc[np.isfinite(y.to_numpy(dtype=float)), "community_id"].astype(str)) if len(panel) else set()
    n_nodata = int((~c["community_id"].isin(has)).sum())
    if n_nodata:
        res.excluded["no_data"] = n_nodata
    if window is not None and "unserved_from" in c.columns:
        lapse = pd.to_datetime(c["unserved_from"])
        first = pd.to_datetime(c["first_opened_on"])
        end = window[1] + pd.offsets.MonthEnd(0)
        # served inside the window after its first month (the ones the estimate uses)
        lost = lapse.notna() & (lapse <= end) & (first >= window[0] + pd.DateOffset(months=1)) & (first <= end)
        if int(lost.sum()):
            res.excluded["lost_service"] = int(lost.sum())


def _caveats(res: EffectResult, min_control: int = MIN_CONTROL) -> list[dict[str, str]]:
    """One plain sentence per cause in ``res.excluded`` (zh and en)."""
    return [
        {lang: t(f"eff.caveat.{cause}", lang, n=n, what=t(f"eff.what.{res.outcome}", lang),
                 min=min_control)
         for lang in ("zh", "en")}
        for cause, n in res.excluded.items()
        if n > 0
    ]


def _balance(data: pd.DataFrame, n_months: int) -> tuple[pd.DataFrame, int]:
    """Keep only the communities observed every month when they are at least
    :data:`BALANCE_SHARE` of all; otherwise keep everything (unbalanced route)."""
    per = data.groupby("community_id")["t"].nunique()
    complete = per.index[per == n_months]
    n_drop = int(len(per) - len(complete))
    if n_drop == 0 or len(complete) < BALANCE_SHARE * len(per):
        return data, 0
    return data[data["community_id"].isin(complete)].reset_index(drop=True), n_drop


def _fit(data: pd.DataFrame) -> tuple[Any, list[str]]:
    from diff_diff import CallawaySantAnna

    fits.record("cs_did")

    est = CallawaySantAnna(
        control_group="not_yet_treated",
        estimation_method="dr",
        alpha=ALPHA,
        n_bootstrap=0,
        base_period="varying",
        allow_unbalanced_panel=True,
        rank_deficient_action="silent",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = est.fit(data, outcome="y", unit="community_id", time="t", first_treat="g")
    notes = sorted({str(w.message).splitlines()[0][:300] for w in caught})
    return fit, notes


def _gt_frame(fit: Any) -> pd.DataFrame:
    """ATT(g, t) per cell and the cell's weight in diff-diff's aggregations (treated
    communities; the fixed cohort mass on the unbalanced route)."""
    rows = [
        {"g": int(g), "t": int(tt), "att_gt": float(v["effect"]),
         "w": float(v.get("agg_weight", v.get("n_treated", np.nan)))}
        for (g, tt), v in fit.group_time_effects.items()
    ]
    return pd.DataFrame(rows, columns=["g", "t", "att_gt", "w"])


def _ever_cells(data: pd.DataFrame, gt: pd.DataFrame) -> pd.DataFrame:
    """Every observation of the served communities joined to its ATT(g, t)."""
    return data[data["g"] > 0].merge(gt[["g", "t", "att_gt"]], on=["g", "t"], how="left")


def _counterfactual_mean(ever: pd.DataFrame) -> float | None:
    """Mean of (observed - ATT(g,t)) over treated post-opening community-months (of
    :func:`_ever_cells` of every stratum) with an estimable ATT(g,t): the level the
    served communities would have had without rooms."""
    post = ever[(ever["t"] >= ever["g"]).to_numpy() & np.isfinite(ever["att_gt"].to_numpy(dtype=float))]
    if post.empty:
        return None
    return float((post["y"] - post["att_gt"]).mean())


def _counterfactual_series(ever: pd.DataFrame) -> pd.DataFrame:
    """Observed vs counterfactual mean per calendar month over the served communities
    (:func:`_ever_cells` of every stratum)."""
    ever = ever.copy()
    is_post = ever["t"] >= ever["g"]
    ever["effect"] = np.where(is_post, ever["att_gt"], 0.0)
    grouped = ever.groupby("month_on", sort=True)
    out = pd.DataFrame(
        {
            "observed": grouped["y"].mean(),
            # NaN when any open community's ATT(g,t) is not estimable that month
            "effect": grouped["effect"].agg(lambda s: s.mean() if s.notna().all() else np.nan),
            "n_served": grouped.apply(lambda d: int((d["t"] >= d["g"]).sum()), include_groups=False),
        }
    )
    out["counterfactual"] = out["observed"] - out["effect"]
    out = out.reset_index()
    out["month_on"] = pd.to_datetime(out["month_on"]).dt.date
    return out[["month_on", "observed", "counterfactual", "n_served"]]


def _naive(data: pd.DataFrame) -> float | None:
    """Plain before/after: per served community, mean after opening minus mean before,
    averaged over communities."""
    tr = data[data["g"] > 0].assign(post=lambda d: d["t"] >= d["g"])
    means = tr.pivot_table(index="community_id", columns="post", values="y", aggfunc="mean")
    if True not in means.columns or False not in means.columns:
        return None
    diff = (means[True] - means[False]).dropna()
    return float(diff.mean()) if len(diff) else None


def _refuse(res: EffectResult, status: str, *, min_control: int = MIN_CONTROL, **fmt: Any) -> EffectResult:
    res.status = status
    res.reason = {
        lang: t(f"eff.reason.{status}", lang, what=t(f"eff.what.{res.outcome}", lang), **fmt)
        for lang in ("zh", "en")
    }
    res.caveats = _caveats(res, min_control)
    return res


def fmt_num(x: float | None, digits: int | None = None) -> str:
    """A number for sentences: 2 significant-ish decimals for small values."""
    if x is None or not math.isfinite(x):
        return "–"
    if digits is None:
        digits = 1 if abs(x) >= 1 else 2
    return f"{x:.{digits}f}"


def fmt_pct(x: float | None) -> str:
    """Signed percentage, ``-22%``."""
    if x is None or not math.isfinite(x):
        return "–"
    return f"{x * 100:+.0f}%"


def _sentence(spec: OutcomeSpec, res: EffectResult, lang: str) -> str:
    what = t(f"eff.what.{spec.name}", lang)
    unit = t(f"eff.unit.{spec.name}", lang)
    rel = fmt_pct(res.relative_effect)
    assert res.att is not None and res.ci_low is not None and res.ci_high is not None
    if res.ci_low > 0 or res.ci_high < 0:
        key = "eff.sentence.down" if res.att < 0 else "eff.sentence.up"
        lo, hi = sorted((abs(res.ci_low), abs(res.ci_high)))
        return t(key, lang, what=what, unit=unit, abs=fmt_num(abs(res.att)),
                 lo=fmt_num(lo), hi=fmt_num(hi), rel=rel)
    return t("eff.sentence.unclear", lang, what=what, unit=unit, att=fmt_num(res.att),
             lo=fmt_num(res.ci_low), hi=fmt_num(res.ci_high), rel=rel)


def _naive_sentence(spec: OutcomeSpec, res: EffectResult, lang: str) -> str:
    return t(
        "eff.naive_note",
        lang,
        naive=fmt_num(res.naive_before_after),
        att=fmt_num(res.att),
        unit=t(f"eff.unit.{spec.name}", lang),
    )
