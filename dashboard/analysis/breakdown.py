"""The rooms' effect broken down: by hotline category, by urban / rural, by walking
distance from the community to its room.

By hotline category
-------------------
The article's argument is that consultation calls fall while fault reports partly move
to the rooms, which one total hides. :data:`HOTLINE_GROUPS` puts the categories of
``hotline_orders.category`` into the five groups the seed names (consultation and
information queries, fault repair, complaints, reminders 催办, the rest); each group's
effect is :func:`dashboard.analysis.effects.estimate` on the hotline panel restricted to
its categories (the same SQL, ``$categories`` bound).

By subgroup of communities (heterogeneity)
------------------------------------------
Within each subgroup (``urban`` / ``rural``, or a walking-distance band of
:mod:`dashboard.analysis.community_groups`) the same Callaway–Sant'Anna estimator runs on
the panel restricted to

* the subgroup's communities (its served ones are the treated groups, its not-yet-served
  ones serve as not-yet-treated controls), and
* every community not served within the panel's window, whatever its subgroup (the
  never-served controls: all eligible controls are kept, so a small subgroup is not
  compared with a handful of its own).

Communities of *other* subgroups that are served within the window are left out: kept,
they would enter as treated groups of their own. (Keeping only their months before the
opening as controls would leave gaps in the panel that force the less precise
unbalanced-panel estimator on everyone.) The distance of a never-served community to a
room plays no part: a control has no room to walk to. Communities without a value of the
grouping (no kind recorded, no point) are in no subgroup; they still serve as controls
when never served.

Within each subgroup the estimator compares communities of the same kind (urban with
urban, rural with rural; :func:`dashboard.analysis.effects.plan_strata`): the
never-served controls of another kind take part only where a kind has too few of its
own, and the result's caveats count the communities left out.

Public API: :data:`HOTLINE_GROUPS`, :class:`GroupEffect`, :func:`estimate_categories`,
:func:`estimate_by`, :func:`estimate_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from dashboard import settings
from dashboard.analysis.community_groups import BY, community_groups
from dashboard.analysis.effects import (
    EffectResult,
    estimate,
    estimate_panel,
    load_panel,
)
from dashboard.analysis.filters import Filters

__all__ = ["HOTLINE_GROUPS", "GroupEffect", "estimate_by", "estimate_categories", "estimate_groups"]

_NAMED = ("consultation", "fault_repair", "complaint", "reminder")
HOTLINE_GROUPS: dict[str, tuple[str, ...]] = {
    **{c: (c,) for c in _NAMED},
    "rest": tuple(c for c in settings.HOTLINE_CATEGORIES if c not in _NAMED) + ("other",),
}
"""Group code → hotline category codes (``consultation`` holds 咨询 and 查询 alike, see
the spec; ``rest``: report, opinion, praise, service request and orders without a
category)."""


@dataclass
class GroupEffect:
    """The effect within one group.

    Attributes
    ----------
    group
        Group code (a key of :data:`HOTLINE_GROUPS`, or a code of
        :data:`dashboard.analysis.community_groups.BY`).
    result
        The estimate (``result.ok`` false: no number, ``result.reason`` says why).
    n_communities
        Served communities of the group in the panel (before the estimator's own
        exclusions); ``None`` for category groups.
    """

    group: str
    result: EffectResult
    n_communities: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """One entry of the CLI's ``groups`` list."""
        return {
            "group": self.group,
            "status": self.result.status,
            **self.result.as_dict(),
            **({} if self.n_communities is None else {"n_communities": self.n_communities}),
        }


def estimate_categories(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> list[GroupEffect]:
    """The hotline effect per category group (:data:`HOTLINE_GROUPS`), in that order."""
    return [
        GroupEffect(code, estimate(con, "hotline_per_1k_households", filters, categories=cats))
        for code, cats in HOTLINE_GROUPS.items()
    ]


def estimate_groups(
    panel: pd.DataFrame,
    outcome: str,
    groups: pd.Series,
    order: tuple[str, ...],
    communities: pd.DataFrame | None = None,
) -> list[GroupEffect]:
    """The effect within each subgroup of communities (rule in the module docstring).

    Parameters
    ----------
    panel
        The outcome's community-month panel (columns of
        :func:`dashboard.analysis.effects.estimate_panel`).
    outcome
        The outcome code.
    groups
        Group code per community, indexed by ``community_id`` (missing / ``None``: in
        no group).
    order
        The groups to estimate, in display order.
    communities
        Optional status rows (``queries/effects/community_status.sql``) for the caveats.

    Returns
    -------
    list of GroupEffect
    """
    ids = panel["community_id"].astype(str)
    last_month = pd.to_datetime(panel["month_on"]).max() if len(panel) else pd.NaT
    opened = pd.to_datetime(panel["first_opened_on"])
    # never served within the window (first opening after its last month counts too)
    month_start = opened.dt.to_period("M").dt.to_timestamp()
    control = opened.isna() | (month_start > last_month)
    group_of = ids.map(groups.astype(object).to_dict())
    out = []
    for code in order:
        in_group = (group_of == code).to_numpy()
        keep = in_group | control.to_numpy()
        sub = panel[keep]
        n_served = int(ids[in_group & ~control.to_numpy()].nunique())
        status = None
        if communities is not None:
            status = communities[communities["community_id"].astype(str).isin(set(ids[keep]))]
        out.append(GroupEffect(code, estimate_panel(sub, outcome, communities=status), n_served))
    return out


def estimate_by(
    con: duckdb.DuckDBPyConnection,
    outcome: str,
    by: str,
    filters: Filters | None = None,
    categories: tuple[str, ...] = (),
) -> list[GroupEffect]:
    """The effect on ``outcome`` within each group of ``by`` (``urban_rural`` or
    ``distance_band``), under the global filters.

    Raises
    ------
    ValueError
        If ``by`` is not a key of :data:`dashboard.analysis.community_groups.BY`.
    dashboard.coverage.refusals.NetworkError
        For ``distance_band`` when the warehouse holds no street network.
    """
    if by not in BY:
        raise ValueError(f"unknown grouping {by!r}; choose one of: {', '.join(BY)}")
    panel, status = load_panel(con, outcome, filters, categories)
    table = community_groups(con).set_index("community_id")[by]
    return estimate_groups(panel, outcome, table, BY[by], communities=status)
